//! GRUU (RFC 5627): the user agent asks its registrar for a public GRUU, puts it in the
//! Contact of its dialogs, and after a reconnect refreshes its calls' targets only when that
//! Contact no longer reaches it (the GRUU changed or is gone). Requests made while the
//! transport is down wait for it instead of being lost.

mod common;

use std::time::Duration;

use common::Wire;
use sip::{Message, Request, Response, UaEvent};

fn request(frame: &str) -> Request {
    match Message::parse(frame.as_bytes()).unwrap() {
        Message::Request(r) => r,
        Message::Response(r) => panic!("expected a request, got {r:?}"),
    }
}

/// Registers agent `i` of `wire`; the registrar answers 200 with `gruu` as the binding's
/// pub-gruu (no GRUU when `None`). Returns the REGISTER it answered.
fn register(wire: &mut Wire, i: usize, gruu: Option<&str>) -> Request {
    let now = wire.now;
    wire.uas[i].register(now);
    answer_register(wire, i, gruu)
}

/// Answers the REGISTER agent `i` has queued, which must be all it has queued; then
/// delivers whatever follows.
fn answer_register(wire: &mut Wire, i: usize, gruu: Option<&str>) -> Request {
    let frames: Vec<String> = std::iter::from_fn(|| wire.uas[i].poll_transmit()).collect();
    let [frame] = frames.as_slice() else {
        panic!("only a REGISTER before the registrar answers: {frames:?}");
    };
    let reg = request(frame);
    assert_eq!(reg.method, sip::Method::Register);
    let mut ok = Response::new(200, "OK");
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        ok.headers
            .push(name, reg.headers.get(name).unwrap().to_owned());
    }
    let mut contact = reg.headers.contacts().unwrap().remove(0);
    contact.params.set("expires", Some("600"));
    if let Some(g) = gruu {
        contact.params.set("pub-gruu", Some(&format!("\"{g}\"")));
    }
    ok.headers.push("Contact", contact.to_string());
    let now = wire.now;
    wire.uas[i].receive(ok.to_string().as_bytes(), now);
    wire.pump();
    reg
}

const GRUU_A: &str = "sip:alice@example.test;gr=urn:uuid:00000000-0000-4000-8000-000000000001";
const GRUU_A2: &str = "sip:alice@example.test;gr=urn:uuid:00000000-0000-4000-8000-0000000000aa";
const GRUU_B: &str = "sip:bob@example.test;gr=urn:uuid:00000000-0000-4000-8000-000000000002";

fn contact_of(frame: &str) -> String {
    request_or_response_contact(frame).unwrap_or_default()
}

fn request_or_response_contact(frame: &str) -> Option<String> {
    let msg = Message::parse(frame.as_bytes()).ok()?;
    let headers = match &msg {
        Message::Request(r) => &r.headers,
        Message::Response(r) => &r.headers,
    };
    Some(headers.contacts().ok()?.first()?.uri.to_string())
}

/// Alice and Bob registered with GRUUs, in a call Alice placed.
fn call_with_gruus() -> Wire {
    let mut wire = Wire::new(&["alice", "bob"]);
    let reg = register(&mut wire, 0, Some(GRUU_A));
    assert!(
        reg.headers
            .values("Supported")
            .iter()
            .any(|t| t.eq_ignore_ascii_case("gruu")),
        "REGISTER asks for a GRUU: {reg:?}"
    );
    register(&mut wire, 1, Some(GRUU_B));
    wire.trace.clear();
    wire.call(0, 1);
    wire
}

#[test]
fn dialogs_carry_the_gruu_the_registrar_handed_out() {
    let wire = call_with_gruus();
    let invite = wire.trace.iter().find(|f| f.starts_with("INVITE")).unwrap();
    assert_eq!(contact_of(invite), GRUU_A);
    let ok = wire
        .trace
        .iter()
        .find(|f| f.starts_with("SIP/2.0 200") && f.contains("INVITE"))
        .unwrap();
    assert_eq!(contact_of(ok), GRUU_B);
    // The binding itself stays the flow's own Contact (RFC 5627 §4.1).
    assert!(wire.uas[0].contact_uri().host.ends_with(".invalid"));
}

