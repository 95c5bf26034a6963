//! Our user agent against JsSIP (npm `jssip` in node), both over Kamailio's WebSocket.
//! Needs Kamailio and tests/interop/node_modules: run with `cargo xtask interop`.

use std::time::Duration;

use interop::{aor, proved, sdp, sdp_direction, settle, Agent, JsSip};
use sip::{CallId, EndReason, NameAddr, UaEvent};

const T: Duration = Duration::from_secs(10);

/// Agent `ours` calls JsSIP `theirs` (which auto-answers); returns once both see the call up.
fn we_call(ours: u32, theirs: u32) -> (Agent, JsSip, CallId) {
    let mut a = Agent::registered(ours);
    let mut j = JsSip::registered(theirs);
    let target = aor(theirs).parse().unwrap();
    let call = a.with(|ua, now| ua.invite(target, sdp("sendrecv", 1), now));
    let inc = j.expect(&mut [&mut a], T, "incoming");
    assert_eq!(inc["from"], aor(ours), "{inc}");
    let ev = a.expect(
        T,
        "JsSIP's 200 OK",
        |e| matches!(e, UaEvent::Answered { call: c, .. } if *c == call),
    );
    let UaEvent::Answered { answer, .. } = ev else {
        unreachable!()
    };
    assert_eq!(sdp_direction(&answer), "sendrecv", "{answer}");
    j.expect(&mut [&mut a], T, "confirmed");
    (a, j, call)
}

fn hang_up(a: &mut Agent, j: &mut JsSip, call: CallId) {
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "the call to end",
        |e| matches!(e, UaEvent::Ended { call: c, reason: EndReason::LocalHangup, .. } if *c == call),
    );
    let ended = j.expect(&mut [a], T, "ended");
    assert_eq!(ended["originator"], "remote", "{ended}");
}

#[test]
fn we_call_jssip_and_hang_up() {
    let (mut a, mut j, call) = we_call(2941, 2942);
    settle(&mut [&mut a], Duration::from_millis(200));
    hang_up(&mut a, &mut j, call);
    proved("our UA -> JsSIP over WebSocket: INVITE (with the registration's credentials), JsSIP answers 200, our ACK confirms it there, our BYE ends it there");
}

#[test]
fn jssip_calls_us_and_hangs_up() {
    let mut a = Agent::registered(2943);
    let mut j = JsSip::registered(2944);
    j.command(&format!("call {}", aor(2943)));
    let (call, from, offer) = a.expect_incoming(T, "JsSIP's INVITE");
    assert_eq!(from.uri.to_string(), aor(2944));
    assert!(offer.contains("m=audio"), "{offer}");
    a.with(|ua, now| ua.ringing(call, now)).unwrap();
    let progress = j.expect(&mut [&mut a], T, "progress");
    assert_eq!(progress["status"], 180, "{progress}");
    a.with(|ua, now| ua.answer(call, sdp("sendrecv", 1), now))
        .unwrap();
    j.expect(&mut [&mut a], T, "accepted");
    a.expect(
        T,
        "JsSIP's ACK",
        |e| matches!(e, UaEvent::Confirmed { call: c, .. } if *c == call),
    );
    j.command("hangup");
    a.expect(
        T,
        "JsSIP's BYE",
        |e| matches!(e, UaEvent::Ended { call: c, reason: EndReason::RemoteHangup, .. } if *c == call),
    );
    let ended = j.expect(&mut [&mut a], T, "ended");
    assert_eq!(ended["originator"], "local", "{ended}");
    proved("JsSIP -> our UA: we ring (180 seen by JsSIP), answer 200, its ACK confirms, its BYE ends the call");
}

/// Waits for the peer's re-INVITE, checks its direction, answers with `answer_dir`.
fn answer_reinvite(a: &mut Agent, call: CallId, want: &str, answer_dir: &str, version: u32) {
    let ev = a.expect(
        T,
        &format!("a re-INVITE with a={want}"),
        |e| matches!(e, UaEvent::Reoffer { call: c, .. } if *c == call),
    );
    let UaEvent::Reoffer { offer, .. } = ev else {
        unreachable!()
    };
    assert_eq!(sdp_direction(&offer), want, "{offer}");
    a.with(|ua, now| ua.answer_reoffer(call, sdp(answer_dir, version), now))
        .unwrap();
}

/// Sends our re-INVITE with `dir`; returns the direction of JsSIP's answer.
fn our_reinvite(a: &mut Agent, call: CallId, dir: &str, version: u32) -> &'static str {
    a.with(|ua, now| ua.reinvite(call, sdp(dir, version), now))
        .unwrap();
    let ev = a.expect(T, "the outcome of our re-INVITE", |e| {
        matches!(e, UaEvent::Renegotiated { call: c, .. } | UaEvent::RenegotiationFailed { call: c, .. } if *c == call)
    });
    let UaEvent::Renegotiated { answer, .. } = ev else {
        panic!("our re-INVITE failed: {ev:?}")
    };
    sdp_direction(&answer)
}

