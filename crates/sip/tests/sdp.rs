//! SDP (RFC 8866): parse, print, and the helpers offer/answer and hold use.

use sip::sdp::{Attribute, Codec, Direction, SdpError, SessionDescription, MAX_LINES};

const CHROMIUM: &str = include_str!("sdp/chromium-offer.sdp");

const PBX_ANSWER: &str = "v=0\r\n\
o=FreeSWITCH 1700000000 1700000001 IN IP4 198.51.100.20\r\n\
s=FreeSWITCH\r\n\
c=IN IP4 198.51.100.20\r\n\
t=0 0\r\n\
m=audio 24680 RTP/AVP 0 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n";

fn parse(s: &str) -> SessionDescription {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn chromium_offer() {
    let sd = parse(CHROMIUM);
    assert_eq!(sd.to_string(), CHROMIUM, "prints back byte for byte");
    assert_eq!(sd.origin.session_id, "4611731400430051336");
    assert_eq!(sd.origin.session_version, 2);
    assert_eq!(sd.session_name, "-");
    assert_eq!(sd.media.len(), 2);
    let audio = &sd.media[0];
    assert_eq!((audio.kind.as_str(), audio.port), ("audio", 9));
    assert_eq!(audio.proto, "UDP/TLS/RTP/SAVPF");
    let codecs = audio.codecs();
    assert_eq!(codecs.len(), 8);
    assert_eq!(
        codecs[0],
        Codec {
            payload_type: 111,
            name: "opus".into(),
            clock_rate: 48000,
            channels: Some(2)
        }
    );
    assert_eq!(codecs[7].name, "telephone-event");
    assert_eq!(codecs[7].clock_rate, 8000);
    assert_eq!(sd.media_direction(0), Some(Direction::SendRecv));
    assert_eq!(sd.media_direction(1), Some(Direction::RecvOnly));
    assert_eq!(sd.media_direction(2), None);
    assert_eq!(sd.connection_address(0), Some("0.0.0.0"));
    assert_eq!(
        sd.ice_credentials(1),
        Some(("Xk9q", "9hT3kz2Q1mVbN8cR7pLs0wYe"))
    );
    assert_eq!(
        sd.attribute("msid-semantic").unwrap().value.as_deref(),
        Some(" WMS 9f2a1c3e-5b7d-4e8f-a1b2-c3d4e5f6a7b8")
    );
    assert_eq!(
        audio.attribute("fmtp").unwrap().value.as_deref(),
        Some("111 minptime=10;useinbandfec=1")
    );
}

#[test]
fn pbx_answer_static_codecs_and_session_connection() {
    let sd = parse(PBX_ANSWER);
    assert_eq!(sd.to_string(), PBX_ANSWER);
    let names: Vec<_> = sd.media[0].codecs().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["PCMU", "telephone-event"]);
    assert_eq!(sd.connection_address(0), Some("198.51.100.20"));
    assert_eq!(sd.ice_credentials(0), None);
    assert_eq!(sd.media_direction(0), Some(Direction::SendRecv));
}

#[test]
fn hold_and_resume_rfc6337() {
    let mut sd = parse(CHROMIUM);
    sd.set_direction(Direction::Inactive);
    assert_eq!(
        sd.media_direction(0),
        Some(Direction::SendRecv),
        "media wins"
    );
    sd.set_all_directions(Direction::SendOnly);
    assert_eq!(sd.direction(), None);
    assert_eq!(sd.media_direction(0), Some(Direction::SendOnly));
    assert_eq!(sd.media_direction(1), Some(Direction::SendOnly));
    sd.origin.session_version += 1;
    let text = sd.to_string();
    assert_eq!(text.matches("a=sendonly").count(), 2);
    assert!(!text.contains("a=sendrecv") && !text.contains("a=recvonly"));
    // The attribute keeps its place among the others.
    let audio = &parse(&text).media[0];
    let at = audio.attributes.iter().position(|a| a.name == "sendonly");
    assert_eq!(at, Some(13), "where a=sendrecv was");
    assert_eq!(parse(&text), sd);
    assert_eq!(Direction::SendOnly.answer(), Direction::RecvOnly);
    assert_eq!(Direction::Inactive.answer(), Direction::Inactive);
    assert!(Direction::RecvOnly.receives() && !Direction::RecvOnly.sends());
    // Resume: a session-level direction applies where media has none.
    let mut sd = parse(PBX_ANSWER);
    sd.set_direction(Direction::Inactive);
    assert_eq!(sd.media_direction(0), Some(Direction::Inactive));
    sd.media[0].set_direction(Direction::SendRecv);
    assert_eq!(sd.media_direction(0), Some(Direction::SendRecv));
}

#[test]
fn rfc5118_ipv6_and_multiple_connections() {
    let text = "v=0\r\no=bob 280744730 28977631 IN IP4 host.example.com\r\ns=-\r\nt=0 0\r\n\
m=audio 22334 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n\
m=audio 34556 RTP/AVP 0\r\nc=IN IP6 2001:db8::1\r\n";
    let sd = parse(text);
    assert_eq!(sd.connection_address(0), Some("192.0.2.1"));
    assert_eq!(sd.connection_address(1), Some("2001:db8::1"));
    assert_eq!(sd.media[1].connections[0].addr_type, "IP6");
    assert_eq!(sd.to_string(), text);
}

