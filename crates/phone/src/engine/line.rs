//! One line: a call leg from this agent to one remote party.

use sip::{CallId, Uri};
use web_time::Instant;

use crate::quality::CallQuality;
use crate::view::{Direction, LineId, LineState, MediaHealth};

/// Our side of hold (RFC 6337), with the offer in flight while it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Talking.
    #[default]
    Off,
    /// Our `sendonly` re-INVITE is out: this offer.
    Holding(String),
    /// The peer agreed to be on hold.
    Held,
    /// Our resuming re-INVITE is out: this offer. Still on hold until the peer agrees.
    Resuming(String),
}

impl Hold {
    /// A re-INVITE of ours is changing it.
    pub(crate) fn changing(&self) -> bool {
        matches!(self, Self::Holding(_) | Self::Resuming(_))
    }
}

/// Media work on a connected call that the browser is doing for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaOp {
    /// A new ICE offer after the path failed; it goes out as a re-INVITE.
    IceRestart,
    /// The answer to the peer's re-offer, made by the browser from that offer.
    Reanswer,
}

/// Who placed the call, with what only that side has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The agent (or a transfer) dialled `target`; `replaces` is the Replaces value of our
    /// INVITE when we are a transferee (RFC 5589).
    Outgoing {
        target: Uri,
        replaces: Option<String>,
    },
    /// Somebody called; their offer waits here until the agent answers.
    Incoming { offer: Option<String> },
}

impl Origin {
    pub(crate) fn direction(&self) -> Direction {
        match self {
            Self::Outgoing { .. } => Direction::Outgoing,
            Self::Incoming { .. } => Direction::Incoming,
        }
    }
}

/// A line born of a transfer, and the earlier line it answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// We are the transferee: when this call connects, that line reports success (RFC 3515
    /// NOTIFY) and ends; if it fails, that line reports the failure.
    TakesOver(LineId),
    /// An incoming INVITE with Replaces for that line: answered without asking, and that
    /// line ends once this one connects (RFC 3891).
    Replacing(LineId),
    /// As focus, we dialled this line at a participant's request (C12): tell that line how
    /// it went, but keep it.
    ReportsTo(LineId),
}

#[derive(Debug)]
pub(crate) struct Line {
    pub(crate) id: LineId,
    /// The mixer port of this leg's audio.
    pub(crate) port: usize,
    pub(crate) call: Option<CallId>,
    pub(crate) peer: String,
    pub(crate) origin: Origin,
    pub(crate) state: LineState,
    pub(crate) hold: Hold,
    /// The peer put us on hold.
    pub(crate) remote_held: bool,
    /// The SDP we last sent, the base of hold and resume offers.
    pub(crate) local_sdp: Option<String>,
    /// How this line's fate is tied to an earlier one (transfers), until it connects.
    pub(crate) link: Option<Link>,
    /// The remote party's address (To of our INVITE, From of theirs).
    pub(crate) remote_uri: String,
    /// Our Contact in this dialog already said `isfocus`.
    pub(crate) told_focus: bool,
    /// The peer subscribed to our conference state.
    pub(crate) subscriber: bool,
    /// We subscribed to the peer's conference state (it is our focus).
    pub(crate) subscribed: bool,
    /// What the focus at the other end says about its conference (C11): the state of the
    /// last NOTIFY applied, the later ones merged in (RFC 4575), ourselves included.
    pub(crate) roster: Option<sip::ConferenceInfo>,
    pub(crate) in_conference: bool,
    /// Dialled into the conference while ringing (C7, C8).
    pub(crate) single_step: bool,
    /// The far end sends early media (183 with SDP) while it rings.
    pub(crate) early_media: bool,
    pub(crate) connected_at: Option<Instant>,
    pub(crate) ended_at: Option<Instant>,
    /// The far end's SDP offers RFC 4733 telephone-events: DTMF goes in the media.
    pub(crate) telephone_event: bool,
    /// DTMF digits the far end sent us (SIP INFO or RFC 4733), shown on the call.
    pub(crate) dtmf_received: String,
    /// A completed transfer left this dialog to the other side to end: we end it ourselves
    /// at this time if it has not.
    pub(crate) bye_at: Option<Instant>,
    /// How the browser says the leg's ICE path is doing.
    pub(crate) media: MediaHealth,
    /// The leg's rated quality from the browser's last report (None before the first).
    pub(crate) quality: Option<CallQuality>,
    /// Browser media work in progress whose SDP comes back as `LocalSdp`.
    pub(crate) media_op: Option<MediaOp>,
    /// The peer connection was closed (a while after the line ended, so the mixer's
    /// fade-out finishes first).
    pub(crate) closed: bool,
}

impl Line {
    pub(crate) fn new(id: LineId, port: usize, peer: String, origin: Origin) -> Self {
        let state = match origin {
            Origin::Outgoing { .. } => LineState::Dialing,
            Origin::Incoming { .. } => LineState::Incoming,
        };
        Self {
            id,
            port,
            call: None,
            // Whoever named the peer (its own From, a transferor, the agent), it is shown.
            peer: sip::display_text(&peer),
            origin,
            state,
            hold: Hold::Off,
            remote_held: false,
            local_sdp: None,
            link: None,
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
            bye_at: None,
            telephone_event: false,
            dtmf_received: String::new(),
            media: MediaHealth::Connecting,
            quality: None,
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
        self.hold != Hold::Off
    }
}
