//! The slow half of starting the audio, begun before the agent signs in.
//!
//! Creating an AudioContext blocks the main thread (Chromium asks the audio service about the
//! output device synchronously: 120-180 ms in the start-up bench), and compiling dsp.wasm and
//! loading the worklet script take a while too. Done at the click, they held up the
//! WebSocket's `open` event and with it the REGISTER. [`prepare_audio`] does them while the
//! sign-in form is shown, at the agent's first press of a key or pointer there (a gesture, so
//! the context runs and the browser logs no autoplay warning); the sign-in then finds them
//! done and only asks for the microphone. A context made before any gesture (a CRM's sign-in)
//! starts suspended: the sign-in resumes it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AudioContext, Response};

use super::{has, join, noise};
use crate::error::{await_promise, ignore_promise, window, JsResultExt, WebError};

const WORKLET_FILE: &str = "mixer-worklet.js";
const DSP_FILE: &str = "dsp.wasm";

thread_local! {
    /// What [`prepare_audio`] began, until a sign-in takes it.
    static PREPARED: RefCell<Option<Warm>> = const { RefCell::new(None) };
}

/// An AudioContext with the mixer worklet's script loading and the DSP module compiling.
pub(super) struct Warm {
    base_url: String,
    pub(super) ctx: AudioContext,
    /// `audioWorklet.addModule`; `Err` when the page cannot run a worklet at all.
    added: Result<Promise, WebError>,
    /// Settles when `module` is filled.
    compiled: Promise,
    module: Rc<RefCell<Option<Result<JsValue, WebError>>>>,
}

impl Warm {
    /// Creates the context and starts the worklet script and the DSP module on their way.
    pub(super) fn begin(base_url: &str) -> Result<Self, WebError> {
        // 48 kHz whatever the device runs at: the suppressor's network works on 10 ms frames
        // of 480 samples, and WebRTC's Opus runs at 48 kHz too, so nothing resamples twice.
        let options = web_sys::AudioContextOptions::new();
        options.set_sample_rate(noise::RATE);
        let ctx = AudioContext::new_with_context_options(&options).op("new AudioContext")?;
        let added = if has(&ctx, "audioWorklet") {
            ctx.audio_worklet()
                .op("AudioContext.audioWorklet")
                .and_then(|w| {
                    w.add_module(&join(base_url, WORKLET_FILE))
                        .op("audioWorklet.addModule")
                })
        } else {
            Err(WebError::Unsupported(
                "AudioWorklet (needs https or localhost)",
            ))
        };
        let module: Rc<RefCell<Option<Result<JsValue, WebError>>>> = Rc::default();
        let sink = Rc::clone(&module);
        let url = join(base_url, DSP_FILE);
        let mut resolve = None;
        let compiled = Promise::new(&mut |res, _| resolve = Some(res));
        wasm_bindgen_futures::spawn_local(async move {
            *sink.borrow_mut() = Some(compile_dsp(&url).await);
            if let Some(resolve) = resolve {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        Ok(Self {
            base_url: base_url.to_owned(),
            ctx,
            added,
            compiled,
            module,
        })
    }

    /// Waits for the worklet script and the DSP module: the module, or the first failure.
    pub(super) async fn ready(&self) -> Result<JsValue, WebError> {
        let added = match &self.added {
            Ok(p) => await_promise(p.clone(), "audioWorklet.addModule").await,
            Err(e) => Err(e.clone()),
        };
        // It never rejects: the outcome is in `module`.
        let _ = await_promise(self.compiled.clone(), "compile dsp.wasm").await;
        let module = self
            .module
            .borrow_mut()
            .take()
            .unwrap_or(Err(WebError::Closed));
        added.and(module)
    }

    /// Lets go of it all (the context is closed).
    pub(super) fn discard(self) {
        if let Ok(p) = self.added {
            ignore_promise(p);
        }
        if let Ok(p) = self.ctx.close() {
            ignore_promise(p);
        }
    }
}

/// Begins the audio's slow start-up (AudioContext, worklet script, DSP module from `base_url`)
/// so that the next sign-in finds it done. Call it from the agent's first gesture on the
/// sign-in form, not at the click on Sign in: the context's creation holds the main thread. Does nothing when it is already
/// prepared; a failure here is left for the sign-in to meet and report.
pub(crate) fn prepare_audio(base_url: &str) {
    if PREPARED.with_borrow(Option::is_some) {
        return;
    }
    if let Ok(warm) = Warm::begin(base_url) {
        PREPARED.with_borrow_mut(|p| *p = Some(warm));
    }
}

/// What [`prepare_audio`] began for `base_url`, taken; otherwise a fresh start.
pub(super) fn take_or_begin(base_url: &str) -> Result<Warm, WebError> {
    match PREPARED.with_borrow_mut(Option::take) {
        Some(warm) if warm.base_url == base_url => Ok(warm),
        other => {
            if let Some(stale) = other {
                stale.discard();
            }
            Warm::begin(base_url)
        }
    }
}

/// Fetches and compiles the DSP module on the main thread (the worklet scope cannot fetch).
async fn compile_dsp(url: &str) -> Result<JsValue, WebError> {
    let window = window()?;
    let response: Response = await_promise(window.fetch_with_str(url), "fetch dsp.wasm")
        .await?
        .unchecked_into();
    if !response.ok() {
        return Err(WebError::Http {
            url: url.to_owned(),
            status: response.status(),
        });
    }
    // arrayBuffer + compile rather than compileStreaming: it runs long before the sign-in
    // needs it, and does not depend on the server sending `Content-Type: application/wasm`.
    let bytes = await_promise(
        response.array_buffer().op("Response.arrayBuffer")?,
        "fetch dsp.wasm",
    )
    .await?;
    await_promise(js_sys::WebAssembly::compile(&bytes), "WebAssembly.compile").await
}
