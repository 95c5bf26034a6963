//! What the call card needs beyond the spec's rules: End call in a conference (the host is
//! asked, a participant leaves), DTMF in the media where the far end takes it, DTMF received
//! shown on the call, transfer offered on a plain connected call, and what to redial.

mod common;

use common::{Net, B, C, D, H};
use phone::{Command, MediaAction};

#[test]
fn end_call_in_a_conference_asks_the_host_and_lets_a_participant_leave() {
    let mut net = Net::four();
    net.merge_three(H, B, C);
    net.command(H, Command::HangUp);
    net.settle();
    let q = net.view(H).hang_up_question.expect("the host is asked");
    assert!(q.leave.enabled, "three participants: Leave is possible");
    assert_eq!(net.lines(H).len(), 2, "nothing ended yet");
    net.command(H, Command::CancelHangUp);
    assert!(net.view(H).hang_up_question.is_none());
    net.assert_hearing(&[H, B, C], &Net::all_pairs(3));

    // A participant's End call leaves the conference; the others go on.
    net.command(C, Command::HangUp);
    net.settle();
    assert!(net.lines(C).is_empty());
    net.assert_hearing(&[H, B], &[(H, B), (B, H)]);
}

#[test]
fn the_hosts_end_call_question_ends_the_conference_for_everyone() {
    let mut net = Net::four();
    net.single_step_conference(H, &[B, C, D]);
    net.command(H, Command::HangUp);
    let q = net.view(H).hang_up_question.expect("the host is asked");
    assert!(
        !q.leave.enabled,
        "four participants: only End conference (C17)"
    );
    net.command(H, Command::EndConference);
    net.settle();
    for p in [H, B, C, D] {
        assert!(net.lines(p).is_empty(), "{}", net.agents[p].user);
    }
}

#[test]
fn dtmf_goes_in_the_media_when_the_far_end_takes_telephone_events() {
    let mut net = Net::new(&["1001", "1002"]);
    net.agents[B].telephone_event = true;
    net.sign_in_all();
    net.call(H, B);
    let infos = net.proxy.count("INFO");
    net.command(H, Command::Dtmf('5'));
    net.settle();
    let line = net.line_to(H, "1002").id;
    assert!(net.agents[H]
        .media
        .contains(&MediaAction::SendDtmf { line, digit: '5' }));
    assert_eq!(
        net.proxy.count("INFO"),
        infos,
        "no SIP INFO when RFC 4733 works"
    );
}

#[test]
fn dtmf_falls_back_to_info_and_the_far_end_shows_the_digits() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    for d in ['1', '2', '#'] {
        net.command(H, Command::Dtmf(d));
    }
    net.settle();
    assert_eq!(net.line_to(B, "1001").dtmf_received, "12#");
}

#[test]
fn a_plain_call_offers_transfer_and_its_number_to_redial() {
    let mut net = Net::new(&["1001", "1002"]);
    net.sign_in_all();
    net.call(H, B);
    let line = net.line_to(H, "1002");
    assert!(line.transfer.enabled);
    assert_eq!(line.number, "1002");
    assert_eq!(net.line_to(B, "1001").number, "1001");
}

#[test]
fn with_two_calls_waiting_the_agent_answers_the_one_it_picks() {
    let mut net = Net::four();
    net.sign_in_all();
    net.command(B, Command::Dial("1001".into()));
    net.command(C, Command::Dial("1001".into()));
    net.settle();
    let waiting = net.lines(H);
    assert_eq!(waiting.len(), 2);
    assert!(waiting.iter().all(|l| l.can_answer));
    let from_c = net.line_to(H, "1003").id;
    net.command(H, Command::AnswerLine(from_c));
    net.settle();
    net.assert_hearing(&[H, B, C], &[(H, C), (C, H)]);
    assert!(net.line_to(H, "1002").can_answer, "B still waits");
}
