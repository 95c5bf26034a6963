//! The torture corpus in `tests/torture/`: messages modelled on RFC 4475 and RFC 5118, written
//! for this project. Each valid one parses, prints, and parses back to the same message; each
//! invalid one is rejected for the reason the RFC gives.

use std::fs;
use std::path::{Path, PathBuf};

use sip::{lint, Message, ParseError};

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/torture")
        .join(kind)
}

fn corpus(kind: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sip"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn load(kind: &str, name: &str) -> Message {
    let bytes = fs::read(dir(kind).join(format!("{name}.sip"))).unwrap();
    Message::parse(&bytes).unwrap()
}

/// Printing is a fixed point after one parse, and the reparsed message equals the original in
/// everything but the Content-Length line the printer writes.
fn assert_round_trip(name: &str, m: &Message) {
    let printed = m.to_bytes();
    let again =
        Message::parse(&printed).unwrap_or_else(|e| panic!("{name}: printed form fails: {e}"));
    assert_eq!(again.to_bytes(), printed, "{name}: print is not stable");
    assert_eq!(again.body(), m.body(), "{name}");
    let strip = |m: &Message| {
        let mut m = m.clone();
        m.headers_mut().remove("Content-Length");
        m
    };
    assert_eq!(strip(&again), strip(m), "{name}");
}

#[test]
fn valid_messages_parse_and_round_trip() {
    let files = corpus("valid");
    assert!(files.len() >= 30, "corpus went missing");
    for (name, bytes) in files {
        let m = Message::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_round_trip(&name, &m);
        assert!(lint(&bytes).is_ok(), "{name}");
    }
}

/// What each invalid message must be rejected for (RFC 4475 §3.1.2, §3.3; RFC 5118 §4.2).
fn expected(name: &str, e: &ParseError) -> bool {
    let header = |want: &str| matches!(e, ParseError::BadHeader { name, .. } if name == want);
    let header_reason = |want: &str, why: &str| matches!(e, ParseError::BadHeader { name, reason } if name == want && *reason == why);
    let start = |why: &str| matches!(e, ParseError::BadStartLine { reason } if *reason == why);
    let uri = |why: &str| matches!(e, ParseError::BadUri { reason } if *reason == why);
    match name {
        // §3.1.2.1: `;;,;,,` in Via and `;;;;` in Contact.
        "badinv01" => header_reason("Via", "bad parameter name"),
        // §3.1.2.2: Content-Length larger than the message.
        "clerr" => matches!(e, ParseError::ContentLengthMismatch { declared: 9999, .. }),
        // §3.1.2.3: negative Content-Length.
        "ncl" => header("Content-Length"),
        // §3.1.2.4, §3.1.2.5: CSeq over 2^31 (the other overlarge fields may be ignored).
        "scalar02" | "scalarlg" => header_reason("CSeq", "bad sequence number"),
        // §3.1.2.6: unterminated quoted display name.
        "quotbal" => header_reason("To", "unterminated quoted string"),
        // §3.1.2.7: <> around the Request-URI.
        "ltgtruri" => uri("URI has a bad scheme"),
        // §3.1.2.8 - §3.1.2.10: LWS inside, doubled or trailing in the request line.
        "lwsruri" | "lwsstart" | "trws" => start("request line is not METHOD SP URI SP SIP/2.0"),
        // §3.1.2.11: escaped headers in the Request-URI.
        "escruri" => uri("Request-URI has ?headers"),
        // §3.1.2.12: Date not in GMT.
        "baddate" => header_reason("Date", "time zone is not GMT"),
        // §3.1.2.13: addr-spec with `?` not enclosed in <>.
        "regbadct" => header_reason("Contact", "a URI with `,` or `?` must be enclosed in <>"),
        // §3.1.2.14: spaces within the addr-spec.
        "badaspec" => header("To"),
        // §3.1.2.15: non-token characters in an unquoted display name.
        "baddn" => header_reason("From", "display name must be tokens or a quoted string"),
        // §3.1.2.16: SIP/7.0.
        "badvers" => start("version is not SIP/2.0"),
        // §3.1.2.17, §3.1.2.18: CSeq method differs from the request method.
        "mismatch01" | "mismatch02" => *e == ParseError::CSeqMethodMismatch,
        // §3.1.2.19: status code of ten digits.
        "bigcode" => start("status code is not 3 digits"),
        // §3.3.1: To, From and Call-ID missing.
        "insuf" => matches!(e, ParseError::MissingHeader(_)),
        // §3.3.8: two To, From and Call-ID lines.
        "multi01" => matches!(e, ParseError::DuplicateHeader("To" | "From" | "Call-ID")),
        // §3.3.9: two Content-Length lines.
        "mcl01" => *e == ParseError::DuplicateHeader("Content-Length"),
        // §3.1.1.8: two requests in one frame. Valid on a stream, but RFC 7118 puts one message
        // in each WebSocket frame, so the second request is a body Content-Length denies.
        "dblreq" => matches!(e, ParseError::ContentLengthMismatch { declared: 0, .. }),
        // RFC 5118 §4.2: IPv6 address without brackets.
        "ipv6-bad" | "ipv6-bad-port" => uri("URI has a bad port"),
        "ipv6-unclosed" => uri("URI has an unclosed IPv6 reference"),
        "unterminated-via" => header_reason("Via", "unclosed IPv6 reference"),
        "badcseq" => header_reason("CSeq", "bad sequence number"),
        _ => panic!("{name}: no expectation written"),
    }
}

