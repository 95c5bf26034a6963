//! The browser edge of the softphone: WebSocket transport, RTCPeerConnection, the
//! AudioContext with the mixer worklet, timers. Thin plumbing only: every decision about
//! calls is made by the sans-IO `phone` engine; this crate moves bytes, tracks and samples.
//!
//! Everything here runs on the main thread of a browser page (wasm32-unknown-unknown).
//! Browser failures come back as [`WebError`], never as panics.

mod account;
mod ahead;
mod audio;
pub mod crm;
mod devices;
mod error;
mod gathering;
#[cfg(feature = "test-hooks")]
mod heap;
mod media;
mod notify;
mod peer;
mod probe;
mod rehearsal;
mod runtime;
mod spare;
mod stats;
mod timer;
mod transport;
mod worklet_msg;

pub use account::{host_of, parse_edges, Account, SignInError};
pub use ahead::{close_ahead, connect_ahead};
pub use audio::{can_choose_outputs, AudioEngine, MicProcessing, NoiseSuppression};
pub use devices::{audio_devices, AudioDevice, DeviceKind, DeviceWatch};
pub use error::WebError;
pub use gathering::GATHER_DEADLINE_MS;
pub use notify::{ask_notification_permission, notify_if_hidden, page_hidden};
pub use peer::{IceServer, PeerSession, PeerState};
pub use rehearsal::rehearse_sign_in;
pub use runtime::{DeviceChoice, Runtime, SIGNALLING_FIRST_MS};
pub use spare::SparePeer;
pub use timer::{after_paint, now_ms, sleep, Timer};
pub use transport::{TransportEvent, WsTransport};

/// The engine's view and command types, for the UI: it draws these and sends those, and
/// needs nothing else from the engine.
pub use phone::{
    CallQuality, Command, ConferenceView, Control, Controls, Direction, Failure, Instant, LineId,
    LineState, LineView, MediaError, MediaHealth, MergeConfirm, Notice, Outcome, Participant,
    PartyStatus, PhoneView, QualityLevel, Reason, RegFailure, RegStatus, TargetError, ToneRegion,
    Unsent, HELD_LIMIT,
};

/// 64 bits from the platform's CSPRNG (`crypto.getRandomValues`) for the engine's seed:
/// Call-IDs, tags and branches must not be guessable by another party on the path.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto (not a secure context): still unique per page, if guessable.
        bytes = (js_sys::Math::random() * (u64::MAX as f64))
            .to_bits()
            .to_le_bytes();
    }
    u64::from_le_bytes(bytes)
}
