//! Our user agent (WebSocket) against SIPp peers (UDP), through Kamailio.
//! Needs Kamailio and `sipp`: run with `cargo xtask interop`.

use std::time::Duration;

use interop::{aor, proved, sdp, settle, Agent, Sipp};
use sip::{CallId, EndReason, NameAddr, UaEvent};

const T: Duration = Duration::from_secs(10);

/// Registers SIPp as `user` on `port`, starts `scenario` there, and has a fresh agent
/// `caller` call it; returns once the call is answered (or, with `answered == false`, once
/// the INVITE is sent).
fn call_sipp(caller: u32, user: u32, port: u16, scenario: &str) -> (Agent, Sipp, CallId) {
    let mut a = Agent::registered(caller);
    Sipp::register(user, port);
    let sipp = Sipp::start(scenario, user, port, user);
    // let SIPp bind its port before the INVITE reaches it
    settle(&mut [&mut a], Duration::from_millis(200));
    let target = aor(user).parse().unwrap();
    let call = a.with(|ua, now| ua.invite(target, sdp("sendrecv", 1), now));
    (a, sipp, call)
}

fn answered(a: &mut Agent, call: CallId) -> String {
    match a.expect(
        T,
        "200 OK from SIPp",
        |e| matches!(e, UaEvent::Answered { call: c, .. } if *c == call),
    ) {
        UaEvent::Answered { answer, .. } => answer,
        _ => unreachable!(),
    }
}

#[test]
fn invite_200_ack_bye_to_sipp_uas() {
    let (mut a, mut sipp, call) = call_sipp(2901, 2902, 5071, "uas");
    a.expect(
        T,
        "180 Ringing",
        |e| matches!(e, UaEvent::Progress { call: c, status: 180, .. } if *c == call),
    );
    let answer = answered(&mut a, call);
    assert!(answer.contains("m=audio"), "SIPp's answer: {answer}");
    settle(&mut [&mut a], Duration::from_millis(300));
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "the call to end",
        |e| matches!(e, UaEvent::Ended { call: c, reason: EndReason::LocalHangup, .. } if *c == call),
    );
    sipp.expect_success(&mut [&mut a], T);
    assert!(
        a.received_lines()
            .iter()
            .any(|l| l.starts_with("SIP/2.0 200")),
        "no 200 to our BYE"
    );
    proved("our UA -> SIPp UAS through Kamailio: INVITE (with the registration's credentials), 180, 200, ACK reached SIPp, our BYE answered 200");
}

#[test]
fn cancel_while_sipp_rings() {
    let (mut a, mut sipp, call) = call_sipp(2903, 2904, 5073, "uas-cancel");
    a.expect(
        T,
        "180 Ringing",
        |e| matches!(e, UaEvent::Progress { call: c, status: 180, .. } if *c == call),
    );
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "the call to end",
        |e| matches!(e, UaEvent::Ended { call: c, reason: EndReason::LocalHangup, .. } if *c == call),
    );
    sipp.expect_success(&mut [&mut a], T);
    settle(&mut [&mut a], Duration::from_millis(200));
    let got = a.received_lines();
    assert!(
        got.iter().any(|l| l.starts_with("SIP/2.0 487")),
        "no 487 for our INVITE: {got:?}"
    );
    assert!(a.sent_times("CANCEL ").len() == 1, "expected one CANCEL");
    proved("our CANCEL while SIPp rings: SIPp got CANCEL, answered 200 + 487 to the INVITE, call ended");
}

#[test]
fn sipp_busy_486() {
    let (mut a, mut sipp, call) = call_sipp(2905, 2906, 5075, "uas-busy");
    let ev = a.expect(
        T,
        "the call to be rejected",
        |e| matches!(e, UaEvent::Ended { call: c, .. } if *c == call),
    );
    assert!(
        matches!(
            ev,
            UaEvent::Ended {
                reason: EndReason::Rejected { status: 486, .. },
                ..
            }
        ),
        "{ev:?}"
    );
    sipp.expect_success(&mut [&mut a], T);
    proved("SIPp answers 486 Busy Here: our UA reports Rejected{486} (and Kamailio's ACK reached SIPp)");
}

