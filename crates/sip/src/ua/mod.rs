//! The user agent: registration and calls over one reliable transport (SIP over WebSocket,
//! RFC 7118), driven sans-IO.
//!
//! # Driver loop
//! ```text
//! ua.transport_up(now) / ua.receive(bytes, now) / ua.invite(..) / ua.handle_timeout(now)
//! loop { ua.poll_transmit() }   // frames to send on the WebSocket
//! loop { ua.poll_event() }      // what happened, for the call engine
//! ua.poll_timeout()             // when to call handle_timeout next
//! ```
//! After every input drain `poll_transmit` and `poll_event` until they return `None`, then
//! re-arm the one timer from `poll_timeout`.

mod client;
mod conference;
mod dtmf;
mod held;
mod keepalive;
mod malformed;
mod prack;
mod refer;
mod reinvite;
mod server;
mod session_timer;
mod timers;
mod types;
mod update;

pub use client::caller_label;
pub use dtmf::{is_dtmf, DTMF_RELAY};
pub use held::HELD_LIMIT;
pub use malformed::Malformed;
pub use refer::percent_encode_header;
pub use timers::Timer;
pub use types::{CallId, EndReason, UaConfig, UaError, UaEvent};

use std::collections::VecDeque;
use std::time::Duration;

use web_time::Instant;

use crate::digest_cache::DigestCache;
use crate::registration::{Registration, Resume};
use crate::rng::Rng;
use crate::{Dialog, Limits, Message, Method, NameAddr, Request, Response, Uri, VecMap};

/// RFC 3261 T1, the round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261 T2, the cap of the 2xx retransmission interval.
pub const T2: Duration = Duration::from_secs(4);
/// Timers B, F and H: 64 * T1.
pub const TIMER_64T1: Duration = Duration::from_secs(32);
/// How long an INVITE may ring unanswered (RFC 3261 Timer C, "greater than 3 minutes").
pub const TIMER_C: Duration = Duration::from_secs(181);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Caller,
    Callee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallState {
    /// INVITE sent (or received and not yet answered).
    Early,
    /// We sent 2xx and wait for the ACK.
    AwaitingAck,
    Confirmed,
    /// CANCEL sent; wait for 487 (or a 2xx that crossed it).
    Cancelling,
    Ended,
}

#[derive(Debug)]
struct Call {
    role: Role,
    state: CallState,
    /// The INVITE we sent last (caller) or received (callee).
    invite: Request,
    /// Caller: the branch of the INVITE client transaction in progress.
    branch: String,
    /// Callee: our To tag. Caller: our From tag.
    local_tag: String,
    dialog: Option<Dialog>,
    auth_tried: bool,
    /// Callee: the 2xx to retransmit until the ACK arrives (RFC 3261 §13.3.1.4).
    retransmit: Option<Retransmit>,
    /// Our re-INVITE in flight or waiting to be retried after a 491.
    reinvite: Option<reinvite::Outgoing>,
    /// A re-INVITE from the peer that we have not answered yet.
    reoffer: Option<Request>,
    /// A REFER we sent and whose outcome we wait for.
    refer_pending: bool,
    /// The SDP we sent last (offer or answer): a refresh sends it again.
    last_sdp: Option<String>,
    /// RFC 4028 session timer, when both ends agreed on one.
    session: Option<session_timer::SessionTimer>,
    /// The last RSeq we PRACKed (RFC 3262).
    last_rseq: Option<u32>,
    /// The peer's Contact carries `isfocus` (RFC 4579): it hosts a conference.
    peer_focus: bool,
    /// The peer subscribed to our conference state (we are its focus).
    conference_subscriber: bool,
    /// A REFER we received and must report the outcome of.
    referred: bool,
    /// The peer's Allow (in its INVITE, 2xx or target refresh) lists UPDATE, so we refresh
    /// the session with an offerless UPDATE instead of a re-INVITE (RFC 4028 §9).
    peer_allows_update: bool,
}

