//! C15: "End conference" ends it for every participant in one step.

mod common;

use common::{Net, B, C, D, H};
use phone::Command;

#[test]
fn c15_end_conference_ends_it_for_everyone() {
    let mut net = Net::four();
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
