//! E4 and the agent's everyday tools: mute in every state, blind and attended transfer
//! (RFC 5589), and early media while a call rings.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, LineState, MediaAction, Outcome, Tone};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn e4_mute_silences_the_agent_in_a_call_and_in_a_conference() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::Mute(true));
    net.settle();
    assert!(net.view(A).muted);
    net.assert_hearing(&[A, B], &[(A, B)]);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    net.command(C, Command::Answer);
    net.settle();
    // Muted host: the others still hear each other and the host hears both.
    net.assert_hearing(&[A, B, C], &[(A, B), (A, C), (B, C), (C, B)]);
    net.command(A, Command::Mute(false));
    net.settle();
    net.assert_hearing(
        &[A, B, C],
        &[(A, B), (B, A), (A, C), (C, A), (B, C), (C, B)],
    );
}

#[test]
fn blind_transfer_hands_the_caller_to_a_third_party() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    let b = net.line_to(A, "1002").id;
    net.command(
        A,
        Command::BlindTransfer {
            line: b,
            target: "1003".into(),
        },
    );
    net.settle();
    assert_eq!(net.state(C), Some(LineState::Incoming), "B now calls C");
    net.command(C, Command::Answer);
    net.settle();
    assert!(net.lines(A).is_empty(), "A is out");
    assert_eq!(net.line_to(B, "1003").state, LineState::Connected);
    net.assert_hearing(&[A, B, C], &[(B, C), (C, B)]);
}

#[test]
fn a_failed_blind_transfer_leaves_the_call_on_hold_to_retrieve() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.proxy.refuse.insert("1003".into(), 486);
    let b = net.line_to(A, "1002").id;
    net.command(
        A,
        Command::BlindTransfer {
            line: b,
            target: "1003".into(),
        },
    );
    net.settle();
    net.settle();
    assert!(net.view(A).notice.unwrap().contains("transfer failed"));
    assert!(net.line_to(A, "1002").held);
    assert_eq!(
        net.lines(B).len(),
        1,
        "B's attempt ended, its call with A remains"
    );
    net.command(A, Command::Retrieve(b));
    net.settle();
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
}

#[test]
fn attended_transfer_connects_the_two_parties_the_agent_talked_to() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.call(A, C);
    let (b, c) = (net.line_to(A, "1002").id, net.line_to(A, "1003").id);
    net.command(A, Command::AttendedTransfer { line: b, to: c });
    net.settle();
    assert!(net.lines(A).is_empty());
    assert_eq!(net.lines(B).len(), 1);
    assert_eq!(net.lines(C).len(), 1);
    net.assert_hearing(&[A, B, C], &[(B, C), (C, B)]);
}

#[test]
fn c08_early_media_plays_to_the_host_and_the_party_instead_of_ringback() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.proxy.early_media.push("1003".into());
    net.call(A, B);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    let line = net.line_to(A, "1003").id;
    assert!(net.agents[A]
        .media
        .iter()
        .any(|m| matches!(m, MediaAction::ApplyEarlyAnswer { line: l, .. } if *l == line)));
    let port = net.agents[A].ports[&line];
    let mix = net.agents[A].phone.mix().clone();
    let b_port = net.agents[A].ports[&net.line_to(A, "1002").id];
    assert!(
        mix.hears(0, port) && mix.hears(b_port, port),
        "host and B hear the early media"
    );
    assert!(!mix.hears(port, 0), "the far end hears nothing yet");
    assert_eq!(
        mix.tone(0),
        None,
        "no local ringback over the far end's own"
    );
    assert_eq!(net.tone_heard(B), None);
    net.command(C, Command::Answer);
    net.settle();
    net.assert_hearing(
        &[A, B, C],
        &[(A, B), (B, A), (A, C), (C, A), (B, C), (C, B)],
    );
}

#[test]
fn e5_consultation_not_answered_is_reported_and_the_held_call_stays() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::Dial("1003".into()));
    net.settle();
    assert_eq!(net.tone_heard(A), Some(Tone::Ringback));
    net.run_for(Duration::from_secs(182));
    let attempt = net
        .view(A)
        .lines
        .into_iter()
        .find(|l| l.peer == "1003")
        .unwrap();
    assert_eq!(attempt.state, LineState::Ended(Outcome::NoAnswer));
    assert!(net.line_to(A, "1002").held);
    net.assert_hearing(&[A, B, C], &[]);
}

#[test]
fn e5_single_step_not_answered_leaves_the_call_as_it_was() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    net.run_for(Duration::from_secs(182));
    assert!(net.view(A).conference.is_none());
    net.assert_hearing(&[A, B, C], &[(A, B), (B, A)]);
    assert_eq!(net.tone_heard(B), None);
}

#[test]
fn holding_a_conference_while_one_leg_glares_ends_with_every_leg_held() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    net.command(C, Command::Answer);
    net.settle();
    net.settle();
    let (ab, ba) = (net.line_to(A, "1002").id, net.line_to(B, "1001").id);
    // The host holds the conference while B holds its side at the same moment: 491 on B's leg.
    net.command(A, Command::Hold(ab));
    net.command(B, Command::Hold(ba));
    net.run_for(Duration::from_secs(10));
    assert!(
        net.proxy
            .log
            .iter()
            .filter(|l| l.starts_with("INVITE"))
            .count()
            >= 5
    );
    for line in net.lines(A) {
        assert!(line.held, "{line:?}");
    }
    assert!(net.view(A).conference.unwrap().held);
    net.assert_hearing(&[A, B, C], &[]);
}
