//! What the agent does while its WebSocket is down is not lost: a hang-up, a hold or a
//! cancelled attempt goes out once the socket is back (within `sip::HELD_LIMIT`), and the
//! far end follows.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Input, LineState};

const A: usize = 0;
const B: usize = 1;

#[test]
fn hang_up_while_the_socket_is_down_reaches_the_far_end_once_it_is_back() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    net.input(A, Input::TransportDown);
    net.command(A, Command::HangUp);
    // Most of `sip::HELD_LIMIT`: the BYE waits for the socket (past the limit it is given
    // up: held_requests_expire.rs).
    net.run_for(sip::HELD_LIMIT - Duration::from_secs(2));
    assert!(net.lines(A).is_empty(), "the agent's call is over at once");
    assert_eq!(net.line_to(B, "1001").state, LineState::Connected);
    assert_eq!(net.proxy.count("BYE"), 0);
    net.input(A, Input::TransportUp);
    net.settle();
    assert_eq!(net.proxy.count("BYE"), 1);
    assert!(net.lines(B).is_empty(), "{:?}", net.lines(B));
}

#[test]
fn hold_while_the_socket_is_down_is_carried_out_once_it_is_back() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    let ab = net.line_to(A, "1002").id;
    net.input(A, Input::TransportDown);
    net.command(A, Command::Hold(ab));
    net.settle();
    assert!(!net.line_to(B, "1001").remote_held);
    net.input(A, Input::TransportUp);
    net.settle();
    assert!(net.line_to(A, "1002").held);
    assert!(net.line_to(B, "1001").remote_held);
    net.command(A, Command::Retrieve(ab));
    net.settle();
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
}

#[test]
fn cancelling_while_the_socket_is_down_stops_the_far_end_ringing_once_it_is_back() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.command(A, Command::Dial("1002".into()));
    net.settle();
    assert_eq!(net.state(B), Some(LineState::Incoming));
    net.input(A, Input::TransportDown);
    net.command(A, Command::HangUp);
    net.settle();
    assert_eq!(net.state(B), Some(LineState::Incoming));
    net.input(A, Input::TransportUp);
    net.settle();
    assert!(net.lines(B).is_empty(), "{:?}", net.lines(B));
}

#[test]
fn a_call_shows_reconnecting_while_the_socket_is_down_and_not_once_registered_again() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    assert!(!net.line_to(A, "1002").reconnecting);
    net.input(A, Input::TransportDown);
    net.settle();
    let line = net.line_to(A, "1002");
    assert_eq!(line.state, LineState::Connected, "the call goes on");
    assert!(line.reconnecting, "but it does not claim all is well");
    assert!(
        !net.line_to(B, "1001").reconnecting,
        "B's connection is fine"
    );
    net.input(A, Input::TransportUp);
    net.settle();
    assert!(!net.line_to(A, "1002").reconnecting);
}
