//! C14: only the host disconnects a single participant, at any time.

mod common;

use common::{Net, B, C, D, H};
use phone::{Command, LineState};

#[test]
fn c14_host_disconnects_one_participant_and_the_rest_go_on() {
    let mut net = Net::four();
    net.single_step_conference(H, &[B, C, D]);
    let c = net.line_to(H, "1003").id;
    net.command(H, Command::Disconnect(c));
    net.settle();
    assert!(matches!(net.state(C), Some(LineState::Ended(_))));
    net.assert_hearing(
        &[H, B, C, D],
        &[(H, B), (B, H), (H, D), (D, H), (B, D), (D, B)],
    );
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}

#[test]
fn c14_only_the_host_may_disconnect() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    let view = net.view(B);
    assert!(
        !view.conference.as_ref().unwrap().host,
        "B is a participant"
    );
    let line = view.line.unwrap();
    assert!(!line.disconnect.enabled);
    assert_eq!(line.disconnect.reason.unwrap().rule(), "C14");
    assert!(!view.controls.end_conference.enabled);
    assert_eq!(view.controls.end_conference.reason.unwrap().rule(), "C15");
}
