//! E4: mute and DTMF work wherever a desk phone allows them.

mod common;

use common::Net;
use phone::{Command, LineState};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

#[test]
fn e4_mute_silences_the_agent_in_a_call_and_in_a_conference() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::Mute(true));
    net.settle();
    assert!(net.view(A).muted);
    net.assert_hearing(&[A, B], &[(A, B)]);
    net.command(A, Command::DialConference("1003".into()));
    net.settle();
    net.command(C, Command::Answer);
    net.settle();
    // Muted host: the others still hear each other and the host hears both.
    net.assert_hearing(&[A, B, C], &[(A, B), (A, C), (B, C), (C, B)]);
    net.command(A, Command::Mute(false));
    net.settle();
    net.assert_hearing(
        &[A, B, C],
        &[(A, B), (B, A), (A, C), (C, A), (B, C), (C, B)],
    );
}

#[test]
fn e4_dtmf_reaches_the_other_party_and_bad_digits_are_refused() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(A, Command::Dtmf('7'));
    net.settle();
    assert!(net.proxy.log.iter().any(|l| l.starts_with("INFO")));
    net.command(A, Command::Dtmf('z'));
    assert!(matches!(
        net.view(A).notice,
        Some(phone::Notice::NotDtmf { .. })
    ));
    assert_eq!(net.state(B), Some(LineState::Connected));
}

#[test]
fn e4_a_second_call_beeps_over_the_first_and_answering_it_holds_the_first() {
    let mut net = Net::new(&["1001", "1002", "1003"]);
    net.sign_in_all();
    net.call(A, B);
    net.command(2, Command::Dial("1001".into()));
    net.settle();
    assert_eq!(net.agents[A].mix.tone(0), Some(phone::Tone::CallWaiting));
    net.assert_hearing(&[A, B], &[(A, B), (B, A)]);
    net.command(A, Command::Answer);
    net.settle();
    assert!(net.line_to(A, "1002").held);
    assert_eq!(net.agents[A].mix.tone(0), None);
    net.assert_hearing(&[A, B, 2], &[(A, 2), (2, A)]);
}
