//! C10: more participants join with the same procedures, again and again.

mod common;

use common::{Net, B, C, D, H};
use phone::Command;

#[test]
fn c10_more_participants_join_the_same_way_again_and_again() {
    let mut net = Net::four();
    net.single_step_conference(H, &[B, C]);
    // Then a consultation + Merge adds the fourth: the conference is held as one call.
    net.call(H, D);
    net.assert_hearing(&[H, B, C, D], &[(H, D), (D, H)]);
    assert!(net.view(H).conference.unwrap().held);
    net.command(H, Command::Merge);
    net.settle();
    assert!(
        net.view(H).merge_confirm.is_none(),
        "a held conference counts as one call"
    );
    let all = Net::all_pairs(4);
    net.assert_hearing(&[H, B, C, D], &all);
    assert_eq!(net.view(H).conference.unwrap().participants, 4);
}
