//! The user agent driven by a fuzz-chosen sequence of commands, timer advances and received
//! frames (raw bytes, or realistic answers and in-dialog requests built from what the user
//! agent sent, with fuzz-chosen mutations). After every step: no panic, every frame the user
//! agent transmits parses (apart from RFC 5626 CRLF keep-alives), and after `handle_timeout`
//! no timer stays overdue.
//!
//! Set `UA_FUZZ_TRACE=1` to print the decoded steps, frames and events of a run.
#![no_main]

use std::collections::VecDeque;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sip::{CallId, Message, Method, NameAddr, Request, Response, UaConfig, UaEvent, UserAgent};

/// At most this many steps per input.
const MAX_STEPS: usize = 96;
/// Requests of the user agent kept to answer (0 = the last one).
const RECENT: usize = 4;

const PEER_CONTACT: &str = "<sip:peer@198.51.100.7;transport=ws>";
const TARGET: &str = "sip:2002@example.com";
const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
const HOLD: &str = "v=0\r\no=- 1 2 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=sendonly\r\n";
const PEER_SDP: &str = "v=0\r\no=peer 7 7 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 50000 RTP/AVP 0\r\na=sendrecv\r\n";

#[derive(Arbitrary, Debug, Clone, Copy)]
enum C {
    C1,
    C2,
    C3,
    C4,
}

