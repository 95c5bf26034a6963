//! The conference-info reader (`src/conference_info/xml.rs`, written for this crate) reads
//! every body as quick-xml did before it: the quick-xml version of `ConferenceInfo::parse`
//! is kept here, and both read random documents built from the pieces such bodies are made
//! of, well-formed or not.

use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::Reader;
use sip::{ConferenceInfo, ConferenceUser, ElementState};

const MAX_BYTES: usize = 64 * 1024;
const MAX_USERS: usize = 256;
const MAX_DEPTH: usize = 32;

fn quick_xml_parse(xml: &str) -> Option<ConferenceInfo> {
    if xml.len() > MAX_BYTES {
        return None;
    }
    let mut reader = Reader::from_str(xml);
    let mut info: Option<ConferenceInfo> = None;
    let mut user: Option<ConferenceUser> = None;
    let mut text_of: Option<&'static str> = None;
    let mut text = String::new();
    // Element names from the root down to the current one.
    let mut path: Vec<Vec<u8>> = Vec::new();
    loop {
        let event = reader.read_event().ok()?;
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let parent = path.last().cloned().unwrap_or_default();
                if opens {
                    if path.len() >= MAX_DEPTH {
                        return None;
                    }
                    path.push(e.local_name().as_ref().to_vec());
                }
                let attr = |name: &[u8]| -> Option<String> {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == name)
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                };
                match e.local_name().as_ref() {
                    b"conference-info" => {
                        info = Some(ConferenceInfo {
                            entity: attr(b"entity")?,
                            version: attr(b"version").and_then(|v| v.parse().ok())?,
                            full: attr(b"state").as_deref() != Some("partial"),
                            users: Vec::new(),
                        });
                    }
                    b"user" => {
                        user = Some(ConferenceUser {
                            entity: attr(b"entity")?,
                            display: None,
                            status: String::new(),
                            state: ElementState::from_token(attr(b"state").as_deref()),
                        });
                    }
                    // RFC 4575: the user's own name, not an endpoint's or media's.
                    b"display-text" if parent == b"user" => {
                        text_of = Some("display");
                        text.clear();
                    }
                    // The first endpoint's status, not a media stream's.
                    b"status"
                        if parent == b"endpoint"
                            && user.as_ref().is_some_and(|u| u.status.is_empty()) =>
                    {
                        text_of = Some("status");
                        text.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if text_of.is_some() => {
                let raw = t.decode().ok()?;
                text.push_str(&raw);
            }
            Event::GeneralRef(r) if text_of.is_some() => {
                // quick-xml reports `&lt;` and friends apart from the text around them.
                let name = r.decode().ok()?;
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .and_then(|s| s.chars().next()),
                };
                text.push(resolved?);
            }
            Event::End(e) => {
                path.pop();
                if let (Some(which), Some(u)) = (text_of.take(), user.as_mut()) {
                    let value = std::mem::take(&mut text).trim().to_owned();
                    match which {
                        "display" => u.display = Some(value),
                        _ => u.status = value,
                    }
                }
                if e.local_name().as_ref() == b"user" {
                    let (Some(i), Some(u)) = (info.as_mut(), user.take()) else {
                        continue;
                    };
                    if i.users.len() >= MAX_USERS {
                        return None;
                    }
                    i.users.push(u);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    info
}

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "<conference-info entity='sip:c@x' version='2'>",
        "<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\" entity=\"sip:f@x\" state=\"partial\" version=\"7\">",
        "<ci:conference-info entity='e' version='x'>",
        "</conference-info>",
        "</ci:conference-info>",
        "<users>",
        "</users>",
        "<user entity='sip:a@x' state='full'>",
        "<user entity=\"sip:b&amp;c@x\" state=\"deleted\">",
        "<user state='partial' entity='sip:d@x'>",
        "<user>",
        "<user entity='&bogus;'>",
        "</user>",
        "<user entity='sip:e@x'/>",
        "<display-text>",
        "</display-text>",
        "<display-text/>",
        "<endpoint entity='sip:a@pc'>",
        "</endpoint>",
        "<status>",
        "</status>",
        "<media id='1'>",
        "</media>",
        "connected",
        " on-hold ",
        "Ana &lt;x&gt; &#233;&#x41;",
        "&amp;",
        "&nope;",
        "&#0;",
        "& ",
        "<!-- c -->",
        "<![CDATA[<x>]]>",
        "<?xml version='1.0'?>",
        "<!DOCTYPE c>",
        "</x>",
        "<",
        ">",
        "'",
        "\n ",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn reads_as_quick_xml_did(pieces in prop::collection::vec(piece(), 0..24)) {
        let xml = pieces.concat();
        prop_assert_eq!(ConferenceInfo::parse(&xml).ok(), quick_xml_parse(&xml), "{}", xml);
    }

    #[test]
    fn reads_well_formed_documents_as_quick_xml_did(
        users in prop::collection::vec(("[a-z&<>\"' ]{0,6}", prop::option::of("[a-zé&<>'\" ]{0,8}"), "[a-z-]{0,9}"), 0..5),
    ) {
        let info = ConferenceInfo {
            entity: "sip:focus@x".into(),
            version: 1,
            full: true,
            users: users
                .into_iter()
                .map(|(entity, display, status)| ConferenceUser {
                    entity,
                    display: display.map(|d| d.trim().to_owned()),
                    status,
                    state: ElementState::Full,
                })
                .collect(),
        };
        let xml = info.to_xml();
        prop_assert_eq!(ConferenceInfo::parse(&xml).ok(), quick_xml_parse(&xml), "{}", xml);
    }
}
