//! Two agents and a registrar/proxy in memory: the calls of the walking skeleton.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Direction, Input, LineState, MediaAction, Outcome, RegStatus, Tone};

const A: usize = 0;
const B: usize = 1;

fn call_b(net: &mut Net) {
    net.command(A, Command::Dial("1002".into()));
    assert_eq!(net.state(A), Some(LineState::Dialing));
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ringing));
    assert_eq!(net.state(B), Some(LineState::Incoming));
    let line = net.view(B).line.unwrap();
    assert_eq!(line.peer, "Agent 1001");
    assert_eq!(line.direction, Direction::Incoming);
    assert!(line.can_answer);
    assert!(
        !net.hears(A, B) && !net.hears(B, A),
        "nobody hears anybody while ringing"
    );
    assert_eq!(
        net.agents[A].mix.tone(0),
        Some(Tone::Ringback),
        "the caller hears ringback"
    );
    assert_eq!(
        net.agents[B].mix.ringer,
        Some(Tone::Ring),
        "the callee's phone rings (on its ringer)"
    );
    assert_eq!(net.agents[B].mix.tone(0), None, "not in the headset");
}

fn connected(net: &mut Net) {
    call_b(net);
    net.command(B, Command::Answer);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Connected));
    assert_eq!(net.state(B), Some(LineState::Connected));
    assert!(net.hears(A, B) && net.hears(B, A));
    for i in [A, B] {
        assert!(!net.agents[i].mix.hears(0, 0) && !net.agents[i].mix.hears(1, 1));
    }
}

#[test]
fn registers_with_digest_auth() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    // Each REGISTER is challenged once, then accepted.
    assert_eq!(net.proxy.count("REGISTER"), 4);
    assert!(net.view(A).controls.dial.enabled);
}

#[test]
fn wrong_password_is_reported_and_not_retried_forever() {
    let mut net = Net::new(&["1001"]);
    net.agents[A].phone = phone::Phone::new(phone::PhoneConfig::new(sip::UaConfig {
        password: "wrong".into(),
        ..net_cfg("1001")
    }));
    net.input(A, Input::TransportUp);
    net.command(A, Command::SignIn);
    net.run_for(Duration::from_secs(120));
    assert_eq!(
        net.view(A).registration,
        RegStatus::Failed(phone::RegFailure::WrongCredentials)
    );
    assert_eq!(
        net.proxy.log.len(),
        2,
        "one challenge, one failed answer, then stop"
    );
}

fn net_cfg(user: &str) -> sip::UaConfig {
    sip::UaConfig {
        aor: format!("sip:{user}@{}", common::DOMAIN).parse().unwrap(),
        display_name: None,
        auth_user: user.into(),
        password: format!("{user}pw"),
        register_expires: 600,
        instance_id: "urn:uuid:00000000-0000-4000-8000-000000000009".into(),
        user_agent: "softphone-test".into(),
        seed: 9,
    }
}

#[test]
fn outgoing_call_answered_then_caller_hangs_up() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    connected(&mut net);
    let media: Vec<&MediaAction> = net.agents[A]
        .media
        .iter()
        .filter(|m| !matches!(m, MediaAction::Mix(_)))
        .collect();
    assert!(matches!(
        media.as_slice(),
        [
            MediaAction::CreateOffer { .. },
            MediaAction::ApplyAnswer { .. }
        ]
    ));
    let started = net.view(A).line.unwrap().connected_at.unwrap();
    net.run_for(Duration::from_secs(5));
    assert_eq!(net.view(A).line.unwrap().connected_at, Some(started));
    net.command(A, Command::HangUp);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::HungUp)));
    assert_eq!(net.state(B), Some(LineState::Ended(Outcome::HungUp)));
    assert!(!net.hears(A, B) && !net.hears(B, A));
    assert!(net.agents[B]
        .media
        .iter()
        .any(|m| matches!(m, MediaAction::Close { .. })));
    net.run_for(Duration::from_secs(5));
    assert_eq!(net.state(A), None, "the line is free again");
    assert_eq!(net.state(B), None);
    assert!(net.view(A).controls.dial.enabled && net.view(B).controls.dial.enabled);
}

