//! New calls carry the credentials the registration earned (RFC 3261 §22.3): our real
//! Kamailio accepts the first INVITE without a 407. Once Kamailio calls the kept nonce
//! expired (the lab's nonces live `NONCE_LIFE`, tests/kamailio/kamailio.cfg), the next call
//! is challenged once (a 407 with a fresh nonce: Kamailio 5.6 does not say `stale=true`
//! here), answered, and goes through.
//! Needs Kamailio: run with `cargo xtask interop`.

use std::time::Duration;

use interop::{connect, expect_event, proved, settle, Agent};
use sip::UaEvent;

const T: Duration = Duration::from_secs(10);

/// The lab's `nonce_expire`, and a margin for its clock check.
const NONCE_LIFE: Duration = Duration::from_secs(30);

/// Agent 0 calls agent 1, who answers; both hang up after the ACK. Returns what agent 0
/// received while the call was set up (first lines).
fn call(agents: &mut [Agent; 2]) -> Vec<String> {
    let seen = agents[0].received_lines().len();
    let (ca, cb) = connect(agents, 0, 1, T);
    let got = agents[0].received_lines()[seen..].to_vec();
    agents[0].with(|ua, now| ua.hangup(ca, now)).unwrap();
    expect_event(
        agents,
        1,
        T,
        "the BYE",
        |e| matches!(e, UaEvent::Ended { call, .. } if *call == cb),
    );
    got
}

fn challenges(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .filter(|l| l.starts_with("SIP/2.0 401") || l.starts_with("SIP/2.0 407"))
        .collect()
}

#[test]
fn the_first_invite_carries_credentials_and_an_expired_nonce_costs_one_407() {
    let mut agents = [Agent::registered(2971), Agent::registered(2972)];
    let got = call(&mut agents);
    assert!(
        challenges(&got).is_empty(),
        "Kamailio challenged the INVITE: {got:?}\n{}",
        agents[0].trace()
    );
    proved("our UA -> our UA through Kamailio: the first INVITE carries the registration's credentials, no 407");

    // Let Kamailio's nonce expire (no REGISTER refresh comes before 270 s).
    let mut all: Vec<&mut Agent> = agents.iter_mut().collect();
    settle(&mut all, NONCE_LIFE + Duration::from_secs(2));
    let got = call(&mut agents);
    let met = challenges(&got);
    assert!(
        met.len() == 1 && met[0].starts_with("SIP/2.0 407"),
        "one 407: {got:?}\n{}",
        agents[0].trace()
    );
    let got = call(&mut agents);
    assert!(
        challenges(&got).is_empty(),
        "the new nonce was kept: {got:?}"
    );
    proved("an expired nonce: Kamailio's one 407 is answered once and the call goes through; the next call meets no 407");
}
