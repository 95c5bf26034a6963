//! The engine: lines, hold, consultation, merge, single-step conference and the host's
//! privileges (spec C1-C18), driven sans-IO.

mod audio;
mod calls;
mod conference;
mod edge;
mod hold;
mod io;
mod line;
mod peer;
mod roster;
mod snapshot;
mod transfer;
mod unsent;

use std::collections::VecDeque;
use std::time::Duration;

use sip::{CallId, RegistrationState, UaConfig, UaEvent, UserAgent};
use web_time::Instant;

pub use edge::Backoff;
use edge::Edge;
pub use io::{Command, Input, MediaAction, Output, PeerState};
use line::Line;

use crate::mix::{MixMatrix, ToneRegion};
use crate::view::{LineId, RegStatus};
use crate::words::{Notice, RegFailure};

/// Mixer ports the browser provides by default: the agent plus this many minus one legs.
pub const MIX_PORTS: usize = 8;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct PhoneConfig {
    /// The SIP account.
    pub ua: UaConfig,
    /// How long an ended call stays on screen before its line is gone.
    pub ended_linger: Duration,
    /// Mixer ports (agent + legs); at most this many minus one lines at once.
    pub ports: usize,
    /// The edge proxies' WebSocket URLs, tried in turn (failover). Empty: the embedder
    /// opens the socket itself and only reports [`Input::TransportUp`] / `Down`.
    pub edges: Vec<String>,
    /// Pauses between reconnection attempts.
    pub backoff: Backoff,
    /// How long sign-out waits for the registrar to confirm the un-REGISTER.
    pub sign_out_wait: Duration,
    /// How long an ended leg's audio fades before its connection closes and its mixer
    /// port is free: the mixer's ramps finish and the last faded packets leave, so neither
    /// end hears the leg stop mid-waveform.
    pub close_grace: Duration,
    /// The country whose call-progress tones the agent hears.
    pub tone_region: ToneRegion,
    /// How long the host waits for the far end to complete the transfer that lets it leave
    /// (C17) before it says it keeps bridging the two others.
    pub transfer_wait: Duration,
    /// After a completed transfer, how long a side that may hang up a dialog waits for the
    /// side that should (RFC 5589: the transferor ends the transferee's dialog, the target
    /// ends the replaced one) before it does so itself; one BYE per dialog, not two.
    pub bye_grace: Duration,
}

impl PhoneConfig {
    /// Settings for `ua` with the usual linger (3 s) and [`MIX_PORTS`] ports.
    pub fn new(ua: UaConfig) -> Self {
        Self {
            ua,
            ended_linger: Duration::from_secs(3),
            ports: MIX_PORTS,
            edges: Vec::new(),
            backoff: Backoff::default(),
            sign_out_wait: Duration::from_secs(4),
            close_grace: Duration::from_millis(60),
            tone_region: ToneRegion::default(),
            transfer_wait: Duration::from_secs(20),
            bye_grace: Duration::from_secs(4),
        }
    }
}

/// The conference this agent hosts.
#[derive(Debug, Default)]
struct Conference {
    /// The agent put the whole conference on hold (to consult someone).
    held: bool,
    /// The host left but keeps bridging the two others (C17 fallback).
    bridging: bool,
    /// C17/C18: the transfer that lets the host leave, in progress.
    leaving: Option<Leaving>,
    /// The roster last sent to subscribers.
    last_roster: Option<Vec<sip::ConferenceUser>>,
}

/// C12: a participant's Merge, carried out by its focus.
#[derive(Debug)]
struct Adding {
    /// The held line to the focus, where the REFER went.
    focus: LineId,
    /// The consultation line the focus takes over.
    consult: LineId,
}

#[derive(Debug)]
struct Leaving {
    /// The line the REFER went on.
    via: LineId,
    /// The line whose party the REFER points at (None once cancelled for a blind transfer).
    other: Option<LineId>,
    /// C17: when the host stops waiting for the transfer to complete and says it bridges.
    until: Option<Instant>,
}

