//! The audio graph: microphone and remote legs into the mixer worklet, its outputs to the
//! speaker and to the legs' outgoing tracks.
//!
//! ```text
//! mic ──────────────► worklet in 0      worklet out 0 ──► speaker (ctx.destination)
//!                                                     └──► AnalyserNode (test probe)
//! remote leg k ─────► worklet in k      worklet out k ──► MediaStreamAudioDestinationNode k
//!  (+ muted <audio>)                                        └─ its track: what leg k sends
//!                                       worklet out P ──► MediaStreamAudioDestinationNode
//!                                         (the ringer)      └─ <audio> on the ringer device
//!                                                     └──► AnalyserNode (test probe)
//! ```
//!
//! The ringer has its own output and its own `<audio>` element so that it can ring on another
//! device than the one the calls are heard on (`HTMLMediaElement.setSinkId`); by default it
//! follows the speaker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{
    AnalyserNode, AudioContext, AudioContextState, AudioWorkletNode, AudioWorkletNodeOptions,
    ChannelCountMode, MediaStream, MediaStreamAudioDestinationNode, MediaStreamAudioSourceNode,
    MediaStreamTrack,
};

mod microphone;
mod noise;
mod outputs;
mod remote;
mod warm;

pub use microphone::MicProcessing;
pub use noise::NoiseSuppression;
pub use outputs::can_choose_outputs;
pub(crate) use warm::prepare_audio;

use microphone::{open_microphone, stop_tracks};
use outputs::Ringer;
use remote::{remove_element, Remote};

use crate::error::{await_promise, console_warn, ignore_promise, window, JsResultExt, WebError};
use crate::probe::{self, Probe};
use crate::worklet_msg::WorkletMsg;

/// The processor name registered by `mixer-worklet.js`.
const PROCESSOR: &str = "softphone-mixer";
const PROBE_FFT_SIZE: u32 = 8192;

/// The page's audio: one AudioContext, the mixer worklet with `ports` ports (0 is the
/// agent: microphone in, speaker out; 1.. are remote legs). Cheap to clone; all clones are
/// the same engine. Dropping the last clone closes it.
#[derive(Clone)]
pub struct AudioEngine {
    inner: Rc<Inner>,
}

struct Inner {
    ctx: AudioContext,
    node: AudioWorkletNode,
    port: web_sys::MessagePort,
    ports: u32,
    mic: RefCell<MediaStream>,
    mic_source: RefCell<MediaStreamAudioSourceNode>,
    analyser: AnalyserNode,
    ringer: Ringer,
    /// The speaker's `deviceId` (`""`: the default), which a ringer that follows it uses.
    speaker: RefCell<String>,
    /// Index `k - 1` feeds port `k`'s outgoing track.
    outgoing: Vec<MediaStreamAudioDestinationNode>,
    /// Index `k - 1` holds what feeds port `k`'s input.
    remotes: RefCell<Vec<Option<Remote>>>,
    probe: RefCell<Option<Probe>>,
    _on_processor_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_port_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    closed: Cell<bool>,
    /// The microphone asked for was not there; the default one is in use.
    mic_fell_back: Cell<bool>,
    /// The agent's ringtone: a cadence of the tone plans the DSP knows (`None`: the
    /// engine's region, like the call-progress tones).
    ringtone: Cell<Option<phone::ToneRegion>>,
    /// The browser's voice processing of the microphone, kept when it is switched (and its
    /// noise suppression turned off while ours is on).
    processing: Cell<MicProcessing>,
    /// The worklet's noise suppression of the microphone, as last set.
    noise: Cell<NoiseSuppression>,
    /// The latest `[rms, peak]` of every input port, from the worklet's meters messages.
    levels: Rc<RefCell<Vec<(f32, f32)>>>,
}

/// Closes the context if `start` fails half way, so a failed start leaks nothing.
struct CtxGuard(Option<AudioContext>);

