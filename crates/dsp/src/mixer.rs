//! The N-1 conference mixer: `out[to] = sum over present inputs of gain[from][to] * in[from]`,
//! then a [`Limiter`] on every output.
//!
//! Who hears whom is entirely the gain matrix, set by the engine; the default is silence
//! everywhere. Each link ramps linearly to a new gain over [`RAMP_SECONDS`] so switching a leg
//! in or out does not click.

use crate::kernels::{add_ramp, add_scaled, Ramp};
use crate::limiter;
use crate::{Block, Limiter, Meter, Region, Tone, ToneGenerator, BLOCK, MAX_PORTS};

/// How long a gain change takes to ramp in.
pub const RAMP_SECONDS: f32 = 0.005;

/// Gains are clamped to `[-MAX_GAIN, MAX_GAIN]` (+18 dB).
pub const MAX_GAIN: f32 = 8.0;

/// One `from -> to` link of the gain matrix with its ramp.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Link {
    /// The ramp towards the target; `remaining == 0` when steady at `target`.
    ramp: Ramp,
}

impl Link {
    const SILENT: Self = Self {
        ramp: Ramp {
            target: 0.0,
            step: 0.0,
            remaining: 0,
            lo: 0.0,
            hi: 0.0,
        },
    };

    /// The gain of the last frame produced.
    fn current(&self) -> f32 {
        self.ramp.gain_at(self.ramp.remaining)
    }

    fn retarget(&mut self, target: f32, ramp_frames: u32) {
        if target == self.ramp.target {
            return;
        }
        let current = self.current();
        let step = (target - current) / ramp_frames as f32;
        self.ramp = if step == 0.0 {
            Ramp {
                target,
                step: 0.0,
                remaining: 0,
                lo: target,
                hi: target,
            }
        } else {
            Ramp {
                target,
                step,
                remaining: ramp_frames,
                lo: current.min(target),
                hi: current.max(target),
            }
        };
    }

    /// Advances `frames` frames.
    fn advance(&mut self, frames: u32) {
        self.ramp.remaining = self.ramp.remaining.saturating_sub(frames);
    }

    fn is_silent(&self) -> bool {
        self.ramp.target == 0.0 && self.ramp.remaining == 0
    }
}

/// The conference mixer for up to [`MAX_PORTS`] ports. Fixed-size; never allocates.
#[derive(Clone, Debug)]
pub struct Mixer {
    ports: usize,
    sample_rate: f32,
    ramp_frames: u32,
    /// `links[from][to]`.
    links: [[Link; MAX_PORTS]; MAX_PORTS],
    limiters: [Limiter; MAX_PORTS],
    /// One per input, fed only while the input is present.
    meters: [Meter; MAX_PORTS],
    /// `[rms, peak]` per input after the last [`Mixer::process`]; `[0, 0]` for absent inputs.
    levels: [[f32; 2]; MAX_PORTS],
    /// One per output, added after the matrix and before the limiter.
    tones: [ToneGenerator; MAX_PORTS],
}

