//! Remote events in the middle of things: a BYE during Merge, 491 glare while holding one or
//! several legs, a participant's socket dropping.

mod common;

use std::time::Duration;

use common::Net;
use phone::{Command, Input, LineState};

const H: usize = 0;
const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn remote_bye_during_merge_leaves_a_plain_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.call(H, C);
    net.command(H, Command::Merge);
    // B hangs up before the resume re-INVITE even reaches it.
    net.command(B, Command::HangUp);
    net.settle();
    assert!(net.lines(B).is_empty());
    assert!(net.view(H).conference.is_none(), "E1");
    net.assert_hearing(&[H, B, C], &[(H, C), (C, H)]);
}

#[test]
fn glare_491_when_both_ends_hold_at_once_resolves_to_both_held() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let (hb, bh) = (net.line_to(H, "1002").id, net.line_to(B, "1001").id);
    net.command(H, Command::Hold(hb));
    net.command(B, Command::Hold(bh));
    net.settle();
    assert!(net.proxy.count("INVITE") >= 3);
    net.run_for(Duration::from_secs(10));
    let (h, b) = (net.line_to(H, "1002"), net.line_to(B, "1001"));
    assert!(h.held && h.remote_held, "{h:?}");
    assert!(b.held && b.remote_held, "{b:?}");
    net.assert_hearing(&[H, B], &[]);
    // And both can take it back.
    net.command(H, Command::Retrieve(hb));
    net.command(B, Command::Retrieve(bh));
    net.run_for(Duration::from_secs(10));
    net.assert_hearing(&[H, B], &[(H, B), (B, H)]);
}

#[test]
fn holding_a_conference_while_one_leg_glares_ends_with_every_leg_held() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(A, &[B, C]);
    net.settle();
    let (ab, ba) = (net.line_to(A, "1002").id, net.line_to(B, "1001").id);
    // The host holds the conference while B holds its side at the same moment: 491 on B's leg.
    net.command(A, Command::Hold(ab));
    net.command(B, Command::Hold(ba));
    net.run_for(Duration::from_secs(10));
    assert!(net.proxy.count("INVITE") >= 5);
    for line in net.lines(A) {
        assert!(line.held, "{line:?}");
    }
    assert!(net.view(A).conference.unwrap().held);
    net.assert_hearing(&[A, B, C], &[]);
}

#[test]
fn a_participant_whose_transport_drops_keeps_its_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    net.input(C, Input::TransportDown);
    net.settle();
    assert_eq!(net.line_to(C, "1001").state, LineState::Connected);
    net.assert_hearing(
        &[H, B, C],
        &[(H, B), (B, H), (H, C), (C, H), (B, C), (C, B)],
    );
    net.input(C, Input::TransportUp);
    net.settle();
    assert_eq!(net.view(C).registration, phone::RegStatus::Registered);
}