#[test]
fn without_a_gruu_dialogs_carry_the_flow_contact() {
    let mut wire = Wire::new(&["alice", "bob"]);
    register(&mut wire, 0, None);
    wire.trace.clear();
    wire.call(0, 1);
    let invite = wire.trace.iter().find(|f| f.starts_with("INVITE")).unwrap();
    assert_eq!(contact_of(invite), wire.uas[0].contact_uri().to_string());
}

#[test]
fn a_reconnect_with_the_same_gruu_needs_no_target_refresh() {
    let mut wire = call_with_gruus();
    let now = wire.now;
    wire.uas[0].transport_down(now);
    wire.uas[0].transport_up(now);
    wire.trace.clear();
    answer_register(&mut wire, 0, Some(GRUU_A));
    wire.run_for(Duration::from_secs(5));
    assert!(
        !wire.trace.iter().any(|f| f.starts_with("INVITE")),
        "{:?}",
        wire.trace
    );
    // Bob's BYE to Alice's GRUU reaches her.
    let now = wire.now;
    let bob_call = sip::CallId(1);
    wire.uas[1].hangup(bob_call, now).unwrap();
    wire.pump();
    assert!(wire.take_events(0).iter().any(|e| matches!(
        e,
        UaEvent::Ended {
            reason: sip::EndReason::RemoteHangup,
            ..
        }
    )));
}

#[test]
fn a_new_gruu_after_a_reconnect_refreshes_the_target_with_it() {
    let mut wire = call_with_gruus();
    let now = wire.now;
    wire.uas[0].transport_down(now);
    wire.uas[0].transport_up(now);
    // Nothing but the REGISTER goes before the registrar said which GRUU we have now.
    wire.trace.clear();
    answer_register(&mut wire, 0, Some(GRUU_A2));
    wire.answer_reoffers(1);
    wire.pump();
    let reinvite = wire
        .trace
        .iter()
        .find(|f| f.starts_with("INVITE"))
        .expect("a target refresh");
    assert_eq!(contact_of(reinvite), GRUU_A2);
}

#[test]
fn a_bye_made_while_down_goes_out_once_the_transport_is_back() {
    let mut wire = Wire::new(&["alice", "bob"]);
    let (alice, _) = wire.call(0, 1);
    let now = wire.now;
    wire.uas[0].transport_down(now);
    wire.uas[0].hangup(alice, now).unwrap();
    wire.trace.clear();
    // Just short of the limit: the BYE's own Timer F starts when it is sent.
    wire.run_for(sip::HELD_LIMIT - Duration::from_secs(1));
    assert!(
        !wire.trace.iter().any(|f| f.starts_with("BYE")),
        "{:?}",
        wire.trace
    );
    let now = wire.now;
    wire.uas[0].transport_up(now);
    wire.pump();
    assert_eq!(
        wire.trace.iter().filter(|f| f.starts_with("BYE")).count(),
        1
    );
    assert!(wire.take_events(1).iter().any(|e| matches!(
        e,
        UaEvent::Ended {
            reason: sip::EndReason::RemoteHangup,
            ..
        }
    )));
}

#[test]
fn a_bye_held_past_the_limit_is_never_sent_and_says_so() {
    let mut wire = Wire::new(&["alice", "bob"]);
    let (alice, _) = wire.call(0, 1);
    let now = wire.now;
    wire.uas[0].transport_down(now);
    wire.uas[0].hangup(alice, now).unwrap();
    wire.take_events(0);
    wire.trace.clear();
    wire.run_for(sip::HELD_LIMIT + Duration::from_secs(1));
    let events = wire.take_events(0);
    // The wire calls bob's Contact, so that is whom the BYE was for.
    let bob = wire.uas[1].contact_uri();
    assert!(
        events.iter().any(|e| matches!(
            e,
            UaEvent::NotSent { call: Some(c), method: sip::Method::Bye, peer: Some(p) }
                if *c == alice && p.uri.user == bob.user
        )),
        "{events:?}"
    );
    // Back after ten minutes: nothing of that call goes out, and bob's call is untouched.
    wire.run_for(Duration::from_secs(600));
    let now = wire.now;
    wire.uas[0].transport_up(now);
    wire.pump();
    assert!(
        !wire.trace.iter().any(|f| f.starts_with("BYE")),
        "{:?}",
        wire.trace
    );
    assert!(!wire
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { .. })));
}
