//! C16: any other participant can leave at any time.

mod common;

use common::{Net, B, C, D, H};
use phone::Command;

#[test]
fn c16_a_participant_may_leave_with_leave() {
    let mut net = Net::four();
    net.single_step_conference(H, &[B, C, D]);
    let leave = net.view(C).controls.leave;
    assert!(leave.enabled, "{leave:?}");
    net.command(C, Command::Leave);
    net.settle();
    assert!(net.lines(C).is_empty());
    net.assert_hearing(
        &[H, B, C, D],
        &[(H, B), (B, H), (H, D), (D, H), (B, D), (D, B)],
    );
    assert_eq!(
        net.view(B).conference.unwrap().participants,
        3,
        "the roster follows"
    );
}
