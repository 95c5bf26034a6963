//! Forking (RFC 3261 §13.2.2.4, §19.3): a second fork answering after the first one is ACKed
//! and then hung up with BYE; a retransmitted 2xx of the call we have is ACKed again.

mod common;

use common::{Wire, SDP};
use sip::Message;

#[test]
fn a_late_2xx_from_another_fork_is_acked_and_hung_up() {
    let mut w = Wire::new(&["alice", "bob"]);
    let (_, _) = w.call(0, 1);
    let ok = w
        .trace
        .iter()
        .find(|f| f.starts_with("SIP/2.0 200") && f.contains("INVITE"))
        .cloned()
        .expect("bob's 200");
    let Message::Response(mut fork) = Message::parse(ok.as_bytes()).unwrap() else {
        panic!()
    };
    let to = fork.headers.to().unwrap();
    let mut to = to.clone();
    to.params.set("tag", Some("fork2"));
    fork.headers.set("To", to.to_string());
    fork.headers
        .set("Contact", "<sip:carol@fork2.invalid;transport=ws>");
    fork.body = SDP.as_bytes().to_vec();
    let now = w.now;
    w.trace.clear();
    w.uas[0].receive(fork.to_string().as_bytes(), now);
    let sent: Vec<String> = std::iter::from_fn(|| w.uas[0].poll_transmit()).collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[0].starts_with("ACK sip:carol@fork2.invalid"),
        "{}",
        sent[0]
    );
    assert!(
        sent[1].starts_with("BYE sip:carol@fork2.invalid"),
        "{}",
        sent[1]
    );
    assert!(sent.iter().all(|f| f.contains("tag=fork2")));
    assert!(
        w.uas[0].poll_event().is_none(),
        "the agent's call is untouched"
    );
}

#[test]
fn a_retransmitted_2xx_is_acked_again() {
    let mut w = Wire::new(&["alice", "bob"]);
    let _ = w.call(0, 1);
    let ok = w
        .trace
        .iter()
        .find(|f| f.starts_with("SIP/2.0 200") && f.contains("INVITE"))
        .cloned()
        .unwrap();
    let now = w.now;
    w.uas[0].receive(ok.as_bytes(), now);
    let sent: Vec<String> = std::iter::from_fn(|| w.uas[0].poll_transmit()).collect();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].starts_with("ACK "));
}
