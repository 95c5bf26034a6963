//! The message parser: never panics, and whatever parses prints to a fixed point whose typed
//! headers decode the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::Message;

fuzz_target!(|data: &[u8]| {
    let _ = sip::lint(data);
    let Ok(m) = Message::parse(data) else {
        return;
    };
    let h = m.headers();
    let typed = (
        h.vias(),
        h.to(),
        h.from(),
        h.cseq(),
        h.contacts(),
        h.routes(),
        h.expires(),
        h.max_forwards(),
        h.www_authenticate(),
        h.proxy_authenticate(),
    );
    let printed = m.to_bytes();
    let again = Message::parse(&printed).expect("printed message parses");
    assert_eq!(again.to_bytes(), printed, "print is a fixed point");
    assert_eq!(again.body(), m.body());
    let h2 = again.headers();
    let typed2 = (
        h2.vias(),
        h2.to(),
        h2.from(),
        h2.cseq(),
        h2.contacts(),
        h2.routes(),
        h2.expires(),
        h2.max_forwards(),
        h2.www_authenticate(),
        h2.proxy_authenticate(),
    );
    assert_eq!(typed, typed2);
});