#[test]
fn lf_only_and_full_field_set() {
    let text = "v=0\no=- 1 1 IN IP4 h\ns=call\ni=info\nu=http://x/\ne=a@x\np=+1 555\n\
c=IN IP4 224.2.1.1/127\nb=AS:64\nt=3034423619 3042462419\nr=604800 3600 0 90000\n\
t=0 0\nz=2882844526 -1h\nk=prompt\na=recvonly\nm=audio 49170/2 RTP/AVP 0\ni=voice\n\
b=TIAS:64000\nk=prompt\na=ptime:20\n";
    let sd = parse(text);
    assert_eq!(sd.times.len(), 2);
    assert_eq!(sd.times[0].repeats, ["604800 3600 0 90000"]);
    assert_eq!(sd.media[0].port_count, Some(2));
    assert_eq!(sd.media_direction(0), Some(Direction::RecvOnly));
    assert_eq!(sd.to_string(), text.replace('\n', "\r\n"));
    assert_eq!(parse(&sd.to_string()), sd);
}

fn err(s: &str) -> SdpError {
    s.parse::<SessionDescription>().unwrap_err()
}

#[test]
fn errors_say_which_line() {
    let base = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n";
    assert!(base.parse::<SessionDescription>().is_ok());
    let bad_line =
        |s: &str, line: usize| matches!(err(s), SdpError::BadLine { line: l, .. } if l == line);
    assert!(bad_line(&base.replace("v=0", "v=1"), 1));
    assert!(bad_line(&base.replace("o=- 1 1", "o=- x 1"), 2));
    assert!(bad_line(&base.replace("s=-", "s="), 3));
    assert!(bad_line(&base.replace("c=IN IP4 h", "c=IN IP4"), 4));
    assert!(bad_line(&base.replace("t=0 0", "t=0"), 5));
    assert!(bad_line(&base.replace("RTP/AVP 0", "RTP/AVP"), 6));
    assert!(bad_line(&base.replace("audio 1 ", "audio 70000 "), 6));
    assert!(bad_line(&format!("{base}a=bad name\r\n"), 7));
    assert!(bad_line(&format!("{base}x=unknown\r\n"), 7));
    assert!(bad_line(&format!("{base}a =x\r\n"), 7));
    assert!(
        bad_line(&format!("{base}\r\na=x\r\n"), 7),
        "blank line inside"
    );
    assert!(bad_line(&format!("{base}a=x\0y\r\n"), 7));
    assert_eq!(
        err(&base.replace("s=-\r\nc=IN IP4 h", "c=IN IP4 h\r\ns=-")),
        SdpError::Missing("s=")
    );
    assert_eq!(
        err(&format!("{base}s=again\r\n")),
        SdpError::OutOfOrder { line: 7, kind: 's' }
    );
    assert_eq!(
        err(&format!("{base}a=x\r\nc=IN IP4 h\r\n")),
        SdpError::OutOfOrder { line: 8, kind: 'c' }
    );
    assert_eq!(
        err(&base.replace("t=0 0\r\n", "r=1 2 3\r\nt=0 0\r\n")),
        SdpError::OutOfOrder { line: 5, kind: 'r' }
    );
    assert_eq!(err(&base.replace("v=0\r\n", "")), SdpError::Missing("v="));
    assert_eq!(
        err(&base.replace("o=- 1 1 IN IP4 h\r\n", "")),
        SdpError::Missing("o=")
    );
    assert_eq!(err(&base.replace("t=0 0\r\n", "")), SdpError::Missing("t="));
    assert_eq!(
        err(&base.replace("c=IN IP4 h\r\n", "")),
        SdpError::Missing("c=")
    );
    assert_eq!(
        err(""),
        SdpError::BadLine {
            line: 1,
            reason: "not `<type>=<value>`"
        }
    );
    assert!(matches!(
        SessionDescription::parse(b"v=0\r\n\xff"),
        Err(SdpError::NotUtf8 { offset: 5 })
    ));
}

#[test]
fn limits() {
    let mut s = String::from("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n");
    for _ in 0..MAX_LINES {
        s.push_str("a=x\r\n");
    }
    assert!(matches!(err(&s), SdpError::TooMany { what: "lines", .. }));
    let big = "a".repeat(40_000);
    assert!(matches!(err(&big), SdpError::TooLarge { .. }));
    let mut s = String::from("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n");
    for _ in 0..33 {
        s.push_str("m=audio 1 RTP/AVP 0\r\n");
    }
    assert!(matches!(
        err(&s),
        SdpError::TooMany {
            what: "media descriptions",
            ..
        }
    ));
}

#[test]
fn built_attributes_print() {
    let mut sd = parse(PBX_ANSWER);
    sd.media[0].attributes.push(Attribute::value("mid", "0"));
    sd.media[0].attributes.push(Attribute::flag("rtcp-mux"));
    let text = sd.to_string();
    assert!(text.ends_with("a=ptime:20\r\na=mid:0\r\na=rtcp-mux\r\n"));
    assert_eq!(parse(&text), sd);
}

#[test]
fn torture_bodies_parse() {
    for name in ["wsinv", "esc01", "ipv6-in-sdp", "ipv4-mapped-ipv6"] {
        let path = format!(
            "{}/tests/torture/valid/{name}.sip",
            env!("CARGO_MANIFEST_DIR")
        );
        let msg = sip::Message::parse(&std::fs::read(path).unwrap()).unwrap();
        let sd = SessionDescription::parse(msg.body()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sd.to_bytes(), msg.body(), "{name}");
    }
}
