//! CANCEL (RFC 3261 §9): a CANCEL while ringing ends both sides with 487; a CANCEL that
//! crosses the 200 OK leaves a call that the caller ends at once with BYE.

mod common;

use common::{Wire, SDP};
use sip::{EndReason, UaEvent};

#[test]
fn cancel_while_ringing_ends_both_sides() {
    let mut w = Wire::new(&["alice", "bob"]);
    let now = w.now;
    let (ca, cb) = w.ring(0, 1);
    w.uas[1].ringing(cb, now).unwrap();
    w.pump();
    w.uas[0].hangup(ca, now).unwrap();
    w.pump();
    assert!(w.trace.iter().any(|f| f.starts_with("SIP/2.0 487")));
    assert!(w.take_events(1).iter().any(|e| matches!(
        e,
        UaEvent::Ended {
            reason: EndReason::CallerCancelled,
            ..
        }
    )));
    assert!(w.take_events(0).iter().any(|e| matches!(
        e,
        UaEvent::Ended {
            reason: EndReason::LocalHangup,
            ..
        }
    )));
}

#[test]
fn cancel_crossing_the_200_ends_the_call_with_bye() {
    let mut w = Wire::new(&["alice", "bob"]);
    let now = w.now;
    let (ca, cb) = w.ring(0, 1);
    // Both leave at the same moment: bob's 200 and alice's CANCEL cross on the wire.
    w.uas[1].answer(cb, SDP.into(), now).unwrap();
    w.uas[0].hangup(ca, now).unwrap();
    let to_alice: Vec<String> = std::iter::from_fn(|| w.uas[1].poll_transmit()).collect();
    let to_bob: Vec<String> = std::iter::from_fn(|| w.uas[0].poll_transmit()).collect();
    for f in &to_bob {
        w.uas[1].receive(f.as_bytes(), now);
    }
    for f in &to_alice {
        w.uas[0].receive(f.as_bytes(), now);
    }
    w.pump();
    assert!(
        w.trace.iter().any(|f| f.starts_with("BYE ")),
        "alice ends the call that got through"
    );
    assert!(w
        .take_events(1)
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { .. })));
    assert!(w.take_events(0).iter().any(|e| matches!(
        e,
        UaEvent::Ended {
            reason: EndReason::LocalHangup,
            ..
        }
    )));
}