impl Call {
    /// A call in its early state, before any dialog: `invite` is the INVITE we sent (caller)
    /// or received (callee).
    fn early(role: Role, invite: Request, branch: String, local_tag: String) -> Self {
        let peer_allows_update = update::allows_update(&invite.headers).unwrap_or(false);
        let (last_sdp, peer_focus) = match role {
            Role::Caller => (
                Some(String::from_utf8_lossy(&invite.body).into_owned()),
                false,
            ),
            Role::Callee => (
                None,
                server::is_focus(&invite.headers.contacts().unwrap_or_default()),
            ),
        };
        Self {
            role,
            state: CallState::Early,
            invite,
            branch,
            local_tag,
            dialog: None,
            auth_tried: false,
            retransmit: None,
            reinvite: None,
            reoffer: None,
            refer_pending: false,
            referred: false,
            last_rseq: None,
            last_sdp,
            session: None,
            peer_focus,
            conference_subscriber: false,
            // Our own INVITE says nothing of the peer: its 2xx will.
            peer_allows_update: role == Role::Callee && peer_allows_update,
        }
    }
}

#[derive(Debug)]
struct Retransmit {
    response: Response,
    at: Instant,
    interval: Duration,
    give_up: Instant,
}

impl Retransmit {
    /// A 2xx to an INVITE, sent again at T1, 2T1... until the ACK or 64*T1 (RFC 3261
    /// §13.3.1.4).
    fn of_2xx(response: Response, now: Instant) -> Self {
        Self {
            response,
            at: now + T1,
            interval: T1,
            give_up: now + TIMER_64T1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Register,
    Invite(CallId),
    InDialog(CallId),
    Reinvite(CallId),
    /// Our offerless UPDATE refreshing the session (RFC 3311, RFC 4028).
    Update(CallId),
    Refer(CallId),
    Cancel,
}

/// A client transaction on a reliable transport (RFC 3261 §17.1): no retransmissions, only
/// Timer B (INVITE) or F (non-INVITE) waiting for a final response.
#[derive(Debug, Clone)]
struct ClientTransaction {
    method: Method,
    owner: Owner,
    request: Request,
    /// Timer B or F.
    deadline: Instant,
}

/// A SIP user agent for one account on one WebSocket flow.
#[derive(Debug)]
pub struct UserAgent {
    cfg: UaConfig,
    rng: Rng,
    limits: Limits,
    /// RFC 7118 §5: a random `.invalid` host for Via and Contact.
    via_host: String,
    contact_user: String,
    transport_up: bool,
    /// We host a conference: our Contact says `isfocus` (RFC 4579).
    focus: bool,
    keepalive: keepalive::KeepAlive,
    registration: Registration,
    /// The account's digest challenges, answered up front on new calls.
    digests: DigestCache,
    /// Our public GRUU (RFC 5627), once the registrar handed one out: the Contact of our
    /// dialogs. It names this instance, not a flow, so a peer's in-dialog requests follow us
    /// to whichever connection we registered last, even when both ends lost the proxy.
    gruu: Option<Uri>,
    /// Reconnected with calls up: decide about target refreshes once the registrar has
    /// answered (is our GRUU still the same?).
    retarget_pending: bool,
    calls: VecMap<CallId, Call>,
    next_call: u64,
    transactions: VecMap<String, ClientTransaction>,
    /// Client transactions whose request was made while the transport was down (a hang-up,
    /// a hold, a transfer during an outage): sent, and their Timer B/F started, once it is
    /// back, instead of being lost to a dead socket; given up after [`HELD_LIMIT`].
    held: Vec<String>,
    /// REFERs with Replaces we were asked to carry out: the Replaces value and who asked
    /// (the referring dialog's peer), so our INVITE can say so in Referred-By (RFC 3892) and
    /// the target can check the replacement is authorized (RFC 3891 §6.1).
    referrers: VecDeque<(String, NameAddr)>,
    transmit: VecDeque<String>,
    events: VecDeque<UaEvent>,
}

impl UserAgent {
    /// A user agent that does nothing until the transport is up and `register` is called.
    pub fn new(cfg: UaConfig) -> Self {
        let mut rng = Rng::new(cfg.seed);
        // The tokens are ASCII: std's Unicode case tables would weigh on the page for nothing.
        let via_host = format!("{}.invalid", rng.token(12).to_ascii_lowercase());
        let contact_user = rng.token(8).to_ascii_lowercase();
        let registration = Registration::new(&mut rng);
        Self {
            cfg,
            rng,
            limits: Limits::default(),
            via_host,
            contact_user,
            transport_up: false,
            focus: false,
            keepalive: keepalive::KeepAlive::default(),
            registration,
            digests: DigestCache::default(),
            gruu: None,
            retarget_pending: false,
            calls: VecMap::new(),
            next_call: 1,
            transactions: VecMap::new(),
            held: Vec::new(),
            referrers: VecDeque::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// Our account settings.
    pub fn config(&self) -> &UaConfig {
        &self.cfg
    }

    /// Our Contact URI (RFC 7118: `.invalid` host, `transport=ws`, RFC 5626 `ob`).
    pub fn contact_uri(&self) -> Uri {
        let mut uri = Uri::new_sip(Some(&self.contact_user), &self.via_host, None);
        uri.params.set("transport", Some("ws"));
        uri.params.set("ob", None);
        uri
    }

    /// The Contact of our dialogs: our public GRUU where the registrar gave us one (RFC 5627
    /// §4.2), else the flow-bound [`UserAgent::contact_uri`].
    pub fn dialog_contact_uri(&self) -> Uri {
        self.gruu.clone().unwrap_or_else(|| self.contact_uri())
    }

    /// A new in-dialog request of a confirmed call, with our Contact; `action` names what the
    /// caller tried, for the error when the call is not up.
    fn confirmed_request(
        &mut self,
        call: CallId,
        method: Method,
        action: &'static str,
    ) -> Result<Request, UaError> {
        let contact = self.contact_header();
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        let Some(dialog) = c
            .dialog
            .as_mut()
            .filter(|_| c.state == CallState::Confirmed)
        else {
            return Err(UaError::WrongState { call, action });
        };
        let mut req = dialog.request(method);
        req.headers.push("Contact", contact);
        Ok(req)
    }

    /// Our Contact header value for dialogs, with `isfocus` while we host a conference.
    pub fn contact_header(&self) -> String {
        let mut c = NameAddr::new(self.dialog_contact_uri());
        if self.focus {
            c.params.set("isfocus", None);
        }
        c.to_string()
    }

    /// Whether `uri` reaches this user agent itself: its AOR, its Contact or its GRUU.
    pub fn is_own_uri(&self, uri: &Uri) -> bool {
        let same = |a: &Uri| a.user == uri.user && a.host.eq_ignore_ascii_case(&uri.host);
        same(&self.cfg.aor) || same(&self.contact_uri()) || same(&self.dialog_contact_uri())
    }

    /// The WebSocket is open: start or resume registration.
    pub fn transport_up(&mut self, now: Instant) {
        let reconnect = !self.transport_up;
        self.transport_up = true;
        let mut registering = false;
        if self.registration.wanted() {
            match self.registration.resume(now) {
                Resume::Now => {
                    self.send_register(now);
                    registering = true;
                }
                Resume::Wait(state) => self.events.extend(state.map(UaEvent::Registration)),
            }
        }
        self.send_held(now);
        if !reconnect {
            return;
        }
        if self.gruu.is_some() && registering {
            // Our dialogs carry our GRUU, which follows us to this flow once the registrar
            // has our new binding: a re-INVITE now would only chase the peer's GRUU before
            // the peer re-registered too (both ends lost the same proxy). Decide when the
            // registrar answers.
            self.retarget_pending = true;
        } else {
            self.refresh_all_targets(now);
        }
    }

    /// The WebSocket closed. Calls keep their dialogs (their media is peer to peer); the
    /// registration is lost until the transport is back.
    pub fn transport_down(&mut self, _now: Instant) {
        self.transport_up = false;
        self.stop_keepalive();
        self.transmit.clear();
        // A refresh UPDATE sent on the dead flow will never be answered; the reconnect
        // refreshes the session with a re-INVITE instead, and its Timer F must not end it.
        self.transactions
            .retain(|_, t| !matches!(t.owner, Owner::Register | Owner::Update(_)));
        self.digests.connection_lost();
        if !self.registration.wanted() {
            self.digests.clear();
        }
        if let Some(state) = self.registration.transport_lost() {
            self.events.push_back(UaEvent::Registration(state));
        }
    }

    /// Register (and keep refreshing) the account.
    pub fn register(&mut self, now: Instant) {
        self.registration.want(true);
        if self.transport_up {
            self.send_register(now);
        }
    }

    /// Remove our registration (sign-out).
    pub fn unregister(&mut self, now: Instant) {
        self.registration.want(false);
        if self.transport_up {
            self.send_register(now);
        } else {
            self.digests.clear();
        }
    }

    /// Place a call to `target` with our SDP `offer`.
    pub fn invite(&mut self, target: Uri, offer: String, now: Instant) -> CallId {
        self.invite_replacing(target, offer, None, now)
    }

    /// Place a call that replaces another dialog at the target (RFC 3891), as a transferee
    /// does after a REFER with Replaces.
    pub fn invite_replacing(
        &mut self,
        target: Uri,
        offer: String,
        replaces: Option<&str>,
        now: Instant,
    ) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        let local_tag = self.rng.token(10);
        let mut from = NameAddr::new(self.cfg.aor.clone()).with_tag(&local_tag);
        from.display_name.clone_from(&self.cfg.display_name);
        let mut req = Request::new(Method::Invite, target.clone());
        req.headers.push("Max-Forwards", "70");
        req.headers.push("From", from.to_string());
        req.headers.push("To", NameAddr::new(target).to_string());
        req.headers.push(
            "Call-ID",
            format!("{}@{}", self.rng.token(20), self.via_host),
        );
        req.headers.push("CSeq", "1 INVITE");
        req.headers.push("Contact", self.contact_header());
        req.headers.push("Allow", ALLOW);
        req.headers
            .push("Supported", "outbound, replaces, 100rel, timer");
        Self::ask_session_timer(&mut req);
        if let Some(r) = replaces {
            req.headers.push("Replaces", r.to_owned());
            req.headers.push("Require", "replaces");
            if let Some(at) = self.referrers.iter().position(|(v, _)| v == r) {
                if let Some((_, by)) = self.referrers.remove(at) {
                    req.headers.push("Referred-By", by.to_string());
                }
            }
        }
        req.headers.push("Content-Type", "application/sdp");
        req.body = offer.into_bytes();
        if self.transport_up {
            // RFC 3261 §22.3: the credentials we hold spare the call a 407 round trip.
            self.digests.authorize_call(
                &mut req,
                self.registration.realm(),
                &self.cfg,
                &mut self.rng,
            );
        }
        let call = Call::early(Role::Caller, req.clone(), String::new(), local_tag);
        self.calls.insert(id, call);
        let branch = self.send_request(req, Owner::Invite(id), now);
        if let Some(call) = self.calls.get_mut(&id) {
            call.branch = branch;
        }
        id
    }

    /// Tell the caller that the phone is ringing (180).
    pub fn ringing(&mut self, call: CallId, _now: Instant) -> Result<(), UaError> {
        let c = self.callee_early(call, "ring")?;
        let (invite, tag) = (c.invite.clone(), c.local_tag.clone());
        let resp = self.uas_response(&invite, 180, &tag);
        self.send_response(&resp);
        Ok(())
    }

    /// Answer an incoming call with our SDP `answer` (200 OK, retransmitted until ACKed).
    pub fn answer(&mut self, call: CallId, answer: String, now: Instant) -> Result<(), UaError> {
        let c = self.callee_early(call, "answer")?;
        let (invite, tag) = (c.invite.clone(), c.local_tag.clone());
        let mut resp = self.uas_response(&invite, 200, &tag);
        self.session_for_answer(call, &invite, &mut resp, now);
        resp.headers.push("Content-Type", "application/sdp");
        resp.body = answer.clone().into_bytes();
        self.send_response(&resp);
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        c.last_sdp = Some(answer);
        c.state = CallState::AwaitingAck;
        c.retransmit = Some(Retransmit::of_2xx(resp, now));
        Ok(())
    }

    /// Decline an incoming call with `status` (486 Busy Here, 603 Decline...).
    pub fn reject(&mut self, call: CallId, status: u16, _now: Instant) -> Result<(), UaError> {
        let c = self.callee_early(call, "decline")?;
        let (invite, tag) = (c.invite.clone(), c.local_tag.clone());
        let resp = self.uas_response(&invite, status, &tag);
        self.send_response(&resp);
        self.end_call(call, EndReason::LocalDecline);
        Ok(())
    }

    /// Hang up: CANCEL while our INVITE is unanswered, 603 for an unanswered incoming
    /// call, BYE once answered.
    pub fn hangup(&mut self, call: CallId, now: Instant) -> Result<(), UaError> {
        let c = self.calls.get(&call).ok_or(UaError::NoSuchCall(call))?;
        match (c.role, c.state) {
            (_, CallState::Ended) => Err(UaError::WrongState {
                call,
                action: "hang up",
            }),
            (Role::Callee, CallState::Early) => self.reject(call, 603, now),
            (Role::Caller, CallState::Early) => {
                self.send_cancel(call, now);
                Ok(())
            }
            (_, CallState::Cancelling) => Ok(()),
            (_, CallState::AwaitingAck | CallState::Confirmed) => {
                self.send_bye(call, now);
                self.end_call(call, EndReason::LocalHangup);
                Ok(())
            }
        }
    }

    /// Feed one WebSocket frame. A malformed message is reported as
    /// [`UaEvent::Malformed`] and changes nothing else; a malformed request that can be
    /// answered gets 400 (RFC 3261 §21.4.1) saying what was wrong.
    pub fn receive(&mut self, frame: &[u8], now: Instant) {
        // RFC 5626 §4.4.1: a CRLF keep-alive ping or its pong.
        if frame.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            self.on_crlf();
            return;
        }
        match Message::parse_with(frame, &self.limits) {
            Ok(Message::Request(req)) => self.on_request(req, now),
            Ok(Message::Response(resp)) => self.on_response(resp, now),
            Err(e) => self.on_unparseable(frame, e),
        }
    }

    /// Fire whatever timers are due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        for timer in Timer::ALL {
            self.fire(timer, now);
        }
    }

