//! RFC 3261 §14.1: both ends send a re-INVITE at once; each gets 491, backs off (the Call-ID
//! owner 2.1-4 s, the other 0-2 s) and retries; both changes end up applied, and a failed
//! re-INVITE leaves the session as both ends agree.

mod common;

use std::time::Duration;

use common::{Wire, HOLD};
use sip::UaEvent;

#[test]
fn glare_both_back_off_and_both_succeed() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (ca, cb) = w.call(0, 1);
    let now = w.now;
    w.uas[0].reinvite(ca, HOLD.into(), now).unwrap();
    w.uas[1].reinvite(cb, HOLD.into(), now).unwrap();
    w.pump();
    let n491 = w
        .trace
        .iter()
        .filter(|f| f.starts_with("SIP/2.0 491"))
        .count();
    assert_eq!(n491, 2, "each side answered the other's re-INVITE with 491");
    assert!(w.uas[0].renegotiating(ca) && w.uas[1].renegotiating(cb));
    // Bob (not the Call-ID owner) retries within 2 s; Alice's retry waits at least 2.1 s.
    w.run_for(Duration::from_millis(2050));
    w.answer_reoffers(0);
    w.pump();
    assert!(
        !w.uas[1].renegotiating(cb),
        "bob's retry went through first"
    );
    assert!(w.uas[0].renegotiating(ca), "alice still waits");
    w.run_for(Duration::from_secs(2));
    w.answer_reoffers(1);
    w.pump();
    assert!(!w.uas[0].renegotiating(ca));
    for i in 0..2 {
        assert!(w
            .take_events(i)
            .iter()
            .any(|e| matches!(e, UaEvent::Renegotiated { .. })));
    }
}

#[test]
fn a_reinvite_nobody_answers_ends_the_dialog() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (ca, cb) = w.call(0, 1);
    let now = w.now;
    w.uas[0].reinvite(ca, HOLD.into(), now).unwrap();
    w.pump();
    // Bob's engine never answers the re-offer: after Timer B alice ends the dialog (§14.1).
    w.take_events(1);
    w.run_for(Duration::from_secs(40));
    let events = w.take_events(0);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, UaEvent::Ended { call, .. } if *call == ca)),
        "{events:?}"
    );
    assert!(w
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { call, .. } if *call == cb)));
}

#[test]
fn a_rejected_reinvite_keeps_the_session_as_it_was() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (ca, cb) = w.call(0, 1);
    let now = w.now;
    w.uas[0].reinvite(ca, HOLD.into(), now).unwrap();
    w.pump();
    assert!(w
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Reoffer { .. })));
    w.uas[1].reject_reoffer(cb, 488).unwrap();
    w.pump();
    let events = w.take_events(0);
    assert!(events
        .iter()
        .any(|e| matches!(e, UaEvent::RenegotiationFailed { status: 488, .. })));
    assert!(!events.iter().any(|e| matches!(e, UaEvent::Ended { .. })));
    // The dialog is intact: the next change goes through.
    w.uas[0].reinvite(ca, HOLD.into(), now).unwrap();
    w.pump();
    w.answer_reoffers(1);
    w.pump();
    assert!(w
        .take_events(0)
        .iter()
        .any(|e| matches!(e, UaEvent::Renegotiated { .. })));
}

/// Our re-INVITE is lost on the way (the peer's connection died under it): the peer's
/// offer gets 491 once, as in true glare; its retry, with ours still unanswered, shows the
/// peer never saw ours (it would have answered ours first), so ours is given up (408 to
/// the engine) and the retry is answered. No Timer B ends the call afterwards, and should
/// the lost request turn up after all, its 2xx is acknowledged with its own CSeq.
#[test]
fn a_reinvite_the_peer_never_got_stops_refusing_the_peers_retry() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (ca, cb) = w.call(0, 1);
    let now = w.now;
    w.uas[0].reinvite(ca, HOLD.into(), now).unwrap();
    let lost = w.uas[0].poll_transmit().expect("alice's re-INVITE");
    assert!(lost.starts_with("INVITE "));
    w.uas[1].reinvite(cb, HOLD.into(), now).unwrap();
    w.pump();
    let refused = |w: &Wire| {
        w.trace
            .iter()
            .filter(|f| f.starts_with("SIP/2.0 491"))
            .count()
    };
    assert_eq!(refused(&w), 1, "alice cannot tell this from glare yet");
    // Bob, not the Call-ID owner, retries within 2 s; alice has heard nothing of hers.
    w.run_for(Duration::from_millis(2050));
    assert_eq!(refused(&w), 1, "the retry is not refused");
    let events = w.take_events(0);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, UaEvent::RenegotiationFailed { status: 408, .. })),
        "{events:?}"
    );
    assert!(!w.uas[0].renegotiating(ca));
    for e in events {
        w.events[0].push(e);
    }
    w.answer_reoffers(0);
    w.pump();
    assert!(w
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Renegotiated { .. })));
    w.run_for(Duration::from_secs(40));
    for i in 0..2 {
        let events = w.take_events(i);
        assert!(
            !events.iter().any(|e| matches!(e, UaEvent::Ended { .. })),
            "{events:?}"
        );
    }

    let header = |f: &str, name: &str| {
        f.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::to_owned)
    };
    let now = w.now;
    let before = w.trace.len();
    w.uas[1].receive(lost.as_bytes(), now);
    w.pump();
    w.answer_reoffers(1);
    w.pump();
    let ack = w.trace[before..]
        .iter()
        .find(|f| f.starts_with("ACK ") && header(f, "From: ") == header(&lost, "From: "))
        .unwrap_or_else(|| panic!("alice acknowledges the late 2xx: {:?}", &w.trace[before..]));
    let seq = |f: &str| header(f, "CSeq: ").map(|v| v.replace("ACK", "INVITE"));
    assert_eq!(seq(ack), seq(&lost));
}
