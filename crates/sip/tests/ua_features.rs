//! The user agent against another one on a direct wire (no proxy): DTMF over INFO, PRACK of
//! reliable provisionals, and the error answers RFC 3261 asks for.

use std::time::Duration;

mod common;

use common::ua;
use sip::{Message, UaEvent, UserAgent};
use web_time::Instant;

/// Moves frames both ways until neither side has anything to send; returns the events.
fn pump(a: &mut UserAgent, b: &mut UserAgent, now: Instant) -> (Vec<UaEvent>, Vec<UaEvent>) {
    let (mut ea, mut eb) = (Vec::new(), Vec::new());
    loop {
        let mut moved = false;
        while let Some(f) = a.poll_transmit() {
            b.receive(f.as_bytes(), now);
            moved = true;
        }
        while let Some(f) = b.poll_transmit() {
            a.receive(f.as_bytes(), now);
            moved = true;
        }
        ea.extend(std::iter::from_fn(|| a.poll_event()));
        eb.extend(std::iter::from_fn(|| b.poll_event()));
        if !moved {
            return (ea, eb);
        }
    }
}

const SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n";

fn connected() -> (UserAgent, UserAgent, sip::CallId, sip::CallId, Instant) {
    let now = Instant::now();
    let (mut a, mut b) = (ua("alice", 1), ua("bob", 2));
    a.transport_up(now);
    b.transport_up(now);
    let target = b.contact_uri();
    let ca = a.invite(target, SDP.into(), now);
    let (_, eb) = pump(&mut a, &mut b, now);
    let cb = eb
        .iter()
        .find_map(|e| match e {
            UaEvent::Incoming { call, .. } => Some(*call),
            _ => None,
        })
        .expect("bob sees the call");
    b.answer(cb, SDP.into(), now).unwrap();
    let (ea, eb) = pump(&mut a, &mut b, now);
    assert!(ea.iter().any(|e| matches!(e, UaEvent::Answered { .. })));
    assert!(eb.iter().any(|e| matches!(e, UaEvent::Confirmed { .. })));
    (a, b, ca, cb, now)
}

#[test]
fn dtmf_goes_over_info_and_arrives_as_an_event() {
    let (mut a, mut b, ca, cb, now) = connected();
    a.send_dtmf(ca, '5', 160, now).unwrap();
    a.send_dtmf(ca, '#', 160, now).unwrap();
    let (_, eb) = pump(&mut a, &mut b, now);
    let digits: Vec<char> = eb
        .iter()
        .filter_map(|e| match e {
            UaEvent::Dtmf { call, digit } if *call == cb => Some(*digit),
            _ => None,
        })
        .collect();
    assert_eq!(digits, ['5', '#']);
    assert!(a.send_dtmf(ca, 'x', 160, now).is_err(), "not a DTMF digit");
}

#[test]
fn reliable_provisionals_are_pracked_once_each() {
    let now = Instant::now();
    let mut a = ua("alice", 1);
    a.transport_up(now);
    let target: sip::Uri = "sip:gw@pstn.test".parse().unwrap();
    a.invite(target, SDP.into(), now);
    let invite = a.poll_transmit().unwrap();
    let Message::Request(inv) = Message::parse(invite.as_bytes()).unwrap() else {
        panic!("an INVITE")
    };
    let mut ringing = sip::Response::new(180, "Ringing");
    for name in ["Via", "From", "Call-ID", "CSeq"] {
        ringing
            .headers
            .push(name, inv.headers.get(name).unwrap().to_owned());
    }
    ringing
        .headers
        .push("To", format!("{};tag=gw1", inv.headers.get("To").unwrap()));
    ringing.headers.push("Contact", "<sip:gw@pstn.test>");
    ringing.headers.push("Require", "100rel");
    ringing.headers.push("RSeq", "7");
    let frame = ringing.to_string();
    a.receive(frame.as_bytes(), now);
    let prack = a.poll_transmit().expect("a PRACK");
    assert!(
        prack.starts_with("PRACK sip:gw@pstn.test SIP/2.0"),
        "{prack}"
    );
    assert!(prack.contains("RAck: 7 1 INVITE"), "{prack}");
    // A retransmission of the same 180 is not PRACKed again.
    a.receive(frame.as_bytes(), now + Duration::from_millis(500));
    assert!(a.poll_transmit().is_none());
}

fn answer_to(b: &mut UserAgent, request: &str) -> String {
    b.receive(request.as_bytes(), Instant::now());
    b.poll_transmit().expect("an answer")
}

const INVITE_HEAD: &str = "INVITE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKabc\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@x.invalid;transport=ws>\r\n";

#[test]
fn unknown_required_extension_gets_420_with_unsupported() {
    let mut b = ua("bob", 2);
    b.transport_up(Instant::now());
    let req = format!(
        "{INVITE_HEAD}Require: 100rel, frobnicate\r\nContent-Type: application/sdp\r\n\r\n{SDP}"
    );
    let resp = answer_to(&mut b, &req);
    assert!(resp.starts_with("SIP/2.0 420"), "{resp}");
    assert!(resp.contains("Unsupported: frobnicate"), "{resp}");
    assert!(
        b.poll_event().is_none(),
        "no call was offered to the engine"
    );
}

#[test]
fn a_body_that_is_not_sdp_gets_415() {
    let mut b = ua("bob", 2);
    b.transport_up(Instant::now());
    let req = format!("{INVITE_HEAD}Content-Type: text/plain\r\n\r\nhello");
    let resp = answer_to(&mut b, &req);
    assert!(resp.starts_with("SIP/2.0 415"), "{resp}");
    assert!(resp.contains("Accept: application/sdp"), "{resp}");
}

#[test]
fn requests_outside_any_dialog_get_481_and_unknown_methods_405() {
    let mut b = ua("bob", 2);
    b.transport_up(Instant::now());
    let bye = "BYE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKb1\r\nFrom: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>;tag=zz\r\nCall-ID: nope\r\nCSeq: 2 BYE\r\n\r\n";
    assert!(answer_to(&mut b, bye).starts_with("SIP/2.0 481"));
    let publish = "PUBLISH sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKb2\r\nFrom: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>\r\nCall-ID: p1\r\nCSeq: 1 PUBLISH\r\n\r\n";
    let resp = answer_to(&mut b, publish);
    assert!(
        resp.starts_with("SIP/2.0 405") && resp.contains("Allow: "),
        "{resp}"
    );
    let options = "OPTIONS sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKb3\r\nFrom: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    assert!(answer_to(&mut b, options).starts_with("SIP/2.0 200"));
}