/// The call engine of one agent.
#[derive(Debug)]
pub struct Phone {
    cfg: PhoneConfig,
    ua: UserAgent,
    registration: RegStatus,
    lines: sip::VecMap<LineId, Line>,
    conference: Option<Conference>,
    /// The version of the last conference-info NOTIFY we sent. Kept across conferences: a
    /// participant whose subscription outlives one conference discards any version not
    /// newer than the last it applied (RFC 4575 §4.1).
    roster_version: u32,
    merge_confirm: bool,
    /// The host pressed End call in its conference: End conference, Leave or Cancel?
    hang_up_question: bool,
    /// C12: we asked our focus to take over a party we consulted.
    adding: Option<Adding>,
    /// A blind or attended transfer the agent started.
    transfer: Option<Leaving>,
    /// The agent's microphone is out of every mix.
    muted: bool,
    next_line: u32,
    notice: Option<Notice>,
    edge: Edge,
    /// Signing out: give up waiting for the un-REGISTER's answer at this time.
    signing_out: Option<Instant>,
    mix: MixMatrix,
    outputs: VecDeque<Output>,
}

impl Phone {
    /// A signed-out phone for the account in `cfg`.
    pub fn new(cfg: PhoneConfig) -> Self {
        let ua = UserAgent::new(cfg.ua.clone());
        let mut mix = MixMatrix::silent(cfg.ports);
        mix.region = cfg.tone_region;
        let edge = Edge::new(cfg.edges.clone(), cfg.backoff, cfg.ua.seed);
        Self {
            cfg,
            ua,
            registration: RegStatus::SignedOut,
            lines: sip::VecMap::new(),
            conference: None,
            roster_version: 0,
            merge_confirm: false,
            hang_up_question: false,
            adding: None,
            transfer: None,
            muted: false,
            next_line: 1,
            notice: None,
            edge,
            signing_out: None,
            mix,
            outputs: VecDeque::new(),
        }
    }

    /// Feed one input.
    pub fn handle(&mut self, input: Input, now: Instant) {
        match input {
            Input::TransportUp => {
                self.edge.up();
                self.ua.transport_up(now);
            }
            Input::TransportDown => {
                self.ua.transport_down(now);
                if self.signing_out.is_some() {
                    // The un-REGISTER cannot be answered now; the registration expires.
                    self.finish_sign_out();
                } else {
                    let signed_in = self.registration != RegStatus::SignedOut;
                    self.edge.down(signed_in, now);
                }
            }
            Input::Frame(bytes) => self.ua.receive(&bytes, now),
            Input::Command(cmd) => self.command(cmd, now),
            Input::LocalSdp { line, sdp } => self.local_sdp(line, sdp, now),
            Input::MediaFailed { line, error } => self.media_failed(line, error, now),
            Input::PeerState { line, state } => self.peer_state(line, state),
            Input::LegStats { line, stats } => self.leg_stats(line, &stats),
        }
        self.pump(now);
    }

