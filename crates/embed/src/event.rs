//! What the phone tells the CRM without being asked.

use serde::{Deserialize, Serialize};

/// An event, as posted to the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Notice {
    /// The protocol version: [`crate::VERSION`].
    pub softphone: u32,
    /// What happened.
    pub event: Event,
}

/// Something that happened in the phone. Calls are numbered by `call`, which commands use
/// to name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The phone listens to this page now; posted once, first.
    Ready {
        /// The deployment lets [`crate::Command::SignIn`] through.
        credentials_sign_in: bool,
    },
    /// The agent's registration changed.
    Registration {
        /// Where it stands.
        state: Registration,
    },
    /// A call rings: open the caller's record.
    IncomingCall {
        /// The call.
        call: u32,
        /// Who calls.
        caller: Person,
    },
    /// A call changed (phase, hold, conference).
    CallState {
        /// The call.
        call: u32,
        /// Where it stands.
        phase: CallPhase,
        /// Who placed it.
        direction: Direction,
        /// The other party.
        party: Person,
        /// The agent holds it.
        held: bool,
        /// The other party holds the agent.
        remote_held: bool,
        /// It is part of the conference.
        conference: bool,
    },
    /// Who is in the conference changed; an empty list: the conference is over.
    Participants {
        /// The agent hosts it.
        host: bool,
        /// Everybody in it but the agent.
        participants: Vec<Party>,
    },
    /// A call is over.
    CallEnded {
        /// The call.
        call: u32,
        /// Who placed it.
        direction: Direction,
        /// The other party.
        party: Person,
        /// Talking time in milliseconds (0: it never connected).
        duration_ms: u32,
        /// How it ended.
        outcome: CallEnd,
    },
    /// Something the agent or the CRM must fix.
    Error {
        /// What.
        problem: Problem,
    },
}

/// The agent's registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Registration {
    /// Not signed in.
    SignedOut,
    /// Connecting or registering.
    Registering,
    /// Takes and places calls.
    Registered,
    /// Signed in but not registered; the phone keeps trying.
    Failed,
    /// Signing out.
    SigningOut,
}

/// The other party of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Person {
    /// What to dial to reach them (the number on the agent's domain, else `user@host`).
    pub number: String,
    /// Display name, else the number; plain text, never markup.
    pub name: String,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallPhase {
    /// Placing the call.
    Dialing,
    /// The called party's phone rings.
    Ringing,
    /// It rings here.
    Incoming,
    /// Answered; media is being set up.
    Answering,
    /// Talking.
    Connected,
    /// Over (a [`Event::CallEnded`] follows).
    Ended,
}

/// Who placed a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The agent.
    Outgoing,
    /// The other party.
    Incoming,
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallEnd {
    /// Somebody hung up after talking, or the agent cancelled.
    HungUp,
    /// The called party declined.
    Declined,
    /// Busy.
    Busy,
    /// No such number.
    NotFound,
    /// Not reachable, or no answer in time.
    NoAnswer,
    /// The caller gave up before the agent answered.
    Missed,
    /// Something failed.
    Failed,
}

/// One conference participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Party {
    /// Name or number; plain text.
    pub name: String,
    /// Where they stand.
    pub state: PartyState,
    /// Another agent (on the agent's own SIP domain), not an outside number.
    pub internal: bool,
}

/// A participant's state (RFC 4575 terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartyState {
    /// Being dialled.
    DialingOut,
    /// Their phone rings.
    Alerting,
    /// Talking.
    Connected,
    /// On hold.
    OnHold,
    /// Gone.
    Disconnected,
    /// Not known to this phone.
    Other,
}

/// A problem the phone reports on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// The iframe lacks `allow="microphone"`: the browser refuses the microphone to the phone
    /// whatever the agent says. The CRM must fix its iframe tag.
    MicrophoneBlockedByFrame,
    /// The agent (or the browser's settings) refused the microphone.
    MicrophoneDenied,
    /// The audio could not start for another reason.
    AudioFailed,
}
