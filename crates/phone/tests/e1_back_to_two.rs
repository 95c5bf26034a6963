//! E1: a conference that drops to two participants is a regular call again.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn e1_a_participant_leaves_and_the_rest_is_a_plain_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    net.command(C, Command::HangUp);
    net.settle();
    assert!(
        net.view(H).conference.is_none(),
        "E1: two parties are a plain call"
    );
    let b = net.line_to(H, "1002");
    assert!(!b.in_conference && !b.disconnect.enabled);
    assert!(!net.view(H).controls.leave.enabled);
    assert!(net.view(B).conference.is_none(), "B's roster is gone too");
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
}
