//! The engine's inputs and outputs.

use crate::mix::MixMatrix;
use crate::quality::LegStats;
use crate::view::LineId;
use crate::words::MediaError;

/// What the agent asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Register the account.
    SignIn,
    /// End calls and unregister.
    SignOut,
    /// Call a number or SIP address; a call in progress goes on hold first (C3).
    Dial(String),
    /// "Initiate single-step conference" (C7): dial straight into the call in progress.
    DialConference(String),
    /// Answer the ringing incoming call; a call in progress goes on hold first.
    Answer,
    /// Answer this one of several calls ringing here.
    AnswerLine(LineId),
    /// Decline the ringing incoming call.
    Decline,
    /// End the call the agent is on ("End call", C6). In a conference: a participant
    /// leaves it (C16); the host is asked whether to end it for everyone or leave (C15,
    /// C17), see [`crate::PhoneView::hang_up_question`].
    HangUp,
    /// Dismiss the host's End call question: nothing changes.
    CancelHangUp,
    /// End one line (for the host, a participant: C14).
    HangUpLine(LineId),
    /// Put a line (or, for a conference participant, the whole conference) on hold.
    Hold(LineId),
    /// Take a line (or the conference) off hold; whatever the agent was on goes on hold.
    Retrieve(LineId),
    /// "Merge" (C4): join the held call(s) and the consultation call.
    Merge,
    /// Confirm the C5 question: conference all held calls.
    ConfirmMerge,
    /// Cancel the C5 question: nothing changes.
    CancelMerge,
    /// Host: disconnect one participant (C14).
    Disconnect(LineId),
    /// Host: end the conference for everyone (C15).
    EndConference,
    /// Host: leave a three-party conference; the two others go on talking (C17, C18).
    /// Participant: leave the conference (C16).
    Leave,
    /// Send a DTMF digit on the line the agent talks to (E4).
    Dtmf(char),
    /// Mute (true) or unmute the agent's microphone, in every call (E4).
    Mute(bool),
    /// Blind transfer: ask the party on `line` to call `target`, then leave (RFC 5589 §6).
    BlindTransfer {
        /// The line whose party is transferred.
        line: LineId,
        /// Number or SIP address to transfer to.
        target: String,
    },
    /// Attended transfer: connect the party on `line` with the party on `to` (whom the
    /// agent consulted), then leave both (RFC 5589 §7).
    AttendedTransfer {
        /// The line whose party is transferred.
        line: LineId,
        /// The consulted line that party replaces.
        to: LineId,
    },
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
        error: MediaError,
    },
    /// The browser reports how a line's peer connection (its ICE path) is doing.
    PeerState {
        /// Which line.
        line: LineId,
        /// The connection's state.
        state: PeerState,
    },
    /// The browser measured a leg's packets over the last interval (every 2 s while the
    /// call is up): the engine rates its quality and says when it turns poor.
    LegStats {
        /// Which line.
        line: LineId,
        /// Loss, jitter and round trip over the interval.
        stats: LegStats,
    },
}

/// A peer connection's state as the browser reports it (`RTCPeerConnection.connectionState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerState {
    /// Setting up.
    Connecting,
    /// Media flows.
    Connected,
    /// The path was lost; the browser may get it back by itself.
    Disconnected,
    /// The path failed: only an ICE restart brings it back.
    Failed,
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
    /// Apply an early (provisional, RFC 3262 §5 / 183) SDP answer: early media plays while
    /// the call still rings; the final answer follows as [`MediaAction::ApplyAnswer`].
    ApplyEarlyAnswer {
        /// The line.
        line: LineId,
        /// The provisional SDP answer.
        answer: String,
    },
    /// Apply the remote SDP answer to `line`'s peer connection.
    ApplyAnswer {
        /// The line.
        line: LineId,
        /// The remote SDP answer.
        answer: String,
    },
    /// Make a new offer with fresh ICE credentials on `line`'s peer connection (ICE
    /// restart, RFC 8839 §4.4.1.1); answer with [`Input::LocalSdp`]. It goes out in a
    /// re-INVITE, and the far end's answer comes back as [`MediaAction::ApplyAnswer`].
    RestartIce {
        /// The line.
        line: LineId,
    },
    /// Apply the far end's new offer (a re-INVITE) to `line`'s peer connection and answer
    /// it; answer with [`Input::LocalSdp`]. The answer's DTLS role, ICE and codecs are the
    /// browser's, as negotiated; `hold` makes our side send only (or nothing, if the
    /// offer holds us too).
    AnswerReoffer {
        /// The line.
        line: LineId,
        /// The far end's SDP offer.
        offer: String,
        /// We hold this line.
        hold: bool,
    },
    /// Send `digit` as an RFC 4733 telephone-event on `line`'s audio sender.
    SendDtmf {
        /// The line.
        line: LineId,
        /// `0-9`, `*`, `#`, `A-D`.
        digit: char,
    },
    /// Close `line`'s peer connection and free its mixer port. Comes a short while after
    /// the line ended, once its audio has faded out of the mix.
    Close {
        /// The line.
        line: LineId,
        /// The mixer port it used.
        port: usize,
    },
    /// Apply this who-hears-whom matrix (and tones) to the mixer.
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
    /// Open a WebSocket to this edge proxy; report [`Input::TransportUp`] when it opens,
    /// [`Input::TransportDown`] if it fails or later closes.
    Connect {
        /// The `ws://` or `wss://` URL.
        url: String,
    },
    /// Close the WebSocket (the flow is dead although the socket looks open, RFC 5626, or
    /// the agent signed out). Report [`Input::TransportDown`] when it has closed.
    Disconnect,
    /// Signing out is over: the registrar confirmed or the wait ran out. Every call and
    /// connection is closed; the engine can be dropped.
    SignedOut,
    /// [`crate::Phone::view`] changed: render it again.
    ViewChanged,
}
