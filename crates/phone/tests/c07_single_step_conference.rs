//! C7: single-step conference dials straight into the call in progress.

mod common;

use common::Net;
use phone::{Command, LineState, Tone};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

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
