//! The C ABI the worklet glue (`www/mixer-worklet.js`) calls: one mixer and its buffers in
//! static memory, no imports, exported under these names on wasm32:
//!
//! | export | use |
//! |---|---|
//! | `init(sample_rate: f32, ports: u32)` | once, with the worklet's `sampleRate`; resets to silence |
//! | `input_ptr(port: u32) -> *mut f32` | [`BLOCK`] floats to write input `port` into (null if out of range) |
//! | `output_ptr(port: u32) -> *mut f32` | [`BLOCK`] floats to read output `port` from (null if out of range) |
//! | `set_gain(from: u32, to: u32, gain: f32)` | ramp the `from -> to` link; takes effect at the next `process` |
//! | `process(active_inputs_mask: u32)` | mix one quantum; bit `i` set = input `i` was written |
//! | `meter_ptr() -> *const f32` | `[rms, peak]` per port ([`MAX_PORTS`] pairs), updated by `process`; absent inputs read 0 |
//! | `tone_start(port: u32, tone: u32, region: u32, gain: f32) -> u32` | play a tone on output `port` (codes: [`Tone::from_code`], [`Region::from_code`]); 1 if accepted |
//! | `tone_stop(port: u32)` | fade out output `port`'s tone |
//! | `ringer_ptr() -> *const f32` | [`BLOCK`] floats: the ringer output, filled by `process` |
//! | `ringer_start(tone: u32, region: u32, gain: f32) -> u32` | play a tone on the ringer output; 1 if accepted |
//! | `ringer_stop()` | fade out the ringer |
//! | `block_frames() -> u32`, `max_ports() -> u32` | [`BLOCK`] and [`MAX_PORTS`], for the glue to check |
//! | `denoise_set(on: u32, strength: f32)` | with the `denoise` feature: suppress noise on input 0 (the microphone) before the mix |
//!
//! With the `denoise` feature, `init` also makes the suppressor (the one allocation, at start;
//! see [`crate::denoise`]), off until `denoise_set` switches it on. While it is on, input 0 is
//! its output, [`LATENCY_SAMPLES`](crate::denoise::LATENCY_SAMPLES) late; while off, input 0
//! passes untouched and the network does not run. Switching it on restarts its framing from
//! silence and switching off drops what it held back: one jump of 19.33 ms in what the legs
//! hear of the microphone, once per switch.
//!
//! The buffer addresses never change, but the glue must re-create its views if
//! `memory.buffer` changes (this module never grows memory; the check is cheap insurance).
//!
//! On other targets the same functions are ordinary Rust functions (not exported), so the
//! state handling can be tested natively.

// The whole crate denies `unsafe_code`; this module is the one exception, for two reasons:
// `#[no_mangle]` (which the lint counts as unsafe, since exported names can clash at link time)
// is the only way to give JS stable export names without wasm-bindgen glue, which cannot run in
// an AudioWorklet; and the state must live in a `static mut`, because JS writes the input
// buffers through raw addresses into wasm memory, outside anything Rust's borrow checker sees.
#![allow(unsafe_code)]

#[cfg(feature = "denoise")]
use alloc::boxed::Box;

#[cfg(feature = "denoise")]
use crate::denoise::Denoiser;
use crate::{Block, Mixer, OnsetGuard, Region, Tone, ToneGenerator, BLOCK, MAX_PORTS};

struct State {
    mixer: Mixer,
    inputs: [Block; MAX_PORTS],
    outputs: [Block; MAX_PORTS],
    /// One per input: a leg that comes back after a gap fades in instead of clicking.
    guards: [OnsetGuard; MAX_PORTS],
    /// The ringer: an output of its own, outside the matrix, so the page can play it on
    /// another device than the speaker (a loudspeaker while the agent wears a headset).
    ringer: ToneGenerator,
    ringer_output: Block,
    /// The microphone's noise suppressor; `None` before `init`.
    #[cfg(feature = "denoise")]
    denoiser: Option<Box<Denoiser>>,
    /// Whether input 0 goes through [`State::denoiser`].
    #[cfg(feature = "denoise")]
    denoise_on: bool,
}

