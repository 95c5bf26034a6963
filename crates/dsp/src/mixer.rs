//! The N-1 conference mixer: `out[to] = sum over present inputs of gain[from][to] * in[from]`,
//! then a [`Limiter`] on every output.
//!
//! Who hears whom is entirely the gain matrix, set by the engine; the default is silence
//! everywhere. Each link ramps linearly to a new gain over [`RAMP_SECONDS`] so switching a leg
//! in or out does not click.

use crate::kernels::{block_stats_many, mix, Ramp, Source};
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
    /// Per output `to`, bit `from` set while `links[from][to]` is not silent: the inputs to mix.
    sounding: [u32; MAX_PORTS],
    /// Per output `to`, bit `from` set while `links[from][to]` is ramping: the ramps to advance.
    ramping: [u32; MAX_PORTS],
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
            sounding: [0; MAX_PORTS],
            ramping: [0; MAX_PORTS],
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
        self.sounding = [0; MAX_PORTS];
        self.ramping = [0; MAX_PORTS];
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
        let link = &mut self.links[from][to];
        link.retarget(gain.clamp(-MAX_GAIN, MAX_GAIN), ramp_frames);
        let (bit, link) = (1 << from, *link);
        set_bit(&mut self.sounding[to], bit, !link.is_silent());
        set_bit(&mut self.ramping[to], bit, link.ramp.remaining != 0);
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
    ///
    /// A present input whose block is all zeros (a muted leg) is metered like any other but
    /// left out of the mix, which changes no sample.
    pub fn process(
        &mut self,
        inputs: &[Block; MAX_PORTS],
        present: u32,
        outputs: &mut [Block; MAX_PORTS],
    ) {
        let ports = self.ports;
        // Inputs with something to add: present and not all zeros. A silent block adds ±0 to
        // sums that are never -0 (see `kernels::mix`), which changes no sample, so it is left
        // out of the mix like an absent one; its meter still sees it.
        let present = present & ((1 << ports) - 1);
        let stats = present_stats(inputs, present);
        let mut audible = 0_u32;
        for ((from, input), stats) in inputs.iter().enumerate().zip(stats) {
            let meter = &mut self.meters[from];
            if present & (1 << from) != 0 {
                meter.process_stats(input, stats);
                // A NaN makes the sum of squares NaN: not silent.
                if stats != (0.0, 0.0) {
                    audible |= 1 << from;
                }
            } else if self.levels[from] != [0.0; 2] {
                meter.reset();
                self.levels[from] = [0.0; 2];
            }
        }
        let (used, unused) = outputs.split_at_mut(ports.min(MAX_PORTS));
        unused.as_flattened_mut().fill(0.0);
        let mut sources = [Source {
            input: &inputs[0],
            ramp: Link::SILENT.ramp,
        }; MAX_PORTS];
        for (to, output) in used.iter_mut().enumerate() {
            // The inputs this output hears, in port order (the order of every sum).
            let mut count = 0;
            for from in ones(self.sounding[to] & audible) {
                let (Some(input), Some(links), Some(source)) = (
                    inputs.get(from),
                    self.links.get(from),
                    sources.get_mut(count),
                ) else {
                    continue;
                };
                if let Some(link) = links.get(to) {
                    *source = Source {
                        input,
                        ramp: link.ramp,
                    };
                    count += 1;
                }
            }
            mix(output, sources.get(..count).unwrap_or_default());
            self.tones[to].add_to(output);
            // Every ramp advances, heard or not; a steady link stays as it is.
            for from in ones(self.ramping[to]) {
                let Some(link) = self.links.get_mut(from).and_then(|links| links.get_mut(to))
                else {
                    continue;
                };
                link.advance(BLOCK as u32);
                if link.ramp.remaining == 0 {
                    self.ramping[to] &= !(1 << from);
                    set_bit(&mut self.sounding[to], 1 << from, !link.is_silent());
                }
            }
        }
        limiter::process(&mut self.limiters[..used.len()], used);
        // Read back long after the meters were written (a load right behind those stores would
        // wait for them).
        for from in ones(present) {
            if let (Some(levels), Some(meter)) = (self.levels.get_mut(from), self.meters.get(from))
            {
                *levels = [meter.rms(), meter.peak()];
            }
        }
    }
}

