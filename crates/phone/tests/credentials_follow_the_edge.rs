//! The credentials a phone holds belong to its account and to the server that issued them.
//! Moved to another edge (another secret, another realm), the phone offers a new call only
//! credentials that edge challenged or accepted, so its first call there is not refused;
//! signed out, it keeps none: the next sign-in starts from a fresh challenge.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Input, RegStatus};

const EDGES: [&str; 2] = ["ws://edge1.sip.test", "ws://edge2.sip.test"];

#[test]
fn after_moving_to_an_edge_with_another_realm_calls_are_still_not_challenged() {
    let mut net = Net::new(&["1001", "1002"]);
    net.proxy.auth.calls = true;
    net.proxy.auth.edge_secrets = true;
    net.proxy
        .auth
        .realms
        .insert(EDGES[1].to_owned(), "edge2.sip.test".to_owned());
    for i in [0, 1] {
        net.configure(i, |c| {
            c.edges = EDGES.iter().map(|e| (*e).to_owned()).collect()
        });
        net.command(i, Command::SignIn);
    }
    net.settle();
    // A 407 on edge 1 makes its realm the one calls answer there.
    net.proxy.auth.expire_nonces();
    net.call(0, 1);
    net.command(0, Command::HangUp);
    net.settle();
    let before = net.proxy.auth.challenges.len();

    net.kill_edge(EDGES[0]);
    net.run_for(Duration::from_secs(5));
    for i in [0, 1] {
        assert_eq!(net.agents[i].edge.as_deref(), Some(EDGES[1]));
        assert_eq!(net.view(i).registration, RegStatus::Registered);
    }
    net.call(0, 1);
    let since: Vec<&String> = net.proxy.auth.challenges[before..].iter().collect();
    assert!(
        since.iter().all(|c| c.starts_with("401 REGISTER")),
        "only the registrations met edge 2's challenge: {since:?}"
    );
    let invite = net
        .proxy
        .auth
        .presented
        .iter()
        .rev()
        .find(|p| p.method == "INVITE")
        .unwrap();
    assert_eq!(invite.realm, "edge2.sip.test");
    net.assert_hearing(&[0, 1], &[(0, 1), (1, 0)]);
}

#[test]
fn signing_out_forgets_the_credentials() {
    let mut net = Net::new(&["1001", "1002"]);
    net.proxy.auth.calls = true;
    net.sign_in_all();
    net.call(0, 1);
    net.command(0, Command::SignOut);
    net.settle();
    assert!(net.agents[0].signed_out);
    let presented = net.proxy.auth.presented.len();
    let challenged = net.proxy.auth.challenges.len();

    net.input(0, Input::TransportUp);
    net.command(0, Command::SignIn);
    net.settle();
    assert_eq!(net.view(0).registration, RegStatus::Registered);
    // The nonce of the first session is still good at the server: only a phone that kept
    // nothing meets a challenge here.
    assert_eq!(
        net.proxy.auth.challenges[challenged..],
        ["401 REGISTER 1001"]
    );
    assert_eq!(
        net.proxy.auth.presented[presented].method, "REGISTER",
        "the first credentials after sign-in answer the new challenge"
    );
}
