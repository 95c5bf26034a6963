//! Property tests: values built from strategies print, parse back, and compare equal.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use sip::{CSeq, Message, Method, NameAddr, Params, Request, Response, Uri, Via};

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.!%*_+`'~-]{1,12}"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,10}(\\.[a-z][a-z0-9-]{0,10}){0,3}",
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        vec(any::<u16>(), 8).prop_map(|g| {
            let g: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
            format!("[{}]", g.join(":"))
        }),
        Just("[2001:db8::10]".to_owned()),
        Just("[::ffff:192.0.2.1]".to_owned()),
    ]
}

/// `;name[=value]` lists; URI params take no quoting, header params may.
fn params(quoted: bool) -> impl Strategy<Value = Params> {
    let value = if quoted {
        prop_oneof!["[A-Za-z0-9.!*_+-]{1,8}", "\"[a-z ,;=]{0,6}\""].boxed()
    } else {
        "[A-Za-z0-9.!~*_+-]{1,8}".boxed()
    };
    vec(("[a-z][a-z0-9-]{0,8}", option::of(value)), 0..4).prop_map(|ps| {
        let mut p = Params::new();
        for (k, v) in ps {
            if !p.contains(&k) {
                p.set(&k, v.as_deref());
            }
        }
        p
    })
}

fn sip_uri() -> impl Strategy<Value = Uri> {
    (
        prop_oneof![Just("sip"), Just("sips")],
        option::of("([A-Za-z0-9_.!~*'()&=+$,;?/-]|%[0-9A-F]{2}){1,12}"),
        option::of("([A-Za-z0-9_.!~*'()&=+$,-]|%[0-9a-f]{2}){0,8}"),
        host(),
        option::of(any::<u16>()),
        params(false),
        vec(("[a-zA-Z][a-zA-Z0-9]{0,6}", "[a-zA-Z0-9.]{0,6}"), 0..3),
    )
        .prop_map(|(scheme, user, password, host, port, params, headers)| {
            let password = user.as_ref().and(password);
            let mut u = Uri::new_sip(user.as_deref(), &host, port);
            u.scheme = scheme.to_owned();
            u.password = password;
            u.params = params;
            u.headers = headers;
            u
        })
}

fn tel_uri() -> impl Strategy<Value = Uri> {
    ("\\+?[0-9][0-9-]{0,14}", params(false)).prop_map(|(n, params)| {
        let mut u: Uri = format!("tel:{n}").parse().unwrap();
        u.params = params;
        u
    })
}

fn uri() -> impl Strategy<Value = Uri> {
    prop_oneof![4 => sip_uri(), 1 => tel_uri()]
}

fn name_addr() -> impl Strategy<Value = NameAddr> {
    (option::of("[^\r\n]{0,16}"), uri(), params(true)).prop_map(|(name, uri, params)| {
        let mut a = NameAddr::new(uri);
        a.display_name = name;
        a.params = params;
        a
    })
}

fn via() -> impl Strategy<Value = Via> {
    (
        prop_oneof![
            Just("UDP"),
            Just("TCP"),
            Just("WS"),
            Just("WSS"),
            Just("TLS")
        ],
        host(),
        option::of(any::<u16>()),
        "z9hG4bK[A-Za-z0-9]{1,12}",
        params(true),
    )
        .prop_map(|(t, host, port, branch, extra)| {
            let mut v = Via::new(t, &host, port, &branch);
            for (k, val) in &extra {
                if !v.params.contains(k) {
                    v.params.set(k, val);
                }
            }
            v
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Invite),
        Just(Method::Bye),
        Just(Method::Register),
        Just(Method::Refer),
        Just(Method::Notify),
        token().prop_map(|t| t.parse().unwrap()),
    ]
}

/// Extension headers: names that are no header the parser checks, printable values.
fn extra_headers() -> impl Strategy<Value = Vec<(String, String)>> {
    vec(("X-[A-Za-z]{1,8}", "[!-~]([ -~]{0,28}[!-~])?"), 0..4)
}

/// The mandatory headers, in the order a UA writes them.
fn dialog_headers(
    vias: &[Via],
    to: &NameAddr,
    from: &NameAddr,
    call_id: &str,
    cseq: &CSeq,
    extra: &[(String, String)],
) -> sip::Headers {
    let mut h = sip::Headers::new();
    for v in vias {
        h.push("Via", v.to_string());
    }
    h.push("To", to.to_string());
    h.push("From", from.to_string());
    h.push("Call-ID", call_id);
    h.push("CSeq", cseq.to_string());
    for (n, v) in extra {
        h.push(n, v.as_str());
    }
    h
}

/// What the parser gives back: the printer appends the Content-Length line.
fn reparse(bytes: &[u8]) -> Message {
    Message::parse(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn uri_round_trips(u in uri()) {
        let back: Uri = u.to_string().parse().unwrap();
        prop_assert_eq!(back, u);
    }

    #[test]
    fn name_addr_round_trips(a in name_addr()) {
        let back: NameAddr = a.to_string().parse().unwrap();
        prop_assert_eq!(back, a);
    }

    #[test]
    fn via_round_trips(v in via()) {
        let back: Via = v.to_string().parse().unwrap();
        prop_assert_eq!(back, v);
    }

    #[test]
    fn request_round_trips(
        method in method(),
        uri in sip_uri(),
        vias in vec(via(), 1..4),
        to in name_addr(),
        from in name_addr(),
        call_id in "[A-Za-z0-9.@_-]{1,24}",
        seq in 0..=CSeq::MAX_SEQ,
        extra in extra_headers(),
        body in vec(any::<u8>(), 0..64),
    ) {
        let mut uri = uri;
        uri.headers.clear();
        let cseq = CSeq::new(seq, method.clone());
        let mut r = Request::new(method, uri);
        r.headers = dialog_headers(&vias, &to, &from, &call_id, &cseq, &extra);
        r.body = body;
        let back = reparse(&r.to_bytes());
        r.headers.push("Content-Length", r.body.len().to_string());
        prop_assert_eq!(&back, &Message::Request(r.clone()));
        prop_assert_eq!(back.headers().vias().unwrap(), vias);
        prop_assert_eq!(back.headers().to().unwrap(), to);
        prop_assert_eq!(back.headers().from().unwrap(), from);
        prop_assert_eq!(back.headers().cseq().unwrap(), cseq);
    }

    #[test]
    fn response_round_trips(
        status in 100u16..=699,
        reason in "([^\u{0}-\u{1f}\u{7f}][^\u{0}-\u{1f}\u{7f}]{0,20})?",
        vias in vec(via(), 1..3),
        to in name_addr(),
        from in name_addr(),
        call_id in "[A-Za-z0-9.@_-]{1,24}",
        seq in 0..=CSeq::MAX_SEQ,
        method in method(),
        extra in extra_headers(),
        body in vec(any::<u8>(), 0..64),
    ) {
        let cseq = CSeq::new(seq, method);
        let mut r = Response::new(status, &reason);
        r.headers = dialog_headers(&vias, &to, &from, &call_id, &cseq, &extra);
        r.body = body;
        let back = reparse(&r.to_bytes());
        r.headers.push("Content-Length", r.body.len().to_string());
        prop_assert_eq!(back, Message::Response(r));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        if let Ok(m) = Message::parse(&bytes) {
            let again = reparse(&m.to_bytes());
            prop_assert_eq!(again.to_bytes(), m.to_bytes());
        }
    }
}
