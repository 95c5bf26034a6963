//! The edge cluster: phones take a list of edge proxies in front of one shared registrar.
//! When an edge dies every phone moves to the next one, at jittered moments, registers
//! there and keeps its calls; sign-out waits for the registrar, not for a fixed time.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, LineState, RegFailure, RegStatus};

const EDGES: [&str; 2] = ["ws://edge1.sip.test", "ws://edge2.sip.test"];

fn cluster(users: &[&str]) -> Net {
    let mut net = Net::new(users);
    for i in 0..users.len() {
        net.configure(i, |c| {
            c.edges = EDGES.iter().map(|e| (*e).to_owned()).collect()
        });
        net.command(i, Command::SignIn);
    }
    net.settle();
    net
}

#[test]
fn signing_in_connects_to_the_first_edge_and_registers() {
    let net = cluster(&["1001", "1002"]);
    for a in &net.agents {
        assert_eq!(a.edge.as_deref(), Some(EDGES[0]));
        assert_eq!(a.phone.view().registration, RegStatus::Registered);
    }
}

#[test]
fn an_edge_dies_every_phone_moves_to_the_next_at_spread_out_moments() {
    let users: Vec<String> = (0..8).map(|i| format!("100{i}")).collect();
    let users: Vec<&str> = users.iter().map(String::as_str).collect();
    let mut net = cluster(&users);
    net.call(0, 1);
    let died = net.now;
    net.kill_edge(EDGES[0]);
    for a in &net.agents {
        assert_eq!(
            a.phone.view().registration,
            RegStatus::Failed(RegFailure::ConnectionLost)
        );
    }
    net.run_for(Duration::from_secs(5));
    let retries: Vec<Duration> = net
        .connects
        .iter()
        .filter(|(_, url, at)| url == EDGES[1] && *at >= died)
        .map(|(_, _, at)| *at - died)
        .collect();
    assert_eq!(
        retries.len(),
        users.len(),
        "each phone tried the next edge once"
    );
    let (first, last) = (retries.iter().min().unwrap(), retries.iter().max().unwrap());
    assert!(
        *last - *first >= Duration::from_millis(50),
        "retries spread out, not in step: {retries:?}"
    );
    for a in &net.agents {
        assert_eq!(a.edge.as_deref(), Some(EDGES[1]), "{}", a.user);
        assert_eq!(a.phone.view().registration, RegStatus::Registered);
    }
    // The call went on, and still ends cleanly through the new edge.
    assert_eq!(net.line_to(0, "1001").state, LineState::Connected);
    net.command(0, Command::HangUp);
    net.settle();
    assert!(net.lines(1).is_empty(), "the BYE reached the far end");
}

#[test]
fn with_every_edge_down_the_pauses_grow_and_then_it_comes_back() {
    let mut net = cluster(&["1001"]);
    net.kill_edge(EDGES[0]);
    net.dead_edges.insert(EDGES[1].to_owned());
    net.run_for(Duration::from_secs(60));
    let times: Vec<_> = net.connects.iter().skip(1).map(|(_, _, t)| *t).collect();
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 4, "{gaps:?}");
    assert!(gaps[3] > gaps[0] * 2, "the pause grows: {gaps:?}");
    assert!(
        gaps.iter().all(|g| *g <= Duration::from_secs(30)),
        "{gaps:?}"
    );
    net.dead_edges.clear();
    net.run_for(Duration::from_secs(40));
    assert_eq!(net.view(0).registration, RegStatus::Registered);
}

#[test]
fn sign_out_ends_when_the_registrar_confirms() {
    let mut net = cluster(&["1001", "1002"]);
    net.call(0, 1);
    net.command(0, Command::SignOut);
    assert_eq!(net.view(0).registration, RegStatus::SigningOut);
    assert!(
        !net.agents[0].signed_out,
        "not before the un-REGISTER is answered"
    );
    // Two hops to the registrar and back.
    net.run_for(net.latency * 2);
    assert!(net.agents[0].signed_out);
    assert_eq!(net.view(0).registration, RegStatus::SignedOut);
    net.settle();
    assert!(net.lines(1).is_empty(), "the call was hung up first");
    assert!(net.agents[0].edge.is_none(), "the socket was closed");
    let reconnects = net.connects.iter().filter(|(i, _, _)| *i == 0).count();
    net.run_for(Duration::from_secs(60));
    assert_eq!(
        net.connects.iter().filter(|(i, _, _)| *i == 0).count(),
        reconnects,
        "no reconnection after signing out"
    );
}

#[test]
fn sign_out_gives_up_waiting_after_its_own_timeout() {
    let mut net = cluster(&["1001"]);
    net.drop_next.push((0, "REGISTER".into()));
    net.drop_next.push((0, "REGISTER".into()));
    net.drop_next.push((0, "REGISTER".into()));
    net.drop_next.push((0, "REGISTER".into()));
    net.command(0, Command::SignOut);
    net.run_for(Duration::from_secs(3));
    assert!(!net.agents[0].signed_out);
    net.run_for(Duration::from_secs(2));
    assert!(net.agents[0].signed_out, "the sign-out wait is 4 s");
    assert_eq!(net.view(0).registration, RegStatus::SignedOut);
}
