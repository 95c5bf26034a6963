//! What the user agent is configured with and what it reports: its account, call ids, events
//! for the call engine, and errors of its commands.

use core::fmt;

use crate::registration::RegistrationState;
use crate::{NameAddr, Uri};

/// Who this user agent is and how it signs in. Its `Debug` hides the password, so logs of
/// the user agent, the phone engine or their settings never carry it.
#[derive(Clone)]
pub struct UaConfig {
    /// Address of record, e.g. `sip:1001@127.0.0.1`.
    pub aor: Uri,
    /// Shown to the called party.
    pub display_name: Option<String>,
    /// Digest user name.
    pub auth_user: String,
    /// Digest password.
    pub password: String,
    /// Registration lifetime asked of the registrar, in seconds.
    pub register_expires: u32,
    /// RFC 5626 instance id (`urn:uuid:...`), stable per browser profile.
    pub instance_id: String,
    /// User-Agent header value.
    pub user_agent: String,
    /// Seed for tags, branches, Call-IDs and cnonces.
    pub seed: u64,
}

impl fmt::Debug for UaConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UaConfig")
            .field("aor", &self.aor)
            .field("display_name", &self.display_name)
            .field("auth_user", &self.auth_user)
            .field("password", &"<redacted>")
            .field("register_expires", &self.register_expires)
            .field("instance_id", &self.instance_id)
            .field("user_agent", &self.user_agent)
            .field("seed", &self.seed)
            .finish()
    }
}

/// A call known to the user agent; ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub u64);

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndReason {
    /// We hung up (BYE or CANCEL sent).
    LocalHangup,
    /// The peer hung up (BYE received).
    RemoteHangup,
    /// The caller gave up before we answered (CANCEL received).
    CallerCancelled,
    /// We declined an incoming call.
    LocalDecline,
    /// The called party declined (603, or 486 Busy Here, 600 Busy Everywhere).
    Rejected {
        /// SIP status.
        status: u16,
        /// Reason phrase as received.
        reason: String,
    },
    /// No final answer in time (Timer B), or no ACK to our 2xx.
    Timeout,
}

/// Something the call engine must know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UaEvent {
    /// Registration changed state.
    Registration(RegistrationState),
    /// A new incoming call with its SDP offer.
    Incoming {
        /// The new call.
        call: CallId,
        /// The caller as it appears in From.
        from: NameAddr,
        /// The SDP offer.
        offer: String,
        /// The call this one replaces (INVITE with Replaces, RFC 3891): answer it at once and
        /// end the replaced one.
        replaces: Option<CallId>,
    },
    /// A provisional answer to our INVITE (180 Ringing, 183 Session Progress).
    Progress {
        /// The call.
        call: CallId,
        /// 180, 183...
        status: u16,
        /// Early media: the SDP answer of a provisional response, if it had one.
        early_sdp: Option<String>,
    },
    /// The called party answered, with its SDP answer.
    Answered {
        /// The call.
        call: CallId,
        /// The SDP answer.
        answer: String,
    },
    /// The ACK to our 2xx arrived: the incoming call is fully up.
    Confirmed {
        /// The call.
        call: CallId,
    },
    /// The call is over.
    Ended {
        /// The call.
        call: CallId,
        /// Why.
        reason: EndReason,
    },
    /// The peer sent a new offer in a re-INVITE or an UPDATE (hold, resume, media change);
    /// answer it with [`UserAgent::answer_reoffer`] or refuse it with
    /// [`UserAgent::reject_reoffer`]. An empty offer (re-INVITE only) asks us for one.
    Reoffer {
        /// The call.
        call: CallId,
        /// The SDP offer (empty for an offerless re-INVITE; an offerless UPDATE is a session
        /// refresh the user agent answers itself).
        offer: String,
    },
    /// Our re-INVITE was accepted with this SDP answer.
    Renegotiated {
        /// The call.
        call: CallId,
        /// The SDP answer.
        answer: String,
    },
    /// Our re-INVITE failed; the session stays as it was before it (RFC 3261 §14.1).
    RenegotiationFailed {
        /// The call.
        call: CallId,
        /// The final status (408 for no answer).
        status: u16,
    },
    /// The peer asks us to call `target` (REFER, RFC 3515), usually to replace a dialog
    /// (attended transfer, RFC 5589). Report the outcome with [`UserAgent::refer_outcome`].
    Referred {
        /// The call the REFER came in.
        call: CallId,
        /// Where to send the new INVITE, without URI headers.
        target: Uri,
        /// Who that is, as the transferor named it.
        display: Option<String>,
        /// The Replaces header value to put in that INVITE, if any (RFC 3891).
        replaces: Option<String>,
    },
    /// The final outcome of a REFER we sent: the status the transferee reported in its
    /// NOTIFY, or the REFER's own failure status.
    TransferResult {
        /// The call the REFER went in.
        call: CallId,
        /// SIP status of the referred request (2xx is success).
        status: u16,
    },
    /// The peer of `call` subscribed to our conference: send it the state with
    /// [`UserAgent::notify_conference`].
    ConferenceSubscribed {
        /// The call.
        call: CallId,
    },
    /// Our focus sent its conference state (`application/conference-info+xml`).
    ConferenceState {
        /// The call to the focus.
        call: CallId,
        /// The body, unparsed.
        body: String,
        /// The subscription ended (the conference is over for us).
        ended: bool,
    },
    /// The peer sent a DTMF digit (SIP INFO).
    Dtmf {
        /// The call.
        call: CallId,
        /// 0-9, *, #, A-D.
        digit: char,
    },
    /// A request made while the transport was down waited [`super::HELD_LIMIT`] for it and
    /// was given up, never sent: the far end knows nothing of it. Its owner has already
    /// been told as after a timeout (a hang-up's call has ended here, a transfer failed);
    /// a held re-INVITE leaves the session as it was, with no other event.
    NotSent {
        /// The call it belonged to, if any.
        call: Option<CallId>,
        /// BYE, INVITE, re-INVITE (INVITE with a call that was up), REFER, CANCEL...
        method: crate::Method,
        /// Whom it was for (its To header).
        peer: Option<NameAddr>,
    },
    /// The registrar stopped answering keep-alives (RFC 5626): the WebSocket is dead even if
    /// the browser has not noticed. Close it and reconnect.
    FlowFailed,
    /// A received message was rejected; nothing else changed.
    Malformed {
        /// What was wrong with it.
        error: super::Malformed,
        /// The status we answered it with (400, or 422 or 513), or `None` when it was
        /// dropped (a response, an ACK, or a request too broken to answer).
        answered: Option<u16>,
    },
}

/// Errors from commands that name a call the user agent does not have, or one in the wrong state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UaError {
    /// No such call.
    #[error("no call {0:?}")]
    NoSuchCall(CallId),
    /// The command does not apply to the call's state.
    #[error("call {call:?} cannot {action} now")]
    WrongState {
        /// The call.
        call: CallId,
        /// What was asked.
        action: &'static str,
    },
}
