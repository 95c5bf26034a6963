//! C5: with two or more held calls, Merge asks first; Confirm joins all, Cancel changes nothing.

mod common;

use common::Net;
use phone::Command;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;
const ALL: [usize; 4] = [H, B, C, D];

fn two_held_and_consult(net: &mut Net) {
    net.sign_in_all();
    net.call(H, B);
    net.call(H, C);
    net.call(H, D);
    assert!(net.line_to(H, "1002").held && net.line_to(H, "1003").held);
    net.command(H, Command::Merge);
    net.settle();
    let q = net.view(H).merge_confirm.expect("C5 asks");
    assert_eq!(q.held.len(), 2);
    net.assert_hearing(&ALL, &[(H, D), (D, H)]);
}

#[test]
fn c05_confirm_conferences_all_held_calls() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    two_held_and_consult(&mut net);
    net.command(H, Command::ConfirmMerge);
    net.settle();
    let mut all = Vec::new();
    for l in ALL {
        for t in ALL {
            if l != t {
                all.push((l, t));
            }
        }
    }
    net.assert_hearing(&ALL, &all);
    assert_eq!(net.view(H).conference.unwrap().participants, 4);
}

#[test]
fn c05_cancel_leaves_everything_as_it_was() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    two_held_and_consult(&mut net);
    net.command(H, Command::CancelMerge);
    net.settle();
    assert!(net.view(H).merge_confirm.is_none());
    assert!(net.view(H).conference.is_none());
    assert!(net.line_to(H, "1002").held && net.line_to(H, "1003").held);
    net.assert_hearing(&ALL, &[(H, D), (D, H)]);
}