impl C {
    fn id(self) -> CallId {
        CallId(self as u64 + 1)
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Status {
    S100,
    S180,
    S183,
    S200,
    S202,
    S401,
    S407,
    S408,
    S422,
    S481,
    S486,
    S487,
    S491,
    S503,
}

impl Status {
    fn code(self) -> u16 {
        [
            100, 180, 183, 200, 202, 401, 407, 408, 422, 481, 486, 487, 491, 503,
        ][self as usize]
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum PeerReq {
    Bye,
    Reinvite,
    ReinviteNoSdp,
    NotifyRefer(Status),
    NotifyConference { terminated: bool },
    Refer { replaces: bool },
    Info(u8),
    Ack,
    Cancel,
    Subscribe { unsubscribe: bool },
    Options,
    Prack,
    Message,
}

/// Edits applied to a built frame, one bit each.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Mutation {
    flags: u16,
    num: u8,
}

impl Mutation {
    fn has(self, bit: u16) -> bool {
        self.flags & (1 << bit) != 0
    }
}

const M_NO_VIA: u16 = 0;
const M_ALT_TAG: u16 = 1;
const M_CSEQ: u16 = 2;
const M_100REL: u16 = 3;
const M_TIMER: u16 = 4;
const M_FOCUS: u16 = 5;
const M_NO_CONTACT: u16 = 6;
const M_RECORD_ROUTE: u16 = 7;
const M_CALL_ID: u16 = 8;
const M_NO_BODY: u16 = 9;
const M_REQUIRE_FOO: u16 = 10;
const M_NO_FROM_TAG: u16 = 11;
const M_CONTENT_TYPE: u16 = 12;
const M_SMALL_TIMER: u16 = 13;
const M_TRUNCATE: u16 = 14;
const M_EXPIRES_0: u16 = 15;

#[derive(Arbitrary, Debug, Clone)]
enum Frame {
    Raw(Vec<u8>),
    /// An answer to one of the recent requests of the user agent (`to` counts back).
    Response {
        status: Status,
        to: u8,
        m: Mutation,
    },
    /// A request from the peer in the dialog of the last INVITE seen.
    InDialog { kind: PeerReq, m: Mutation },
    /// A new incoming call (with Replaces of the current dialog when `replaces`).
    Invite { replaces: bool, m: Mutation },
    /// The last frame we fed again.
    Again,
}

#[derive(Arbitrary, Debug, Clone)]
enum Op {
    TransportUp,
    TransportDown,
    Register,
    Unregister,
    SetFocus(bool),
    Invite,
    Ringing(C),
    Answer(C),
    Reject(C, Status),
    Hangup(C),
    Reinvite(C, bool),
    AnswerReoffer(C),
    RejectReoffer(C, Status),
    SendDtmf(C, u8),
    Refer(C, Option<C>),
    ReferOutcome(C, Status),
    SubscribeConference(C),
    NotifyConference(C, bool),
    Receive(Frame),
    AdvanceMs(u16),
    AdvanceSecs(u8),
    /// Advance exactly to the next armed timer.
    AdvanceToTimer,
}

/// The dialog of the last INVITE seen, from the peer's side.
#[derive(Debug, Clone)]
struct Dlg {
    call_id: String,
    /// The peer's name-addr, with its tag.
    peer: String,
    /// The user agent's name-addr; its tag once known.
    ua: String,
    /// The peer placed the call: the branch and CSeq of its INVITE.
    peer_invite: Option<(String, u32)>,
    /// CSeq of the last INVITE or re-INVITE the peer sent, for ACK.
    ack_seq: u32,
}

struct Harness {
    ua: UserAgent,
    now: Instant,
    recent: VecDeque<Request>,
    dlg: Option<Dlg>,
    peer_seq: u32,
    counter: u32,
    last_fed: Option<Vec<u8>>,
    trace: bool,
}

fn tag_of(name_addr: &str) -> Option<String> {
    name_addr
        .parse::<NameAddr>()
        .ok()
        .and_then(|n| n.tag().map(str::to_owned))
}

fn without_tag(name_addr: &str) -> String {
    match name_addr.parse::<NameAddr>() {
        Ok(mut n) => {
            n.params.remove("tag");
            n.to_string()
        }
        Err(_) => name_addr.to_owned(),
    }
}

impl Harness {
    fn new(trace: bool) -> Self {
        let cfg = UaConfig {
            aor: "sip:1001@example.com".parse().expect("aor"),
            display_name: Some("Ana".into()),
            auth_user: "1001".into(),
            password: "secret".into(),
            register_expires: 600,
            instance_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
            user_agent: "fuzz".into(),
            seed: 7,
        };
        Self {
            ua: UserAgent::new(cfg),
            now: Instant::now(),
            recent: VecDeque::new(),
            dlg: None,
            peer_seq: 100,
            counter: 0,
            last_fed: None,
            trace,
        }
    }

    fn next(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    /// Drains transmit and events; checks every frame parses and learns from it.
    fn drain(&mut self) {
        while let Some(frame) = self.ua.poll_transmit() {
            if self.trace {
                eprintln!(">>> sent\n{frame}");
            }
            // RFC 5626 §4.4.1: a CRLF CRLF keep-alive ping is not a SIP message.
            if frame == "\r\n\r\n" {
                continue;
            }
            let msg = Message::parse(frame.as_bytes()).unwrap_or_else(|e| {
                panic!("the user agent sent a frame that does not parse ({e}):\n{frame}")
            });
            match msg {
                Message::Request(req) => self.learn_request(req),
                Message::Response(resp) => self.learn_response(&resp),
            }
        }
        while let Some(ev) = self.ua.poll_event() {
            if self.trace {
                eprintln!("--- event {ev:?}");
            }
            let _ = &ev as &UaEvent;
        }
    }

    fn learn_request(&mut self, req: Request) {
        if req.method == Method::Ack {
            return;
        }
        if req.method == Method::Invite {
            let to = req.headers.get("To").unwrap_or_default().to_owned();
            if tag_of(&to).is_none() {
                // A new call of ours: the peer will answer with tag `p1`.
                self.dlg = Some(Dlg {
                    call_id: req.headers.get("Call-ID").unwrap_or_default().to_owned(),
                    peer: format!("{to};tag=p1"),
                    ua: req.headers.get("From").unwrap_or_default().to_owned(),
                    peer_invite: None,
                    ack_seq: 0,
                });
            }
        }
        self.recent.push_front(req);
        self.recent.truncate(RECENT);
    }

    fn learn_response(&mut self, resp: &Response) {
        let Some(d) = self.dlg.as_mut() else { return };
        let is_invite = resp
            .headers
            .cseq()
            .is_ok_and(|c| c.method == Method::Invite);
        if is_invite
            && d.peer_invite.is_some()
            && resp.headers.get("Call-ID") == Some(d.call_id.as_str())
            && tag_of(&d.ua).is_none()
        {
            if let Some(to) = resp.headers.get("To").filter(|t| tag_of(t).is_some()) {
                d.ua = to.to_owned();
            }
        }
    }

    fn feed(&mut self, bytes: Vec<u8>) {
        if self.trace {
            eprintln!("<<< fed\n{}", String::from_utf8_lossy(&bytes));
        }
        self.ua.receive(&bytes, self.now);
        self.last_fed = Some(bytes);
    }

    fn print_mutated(&mut self, mut msg: Message, m: Mutation) -> Vec<u8> {
        let h = msg.headers_mut();
        if m.has(M_NO_VIA) {
            h.remove("Via");
        }
        if m.has(M_100REL) {
            h.push("Require", "100rel");
            h.push("RSeq", u32::from(m.num).to_string());
        }
        if m.has(M_TIMER) {
            let who = if m.num % 2 == 0 { "uac" } else { "uas" };
            h.push(
                "Session-Expires",
                format!("{};refresher={who}", 90 + u32::from(m.num)),
            );
        }
        if m.has(M_SMALL_TIMER) {
            h.set("Session-Expires", format!("{}", m.num % 100));
            h.push("Min-SE", "3600");
        }
        if m.has(M_NO_CONTACT) {
            h.remove("Contact");
        }
        if m.has(M_RECORD_ROUTE) {
            h.push("Record-Route", "<sip:proxy.example.com;transport=ws;lr>");
        }
        if m.has(M_CALL_ID) {
            h.set("Call-ID", format!("other{}@peer", m.num));
        }
        if m.has(M_REQUIRE_FOO) {
            h.push("Require", "foo");
        }
        if m.has(M_NO_FROM_TAG) {
            if let Some(from) = h.get("From").map(without_tag) {
                h.set("From", from);
            }
        }
        if m.has(M_CONTENT_TYPE) {
            h.set("Content-Type", "text/plain");
        }
        if m.has(M_EXPIRES_0) {
            h.set("Expires", "0");
        }
        let mut bytes = match &mut msg {
            Message::Request(r) => {
                if m.has(M_NO_BODY) {
                    r.body.clear();
                }
                r.to_bytes()
            }
            Message::Response(r) => {
                if m.has(M_NO_BODY) {
                    r.body.clear();
                }
                r.to_bytes()
            }
        };
        if m.has(M_TRUNCATE) {
            bytes.truncate(usize::from(m.num) * 4);
        }
        bytes
    }

    fn response(&mut self, status: Status, to: u8, m: Mutation) -> Option<Vec<u8>> {
        let req = self.recent.get(usize::from(to) % RECENT)?.clone();
        let code = status.code();
        let mut resp = Response::new(code, Response::default_reason(code));
        for v in req.headers.get_all("Via") {
            resp.headers.push("Via", v.to_owned());
        }
        if let Some(from) = req.headers.get("From") {
            resp.headers.push("From", from.to_owned());
        }
        let to_value = req.headers.get("To").unwrap_or_default().to_owned();
        let tag = if m.has(M_ALT_TAG) { "p2" } else { "p1" };
        let to_value = if tag_of(&to_value).is_none() && code > 100 {
            let with_tag = format!("{to_value};tag={tag}");
            if req.method == Method::Invite {
                if let Some(d) = self.dlg.as_mut().filter(|d| {
                    d.peer_invite.is_none() && req.headers.get("Call-ID") == Some(d.call_id.as_str())
                }) {
                    d.peer = with_tag.clone();
                }
            }
            with_tag
        } else {
            to_value
        };
        resp.headers.push("To", to_value);
        if let Some(v) = req.headers.get("Call-ID") {
            resp.headers.push("Call-ID", v.to_owned());
        }
        let cseq = req.headers.get("CSeq").unwrap_or_default().to_owned();
        if m.has(M_CSEQ) {
            resp.headers.push("CSeq", format!("{} OPTIONS", m.num));
        } else {
            resp.headers.push("CSeq", cseq);
        }
        let contact = if m.has(M_FOCUS) {
            format!("{PEER_CONTACT};isfocus")
        } else {
            PEER_CONTACT.to_owned()
        };
        match (&req.method, code) {
            (Method::Invite, 101..=299) => {
                resp.headers.push("Contact", contact);
                if code == 183 || code >= 200 {
                    resp.headers.push("Content-Type", "application/sdp");
                    resp.body = PEER_SDP.as_bytes().to_vec();
                }
            }
            (Method::Register, 200..=299) => {
                for c in req.headers.get_all("Contact") {
                    resp.headers
                        .push("Contact", format!("{c};expires={}", 30 + u32::from(m.num)));
                }
            }
            (Method::Subscribe, 200..=299) => resp.headers.push("Expires", "600"),
            (_, 401) | (_, 407) => {
                let alg = ["MD5", "SHA-256", "MD5-sess"][usize::from(m.num % 3)];
                let name = if code == 401 {
                    "WWW-Authenticate"
                } else {
                    "Proxy-Authenticate"
                };
                resp.headers.push(
                    name,
                    format!(
                        "Digest realm=\"example.com\", nonce=\"n{}\", qop=\"auth\", algorithm={alg}",
                        m.num
                    ),
                );
            }
            (_, 422) => resp.headers.push("Min-SE", (90 + u32::from(m.num)).to_string()),
            _ => {}
        }
        Some(self.print_mutated(Message::Response(resp), m))
    }

    fn in_dialog(&mut self, kind: PeerReq, m: Mutation) -> Option<Vec<u8>> {
        let d = self.dlg.clone()?;
        let (method, seq) = match kind {
            PeerReq::Bye => (Method::Bye, None),
            PeerReq::Reinvite | PeerReq::ReinviteNoSdp => (Method::Invite, None),
            PeerReq::NotifyRefer(_) | PeerReq::NotifyConference { .. } => (Method::Notify, None),
            PeerReq::Refer { .. } => (Method::Refer, None),
            PeerReq::Info(_) => (Method::Info, None),
            PeerReq::Ack => (Method::Ack, Some(d.ack_seq)),
            PeerReq::Cancel => (Method::Cancel, d.peer_invite.as_ref().map(|p| p.1)),
            PeerReq::Subscribe { .. } => (Method::Subscribe, None),
            PeerReq::Options => (Method::Options, None),
            PeerReq::Prack => (Method::Prack, None),
            PeerReq::Message => (Method::Message, None),
        };
        let seq = seq.unwrap_or_else(|| {
            self.peer_seq += 1;
            self.peer_seq
        });
        let seq = if m.has(M_CSEQ) {
            seq.wrapping_sub(u32::from(m.num))
        } else {
            seq
        };
        let branch = match (kind, &d.peer_invite) {
            (PeerReq::Cancel, Some((b, _))) => b.clone(),
            _ => format!("z9hG4bKpeer{}", self.next()),
        };
        let mut req = Request::new(method.clone(), self.ua.contact_uri());
        let h = &mut req.headers;
        h.push(
            "Via",
            format!("SIP/2.0/WSS 198.51.100.7:443;branch={branch};rport"),
        );
        h.push("Max-Forwards", "70");
        h.push("From", d.peer.clone());
        let to = if matches!(kind, PeerReq::Cancel) {
            without_tag(&d.ua)
        } else if m.has(M_ALT_TAG) {
            format!("{};tag=wrong", without_tag(&d.ua))
        } else {
            d.ua.clone()
        };
        h.push("To", to);
        h.push("Call-ID", d.call_id.clone());
        h.push("CSeq", format!("{seq} {method}"));
        if !matches!(kind, PeerReq::Ack | PeerReq::Cancel | PeerReq::Bye) {
            let contact = if m.has(M_FOCUS) {
                format!("{PEER_CONTACT};isfocus")
            } else {
                PEER_CONTACT.to_owned()
            };
            h.push("Contact", contact);
        }
        match kind {
            PeerReq::Reinvite => {
                h.push("Content-Type", "application/sdp");
                req.body = PEER_SDP.replace("sendrecv", "sendonly").into_bytes();
            }
            PeerReq::NotifyRefer(s) => {
                h.push("Event", "refer");
                let state = if s.code() >= 200 {
                    "terminated;reason=noresource"
                } else {
                    "active;expires=60"
                };
                h.push("Subscription-State", state);
                h.push("Content-Type", "message/sipfrag;version=2.0");
                req.body = format!("SIP/2.0 {} {}\r\n", s.code(), Response::default_reason(s.code()))
                    .into_bytes();
            }
            PeerReq::NotifyConference { terminated } => {
                h.push("Event", "conference");
                let state = if terminated {
                    "terminated;reason=noresource"
                } else {
                    "active;expires=3600"
                };
                h.push("Subscription-State", state);
                h.push("Content-Type", "application/conference-info+xml");
                req.body = b"<conference-info entity=\"sip:focus@peer\" state=\"full\" version=\"1\"><users><user entity=\"sip:1001@example.com\"><endpoint><status>connected</status></endpoint></user></users></conference-info>".to_vec();
            }
            PeerReq::Refer { replaces } => {
                let target = if replaces {
                    let ua_tag = tag_of(&d.ua).unwrap_or_default();
                    let peer_tag = tag_of(&d.peer).unwrap_or_default();
                    let value = format!("{};to-tag={peer_tag};from-tag={ua_tag}", d.call_id);
                    format!(
                        "\"Carol\" <sip:carol@example.com?Replaces={}>",
                        sip::percent_encode_header(&value)
                    )
                } else {
                    "<sip:carol@example.com>".to_owned()
                };
                h.push("Refer-To", target);
                h.push("Referred-By", d.peer.clone());
            }
            PeerReq::Info(digit) => {
                h.push("Content-Type", "application/dtmf-relay");
                let c = char::from(b"0123456789*#ABCDx"[usize::from(digit % 17)]);
                req.body = format!("Signal={c}\r\nDuration=160\r\n").into_bytes();
            }
            PeerReq::Subscribe { unsubscribe } => {
                h.push("Event", "conference");
                h.push("Accept", "application/conference-info+xml");
                h.push("Expires", if unsubscribe { "0" } else { "600" });
            }
            PeerReq::Prack => h.push("RAck", format!("1 {} INVITE", d.ack_seq)),
            PeerReq::Message => {
                h.push("Content-Type", "text/plain");
                req.body = b"hi".to_vec();
            }
            _ => {}
        }
        if method == Method::Invite {
            if let Some(d) = self.dlg.as_mut() {
                d.ack_seq = seq;
            }
        }
        Some(self.print_mutated(Message::Request(req), m))
    }

    fn new_invite(&mut self, replaces: bool, m: Mutation) -> Vec<u8> {
        let n = self.next();
        let branch = format!("z9hG4bKinv{n}");
        self.peer_seq += 1;
        let seq = self.peer_seq;
        let call_id = format!("in{n}@peer");
        let peer = format!("\"Bob\" <sip:2002@example.com>;tag=hp{n}");
        let ua = "<sip:1001@example.com>".to_owned();
        let mut req = Request::new(Method::Invite, self.ua.contact_uri());
        let h = &mut req.headers;
        h.push(
            "Via",
            format!("SIP/2.0/WSS 198.51.100.7:443;branch={branch};rport"),
        );
        h.push("Max-Forwards", "70");
        h.push("From", peer.clone());
        h.push("To", ua.clone());
        h.push("Call-ID", call_id.clone());
        h.push("CSeq", format!("{seq} INVITE"));
        let contact = if m.has(M_FOCUS) {
            format!("{PEER_CONTACT};isfocus")
        } else {
            PEER_CONTACT.to_owned()
        };
        h.push("Contact", contact);
        h.push("Supported", "replaces, timer");
        if replaces {
            if let Some(d) = &self.dlg {
                let ua_tag = tag_of(&d.ua).unwrap_or_default();
                let peer_tag = tag_of(&d.peer).unwrap_or_default();
                h.push(
                    "Replaces",
                    format!("{};to-tag={ua_tag};from-tag={peer_tag}", d.call_id),
                );
            }
        }
        h.push("Content-Type", "application/sdp");
        req.body = PEER_SDP.as_bytes().to_vec();
        self.dlg = Some(Dlg {
            call_id,
            peer,
            ua,
            peer_invite: Some((branch, seq)),
            ack_seq: seq,
        });
        self.print_mutated(Message::Request(req), m)
    }

    fn advance(&mut self, step: Duration) {
        self.now += step;
        self.ua.handle_timeout(self.now);
        self.drain();
        if let Some(at) = self.ua.poll_timeout() {
            assert!(
                at + step >= self.now,
                "a timer stays overdue after handle_timeout: due {:?} ago (step {step:?})",
                self.now - at
            );
        }
    }

    fn step(&mut self, op: Op) {
        if self.trace {
            eprintln!("=== {op:?}");
        }
        let now = self.now;
        match op {
            Op::TransportUp => self.ua.transport_up(now),
            Op::TransportDown => self.ua.transport_down(now),
            Op::Register => self.ua.register(now),
            Op::Unregister => self.ua.unregister(now),
            Op::SetFocus(on) => self.ua.set_focus(on),
            Op::Invite => {
                let _ = self
                    .ua
                    .invite(TARGET.parse().expect("target"), OFFER.to_owned(), now);
            }
            Op::Ringing(c) => {
                let _ = self.ua.ringing(c.id(), now);
            }
            Op::Answer(c) => {
                let _ = self.ua.answer(c.id(), OFFER.to_owned(), now);
            }
            Op::Reject(c, s) => {
                let _ = self.ua.reject(c.id(), s.code().max(300), now);
            }
            Op::Hangup(c) => {
                let _ = self.ua.hangup(c.id(), now);
            }
            Op::Reinvite(c, hold) => {
                let sdp = if hold { HOLD } else { OFFER };
                let _ = self.ua.reinvite(c.id(), sdp.to_owned(), now);
            }
            Op::AnswerReoffer(c) => {
                let _ = self.ua.answer_reoffer(c.id(), OFFER.to_owned(), now);
            }
            Op::RejectReoffer(c, s) => {
                let _ = self.ua.reject_reoffer(c.id(), s.code().max(300));
            }
            Op::SendDtmf(c, d) => {
                let digit = char::from(b"0123456789*#ABCDx"[usize::from(d % 17)]);
                let _ = self.ua.send_dtmf(c.id(), digit, 100 + u32::from(d), now);
            }
            Op::Refer(c, other) => {
                let mut target = NameAddr::new("sip:carol@example.com".parse().expect("carol"));
                if let Some(o) = other {
                    if let (Some(uri), Some(rep)) =
                        (self.ua.remote_target(o.id()), self.ua.replaces_value(o.id()))
                    {
                        let mut uri = uri;
                        uri.headers
                            .push(("Replaces".into(), sip::percent_encode_header(&rep)));
                        target = NameAddr::new(uri).with_display_name("Carol");
                    }
                }
                let _ = self.ua.refer(c.id(), &target, now);
            }
            Op::ReferOutcome(c, s) => {
                let _ = self.ua.refer_outcome(c.id(), s.code(), now);
            }
            Op::SubscribeConference(c) => {
                let _ = self.ua.subscribe_conference(c.id(), now);
            }
            Op::NotifyConference(c, last) => {
                let body = "<conference-info entity=\"sip:1001@example.com\" state=\"full\" version=\"2\"><users/></conference-info>";
                let _ = self
                    .ua
                    .notify_conference(c.id(), body.to_owned(), last, now);
            }
            Op::Receive(frame) => {
                let bytes = match frame {
                    Frame::Raw(b) => Some(b),
                    Frame::Response { status, to, m } => self.response(status, to, m),
                    Frame::InDialog { kind, m } => self.in_dialog(kind, m),
                    Frame::Invite { replaces, m } => Some(self.new_invite(replaces, m)),
                    Frame::Again => self.last_fed.clone(),
                };
                if let Some(bytes) = bytes {
                    self.feed(bytes);
                }
            }
            Op::AdvanceMs(ms) => return self.advance(Duration::from_millis(u64::from(ms))),
            Op::AdvanceSecs(s) => return self.advance(Duration::from_secs(u64::from(s))),
            Op::AdvanceToTimer => {
                let step = self
                    .ua
                    .poll_timeout()
                    .map_or(Duration::ZERO, |at| at.saturating_duration_since(self.now));
                return self.advance(step);
            }
        }
        self.drain();
    }
}

fuzz_target!(|data: &[u8]| {
    static TRACE: OnceLock<bool> = OnceLock::new();
    let trace = *TRACE.get_or_init(|| std::env::var_os("UA_FUZZ_TRACE").is_some());
    let mut h = Harness::new(trace);
    let mut u = Unstructured::new(data);
    for _ in 0..MAX_STEPS {
        if u.is_empty() {
            break;
        }
        let Ok(op) = u.arbitrary::<Op>() else { break };
        h.step(op);
    }
});
