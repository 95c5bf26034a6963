//! Requests the parser refuses are answered when they can be (RFC 3261 §21.4.1: 400 saying
//! what was wrong; RFC 4028 §8.1: 422 for a session interval too small; §21.5.14: 513 for
//! a message too large), and dropped when they cannot; a refused response is dropped. Never
//! does a refused message change a call.

mod common;

use common::{ua, Wire, SDP};
use sip::{
    Malformed, Message, NumberError, NumericHeader, ParseError, Response, UaEvent, UserAgent,
};
use web_time::Instant;

const INVITE_HEAD: &str = "INVITE sip:bob@example.test SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKabc\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.test>;tag=a1\r\nTo: <sip:bob@example.test>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@x.invalid;transport=ws>\r\n";

fn answer(b: &mut UserAgent, request: &[u8]) -> Option<Response> {
    b.receive(request, Instant::now());
    let frame = b.poll_transmit()?;
    assert!(b.poll_transmit().is_none(), "one answer only");
    match Message::parse(frame.as_bytes()).expect("our answer parses") {
        Message::Response(r) => Some(r),
        Message::Request(r) => panic!("a request: {r}"),
    }
}

fn refused(b: &mut UserAgent) -> (Malformed, Option<u16>) {
    let events: Vec<UaEvent> = std::iter::from_fn(|| b.poll_event()).collect();
    match events.as_slice() {
        [UaEvent::Malformed { error, answered }] => (error.clone(), *answered),
        other => panic!("expected one Malformed event, got {other:?}"),
    }
}

fn bad_number(header: NumericHeader, error: NumberError) -> Malformed {
    Malformed::Message(ParseError::BadNumber { header, error })
}

#[test]
fn a_bye_with_a_bad_max_forwards_gets_400_and_the_call_goes_on() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (a_call, b_call) = w.call(0, 1);
    let ok = w
        .trace
        .iter()
        .find(|f| f.starts_with("SIP/2.0 200") && f.contains(" INVITE\r\n"))
        .expect("the 200 to the INVITE")
        .clone();
    let Ok(Message::Response(ok)) = Message::parse(ok.as_bytes()) else {
        panic!("a response")
    };
    let h = &ok.headers;
    let bye = format!(
        "BYE {} SIP/2.0\r\nVia: SIP/2.0/WS a.invalid;branch=z9hG4bKbye\r\nMax-Forwards: 300\r\nFrom: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 9 BYE\r\n\r\n",
        w.uas[1].contact_uri(),
        h.get("From").unwrap(),
        h.get("To").unwrap(),
        h.get("Call-ID").unwrap(),
    );
    let resp = answer(&mut w.uas[1], bye.as_bytes()).expect("an answer");
    assert_eq!(resp.status, 400);
    assert!(resp.reason.contains("Max-Forwards"), "{resp}");
    let warning = resp.headers.get("Warning").expect("a Warning");
    assert!(
        warning.starts_with("399 ") && warning.contains("Max-Forwards"),
        "{warning}"
    );
    assert_eq!(resp.headers.get("CSeq"), Some("9 BYE"));
    assert_eq!(
        refused(&mut w.uas[1]),
        (
            bad_number(NumericHeader::MaxForwards, NumberError::Above { max: 255 }),
            Some(400)
        )
    );
    // The call is still up: a real hang-up ends it on both sides.
    w.uas[0].hangup(a_call, w.now).unwrap();
    w.pump();
    let ended = |evs: &[UaEvent], call| {
        evs.iter()
            .any(|e| matches!(e, UaEvent::Ended { call: c, .. } if *c == call))
    };
    assert!(ended(&w.take_events(1), b_call));
    assert!(ended(&w.take_events(0), a_call));
}

#[test]
fn a_session_interval_below_90_gets_422_with_min_se() {
    let mut b = ua("bob", 2);
    b.transport_up(Instant::now());
    let req = format!(
        "{INVITE_HEAD}Session-Expires: 60;refresher=uac\r\nContent-Type: application/sdp\r\n\r\n{SDP}"
    );
    let resp = answer(&mut b, req.as_bytes()).expect("an answer");
    assert_eq!(resp.status, 422);
    assert_eq!(resp.headers.get("Min-SE"), Some("90"));
    assert_eq!(
        refused(&mut b),
        (
            bad_number(
                NumericHeader::SessionExpires,
                NumberError::Below { min: 90 }
            ),
            Some(422)
        )
    );
}

