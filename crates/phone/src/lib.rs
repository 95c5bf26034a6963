//! Sans-IO call engine for the softphone: it turns the agent's commands and the network's
//! SIP into lines, media instructions and a [`PhoneView`] snapshot for the UI.
//!
//! # Driver loop
//! ```text
//! phone.handle(input, now)          // a command, a WebSocket frame, local SDP, transport up/down
//! while let Some(out) = phone.poll_output() { .. }   // frames to send, media work, view changed
//! phone.poll_timeout()              // arm one timer; on expiry call handle_timeout(now)
//! ```
//! Drain `poll_output` after every `handle` and `handle_timeout`, then re-arm the timer.
//! The engine owns policy: the UI renders [`Phone::view`] and never reaches into SIP.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod engine;
mod mix;
mod quality;
mod sdp_edit;
mod target;
mod view;
mod words;

pub use engine::{
    Backoff, Command, Input, MediaAction, Output, PeerState, Phone, PhoneConfig, MIX_PORTS,
};
pub use mix::{MixMatrix, Tone, ToneRegion};
pub use quality::{
    mos_from_r, CallQuality, EModel, LegStats, QualityLevel, OPUS_BPL, OPUS_DELAY, OPUS_IE,
};
pub use sip::HELD_LIMIT;
pub use target::{parse_target, TargetError};
pub use view::{
    ConferenceView, Control, Controls, Direction, HangUpQuestion, LineId, LineState, LineView,
    MediaHealth, MergeConfirm, Outcome, Participant, PartyStatus, PhoneView, RegStatus,
};
pub use web_time::Instant;
pub use words::{Failure, MediaError, Notice, Reason, RegFailure, Unsent};
