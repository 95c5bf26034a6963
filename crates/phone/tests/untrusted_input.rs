//! A peer (or anyone on the path) sends garbage, an oversized message, a request with a
//! broken number, or an INVITE that would replace a call it is not in: each gets the RFC's
//! answer, and the agent's calls, what it sees and who hears whom stay exactly as they were.

mod common;

use common::Net;
use phone::{Command, Input, LineView, Output};

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;

/// What the agent sees of a line, without what moves on its own (quality readings).
fn shown(lines: Vec<LineView>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| {
            format!(
                "{:?} {} {:?} held={} remote_held={} hold={:?} retrieve={:?}",
                l.id, l.peer, l.state, l.held, l.remote_held, l.hold, l.retrieve
            )
        })
        .collect()
}

/// Hands `frame` to A and returns what A sends back; A must not touch its media.
fn answer_of_a(net: &mut Net, frame: &[u8]) -> Vec<String> {
    let now = net.now;
    let phone = &mut net.agents[A].phone;
    phone.handle(Input::Frame(frame.to_vec()), now);
    let mut sent = Vec::new();
    while let Some(out) = phone.poll_output() {
        match out {
            Output::Transmit(text) => sent.push(text),
            Output::ViewChanged => {}
            other => panic!("A acted on it: {other:?}"),
        }
    }
    sent
}

/// The first line of the one response A sent.
fn status_line(sent: &[String]) -> &str {
    assert_eq!(sent.len(), 1, "{sent:?}");
    sent[0].lines().next().unwrap_or_default()
}

/// A header's value in `frame`.
fn header<'f>(frame: &'f str, name: &str) -> &'f str {
    frame
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map_or("", str::trim)
}

fn tag(value: &str) -> &str {
    value
        .split(";tag=")
        .nth(1)
        .map_or("", |t| t.split(';').next().unwrap_or(""))
}

#[test]
fn garbage_oversized_broken_numbers_and_a_strangers_replaces_change_no_call() {
    let mut net = Net::new(&["1001", "1002", "1003", "1004"]);
    net.sign_in_all();
    net.call(A, B);
    let ab = net.line_to(A, "1002").id;
    net.command(A, Command::Hold(ab));
    net.settle();
    net.call(A, C);
    let before = (
        shown(net.view(A).lines),
        shown(net.view(B).lines),
        shown(net.view(C).lines),
    );
    let unchanged = |net: &Net, after: &str| {
        assert_eq!(
            (
                shown(net.view(A).lines),
                shown(net.view(B).lines),
                shown(net.view(C).lines)
            ),
            before,
            "after {after}"
        );
        assert_eq!(net.view(A).notice, None, "after {after}");
        net.assert_hearing(&[A, B, C], &[(A, C), (C, A)]);
    };

    // Not SIP at all: nothing to answer, nothing changes.
    assert!(answer_of_a(&mut net, b"\x00\xffHELLO THERE\r\n\r\n").is_empty());
    unchanged(&net, "garbage");

    // A's dialog with C, as the 200 OK that set it up named it.
    let ok = net
        .delivered
        .iter()
        .rev()
        .find(|(to, f)| {
            *to == A && f.starts_with("SIP/2.0 200") && f.contains("INVITE") && f.contains("1003")
        })
        .map(|(_, f)| f.clone())
        .expect("C's 200 OK to A's INVITE");
    let call_id = header(&ok, "Call-ID").to_owned();
    let (ours, theirs) = (
        tag(header(&ok, "From")).to_owned(),
        tag(header(&ok, "To")).to_owned(),
    );
    let request = |method: &str, from: &str, extra: &str, body: &str| {
        format!(
            "{method} sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKevil{}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{from}@127.0.0.1>;tag=evil\r\nTo: <sip:1001@127.0.0.1>\r\n\
             Call-ID: evil-{}@x\r\nCSeq: 1 {method}\r\nContact: <sip:{from}@x.invalid;transport=ws>\r\n\
             {extra}Content-Length: {}\r\n\r\n{body}",
            body.len(),
            body.len(),
            body.len()
        )
    };

    // Bigger than any message is allowed to be: 513.
    let big = request(
        "INVITE",
        "1004",
        "Content-Type: application/sdp\r\n",
        &"a".repeat(70_000),
    );
    assert!(status_line(&answer_of_a(&mut net, big.as_bytes())).starts_with("SIP/2.0 513"));
    unchanged(&net, "an oversized INVITE");

    // A number outside its grammar's bounds: 400.
    let broken =
        request("OPTIONS", "1004", "", "").replace("Max-Forwards: 70", "Max-Forwards: 99999999999");
    assert!(status_line(&answer_of_a(&mut net, broken.as_bytes())).starts_with("SIP/2.0 400"));
    unchanged(&net, "a broken Max-Forwards");

    // 1004 knows the identifiers of A's call with C and asks to take its place (RFC 3891
    // §6.1: only a party of that dialog may): 403.
    let replaces = format!("Replaces: {call_id};to-tag={ours};from-tag={theirs}\r\n");
    let intruder = request(
        "INVITE",
        "1004",
        &format!("{replaces}Content-Type: application/sdp\r\n"),
        "v=0\r\n",
    );
    assert!(status_line(&answer_of_a(&mut net, intruder.as_bytes())).starts_with("SIP/2.0 403"));
    unchanged(&net, "a stranger's Replaces");
}
