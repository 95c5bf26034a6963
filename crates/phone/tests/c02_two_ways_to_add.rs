//! C2: a third party joins by consultation + Merge (C3-C6) or by single-step conference
//! (C7-C9); either way the result is the same three-party conference.

mod common;

use common::Net;

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const EVERYONE: [(usize, usize); 6] = [(H, B), (B, H), (H, C), (C, H), (B, C), (C, B)];

#[test]
fn c02_consultation_and_merge_gives_a_three_party_conference() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.merge_three(H, B, C);
    net.assert_hearing(&[H, B, C], &EVERYONE);
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}

#[test]
fn c02_single_step_gives_the_same_conference() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.single_step_conference(H, &[B, C]);
    net.assert_hearing(&[H, B, C], &EVERYONE);
    assert_eq!(net.view(H).conference.unwrap().participants, 3);
}
