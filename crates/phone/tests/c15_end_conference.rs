//! C15: "End conference" ends it for every participant in one step.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

#[test]
fn c15_end_conference_ends_it_for_everyone() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.single_step_conference(H, &[B, C, D]);
    net.command(H, Command::EndConference);
    net.settle();
    for p in [H, B, C, D] {
        assert!(
            net.lines(p).is_empty(),
            "{} still has a call",
            net.agents[p].user
        );
    }
    assert!(net.view(H).conference.is_none());
    net.assert_hearing(&[H, B, C, D], &[]);
}
