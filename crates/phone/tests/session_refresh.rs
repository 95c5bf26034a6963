//! Session timers (RFC 4028) and reconnects: a long call is refreshed, a refresh never goes
//! into a dead socket but follows the reconnect, and a session nobody refreshes ends.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Input, LineState, Outcome};

const A: usize = 0;
const B: usize = 1;

/// Session refreshes sent: re-INVITEs, and UPDATEs where the peer allows them (RFC 4028).
fn reinvites(net: &Net) -> usize {
    net.proxy.count("INVITE") - 1 + net.proxy.count("UPDATE")
}

#[test]
fn a_two_hour_call_is_kept_up_by_session_refreshes() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    net.run_for(Duration::from_secs(2 * 3600));
    assert_eq!(net.state(A), Some(LineState::Connected));
    assert_eq!(net.state(B), Some(LineState::Connected));
    // 1800 s sessions are refreshed every 900 s.
    assert!(
        (7..=9).contains(&reinvites(&net)),
        "{} refreshes",
        reinvites(&net)
    );
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
}

#[test]
fn a_refresh_due_while_the_socket_is_down_waits_for_the_reconnect() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    net.input(A, Input::TransportDown);
    net.run_for(Duration::from_secs(20 * 60));
    assert_eq!(reinvites(&net), 0, "nothing was sent into the dead socket");
    assert_eq!(
        net.state(A),
        Some(LineState::Connected),
        "the call survives"
    );
    assert_eq!(net.state(B), Some(LineState::Connected));
    net.input(A, Input::TransportUp);
    net.settle();
    assert_eq!(
        reinvites(&net),
        1,
        "the reconnect refreshed the call at once"
    );
    net.run_for(Duration::from_secs(30 * 60));
    assert_eq!(net.state(B), Some(LineState::Connected));
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
}

#[test]
fn a_session_nobody_refreshes_is_ended_by_the_other_side() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    net.input(A, Input::TransportDown);
    net.run_for(Duration::from_secs(29 * 60));
    assert_eq!(
        net.state(B),
        Some(LineState::Connected),
        "not before the session expires"
    );
    // 1800 s less min(32, 600) s after the answer: 29 min 28 s.
    net.run_for(Duration::from_secs(29));
    assert_eq!(net.state(B), Some(LineState::Ended(Outcome::NoAnswer)));
    assert!(net.proxy.log.iter().any(|l| l.starts_with("BYE")));
}
