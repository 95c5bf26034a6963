//! C9: with a call on hold, single-step conference is a plain new call; the held call stays held.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

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
