//! The browser reports each leg's ICE path. A failed path on a call that still has its
//! dialog is restarted with a new offer in a re-INVITE; the far end's answer goes back to
//! the browser. The Contact Info row of that leg shows it meanwhile.

mod common;

use common::Net;
use phone::{Command, Input, MediaAction, MediaHealth, PeerState};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

fn leg_health(net: &Net, agent: usize, user: &str) -> MediaHealth {
    let conf = net.view(agent).conference.expect("a conference");
    let row = conf
        .roster
        .iter()
        .find(|p| p.name.contains(user))
        .expect("a row for the participant");
    row.leg.expect("the host's row has its leg").1
}

#[test]
fn ice_failure_on_one_conference_leg_shows_on_its_row_and_restarts() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.merge_three(H, B, C);
    let b = net.line_to(H, "1002").id;
    let c = net.line_to(H, "1003").id;
    for line in [b, c] {
        let state = PeerState::Connected;
        net.input(H, Input::PeerState { line, state });
    }
    assert_eq!(leg_health(&net, H, "1002"), MediaHealth::Connected);

    let invites = net.proxy.count("INVITE");
    net.agents[H].media.clear();
    let state = PeerState::Failed;
    net.input(H, Input::PeerState { line: b, state });
    assert_eq!(leg_health(&net, H, "1002"), MediaHealth::Restarting);
    assert_eq!(
        leg_health(&net, H, "1003"),
        MediaHealth::Connected,
        "only that row"
    );
    assert!(net.agents[H]
        .media
        .contains(&MediaAction::RestartIce { line: b }));
    net.settle();
    assert_eq!(net.proxy.count("INVITE"), invites + 1, "one re-INVITE");
    assert!(
        net.agents[H]
            .media
            .iter()
            .any(|m| matches!(m, MediaAction::ApplyAnswer { line, .. } if *line == b)),
        "the far end's answer reaches the browser"
    );
    let state = PeerState::Connected;
    net.input(H, Input::PeerState { line: b, state });
    assert_eq!(leg_health(&net, H, "1002"), MediaHealth::Connected);
    // The conference is as it was.
    net.assert_hearing(
        &[H, B, C],
        &[(H, B), (H, C), (B, H), (B, C), (C, H), (C, B)],
    );
}

#[test]
fn a_disconnected_path_is_shown_and_left_to_the_browser() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let b = net.line_to(H, "1002").id;
    let invites = net.proxy.count("INVITE");
    let state = PeerState::Disconnected;
    net.input(H, Input::PeerState { line: b, state });
    net.settle();
    assert_eq!(net.line_to(H, "1002").media, MediaHealth::Interrupted);
    assert_eq!(net.proxy.count("INVITE"), invites, "no restart for a blip");
}

#[test]
fn the_far_end_holding_us_is_answered_by_the_browser() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let h_line = net.line_to(H, "1002").id;
    net.agents[H].media.clear();
    let b_line = net.line_to(B, "1001").id;
    net.command(B, Command::Hold(b_line));
    net.settle();
    assert!(
        net.agents[H].media.iter().any(|m| matches!(
            m,
            MediaAction::AnswerReoffer { line, hold: false, offer } if *line == h_line && offer.contains("a=sendonly")
        )),
        "the offer goes to the browser: {:?}",
        net.agents[H].media
    );
    assert!(net.line_to(H, "1002").remote_held);
    assert!(
        net.line_to(B, "1001").held,
        "B's hold completed with our answer"
    );
    net.command(B, Command::Retrieve(b_line));
    net.settle();
    assert!(!net.line_to(H, "1002").remote_held);
    net.assert_hearing(&[H, B], &[(H, B), (B, H)]);
}
