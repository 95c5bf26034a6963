//! C8: while the third party is dialled, the agent and the party on the call hear its ringback
//! or early media.

mod common;

use common::Net;
use phone::{Command, MediaAction};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c08_early_media_plays_to_the_host_and_the_party_instead_of_ringback() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.proxy.early_media.push("1003".into());
    net.call(A, B);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    let line = net.line_to(A, "1003").id;
    assert!(net.agents[A]
        .media
        .iter()
        .any(|m| matches!(m, MediaAction::ApplyEarlyAnswer { line: l, .. } if *l == line)));
    let port = net.agents[A].ports[&line];
    let mix = net.agents[A].phone.mix().clone();
    let b_port = net.agents[A].ports[&net.line_to(A, "1002").id];
    assert!(
        mix.hears(0, port) && mix.hears(b_port, port),
        "host and B hear the early media"
    );
    assert!(!mix.hears(port, 0), "the far end hears nothing yet");
    assert_eq!(
        mix.tone(0),
        None,
        "no local ringback over the far end's own"
    );
    assert_eq!(net.tone_heard(B), None);
    net.command(C, Command::Answer);
    net.settle();
    net.assert_hearing(
        &[A, B, C],
        &[(A, B), (B, A), (A, C), (C, A), (B, C), (C, B)],
    );
}