#[test]
fn each_numeric_header_out_of_range_gets_400() {
    for (line, header, error) in [
        (
            "Expires: 4294967296",
            NumericHeader::Expires,
            NumberError::NotANumber,
        ),
        (
            "Min-Expires: -1",
            NumericHeader::MinExpires,
            NumberError::NotANumber,
        ),
        (
            "Min-SE: 30",
            NumericHeader::MinSe,
            NumberError::Below { min: 90 },
        ),
        (
            "RSeq: 0",
            NumericHeader::RSeq,
            NumberError::Below { min: 1 },
        ),
        (
            "RAck: 1 2147483648 INVITE",
            NumericHeader::RAck,
            NumberError::NotANumber,
        ),
        (
            "Flow-Timer: 1e3",
            NumericHeader::FlowTimer,
            NumberError::NotANumber,
        ),
    ] {
        let mut b = ua("bob", 2);
        b.transport_up(Instant::now());
        let req = format!("{INVITE_HEAD}{line}\r\nContent-Type: application/sdp\r\n\r\n{SDP}");
        let resp = answer(&mut b, req.as_bytes()).expect("an answer");
        assert_eq!(resp.status, 400, "{line}");
        assert!(resp.reason.contains(header.name()), "{line}: {resp}");
        assert_eq!(refused(&mut b), (bad_number(header, error), Some(400)));
    }
}

#[test]
fn an_oversized_request_gets_513() {
    let mut b = ua("bob", 2);
    b.transport_up(Instant::now());
    let body = "a".repeat(70_000);
    let req = format!(
        "{INVITE_HEAD}Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let resp = answer(&mut b, req.as_bytes()).expect("an answer");
    assert_eq!(resp.status, 513);
    assert!(matches!(
        refused(&mut b),
        (Malformed::Message(ParseError::TooLarge { .. }), Some(513))
    ));
}

#[test]
fn what_cannot_be_answered_is_dropped() {
    let no_call_id = format!("{INVITE_HEAD}Max-Forwards: x\r\n\r\n").replace("Call-ID: c1\r\n", "");
    let ack = format!("{INVITE_HEAD}Max-Forwards: 300\r\n\r\n")
        .replace("INVITE sip", "ACK sip")
        .replace("1 INVITE", "1 ACK");
    let response = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKabc\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nRSeq: 0\r\n\r\n";
    for frame in [
        no_call_id.as_bytes(),
        ack.as_bytes(),
        response.as_bytes(),
        b"INVITE nonsense\r\n\r\n",
        &[0xff; 300],
    ] {
        let mut b = ua("bob", 2);
        b.transport_up(Instant::now());
        assert!(answer(&mut b, frame).is_none());
        let (_, answered) = refused(&mut b);
        assert_eq!(answered, None);
    }
}

#[test]
fn a_reliable_provisional_with_rseq_0_is_not_pracked() {
    let mut a = ua("alice", 1);
    let now = Instant::now();
    a.transport_up(now);
    let call = a.invite("sip:gw@pstn.test".parse().unwrap(), SDP.into(), now);
    let invite = a.poll_transmit().unwrap();
    let Ok(Message::Request(inv)) = Message::parse(invite.as_bytes()) else {
        panic!("an INVITE")
    };
    let mut ringing = Response::new(180, "Ringing");
    for name in ["Via", "From", "Call-ID", "CSeq"] {
        ringing
            .headers
            .push(name, inv.headers.get(name).unwrap().to_owned());
    }
    let to = format!("{};tag=gw1", inv.headers.get("To").unwrap());
    ringing.headers.push("To", to);
    ringing.headers.push("Contact", "<sip:gw@pstn.test>");
    ringing.headers.push("Require", "100rel");
    ringing.headers.push("RSeq", "0");
    a.receive(ringing.to_string().as_bytes(), now);
    assert!(a.poll_transmit().is_none(), "no PRACK, no answer");
    assert_eq!(
        refused(&mut a),
        (
            bad_number(NumericHeader::RSeq, NumberError::Below { min: 1 }),
            None
        )
    );
    // The call is still ringing out: hanging up cancels it.
    a.hangup(call, now).unwrap();
    assert!(a.poll_transmit().unwrap().starts_with("CANCEL "));
}