impl Mixer {
    /// An inert mixer with no ports: every output is silence and every gain is refused until
    /// [`Mixer::init`]. It is all zeros, so the static in [`crate::abi`] lands in `.bss` and
    /// costs nothing in the wasm binary.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            ports: 0,
            sample_rate: 0.0,
            ramp_frames: 0,
            links: [[Link::SILENT; MAX_PORTS]; MAX_PORTS],
            limiters: [Limiter::ZERO; MAX_PORTS],
            meters: [Meter::ZERO; MAX_PORTS],
            levels: [[0.0; 2]; MAX_PORTS],
            tones: [ToneGenerator::ZERO; MAX_PORTS],
        }
    }

    /// Resets to silence for `ports` ports (at most [`MAX_PORTS`]) at `sample_rate` Hz. A rate
    /// that is not positive and finite falls back to [`crate::DEFAULT_SAMPLE_RATE`].
    pub fn init(&mut self, sample_rate: f32, ports: usize) {
        let sample_rate = crate::sane_rate(sample_rate);
        self.ports = ports.min(MAX_PORTS);
        self.sample_rate = sample_rate;
        self.ramp_frames = ramp_frames(sample_rate);
        self.links = [[Link::SILENT; MAX_PORTS]; MAX_PORTS];
        self.limiters = [Limiter::new(sample_rate); MAX_PORTS];
        self.meters = [Meter::new(sample_rate); MAX_PORTS];
        self.levels = [[0.0; 2]; MAX_PORTS];
        self.tones = [ToneGenerator::ZERO; MAX_PORTS];
    }

    /// Ports in use (0 before [`Mixer::init`]).
    #[must_use]
    pub fn ports(&self) -> usize {
        self.ports
    }

    /// Sample rate in Hz (0 before [`Mixer::init`]).
    #[must_use]
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Frames a gain change takes to complete ([`RAMP_SECONDS`] at the sample rate, at least 1;
    /// 0 before [`Mixer::init`]).
    #[must_use]
    pub fn ramp_frames(&self) -> u32 {
        self.ramp_frames
    }

    /// Starts ramping the `from -> to` link towards `gain` (clamped to ±[`MAX_GAIN`]), from
    /// wherever it is now. Returns `false`, changing nothing, if a port is out of range or
    /// `gain` is NaN.
    pub fn set_gain(&mut self, from: usize, to: usize, gain: f32) -> bool {
        if from >= self.ports || to >= self.ports || gain.is_nan() {
            return false;
        }
        let ramp_frames = self.ramp_frames;
        self.links[from][to].retarget(gain.clamp(-MAX_GAIN, MAX_GAIN), ramp_frames);
        true
    }

    /// The gain the `from -> to` link has reached (mid-ramp, the last frame's gain).
    #[must_use]
    pub fn gain(&self, from: usize, to: usize) -> Option<f32> {
        self.link(from, to).map(Link::current)
    }

    /// The gain the `from -> to` link is ramping towards.
    #[must_use]
    pub fn target_gain(&self, from: usize, to: usize) -> Option<f32> {
        self.link(from, to).map(|link| link.ramp.target)
    }

    fn link(&self, from: usize, to: usize) -> Option<&Link> {
        if from >= self.ports || to >= self.ports {
            return None;
        }
        Some(&self.links[from][to])
    }

    /// Starts `tone` (in `region`'s variant, peak amplitude `gain`) on output `to`, replacing
    /// any tone there (it ramps, no click). Returns `false`, changing nothing, if `to` is out of
    /// range or the tone or gain is invalid.
    pub fn start_tone(&mut self, to: usize, tone: Tone, region: Region, gain: f32) -> bool {
        if to >= self.ports {
            return false;
        }
        let sample_rate = self.sample_rate;
        self.tones[to].start(tone, region, gain, sample_rate)
    }

    /// Fades out the tone on output `to`, if any. Returns `false` if `to` is out of range.
    pub fn stop_tone(&mut self, to: usize) -> bool {
        if to >= self.ports {
            return false;
        }
        self.tones[to].stop();
        true
    }

    /// `[rms, peak]` of every input after the last [`Mixer::process`] (see [`Meter`]); inputs
    /// that were absent read `[0, 0]`.
    #[must_use]
    pub fn levels(&self) -> &[[f32; 2]; MAX_PORTS] {
        &self.levels
    }

    /// Mixes one block. Bit `i` of `present` says input `i` carries audio this quantum; absent
    /// inputs are skipped (their block is not read, their meter drops to 0) but their ramps
    /// still advance. Then each output gets its tone, then its limiter. Outputs of ports beyond
    /// [`Mixer::ports`] are silence.
    pub fn process(
        &mut self,
        inputs: &[Block; MAX_PORTS],
        present: u32,
        outputs: &mut [Block; MAX_PORTS],
    ) {
        let ports = self.ports;
        for (from, input) in inputs.iter().enumerate() {
            let meter = &mut self.meters[from];
            if from < ports && present & (1 << from) != 0 {
                meter.process(input);
                self.levels[from] = [meter.rms(), meter.peak()];
            } else if self.levels[from] != [0.0; 2] {
                meter.reset();
                self.levels[from] = [0.0; 2];
            }
        }
        for (to, output) in outputs.iter_mut().enumerate() {
            output.fill(0.0);
            if to >= ports {
                continue;
            }
            for (from, input) in inputs.iter().enumerate().take(ports) {
                let link = &mut self.links[from][to];
                if present & (1 << from) == 0 {
                    // Absent: nothing to add.
                } else if link.is_silent() {
                    // Nothing to add.
                } else if link.ramp.remaining == 0 {
                    add_scaled(output, input, link.ramp.target);
                } else {
                    add_ramp(output, input, &link.ramp);
                }
                link.advance(BLOCK as u32);
            }
            self.tones[to].add_to(output);
        }
        // Limiters four outputs at a time (see `limiter::process4`); outputs past `ports` are
        // silent and stay so.
        let used = ports.div_ceil(4) * 4;
        for (limiters, blocks) in self.limiters[..used.min(MAX_PORTS)]
            .chunks_mut(4)
            .zip(outputs.chunks_mut(4))
        {
            limiter::process4(limiters, blocks);
        }
    }
}

