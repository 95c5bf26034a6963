//! C14, C15, C16, E1: the host disconnects one participant or ends the conference; any other
//! participant may leave; a conference of two is a plain call again.

mod common;

use common::Net;
use phone::{Command, LineState};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

fn conference_of(net: &mut Net, parties: &[usize]) {
    net.sign_in_all();
    net.call(H, parties[0]);
    for &p in &parties[1..] {
        let user = net.agents[p].user.clone();
        net.command(H, Command::DialConference(user));
        net.settle();
        net.command(p, Command::Answer);
        net.settle();
    }
}

#[test]
fn c14_host_disconnects_one_participant_and_the_rest_go_on() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_of(&mut net, &[B, C, D]);
    let c = net.line_to(H, "1003").id;
    net.command(H, Command::Disconnect(c));
    net.settle();
    assert!(matches!(net.state(C), Some(LineState::Ended(_))));
    net.assert_hearing(
        &[H, B, C, D],
        &[(H, B), (B, H), (H, D), (D, H), (B, D), (D, B)],
    );
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}

#[test]
fn c14_only_the_host_may_disconnect() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    conference_of(&mut net, &[B, C]);
    let view = net.view(B);
    assert!(
        !view.conference.as_ref().unwrap().host,
        "B is a participant"
    );
    let line = view.line.unwrap();
    assert!(!line.disconnect.enabled);
    assert_eq!(line.disconnect.reason.unwrap().rule, "C14");
    assert!(!view.controls.end_conference.enabled);
    assert_eq!(view.controls.end_conference.reason.unwrap().rule, "C15");
}

#[test]
fn c15_end_conference_ends_it_for_everyone() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_of(&mut net, &[B, C, D]);
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

#[test]
fn c16_a_participant_may_leave_with_leave() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_of(&mut net, &[B, C, D]);
    let leave = net.view(C).controls.leave;
    assert!(leave.enabled, "{leave:?}");
    net.command(C, Command::Leave);
    net.settle();
    assert!(net.lines(C).is_empty());
    net.assert_hearing(
        &[H, B, C, D],
        &[(H, B), (B, H), (H, D), (D, H), (B, D), (D, B)],
    );
    assert_eq!(
        net.view(B).conference.unwrap().participants,
        3,
        "the roster follows"
    );
}

#[test]
fn c16_a_participant_leaves_and_e1_the_rest_is_a_plain_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    conference_of(&mut net, &[B, C]);
    net.command(C, Command::HangUp);
    net.settle();
    assert!(
        net.view(H).conference.is_none(),
        "E1: two parties are a plain call"
    );
    let b = net.line_to(H, "1002");
    assert!(!b.in_conference && !b.disconnect.enabled);
    assert!(!net.view(H).controls.leave.enabled);
    assert!(net.view(B).conference.is_none(), "B's roster is gone too");
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
}

#[test]
fn c13_the_host_stays_host_however_many_join() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_of(&mut net, &[B, C, D]);
    let conf = net.view(H).conference.unwrap();
    assert!(conf.host);
    assert_eq!(conf.participants, 4);
    for p in [B, C, D] {
        let theirs = net.view(p).conference.unwrap();
        assert!(!theirs.host);
        assert_eq!(theirs.participants, 4, "C11: {theirs:?}");
    }
}
