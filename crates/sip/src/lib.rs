//! Sans-IO SIP (RFC 3261, RFC 7118): messages, dialogs, registration and a user agent.
//!
//! The message layer: [`Message::parse`] turns one WebSocket frame into a [`Request`] or [`Response`];
//! [`Request::to_bytes`] / [`Response::to_bytes`] print one. Headers keep their raw text
//! ([`Headers`]) and decode typed values ([`Via`], [`NameAddr`], [`CSeq`], [`RAck`],
//! [`DigestChallenge`]) on demand; the parser refuses a message whose numeric headers break
//! their grammar or bounds ([`NumericHeader`]). [`digest`] answers authentication challenges. Nothing here
//! does IO, reads a clock or draws random numbers: branch ids, tags and cnonces come from the
//! caller.
//!
//! On top of it, [`UserAgent`] registers an account and places and answers calls over one
//! WebSocket flow; its module docs spell out the driver loop.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod conference_info;
mod dialog;
pub mod digest;
mod digest_cache;
mod display;
mod error;
mod header;
mod headers;
mod lint;
mod message;
mod method;
mod parse;
mod registration;
mod rng;
pub mod sdp;
mod ua;
mod uri;
mod vec_map;

pub use conference_info::{
    ConferenceInfo, ConferenceInfoError, ConferenceUser, ElementState, UpdateError, XmlError,
    CONFERENCE_INFO,
};
pub use dialog::{Dialog, DialogError};
pub use digest::{DigestChallenge, DigestCredentials, DigestError};
pub use display::{display_text, MAX_DISPLAY_CHARS};
pub use error::ParseError;
pub use header::cseq::CSeq;
pub use header::name_addr::NameAddr;
pub use header::numeric::{NumberError, NumericHeader, MIN_SESSION_INTERVAL};
pub use header::params::Params;
pub use header::rack::RAck;
pub use header::via::Via;
pub use headers::{Header, Headers};
pub use lint::lint;
pub use message::{Message, Request, Response};
pub use method::Method;
pub use parse::Limits;
pub use registration::{RegistrationError, RegistrationState};
pub use rng::Rng;
pub use ua::DTMF_RELAY;
pub use ua::{
    caller_label, is_dtmf, percent_encode_header, CallId, EndReason, Malformed, Timer, UaConfig,
    UaError, UaEvent, UserAgent, HELD_LIMIT, T1, T2, TIMER_64T1, TIMER_C,
};
pub use uri::Uri;
pub use vec_map::VecMap;
