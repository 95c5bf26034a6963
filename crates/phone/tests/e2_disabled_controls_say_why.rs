//! E2: a control that a rule forbids is there but disabled, and says which rule and why.

mod common;

use common::Net;
use phone::{Command, Control};

const H: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

fn rule(c: Control) -> &'static str {
    assert!(!c.enabled, "{c:?} should be disabled");
    let reason = c.reason.expect("a disabled control says why");
    reason.rule()
}

#[test]
fn e2_every_forbidden_control_names_its_rule() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.sign_in_all();
    net.call(H, B);
    let v = net.view(H);
    assert_eq!(rule(v.controls.merge), "C4");
    assert_eq!(rule(v.controls.end_conference), "C15");
    assert_eq!(rule(v.controls.leave), "C16", "no conference to leave");
    assert_eq!(rule(v.line.unwrap().disconnect), "C14");

    net.command(H, Command::DialConference("1003".into()));
    net.settle();
    net.command(C, Command::Answer);
    net.settle();
    net.command(H, Command::DialConference("1004".into()));
    net.settle();
    net.command(D, Command::Answer);
    net.settle();
    // Four participants: the host may not leave (C17); a participant may not disconnect
    // others or end the conference (C14, C15).
    assert_eq!(rule(net.view(H).controls.leave), "C17");
    let b = net.view(B);
    assert_eq!(rule(b.controls.end_conference), "C15");
    assert_eq!(rule(b.line.unwrap().disconnect), "C14");
    assert!(b.controls.leave.enabled, "C16: a participant may leave");
}

#[test]
fn e2_signed_out_controls_say_why() {
    let net = Net::new(&["1001"]);
    let v = net.view(H);
    assert_eq!(rule(v.controls.dial), "REG");
    assert_eq!(rule(v.controls.single_step), "REG");
}
