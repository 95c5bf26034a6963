//! Digest responses against published examples (RFC 2617 §3.5, RFC 7616 §3.9.1) and values
//! computed independently (Python `hashlib.md5`) for SIP-shaped challenges.

use sip::digest::{respond, DigestError};
use sip::{DigestChallenge, DigestCredentials, Headers};

#[test]
fn rfc2617_worked_example() {
    let ch: DigestChallenge = r#"Digest
                 realm="testrealm@host.com",
                 qop="auth,auth-int",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41""#
        .parse()
        .unwrap();
    let c = respond(
        &ch,
        "GET",
        "/dir/index.html",
        "Mufasa",
        "Circle Of Life",
        "0a4f113b",
        1,
    )
    .unwrap();
    assert_eq!(c.response, "6629fae49393a05397450978507c4ef1");
    assert_eq!(
        c.to_string(),
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", \
         response=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", qop=auth, \
         nc=00000001, opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
    );
    assert!(c.verify("GET", "Circle Of Life"));
}

/// The RFC 7616 §3.9.1 request (user Mufasa, its cnonce, nc 1) answering `ch`.
fn rfc7616_answer(ch: &DigestChallenge) -> DigestCredentials {
    respond(
        ch,
        "GET",
        "/dir/index.html",
        "Mufasa",
        "Circle of Life",
        "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        1,
    )
    .unwrap()
}

#[test]
fn rfc7616_md5_example() {
    let ch: DigestChallenge = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
        .parse()
        .unwrap();
    assert_eq!(ch.qop, ["auth", "auth-int"]);
    let c = rfc7616_answer(&ch);
    assert_eq!(c.response, "8ca523f5e9506fed4657c9700eebdbec");
    assert_eq!(c.algorithm.as_deref(), Some("MD5"));
    assert_eq!(
        c.opaque.as_deref(),
        Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
    );
    let s = c.to_string();
    assert!(s.contains(", algorithm=MD5, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, nc=00000001, "), "{s}");
}

#[test]
fn sip_register_challenge() {
    // A 401 to REGISTER, read through Headers as the registration code will.
    let mut h = Headers::new();
    h.push(
        "WWW-Authenticate",
        "Digest realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", algorithm=MD5",
    );
    let ch = h.www_authenticate().unwrap().unwrap();
    let c = respond(
        &ch,
        "REGISTER",
        "sip:biloxi.com",
        "alice",
        "s3cr3t",
        "unused",
        1,
    )
    .unwrap();
    // RFC 2069 form: no qop, so no cnonce or nc.
    assert_eq!(c.response, "a32166b9554f75a2ad6c6cb2d8b88682");
    assert_eq!((c.qop, c.cnonce, c.nc), (None, None, None));

    let ch: DigestChallenge = "Digest realm=\"biloxi.com\", nonce=\"nonce123\", qop=\"auth\""
        .parse()
        .unwrap();
    let c = respond(
        &ch,
        "REGISTER",
        "sip:biloxi.com",
        "alice",
        "s3cr3t",
        "deadbeef",
        42,
    )
    .unwrap();
    assert_eq!(c.response, "a90b09857537ce3b09b99cd4ea1e17d5");
    assert!(c.to_string().contains("nc=0000002a"));
    let back: DigestCredentials = c.to_string().parse().unwrap();
    assert_eq!(back, c);
    assert!(back.verify("REGISTER", "s3cr3t"));

    let ch: DigestChallenge =
        "Digest realm=\"biloxi.com\", nonce=\"nonce123\", qop=\"auth\", algorithm=MD5-sess"
            .parse()
            .unwrap();
    let c = respond(
        &ch,
        "REGISTER",
        "sip:biloxi.com",
        "alice",
        "s3cr3t",
        "deadbeef",
        42,
    )
    .unwrap();
    assert_eq!(c.response, "f61ad7a8a2f81175e84c18af17217ec9");
}

#[test]
fn unsupported_challenges() {
    let sha: DigestChallenge = "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"
        .parse()
        .unwrap();
    assert_eq!(
        respond(&sha, "INVITE", "sip:r", "u", "p", "c", 1),
        Err(DigestError::Unsupported("algorithm SHA-512-256".into()))
    );
    let int_only: DigestChallenge = "Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""
        .parse()
        .unwrap();
    assert_eq!(
        respond(&int_only, "INVITE", "sip:r", "u", "p", "c", 1),
        Err(DigestError::Unsupported("qop auth-int".into()))
    );
}

#[test]
fn challenge_prints_and_parses_back() {
    let ch = DigestChallenge {
        realm: "a \"quoted\" realm".into(),
        nonce: "n".into(),
        opaque: Some("o".into()),
        algorithm: Some("MD5".into()),
        qop: vec!["auth".into()],
        stale: true,
    };
    assert_eq!(
        ch.to_string(),
        r#"Digest realm="a \"quoted\" realm", nonce="n", opaque="o", algorithm=MD5, qop="auth", stale=true"#
    );
    assert_eq!(ch.to_string().parse::<DigestChallenge>().unwrap(), ch);
}

#[test]
fn challenge_with_odd_algorithm_round_trips() {
    for s in [
        r#"Digest realm="r", nonce="n", algorithm="a b""#,
        r#"Digest realm="r", nonce="n", algorithm=MD5-sess"#,
    ] {
        let c: DigestChallenge = s.parse().unwrap();
        assert_eq!(c.to_string().parse::<DigestChallenge>().unwrap(), c, "{s}");
    }
}

#[test]
fn rfc7616_sha256_example() {
    // RFC 7616 §3.9.1, the SHA-256 response of the worked example.
    let ch: DigestChallenge = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        .parse()
        .unwrap();
    assert!(ch.is_supported());
    let creds = rfc7616_answer(&ch);
    assert_eq!(
        creds.response,
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
    assert!(creds.to_string().contains("algorithm=SHA-256"));
}
