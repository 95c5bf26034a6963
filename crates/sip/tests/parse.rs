//! Whole-message parsing and printing (RFC 3261 §7, §20, §25; RFC 7118).

use sip::{CSeq, Limits, Message, Method, NameAddr, ParseError, Request, Response, Uri, Via};

const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: \"Alice \\\"A\\\"\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>\r\n\
Content-Type: application/sdp\r\n\
X-Custom: anything, goes \"here\"\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

fn request(bytes: &[u8]) -> Request {
    match Message::parse(bytes).unwrap() {
        Message::Request(r) => r,
        Message::Response(r) => panic!("expected a request, got {}", r.status),
    }
}

fn response(bytes: &[u8]) -> Response {
    match Message::parse(bytes).unwrap() {
        Message::Response(r) => r,
        Message::Request(r) => panic!("expected a response, got {}", r.method),
    }
}

/// A minimal valid request with `extra` header lines and `body`.
fn req_with(extra: &str, body: &str) -> String {
    format!(
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/WS h;branch=z9hG4bKa\r\nTo: <sip:x@y>\r\n\
         From: <sip:a@y>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n{extra}\r\n{body}"
    )
}

#[test]
fn parses_invite() {
    let r = request(INVITE.as_bytes());
    assert_eq!(r.method, Method::Invite);
    assert_eq!(r.uri.to_string(), "sip:bob@biloxi.example.com");
    assert_eq!(r.body, b"v=0\n");
    let h = &r.headers;
    assert_eq!(h.len(), 10);
    assert_eq!(h.top_via().unwrap().branch(), Some("z9hG4bK776asdhds"));
    assert_eq!(
        h.from().unwrap().display_name.as_deref(),
        Some("Alice \"A\"")
    );
    assert_eq!(h.from().unwrap().tag(), Some("1928301774"));
    assert_eq!(h.to().unwrap().display_name.as_deref(), Some("Bob"));
    assert_eq!(
        h.call_id().unwrap(),
        "a84b4c76e66710@pc33.atlanta.example.com"
    );
    assert_eq!(h.cseq().unwrap(), CSeq::new(314159, Method::Invite));
    assert_eq!(h.max_forwards().unwrap(), Some(70));
    assert_eq!(h.content_type(), Some("application/sdp"));
    assert_eq!(h.get("x-custom"), Some("anything, goes \"here\""));
    assert_eq!(
        h.contacts().unwrap()[0].uri.params.value("transport"),
        Some("ws")
    );
}

#[test]
fn request_round_trip() {
    let r = request(INVITE.as_bytes());
    let printed = r.to_bytes();
    assert_eq!(printed, INVITE.as_bytes());
    assert_eq!(request(&printed), r);
    assert_eq!(r.to_string(), INVITE);
}

#[test]
fn built_request_round_trip() {
    let mut r = Request::new(Method::Register, "sip:example.com".parse().unwrap());
    let via = Via::new("ws", "abc.invalid", None, "z9hG4bK1");
    r.headers.push("Via", via.to_string());
    r.headers.push("Max-Forwards", "70");
    let me = NameAddr::new(Uri::new_sip(Some("alice"), "example.com", None));
    r.headers.push("To", me.to_string());
    r.headers
        .push("From", me.clone().with_tag("t1").to_string());
    r.headers.push("Call-ID", "reg1");
    r.headers
        .push("CSeq", CSeq::new(1, Method::Register).to_string());
    r.headers.push("Content-Length", "999");
    let bytes = r.to_bytes();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with(
        "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bK1\r\n"
    ));
    assert!(text.ends_with("Content-Length: 0\r\n\r\n"));
    let back = request(&bytes);
    assert_eq!(back.headers.top_via().unwrap(), via);
    assert_eq!(back.headers.from().unwrap(), me.with_tag("t1"));
    r.headers.set("Content-Length", "0");
    assert_eq!(back, r);
}

