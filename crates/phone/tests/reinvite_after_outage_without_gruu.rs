//! Two agents on one edge in a call; the edge goes away for a few seconds and comes back.
//! Without GRUU (RFC 5627) each end's Contact names its old connection, so each end sends a
//! target refresh (a re-INVITE) once it is back. The end that returns first sends its
//! refresh while the other is still away: the proxy forwards it into the dead connection
//! and nobody ever answers it. The other end's refresh then meets a re-INVITE "in
//! progress" and gets 491 (RFC 3261 §14.2). A second re-INVITE from the peer while ours
//! still has no answer shows the peer never saw ours (a peer answers ours before it sends
//! again), so ours stops counting as pending and the peer's is answered: the call lives,
//! where it used to get 491 until Timer B and a BYE.

mod common;

use std::time::Duration;

use common::one_edge::EDGE;
use common::Net;
use phone::{Command, LineState};

const A: usize = 0;
const B: usize = 1;

/// `caller` calls the other through one edge; the edge is away for `outage`, then both
/// reconnect (B first, as their jitter falls) and the network runs `after`. The proxy hands
/// out GRUUs when `gruu`.
fn outage_in_a_call(gruu: bool, caller: usize, outage: Duration, after: Duration) -> Net {
    let mut net = Net::call_on_one_edge(caller, |p| p.gruu = gruu);
    net.kill_edge(EDGE);
    net.run_for(outage);
    net.dead_edges.remove(EDGE);
    net.run_for(after);
    let last: Vec<usize> = net.connects.iter().rev().take(2).map(|c| c.0).collect();
    assert_eq!(last, [A, B], "B reconnected first");
    net
}

/// The call is up on both ends, in-dialog requests go both ways (hold and retrieve from
/// each end), and a hang-up reaches the far end.
fn assert_call_works(net: &mut Net) {
    for (i, peer) in [(A, "1002"), (B, "1001")] {
        assert_eq!(net.line_to(i, peer).state, LineState::Connected);
    }
    for (i, peer, other, me) in [(A, "1002", B, "1001"), (B, "1001", A, "1002")] {
        let id = net.line_to(i, peer).id;
        net.command(i, Command::Hold(id));
        net.settle();
        assert!(net.line_to(i, peer).held, "{peer}'s peer holds");
        assert!(net.line_to(other, me).remote_held, "{me} is held by");
        net.command(i, Command::Retrieve(id));
        net.settle();
        assert!(!net.line_to(other, me).remote_held);
    }
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
    net.command(A, Command::HangUp);
    net.settle();
    assert!(net.lines(A).is_empty());
    assert!(
        net.lines(B).is_empty(),
        "the BYE reached B: {:?}",
        net.lines(B)
    );
}

/// Long enough for the 491s to end the call the old way: past Timer B (64*T1 = 32 s).
const AFTER: Duration = Duration::from_secs(40);

/// The lost refresh is the callee's (the caller retries after 2.1-4 s) or the caller's
/// (the callee retries within 2 s), after outages of a few seconds.
fn survives(gruu: bool) {
    for caller in [A, B] {
        for secs in [2, 3, 5, 8] {
            let mut net = outage_in_a_call(gruu, caller, Duration::from_secs(secs), AFTER);
            let log = &net.proxy.log;
            assert_eq!(net.proxy.count("BYE"), 0, "{secs} s outage: {log:?}");
            assert_call_works(&mut net);
        }
    }
}

#[test]
fn without_gruu_a_refresh_lost_to_the_dead_flow_does_not_end_the_call() {
    survives(false);
}

#[test]
fn with_gruu_the_call_survives_the_same_outage() {
    survives(true);
}
