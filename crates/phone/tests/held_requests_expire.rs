//! A request the agent makes while its connection is down waits for the connection at most
//! `sip::HELD_LIMIT` (64*T1, 32 s). Past that it is given up unsent, the agent is told in
//! a notice, and the line is left as if the far end had never answered: a hang-up from ten
//! minutes ago must not land on whatever that dialog has become since.

mod common;

use std::time::Duration;

use common::one_edge::EDGE;
use common::Net;
use phone::{Command, LineState, Notice, RegStatus, Unsent};

const A: usize = 0;
const B: usize = 1;

/// Two agents on one edge, registered, in a call. As the project's Kamailio does: both ends
/// lose the same edge, and only GRUUs reach them on their new connections.
fn call_on_one_edge() -> Net {
    Net::call_on_one_edge(A, |p| p.gruu = true)
}

/// The edge comes back, and both agents register again.
fn edge_back(net: &mut Net) {
    net.dead_edges.remove(EDGE);
    net.run_for(Duration::from_secs(120));
    for i in [A, B] {
        assert_eq!(net.view(i).registration, RegStatus::Registered);
    }
}

#[test]
fn a_hang_up_during_a_ten_minute_outage_is_never_sent_and_the_agent_is_told() {
    let mut net = call_on_one_edge();
    net.kill_edge(EDGE);
    net.command(A, Command::HangUp);
    assert!(net.lines(A).is_empty(), "the agent's call is over at once");
    assert_eq!(net.view(A).notice, None);
    net.run_for(sip::HELD_LIMIT - Duration::from_secs(1));
    assert_eq!(net.view(A).notice, None, "still waiting for the connection");
    net.run_for(Duration::from_secs(2));
    assert_eq!(
        net.view(A).notice,
        Some(Notice::NotSent {
            party: "1002".into(),
            what: Unsent::HangUp
        })
    );
    net.run_for(Duration::from_secs(600));
    let byes = net.proxy.count("BYE");
    edge_back(&mut net);
    assert_eq!(net.proxy.count("BYE"), byes, "no BYE left after the outage");
    assert!(net.lines(A).is_empty());
}

#[test]
fn a_hang_up_during_an_outage_shorter_than_the_limit_still_reaches_the_far_end() {
    let mut net = call_on_one_edge();
    net.kill_edge(EDGE);
    net.command(A, Command::HangUp);
    net.run_for(Duration::from_secs(10));
    assert_eq!(net.line_to(B, "1001").state, LineState::Connected);
    // Back well within the limit: the BYE goes out once A has reconnected.
    net.dead_edges.remove(EDGE);
    net.run_for(sip::HELD_LIMIT);
    assert!(net.lines(B).is_empty(), "{:?}", net.lines(B));
    assert_eq!(net.view(A).notice, None);
}

#[test]
fn a_hold_during_a_long_outage_is_undone_and_the_agent_is_told() {
    let mut net = call_on_one_edge();
    let ab = net.line_to(A, "1002").id;
    net.kill_edge(EDGE);
    net.command(A, Command::Hold(ab));
    net.run_for(sip::HELD_LIMIT + Duration::from_secs(1));
    assert_eq!(
        net.view(A).notice,
        Some(Notice::NotSent {
            party: "1002".into(),
            what: Unsent::Hold
        })
    );
    let line = net.line_to(A, "1002");
    assert!(!line.held && line.hold.enabled, "{line:?}");
    edge_back(&mut net);
    assert!(!net.line_to(B, "1001").remote_held);
    // The line works as before: hold now goes through.
    net.command(A, Command::Hold(ab));
    net.settle();
    assert!(net.line_to(A, "1002").held);
    assert!(net.line_to(B, "1001").remote_held);
}
