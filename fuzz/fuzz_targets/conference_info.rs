//! Conference-info bodies (RFC 4575): parsing never panics, and whatever parses prints to XML
//! that parses back to an equal document.
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
});
