//! The snapshot the UI renders: everything it shows, nothing it must work out itself.

use web_time::Instant;

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Something else failed; the text says what.
    Failed(String),
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
    /// Signed in but not registered; the text says why.
    Failed(String),
}

/// One line as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    /// Which line.
    pub id: LineId,
    /// The other party: display name, else number or address. Plain text, never markup.
    pub peer: String,
    /// Who called whom.
    pub direction: Direction,
    /// Where the call stands.
    pub state: LineState,
    /// When the conversation began, for the call timer.
    pub connected_at: Option<Instant>,
    /// Answer and Decline are offered.
    pub can_answer: bool,
    /// Hang up is offered.
    pub can_hang_up: bool,
}

/// The whole phone as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneView {
    /// Registration status.
    pub registration: RegStatus,
    /// The current (or just ended) call.
    pub line: Option<LineView>,
    /// A new call may be started.
    pub can_dial: bool,
    /// The last thing that went wrong with a command, in words.
    pub notice: Option<String>,
}
