//! The engine: one line for now (the conference engine grows from here), driven sans-IO.

use std::collections::VecDeque;
use std::time::Duration;

use sip::{CallId, EndReason, RegistrationState, UaConfig, UaEvent, UserAgent};
use web_time::Instant;

use crate::mix::MixMatrix;
use crate::target::parse_target;
use crate::view::{Direction, LineId, LineState, LineView, Outcome, PhoneView, RegStatus};

/// Ports of the mixer: the agent plus one leg per line (lines are numbered from 1).
pub const MIX_PORTS: usize = 2;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct PhoneConfig {
    /// The SIP account.
    pub ua: UaConfig,
    /// How long an ended call stays on screen before the line is free again.
    pub ended_linger: Duration,
}

/// What the agent asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Register the account.
    SignIn,
    /// End calls and unregister.
    SignOut,
    /// Call a number or SIP address.
    Dial(String),
    /// Answer the incoming call.
    Answer,
    /// Decline the incoming call.
    Decline,
    /// End the current call (cancel it while it rings).
    HangUp,
}

/// Everything that can happen to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// The WebSocket to the SIP server opened.
    TransportUp,
    /// The WebSocket closed.
    TransportDown,
    /// A WebSocket frame arrived.
    Frame(Vec<u8>),
    /// The agent pressed something.
    Command(Command),
    /// The browser produced the SDP asked for by [`MediaAction::CreateOffer`] or
    /// [`MediaAction::CreateAnswer`].
    LocalSdp {
        /// For which line.
        line: LineId,
        /// The SDP.
        sdp: String,
    },
    /// The browser could not do the media work for a line.
    MediaFailed {
        /// Which line.
        line: LineId,
        /// What went wrong.
        reason: String,
    },
}

/// Media work for the browser edge.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MediaAction {
    /// Create a peer connection for `line` and an SDP offer; answer with [`Input::LocalSdp`].
    CreateOffer {
        /// The line of the leg.
        line: LineId,
        /// The mixer port the leg's audio goes through.
        port: usize,
    },
    /// Create a peer connection for `line` from the remote `offer` and answer it.
    CreateAnswer {
        /// The line of the leg.
        line: LineId,
        /// The mixer port the leg's audio goes through.
        port: usize,
        /// The remote SDP offer.
        offer: String,
    },
    /// Apply the remote SDP answer to `line`'s peer connection.
    ApplyAnswer {
        /// The line.
        line: LineId,
        /// The remote SDP answer.
        answer: String,
    },
    /// Close `line`'s peer connection.
    Close {
        /// The line.
        line: LineId,
    },
    /// Apply this who-hears-whom matrix to the mixer.
    Mix(MixMatrix),
}

/// What the engine wants done.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// Send this frame on the WebSocket.
    Transmit(String),
    /// Do this media work.
    Media(MediaAction),
    /// [`Phone::view`] changed: render it again.
    ViewChanged,
}

#[derive(Debug)]
struct Line {
    id: LineId,
    call: Option<CallId>,
    peer: String,
    direction: Direction,
    state: LineState,
    offer: Option<String>,
    target: Option<sip::Uri>,
    connected_at: Option<Instant>,
    ended_at: Option<Instant>,
}

/// The call engine of one agent.
#[derive(Debug)]
pub struct Phone {
    cfg: PhoneConfig,
    ua: UserAgent,
    registration: RegStatus,
    line: Option<Line>,
    next_line: u32,
    notice: Option<String>,
    mix: MixMatrix,
    outputs: VecDeque<Output>,
}

impl Phone {
    /// A signed-out phone for the account in `cfg`.
    pub fn new(cfg: PhoneConfig) -> Self {
        let ua = UserAgent::new(cfg.ua.clone());
        Self {
            cfg,
            ua,
            registration: RegStatus::SignedOut,
            line: None,
            next_line: 1,
            notice: None,
            mix: MixMatrix::silent(MIX_PORTS),
            outputs: VecDeque::new(),
        }
    }

    /// Feed one input.
    pub fn handle(&mut self, input: Input, now: Instant) {
        match input {
            Input::TransportUp => self.ua.transport_up(now),
            Input::TransportDown => self.ua.transport_down(now),
            Input::Frame(bytes) => self.ua.receive(&bytes, now),
            Input::Command(cmd) => self.command(cmd, now),
            Input::LocalSdp { line, sdp } => self.local_sdp(line, sdp, now),
            Input::MediaFailed { line, reason } => self.media_failed(line, reason, now),
        }
        self.pump(now);
    }