#[test]
fn invalid_messages_rejected_for_the_rfc_reason() {
    let files = corpus("invalid");
    assert!(files.len() >= 25, "corpus went missing");
    for (name, bytes) in files {
        match Message::parse(&bytes) {
            Ok(_) => panic!("{name}: parsed"),
            Err(e) => assert!(expected(&name, &e), "{name}: wrong reason: {e:?}"),
        }
        let verdict = lint(&bytes).unwrap_err();
        assert!(!verdict.to_string().is_empty());
    }
}

#[test]
fn wsinv_details() {
    let m = load("valid", "wsinv");
    let h = m.headers();
    let vias = h.vias().unwrap();
    assert_eq!(vias.len(), 3);
    assert_eq!(vias[0].transport, "UDP");
    assert_eq!(vias[0].branch(), Some("390skdjuw"));
    assert_eq!(vias[1].host, "spindle.example.com");
    assert_eq!(vias[2].branch(), Some("z9hG4bK30239"));
    assert_eq!(h.to().unwrap().tag(), Some("1918181833n"));
    let from = h.from().unwrap();
    assert_eq!(from.display_name.as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(h.max_forwards().unwrap(), Some(68));
    assert_eq!(h.cseq().unwrap().seq, 9);
    assert_eq!(h.get("Subject"), Some(""));
    assert_eq!(
        h.get("NewFangledHeader"),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(h.get("UnknownHeaderWithUnusualValue"), Some(";;,,;;,;"));
    let contact = &h.contacts().unwrap()[0];
    assert_eq!(contact.display_name.as_deref(), Some("Quoted string \"\""));
    assert_eq!(contact.params.value("newparam"), Some("newvalue"));
    assert_eq!(contact.params.get("secondparam"), Some(None));
    assert_eq!(contact.params.value("q"), Some("0.33"));
    let route = &h.routes().unwrap()[0];
    assert_eq!(route.uri.params.value("unknownwith"), Some("value"));
}

#[test]
fn intmeth_and_escapes() {
    let Message::Request(r) = load("valid", "intmeth") else {
        panic!()
    };
    assert_eq!(
        r.method.as_str(),
        "!interesting-Method0123456789_*+`.%indeed'~"
    );
    assert_eq!(
        r.uri.user.as_deref(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        r.uri.password.as_deref(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    let to = r.headers.to().unwrap();
    assert_eq!(
        to.display_name.as_deref(),
        Some("BEL:\u{7} NUL:\u{0} DEL:\u{7f}")
    );
    assert_eq!(
        r.headers.get("extensionHeader-!.%*+_`'~"),
        Some("\u{feff}大停電")
    );
    let Message::Request(r) = load("valid", "esc01") else {
        panic!()
    };
    assert_eq!(r.uri.user.as_deref(), Some("sips%3Auser%40example.com"));
    assert_eq!(r.uri.host, "example.net");
    let Message::Request(r) = load("valid", "semiuri") else {
        panic!()
    };
    assert_eq!(r.uri.user.as_deref(), Some("user;par=u%40example.net"));
    assert!(r.uri.params.is_empty());
}

#[test]
fn responses_and_bodies() {
    let Message::Response(r) = load("valid", "unreason") else {
        panic!()
    };
    assert_eq!(r.status, 200);
    assert!(r.reason.ends_with("простое"));
    let Message::Response(r) = load("valid", "noreason") else {
        panic!()
    };
    assert_eq!((r.status, r.reason.as_str()), (100, ""));
    let m = load("valid", "mpart01");
    assert!(m.body().ends_with(b"--boundary42--\r\n"));
    assert!(std::str::from_utf8(m.body()).is_err(), "binary part kept");
}

#[test]
fn ipv6_references() {
    let Message::Request(r) = load("valid", "port-ambiguous") else {
        panic!()
    };
    assert_eq!(
        (r.uri.host.as_str(), r.uri.port),
        ("[2001:db8::10:5070]", None)
    );
    let Message::Request(r) = load("valid", "port-unambiguous") else {
        panic!()
    };
    assert_eq!(
        (r.uri.host.as_str(), r.uri.port),
        ("[2001:db8::10]", Some(5070))
    );
    for (name, received) in [
        ("via-received-param-with-delim", "[2001:db8::9:255]"),
        ("via-received-param-no-delim", "2001:db8::9:255"),
    ] {
        let via = load("valid", name).headers().top_via().unwrap();
        assert_eq!(via.params.value("received"), Some(received), "{name}");
        assert_eq!(via.host, "[2001:db8::9:1]");
    }
    let m = load("valid", "mult-ip-in-header");
    let contacts = m.headers().contacts().unwrap();
    assert_eq!(contacts[0].uri.host, "[2001:db8::9:1]");
    assert_eq!(contacts[1].uri.host, "192.0.2.1");
}
