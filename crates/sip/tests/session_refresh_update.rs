//! Session refresh with UPDATE (RFC 3311, RFC 4028) against a scripted JsSIP 3.13.8 peer,
//! which asks for `Session-Expires: 90` and refreshes with an offerless UPDATE at half of
//! it: the refresh is answered 200 with Session-Expires and keeps the call up; when we are
//! the refresher we send UPDATE if the peer's Allow lists it, else a re-INVITE, and fall back
//! to the re-INVITE when the UPDATE is refused with 405.

mod common;

use std::time::Duration;

use common::{Wire, SDP};
use sip::{CallId, EndReason, Message, Request, Response, UaEvent, UserAgent};
use web_time::Instant;

/// JsSIP's default Allow list, and one without UPDATE.
const ALLOW_UPDATE: &str = "INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY";
const ALLOW_NO_UPDATE: &str = "INVITE,ACK,CANCEL,BYE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY";

/// A JsSIP-like caller on a direct wire to our agent (the callee), with a virtual clock.
struct Peer {
    ua: UserAgent,
    now: Instant,
    call: CallId,
    /// Our agent's To tag and Contact host, once it answered.
    our_tag: String,
    our_host: String,
    cseq: u32,
    branch: u32,
}

fn parse_request(frame: &str) -> Request {
    match Message::parse(frame.as_bytes()).unwrap() {
        Message::Request(r) => r,
        Message::Response(r) => panic!("expected a request, got {r:?}"),
    }
}

fn parse_response(frame: &str) -> Response {
    match Message::parse(frame.as_bytes()).unwrap() {
        Message::Response(r) => r,
        Message::Request(r) => panic!("expected a response, got {r:?}"),
    }
}

impl Peer {
    /// The peer calls us with `Session-Expires: <session_expires>` and `allow`; we answer.
    fn connected(session_expires: &str, allow: &str) -> Self {
        let now = Instant::now();
        let mut ua = common::ua("bob", 2);
        ua.transport_up(now);
        let our_host = ua.contact_uri().host.clone();
        let mut peer = Self {
            ua,
            now,
            call: CallId(0),
            our_tag: String::new(),
            our_host,
            cseq: 5172,
            branch: 0,
        };
        let via = peer.via();
        let invite = format!(
            "INVITE sip:bob@{host};transport=ws SIP/2.0\r\n{via}Max-Forwards: 69\r\n\
             To: <sip:bob@example.test>\r\nFrom: \"Alice\" <sip:alice@example.test>;tag=js1\r\n\
             Call-ID: jscall\r\nCSeq: 5172 INVITE\r\n\
             Contact: <sip:alice@js.invalid;transport=ws;ob>\r\n\
             Session-Expires: {session_expires}\r\nAllow: {allow}\r\n\
             Supported: timer,ice,replaces,outbound\r\nContent-Type: application/sdp\r\n\r\n{SDP}",
            host = peer.our_host,
        );
        assert!(peer.send(&invite).is_empty(), "no 100 on a reliable flow");
        let call = peer
            .events()
            .into_iter()
            .find_map(|e| match e {
                UaEvent::Incoming { call, .. } => Some(call),
                _ => None,
            })
            .expect("the call is offered");
        peer.call = call;
        peer.ua.answer(call, SDP.into(), now).unwrap();
        let ok = parse_response(&peer.sent_one());
        assert_eq!(ok.status, 200);
        assert!(
            ok.headers.values("Allow").contains(&"UPDATE"),
            "{:?}",
            ok.headers.get("Allow")
        );
        peer.our_tag = ok.headers.to().unwrap().tag().unwrap().to_owned();
        let ack = peer.in_dialog("ACK", 5172, "");
        assert!(peer.send(&ack).is_empty());
        assert_eq!(peer.events(), [UaEvent::Confirmed { call }]);
        peer
    }

    fn via(&mut self) -> String {
        self.branch += 1;
        format!(
            "Via: SIP/2.0/WSS js.invalid;branch=z9hG4bKjs{}\r\n",
            self.branch
        )
    }

