//! C3: the agent holds the call and consults a third party in private.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c03_consultation_holds_the_original_call_and_keeps_the_consultation_private() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);

    let b_line = net.line_to(H, "1002").id;
    net.command(H, Command::Hold(b_line));
    net.settle();
    let held = net.line_to(H, "1002");
    assert!(held.held && held.retrieve.enabled && !held.hold.enabled);
    assert!(net.line_to(B, "1001").remote_held, "B knows it is on hold");
    net.assert_hearing(&[H, B, C], &[]);

    net.call(H, C);
    assert_eq!(net.lines(H).len(), 2);
    net.assert_hearing(&[H, B, C], &[(H, C), (C, H)]);
    assert!(net.view(H).controls.merge.enabled, "C4: Merge is offered");
    assert!(
        net.view(H).conference.is_none(),
        "no conference before Merge"
    );
}