/// Sets or clears `bit` in `mask`.
fn set_bit(mask: &mut u32, bit: u32, on: bool) {
    if on {
        *mask |= bit;
    } else {
        *mask &= !bit;
    }
}

/// The positions of the bits set in `mask`, lowest first.
fn ones(mut mask: u32) -> impl Iterator<Item = usize> {
    core::iter::from_fn(move || {
        let bit = mask.trailing_zeros() as usize;
        mask &= mask.wrapping_sub(1);
        (bit < 32).then_some(bit)
    })
}

/// `block_stats` of every input whose bit is set in `present` (`(0, 0)` for the others), four
/// at a time.
fn present_stats(inputs: &[Block; MAX_PORTS], present: u32) -> [(f32, f32); MAX_PORTS] {
    let mut found = [(0, &inputs[0]); MAX_PORTS];
    let mut count = 0;
    for (port, input) in inputs.iter().enumerate() {
        if present & (1 << port) != 0 {
            if let Some(slot) = found.get_mut(count) {
                *slot = (port, input);
                count += 1;
            }
        }
    }
    let mut stats = [(0.0, 0.0); MAX_PORTS];
    for batch in found.get(..count).unwrap_or_default().chunks(4) {
        let results: &[(f32, f32)] = match *batch {
            [(_, a), (_, b), (_, c), (_, d)] => &block_stats_many([a, b, c, d]),
            [(_, a), (_, b), (_, c)] => &block_stats_many([a, b, c]),
            [(_, a), (_, b)] => &block_stats_many([a, b]),
            [(_, a)] => &block_stats_many([a]),
            _ => &[],
        };
        for ((port, _), result) in batch.iter().zip(results) {
            if let Some(slot) = stats.get_mut(*port) {
                *slot = *result;
            }
        }
    }
    stats
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

    /// `Mixer::process` as first written, one plain loop per step: meters, then for each output
    /// a zeroed block to which every present input on a non-silent link is added in port order
    /// (steady at `target`, ramping through `gain_at`, sample by sample), then the tone, then
    /// each output's own limiter. What the mixer must equal bit for bit.
    fn process_reference(
        mixer: &mut Mixer,
        inputs: &[Block; MAX_PORTS],
        present: u32,
        outputs: &mut [Block; MAX_PORTS],
    ) {
        let ports = mixer.ports;
        for (from, input) in inputs.iter().enumerate() {
            let meter = &mut mixer.meters[from];
            if from < ports && present & (1 << from) != 0 {
                meter.process(input);
                mixer.levels[from] = [meter.rms(), meter.peak()];
            } else if mixer.levels[from] != [0.0; 2] {
                meter.reset();
                mixer.levels[from] = [0.0; 2];
            }
        }
        for (to, output) in outputs.iter_mut().enumerate() {
            output.fill(0.0);
            if to >= ports {
                continue;
            }
            for (from, input) in inputs.iter().enumerate().take(ports) {
                let link = &mut mixer.links[from][to];
                if present & (1 << from) != 0 && !link.is_silent() {
                    for (i, (o, x)) in output.iter_mut().zip(input).enumerate() {
                        let gain = if link.ramp.remaining == 0 {
                            link.ramp.target
                        } else {
                            let left = (i64::from(link.ramp.remaining) - 1 - i as i64).max(0);
                            link.ramp.gain_at(left as u32)
                        };
                        *o += gain * x;
                    }
                }
                link.advance(BLOCK as u32);
            }
            mixer.tones[to].add_to(output);
        }
        let used = (ports.div_ceil(4) * 4).min(MAX_PORTS);
        for (limiter, output) in mixer.limiters.iter_mut().zip(outputs.iter_mut()).take(used) {
            limiter.process(output);
        }
    }

    /// A test signal for one input: noise at a level from silent to overloaded, all zeros (of
    /// either sign), zeros but for a NaN, or noise with a NaN or an infinity in it.
    fn random_input(seed: &mut u32) -> Block {
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 17;
            *seed ^= *seed << 5;
            *seed
        };
        let kind = next() % 13;
        let level = [0.001, 0.05, 0.3, 0.9, 3.0][(next() % 5) as usize];
        let mut block: Block =
            core::array::from_fn(|_| (next() as f32 / u32::MAX as f32 * 2.0 - 1.0) * level);
        match kind {
            0..=2 => block = [0.0; BLOCK],
            3 => block = [-0.0; BLOCK],
            4 => block[(next() % BLOCK as u32) as usize] = f32::NAN,
            5 => block[(next() % BLOCK as u32) as usize] = f32::NEG_INFINITY,
            6 => block[..64].fill(0.0),
            7 => {
                block = [0.0; BLOCK];
                block[(next() % BLOCK as u32) as usize] = f32::NAN;
            }
            _ => {}
        }
        block
    }

    #[test]
    fn process_equals_reference_bit_for_bit() {
        // A NaN is a NaN (neither LLVM nor wasm promise which one); the limiter silences them.
        let bits = |x: &f32| if x.is_nan() { u32::MAX } else { x.to_bits() };
        let mut seed = 0x0dd_ba11_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let mut input_seed = 0x5eed_u32;
        for scenario in 0..24 {
            let ports = 1 + scenario % MAX_PORTS;
            let rate = [48_000.0, 44_100.0, 8_000.0][scenario % 3];
            let mut mixer = Mixer::new();
            mixer.init(rate, ports);
            let mut reference = mixer.clone();
            let (mut inputs, mut outputs) = silent_io();
            let mut expected = outputs;
            for block in 0..300 {
                // Gain changes now and then: some links ramping, some steady, some silent,
                // some ramping to or from 0, some set again to where they already go.
                for _ in 0..next() % 4 {
                    let (from, to) = ((next() % 18) as usize, (next() % 18) as usize);
                    let gain = match next() % 6 {
                        0 | 1 => 0.0,
                        2 => mixer.target_gain(from, to).unwrap_or(1.0),
                        3 => -0.5,
                        4 => 12.0,
                        _ => next() as f32 / u32::MAX as f32 * 2.0,
                    };
                    assert_eq!(
                        mixer.set_gain(from, to, gain),
                        reference.set_gain(from, to, gain)
                    );
                }
                if block % 37 == 5 {
                    let to = (next() % 18) as usize;
                    mixer.start_tone(to, Tone::Ringback, Region::NorthAmerica, 0.5);
                    reference.start_tone(to, Tone::Ringback, Region::NorthAmerica, 0.5);
                }
                if block % 37 == 20 {
                    mixer.stop_tone(block % ports);
                    reference.stop_tone(block % ports);
                }
                for input in &mut inputs {
                    *input = random_input(&mut input_seed);
                }
                // Most inputs present, some absent.
                let present = next() | next();
                mixer.process(&inputs, present, &mut outputs);
                process_reference(&mut reference, &inputs, present, &mut expected);
                for (to, (output, expected)) in outputs.iter().zip(&expected).enumerate() {
                    assert!(
                        output.iter().map(bits).eq(expected.iter().map(bits)),
                        "{ports} ports, block {block}, output {to}"
                    );
                }
                assert!(
                    mixer.levels().iter().flatten().map(bits).eq(reference
                        .levels()
                        .iter()
                        .flatten()
                        .map(bits)),
                    "{ports} ports, block {block}: levels"
                );
                assert_eq!(mixer.links, reference.links, "{ports} ports, block {block}");
            }
        }
    }

    #[test]
    fn silent_present_input_is_metered_not_reset() {
        let mut mixer = Mixer::new();
        mixer.init(RATE, 3);
        mixer.set_gain(1, 0, 1.0);
        let (mut inputs, mut outputs) = silent_io();
        inputs[1] = [0.5; BLOCK];
        mixer.process(&inputs, 0b10, &mut outputs);
        let loud = mixer.levels()[1];
        inputs[1] = [0.0; BLOCK];
        mixer.process(&inputs, 0b10, &mut outputs);
        // The peak is held and the RMS decays, as for any quiet block; absent, both would be 0.
        assert_eq!(mixer.levels()[1][1], loud[1]);
        assert!(mixer.levels()[1][0] > 0.0 && mixer.levels()[1][0] < loud[0]);
        assert_eq!(outputs[0], [0.0; BLOCK]);
        mixer.process(&inputs, 0, &mut outputs);
        assert_eq!(mixer.levels()[1], [0.0; 2]);
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
