//! One line: a call leg from this agent to one remote party.

use sip::{CallId, Uri};
use web_time::Instant;

use crate::view::{Direction, LineId, LineState, MediaHealth};

/// A re-INVITE of ours that changes hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HoldOp {
    Hold(String),
    Resume(String),
}

/// Media work on a connected call that the browser is doing for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaOp {
    /// A new ICE offer after the path failed; it goes out as a re-INVITE.
    IceRestart,
    /// The answer to the peer's re-offer, made by the browser from that offer.
    Reanswer,
}

#[derive(Debug)]
pub(crate) struct Line {
    pub(crate) id: LineId,
    /// The mixer port of this leg's audio.
    pub(crate) port: usize,
    pub(crate) call: Option<CallId>,
    pub(crate) peer: String,
    pub(crate) direction: Direction,
    pub(crate) state: LineState,
    /// The peer agreed to be on hold.
    pub(crate) held: bool,
    pub(crate) hold_op: Option<HoldOp>,
    /// The peer put us on hold.
    pub(crate) remote_held: bool,
    /// The SDP we last sent, the base of hold and resume offers.
    pub(crate) local_sdp: Option<String>,
    /// The remote offer of an incoming call, until answered.
    pub(crate) offer: Option<String>,
    /// Where an outgoing call goes.
    pub(crate) target: Option<Uri>,
    /// The Replaces value for an outgoing INVITE (we are the transferee, RFC 5589).
    pub(crate) replaces: Option<String>,
    /// The line this one takes over: when it connects, that one reports success and ends.
    pub(crate) takes_over: Option<LineId>,
    /// An incoming INVITE with Replaces for this earlier line: answer without asking.
    pub(crate) replacing: Option<LineId>,
    /// As focus, we dialled this line at a participant's request (C12): tell that line how
    /// it went, but keep it.
    pub(crate) reports_to: Option<LineId>,
    /// The remote party's address (To of our INVITE, From of theirs).
    pub(crate) remote_uri: String,
    /// Our Contact in this dialog already said `isfocus`.
    pub(crate) told_focus: bool,
    /// The peer subscribed to our conference state.
    pub(crate) subscriber: bool,
    /// We subscribed to the peer's conference state (it is our focus).
    pub(crate) subscribed: bool,
    /// What the focus at the other end says about its conference (C11).
    pub(crate) roster: Option<Vec<sip::ConferenceUser>>,
    pub(crate) in_conference: bool,
    /// Dialled into the conference while ringing (C7, C8).
    pub(crate) single_step: bool,
    /// The far end sends early media (183 with SDP) while it rings.
    pub(crate) early_media: bool,
    pub(crate) connected_at: Option<Instant>,
    pub(crate) ended_at: Option<Instant>,
    /// How the browser says the leg's ICE path is doing.
    pub(crate) media: MediaHealth,
    /// Browser media work in progress whose SDP comes back as `LocalSdp`.
    pub(crate) media_op: Option<MediaOp>,
    /// The peer connection was closed (a while after the line ended, so the mixer's
    /// fade-out finishes first).
    pub(crate) closed: bool,
}

impl Line {
    pub(crate) fn new(id: LineId, port: usize, peer: String, direction: Direction) -> Self {
        let state = match direction {
            Direction::Outgoing => LineState::Dialing,
            Direction::Incoming => LineState::Incoming,
        };
        Self {
            id,
            port,
            call: None,
            // Whoever named the peer (its own From, a transferor, the agent), it is shown.
            peer: sip::display_text(&peer),
            direction,
            state,
            held: false,
            hold_op: None,
            remote_held: false,
            local_sdp: None,
            offer: None,
            target: None,
            replaces: None,
            takes_over: None,
            replacing: None,
            reports_to: None,
            remote_uri: String::new(),
            told_focus: false,
            subscriber: false,
            subscribed: false,
            roster: None,
            in_conference: false,
            single_step: false,
            early_media: false,
            connected_at: None,
            ended_at: None,
            media: MediaHealth::Connecting,
            media_op: None,
            closed: false,
        }
    }

    pub(crate) fn live(&self) -> bool {
        self.ended_at.is_none()
    }

    /// Its mixer port is still in use: live, or ended and fading out.
    pub(crate) fn holds_port(&self) -> bool {
        !self.closed
    }

    pub(crate) fn connected(&self) -> bool {
        self.state == LineState::Connected && self.live()
    }

    /// Dialing or ringing out.
    pub(crate) fn outgoing_attempt(&self) -> bool {
        matches!(self.state, LineState::Dialing | LineState::Ringing) && self.live()
    }

    /// On hold, or going on hold: the agent no longer talks to it.
    pub(crate) fn on_hold(&self) -> bool {
        // A resume stays "on hold" until the peer accepts it.
        self.hold_op.is_some() || self.held
    }
}