#[test]
fn response_round_trip() {
    let text = "SIP/2.0 180 Ringing\r\n\
Via: SIP/2.0/WS a.invalid;branch=z9hG4bK1;received=192.0.2.1\r\n\
To: <sip:b@x>;tag=b1\r\nFrom: <sip:a@x>;tag=a1\r\nCall-ID: c\r\nCSeq: 2 INVITE\r\n\
Content-Length: 0\r\n\r\n";
    let r = response(text.as_bytes());
    assert_eq!((r.status, r.reason.as_str()), (180, "Ringing"));
    assert_eq!(r.to_bytes(), text.as_bytes());
    assert_eq!(
        Message::parse(&r.to_bytes()).unwrap(),
        Message::Response(r.clone())
    );

    let mut built = Response::new(486, Response::default_reason(486));
    built.headers = r.headers.clone();
    built.body = b"x".to_vec();
    let back = response(&built.to_bytes());
    assert_eq!(back.reason, "Busy Here");
    assert_eq!(back.headers.get("Content-Length"), Some("1"));
    assert_eq!(back.body, b"x");
}

#[test]
fn empty_and_utf8_reason() {
    let base = "Via: SIP/2.0/WS h;branch=z9hG4bKa\r\nTo: <sip:x@y>\r\nFrom: <sip:a@y>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    let r = response(format!("SIP/2.0 200 \r\n{base}").as_bytes());
    assert_eq!(r.reason, "");
    let r = response(format!("SIP/2.0 200\r\n{base}").as_bytes());
    assert_eq!(r.reason, "");
    let r = response(format!("SIP/2.0 403 Interdit d'accès\r\n{base}").as_bytes());
    assert_eq!(r.reason, "Interdit d'accès");
}

#[test]
fn compact_forms() {
    let text = "BYE sip:b@x SIP/2.0\r\nv: SIP/2.0/WS h;branch=z9hG4bKa\r\nt: <sip:b@x>;tag=2\r\n\
f: <sip:a@x>;tag=1\r\ni: cid\r\nCSeq: 3 BYE\r\nm: <sip:a@h>\r\nl: 0\r\nc: text/plain\r\n\r\n";
    let r = request(text.as_bytes());
    let h = &r.headers;
    assert_eq!(h.call_id().unwrap(), "cid");
    assert_eq!(h.get("Content-Type"), Some("text/plain"));
    assert_eq!(h.to().unwrap().tag(), Some("2"));
    assert_eq!(h.contacts().unwrap().len(), 1);
    assert_eq!(
        r.to_bytes(),
        text.as_bytes(),
        "compact names print as received"
    );
}

#[test]
fn folding_and_bare_lf() {
    let text = "\r\n\r\nMESSAGE sip:b@x SIP/2.0\n\
Via: SIP/2.0/WS h\n ;branch=z9hG4bKa\n\
To: <sip:b@x>\nFrom: <sip:a@x>;tag=1\nCall-ID: c\nCSeq: 1 MESSAGE\n\
Subject: hello\n\t  world\n   again\n\nhi";
    let r = request(text.as_bytes());
    assert_eq!(r.headers.get("Subject"), Some("hello world again"));
    assert_eq!(r.headers.top_via().unwrap().branch(), Some("z9hG4bKa"));
    assert_eq!(r.body, b"hi");
}

#[test]
fn ipv6_and_escaped_uris() {
    let mut text = req_with("", "");
    text = text.replacen("sip:x@y", "sip:%61lice%20b@[2001:db8::10]:5070", 1);
    let r = request(text.as_bytes());
    assert_eq!(r.uri.host, "[2001:db8::10]");
    assert_eq!(r.uri.port, Some(5070));
    assert_eq!(r.uri.user.as_deref(), Some("%61lice%20b"));
    assert_eq!(request(&r.to_bytes()).uri, r.uri);
}

#[test]
fn multiple_vias() {
    let text = req_with(
        "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKb, SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKc\r\nv: SIP/2.0/WSS p3;branch=z9hG4bKd\r\n",
        "",
    );
    let r = request(text.as_bytes());
    let vias = r.headers.vias().unwrap();
    let hosts: Vec<_> = vias
        .iter()
        .map(|v| (v.transport.as_str(), v.host.as_str(), v.port))
        .collect();
    assert_eq!(
        hosts,
        [
            ("WS", "h", None),
            ("UDP", "p1.example.com", None),
            ("TCP", "[2001:db8::1]", Some(5061)),
            ("WSS", "p3", None)
        ]
    );
    assert_eq!(r.headers.top_via().unwrap().branch(), Some("z9hG4bKa"));
}

