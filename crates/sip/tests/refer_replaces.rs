//! Attended transfer (RFC 5589 §7) between three user agents: Alice talks to Bob and to
//! Carol, REFERs Bob to Carol with Replaces; Bob's INVITE replaces Carol's dialog with Alice.

mod common;

use common::{Wire, SDP};
use sip::{percent_encode_header, NameAddr, UaEvent};

#[test]
fn refer_with_replaces_connects_the_transferee_to_the_target() {
    let mut w = Wire::new(&["alice", "bob", "carol"]);
    let (a_b, b_a) = w.call(0, 1);
    let (a_c, c_a) = w.call(0, 2);
    let now = w.now;
    let mut target = w.uas[0].remote_target(a_c).unwrap();
    let replaces = w.uas[0].replaces_value(a_c).unwrap();
    target.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
    w.uas[0]
        .refer(a_b, &NameAddr::new(target).with_display_name("Carol"), now)
        .unwrap();
    w.pump();
    // Bob is asked to call Carol, replacing Carol's dialog with Alice.
    let (to, rep, name) = w
        .take_events(1)
        .into_iter()
        .find_map(|e| match e {
            UaEvent::Referred {
                call,
                target,
                replaces,
                display,
            } if call == b_a => Some((target, replaces, display)),
            _ => None,
        })
        .expect("bob got the REFER");
    assert_eq!(name.as_deref(), Some("Carol"));
    let b_c = w.uas[1].invite_replacing(to, SDP.into(), rep.as_deref(), now);
    w.pump();
    let c_b = w
        .take_events(2)
        .into_iter()
        .find_map(|e| match e {
            UaEvent::Incoming { call, replaces, .. } => {
                assert_eq!(replaces, Some(c_a), "carol knows which dialog it replaces");
                Some(call)
            }
            _ => None,
        })
        .expect("carol got the INVITE");
    w.uas[2].answer(c_b, SDP.into(), now).unwrap();
    w.uas[2].hangup(c_a, now).unwrap();
    w.pump();
    assert!(w
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Answered { call, .. } if *call == b_c)));
    w.uas[1].refer_outcome(b_a, 200, now).unwrap();
    w.pump();
    let alice = w.take_events(0);
    assert!(alice
        .iter()
        .any(|e| matches!(e, UaEvent::TransferResult { call, status: 200 } if *call == a_b)));
    assert!(
        alice
            .iter()
            .any(|e| matches!(e, UaEvent::Ended { call, .. } if *call == a_c)),
        "carol hung up on alice"
    );
}

#[test]
fn replaces_for_an_unknown_dialog_gets_481() {
    let mut w = Wire::new(&["alice", "bob"]);
    let now = w.now;
    let target = w.uas[1].contact_uri();
    w.uas[0].invite_replacing(target, SDP.into(), Some("nope@x;to-tag=a;from-tag=b"), now);
    w.pump();
    assert!(w.trace.iter().any(|f| f.starts_with("SIP/2.0 481")));
    assert!(w.take_events(1).is_empty(), "bob's engine never saw it");
}

/// Alice and Carol are in a call; `intruder` (Bob, or Alice herself) sends Carol an INVITE
/// replacing it, knowing the dialog's identifiers. Returns Carol's events and the frames.
fn replace_alice_carol(intruder: usize) -> (Vec<UaEvent>, Vec<String>) {
    let mut w = Wire::new(&["alice", "bob", "carol"]);
    let (a_c, _) = w.call(0, 2);
    let now = w.now;
    let target = w.uas[0].remote_target(a_c).unwrap();
    let replaces = w.uas[0].replaces_value(a_c).unwrap();
    w.trace.clear();
    w.uas[intruder].invite_replacing(target, SDP.into(), Some(&replaces), now);
    w.pump();
    (w.take_events(2), w.trace.clone())
}

#[test]
fn replaces_from_a_party_outside_the_dialog_gets_403() {
    let (carol, trace) = replace_alice_carol(1);
    assert!(
        trace.iter().any(|f| f.starts_with("SIP/2.0 403")),
        "{trace:?}"
    );
    assert!(carol.is_empty(), "carol's engine never saw it: {carol:?}");
}

#[test]
fn the_party_of_the_dialog_may_replace_it() {
    let (carol, _) = replace_alice_carol(0);
    assert!(carol.iter().any(|e| matches!(
        e,
        UaEvent::Incoming {
            replaces: Some(_),
            ..
        }
    )));
}

#[test]
fn the_transferee_says_who_referred_it() {
    let mut w = Wire::new(&["alice", "bob", "carol"]);
    let (a_b, _) = w.call(0, 1);
    let (a_c, _) = w.call(0, 2);
    let now = w.now;
    let mut target = w.uas[0].remote_target(a_c).unwrap();
    let replaces = w.uas[0].replaces_value(a_c).unwrap();
    target.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
    w.uas[0].refer(a_b, &NameAddr::new(target), now).unwrap();
    w.pump();
    let (to, rep) = w
        .take_events(1)
        .into_iter()
        .find_map(|e| match e {
            UaEvent::Referred {
                target, replaces, ..
            } => Some((target, replaces)),
            _ => None,
        })
        .unwrap();
    w.trace.clear();
    w.uas[1].invite_replacing(to, SDP.into(), rep.as_deref(), now);
    w.pump();
    let invite = w.trace.iter().find(|f| f.starts_with("INVITE")).unwrap();
    let by = invite
        .lines()
        .find(|l| l.starts_with("Referred-By:"))
        .unwrap_or_else(|| panic!("{invite}"));
    assert!(by.contains("sip:alice@example.test"), "{by}");
}
