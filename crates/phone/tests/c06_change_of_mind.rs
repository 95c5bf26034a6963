//! C6: "End call" ends the consultation; "Retrieve" goes back to the original call.

mod common;

use common::Net;
use phone::{Command, LineState};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c06_end_consultation_then_retrieve_continues_the_original_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.call(H, C); // dialling puts B on hold (C3)
    assert!(net.line_to(H, "1002").held);
    net.assert_hearing(&[H, B, C], &[(H, C), (C, H)]);

    net.command(H, Command::HangUp); // "End call" on the consultation
    net.settle();
    assert_eq!(net.state(C), Some(LineState::Ended(phone::Outcome::HungUp)));
    net.assert_hearing(&[H, B, C], &[]);

    let b_line = net.line_to(H, "1002").id;
    net.command(H, Command::Retrieve(b_line));
    net.settle();
    assert!(!net.line_to(H, "1002").held);
    assert!(!net.line_to(B, "1001").remote_held);
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
}
