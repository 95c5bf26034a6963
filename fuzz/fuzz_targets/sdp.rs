//! The SDP parser: never panics, prints back to an equal description, helpers never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::sdp::{Direction, SessionDescription};

fuzz_target!(|data: &[u8]| {
    let Ok(mut sd) = SessionDescription::parse(data) else {
        return;
    };
    let printed = sd.to_bytes();
    let again = SessionDescription::parse(&printed).expect("printed SDP parses");
    assert_eq!(again, sd);
    for i in 0..sd.media.len() {
        let _ = (
            sd.media_direction(i),
            sd.connection_address(i),
            sd.ice_credentials(i),
            sd.media[i].codecs(),
        );
    }
    sd.set_all_directions(Direction::SendOnly);
    let held = SessionDescription::parse(&sd.to_bytes()).expect("held SDP parses");
    assert_eq!(held, sd);
});
