//! What the CRM asks the phone to do.

use serde::{Deserialize, Serialize};

/// One command from the CRM, with the id its [`crate::Reply`] will carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Request {
    /// The protocol version: [`crate::VERSION`].
    pub softphone: u32,
    /// Chosen by the CRM (at most [`crate::MAX_ID_CHARS`] characters); echoed in the reply.
    pub id: String,
    /// What to do.
    pub command: Command,
}

/// A call is named by the number the phone gave it in its events (`call`); where a command
/// leaves it out, it acts on the call the agent is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Sign in with SIP credentials. Refused ([`crate::ErrorReason::SignInDisabled`]) unless
    /// the deployment's `embed.json` sets `"credentials_sign_in": true`: otherwise no password
    /// ever travels through postMessage.
    SignIn {
        /// `sip:user@domain`.
        sip_uri: String,
        /// The SIP password.
        password: String,
        /// The edge proxies' WebSocket URLs, separated by spaces or commas.
        servers: String,
    },
    /// Click-to-dial; a call in progress goes on hold first. With `single_step`, dial
    /// straight into the call in progress (a single-step conference).
    Dial {
        /// A number or SIP address.
        number: String,
        /// Dial into the call in progress instead of consulting.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        single_step: Option<bool>,
    },
    /// Answer a ringing call.
    Answer {
        /// Which one, when several ring.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        call: Option<u32>,
    },
    /// Decline the ringing call.
    Decline,
    /// End a call.
    HangUp {
        /// Which one.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        call: Option<u32>,
    },
    /// Put a call on hold.
    Hold {
        /// Which one.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        call: Option<u32>,
    },
    /// Take a call off hold.
    Retrieve {
        /// Which one.
        call: u32,
    },
    /// Mute or unmute the agent's microphone.
    Mute {
        /// `true` to mute.
        on: bool,
    },
    /// Send DTMF digits (`0-9 * # A-D`) on the call the agent is on.
    Dtmf {
        /// The digits.
        digits: String,
    },
    /// Ask the other party of `call` to call `number` instead, and leave.
    BlindTransfer {
        /// Which call.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        call: Option<u32>,
        /// Where to.
        number: String,
    },
    /// Connect the other party of `call` with the party of `to` (consulted), and leave both.
    AttendedTransfer {
        /// The call whose party is transferred.
        call: u32,
        /// The consultation call.
        to: u32,
    },
    /// Merge the held call(s) and the consultation into a conference.
    Merge,
    /// Replace the Directory the agent picks numbers from.
    SetDirectory {
        /// The entries, at most a few thousand.
        entries: Vec<DirectoryEntry>,
    },
    /// Switch the phone's language.
    SetLanguage {
        /// The language.
        language: Language,
    },
}

impl Command {
    /// Every command's `type`, so an unknown one can be told from known one with bad fields.
    pub const TYPES: [&'static str; 14] = [
        "sign_in",
        "dial",
        "answer",
        "decline",
        "hang_up",
        "hold",
        "retrieve",
        "mute",
        "dtmf",
        "blind_transfer",
        "attended_transfer",
        "merge",
        "set_directory",
        "set_language",
    ];
}

/// One Directory entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DirectoryEntry {
    /// Shown to the agent.
    pub name: String,
    /// Dialled.
    pub number: String,
}

/// A language of the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Language {
    /// English.
    En,
    /// Spanish.
    Es,
}
