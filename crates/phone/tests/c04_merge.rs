//! C4: Merge joins the held call and the consulted party; all hear each other.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c04_merge_joins_held_call_and_consultation_everyone_hears_everyone() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.merge_three(H, B, C);
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
fn c04_merge_without_a_held_call_is_refused_with_its_rule() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let merge = net.view(H).controls.merge;
    assert!(!merge.enabled);
    assert_eq!(merge.reason.unwrap().rule(), "C4");
    net.command(H, Command::Merge);
    assert!(net.view(H).notice.is_some());
    net.assert_hearing(&[H, B], &[(H, B), (B, H)]);
}