static mut STATE: State = State {
    mixer: Mixer::new(),
    inputs: [[0.0; BLOCK]; MAX_PORTS],
    outputs: [[0.0; BLOCK]; MAX_PORTS],
    guards: [OnsetGuard::ZERO; MAX_PORTS],
    ringer: ToneGenerator::new(),
    ringer_output: [0.0; BLOCK],
    #[cfg(feature = "denoise")]
    denoiser: None,
    #[cfg(feature = "denoise")]
    denoise_on: false,
};

/// The only way to reach [`STATE`]. Each export calls it once and drops the reference before
/// returning, so no two references are ever alive together.
fn state() -> &'static mut State {
    // SAFETY: an AudioWorkletGlobalScope is single-threaded and wasm32-unknown-unknown here is
    // built without threads, so exports never run concurrently or re-entrantly; each export
    // holds the returned reference only for its own duration. JS touches the buffers only
    // between calls. Natively, only one test (`abi::tests::round_trip`, and the single test in
    // `tests/no_alloc.rs`, its own process) calls these functions.
    unsafe { &mut *core::ptr::addr_of_mut!(STATE) }
}

/// Resets the mixer to silence for `ports` ports (at most [`MAX_PORTS`]) at `sample_rate` Hz,
/// and clears all buffers.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn init(sample_rate: f32, ports: u32) {
    let state = state();
    state.mixer.init(sample_rate, ports as usize);
    state.inputs = [[0.0; BLOCK]; MAX_PORTS];
    state.outputs = [[0.0; BLOCK]; MAX_PORTS];
    state.guards = [OnsetGuard::new(sample_rate); MAX_PORTS];
    state.ringer = ToneGenerator::new();
    state.ringer_output = [0.0; BLOCK];
    #[cfg(feature = "denoise")]
    {
        // The one allocation of this module, at start and never on the render path.
        state.denoiser = Some(Denoiser::new());
        state.denoise_on = false;
    }
}

/// Address of input `port`'s block of [`BLOCK`] floats, or null if `port >= MAX_PORTS`.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn input_ptr(port: u32) -> *mut f32 {
    state()
        .inputs
        .get_mut(port as usize)
        .map_or(core::ptr::null_mut(), |block| block.as_mut_ptr())
}

/// Address of output `port`'s block of [`BLOCK`] floats, or null if `port >= MAX_PORTS`.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn output_ptr(port: u32) -> *mut f32 {
    state()
        .outputs
        .get_mut(port as usize)
        .map_or(core::ptr::null_mut(), |block| block.as_mut_ptr())
}

/// Ramps the `from -> to` link towards `gain`; see [`Mixer::set_gain`]. Out-of-range ports
/// and NaN are ignored.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn set_gain(from: u32, to: u32, gain: f32) {
    // Nothing to report an error to: JS validates, and a bad call must not disturb the mix.
    let _accepted = state().mixer.set_gain(from as usize, to as usize, gain);
}

/// Mixes the input blocks into the output blocks. Bit `i` of `active_inputs_mask` says input
/// `i` was written this quantum.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn process(active_inputs_mask: u32) {
    let state = state();
    #[cfg(feature = "denoise")]
    if state.denoise_on && active_inputs_mask & 1 != 0 {
        if let Some(denoiser) = state.denoiser.as_mut() {
            denoiser.process(&mut state.inputs[0]);
        }
    }
    for (port, (guard, input)) in state.guards.iter_mut().zip(&mut state.inputs).enumerate() {
        if active_inputs_mask & (1 << port) != 0 {
            guard.process(input);
        } else {
            guard.absent();
        }
    }
    state
        .mixer
        .process(&state.inputs, active_inputs_mask, &mut state.outputs);
    state.ringer_output.fill(0.0);
    state.ringer.add_to(&mut state.ringer_output);
}

/// Address of the meter levels: [`MAX_PORTS`] pairs `[rms, peak]` of `f32`, one per input,
/// as of the last `process` (see [`Mixer::levels`]).
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn meter_ptr() -> *const f32 {
    state().mixer.levels().as_ptr().cast::<f32>()
}

