//! Output devices: the speaker (the AudioContext's sink) and the ringer, which has its own
//! worklet output and `<audio>` element so that it can ring on another device.

use std::cell::RefCell;

use js_sys::Reflect;
use phone::{Tone, ToneRegion};
use wasm_bindgen::prelude::*;
use web_sys::{
    AnalyserNode, AudioContext, AudioWorkletNode, HtmlAudioElement, MediaStreamAudioDestinationNode,
};

use super::remote::hidden_audio;
use super::{has, AudioEngine, PROBE_FFT_SIZE};
use crate::error::{await_promise, console_warn, ignore_promise, JsResultExt, WebError};
use crate::worklet_msg::WorkletMsg;

/// The ringer's way out: worklet output `ports` into an `<audio>` element of its own.
pub(super) struct Ringer {
    pub(super) dest: MediaStreamAudioDestinationNode,
    pub(super) element: HtmlAudioElement,
    pub(super) analyser: AnalyserNode,
    /// The ringer's `deviceId`; `None` follows the speaker.
    pub(super) device: RefCell<Option<String>>,
}

impl Ringer {
    pub(super) fn build(
        ctx: &AudioContext,
        node: &AudioWorkletNode,
        ports: u32,
    ) -> Result<Self, WebError> {
        let dest = ctx
            .create_media_stream_destination()
            .op("createMediaStreamDestination (ringer)")?;
        dest.set_channel_count(1);
        node.connect_with_audio_node_and_output(&dest, ports)
            .op("connect ringer")?;
        let analyser = ctx.create_analyser().op("createAnalyser (ringer)")?;
        analyser.set_fft_size(PROBE_FFT_SIZE);
        node.connect_with_audio_node_and_output(&analyser, ports)
            .op("connect ringer analyser")?;
        // Started now, inside the sign-in gesture, so that it may sound later without one.
        let element = hidden_audio(&dest.stream(), false, ("data-softphone-ringer", ""))?;
        Ok(Self {
            dest,
            element,
            analyser,
            device: RefCell::new(None),
        })
    }

    async fn set_sink(&self, device: &str) -> Result<(), WebError> {
        set_sink(
            self.element.as_ref(),
            device,
            "choosing the ringer device (HTMLMediaElement.setSinkId)",
        )
        .await
    }
}

/// Whether this browser lets a page choose its output devices: `setSinkId` on both
/// AudioContext (the speaker) and media elements (the ringer); Chromium 110+ has both.
pub fn can_choose_outputs() -> bool {
    let global = js_sys::global();
    let has_sink = |class: &str| {
        Reflect::get(&global, &JsValue::from_str(class))
            .and_then(|c| Reflect::get(&c, &JsValue::from_str("prototype")))
            .is_ok_and(|proto| has(&proto, "setSinkId"))
    };
    has_sink("AudioContext") && has_sink("HTMLMediaElement")
}

/// `target.setSinkId(device)` (an AudioContext or a media element), or `Unsupported(what)`
/// where the browser cannot choose.
async fn set_sink(target: &JsValue, device: &str, what: &'static str) -> Result<(), WebError> {
    let set_sink = Reflect::get(target, &JsValue::from_str("setSinkId"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(WebError::Unsupported(what))?;
    let promise: js_sys::Promise = set_sink
        .call1(target, &JsValue::from_str(device))
        .op("setSinkId")?
        .unchecked_into();
    await_promise(promise, "setSinkId").await.map(drop)
}

impl AudioEngine {
    /// Plays the speaker output on the output `device` (`""`: the default), where the browser
    /// can choose (`AudioContext.setSinkId`, Chromium 110+). A ringer that follows the speaker
    /// moves with it.
    pub async fn use_speaker(&self, device: &str) -> Result<(), WebError> {
        set_sink(
            self.inner.ctx.as_ref(),
            device,
            "choosing the speaker (AudioContext.setSinkId)",
        )
        .await?;
        self.inner.speaker.replace(device.to_owned());
        if self.inner.ringer.device.borrow().is_none() {
            // Best effort: the calls are on the new speaker whatever the ringer does.
            if let Err(e) = self.inner.ringer.set_sink(device).await {
                console_warn(&format!("ringer did not follow the speaker: {e}"));
            }
        }
        Ok(())
    }

    /// Rings on the output `device` (`Some("")`: the system default), or on whatever the
    /// speaker uses (`None`, the default).
    pub async fn use_ringer(&self, device: Option<&str>) -> Result<(), WebError> {
        let sink = match device {
            Some(d) => d.to_owned(),
            None => self.inner.speaker.borrow().clone(),
        };
        self.inner.ringer.set_sink(&sink).await?;
        self.inner.ringer.device.replace(device.map(str::to_owned));
        Ok(())
    }

    /// Rings incoming calls with `ringtone`'s cadence (`None`: the call-progress tones'
    /// region).
    pub fn set_ringtone(&self, ringtone: Option<ToneRegion>) {
        self.inner.ringtone.set(ringtone);
    }

    /// Plays the ring with `ringtone`'s cadence on the ringer, so the agent hears its choice;
    /// [`stop_ringer`](Self::stop_ringer) ends it.
    pub fn preview_ringtone(&self, ringtone: ToneRegion) {
        if let Ok(playing) = self.inner.ringer.element.play() {
            ignore_promise(playing);
        }
        self.post(&WorkletMsg::Ringer {
            tone: Tone::Ring,
            region: ringtone,
        });
    }

    /// Fades the ringer out.
    pub fn stop_ringer(&self) {
        self.post(&WorkletMsg::RingerStop);
    }

    /// Plays `tone` (the incoming-call ring) on the ringer, in `region`'s variant (or the
    /// agent's ringtone).
    pub fn play_ringer(&self, tone: Tone, region: ToneRegion) {
        let region = if tone == Tone::Ring {
            self.inner.ringtone.get().unwrap_or(region)
        } else {
            region
        };
        // The element was started from the sign-in click; this only matters if the browser
        // paused it since (it does nothing when already playing).
        if let Ok(playing) = self.inner.ringer.element.play() {
            ignore_promise(playing);
        }
        self.post(&WorkletMsg::Ringer { tone, region });
    }
}
