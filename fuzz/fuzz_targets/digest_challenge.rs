//! Digest challenges: parsing never panics, a parsed challenge prints back to itself, and
//! answering it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::DigestChallenge;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ch) = s.parse::<DigestChallenge>() else {
        return;
    };
    let again: DigestChallenge = ch.to_string().parse().expect("printed challenge parses");
    assert_eq!(again, ch);
    let _ = sip::digest::respond(
        &ch,
        "REGISTER",
        "sip:example.com",
        "alice",
        "pw",
        "c0ffee",
        1,
    );
});