#[test]
fn unknown_method_kept() {
    let text = req_with("", "").replace("OPTIONS", "FROB");
    let r = request(text.as_bytes());
    assert_eq!(r.method, Method::Other("FROB".into()));
    assert_eq!(
        String::from_utf8(r.to_bytes()).unwrap(),
        text.replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n")
    );
}

#[test]
fn content_length_rules() {
    // Absent: the frame is the body.
    let r = request(req_with("", "body").as_bytes());
    assert_eq!(r.body, b"body");
    assert_eq!(
        Message::parse(req_with("Content-Length: 2\r\n", "body").as_bytes()),
        Err(ParseError::ContentLengthMismatch {
            declared: 2,
            actual: 4
        })
    );
    assert_eq!(
        Message::parse(req_with("Content-Length: 9\r\n", "body").as_bytes()),
        Err(ParseError::ContentLengthMismatch {
            declared: 9,
            actual: 4
        })
    );
    assert!(matches!(
        Message::parse(req_with("Content-Length: -1\r\n", "").as_bytes()),
        Err(ParseError::BadHeader { name, .. }) if name == "Content-Length"
    ));
    // Binary body is fine.
    let mut bytes = req_with("l: 3\r\n", "").into_bytes();
    bytes.extend_from_slice(&[0xff, 0, 0xfe]);
    assert_eq!(Message::parse(&bytes).unwrap().body(), &[0xff, 0, 0xfe]);
}

#[test]
fn missing_headers() {
    for name in ["Via", "To", "From", "Call-ID", "CSeq"] {
        let text: String = req_with("", "")
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with(&format!("{name}:")))
            .collect();
        assert_eq!(
            Message::parse(text.as_bytes()),
            Err(ParseError::MissingHeader(name)),
            "{name}"
        );
    }
}

#[test]
fn cseq_must_match_method() {
    let text = req_with("", "").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    assert_eq!(
        Message::parse(text.as_bytes()),
        Err(ParseError::CSeqMethodMismatch)
    );
    let text = req_with("", "").replace("CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS");
    assert!(
        matches!(Message::parse(text.as_bytes()), Err(ParseError::BadHeader { name, .. }) if name == "CSeq")
    );
}

#[test]
fn bad_start_lines() {
    let rest = req_with("", "");
    let rest = rest.split_once("\r\n").unwrap().1;
    for line in [
        "OPTIONS sip:x@y SIP/3.0",
        "OPTIONS  sip:x@y SIP/2.0",
        "OPTIONS sip:x@y",
        "OPT@ONS sip:x@y SIP/2.0",
        "SIP/2.0 20 OK",
        "SIP/2.0 099 Low",
        "SIP/2.0 700 High",
        "SIP/2.0 2x0 OK",
        "SIP/1.0 200 OK",
        "HTTP/1.1 200 OK",
    ] {
        let r = Message::parse(format!("{line}\r\n{rest}").as_bytes());
        assert!(
            matches!(r, Err(ParseError::BadStartLine { .. })),
            "{line}: {r:?}"
        );
    }
    let r = Message::parse(format!("OPTIONS sip:x y SIP/2.0\r\n{rest}").as_bytes());
    assert!(matches!(r, Err(ParseError::BadStartLine { .. })), "{r:?}");
    let r = Message::parse(format!("OPTIONS sip: SIP/2.0\r\n{rest}").as_bytes());
    assert!(matches!(r, Err(ParseError::BadUri { .. })), "{r:?}");
}

