//! Attended transfer (RFC 5589 §7) between three of our user agents through Kamailio: the
//! transferee's INVITE with Replaces goes to the target's Contact (an out-of-dialog request
//! to a WebSocket client, which the proxy must route by the Contact's alias). This is what
//! the host's Leave (spec C17) and a participant's Merge through its focus (C12) rely on.
//! Needs Kamailio: run with `cargo xtask interop`.

use std::time::Duration;

use interop::{connect, expect_event, proved, sdp, Agent};
use sip::{percent_encode_header, NameAddr, UaEvent};

const T: Duration = Duration::from_secs(10);

fn expect(
    agents: &mut [Agent],
    who: usize,
    what: &str,
    pred: impl FnMut(&UaEvent) -> bool,
) -> UaEvent {
    expect_event(agents, who, T, what, pred)
}

#[test]
fn attended_transfer_through_kamailio_replaces_the_targets_dialog() {
    const A: usize = 0;
    const B: usize = 1;
    const C: usize = 2;
    let mut ags = vec![
        Agent::registered(2961),
        Agent::registered(2962),
        Agent::registered(2963),
    ];
    let (a_b, b_a) = connect(&mut ags, A, B, T);
    let (a_c, c_a) = connect(&mut ags, A, C, T);
    let (mut to, replaces) = {
        let ua = ags[A].ua();
        (
            ua.remote_target(a_c).unwrap(),
            ua.replaces_value(a_c).unwrap(),
        )
    };
    to.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
    ags[A]
        .with(|ua, now| ua.refer(a_b, &NameAddr::new(to).with_display_name("2963"), now))
        .unwrap();
    let UaEvent::Referred {
        target, replaces, ..
    } = expect(
        &mut ags,
        B,
        "the REFER",
        |e| matches!(e, UaEvent::Referred { call, .. } if *call == b_a),
    )
    else {
        unreachable!()
    };
    let b_c = ags[B]
        .with(|ua, now| ua.invite_replacing(target, sdp("sendrecv", 1), replaces.as_deref(), now));
    let UaEvent::Incoming {
        call: c_b,
        replaces,
        ..
    } = expect(&mut ags, C, "the INVITE with Replaces", |e| {
        matches!(e, UaEvent::Incoming { .. })
    })
    else {
        unreachable!()
    };
    assert_eq!(replaces, Some(c_a), "C matched the dialog it replaces");
    ags[C]
        .with(|ua, now| ua.answer(c_b, sdp("sendrecv", 1), now))
        .unwrap();
    ags[C].with(|ua, now| ua.hangup(c_a, now)).unwrap();
    expect(
        &mut ags,
        B,
        "C's answer",
        |e| matches!(e, UaEvent::Answered { call, .. } if *call == b_c),
    );
    ags[B]
        .with(|ua, now| ua.refer_outcome(b_a, 200, now))
        .unwrap();
    expect(
        &mut ags,
        A,
        "the NOTIFY with 200",
        |e| matches!(e, UaEvent::TransferResult { call, status: 200 } if *call == a_b),
    );
    expect(
        &mut ags,
        A,
        "C's BYE",
        |e| matches!(e, UaEvent::Ended { call, .. } if *call == a_c),
    );
    ags[A].with(|ua, now| ua.hangup(a_b, now)).unwrap();
    expect(
        &mut ags,
        B,
        "A's BYE",
        |e| matches!(e, UaEvent::Ended { call, .. } if *call == b_a),
    );
    ags[B].with(|ua, now| ua.hangup(b_c, now)).unwrap();
    expect(
        &mut ags,
        C,
        "B's BYE on the new call",
        |e| matches!(e, UaEvent::Ended { call, .. } if *call == c_b),
    );
    proved("attended transfer through Kamailio: REFER with Replaces, INVITE with Replaces routed to the target's Contact, NOTIFY 200, both old dialogs ended, the new call up until hung up");
}
