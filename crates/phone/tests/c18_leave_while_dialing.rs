//! C18: with a single-step conference every conference control works as soon as dialing
//! begins. The host may leave while the third party still rings: our attempt is cancelled
//! and the party on the call is asked (REFER, blind) to call the same number, so the target
//! rings once and the two others end up talking without the host.

mod common;

use common::Net;
use phone::{Command, LineState};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn c18_controls_are_available_as_soon_as_dialing_begins() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    let v = net.view(H);
    assert!(v.controls.leave.enabled && v.controls.end_conference.enabled);
    assert!(v.lines.iter().all(|l| l.disconnect.enabled));
}

#[test]
fn c18_host_leaves_while_the_third_party_rings() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    assert_eq!(net.state(C), Some(LineState::Incoming));
    net.command(H, Command::Leave);
    net.settle();
    // Until B reports the outcome, the host is out of the mix but still holds B's leg.
    assert_eq!(net.lines(H).len(), 1);
    assert!(net.view(H).conference.unwrap().bridging);
    net.assert_hearing(&[H, B, C], &[]);
    // C rings once more, now from B.
    let ringing = net.lines(C);
    assert_eq!(ringing.len(), 1, "{ringing:?}");
    assert!(ringing[0].peer.contains("1002"));
    net.command(C, Command::Answer);
    net.settle();
    assert!(net.lines(H).is_empty(), "the host is out");
    assert_eq!(net.line_to(B, "1003").state, LineState::Connected);
    net.assert_hearing(&[H, B, C], &[(B, C), (C, B)]);
}

#[test]
fn c18_host_disconnects_a_leg_that_is_still_ringing() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(H, B);
    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    let c = net.line_to(H, "1003").id;
    net.command(H, Command::Disconnect(c));
    net.settle();
    assert!(net.lines(C).is_empty(), "the attempt was cancelled");
    assert!(net.view(H).conference.is_none());
    net.assert_hearing(&[H, B, C], &[(H, B), (B, H)]);
}
