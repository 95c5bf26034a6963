//! The one proxy restarts mid-call (Kamailio killed and started again): it forgets every
//! registration and nonce, and both ends' connections are new afterwards. The proxy here ties
//! Contacts to connections as Kamailio does, so a flow-bound Contact dies with its
//! connection; only a GRUU (RFC 5627), routed by the registrar to the phone's latest
//! registration, still reaches a phone after it reconnected.

mod common;

use std::time::Duration;

use common::one_edge::EDGE;
use common::Net;
use phone::{Command, LineState, RegFailure, RegStatus};

const A: usize = 0;
const B: usize = 1;

/// Two agents on one edge, registered, in a call; the proxy binds Contacts to flows and
/// hands out GRUUs when `gruu`.
fn call_through_one_proxy(gruu: bool) -> Net {
    Net::call_on_one_edge(A, |p| {
        p.flow_bound = true;
        p.gruu = gruu;
    })
}

/// Restarts the proxy (down for 1.4 s) and runs until both phones registered again,
/// checking every 50 ms that neither ever claims a wrong password.
fn restart_and_reregister(net: &mut Net) {
    net.restart_proxy(EDGE, Duration::from_millis(1400));
    for _ in 0..200 {
        net.run_for(Duration::from_millis(50));
        for i in [A, B] {
            assert_ne!(
                net.view(i).registration,
                RegStatus::Failed(RegFailure::WrongCredentials),
                "{}",
                net.agents[i].user
            );
        }
        if [A, B]
            .iter()
            .all(|&i| net.view(i).registration == RegStatus::Registered)
        {
            return;
        }
    }
    panic!("not registered again: {:?}", [net.view(A), net.view(B)]);
}

#[test]
fn after_a_proxy_restart_gruu_contacts_still_reach_both_ends() {
    let mut net = call_through_one_proxy(true);
    let invites = net.proxy.count("INVITE");
    restart_and_reregister(&mut net);
    // Both Contacts are GRUUs that follow the phones: no target refresh was needed.
    net.settle();
    assert_eq!(net.proxy.count("INVITE"), invites, "{:?}", net.proxy.log);
    for (i, peer) in [(A, "1002"), (B, "1001")] {
        assert_eq!(net.line_to(i, peer).state, LineState::Connected);
    }
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);

    // Hold and retrieve: re-INVITEs from A reach B on B's new flow.
    let ab = net.line_to(A, "1002").id;
    net.command(A, Command::Hold(ab));
    net.settle();
    assert!(net.line_to(A, "1002").held);
    assert!(net.line_to(B, "1001").remote_held);
    net.command(A, Command::Retrieve(ab));
    net.settle();
    assert!(!net.line_to(A, "1002").held);
    assert!(!net.line_to(B, "1001").remote_held);
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);

    // B hangs up: its BYE reaches A on A's new flow.
    net.command(B, Command::HangUp);
    net.settle();
    assert!(net.lines(A).is_empty(), "{:?}", net.lines(A));
    assert!(net.lines(B).is_empty());
}

/// The harness models the outage the GRUU cures: with flow-bound Contacts only, each end's
/// target refresh goes to the other's dead flow, and a hang-up is lost.
#[test]
fn without_gruu_a_restart_strands_the_far_end() {
    let mut net = call_through_one_proxy(false);
    restart_and_reregister(&mut net);
    net.settle();
    assert!(
        net.proxy.count("INVITE") > 1,
        "each end refreshed its target"
    );
    net.command(B, Command::HangUp);
    net.settle();
    assert!(net.lines(B).is_empty());
    assert_eq!(
        net.line_to(A, "1002").state,
        LineState::Connected,
        "A never heard of it"
    );
}

/// Where only one end reconnects, a flow-bound Contact is still enough: its target refresh
/// reaches the other end, whose flow is alive.
#[test]
fn without_gruu_one_reconnect_is_mended_by_a_target_refresh() {
    let mut net = call_through_one_proxy(false);
    net.input(A, phone::Input::TransportDown);
    net.run_for(Duration::from_secs(3));
    assert_eq!(net.view(A).registration, RegStatus::Registered);
    net.command(B, Command::HangUp);
    net.settle();
    assert!(net.lines(A).is_empty(), "{:?}", net.lines(A));
}