    /// An in-dialog request from the peer with `extra` header lines.
    fn in_dialog(&mut self, method: &str, cseq: u32, extra: &str) -> String {
        let via = self.via();
        format!(
            "{method} sip:bob@{host};transport=ws SIP/2.0\r\n{via}Max-Forwards: 69\r\n\
             To: <sip:bob@example.test>;tag={tag}\r\n\
             From: \"Alice\" <sip:alice@example.test>;tag=js1\r\nCall-ID: jscall\r\n\
             CSeq: {cseq} {method}\r\n{extra}\r\n",
            host = self.our_host,
            tag = self.our_tag,
        )
    }

    /// An UPDATE from the peer carrying the SDP offer `sdp`.
    fn offer_update(&mut self, cseq: u32, sdp: &str) -> String {
        let head = self.in_dialog(
            "UPDATE",
            cseq,
            &format!(
                "Contact: <sip:alice@js.invalid;transport=ws;ob>\r\n\
                 Content-Type: application/sdp\r\nContent-Length: {}\r\n",
                sdp.len()
            ),
        );
        head + sdp
    }

    /// JsSIP's session refresh: an offerless UPDATE asking to stay the refresher.
    fn refresh_update(&mut self) -> Response {
        self.cseq += 1;
        let update = self.in_dialog(
            "UPDATE",
            self.cseq,
            "Contact: <sip:alice@js.invalid;transport=ws;ob>\r\n\
             Session-Expires: 90;refresher=uac\r\nSupported: timer,ice,replaces,outbound\r\n",
        );
        let sent = self.send(&update);
        assert_eq!(sent.len(), 1, "{sent:?}");
        parse_response(&sent[0])
    }

    /// Delivers `frame` to our agent; returns what it sent.
    fn send(&mut self, frame: &str) -> Vec<String> {
        self.ua.receive(frame.as_bytes(), self.now);
        self.sent()
    }

    fn sent(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.ua.poll_transmit()).collect()
    }

    fn sent_one(&mut self) -> String {
        let sent = self.sent();
        assert_eq!(sent.len(), 1, "{sent:?}");
        sent.into_iter().next().unwrap()
    }

    fn events(&mut self) -> Vec<UaEvent> {
        std::iter::from_fn(|| self.ua.poll_event()).collect()
    }

    /// Fires our agent's timers up to `secs` after the start; returns what it sent.
    fn run_to(&mut self, start: Instant, secs: u64) -> Vec<String> {
        let until = start + Duration::from_secs(secs);
        let mut sent = Vec::new();
        while let Some(t) = self.ua.poll_timeout().filter(|t| *t <= until) {
            self.now = self.now.max(t);
            self.ua.handle_timeout(self.now);
            sent.extend(self.sent());
        }
        self.now = until;
        sent
    }

    /// A response from the peer to our request `req`.
    fn reply(&self, req: &Request, status: u16, extra: &[(&str, &str)], body: &str) -> String {
        let mut resp = Response::new(status, Response::default_reason(status));
        for v in req.headers.get_all("Via") {
            resp.headers.push("Via", v.to_owned());
        }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            resp.headers
                .push(name, req.headers.get(name).unwrap().to_owned());
        }
        for (k, v) in extra {
            resp.headers.push(k, *v);
        }
        resp.body = body.as_bytes().to_vec();
        resp.to_string()
    }
}

#[test]
fn the_peers_offerless_update_refreshes_the_session() {
    let mut peer = Peer::connected("90", ALLOW_UPDATE);
    let t0 = peer.now;
    assert!(peer.run_to(t0, 45).is_empty());
    let ok = peer.refresh_update();
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.headers.get("Session-Expires"), Some("90;refresher=uac"));
    assert_eq!(ok.headers.values("Require"), ["timer"]);
    assert!(ok.headers.get("Contact").is_some(), "a target refresh");
    assert!(ok.body.is_empty());
    // Without the refresh the session would have ended 60 s after the answer.
    assert!(peer.run_to(t0, 90).is_empty());
    assert_eq!(peer.refresh_update().status, 200);
    assert!(peer.run_to(t0, 149).is_empty());
    assert!(peer.events().is_empty(), "the call is up");
    // The peer stops refreshing: 60 s after its last refresh the session is over.
    let sent = peer.run_to(t0, 151);
    assert!(sent.iter().any(|f| f.starts_with("BYE ")), "{sent:?}");
    assert_eq!(
        peer.events(),
        [UaEvent::Ended {
            call: peer.call,
            reason: EndReason::Timeout
        }]
    );
}

