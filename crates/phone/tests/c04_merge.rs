//! C1, C4: Merge joins the held call and the consulted party; the agent becomes host.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

fn three_way(net: &mut Net) {
    net.sign_in_all();
    net.call(H, B);
    net.call(H, C);
    net.command(H, Command::Merge);
    net.settle();
}

#[test]
fn c04_merge_joins_held_call_and_consultation_everyone_hears_everyone() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_way(&mut net);
    net.assert_hearing(
        &[H, B, C],
        &[(H, B), (B, H), (H, C), (C, H), (B, C), (C, B)],
    );
    assert!(
        !net.line_to(H, "1002").held,
        "the held call was taken off hold"
    );
    assert!(!net.line_to(B, "1001").remote_held);
    assert!(
        net.view(H).merge_confirm.is_none(),
        "one held call: no question (C5)"
    );
}

#[test]
fn c01_the_agent_who_connects_the_third_party_is_host() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_way(&mut net);
    let view = net.view(H);
    let conf = view.conference.expect("a conference");
    assert!(conf.host);
    assert_eq!(conf.participants, 3);
    assert!(view
        .lines
        .iter()
        .all(|l| l.in_conference && l.disconnect.enabled));
    assert!(view.controls.end_conference.enabled && view.controls.leave.enabled);
    // C11: the others learn who is in it from the host (conference event package).
    let theirs = net.view(B).conference.expect("B sees the conference");
    assert!(!theirs.host);
    assert_eq!(theirs.participants, 3);
    let names: Vec<String> = theirs.roster.iter().map(|p| p.name.clone()).collect();
    assert!(
        names.iter().any(|n| n.contains("1001")) && names.iter().any(|n| n.contains("1003")),
        "{names:?}"
    );
}

#[test]
fn c04_merge_without_a_held_call_is_refused_with_its_rule() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let merge = net.view(H).controls.merge;
    assert!(!merge.enabled);
    assert_eq!(merge.reason.unwrap().rule, "C4");
    net.command(H, Command::Merge);
    assert!(net.view(H).notice.is_some());
    net.assert_hearing(&[H, B], &[(H, B), (B, H)]);
}
