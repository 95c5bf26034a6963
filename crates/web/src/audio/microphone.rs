//! The microphone: opened with or without the browser's voice processing, switched live
//! without touching the calls.

use js_sys::Object;
use wasm_bindgen::prelude::*;
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack};

use super::{set, AudioEngine};
use crate::error::{await_promise, window, JsResultExt, WebError};

/// The browser's own processing of the microphone (`getUserMedia` constraints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicProcessing {
    /// Echo cancellation, noise suppression and automatic gain, as the browser does them.
    pub voice: bool,
    /// Our suppressor runs in the worklet: the browser's noise suppression stays off whatever
    /// [`voice`](Self::voice) says, so that the two do not fight (its echo cancellation and
    /// automatic gain still follow `voice`).
    pub noise_in_worklet: bool,
}

impl MicProcessing {
    /// The browser's `noiseSuppression` constraint.
    pub fn browser_noise_suppression(self) -> bool {
        self.voice && !self.noise_in_worklet
    }
}

impl Default for MicProcessing {
    /// On for agents (laptop speakers echo), with noise suppressed in the worklet rather than
    /// by the browser; the test build turns it all off so that the fake microphones' tones
    /// reach the far end unaltered.
    fn default() -> Self {
        let agents = !cfg!(feature = "test-hooks");
        Self {
            voice: agents,
            noise_in_worklet: agents,
        }
    }
}

fn mic_constraints(
    device: Option<&str>,
    processing: MicProcessing,
) -> Result<MediaStreamConstraints, WebError> {
    let audio = Object::new();
    if let Some(id) = device.filter(|id| !id.is_empty()) {
        let exact = Object::new();
        set(&exact, "exact", &id.into())?;
        set(&audio, "deviceId", &exact)?;
    }
    for key in ["echoCancellation", "autoGainControl"] {
        set(&audio, key, &JsValue::from_bool(processing.voice))?;
    }
    let noise = processing.browser_noise_suppression();
    set(&audio, "noiseSuppression", &JsValue::from_bool(noise))?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&audio);
    constraints.set_video(&JsValue::FALSE);
    Ok(constraints)
}

/// getUserMedia for `device`, or the default microphone when that one is gone; the flag says
/// whether it fell back.
pub(super) async fn open_microphone(
    devices: &web_sys::MediaDevices,
    device: Option<&str>,
    processing: MicProcessing,
) -> Result<(MediaStream, bool), WebError> {
    let ask = |d: Option<&str>| -> Result<js_sys::Promise, WebError> {
        devices
            .get_user_media_with_constraints(&mic_constraints(d, processing)?)
            .op("getUserMedia")
    };
    match await_promise(ask(device)?, "getUserMedia").await {
        Ok(stream) => Ok((stream.unchecked_into(), false)),
        Err(_) if device.is_some_and(|d| !d.is_empty()) => {
            let stream = await_promise(ask(None)?, "getUserMedia").await?;
            Ok((stream.unchecked_into(), true))
        }
        Err(e) => Err(e),
    }
}

pub(super) fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

impl AudioEngine {
    /// Whether the microphone asked for last was missing and the default one took its place.
    pub fn microphone_fell_back(&self) -> bool {
        self.inner.mic_fell_back.get()
    }

    /// Switches to the microphone `device` (None: the default) without touching the calls:
    /// the new source takes input 0 and the old one stops. Resolves to whether it had to
    /// fall back to the default.
    pub async fn use_microphone(&self, device: Option<&str>) -> Result<bool, WebError> {
        let devices = window()?
            .navigator()
            .media_devices()
            .op("navigator.mediaDevices")?;
        let (mic, fell_back) =
            open_microphone(&devices, device, self.inner.processing.get()).await?;
        let source = self
            .inner
            .ctx
            .create_media_stream_source(&mic)
            .op("createMediaStreamSource (microphone)")?;
        source
            .connect_with_audio_node_and_output_and_input(&self.inner.node, 0, 0)
            .op("connect microphone")?;
        let old_source = self.inner.mic_source.replace(source);
        old_source.disconnect().ok();
        let old = self.inner.mic.replace(mic);
        stop_tracks(&old);
        self.inner.mic_fell_back.set(fell_back);
        Ok(fell_back)
    }

    /// The microphone's stream (for device labels or a local level meter).
    pub fn microphone(&self) -> MediaStream {
        self.inner.mic.borrow().clone()
    }
}
