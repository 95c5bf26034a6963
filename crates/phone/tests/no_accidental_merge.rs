//! A call that rang out while the agent answered another one is answered far away: it must
//! not join the agent's conversation by itself (unrelated calls are never merged by accident,
//! the spirit of C9), and no mix may loop audio back to anyone. Found by the random-sequence
//! test: 1004 and 1002 each call the other and each answers; 1002's Merge then fed 1002's own
//! voice back to it through 1004.

mod common;

use common::{Net, B, D};
use phone::Command;

#[test]
fn an_outgoing_call_answered_while_the_agent_talks_waits_on_hold() {
    let mut net = Net::four();
    net.sign_in_all();
    net.command(D, Command::Dial("1002".into()));
    net.settle();
    net.command(B, Command::Dial("1004".into()));
    net.settle();
    // D answers B's call while its own call to B still rings; then B answers D's.
    net.command(D, Command::Answer);
    net.settle();
    net.command(B, Command::Answer);
    net.settle();
    let d_lines = net.lines(D);
    assert_eq!(d_lines.len(), 2);
    assert_eq!(
        d_lines.iter().filter(|l| l.held).count(),
        1,
        "the call answered last waits on hold: {d_lines:?}"
    );
    net.command(B, Command::Merge);
    net.settle();
    for i in 0..4 {
        assert!(!net.hears(i, i), "{} hears itself", net.agents[i].user);
    }
}