impl Default for Mixer {
    fn default() -> Self {
        Self::new()
    }
}

fn ramp_frames(sample_rate: f32) -> u32 {
    // `as` saturates; the rate was checked to be positive and finite.
    let frames = (sample_rate * RAMP_SECONDS + 0.5) as u32;
    if frames == 0 {
        1
    } else {
        frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    const RATE: f32 = 48_000.0;

    fn silent_io() -> ([Block; MAX_PORTS], [Block; MAX_PORTS]) {
        ([[0.0; BLOCK]; MAX_PORTS], [[0.0; BLOCK]; MAX_PORTS])
    }

    fn tone(frequency: f32, amplitude: f32, frame: usize) -> f32 {
        amplitude * libm::sinf(core::f32::consts::TAU * frequency * frame as f32 / RATE)
    }

    /// Power of `signal` at `frequency` (Goertzel), normalised so a sine of amplitude `a`
    /// centred on a bin gives about `a² / 4`.
    fn goertzel(signal: &[f32], frequency: f32) -> f64 {
        let n = signal.len() as f64;
        let w = core::f64::consts::TAU * f64::from(frequency) / f64::from(RATE);
        let coefficient = 2.0 * w.cos();
        let (mut s1, mut s2) = (0.0_f64, 0.0_f64);
        for &x in signal {
            let s0 = f64::from(x) + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / (n * n)
    }

    #[test]
    fn uninitialised_mixer_is_inert() {
        let mut mixer = Mixer::default();
        assert_eq!(mixer.ports(), 0);
        assert!(!mixer.set_gain(0, 0, 1.0));
        let (inputs, mut outputs) = ([[0.5; BLOCK]; MAX_PORTS], [[1.0; BLOCK]; MAX_PORTS]);
        mixer.process(&inputs, u32::MAX, &mut outputs);
        assert_eq!(outputs, [[0.0; BLOCK]; MAX_PORTS]);
    }

    #[test]
    fn starts_silent() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 3);
        let (inputs, mut outputs) = ([[0.5; BLOCK]; MAX_PORTS], [[1.0; BLOCK]; MAX_PORTS]);
        mixer.process(&inputs, u32::MAX, &mut outputs);
        assert_eq!(outputs, [[0.0; BLOCK]; MAX_PORTS]);
        assert_eq!(mixer.gain(1, 2), Some(0.0));
    }

    #[test]
    fn n_minus_one_each_output_hears_exactly_the_others() {
        // Frequencies on exact bins of the 2048-frame analysis window: no leakage between them.
        const WINDOW_BLOCKS: usize = 16;
        let bin = RATE / (WINDOW_BLOCKS * BLOCK) as f32;
        let tones = [20.0 * bin, 43.0 * bin, 107.0 * bin];
        let mut mixer = Mixer::new();
        mixer.init(RATE, 3);
        for from in 0..3 {
            for to in 0..3 {
                assert!(mixer.set_gain(from, to, if from == to { 0.0 } else { 1.0 }));
            }
        }
        let (mut inputs, mut outputs) = silent_io();
        let mut heard: [Vec<f32>; 3] = Default::default();
        // Two blocks cover the 240-frame ramp; analyse the 16 after them.
        for n in 0..2 + WINDOW_BLOCKS {
            for (port, frequency) in tones.iter().enumerate() {
                for (i, sample) in inputs[port].iter_mut().enumerate() {
                    *sample = tone(*frequency, 0.3, n * BLOCK + i);
                }
            }
            mixer.process(&inputs, 0b111, &mut outputs);
            if n >= 2 {
                for (port, samples) in heard.iter_mut().enumerate() {
                    samples.extend_from_slice(&outputs[port]);
                }
            }
        }
        let expected_power = 0.3 * 0.3 / 4.0;
        for (to, samples) in heard.iter().enumerate() {
            for (from, frequency) in tones.iter().enumerate() {
                let power = goertzel(samples, *frequency);
                if from == to {
                    assert!(
                        power < expected_power * 1e-9,
                        "output {to} hears itself: {power}"
                    );
                } else {
                    assert!(
                        (power - expected_power).abs() < expected_power * 0.01,
                        "output {to} hears input {from} at {power}, expected {expected_power}"
                    );
                }
            }
        }
    }

    #[test]
    fn ramp_is_monotonic_bounded_and_reaches_target() {
        for rate in [8_000.0, 44_100.0, 48_000.0, 96_000.0] {
            let mut mixer = Mixer::new();
            mixer.init(rate, 2);
            let ramp = mixer.ramp_frames() as usize;
            assert!(
                (ramp as f32 - rate * RAMP_SECONDS).abs() <= 0.5,
                "{rate}: {ramp}"
            );
            let (mut inputs, mut outputs) = silent_io();
            inputs[1] = [0.5; BLOCK];
            for (start, target) in [(0.0, 1.0), (1.0, 0.25), (0.25, 0.0)] {
                assert!(mixer.set_gain(1, 0, target));
                let mut heard = Vec::new();
                while heard.len() < ramp + 2 * BLOCK {
                    mixer.process(&inputs, 0b10, &mut outputs);
                    heard.extend(outputs[0].iter().map(|s| s / 0.5));
                }
                let (low, high) = if start < target {
                    (start, target)
                } else {
                    (target, start)
                };
                for pair in heard.windows(2) {
                    if start < target {
                        assert!(pair[1] >= pair[0], "{rate}: not rising: {pair:?}");
                    } else {
                        assert!(pair[1] <= pair[0], "{rate}: not falling: {pair:?}");
                    }
                }
                assert!(heard.iter().all(|g| (low..=high).contains(g)));
                assert_ne!(heard[ramp - 2], target, "{rate}: ramp ended early");
                assert!(heard[ramp - 1..].iter().all(|g| *g == target));
                assert_eq!(mixer.gain(1, 0), Some(target));
            }
        }
    }

    #[test]
    fn retarget_mid_ramp_continues_from_current_gain() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 2);
        let (mut inputs, mut outputs) = silent_io();
        inputs[0] = [1.0; BLOCK];
        mixer.set_gain(0, 1, 1.0);
        mixer.process(&inputs, 1, &mut outputs);
        let reached = outputs[1][BLOCK - 1];
        assert!(reached > 0.5 && reached < 0.6, "{reached}");
        mixer.set_gain(0, 1, 0.0);
        mixer.process(&inputs, 1, &mut outputs);
        let first = outputs[1][0];
        assert!(
            first < reached && reached - first < 0.01,
            "jump {reached} -> {first}"
        );
        assert!(outputs[1].windows(2).all(|p| p[1] <= p[0]));
    }

    #[test]
    fn absent_inputs_contribute_nothing() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 4);
        for from in 0..4 {
            for to in 0..4 {
                mixer.set_gain(from, to, if from == to { 0.0 } else { 0.3 });
            }
        }
        let (mut inputs, mut outputs) = silent_io();
        for (port, input) in inputs.iter_mut().enumerate() {
            *input = [0.1 * port as f32; BLOCK];
        }
        inputs[2] = [f32::NAN; BLOCK];
        for _ in 0..4 {
            mixer.process(&inputs, 0b1011, &mut outputs);
        }
        let expected = [0.3 * (0.1 + 0.3), 0.3 * 0.3, 0.3 * (0.1 + 0.3), 0.3 * 0.1];
        for (to, value) in expected.iter().enumerate() {
            for sample in &outputs[to] {
                assert!(
                    (sample - value).abs() < 1e-6,
                    "output {to}: {sample} != {value}"
                );
            }
        }
    }

    #[test]
    fn absent_input_ramp_still_advances() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 2);
        let (mut inputs, mut outputs) = silent_io();
        inputs[1] = [0.5; BLOCK];
        mixer.set_gain(1, 0, 1.0);
        mixer.process(&inputs, 0, &mut outputs);
        assert_eq!(outputs[0], [0.0; BLOCK]);
        let gain = mixer.gain(1, 0).unwrap_or(f32::NAN);
        assert!((gain - BLOCK as f32 / 240.0).abs() < 1e-6, "{gain}");
        mixer.process(&inputs, 0, &mut outputs);
        assert_eq!(mixer.gain(1, 0), Some(1.0));
        mixer.process(&inputs, 0b10, &mut outputs);
        assert_eq!(outputs[0], [0.5; BLOCK]);
    }

    #[test]
    fn ports_beyond_configured_count_are_silent() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 2);
        assert!(!mixer.set_gain(2, 0, 1.0));
        assert!(!mixer.set_gain(0, 2, 1.0));
        assert!(mixer.set_gain(0, 1, 1.0));
        let (inputs, mut outputs) = ([[0.25; BLOCK]; MAX_PORTS], [[1.0; BLOCK]; MAX_PORTS]);
        for _ in 0..3 {
            mixer.process(&inputs, u32::MAX, &mut outputs);
        }
        assert_eq!(outputs[1], [0.25; BLOCK]);
        assert!(outputs[2..].iter().all(|o| *o == [0.0; BLOCK]));
    }

    #[test]
    fn invalid_settings_are_sanitised() {
        let mut mixer = Mixer::new();
        mixer.init(f32::NAN, 99);
        assert_eq!(mixer.ports(), MAX_PORTS);
        assert_eq!(mixer.sample_rate(), crate::DEFAULT_SAMPLE_RATE);
        assert_eq!(mixer.ramp_frames(), 240);
        assert!(!mixer.set_gain(0, 1, f32::NAN));
        assert_eq!(mixer.target_gain(0, 1), Some(0.0));
        assert!(mixer.set_gain(0, 1, f32::INFINITY));
        assert_eq!(mixer.target_gain(0, 1), Some(MAX_GAIN));
        assert!(mixer.set_gain(0, 1, -100.0));
        assert_eq!(mixer.target_gain(0, 1), Some(-MAX_GAIN));
        assert_eq!(mixer.gain(MAX_PORTS, 0), None);
        mixer.init(1.0, 1);
        assert_eq!(mixer.ramp_frames(), 1);
    }

    #[test]
    fn full_matrix_of_seventeen_ports() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, MAX_PORTS);
        for from in 0..MAX_PORTS {
            for to in 0..MAX_PORTS {
                if from != to {
                    mixer.set_gain(from, to, 0.05);
                }
            }
        }
        let (mut inputs, mut outputs) = silent_io();
        for (port, input) in inputs.iter_mut().enumerate() {
            *input = [0.01 * (port + 1) as f32; BLOCK];
        }
        for _ in 0..3 {
            mixer.process(&inputs, (1 << MAX_PORTS) - 1, &mut outputs);
        }
        let total: f32 = (1..=MAX_PORTS).map(|p| 0.01 * p as f32).sum();
        for (to, output) in outputs.iter().enumerate() {
            let expected = 0.05 * (total - 0.01 * (to + 1) as f32);
            assert!((output[0] - expected).abs() < 1e-5, "{to}");
        }
    }
}
