//! The worklet's noise suppression of the agent's microphone (RNNoise in `dsp.wasm`, on
//! input 0 before the mix), switched live; the browser's own `noiseSuppression` is turned off
//! on the microphone while ours is on, so that the two do not fight.

use js_sys::Object;
use wasm_bindgen::prelude::*;
use web_sys::{MediaStreamTrack, MediaTrackConstraints};

use super::{set, AudioEngine, MicProcessing};
use crate::error::{await_promise, console_warn};
use crate::worklet_msg::WorkletMsg;

/// The rate the page's AudioContext runs at: the suppressor's network was trained on 48 kHz.
pub(super) const RATE: f32 = 48_000.0;

/// Our suppression of noise on the microphone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseSuppression {
    /// Whether the microphone goes through the suppressor (it adds 19.33 ms while on).
    pub on: bool,
    /// 0..1: how much of the network's output replaces the microphone (1: all of it).
    pub strength: f32,
}

impl NoiseSuppression {
    /// Full strength: RNNoise's output as it is.
    pub const FULL: f32 = 1.0;

    /// The worklet's `{on, strength}` (its `denoise` option and message).
    pub(super) fn to_js(self) -> JsValue {
        let o = Object::new();
        // Setting a property on a fresh plain object cannot fail.
        let _ = set(&o, "on", &JsValue::from_bool(self.on));
        let _ = set(&o, "strength", &JsValue::from(self.strength));
        o.into()
    }
}

impl Default for NoiseSuppression {
    /// On at full strength for agents (contact centers are loud); off in the test build, where
    /// the fake microphones' tones must reach the far end unaltered (a steady tone is what
    /// the network takes for noise).
    fn default() -> Self {
        Self {
            on: !cfg!(feature = "test-hooks"),
            strength: Self::FULL,
        }
    }
}

impl AudioEngine {
    /// Switches our noise suppression at once (from the next render quantum), and the
    /// browser's own on the microphone the other way when the agent keeps the browser's voice
    /// processing (a microphone chosen later is opened the same way).
    pub fn set_noise_suppression(&self, noise: NoiseSuppression) {
        let strength = if noise.strength.is_finite() {
            noise.strength.clamp(0.0, 1.0)
        } else {
            NoiseSuppression::FULL
        };
        let noise = NoiseSuppression { strength, ..noise };
        let before = self.inner.processing.get();
        let now = MicProcessing {
            noise_in_worklet: noise.on,
            ..before
        };
        self.inner.noise.set(noise);
        self.inner.processing.set(now);
        self.post(&WorkletMsg::Denoise(noise));
        if now.browser_noise_suppression() != before.browser_noise_suppression() {
            let tracks = self.inner.mic.borrow().get_audio_tracks();
            for track in tracks.iter() {
                if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                    apply_browser_noise(track, now.browser_noise_suppression());
                }
            }
        }
    }

    /// Our noise suppression as last set.
    pub fn noise_suppression(&self) -> NoiseSuppression {
        self.inner.noise.get()
    }
}

/// `track.applyConstraints({noiseSuppression})`: the browser may refuse (a device that
/// cannot), which leaves the microphone as it was and is only worth a warning.
fn apply_browser_noise(track: MediaStreamTrack, on: bool) {
    let constraints = MediaTrackConstraints::new();
    if set(&constraints, "noiseSuppression", &JsValue::from_bool(on)).is_err() {
        return;
    }
    let Ok(promise) = track.apply_constraints_with_constraints(&constraints) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = await_promise(promise, "applyConstraints").await {
            console_warn(&e.to_string());
        }
    });
}
