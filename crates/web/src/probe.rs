//! `window.softphoneProbe`: lets end-to-end tests read what the agent hears.
//!
//! ```js
//! const { sampleRate, samples } = window.softphoneProbe.speakerSamples(); // Float32Array
//! window.softphoneProbe.contextState(); // "running" | "suspended" | "closed"
//! ```
//! `samples` is the latest `fftSize` (8192) samples of mixer output 0, the speaker mix;
//! `window.softphoneProbe.ringerSamples()` gives the same for the ringer output;
//! `window.softphoneProbe.heap()` is `{ bytes, blocks }` still allocated on the Rust heap
//! (`heap.rs`), for the soak.

#[cfg(feature = "test-hooks")]
pub(crate) use hooks::{install, Probe};

/// Outside the test build there is no probe, and nothing of it in the build: no page can
/// read what the agent hears.
#[cfg(not(feature = "test-hooks"))]
pub(crate) enum Probe {}

#[cfg(not(feature = "test-hooks"))]
pub(crate) fn install(
    _speaker: &web_sys::AnalyserNode,
    _ringer: &web_sys::AnalyserNode,
    _ctx: &web_sys::AudioContext,
) -> Result<Option<Probe>, crate::error::WebError> {
    Ok(None)
}

#[cfg(feature = "test-hooks")]
mod hooks {
    use js_sys::{Float32Array, Object, Reflect};
    use wasm_bindgen::prelude::*;
    use web_sys::{AnalyserNode, AudioContext};

    use crate::error::{JsResultExt, WebError};

    const PROBE: &str = "softphoneProbe";

    /// The installed probe; dropping it removes `window.softphoneProbe` (if it is still ours).
    pub(crate) struct Probe {
        object: Object,
        _speaker_samples: Closure<dyn FnMut() -> JsValue>,
        _ringer_samples: Closure<dyn FnMut() -> JsValue>,
        _context_state: Closure<dyn FnMut() -> JsValue>,
        _heap: Closure<dyn FnMut() -> JsValue>,
    }

    fn set(target: &JsValue, key: &str, value: &JsValue) -> Result<(), WebError> {
        Reflect::set(target, &JsValue::from_str(key), value)
            .op("Reflect.set")
            .map(drop)
    }

    /// `{ sampleRate, samples }`: the latest `fftSize` samples `analyser` saw.
    fn samples_of(analyser: &AnalyserNode, sample_rate: f32) -> Closure<dyn FnMut() -> JsValue> {
        let analyser = analyser.clone();
        Closure::<dyn FnMut() -> JsValue>::new(move || {
            let mut buf = vec![0.0_f32; analyser.fft_size() as usize];
            analyser.get_float_time_domain_data(&mut buf);
            let out = Object::new();
            let _ = Reflect::set(&out, &"sampleRate".into(), &sample_rate.into());
            let _ = Reflect::set(&out, &"samples".into(), &Float32Array::from(&buf[..]));
            out.into()
        })
    }

    /// Installs `window.softphoneProbe` reading the speaker's and the ringer's analysers,
    /// replacing any earlier probe.
    pub(crate) fn install(
        speaker: &AnalyserNode,
        ringer: &AnalyserNode,
        ctx: &AudioContext,
    ) -> Result<Option<Probe>, WebError> {
        let window = crate::error::window()?;
        let sample_rate = ctx.sample_rate();
        let speaker_samples = samples_of(speaker, sample_rate);
        let ringer_samples = samples_of(ringer, sample_rate);
        let ctx = ctx.clone();
        let context_state = Closure::<dyn FnMut() -> JsValue>::new(move || {
            // AudioContextState has no Display; the JS value is the string itself.
            JsValue::from(ctx.state())
        });

        let heap = Closure::<dyn FnMut() -> JsValue>::new(|| {
            let (bytes, blocks) = crate::heap::live();
            let out = Object::new();
            let _ = Reflect::set(&out, &"bytes".into(), &(bytes as f64).into());
            let _ = Reflect::set(&out, &"blocks".into(), &(blocks as f64).into());
            out.into()
        });

        let object = Object::new();
        set(&object, "heap", heap.as_ref())?;
        set(&object, "speakerSamples", speaker_samples.as_ref())?;
        set(&object, "ringerSamples", ringer_samples.as_ref())?;
        set(&object, "contextState", context_state.as_ref())?;
        set(&window, PROBE, &object)?;
        Ok(Some(Probe {
            object,
            _speaker_samples: speaker_samples,
            _ringer_samples: ringer_samples,
            _context_state: context_state,
            _heap: heap,
        }))
    }

    impl Drop for Probe {
        fn drop(&mut self) {
            let Some(window) = web_sys::window() else {
                return;
            };
            let key = JsValue::from_str(PROBE);
            let ours = Reflect::get(&window, &key).is_ok_and(|v| v == JsValue::from(&self.object));
            if ours {
                let _ = Reflect::delete_property(&window, &key);
            }
        }
    }
}
