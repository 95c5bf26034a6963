//! E5: a failed dial attempt is reported in words, merges nothing and leaves every other call
//! as it was.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, LineState, Outcome, Tone};

const H: usize = 0;
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn e5_consultation_busy_leaves_the_held_call_held() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.proxy.refuse.insert("1003".into(), 486);
    net.command(H, Command::Dial("1003".into()));
    net.settle();
    let attempt = net.view(H).line.unwrap();
    assert_eq!(attempt.state, LineState::Ended(Outcome::Busy));
    assert!(
        net.line_to(H, "1002").held,
        "the original call stays on hold"
    );
    assert!(!net.view(H).controls.merge.enabled);
    net.assert_hearing(&[H, B, C], &[]);
}

#[test]
fn e5_consultation_not_answered_then_declined_is_reported() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::Dial("1003".into()));
    net.settle();
    net.run_for(Duration::from_secs(30));
    net.command(C, Command::Decline);
    net.settle();
    let attempt = net
        .view(H)
        .lines
        .into_iter()
        .find(|l| l.peer == "1003")
        .unwrap();
    assert_eq!(attempt.state, LineState::Ended(Outcome::Declined));
    assert!(net.line_to(H, "1002").held);
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
fn e5_single_step_attempt_busy_is_reported_and_merges_nothing() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.proxy.refuse.insert("1003".into(), 486);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    let failed = net
        .view(H)
        .lines
        .into_iter()
        .find(|l| l.peer == "1003")
        .unwrap();
    assert_eq!(failed.state, LineState::Ended(Outcome::Busy));
    assert!(
        net.view(H).conference.is_none(),
        "E1/E5: back to a plain call"
    );
    assert!(!net.line_to(H, "1002").in_conference);
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
    assert_eq!(net.tone_heard(B), None, "the other party is left as it was");
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