    /// Fire the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.ua.handle_timeout(now);
        if let Some(url) = self.edge.retry_due(now) {
            self.outputs.push_back(Output::Connect { url });
        }
        if self.signing_out.is_some_and(|t| t <= now) {
            self.finish_sign_out();
        }
        self.leave_timed_out(now);
        let overdue: Vec<LineId> = self
            .lines
            .values()
            .filter(|l| l.live() && l.bye_at.is_some_and(|t| t <= now))
            .map(|l| l.id)
            .collect();
        for id in overdue {
            self.hang_up_line(id, now);
        }
        let grace = self.cfg.close_grace;
        let fading: Vec<LineId> = self
            .lines
            .values()
            .filter(|l| !l.closed && l.ended_at.is_some_and(|t| t + grace <= now))
            .map(|l| l.id)
            .collect();
        for id in fading {
            self.close_media(id);
        }
        let linger = self.cfg.ended_linger;
        let before = self.lines.len();
        self.lines
            .retain(|_, l| !l.closed || l.ended_at.is_none_or(|t| t + linger > now));
        if self.lines.len() != before {
            self.changed();
        }
        self.pump(now);
    }

    /// The next thing to do; drain until `None` after every input.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to call [`Phone::handle_timeout`] next: the earliest of the user agent's SIP
    /// timers, the reconnect pause, the sign-out wait, an ended leg's fade-out and an ended
    /// line's time on screen.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let line_timer = |l: &Line| {
            let ended = l.ended_at?;
            Some(if l.closed {
                ended + self.cfg.ended_linger
            } else {
                ended + self.cfg.close_grace
            })
        };
        let lines = self.lines.values().filter_map(line_timer).min();
        let byes = self
            .lines
            .values()
            .filter(|l| l.live())
            .filter_map(|l| l.bye_at)
            .min();
        let leaving = self
            .conference
            .as_ref()
            .and_then(|c| c.leaving.as_ref())
            .and_then(|l| l.until);
        [
            self.ua.poll_timeout(),
            self.edge.retry_at(),
            self.signing_out,
            lines,
            byes,
            leaving,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The mix the worklet should be applying now.
    pub fn mix(&self) -> &MixMatrix {
        &self.mix
    }

    fn command(&mut self, cmd: Command, now: Instant) {
        self.notice = None;
        match cmd {
            Command::SignIn => {
                self.registration = RegStatus::Registering;
                self.signing_out = None;
                self.ua.register(now);
                if let Some(url) = self.edge.start() {
                    self.outputs.push_back(Output::Connect { url });
                }
            }
            Command::SignOut => self.sign_out(now),
            Command::Dial(number) => self.dial(&number, false, now),
            Command::DialConference(number) => self.dial(&number, true, now),
            Command::Answer => self.answer(None, now),
            Command::AnswerLine(id) => self.answer(Some(id), now),
            Command::Decline => self.decline(now),
            Command::HangUp => self.hang_up(now),
            Command::CancelHangUp => self.hang_up_question = false,
            Command::HangUpLine(id) => self.hang_up_line(id, now),
            Command::Hold(id) => self.hold(id, now),
            Command::Retrieve(id) => self.retrieve(id, now),
            Command::Merge => self.merge(now),
            Command::ConfirmMerge => {
                if std::mem::take(&mut self.merge_confirm) {
                    self.do_merge(now);
                }
            }
            Command::CancelMerge => self.merge_confirm = false,
            Command::Disconnect(id) => self.disconnect(id, now),
            Command::EndConference => {
                self.hang_up_question = false;
                self.end_conference(now);
            }
            Command::Leave => {
                self.hang_up_question = false;
                self.leave(now);
            }
            Command::Dtmf(digit) => self.dtmf(digit, now),
            Command::Mute(on) => self.muted = on,
            Command::BlindTransfer { line, target } => self.blind_transfer(line, &target, now),
            Command::AttendedTransfer { line, to } => self.attended_transfer(line, to, now),
        }
        self.changed();
    }

    /// Drains the user agent after every input, then brings the mix up to date.
    fn pump(&mut self, now: Instant) {
        while let Some(ev) = self.ua.poll_event() {
            self.on_ua_event(ev, now);
        }
        self.sync_conference(now);
        while let Some(ev) = self.ua.poll_event() {
            self.on_ua_event(ev, now);
        }
        while let Some(frame) = self.ua.poll_transmit() {
            self.outputs.push_back(Output::Transmit(frame));
        }
        self.update_mix();
    }

    fn on_ua_event(&mut self, ev: UaEvent, now: Instant) {
        match ev {
            UaEvent::Registration(state) => {
                if self.signing_out.is_some() {
                    if state == RegistrationState::Unregistered {
                        self.finish_sign_out();
                    }
                    return;
                }
                self.registration = match state {
                    RegistrationState::Registered { .. } => RegStatus::Registered,
                    RegistrationState::Unregistered => RegStatus::SignedOut,
                    RegistrationState::Failed(e) => RegStatus::Failed(reg_failure(&e)),
                    _ => RegStatus::Registering,
                };
            }
            UaEvent::Incoming {
                call,
                from,
                offer,
                replaces,
            } => self.incoming(call, &from, offer, replaces, now),
            UaEvent::Progress {
                call, early_sdp, ..
            } => self.progress(call, early_sdp),
            UaEvent::Answered { call, answer } => self.answered(call, answer, now),
            UaEvent::Ended { call, reason } => {
                if let Some(id) = self.line_of(call) {
                    self.ended(id, &reason, now);
                }
            }
            UaEvent::Reoffer { call, offer } => self.reoffer(call, &offer, now),
            UaEvent::Renegotiated { call, answer } => self.renegotiated(call, answer),
            UaEvent::RenegotiationFailed { call, status } => {
                self.renegotiation_failed(call, status);
            }
            UaEvent::Referred {
                call,
                target,
                display,
                replaces,
            } => self.referred(call, target, display, replaces, now),
            UaEvent::TransferResult { call, status } => self.transfer_result(call, status, now),
            UaEvent::ConferenceSubscribed { call } => self.conference_subscribed(call, now),
            // Its close comes back as TransportDown, which moves on to the next edge.
            UaEvent::FlowFailed => self.outputs.push_back(Output::Disconnect),
            UaEvent::Dtmf { call, digit } => {
                if let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) {
                    line.dtmf_received.push(digit);
                }
            }
            UaEvent::ConferenceState { call, body, ended } => {
                self.conference_state(call, &body, ended);
            }
            UaEvent::NotSent { call, method, peer } => {
                self.not_sent(call, &method, peer.as_ref());
            }
            _ => {}
        }
        self.changed();
    }

    /// DTMF goes to the party the agent talks to; in a conference, to every participant
    /// (an IVR joined by single-step conference must hear it).
    fn dtmf(&mut self, digit: char, now: Instant) {
        if !sip::is_dtmf(digit) {
            self.notice = Some(Notice::NotDtmf { digit });
            return;
        }
        let targets: Vec<(LineId, CallId, bool)> = self
            .lines
            .values()
            .filter(|l| l.connected() && !l.on_hold())
            .filter_map(|l| Some((l.id, l.call?, l.telephone_event)))
            .collect();
        if targets.is_empty() {
            self.notice = Some(Notice::NoCallForDtmf);
        }
        for (line, call, in_media) in targets {
            // RFC 4733 in the media where the far end takes it (a gateway or IVR hears it
            // whatever the signalling path); SIP INFO otherwise.
            if in_media {
                self.media(MediaAction::SendDtmf { line, digit });
            } else {
                let _ = self.ua.send_dtmf(call, digit, 160, now);
            }
        }
    }

    fn line_of(&self, call: CallId) -> Option<LineId> {
        self.lines
            .values()
            .find(|l| l.call == Some(call))
            .map(|l| l.id)
    }

    fn new_line_id(&mut self) -> LineId {
        let id = LineId(self.next_line);
        self.next_line += 1;
        id
    }

    /// The lowest mixer port no line uses (a leg fading out still holds its port).
    fn free_port(&self) -> Option<usize> {
        (1..self.cfg.ports).find(|p| !self.lines.values().any(|l| l.holds_port() && l.port == *p))
    }

    /// The leg's fade-out is over: close its connection and free its port.
    fn close_media(&mut self, id: LineId) {
        if let Some(line) = self.lines.get_mut(&id).filter(|l| !l.closed) {
            line.closed = true;
            let port = line.port;
            self.media(MediaAction::Close { line: id, port });
        }
    }

    /// Ends every call and un-registers; [`Output::SignedOut`] follows once the registrar
    /// confirms, or after [`PhoneConfig::sign_out_wait`].
    fn sign_out(&mut self, now: Instant) {
        let ids: Vec<LineId> = self.lines.keys().copied().collect();
        for id in ids {
            self.hang_up_line(id, now);
        }
        if self.registration == RegStatus::SignedOut {
            return;
        }
        self.registration = RegStatus::SigningOut;
        if self.edge.is_up() {
            self.ua.unregister(now);
            self.signing_out = Some(now + self.cfg.sign_out_wait);
        } else {
            self.ua.unregister(now);
            self.finish_sign_out();
        }
    }

    fn finish_sign_out(&mut self) {
        self.signing_out = None;
        self.registration = RegStatus::SignedOut;
        self.edge.stop();
        let ids: Vec<LineId> = self.lines.keys().copied().collect();
        for id in ids {
            self.close_media(id);
        }
        self.outputs.push_back(Output::Disconnect);
        self.outputs.push_back(Output::SignedOut);
        self.changed();
    }

    fn media(&mut self, action: MediaAction) {
        self.outputs.push_back(Output::Media(action));
    }

    fn changed(&mut self) {
        if self.outputs.back() != Some(&Output::ViewChanged) {
            self.outputs.push_back(Output::ViewChanged);
        }
    }
}

fn reg_failure(e: &sip::RegistrationError) -> RegFailure {
    match e {
        sip::RegistrationError::WrongCredentials => RegFailure::WrongCredentials,
        sip::RegistrationError::Rejected { status, .. } => RegFailure::Rejected { status: *status },
        sip::RegistrationError::Timeout => RegFailure::Timeout,
        _ => RegFailure::ConnectionLost,
    }
}
