//! The browser edge of the softphone: WebSocket transport, RTCPeerConnection, the
//! AudioContext with the mixer worklet, timers. Thin plumbing only: every decision about
//! calls is made by the sans-IO `phone` engine; this crate moves bytes, tracks and samples.
//!
//! Everything here runs on the main thread of a browser page (wasm32-unknown-unknown).
//! Browser failures come back as [`WebError`], never as panics.

mod audio;
mod devices;
mod error;
mod peer;
mod probe;
mod timer;
mod transport;

pub use audio::{can_choose_outputs, AudioEngine};
pub use devices::{audio_devices, AudioDevice, DeviceKind, DeviceWatch};
pub use error::WebError;
pub use peer::{IceServer, PeerSession, PeerState};
pub use timer::{now_ms, sleep, Timer};
pub use transport::{TransportEvent, WsTransport};
