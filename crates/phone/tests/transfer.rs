//! Blind and attended transfer (RFC 5589) as agent commands.

mod common;

use common::Net;
use phone::{Command, LineState};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

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
    assert!(matches!(
        net.view(A).notice,
        Some(phone::Notice::TransferFailed { .. })
    ));
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
