//! What the engine tells the agent, as data: notices, reasons for disabled controls, call
//! outcomes and registration failures. The app words them in the agent's language (E6).
//!
//! None of these enums is `#[non_exhaustive]`: the app words every variant in each language
//! with a match that has no catch-all arm, so a new variant does not compile until it has
//! its words.

use crate::target::TargetError;

/// Something the agent should know after a command or an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A command needs a registered account.
    NotRegistered,
    /// The number field holds nothing dialable.
    BadTarget(TargetError),
    /// The agent dialled its own number.
    OwnNumber,
    /// Every mixer port is taken.
    NoFreeLine,
    /// Not a DTMF digit.
    NotDtmf {
        /// What was pressed.
        digit: char,
    },
    /// DTMF with no call to send it to.
    NoCallForDtmf,
    /// Our own session description could not be edited for a hold or retrieve.
    SdpUnreadable {
        /// The party of the line.
        party: String,
    },
    /// A previous hold or retrieve of this line is still in progress.
    StillUpdating {
        /// The party of the line.
        party: String,
    },
    /// The line cannot be renegotiated right now.
    CannotUpdate {
        /// The party of the line.
        party: String,
    },
    /// The far end refused to be put on hold.
    HoldFailed {
        /// The party of the line.
        party: String,
        /// The SIP status it answered.
        status: u16,
    },
    /// The far end refused to be taken off hold.
    RetrieveFailed {
        /// The party of the line.
        party: String,
        /// The SIP status it answered.
        status: u16,
    },
    /// The far end restarted its media connection (ICE) but did not agree to the new one.
    MediaRestartFailed {
        /// The party of the line.
        party: String,
    },
    /// C12: the focus could not be asked to add a party now.
    HostUnreachable,
    /// C12: the focus could not add the party; every call is as it was.
    AddFailed {
        /// Whom the agent wanted to add.
        party: String,
        /// The status the focus reported.
        status: u16,
    },
    /// C4: Merge needs a connected consultation and a held call.
    MergeNotPossible,
    /// C14: only the host disconnects participants.
    OnlyHostDisconnects,
    /// C15: only the host ends the conference.
    OnlyHostEnds,
    /// C17: the host leaves only with exactly three participants.
    LeaveNeedsThree {
        /// Participants now, the host included.
        count: usize,
    },
    /// C17/C18: nobody is connected yet to hand the call to.
    LeaveNeedsConnected,
    /// A transfer could not be started.
    TransferNotStarted,
    /// Attended transfer needs a connected consultation.
    TransferNeedsConsultation,
    /// Only a connected call can be transferred, one at a time.
    TransferNotPossible,
    /// The transfer completed; the agent is off both calls.
    Transferred,
    /// The transfer failed; the party is on hold.
    TransferFailed {
        /// The status the far end reported.
        status: u16,
    },
    /// C17: the host left; the two others talk on.
    LeftConference,
    /// C17 fallback: the transfer failed (or never completed) and this phone keeps the
    /// others connected.
    Bridging {
        /// The status the far end reported (None: no final answer in time).
        status: Option<u16>,
    },
    /// A conference-info NOTIFY could not be read; the list is as it was.
    RosterUnreadable,
    /// A leg's audio turned poor (its estimated MOS fell below about 3.1): the party may
    /// be breaking up, and it is the network, not the agent.
    PoorQuality {
        /// The party of the line.
        party: String,
        /// Its estimated MOS, in hundredths.
        mos_centi: u16,
    },
    /// Something the agent did while the connection was down never left: it waited
    /// `sip::HELD_LIMIT` for the connection and was given up, so the far end knows nothing
    /// of it (the line is as if the far end had not answered).
    NotSent {
        /// The party it was for.
        party: String,
        /// What it was.
        what: Unsent,
    },
}

/// What the agent did that could not be sent ([`Notice::NotSent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unsent {
    /// A hang-up (BYE) or the cancelling of a call still ringing (CANCEL).
    HangUp,
    /// Putting the call on hold.
    Hold,
    /// Taking the call off hold.
    Retrieve,
    /// A transfer (REFER).
    Transfer,
    /// Keypad tones sent as SIP INFO.
    Dtmf,
    /// A new call.
    Call,
}

/// Why a control is disabled (E2). Each names the rule of `spec/CONFERENCE.md` behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The account is not registered.
    NotRegistered,
    /// Every line is in use.
    LinesBusy,
    /// Hold: only a connected call that is not on hold.
    NotHoldable,
    /// Retrieve: the call is not on hold.
    NotOnHold,
    /// Merge needs a connected consultation and a held call (C4).
    MergeNeedsConsultation,
    /// Only the host disconnects participants (C14).
    OnlyHostDisconnects,
    /// The line is not a conference participant (C14).
    NotParticipant,
    /// Only the host ends the conference (C15).
    OnlyHostEnds,
    /// Not in a conference (C16).
    NotInConference,
    /// Only during a connected call (mute, keypad, end call).
    NotConnected,
    /// Transfer: only a connected call outside a conference, one transfer at a time.
    NotTransferable,
    /// The host leaves only with exactly three participants (C17).
    LeaveNeedsThree {
        /// Participants now, the host included.
        count: usize,
    },
}

impl Reason {
    /// The rule of `spec/CONFERENCE.md` behind it (`"REG"` for registration).
    pub const fn rule(self) -> &'static str {
        match self {
            Self::NotRegistered => "REG",
            Self::LinesBusy
            | Self::NotHoldable
            | Self::NotOnHold
            | Self::NotTransferable
            | Self::NotConnected => "E4",
            Self::MergeNeedsConsultation => "C4",
            Self::OnlyHostDisconnects | Self::NotParticipant => "C14",
            Self::OnlyHostEnds => "C15",
            Self::NotInConference => "C16",
            Self::LeaveNeedsThree { .. } => "C17",
        }
    }
}

/// Why a call failed, when it is not one of the everyday outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The far end or a server answered with this SIP status.
    Status(u16),
    /// The browser could not set up audio for the call.
    Media(MediaError),
    /// The call ended for a reason SIP does not tell.
    Unknown,
}

/// What went wrong in the browser's media work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaError {
    /// The microphone could not be opened.
    Microphone,
    /// The remote session description was refused.
    RemoteDescription,
    /// The browser could not make a local session description.
    LocalDescription,
    /// The peer connection could not be created.
    PeerConnection,
    /// The ICE connection failed and could not be restarted.
    Ice,
}

/// Why the account is not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegFailure {
    /// The registrar refused the credentials.
    WrongCredentials,
    /// The registrar answered with this status.
    Rejected {
        /// SIP status.
        status: u16,
    },
    /// No answer from the registrar.
    Timeout,
    /// No connection to any server; the phone keeps trying.
    ConnectionLost,
}
