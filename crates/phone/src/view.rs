//! The snapshot the UI renders: everything it shows, nothing it must work out itself.

use web_time::Instant;

use crate::quality::CallQuality;
use crate::words::{Failure, Notice, Reason, RegFailure};

/// A line (one call) of this phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineId(pub u32);

/// Who placed the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The agent dialled.
    Outgoing,
    /// Somebody called the agent.
    Incoming,
}

/// Where a line stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LineState {
    /// Placing the call (preparing media, INVITE sent, no ringing yet).
    Dialing,
    /// The called party's phone is ringing.
    Ringing,
    /// An incoming call rings here.
    Incoming,
    /// Answer pressed; media is being set up.
    Answering,
    /// Talking.
    Connected,
    /// Over; shown for a moment so the agent sees how it ended.
    Ended(Outcome),
}

/// How a call ended, in terms the agent cares about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Somebody hung up after talking, or the agent cancelled.
    HungUp,
    /// The called party declined (603, or a rejection without more detail).
    Declined,
    /// The called party is busy (486, 600).
    Busy,
    /// Nobody by that number (404, 484, 604).
    NotFound,
    /// The called party is not reachable now (408, 480), or no answer in time.
    NoAnswer,
    /// The caller gave up before the agent answered.
    Missed,
    /// Something else failed.
    Failed(Failure),
}

/// Registration as the agent sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegStatus {
    /// Not signed in.
    SignedOut,
    /// Connecting or registering.
    Registering,
    /// Ready to take and place calls.
    Registered,
    /// Signed in but not registered (the phone keeps trying).
    Failed(RegFailure),
    /// Signing out: waiting for the registrar to confirm.
    SigningOut,
}

/// A control as the UI shows it: visible always, enabled or disabled with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// It can be pressed.
    pub enabled: bool,
    /// Why not, when it cannot.
    pub reason: Option<Reason>,
}

impl Control {
    /// An enabled control.
    pub const ON: Self = Self {
        enabled: true,
        reason: None,
    };

    /// A control disabled for `reason`.
    pub const fn off(reason: Reason) -> Self {
        Self {
            enabled: false,
            reason: Some(reason),
        }
    }

    /// Enabled when `cond`, else disabled for `reason`.
    pub const fn when(cond: bool, reason: Reason) -> Self {
        if cond {
            Self::ON
        } else {
            Self::off(reason)
        }
    }
}

/// One line as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    /// Which line.
    pub id: LineId,
    /// The other party: display name, else number or address. Plain text, never markup.
    pub peer: String,
    /// What to dial to reach the other party again: the number on the agent's own domain,
    /// else `user@host`.
    pub number: String,
    /// Who called whom.
    pub direction: Direction,
    /// Where the call stands.
    pub state: LineState,
    /// We hold this line (or are putting it on hold).
    pub held: bool,
    /// The other party holds us.
    pub remote_held: bool,
    /// The call is up but the signalling connection is not (the WebSocket dropped, or the
    /// phone is registering again): the audio may go on, but hold, transfer or hang-up wait
    /// for the connection to come back. The UI says "reconnecting" rather than a plain
    /// "Connected".
    pub reconnecting: bool,
    /// The line is a participant of the conference.
    pub in_conference: bool,
    /// The mixer port of this line's audio (for its speaking indicator).
    pub port: usize,
    /// The other party is on the agent's own SIP domain (another agent: an internal
    /// participant in spec terms), not an outside number.
    pub internal: bool,
    /// When the conversation began, for the call timer.
    pub connected_at: Option<Instant>,
    /// How the leg's media connection (ICE) is doing.
    pub media: MediaHealth,
    /// How the leg's audio is doing (loss, jitter, round trip, estimated MOS); None until
    /// the browser's first report on a connected call.
    pub quality: Option<CallQuality>,
    /// Answer and Decline are offered.
    pub can_answer: bool,
    /// Hang up (End call) is offered.
    pub can_hang_up: bool,
    /// Hold.
    pub hold: Control,
    /// Retrieve.
    pub retrieve: Control,
    /// The host's disconnect icon beside the participant (C14).
    pub disconnect: Control,
    /// Transfer (blind; attended to another connected line).
    pub transfer: Control,
    /// DTMF digits the far end sent, as a desk phone shows them.
    pub dtmf_received: String,
}

/// How a leg's media connection is doing, as the browser reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum MediaHealth {
    /// Being set up, or no report yet.
    #[default]
    Connecting,
    /// Audio flows.
    Connected,
    /// The path was lost for now; the browser is trying to get it back.
    Interrupted,
    /// The path failed; a restart (a new ICE offer) is under way where the call allows it.
    Restarting,
    /// The path failed and cannot be restarted.
    Failed,
}