    /// Fire the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.ua.handle_timeout(now);
        let linger_over = self
            .line
            .as_ref()
            .and_then(|l| l.ended_at)
            .is_some_and(|t| t + self.cfg.ended_linger <= now);
        if linger_over {
            self.line = None;
            self.changed();
        }
        self.pump(now);
    }

    /// The next thing to do; drain until `None` after every input.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to call [`Phone::handle_timeout`] next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let linger = self
            .line
            .as_ref()
            .and_then(|l| l.ended_at)
            .map(|t| t + self.cfg.ended_linger);
        [self.ua.poll_timeout(), linger].into_iter().flatten().min()
    }

    /// The mix the worklet should be applying now.
    pub fn mix(&self) -> &MixMatrix {
        &self.mix
    }

    /// What the UI shows.
    pub fn view(&self) -> PhoneView {
        let line = self.line.as_ref().map(|l| LineView {
            id: l.id,
            peer: l.peer.clone(),
            direction: l.direction,
            state: l.state.clone(),
            connected_at: l.connected_at,
            can_answer: l.state == LineState::Incoming,
            can_hang_up: !matches!(l.state, LineState::Ended(_)),
        });
        let busy = line.as_ref().is_some_and(|l| l.can_hang_up);
        PhoneView {
            can_dial: self.registration == RegStatus::Registered && !busy,
            registration: self.registration.clone(),
            line,
            notice: self.notice.clone(),
        }
    }

    fn command(&mut self, cmd: Command, now: Instant) {
        self.notice = None;
        match cmd {
            Command::SignIn => {
                self.registration = RegStatus::Registering;
                self.ua.register(now);
            }
            Command::SignOut => {
                if let Some(call) = self.live_call() {
                    let _ = self.ua.hangup(call, now);
                }
                self.ua.unregister(now);
            }
            Command::Dial(number) => self.dial(&number, now),
            Command::Answer => self.answer(),
            Command::Decline => {
                if let Some(call) = self.line_call(LineState::Incoming) {
                    let _ = self.ua.reject(call, 603, now);
                }
            }
            Command::HangUp => self.hang_up(now),
        }
        self.changed();
    }

    fn dial(&mut self, number: &str, now: Instant) {
        if !self.view().can_dial {
            self.notice = Some(match self.registration {
                RegStatus::Registered => "Finish the current call first".into(),
                _ => "Not registered".into(),
            });
            return;
        }
        let target = match parse_target(number, &self.cfg.ua.aor.host) {
            Ok(t) => t,
            Err(e) => {
                self.notice = Some(e.to_string());
                return;
            }
        };
        let id = self.new_line_id();
        self.line = Some(Line {
            id,
            call: None,
            peer: number.trim().to_owned(),
            direction: Direction::Outgoing,
            state: LineState::Dialing,
            offer: None,
            target: Some(target),
            connected_at: None,
            ended_at: None,
        });
        let _ = now;
        self.media(MediaAction::CreateOffer {
            line: id,
            port: port_of(id),
        });
    }

    fn answer(&mut self) {
        let Some(line) = self.line.as_mut() else {
            return;
        };
        if line.state != LineState::Incoming {
            return;
        }
        line.state = LineState::Answering;
        let offer = line.offer.clone().unwrap_or_default();
        let id = line.id;
        self.media(MediaAction::CreateAnswer {
            line: id,
            port: port_of(id),
            offer,
        });
    }

    fn hang_up(&mut self, now: Instant) {
        let Some(line) = self.line.as_ref() else {
            return;
        };
        match (line.call, &line.state) {
            (_, LineState::Ended(_)) => {}
            (Some(call), LineState::Incoming) => {
                let _ = self.ua.reject(call, 603, now);
            }
            (Some(call), _) => {
                let _ = self.ua.hangup(call, now);
            }
            // The offer is still being prepared: nothing went out yet.
            (None, _) => self.end_line(Outcome::HungUp, now),
        }
    }

    fn local_sdp(&mut self, id: LineId, sdp: String, now: Instant) {
        let Some(line) = self.line.as_mut().filter(|l| l.id == id) else {
            return;
        };
        match (&line.state, line.call) {
            (LineState::Dialing, None) => {
                let target = line.target.clone().expect("outgoing line has a target");
                line.call = Some(self.ua.invite(target, sdp, now));
            }
            (LineState::Answering, Some(call)) if self.ua.answer(call, sdp, now).is_ok() => {
                self.connect(now);
            }
            _ => {}
        }
    }

    fn media_failed(&mut self, id: LineId, reason: String, now: Instant) {
        let Some(line) = self.line.as_ref().filter(|l| l.id == id) else {
            return;
        };
        match line.call {
            Some(call) if line.state == LineState::Answering => {
                let _ = self.ua.reject(call, 488, now);
            }
            Some(call) => {
                let _ = self.ua.hangup(call, now);
            }
            None => {}
        }
        self.end_line(Outcome::Failed(format!("audio failed: {reason}")), now);
    }

    /// Drains the user agent after every input.
    fn pump(&mut self, now: Instant) {
        while let Some(ev) = self.ua.poll_event() {
            self.on_ua_event(ev, now);
        }
        while let Some(frame) = self.ua.poll_transmit() {
            self.outputs.push_back(Output::Transmit(frame));
        }
    }

    fn on_ua_event(&mut self, ev: UaEvent, now: Instant) {
        match ev {
            UaEvent::Registration(state) => {
                self.registration = match state {
                    RegistrationState::Registered { .. } => RegStatus::Registered,
                    RegistrationState::Registering => RegStatus::Registering,
                    RegistrationState::Unregistered => RegStatus::SignedOut,
                    RegistrationState::Failed(e) => RegStatus::Failed(e.to_string()),
                    _ => RegStatus::Registering,
                };
                self.changed();
            }
            UaEvent::Incoming { call, from, offer } => {
                if self.line.as_ref().is_some_and(|l| l.ended_at.is_none()) {
                    // One line for now: a second caller hears busy.
                    let _ = self.ua.reject(call, 486, now);
                    return;
                }
                let id = self.new_line_id();
                self.line = Some(Line {
                    id,
                    call: Some(call),
                    peer: sip::caller_label(&from),
                    direction: Direction::Incoming,
                    state: LineState::Incoming,
                    offer: Some(offer),
                    target: None,
                    connected_at: None,
                    ended_at: None,
                });
                let _ = self.ua.ringing(call, now);
                self.changed();
            }
            UaEvent::Progress { call, .. } => {
                if let Some(line) = self.line_of(call) {
                    if line.state == LineState::Dialing {
                        line.state = LineState::Ringing;
                        self.changed();
                    }
                }
            }
            UaEvent::Answered { call, answer } => {
                let Some(line) = self.line_of(call) else {
                    return;
                };
                let id = line.id;
                self.media(MediaAction::ApplyAnswer { line: id, answer });
                self.connect(now);
            }
            UaEvent::Ended { call, reason } if self.line_of(call).is_some() => {
                self.end_line(outcome(&reason), now);
            }
            UaEvent::Confirmed { .. } | UaEvent::Malformed { .. } => {}
            _ => {}
        }
    }

    fn connect(&mut self, now: Instant) {
        let Some(line) = self.line.as_mut() else {
            return;
        };
        line.state = LineState::Connected;
        line.connected_at = Some(now);
        let port = port_of(line.id);
        self.set_mix(MixMatrix::conversation(MIX_PORTS, &[port]));
        self.changed();
    }

    fn end_line(&mut self, outcome: Outcome, now: Instant) {
        let Some(line) = self.line.as_mut() else {
            return;
        };
        if line.ended_at.is_some() {
            return;
        }
        line.state = LineState::Ended(outcome);
        line.ended_at = Some(now);
        let id = line.id;
        self.set_mix(MixMatrix::silent(MIX_PORTS));
        self.media(MediaAction::Close { line: id });
        self.changed();
    }

    fn set_mix(&mut self, mix: MixMatrix) {
        if mix != self.mix {
            self.mix = mix.clone();
            self.media(MediaAction::Mix(mix));
        }
    }

    fn line_of(&mut self, call: CallId) -> Option<&mut Line> {
        self.line.as_mut().filter(|l| l.call == Some(call))
    }

    fn line_call(&self, state: LineState) -> Option<CallId> {
        self.line.as_ref().filter(|l| l.state == state)?.call
    }

    fn live_call(&self) -> Option<CallId> {
        self.line.as_ref().filter(|l| l.ended_at.is_none())?.call
    }

    fn new_line_id(&mut self) -> LineId {
        // One line for now: it always uses mixer port 1; ids stay unique for the UI.
        let id = LineId(self.next_line);
        self.next_line += 1;
        id
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

/// The mixer port of a line: one line for now, always port 1.
fn port_of(_line: LineId) -> usize {
    1
}

fn outcome(reason: &EndReason) -> Outcome {
    match reason {
        EndReason::LocalHangup | EndReason::RemoteHangup => Outcome::HungUp,
        EndReason::LocalDecline => Outcome::Declined,
        EndReason::CallerCancelled => Outcome::Missed,
        EndReason::Timeout => Outcome::NoAnswer,
        EndReason::Rejected { status, reason } => match status {
            486 | 600 => Outcome::Busy,
            603 => Outcome::Declined,
            404 | 484 | 604 => Outcome::NotFound,
            408 | 480 | 487 => Outcome::NoAnswer,
            _ => Outcome::Failed(format!("{status} {reason}")),
        },
        _ => Outcome::Failed("call ended".into()),
    }
}