#[test]
fn bad_headers() {
    let cases = [
        "NoColon\r\n",
        "Bad Name: x\r\n",
        ": empty\r\n",
        "X-Ctl: a\u{1}b\r\n",
        "Max-Forwards: 70\r\n",
    ];
    for extra in cases {
        let r = Message::parse(req_with(extra, "").as_bytes());
        if extra.starts_with("Max-Forwards") {
            assert!(r.is_ok());
        } else {
            assert!(
                matches!(r, Err(ParseError::BadHeader { .. })),
                "{extra:?}: {r:?}"
            );
        }
    }
    let bad_via = req_with("", "").replace("SIP/2.0/WS h;", "SIP/2.0/WS ;");
    assert!(
        matches!(Message::parse(bad_via.as_bytes()), Err(ParseError::BadHeader { name, .. }) if name == "Via")
    );
    let bad_to = req_with("", "").replace("To: <sip:x@y>", "To: <sip:x@y");
    let err = Message::parse(bad_to.as_bytes()).unwrap_err();
    assert_eq!(err.to_string(), "bad To header: missing `>`");
    let fold_first = "OPTIONS sip:x@y SIP/2.0\r\n folded\r\n\r\n";
    assert!(Message::parse(fold_first.as_bytes()).is_err());
}

#[test]
fn framing_errors() {
    assert_eq!(Message::parse(b""), Err(ParseError::Empty));
    assert_eq!(Message::parse(b"\r\n\r\n"), Err(ParseError::Empty));
    let text = req_with("", "");
    let no_blank = text.trim_end_matches("\r\n");
    assert_eq!(
        Message::parse(no_blank.as_bytes()),
        Err(ParseError::MissingBlankLine)
    );
    let mut bytes = req_with("X-Bin: \r\n", "").into_bytes();
    let at = bytes.len() - 4;
    bytes.insert(at, 0xff);
    assert!(matches!(
        Message::parse(&bytes),
        Err(ParseError::NotUtf8 { .. })
    ));
}

#[test]
fn limits() {
    let text = req_with(
        "X-Long: 0123456789012345678901234567890123456789\r\nX-A: 1\r\nX-B: 2\r\n",
        "",
    );
    let small = Limits {
        max_message_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(
        Message::parse_with(text.as_bytes(), &small),
        Err(ParseError::TooLarge {
            size: text.len(),
            limit: 100
        })
    );
    let few = Limits {
        max_headers: 7,
        ..Limits::default()
    };
    assert_eq!(
        Message::parse_with(text.as_bytes(), &few),
        Err(ParseError::TooManyHeaders { limit: 7 })
    );
    assert!(Message::parse_with(
        text.as_bytes(),
        &Limits {
            max_headers: 8,
            ..Limits::default()
        }
    )
    .is_ok());
    let short = Limits {
        max_header_bytes: 40,
        ..Limits::default()
    };
    assert_eq!(
        Message::parse_with(text.as_bytes(), &short),
        Err(ParseError::HeaderTooLong {
            name: "X-Long".into(),
            limit: 40
        })
    );
    // Folded lines count toward the header's size.
    let folded = req_with("X-F: 0123456789\r\n 0123456789\r\n 0123456789\r\n", "");
    assert!(matches!(
        Message::parse_with(
            folded.as_bytes(),
            &Limits {
                max_header_bytes: 30,
                ..Limits::default()
            }
        ),
        Err(ParseError::HeaderTooLong { .. })
    ));
    let huge = vec![b'a'; 70_000];
    assert!(matches!(
        Message::parse(&huge),
        Err(ParseError::TooLarge { .. })
    ));
}

#[test]
fn never_panics_on_mangled_input() {
    let base = INVITE.as_bytes();
    // Every truncation, and every position overwritten with awkward bytes.
    for n in 0..base.len() {
        let _ = Message::parse(&base[..n]);
    }
    for i in 0..base.len() {
        for b in [
            0u8, b'\r', b'\n', b' ', b'"', b'<', b'>', b':', b';', b',', b'[', b'%', 0xc3, 0xff,
        ] {
            let mut m = base.to_vec();
            m[i] = b;
            if let Ok(msg) = Message::parse(&m) {
                // Whatever parses prints back to something that parses and prints the same.
                let again = Message::parse(&msg.to_bytes()).unwrap();
                assert_eq!(again.to_bytes(), msg.to_bytes());
            }
        }
    }
    let multibyte = "INVITE sip:é@x SIP/2.0\r\nTo: \"é\r\n\r\n";
    for n in 0..multibyte.len() {
        let _ = Message::parse(&multibyte.as_bytes()[..n]);
    }
}
