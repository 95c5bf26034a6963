//! Conference-info bodies (RFC 4575): parsing never panics, and whatever parses prints to XML
//! that parses back to an equal document; merging it as the next NOTIFY into itself (the
//! partial-state rules) never panics and gives a state that round-trips too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip::ConferenceInfo;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(info) = ConferenceInfo::parse(s) else {
        return;
    };
    let xml = info.to_xml();
    let again = ConferenceInfo::parse(&xml)
        .unwrap_or_else(|e| panic!("printed conference-info does not parse: {e}\n{xml}"));
    assert_eq!(again, info, "round trip changed the document\n{xml}");
    let held = ConferenceInfo {
        full: true,
        ..info.clone()
    };
    let mut update = info;
    update.version = update.version.wrapping_add(1);
    if let Ok(merged) = ConferenceInfo::next(Some(&held), update) {
        let xml = merged.to_xml();
        let again = ConferenceInfo::parse(&xml)
            .unwrap_or_else(|e| panic!("merged conference-info does not parse: {e}\n{xml}"));
        assert_eq!(again, merged, "round trip changed the merged state\n{xml}");
    }
});