    /// The next frame to send on the WebSocket.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    /// The next event for the call engine.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<UaEvent> {
        self.events.pop_front()
    }

    /// When `handle_timeout` must be called next, if any timer is armed.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        Timer::ALL.into_iter().filter_map(|t| self.timer(t)).min()
    }

    fn callee_early(&self, call: CallId, action: &'static str) -> Result<&Call, UaError> {
        let c = self.calls.get(&call).ok_or(UaError::NoSuchCall(call))?;
        if c.role != Role::Callee || c.state != CallState::Early {
            return Err(UaError::WrongState { call, action });
        }
        Ok(c)
    }

    fn end_call(&mut self, call: CallId, reason: EndReason) {
        if let Some(c) = self.calls.get_mut(&call) {
            if c.state != CallState::Ended {
                c.state = CallState::Ended;
                c.retransmit = None;
                self.events.push_back(UaEvent::Ended { call, reason });
            }
        }
        // Ended calls are kept only while a transaction may still answer for them.
        let live: Vec<CallId> = self
            .transactions
            .values()
            .filter_map(|t| match t.owner {
                Owner::Invite(id)
                | Owner::InDialog(id)
                | Owner::Reinvite(id)
                | Owner::Update(id)
                | Owner::Refer(id) => Some(id),
                _ => None,
            })
            .collect();
        self.calls
            .retain(|id, c| c.state != CallState::Ended || live.contains(id));
    }

    /// Adds Via and queues `req` in a new client transaction; returns its branch.
    fn send_request(&mut self, mut req: Request, owner: Owner, now: Instant) -> String {
        let branch = self.rng.branch();
        req.headers.remove("Via");
        let via = self.via(&branch);
        req.headers.push_front("Via", via);
        if req.headers.get("User-Agent").is_none() {
            req.headers.push("User-Agent", self.cfg.user_agent.clone());
        }
        let hold = !self.transport_up && req.method != Method::Register;
        if !hold {
            self.transmit_text(req.to_text());
        }
        if req.method != Method::Ack {
            if hold {
                self.held.push(branch.clone());
            }
            let tx = ClientTransaction {
                method: req.method.clone(),
                owner,
                request: req,
                // Held, it waits at most HELD_LIMIT for the transport; sent, Timer B or F.
                deadline: now + if hold { HELD_LIMIT } else { TIMER_64T1 },
            };
            self.transactions.insert(branch.clone(), tx);
        }
        branch
    }

    /// Our Via for a request with `branch` (RFC 7118 §5: WS transport, `.invalid` host).
    fn via(&self, branch: &str) -> String {
        format!("SIP/2.0/WS {};branch={branch};rport", self.via_host)
    }

    fn send_response(&mut self, resp: &Response) {
        self.transmit_text(resp.to_text());
    }

    fn transmit_text(&mut self, text: String) {
        if self.transport_up {
            self.transmit.push_back(text);
        }
    }
}

/// Methods we accept, for Allow headers.
const ALLOW: &str =
    "INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, SUBSCRIBE, INFO, PRACK, UPDATE";

/// Option tags we understand in a Require header (RFC 3261 §8.2.2.3).
const SUPPORTED: [&str; 4] = ["replaces", "outbound", "100rel", "timer"];
