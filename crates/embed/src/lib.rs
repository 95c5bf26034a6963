//! The message API between the softphone, running in an iframe, and the CRM page that
//! embeds it: defined once here, versioned, and shared by the phone (`web`), the SDK
//! (`www/embed/softphone.js`) and the CRM's TypeScript (`www/embed/softphone.d.ts`, generated
//! from these types with the `ts` feature: `cargo xtask embed-types`).
//!
//! The wire is `window.postMessage` with one JSON object per message:
//!
//! ```text
//! CRM -> phone  {"softphone": 1, "id": "7", "command": {"type": "dial", "number": "2002"}}
//! phone -> CRM  {"softphone": 1, "id": "7", "result": {"status": "done"}}          a Reply
//! phone -> CRM  {"softphone": 1, "event": {"type": "incoming_call", ...}}           a Notice
//! ```
//!
//! Every command gets exactly one [`Reply`] with its `id`: done, or an error with a typed
//! [`ErrorReason`]. A message that cannot be read at all is answered with `id: null`.
//! `softphone` is the protocol version; a phone answers other versions with
//! [`ErrorReason::UnsupportedVersion`] and does nothing.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod command;
mod deployment;
mod event;
mod json;
mod parse;
mod reply;
mod wire;

pub use command::{Command, DirectoryEntry, Language, Request};
pub use deployment::Deployment;
pub use event::{
    CallEnd, CallPhase, Direction, Event, Notice, Party, PartyState, Person, Problem, Registration,
};
pub use parse::{parse_request, Rejected, MAX_ID_CHARS, MAX_MESSAGE_BYTES};
pub use reply::{CommandResult, ErrorReason, Reply, SignInProblem};

/// The protocol version this phone speaks (the `softphone` field of every message).
pub const VERSION: u32 = 1;
