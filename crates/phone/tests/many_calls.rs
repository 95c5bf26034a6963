//! Hundreds of calls leave nothing behind in the engine: what a shift of calls must not grow.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, LineState};

const A: usize = 0;
const B: usize = 1;

/// One call as an agent makes it: dial, answer, hold, retrieve, hang up, and the card gone.
fn one_call(net: &mut Net) {
    net.call(A, B);
    let line = net.line_to(A, "1002").id;
    net.command(A, Command::Hold(line));
    net.settle();
    net.command(A, Command::Retrieve(line));
    net.settle();
    assert_eq!(net.state(A), Some(LineState::Connected));
    net.command(A, Command::HangUp);
    net.run_for(Duration::from_secs(40));
    assert!(net.lines(A).is_empty() && net.lines(B).is_empty());
}

/// The engine's whole state as `Debug` prints it: a size that counts every line, dialog,
/// transaction and queue it keeps.
fn footprint(net: &Net, i: usize) -> usize {
    format!("{:?}", net.agents[i].phone).len()
}

#[test]
fn three_hundred_calls_leave_the_engine_as_it_was() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    one_call(&mut net);
    let start = [footprint(&net, A), footprint(&net, B)];
    for _ in 0..300 {
        one_call(&mut net);
    }
    let end = [footprint(&net, A), footprint(&net, B)];
    for i in [A, B] {
        // Counters (CSeq, tags, the RNG) change their digits, not the shape: allow a few
        // characters per number, not a record per call.
        assert!(
            end[i] <= start[i] + 64,
            "agent {i}: the engine's state grew from {} to {} characters over 300 calls",
            start[i],
            end[i]
        );
    }
}
