//! RFC 5626 §4.4.1 keep-alives: CRLF CRLF pings at the registrar's Flow-Timer; a registrar
//! that requires outbound must answer with a CRLF pong, or the flow is reported failed.

mod common;

use std::time::Duration;

use sip::{Message, Response, UaEvent, UserAgent};
use web_time::Instant;

/// Registers `ua`, answering its REGISTER (after no challenge) with 200 and `extra` headers.
fn registered(extra: &[(&str, &str)]) -> (UserAgent, Instant) {
    let now = Instant::now();
    let mut ua = common::ua("alice", 1);
    ua.transport_up(now);
    ua.register(now);
    let reg = ua.poll_transmit().expect("a REGISTER");
    let Message::Request(req) = Message::parse(reg.as_bytes()).unwrap() else {
        panic!()
    };
    let mut ok = Response::new(200, "OK");
    for name in ["Via", "From", "Call-ID", "CSeq"] {
        ok.headers
            .push(name, req.headers.get(name).unwrap().to_owned());
    }
    ok.headers
        .push("To", format!("{};tag=r1", req.headers.get("To").unwrap()));
    ok.headers.push(
        "Contact",
        format!("{};expires=600", req.headers.get("Contact").unwrap()),
    );
    for (k, v) in extra {
        ok.headers.push(k, *v);
    }
    ua.receive(ok.to_string().as_bytes(), now);
    while ua.poll_event().is_some() {}
    (ua, now)
}

/// Fires every timer up to `until`, returning what was sent and the events.
fn run(ua: &mut UserAgent, from: Instant, until: Instant) -> (Vec<String>, Vec<UaEvent>) {
    let (mut sent, mut events) = (Vec::new(), Vec::new());
    let mut now = from;
    while let Some(t) = ua.poll_timeout().filter(|t| *t <= until) {
        now = now.max(t);
        ua.handle_timeout(now);
        sent.extend(std::iter::from_fn(|| ua.poll_transmit()));
        events.extend(std::iter::from_fn(|| ua.poll_event()));
    }
    (sent, events)
}

#[test]
fn pings_at_the_flow_timer_and_a_missing_pong_fails_the_flow() {
    let (mut ua, t0) = registered(&[("Require", "outbound"), ("Flow-Timer", "20")]);
    let (sent, events) = run(&mut ua, t0, t0 + Duration::from_secs(20));
    assert_eq!(sent, ["\r\n\r\n"], "one ping within 16-20 s");
    assert!(events.is_empty());
    let (_, events) = run(&mut ua, t0, t0 + Duration::from_secs(31));
    assert_eq!(events, [UaEvent::FlowFailed], "no pong within 10 s");
}

#[test]
fn a_pong_keeps_the_flow_up() {
    let (mut ua, t0) = registered(&[("Require", "outbound"), ("Flow-Timer", "20")]);
    let mut now = t0;
    for _ in 0..5 {
        let (sent, events) = run(&mut ua, now, now + Duration::from_secs(20));
        assert_eq!(sent, ["\r\n\r\n"]);
        assert!(events.is_empty(), "{events:?}");
        now += Duration::from_secs(20);
        ua.receive(b"\r\n", now);
    }
}

#[test]
fn without_outbound_the_pings_keep_the_socket_busy_and_nothing_fails() {
    let (mut ua, t0) = registered(&[]);
    let (sent, events) = run(&mut ua, t0, t0 + Duration::from_secs(120));
    let pings = sent.iter().filter(|f| *f == "\r\n\r\n").count();
    assert!((4..=5).contains(&pings), "every 24-30 s: {pings}");
    assert!(!events.contains(&UaEvent::FlowFailed));
}
