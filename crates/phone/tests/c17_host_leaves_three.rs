//! C17: the host leaves a three-party conference and the two others go on talking, through an
//! attended transfer (REFER with Replaces, RFC 5589) or, where a far end cannot do that, the
//! host's client bridging them silently.

mod common;

use common::Net;
use phone::{Command, LineState};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

fn three_party(net: &mut Net) {
    net.sign_in_all();
    net.call(H, B);
    net.call(H, C);
    net.command(H, Command::Merge);
    net.settle();
}

#[test]
fn c17_host_leaves_and_the_two_others_talk_directly() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_party(&mut net);
    net.command(H, Command::Leave);
    net.settle();
    assert!(net.lines(H).is_empty(), "the host has no call left");
    assert!(net.view(H).conference.is_none());
    // B and C each have exactly one call, with each other.
    assert_eq!(net.lines(B).len(), 1);
    assert_eq!(net.lines(C).len(), 1);
    assert_eq!(net.line_to(B, "1003").state, LineState::Connected);
    assert_eq!(net.line_to(C, "1002").state, LineState::Connected);
    net.assert_hearing(&[H, B, C], &[(B, C), (C, B)]);
    assert!(net.proxy.log.iter().any(|l| l.starts_with("REFER")));
}

#[test]
fn c17_without_refer_support_the_host_keeps_bridging_silently() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_party(&mut net);
    net.proxy.no_refer = vec![B, C];
    net.command(H, Command::Leave);
    net.settle();
    let view = net.view(H);
    assert!(view.conference.as_ref().is_some_and(|c| c.bridging));
    assert!(matches!(view.notice, Some(phone::Notice::Bridging { .. })));
    assert!(
        view.controls.end_conference.enabled,
        "End conference is offered (it ends the bridge)"
    );
    net.assert_hearing(&[H, B, C], &[(B, C), (C, B)]);

    net.command(H, Command::EndConference);
    net.settle();
    for p in [H, B, C] {
        assert!(net.lines(p).is_empty());
    }
}

#[test]
fn c17_leave_is_disabled_with_four_participants_e2() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    three_party(&mut net);
    net.command(H, Command::DialConference("1004".into()));
    net.settle();
    net.command(D, Command::Answer);
    net.settle();
    let leave = net.view(H).controls.leave;
    assert!(!leave.enabled);
    assert_eq!(leave.reason.unwrap().rule(), "C17");
    net.command(H, Command::Leave);
    net.settle();
    assert_eq!(
        net.view(H).conference.unwrap().participants,
        4,
        "nothing changed"
    );
}

#[test]
fn c17_a_participant_that_leaves_after_the_transfer_ends_only_its_own_call() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_party(&mut net);
    net.command(H, Command::Leave);
    net.settle();
    net.command(B, Command::HangUp);
    net.settle();
    for p in [H, B, C] {
        assert!(net.lines(p).is_empty());
    }
}

#[test]
fn c17_after_a_completed_transfer_each_dialog_gets_one_bye() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_party(&mut net);
    let byes = net.proxy.count("BYE");
    net.command(H, Command::Leave);
    net.run_for(std::time::Duration::from_secs(10));
    // The host ends its dialog with the transferee; the target ends the replaced one.
    assert_eq!(net.proxy.count("BYE") - byes, 2, "{:?}", net.proxy.log);
    assert!(net.lines(H).is_empty());
    net.assert_hearing(&[H, B, C], &[(B, C), (C, B)]);
}

#[test]
fn c17_a_transfer_that_never_completes_falls_back_visibly_and_the_bridge_ends_with_either_side() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    three_party(&mut net);
    // B accepts the REFER but its INVITE to C never arrives.
    net.drop_next.push((B, "Replaces:".into()));
    net.command(H, Command::Leave);
    net.settle();
    assert!(
        net.view(H).notice.is_none(),
        "still waiting for the transfer"
    );
    net.run_for(std::time::Duration::from_secs(20));
    let view = net.view(H);
    assert_eq!(
        view.notice,
        Some(phone::Notice::Bridging { status: None }),
        "the host says it keeps the others connected"
    );
    assert!(view.conference.as_ref().is_some_and(|c| c.bridging));
    net.assert_hearing(&[H, B, C], &[(B, C), (C, B)]);
    // C hangs up: the bridge ends, B is not left on a dead call.
    net.command(C, Command::HangUp);
    net.settle();
    // (B's own lost INVITE to C is still waiting for its Timer B; its call to the host is
    // what must not stay up.)
    assert!(
        net.lines(B).iter().all(|l| !l.peer.contains("1001")),
        "B's call to the host ended with the bridge: {:?}",
        net.lines(B)
    );
    assert!(net.lines(H).is_empty());
}
