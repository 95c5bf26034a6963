//! The credentials a call carries up front may no longer pass: the nonce expired (the proxy
//! says `stale=true`), or the server forgot it (a new secret). The phone answers that one
//! challenge exactly as it would have without them, keeps the new nonce for the next call,
//! and never answers twice: a server that challenges every INVITE fails the call after one
//! retry instead of looping.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Failure, LineState, Outcome};

fn checked_calls() -> Net {
    let mut net = Net::new(&["1001", "1002"]);
    net.proxy.auth.calls = true;
    net.sign_in_all();
    net
}

fn challenges_of_calls(net: &Net) -> Vec<String> {
    net.proxy
        .auth
        .challenges
        .iter()
        .filter(|c| c.starts_with("407"))
        .cloned()
        .collect()
}

#[test]
fn a_stale_nonce_costs_one_407_and_the_next_call_none() {
    let mut net = checked_calls();
    net.proxy.auth.expire_nonces();
    net.call(0, 1);
    assert_eq!(challenges_of_calls(&net), ["407 INVITE 1002 stale"]);
    assert_eq!(net.proxy.count("INVITE 1002"), 2);
    net.command(0, Command::HangUp);
    net.settle();
    net.call(0, 1);
    assert_eq!(challenges_of_calls(&net).len(), 1, "the new nonce was kept");
    assert_eq!(net.proxy.count("INVITE 1002"), 3);
}

#[test]
fn a_forgotten_nonce_costs_one_407() {
    let mut net = checked_calls();
    net.proxy.auth.forget_nonces();
    net.call(0, 1);
    assert_eq!(challenges_of_calls(&net), ["407 INVITE 1002"]);
    net.assert_hearing(&[0, 1], &[(0, 1), (1, 0)]);
}

#[test]
fn a_server_that_challenges_every_invite_is_answered_once() {
    let mut net = checked_calls();
    net.proxy.auth.refuse_calls = true;
    net.command(0, Command::Dial("1002".into()));
    net.run_for(Duration::from_secs(60));
    assert_eq!(
        net.proxy.count("INVITE 1002"),
        2,
        "the first and one answer"
    );
    assert_eq!(challenges_of_calls(&net).len(), 2);
    let line = net.view(0).lines.into_iter().next().map(|l| l.state);
    assert!(
        matches!(
            line,
            None | Some(LineState::Ended(Outcome::Failed(Failure::Status(407))))
        ),
        "{line:?}"
    );
    assert!(net.lines(1).is_empty(), "1002 never rang");
}