#[test]
fn we_refresh_with_update_when_the_peer_allows_it() {
    let mut peer = Peer::connected("90;refresher=uas", ALLOW_UPDATE);
    let t0 = peer.now;
    assert!(peer.run_to(t0, 44).is_empty());
    let sent = peer.run_to(t0, 45);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let update = parse_request(&sent[0]);
    assert_eq!(update.method.as_str(), "UPDATE");
    assert_eq!(
        update.headers.get("Session-Expires"),
        Some("90;refresher=uac")
    );
    assert!(update.body.is_empty(), "a refresh carries no offer");
    assert!(update.headers.get("Contact").is_some());
    let ok = peer.reply(&update, 200, &[("Session-Expires", "90;refresher=uac")], "");
    assert!(peer.send(&ok).is_empty());
    // The next refresh is again an UPDATE, half an interval later.
    let sent = peer.run_to(t0, 90);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("UPDATE "), "{}", sent[0]);
    assert!(peer.events().is_empty());
}

#[test]
fn we_refresh_with_reinvite_when_the_peer_does_not_allow_update() {
    let mut peer = Peer::connected("90;refresher=uas", ALLOW_NO_UPDATE);
    let t0 = peer.now;
    let sent = peer.run_to(t0, 45);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let reinvite = parse_request(&sent[0]);
    assert_eq!(reinvite.method.as_str(), "INVITE");
    assert_eq!(
        String::from_utf8_lossy(&reinvite.body),
        SDP,
        "the same session"
    );
    let ok = peer.reply(
        &reinvite,
        200,
        &[
            ("Session-Expires", "90;refresher=uac"),
            ("Contact", "<sip:alice@js.invalid;transport=ws;ob>"),
            ("Content-Type", "application/sdp"),
        ],
        SDP,
    );
    let sent = peer.send(&ok);
    assert!(sent[0].starts_with("ACK "), "{sent:?}");
}

#[test]
fn a_405_to_our_update_falls_back_to_reinvite() {
    let mut peer = Peer::connected("90;refresher=uas", ALLOW_UPDATE);
    let t0 = peer.now;
    let sent = peer.run_to(t0, 45);
    let update = parse_request(&sent[0]);
    assert_eq!(update.method.as_str(), "UPDATE");
    let refused = peer.reply(&update, 405, &[("Allow", ALLOW_NO_UPDATE)], "");
    let sent = peer.send(&refused);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let reinvite = parse_request(&sent[0]);
    assert_eq!(
        reinvite.method.as_str(),
        "INVITE",
        "the same refresh, at once"
    );
    let ok = peer.reply(
        &reinvite,
        200,
        &[
            ("Session-Expires", "90;refresher=uac"),
            ("Contact", "<sip:alice@js.invalid;transport=ws;ob>"),
            ("Content-Type", "application/sdp"),
        ],
        SDP,
    );
    assert!(peer.send(&ok)[0].starts_with("ACK "));
    // The peer's answer is remembered: the next refresh is a re-INVITE straight away.
    let sent = peer.run_to(t0, 90);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("INVITE "), "{}", sent[0]);
    assert!(!peer
        .events()
        .iter()
        .any(|e| matches!(e, UaEvent::Ended { .. })));
}