/// Starts `tone` ([`Tone::from_code`]) in `region` ([`Region::from_code`]) at peak amplitude
/// `gain` on output `port`, replacing its tone if it has one. Returns 1 if accepted, 0 (and
/// changes nothing) for an unknown code, a port out of range or a gain that is not finite.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn tone_start(port: u32, tone: u32, region: u32, gain: f32) -> u32 {
    let (Some(tone), Some(region)) = (Tone::from_code(tone), Region::from_code(region)) else {
        return 0;
    };
    u32::from(state().mixer.start_tone(port as usize, tone, region, gain))
}

/// Fades out output `port`'s tone, if any.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn tone_stop(port: u32) {
    let _accepted = state().mixer.stop_tone(port as usize);
}

/// Address of the ringer output's block of [`BLOCK`] floats, filled by every `process`
/// (silence while the ringer is off). Its peak never exceeds the gain it was started with.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn ringer_ptr() -> *const f32 {
    state().ringer_output.as_ptr()
}

/// Starts `tone` ([`Tone::from_code`]; 4 is the ring) in `region` at peak amplitude `gain` on
/// the ringer output, replacing what it played. Returns 1 if accepted, 0 (changing nothing)
/// for an unknown code or a gain that is not finite.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn ringer_start(tone: u32, region: u32, gain: f32) -> u32 {
    let (Some(tone), Some(region)) = (Tone::from_code(tone), Region::from_code(region)) else {
        return 0;
    };
    let state = state();
    let rate = state.mixer.sample_rate();
    u32::from(state.ringer.start(tone, region, gain, rate))
}

/// Fades out the ringer.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn ringer_stop() {
    state().ringer.stop();
}

/// Switches the microphone's noise suppression on (`on != 0`) or off, at `strength` (0..1,
/// clamped; see [`Denoiser::set_strength`](crate::denoise::Denoiser::set_strength)). Does
/// nothing before `init`.
#[cfg(feature = "denoise")]
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn denoise_set(on: u32, strength: f32) {
    let state = state();
    let Some(denoiser) = state.denoiser.as_mut() else {
        return;
    };
    let on = on != 0;
    if on && !state.denoise_on {
        denoiser.restart();
    }
    denoiser.set_strength(strength);
    state.denoise_on = on;
}

/// [`BLOCK`], so the glue can check it agrees on the render quantum.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn block_frames() -> u32 {
    BLOCK as u32
}

/// [`MAX_PORTS`], so the glue can check the port count it was given.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn max_ports() -> u32 {
    MAX_PORTS as u32
}