/// One row of the Contact Info panel (C11, E3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Name or number; plain text, never markup.
    pub name: String,
    /// Where the participant stands.
    pub status: PartyStatus,
    /// The host's leg to this participant: its line (for disconnect) and media health.
    /// None in a participant's own view of the focus's list.
    pub leg: Option<(LineId, MediaHealth)>,
    /// The host's leg to this participant: how its audio is doing (None before the first
    /// report, and in a participant's own view of the focus's list).
    pub quality: Option<CallQuality>,
    /// On the agent's own SIP domain.
    pub internal: bool,
    /// This row is the conference's host (C1, C13): the agent's own row in its own
    /// conference, the focus's row in a participant's view.
    pub host: bool,
}

/// A participant's state, in RFC 4575 terms.
///
/// Not `#[non_exhaustive]`: the app words every state with no catch-all arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyStatus {
    /// Being dialled.
    DialingOut,
    /// Its phone rings.
    Alerting,
    /// Talking.
    Connected,
    /// On hold.
    OnHold,
    /// Left or was disconnected.
    Disconnected,
    /// A state this phone does not know (from another focus).
    Other,
}

impl PartyStatus {
    /// The RFC 4575 `status` token.
    pub const fn token(self) -> &'static str {
        match self {
            Self::DialingOut => "dialing-out",
            Self::Alerting => "alerting",
            Self::Connected => "connected",
            Self::OnHold => "on-hold",
            Self::Disconnected => "disconnected",
            Self::Other => "pending",
        }
    }

    /// From an RFC 4575 `status` token.
    pub fn from_token(token: &str) -> Self {
        match token {
            "dialing-out" | "dialing-in" => Self::DialingOut,
            "alerting" => Self::Alerting,
            "connected" => Self::Connected,
            "on-hold" => Self::OnHold,
            "disconnected" | "disconnecting" => Self::Disconnected,
            _ => Self::Other,
        }
    }
}

/// The conference as the host or a participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceView {
    /// This agent is the host (C1, C13).
    pub host: bool,
    /// Participants, the agent included.
    pub participants: usize,
    /// The agent left but its client keeps bridging the two others (C17 fallback).
    pub bridging: bool,
    /// The conference is on hold (the agent consults someone).
    pub held: bool,
    /// Everybody in it: for the host its own list, for a participant what the focus says
    /// (the agent itself left out).
    pub roster: Vec<Participant>,
}

/// Controls that act on the whole phone rather than one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Controls {
    /// Start call: with a call in progress it is a consultation (C3), which puts that call
    /// on hold first.
    pub dial: Control,
    /// Initiate single-step conference (C7).
    pub single_step: Control,
    /// Merge (C4).
    pub merge: Control,
    /// End conference (C15).
    pub end_conference: Control,
    /// Leave (C17).
    pub leave: Control,
}

/// The host pressed End call in its conference: end it for everyone, or leave (when the
/// rules let it: [`HangUpQuestion::leave`]), or cancel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HangUpQuestion {
    /// Leave (C17): enabled only with exactly three participants.
    pub leave: Control,
}

/// The question C5 asks before merging several held calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeConfirm {
    /// The held parties that would join.
    pub held: Vec<String>,
}

/// The whole phone as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneView {
    /// Registration status.
    pub registration: RegStatus,
    /// The line the agent is on: the one being talked to, else the newest.
    pub line: Option<LineView>,
    /// Every line, oldest first.
    pub lines: Vec<LineView>,
    /// The conference, when there is one.
    pub conference: Option<ConferenceView>,
    /// Phone-wide controls with their rules.
    pub controls: Controls,
    /// The agent's microphone is muted.
    pub muted: bool,
    /// A pending C5 confirmation.
    pub merge_confirm: Option<MergeConfirm>,
    /// A pending End call question of the host.
    pub hang_up_question: Option<HangUpQuestion>,
    /// The last thing the agent should know about (a failed command, a transfer's end).
    pub notice: Option<Notice>,
}

impl PhoneView {
    /// What the UI shows before any account signs in.
    pub fn signed_out() -> Self {
        let off = Control::off(Reason::NotRegistered);
        Self {
            registration: RegStatus::SignedOut,
            line: None,
            lines: Vec::new(),
            conference: None,
            controls: Controls {
                dial: off,
                single_step: off,
                merge: off,
                end_conference: off,
                leave: off,
            },
            merge_confirm: None,
            hang_up_question: None,
            muted: false,
            notice: None,
        }
    }
}