#[test]
fn hold_and_resume_both_ways() {
    let (mut a, mut j, call) = we_call(2945, 2946);
    // JsSIP holds us, then resumes
    j.command("hold");
    answer_reinvite(&mut a, call, "sendonly", "recvonly", 2);
    let held = j.expect(&mut [&mut a], T, "hold");
    assert_eq!(held["originator"], "local", "{held}");
    settle(&mut [&mut a], Duration::from_millis(200));
    j.command("unhold");
    answer_reinvite(&mut a, call, "sendrecv", "sendrecv", 3);
    j.expect(&mut [&mut a], T, "unhold");
    settle(&mut [&mut a], Duration::from_millis(200));
    // we hold JsSIP, then resume
    assert_eq!(our_reinvite(&mut a, call, "sendonly", 4), "recvonly");
    let held = j.expect(&mut [&mut a], T, "hold");
    assert_eq!(held["originator"], "remote", "{held}");
    settle(&mut [&mut a], Duration::from_millis(200));
    assert_eq!(our_reinvite(&mut a, call, "sendrecv", 5), "sendrecv");
    let unheld = j.expect(&mut [&mut a], T, "unhold");
    assert_eq!(unheld["originator"], "remote", "{unheld}");
    assert!(!a
        .pending_events()
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { .. })));
    hang_up(&mut a, &mut j, call);
    proved("hold/resume both ways with JsSIP: its re-INVITEs (a=sendonly, a=sendrecv) answered via Reoffer/answer_reoffer; ours (a=sendonly -> answer a=recvonly, then a=sendrecv) seen as remote hold/unhold by JsSIP");
}

#[test]
fn info_dtmf_both_ways() {
    let (mut a, mut j, call) = we_call(2947, 2948);
    j.command("dtmf 1#9");
    let mut got = String::new();
    for _ in 0..3 {
        let ev = a.expect(
            T,
            "a DTMF INFO from JsSIP",
            |e| matches!(e, UaEvent::Dtmf { call: c, .. } if *c == call),
        );
        let UaEvent::Dtmf { digit, .. } = ev else {
            unreachable!()
        };
        got.push(digit);
    }
    assert_eq!(got, "1#9");
    let mut theirs = String::new();
    for d in ['7', '*', 'D'] {
        a.with(|ua, now| ua.send_dtmf(call, d, 100, now)).unwrap();
        let ev = j.expect(&mut [&mut a], T, "dtmf");
        assert_eq!(ev["originator"], "remote", "{ev}");
        theirs.push_str(ev["tone"].as_str().unwrap_or("?"));
    }
    assert_eq!(theirs, "7*D");
    settle(&mut [&mut a], Duration::from_millis(200));
    // no error answer to any of our INFOs (401/407 are Kamailio's digest challenges)
    let errors: Vec<_> = a
        .received_lines()
        .into_iter()
        .filter(|l| l.starts_with("SIP/2.0 4") || l.starts_with("SIP/2.0 5"))
        .filter(|l| !l.starts_with("SIP/2.0 401") && !l.starts_with("SIP/2.0 407"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    hang_up(&mut a, &mut j, call);
    proved("INFO DTMF (application/dtmf-relay) both ways with JsSIP: its 1,#,9 arrive as Dtmf events in order; our 7,*,D arrive as JsSIP newDTMF; no error responses");
}

#[test]
fn refer_from_us_transfers_jssip() {
    let (mut a, mut j, call) = we_call(2949, 2950);
    let mut b = Agent::registered(2951);
    let target = NameAddr::new(aor(2951).parse().unwrap());
    a.with(|ua, now| ua.refer(call, &target, now)).unwrap();
    let refer = j.expect(&mut [&mut a, &mut b], T, "refer");
    assert!(
        refer["target"]
            .as_str()
            .unwrap_or_default()
            .contains("2951"),
        "{refer}"
    );
    let (b_call, from, _) = b.expect_incoming(T, "JsSIP's INVITE after the REFER");
    assert_eq!(from.uri.to_string(), aor(2950));
    b.with(|ua, now| ua.answer(b_call, sdp("sendrecv", 1), now))
        .unwrap();
    let ev = wait_transfer(&mut a, &mut b, call);
    assert!(
        matches!(ev, UaEvent::TransferResult { status: 200, .. }),
        "{ev:?}"
    );
    b.expect(
        T,
        "JsSIP's ACK",
        |e| matches!(e, UaEvent::Confirmed { call: c, .. } if *c == b_call),
    );
    // the transferor leaves; the transferred call stays up
    a.with(|ua, now| ua.hangup(call, now)).unwrap();
    a.expect(
        T,
        "our call to end",
        |e| matches!(e, UaEvent::Ended { call: c, .. } if *c == call),
    );
    settle(&mut [&mut a, &mut b], Duration::from_millis(300));
    assert!(!b
        .pending_events()
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { .. })));
    b.with(|ua, now| ua.hangup(b_call, now)).unwrap();
    b.expect(
        T,
        "the transferred call to end",
        |e| matches!(e, UaEvent::Ended { call: c, .. } if *c == b_call),
    );
    proved("our REFER to JsSIP (blind transfer): 202, JsSIP calls the Refer-To target (our 2nd agent answers), its NOTIFY sipfrag 200 gives TransferResult{200}; the new call outlives ours");
}

fn wait_transfer(a: &mut Agent, b: &mut Agent, call: CallId) -> UaEvent {
    interop::wait_until(&mut [a, b], T, "the transfer result", |ag| {
        ag[0].take_event(|e| matches!(e, UaEvent::TransferResult { call: c, .. } if *c == call))
    })
}
