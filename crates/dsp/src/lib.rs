//! Audio kernels for the conference mixer, run inside an `AudioWorklet`.
//!
//! Everything works on fixed blocks of [`BLOCK`] frames, Web Audio's render quantum, at whatever
//! sample rate the `AudioContext` runs. Nothing here knows about worklets: the glue in
//! `www/mixer-worklet.js` copies each quantum into the static buffers of [`abi`] and calls the
//! exported functions, which drive one [`Mixer`].
//!
//! The driver loop, once per render quantum:
//!
//! 1. write every present input into its block (`abi::input_ptr`), build the presence mask;
//! 2. call `abi::process(mask)` ([`Mixer::process`] natively);
//! 3. read every output block (`abi::output_ptr`).
//!
//! Gain changes (`abi::set_gain`, [`Mixer::set_gain`]) may come at any time between quanta and
//! ramp in over [`RAMP_SECONDS`].
//!
//! Before mixing, [`abi`] passes every input through its [`OnsetGuard`], which fades a leg in
//! when it starts again after digital silence (a gap in its stream).
//!
//! Per block, [`Mixer::process`] meters every present input ([`Meter`]), mixes the matrix,
//! adds each output's tone ([`ToneGenerator`]) and limits each output ([`Limiter`]). The mix
//! and meter loops are written over four-lane vectors: `v128` when the crate is built for wasm32
//! with `-C target-feature=+simd128`, four scalars otherwise, with identical results.
//!
//! With the `denoise` feature, input 0 (the microphone) first goes through RNNoise
//! ([`denoise`]) while the page has it on.
//!
//! Nothing allocates in `process`: all state is fixed-size arrays, and the suppressor's heap
//! state is made once by `init` (checked by `tests/no_alloc.rs`).
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

// Native builds (the rlib in tests, the host cdylib that `cargo test` also links) take std's
// panic handler; the wasm32 cdylib brings its own (see `abi`).
#[cfg(not(target_arch = "wasm32"))]
extern crate std;
// The suppressor's state lives on the heap (made once, at start).
#[cfg(feature = "denoise")]
extern crate alloc;

pub mod abi;
#[cfg(feature = "denoise")]
pub mod denoise;
pub mod heap;
mod kernels;
mod lanes;
mod limiter;
mod meter;
mod mixer;
mod onset;
mod tones;

pub use limiter::{Limiter, CEILING, KNEE};
pub use meter::{Meter, PEAK_DECAY_DB_PER_SECOND, PEAK_HOLD_SECONDS, RMS_SECONDS};
pub use mixer::{Mixer, MAX_GAIN, RAMP_SECONDS};
pub use onset::{OnsetGuard, FADE_SECONDS, MIN_SILENCE_SECONDS};
pub use tones::{Region, Tone, ToneGenerator, DTMF_KEYS, TONE_RAMP_SECONDS};

/// Frames per block: the Web Audio render quantum.
pub const BLOCK: usize = 128;

/// Ports of the mixer: port 0 is the local microphone (input) and speaker (output), ports
/// `1..=16` are remote call legs.
pub const MAX_PORTS: usize = 17;

/// One block of mono samples.
pub type Block = [f32; BLOCK];

/// Sample rate used when [`Mixer::init`] or [`Limiter::new`] is given a nonsensical one.
pub const DEFAULT_SAMPLE_RATE: f32 = 48_000.0;

/// `sample_rate` if it is positive and finite, else [`DEFAULT_SAMPLE_RATE`].
pub(crate) fn sane_rate(sample_rate: f32) -> f32 {
    if sample_rate.is_finite() && sample_rate > 0.0 {
        sample_rate
    } else {
        DEFAULT_SAMPLE_RATE
    }
}
