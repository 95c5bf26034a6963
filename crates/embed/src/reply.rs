//! The phone's answer to each command.

use serde::{Deserialize, Serialize};

/// The answer to one command, posted to the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reply {
    /// The protocol version: [`crate::VERSION`].
    pub softphone: u32,
    /// The command's id; `null` when the message was unreadable.
    pub id: Option<String>,
    /// What came of it.
    pub result: CommandResult,
}

/// Done, or why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CommandResult {
    /// The phone carried it out (a call's progress then comes as events).
    Done,
    /// Nothing was changed.
    Error {
        /// Why.
        reason: ErrorReason,
        /// For [`ErrorReason::SignInFailed`]: what the agent's own form would have said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        detail: Option<SignInProblem>,
    },
}

/// Why the phone refused credentials before registering: the same checks as its sign-in
/// form. A wrong password is not here: it shows later as a `registration` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignInProblem {
    /// The SIP address does not parse.
    BadAddress,
    /// The SIP address has no user part.
    NoUser,
    /// No server address.
    NoServer,
    /// A server address is not a `ws://` or `wss://` URL.
    BadServer,
    /// `ws://` to a host other than the agent's own machine (signalling in clear).
    InsecureServer,
    /// No password.
    NoPassword,
    /// The iframe lacks `allow="microphone"`.
    MicrophoneBlockedByFrame,
    /// The audio could not start (microphone refused, no AudioWorklet...).
    AudioFailed,
}

/// Why a command was refused. Nothing changed in the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorReason {
    /// Larger than [`crate::MAX_MESSAGE_BYTES`].
    TooLarge,
    /// Not a JSON object with `softphone`, `id` and `command`.
    Malformed,
    /// A `softphone` version this phone does not speak (it speaks [`crate::VERSION`]).
    UnsupportedVersion,
    /// A command `type` this version does not have.
    UnknownCommand,
    /// A known command with missing or wrong fields (or too many of them).
    BadArguments,
    /// The agent is not signed in.
    NotSignedIn,
    /// Already signed in.
    AlreadySignedIn,
    /// The deployment does not take credentials through postMessage.
    SignInDisabled,
    /// The credentials were refused before registering (bad address or server, no audio).
    SignInFailed,
    /// No call by that number, or none to act on.
    NoSuchCall,
    /// The phone's rules forbid it now (the control is disabled in the phone too).
    NotAllowed,
}

impl Reply {
    /// The reply of a command that was carried out.
    pub fn done(id: String) -> Self {
        Self {
            softphone: crate::VERSION,
            id: Some(id),
            result: CommandResult::Done,
        }
    }

    /// The reply of a command refused for `reason`.
    pub fn error(id: Option<String>, reason: ErrorReason) -> Self {
        Self {
            softphone: crate::VERSION,
            id,
            result: CommandResult::Error {
                reason,
                detail: None,
            },
        }
    }

    /// The reply of a `sign_in` refused before registering, with what was wrong.
    pub fn sign_in_failed(id: String, problem: SignInProblem) -> Self {
        Self {
            softphone: crate::VERSION,
            id: Some(id),
            result: CommandResult::Error {
                reason: ErrorReason::SignInFailed,
                detail: Some(problem),
            },
        }
    }
}

impl crate::Notice {
    /// `event`, in the current version.
    pub fn new(event: crate::Event) -> Self {
        Self {
            softphone: crate::VERSION,
            event,
        }
    }
}