#[test]
fn an_update_with_an_offer_is_answered_like_a_reinvite() {
    let mut peer = Peer::connected("90", ALLOW_UPDATE);
    let t0 = peer.now;
    let update = peer.offer_update(5173, common::HOLD);
    assert!(peer.send(&update).is_empty(), "the engine answers");
    let call = peer.call;
    assert_eq!(
        peer.events(),
        [UaEvent::Reoffer {
            call,
            offer: common::HOLD.into()
        }]
    );
    let now = peer.now;
    peer.ua.answer_reoffer(call, SDP.into(), now).unwrap();
    let ok = parse_response(&peer.sent_one());
    assert_eq!(ok.status, 200);
    assert_eq!(ok.headers.cseq().unwrap().method.as_str(), "UPDATE");
    assert_eq!(String::from_utf8_lossy(&ok.body), SDP);
    // A 200 to UPDATE is not retransmitted waiting for an ACK.
    assert!(peer.run_to(t0, 30).is_empty());

    // A second offer the engine cannot take is refused, and the session stays.
    let update = peer.offer_update(5174, SDP);
    assert!(peer.send(&update).is_empty());
    assert!(matches!(peer.events()[..], [UaEvent::Reoffer { .. }]));
    peer.ua.reject_reoffer(call, 488).unwrap();
    assert!(peer.sent_one().starts_with("SIP/2.0 488"));
}

#[test]
fn two_agents_keep_a_long_call_up_with_update_refreshes() {
    let mut wire = Wire::new(&["alice", "bob"]);
    wire.call(0, 1);
    wire.run_for(Duration::from_secs(2 * 3600));
    let count = |m: &str| wire.trace.iter().filter(|f| f.starts_with(m)).count();
    // 1800 s sessions refreshed every 900 s by the caller.
    assert!((7..=8).contains(&count("UPDATE ")), "{}", count("UPDATE "));
    assert_eq!(count("INVITE "), 1, "no re-INVITE");
    for i in 0..2 {
        let ended = wire
            .take_events(i)
            .into_iter()
            .any(|e| matches!(e, UaEvent::Ended { .. }));
        assert!(!ended, "agent {i} kept its call");
    }
}

#[test]
fn an_update_without_session_expires_turns_the_timer_off() {
    let mut peer = Peer::connected("90", ALLOW_UPDATE);
    let t0 = peer.now;
    peer.run_to(t0, 30);
    let update = peer.in_dialog(
        "UPDATE",
        5173,
        "Contact: <sip:alice@js.invalid;transport=ws;ob>\r\n",
    );
    let ok = parse_response(&peer.send(&update)[0]);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.headers.get("Session-Expires"), None);
    // RFC 4028 §9: no Session-Expires, no session timer: nobody ends the call for it.
    assert!(peer.run_to(t0, 3600).is_empty());
    assert!(peer.events().is_empty());
}

#[test]
fn a_481_to_our_update_ends_the_call() {
    let mut peer = Peer::connected("90;refresher=uas", ALLOW_UPDATE);
    let t0 = peer.now;
    let update = parse_request(&peer.run_to(t0, 45)[0]);
    let gone = peer.reply(&update, 481, &[], "");
    let sent = peer.send(&gone);
    assert!(sent[0].starts_with("BYE "), "RFC 4028 §10: {sent:?}");
    assert!(matches!(
        peer.events()[..],
        [UaEvent::Ended {
            reason: EndReason::Rejected { status: 481, .. },
            ..
        }]
    ));
}

#[test]
fn a_reinvite_keeps_the_agreed_interval_and_refresher() {
    // JsSIP took the Session-Expires of every re-INVITE as the new interval: a hold that asked
    // for our 1800 s default again left it refreshing every 15 minutes instead of 45 s.
    for (asked, ours) in [
        ("90", "90;refresher=uas"),
        ("90;refresher=uas", "90;refresher=uac"),
    ] {
        let mut peer = Peer::connected(asked, ALLOW_UPDATE);
        let (call, now) = (peer.call, peer.now);
        peer.ua.reinvite(call, common::HOLD.into(), now).unwrap();
        let reinvite = parse_request(&peer.sent_one());
        assert_eq!(reinvite.method.as_str(), "INVITE");
        assert_eq!(
            reinvite.headers.get("Session-Expires"),
            Some(ours),
            "asked {asked}"
        );
        assert_eq!(reinvite.headers.get("Min-SE"), Some("90"));
    }
}
