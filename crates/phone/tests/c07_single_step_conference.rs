//! C7-C9: single-step conference dials straight into the call; ringback for both; with a held
//! call it is a plain new call instead.

mod common;

use common::Net;
use phone::{Command, LineState, Outcome, Tone};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

#[test]
fn c07_single_step_dials_into_the_call_and_c08_both_hear_ringback() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    assert_eq!(net.line_to(H, "1003").state, LineState::Ringing);
    assert!(!net.line_to(H, "1002").held, "C7: the call stays off hold");
    assert!(net.view(H).conference.is_some_and(|c| c.host));
    // C8: the agent and the party on the call keep talking and both hear ringback.
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
    assert_eq!(net.tone_heard(H), Some(Tone::Ringback));
    assert_eq!(net.tone_heard(B), Some(Tone::Ringback));

    net.command(C, Command::Answer);
    net.settle();
    net.assert_hearing(
        &[H, B, C],
        &[(H, B), (B, H), (H, C), (C, H), (B, C), (C, B)],
    );
    assert_eq!(net.tone_heard(H), None);
    assert_eq!(net.tone_heard(B), None);
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}

#[test]
fn c09_with_a_held_call_single_step_is_a_plain_new_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    let b = net.line_to(H, "1002").id;
    net.command(H, Command::Hold(b));
    net.settle();
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    assert_eq!(
        net.tone_heard(B),
        None,
        "the held party hears nothing of the attempt"
    );
    net.command(C, Command::Answer);
    net.settle();
    assert!(net.view(H).conference.is_none());
    assert!(net.line_to(H, "1002").held, "the held call stays on hold");
    net.assert_hearing(&[H, B, C], &[(H, C), (C, H)]);
}

#[test]
fn c10_more_participants_join_the_same_way_again_and_again() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    net.command(C, Command::Answer);
    net.settle();
    // Then a consultation + Merge adds the fourth: the conference is held as one call.
    net.call(H, D);
    net.assert_hearing(&[H, B, C, D], &[(H, D), (D, H)]);
    assert!(net.view(H).conference.unwrap().held);
    net.command(H, Command::Merge);
    net.settle();
    assert!(
        net.view(H).merge_confirm.is_none(),
        "a held conference counts as one call"
    );
    let all: Vec<(usize, usize)> = (0..4)
        .flat_map(|l| (0..4).filter(move |&t| t != l).map(move |t| (l, t)))
        .collect();
    net.assert_hearing(&[H, B, C, D], &all);
    assert_eq!(net.view(H).conference.unwrap().participants, 4);
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