// `no_std` on wasm32 needs a panic handler; with `denoise`, std comes in with the suppressor
// (nnnoiseless and its FFT are std crates) and brings its own, which also aborts. Nothing here should panic (no indexing that the
// compiler cannot prove in range, no allocation); if something does, trap: the worklet's
// `process` throws and the browser stops the node, which is better than mixing garbage.
#[cfg(all(
    target_arch = "wasm32",
    not(test),
    feature = "panic-handler",
    not(feature = "denoise")
))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The only test in this binary that touches the static state (see [`state`]).
    #[test]
    fn round_trip() {
        assert_eq!(block_frames(), 128);
        assert_eq!(max_ports(), 17);
        assert!(input_ptr(17).is_null());
        assert!(output_ptr(17).is_null());
        init(48_000.0, 2);
        let (input, output) = (input_ptr(1), output_ptr(0));
        assert!(!input.is_null() && !output.is_null());
        assert_eq!(input_ptr(1), input, "addresses are stable");
        set_gain(1, 0, 0.5);
        set_gain(5, 0, 1.0);
        set_gain(0, 1, f32::NAN);
        // Six quanta: the first sound fades in (the onset guard) over 10 ms.
        for _ in 0..6 {
            // Stands in for the JS side, which writes through the address between calls.
            state().inputs[1] = [0.5; BLOCK];
            process(0b10);
        }
        assert_eq!(state().outputs[0], [0.25; BLOCK]);
        assert_eq!(state().outputs[1], [0.0; BLOCK]);
        // SAFETY (test): `meter_ptr` points at MAX_PORTS pairs in the static state.
        let levels = unsafe { core::slice::from_raw_parts(meter_ptr(), 2 * MAX_PORTS) };
        assert_eq!(levels[2..4], [state().mixer.levels()[1][0], 0.5]);
        assert!(levels[2] > 0.0 && levels[0] == 0.0 && levels[1] == 0.0);
        assert_eq!(tone_start(1, 0, 0, 0.5), 1);
        assert_eq!(tone_start(1, 99, 0, 0.5), 0);
        assert_eq!(tone_start(1, 1, 9, 0.5), 0);
        assert_eq!(tone_start(2, 1, 0, 0.5), 0);
        process(0);
        assert!(
            state().outputs[1].iter().any(|s| *s != 0.0),
            "ringback on output 1"
        );
        assert_eq!(state().outputs[0], [0.0; BLOCK]);
        tone_stop(1);
        process(0);
        process(0);
        assert_eq!(state().outputs[1], [0.0; BLOCK]);
        // The ringer is its own output: the mix outputs stay silent.
        assert_eq!(ringer_start(4, 9, 0.5), 0);
        assert_eq!(ringer_start(99, 0, 0.5), 0);
        assert_eq!(ringer_start(4, 0, f32::NAN), 0);
        assert_eq!(ringer_start(4, 0, 0.5), 1);
        process(0);
        // SAFETY (test): `ringer_ptr` points at one block in the static state.
        let ringer = unsafe { core::slice::from_raw_parts(ringer_ptr(), BLOCK) };
        assert!(ringer.iter().any(|s| *s != 0.0));
        assert!(ringer.iter().all(|s| s.abs() <= 0.5));
        assert_eq!(state().outputs[0], [0.0; BLOCK]);
        assert_eq!(state().outputs[1], [0.0; BLOCK]);
        ringer_stop();
        process(0);
        process(0);
        assert_eq!(state().ringer_output, [0.0; BLOCK]);
        init(48_000.0, 2);
        assert_eq!(state().inputs[1], [0.0; BLOCK]);
        process(0b10);
        assert_eq!(state().outputs[0], [0.0; BLOCK]);
        #[cfg(feature = "denoise")]
        suppressor_sits_on_input_0();
    }

    /// With `denoise`: input 0 goes through the suppressor only while it is on.
    #[cfg(feature = "denoise")]
    fn suppressor_sits_on_input_0() {
        use crate::denoise::{FRAMING_SAMPLES, LATENCY_SAMPLES};
        init(48_000.0, 2);
        set_gain(0, 1, 1.0);
        let quantum = |n: usize| -> Block {
            core::array::from_fn(|i| libm::sinf((n * BLOCK + i) as f32 * 0.07) * 0.3)
        };
        // Off (as after init): the microphone reaches leg 1 in the first quantum.
        state().inputs[0] = quantum(0);
        process(0b1);
        assert!(state().outputs[1].iter().any(|s| *s != 0.0));
        // On: the suppressor's latency of silence first, then sound.
        denoise_set(1, 1.0);
        let mut heard = Vec::new();
        for n in 0..40 {
            state().inputs[0] = quantum(n);
            process(0b1);
            heard.extend_from_slice(&state().outputs[1]);
        }
        // Silence while the framing fills; the network's first frame then holds the current
        // input's spectrum smeared back in time a little (its gains are per band), so the
        // latency window is nearly silent rather than exactly.
        assert!(heard[..FRAMING_SAMPLES].iter().all(|s| *s == 0.0));
        let early = heard[..LATENCY_SAMPLES]
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        assert!(
            early < 0.03,
            "peak {early} before the latency (input peak 0.3)"
        );
        assert!(heard[LATENCY_SAMPLES..].iter().any(|s| *s != 0.0));
        // Off again: the input passes at once, bit for bit (the gain has long settled).
        denoise_set(0, 1.0);
        state().inputs[0] = quantum(41);
        process(0b1);
        assert_eq!(state().outputs[1], quantum(41));
    }
}
