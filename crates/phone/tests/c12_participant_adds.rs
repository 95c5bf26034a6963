//! C12, C13: an internal participant adds someone: after its consultation its Merge asks the
//! focus to take the new party over (REFER with Replaces, RFC 4579 §5.5); the host stays host
//! and keeps C14 over the newcomer.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;
const ALL: [usize; 4] = [H, B, C, D];

fn conference_then_b_consults_d(net: &mut Net) {
    net.single_step_conference(H, &[B, C]);
    assert!(net.view(B).conference.is_some_and(|c| !c.host));
    net.call(B, D); // B's call with the focus goes on hold (C3)
    assert!(net.line_to(B, "1001").held);
    net.assert_hearing(&ALL, &[(H, C), (C, H), (B, D), (D, B)]);
    assert!(
        net.view(B).controls.merge.enabled,
        "C12: the participant may Merge"
    );
}

#[test]
fn c12_participant_merge_hands_the_new_party_to_the_focus() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_then_b_consults_d(&mut net);
    net.command(B, Command::Merge);
    net.settle();
    net.settle();
    let all: Vec<(usize, usize)> = ALL
        .iter()
        .flat_map(|&l| ALL.iter().filter(move |&&t| t != l).map(move |&t| (l, t)))
        .collect();
    net.assert_hearing(&ALL, &all);
    assert_eq!(
        net.lines(B).len(),
        1,
        "B keeps only its call with the focus"
    );
    assert_eq!(
        net.lines(D).len(),
        1,
        "D's call with B was replaced by one with the host"
    );
    assert!(net.line_to(D, "1001").state == phone::LineState::Connected);
    // C13: the host is still the host, of four now, and C14 reaches the newcomer.
    let conf = net.view(H).conference.unwrap();
    assert!(conf.host);
    assert_eq!(conf.participants, 4);
    let d = net.line_to(H, "1004");
    assert!(d.in_conference && d.disconnect.enabled && d.internal);
    assert_eq!(net.view(B).conference.unwrap().participants, 4, "C11 for B");
    assert_eq!(net.view(D).conference.unwrap().participants, 4, "C11 for D");
    // D, handed over by B, sees the host (not B) as host.
    let d_roster = net.view(D).conference.unwrap().roster;
    let hosts: Vec<_> = d_roster
        .iter()
        .filter(|r| r.host)
        .map(|r| &r.name)
        .collect();
    assert_eq!(hosts.len(), 1, "{d_roster:?}");
    assert!(hosts[0].contains("1001"), "{d_roster:?}");
}

#[test]
fn c12_the_focus_rejects_the_request_and_nothing_changes() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    conference_then_b_consults_d(&mut net);
    net.proxy.no_refer = vec![H];
    net.command(B, Command::Merge);
    net.settle();
    assert!(matches!(
        net.view(B).notice,
        Some(phone::Notice::AddFailed { .. })
    ));
    assert!(net.line_to(B, "1001").held);
    net.assert_hearing(&ALL, &[(H, C), (C, H), (B, D), (D, B)]);
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}