impl Drop for CtxGuard {
    fn drop(&mut self) {
        if let Some(ctx) = self.0.take() {
            if let Ok(p) = ctx.close() {
                ignore_promise(p);
            }
        }
    }
}

fn join(base_url: &str, file: &str) -> String {
    if base_url.is_empty() || base_url.ends_with('/') {
        format!("{base_url}{file}")
    } else {
        format!("{base_url}/{file}")
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) -> Result<(), WebError> {
    Reflect::set(target, &JsValue::from_str(key), value)
        .op("Reflect.set")
        .map(drop)
}

fn has(target: &JsValue, key: &str) -> bool {
    Reflect::get(target, &JsValue::from_str(key)).is_ok_and(|v| !v.is_undefined() && !v.is_null())
}

impl AudioEngine {
    /// Builds the whole graph. `base_url` is where `dsp.wasm` and `mixer-worklet.js` are
    /// served (`"./"` next to index.html). `ports` counts port 0 (the agent) and must be at
    /// least 1.
    ///
    /// Call it from a user gesture (a click) if you can: the AudioContext (made here, or
    /// earlier by [`Runtime::prepare_audio`](crate::Runtime::prepare_audio)) is resumed before the first await, so it runs;
    /// otherwise it stays suspended and [`resume`](Self::resume) must be called from a
    /// gesture later. Asks for the default
    /// microphone with the browser's voice processing as [`MicProcessing::default`] says, and
    /// our noise suppression as [`NoiseSuppression::default`] does.
    pub async fn start(base_url: &str, ports: u32) -> Result<Self, WebError> {
        let (processing, noise) = (MicProcessing::default(), NoiseSuppression::default());
        Self::start_with_microphone(base_url, ports, None, processing, noise).await
    }

    /// [`start`](Self::start) with the microphone `device` (a `deviceId`); when that device
    /// is gone the default microphone is used instead and
    /// [`microphone_fell_back`](Self::microphone_fell_back) says so. `noise` is the worklet's
    /// suppression from the first quantum; it decides `processing.noise_in_worklet`.
    pub async fn start_with_microphone(
        base_url: &str,
        ports: u32,
        device: Option<&str>,
        processing: MicProcessing,
        noise: NoiseSuppression,
    ) -> Result<Self, WebError> {
        if ports == 0 {
            return Err(WebError::BadPort(0));
        }
        let processing = MicProcessing {
            noise_in_worklet: noise.on,
            ..processing
        };
        let window = window()?;
        // Taken ready when the sign-in form prepared it (warm.rs), begun here otherwise.
        let warm = warm::take_or_begin(base_url)?;
        let ctx = warm.ctx.clone();
        let mut guard = CtxGuard(Some(ctx.clone()));
        // Made before any click, it is suspended; this runs from the agent's click (or after
        // one: sticky activation), and is not awaited so that a page with no click yet
        // builds its graph as before and starts playing at `resume`.
        if let Ok(p) = ctx.resume() {
            ignore_promise(p);
        }
        let navigator = window.navigator();
        if !has(&navigator, "mediaDevices") {
            return Err(WebError::Unsupported(
                "navigator.mediaDevices (needs https or localhost)",
            ));
        }
        let devices = navigator.media_devices().op("navigator.mediaDevices")?;
        // Nothing to ask the microphone for when the mixer cannot run.
        let module = warm.ready().await?;
        let (mic, fell_back) = open_microphone(&devices, device, processing).await?;

        let result = Self::build(&ctx, &module, mic.clone(), ports, processing, noise);
        if let Ok(engine) = &result {
            engine.inner.mic_fell_back.set(fell_back);
        }
        if result.is_err() {
            stop_tracks(&mic);
        }
        let engine = result?;
        guard.0 = None;
        Ok(engine)
    }

    fn build(
        ctx: &AudioContext,
        module: &JsValue,
        mic: MediaStream,
        ports: u32,
        processing: MicProcessing,
        noise: NoiseSuppression,
    ) -> Result<Self, WebError> {
        let processor_options = Object::new();
        set(&processor_options, "module", module)?;
        set(&processor_options, "ports", &ports.into())?;
        set(&processor_options, "denoise", &noise.to_js())?;
        // One output per port, then the ringer's.
        let channel_counts: Array = (0..=ports).map(|_| JsValue::from(1)).collect();
        let options = AudioWorkletNodeOptions::new();
        options.set_number_of_inputs(ports);
        options.set_number_of_outputs(ports + 1);
        options.set_output_channel_count(&channel_counts);
        options.set_channel_count(1);
        options.set_channel_count_mode(ChannelCountMode::Explicit);
        options.set_processor_options(Some(&processor_options));
        let node = AudioWorkletNode::new_with_options(ctx, PROCESSOR, &options)
            .op("new AudioWorkletNode")?;
        let port = node.port().op("AudioWorkletNode.port")?;
        let on_processor_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
            console_warn("softphone-mixer: the worklet processor threw; audio is silent");
        });
        node.set_onprocessorerror(Some(on_processor_error.as_ref().unchecked_ref()));
        // The worklet answers a malformed message with {type: "error", message}, and reports
        // levels with {type: "meters", levels: [[rms, peak], ...]} up to 20 times a second.
        let levels: Rc<RefCell<Vec<(f32, f32)>>> = Rc::default();
        let sink = Rc::clone(&levels);
        let on_port_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                if let Ok(list) = Reflect::get(&data, &JsValue::from_str("levels")) {
                    if let Some(list) = list.dyn_ref::<Array>() {
                        let read = |v: JsValue, i: u32| {
                            v.dyn_ref::<Array>()
                                .and_then(|a| a.get(i).as_f64())
                                .unwrap_or(0.0) as f32
                        };
                        *sink.borrow_mut() = list
                            .iter()
                            .map(|pair| (read(pair.clone(), 0), read(pair, 1)))
                            .collect();
                        return;
                    }
                }
                let field = |key: &str| {
                    Reflect::get(&data, &JsValue::from_str(key))
                        .ok()
                        .and_then(|v| v.as_string())
                };
                if field("type").as_deref() == Some("error") {
                    let message = field("message").unwrap_or_default();
                    console_warn(&format!("softphone-mixer: {message}"));
                }
            });
        port.set_onmessage(Some(on_port_message.as_ref().unchecked_ref()));

        let mic_source = ctx
            .create_media_stream_source(&mic)
            .op("createMediaStreamSource (microphone)")?;
        mic_source
            .connect_with_audio_node_and_output_and_input(&node, 0, 0)
            .op("connect microphone")?;

        node.connect_with_audio_node_and_output(&ctx.destination(), 0)
            .op("connect speaker")?;
        let analyser = ctx.create_analyser().op("createAnalyser")?;
        analyser.set_fft_size(PROBE_FFT_SIZE);
        node.connect_with_audio_node_and_output(&analyser, 0)
            .op("connect analyser")?;

        let mut outgoing = Vec::with_capacity(ports as usize - 1);
        for k in 1..ports {
            let dest = ctx
                .create_media_stream_destination()
                .op("createMediaStreamDestination")?;
            // Mono track, as the mixer output is mono (otherwise it is upmixed to stereo).
            dest.set_channel_count(1);
            node.connect_with_audio_node_and_output(&dest, k)
                .op("connect leg output")?;
            outgoing.push(dest);
        }

        let ringer = Ringer::build(ctx, &node, ports)?;
        let probe = probe::install(&analyser, &ringer.analyser, ctx)?;
        Ok(Self {
            inner: Rc::new(Inner {
                ctx: ctx.clone(),
                node,
                port,
                ports,
                mic: RefCell::new(mic),
                mic_source: RefCell::new(mic_source),
                analyser,
                ringer,
                speaker: RefCell::default(),
                outgoing,
                remotes: RefCell::new((1..ports).map(|_| None).collect()),
                probe: RefCell::new(probe),
                _on_processor_error: on_processor_error,
                _on_port_message: on_port_message,
                closed: Cell::new(false),
                mic_fell_back: Cell::new(false),
                ringtone: Cell::new(None),
                processing: Cell::new(processing),
                noise: Cell::new(noise),
                levels,
            }),
        })
    }

    /// `AudioContext.resume()`: call from a user gesture when [`is_running`](Self::is_running)
    /// is false. Browsers keep the promise pending (or reject) without a gesture.
    pub async fn resume(&self) -> Result<(), WebError> {
        let promise = self.inner.ctx.resume().op("AudioContext.resume")?;
        await_promise(promise, "AudioContext.resume")
            .await
            .map(drop)
    }

    /// Whether the AudioContext is running (audio flows). False until a user gesture on a
    /// page that has had none.
    pub fn is_running(&self) -> bool {
        self.inner.ctx.state() == AudioContextState::Running
    }

    /// The context's sample rate in Hz (what the DSP runs at).
    pub fn sample_rate(&self) -> f32 {
        self.inner.ctx.sample_rate()
    }

    /// Number of mixer ports, including port 0.
    pub fn ports(&self) -> u32 {
        self.inner.ports
    }

    /// What the leg on `port` (1..ports) sends: the track of that port's
    /// MediaStreamAudioDestinationNode. The same track every call for a given port.
    pub fn outgoing_track(&self, port: u32) -> Option<MediaStreamTrack> {
        let dest = self.inner.outgoing.get(port.checked_sub(1)? as usize)?;
        dest.stream()
            .get_audio_tracks()
            .get(0)
            .dyn_into::<MediaStreamTrack>()
            .ok()
    }

    /// Whether the microphone asked for last was missing and the default one took its place.
    /// indicators.
    pub fn levels(&self) -> Vec<(f32, f32)> {
        self.inner.levels.borrow().clone()
    }

    /// Sends the worklet one message (nothing once closed).
    pub(crate) fn post(&self, msg: &WorkletMsg<'_>) {
        if self.inner.closed.get() {
            return;
        }
        if let Err(e) = self.inner.port.post_message(&msg.to_js()) {
            console_warn(&WebError::js("worklet port.postMessage", &e).to_string());
        }
    }

    /// Tears everything down: remote sources and `<audio>` elements, the microphone, the
    /// legs' outgoing tracks (they end), the probe, the context. Idempotent.
    pub fn close(&self) {
        self.inner.close();
    }
}

impl Inner {
    fn close(&self) {
        if self.closed.replace(true) {
            return;
        }
        for remote in self
            .remotes
            .borrow_mut()
            .iter_mut()
            .filter_map(Option::take)
        {
            remote.source.disconnect().ok();
            remove_element(&remote.element);
        }
        self.probe.borrow_mut().take();
        self.mic_source.borrow().disconnect().ok();
        self.analyser.disconnect().ok();
        self.ringer.analyser.disconnect().ok();
        stop_tracks(&self.ringer.dest.stream());
        remove_element(&self.ringer.element);
        self.node.disconnect().ok();
        self.node.set_onprocessorerror(None);
        self.port.set_onmessage(None);
        self.port.close();
        stop_tracks(&self.mic.borrow());
        for dest in &self.outgoing {
            stop_tracks(&dest.stream());
        }
        match self.ctx.close() {
            Ok(p) => ignore_promise(p),
            Err(e) => console_warn(&WebError::js("AudioContext.close", &e).to_string()),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.close();
    }
}

impl std::fmt::Debug for AudioEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioEngine")
            .field("ports", &self.inner.ports)
            .field("closed", &self.inner.closed.get())
            .finish_non_exhaustive()
    }
}