#[test]
fn incoming_call_answered_then_remote_hangs_up() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    connected(&mut net);
    // B was called; B hangs up: A sees the remote hang-up.
    net.command(B, Command::HangUp);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::HungUp)));
    assert_eq!(net.state(B), Some(LineState::Ended(Outcome::HungUp)));
    assert!(net.proxy.log.iter().any(|l| l.starts_with("BYE")));
}

#[test]
fn callee_declines_and_caller_sees_declined() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    call_b(&mut net);
    net.command(B, Command::Decline);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::Declined)));
    assert_eq!(net.state(B), Some(LineState::Ended(Outcome::Declined)));
    assert!(!net.hears(A, B) && !net.hears(B, A));
}

#[test]
fn caller_cancels_while_ringing_and_callee_sees_missed() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    call_b(&mut net);
    net.command(A, Command::HangUp);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::HungUp)));
    assert_eq!(net.state(B), Some(LineState::Ended(Outcome::Missed)));
    assert!(net.proxy.log.iter().any(|l| l.starts_with("CANCEL")));
}

#[test]
fn busy_callee_is_reported_in_words() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.proxy.refuse.insert("1002".into(), 486);
    net.command(A, Command::Dial("1002".into()));
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::Busy)));
    assert_eq!(net.agents[A].mix.tone(0), Some(Tone::Busy));
    net.run_for(Duration::from_secs(5));
    assert_eq!(
        net.agents[A].mix.tone(0),
        None,
        "the busy tone stops with the line"
    );
}

#[test]
fn unknown_number_is_not_found() {
    let mut net = Net::new(&["1001"]);
    net.sign_in_all();
    net.command(A, Command::Dial("4999".into()));
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::NotFound)));
}

#[test]
fn malformed_frame_is_rejected_and_the_call_goes_on() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    connected(&mut net);
    net.input(B, Input::Frame(b"INVITE nonsense\r\n\r\n".to_vec()));
    net.input(B, Input::Frame(vec![0xff; 70_000]));
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Connected));
    assert_eq!(net.state(B), Some(LineState::Connected));
    assert!(net.hears(A, B) && net.hears(B, A));
}

#[test]
fn dial_refused_with_a_reason_when_not_registered_or_invalid() {
    let mut net = Net::new(&["1001"]);
    net.command(A, Command::Dial("1002".into()));
    assert_eq!(net.view(A).notice, Some(phone::Notice::NotRegistered));
    net.sign_in_all();
    net.command(A, Command::Dial("<b>x</b>".into()));
    assert!(matches!(
        net.view(A).notice,
        Some(phone::Notice::BadTarget(phone::TargetError::Invalid(_)))
    ));
    assert_eq!(net.state(A), None);
}

#[test]
fn registration_is_refreshed_before_it_expires() {
    let mut net = Net::new(&["1001"]);
    net.sign_in_all();
    let before = net.proxy.log.len();
    net.run_for(Duration::from_secs(600));
    assert!(net.proxy.log.len() > before, "a refresh REGISTER went out");
    assert_eq!(net.view(A).registration, RegStatus::Registered);
}

#[test]
fn lost_ack_still_connects_when_2xx_is_retransmitted() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    call_b(&mut net);
    net.drop_next.push((A, "ACK sip:".into()));
    net.command(B, Command::Answer);
    net.run_for(Duration::from_secs(3));
    assert!(net.drop_next.is_empty(), "the first ACK was lost");
    assert_eq!(net.state(A), Some(LineState::Connected));
    assert_eq!(net.state(B), Some(LineState::Connected));
    net.run_for(Duration::from_secs(40));
    assert_eq!(
        net.state(B),
        Some(LineState::Connected),
        "the re-sent ACK confirmed it"
    );
}

#[test]
fn a_ringing_call_waits_for_the_answer_past_timer_b() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    call_b(&mut net);
    net.run_for(Duration::from_secs(90));
    assert_eq!(net.state(A), Some(LineState::Ringing));
    net.command(B, Command::Answer);
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Connected));
}

#[test]
fn an_unanswered_call_gives_up_after_timer_c() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    call_b(&mut net);
    net.run_for(Duration::from_secs(182));
    assert_eq!(net.state(A), Some(LineState::Ended(Outcome::NoAnswer)));
    net.settle();
    assert_eq!(
        net.state(B),
        Some(LineState::Ended(Outcome::Missed)),
        "the attempt was cancelled"
    );
    net.run_for(Duration::from_secs(60));
    assert_eq!(net.state(A), None, "the line is free again");
}