#[test]
fn reinvite_491_then_retry_succeeds() {
    let (mut a, mut sipp, call) = call_sipp(2907, 2908, 5077, "uas-491");
    answered(&mut a, call);
    settle(&mut [&mut a], Duration::from_millis(300));
    a.with(|ua, now| ua.reinvite(call, sdp("sendonly", 2), now))
        .unwrap();
    let ev = a.expect(Duration::from_secs(15), "the re-INVITE outcome", |e| {
        matches!(e, UaEvent::Renegotiated { call: c, .. } | UaEvent::RenegotiationFailed { call: c, .. } if *c == call)
    });
    assert!(matches!(ev, UaEvent::Renegotiated { .. }), "{ev:?}");
    let got_491 = a.received_times("SIP/2.0 491");
    assert_eq!(got_491.len(), 1, "expected one 491");
    let retries: Vec<_> = a
        .sent_times("INVITE ")
        .into_iter()
        .filter(|t| *t > got_491[0])
        .collect();
    assert_eq!(retries.len(), 1, "expected one retried re-INVITE");
    let wait = retries[0] - got_491[0];
    // RFC 3261 §14.1: the Call-ID is ours, so 2.1 to 4 s (plus this loop's latency)
    assert!(
        wait >= Duration::from_millis(2100) && wait <= Duration::from_millis(4100),
        "retry after {wait:?}"
    );
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "the call to end",
        |e| matches!(e, UaEvent::Ended { call: c, .. } if *c == call),
    );
    sipp.expect_success(&mut [&mut a], T);
    proved(&format!(
        "SIPp answers our re-INVITE 491: we ACK, wait {:.2} s (RFC 3261 §14.1: 2.1-4 s as Call-ID owner), retry, 200, then BYE",
        wait.as_secs_f64()
    ));
}

#[test]
fn refer_accepted_by_sipp() {
    let (mut a, mut sipp, call) = call_sipp(2909, 2910, 5079, "uas-refer");
    answered(&mut a, call);
    settle(&mut [&mut a], Duration::from_millis(300));
    let target = NameAddr::new(aor(2999).parse().unwrap());
    a.with(|ua, now| ua.refer(call, &target, now)).unwrap();
    let ev = a.expect(
        T,
        "the transfer result",
        |e| matches!(e, UaEvent::TransferResult { call: c, .. } if *c == call),
    );
    assert!(
        matches!(ev, UaEvent::TransferResult { status: 200, .. }),
        "{ev:?}"
    );
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "the call to end",
        |e| matches!(e, UaEvent::Ended { call: c, .. } if *c == call),
    );
    sipp.expect_success(&mut [&mut a], T);
    proved("our REFER to SIPp: 202 Accepted, its NOTIFY (sipfrag 200, terminated) answered 200 and reported as TransferResult{200}; BYE after");
}

#[test]
fn sipp_uac_calls_us_and_hangs_up() {
    let mut a = Agent::registered(2911);
    let mut sipp = Sipp::start("uac", 2912, 5081, 2911);
    let (call, from, offer) = a.expect_incoming(T, "SIPp's INVITE");
    assert_eq!(from.uri.to_string(), aor(2912), "From of SIPp's INVITE");
    assert!(offer.contains("m=audio"), "{offer}");
    a.with(|ua, now| ua.ringing(call, now)).unwrap();
    a.with(|ua, now| ua.answer(call, sdp("sendrecv", 1), now))
        .unwrap();
    a.expect(
        T,
        "SIPp's ACK",
        |e| matches!(e, UaEvent::Confirmed { call: c, .. } if *c == call),
    );
    a.expect(
        T,
        "SIPp's BYE",
        |e| matches!(e, UaEvent::Ended { call: c, reason: EndReason::RemoteHangup, .. } if *c == call),
    );
    sipp.expect_success(&mut [&mut a], T);
    proved("SIPp UAC -> our UA (Kamailio 407 digest for SIPp): we ring, answer 200, get its ACK along the route set, and its BYE ends the call");
}
