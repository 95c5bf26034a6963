//! Output safety: a peak limiter followed by a soft clip, so a mixed output never leaves
//! `[-CEILING, CEILING]` however many loud legs are summed into it.
//!
//! The peak follower (1 ms attack, 100 ms release) pulls the gain down so the envelope sits at
//! [`KNEE`]; because its attack is not instantaneous, the first samples of a sudden loud onset
//! would still overshoot, and the soft clip above the knee catches them without a hard edge.

use crate::lanes::{F32x4, Native};
use crate::{Block, BLOCK, DEFAULT_SAMPLE_RATE};

/// Level above which the limiter reduces gain and the soft clip starts to bend.
pub const KNEE: f32 = 0.9;

/// No output sample ever exceeds this magnitude.
pub const CEILING: f32 = 1.0;

const ATTACK_SECONDS: f32 = 0.001;
const RELEASE_SECONDS: f32 = 0.1;

/// Below this the envelope is treated as silence: long decays would otherwise end in
/// subnormals, which are slow on x86 (wasm does not flush them to zero).
const ENVELOPE_FLOOR: f32 = 1e-9;

/// One output's limiter. Cheap to copy; holds only its envelope and coefficients.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limiter {
    envelope: f32,
    attack: f32,
    release: f32,
}

impl Limiter {
    /// All zero (an instant peak follower), for `Mixer::new`: an all-zero static goes in
    /// `.bss` and costs nothing in the wasm binary. `Mixer::init` replaces it before use.
    pub(crate) const ZERO: Self = Self {
        envelope: 0.0,
        attack: 0.0,
        release: 0.0,
    };

    /// A limiter for `sample_rate` (Hz); a rate that is not positive and finite falls back to
    /// [`DEFAULT_SAMPLE_RATE`].
    #[must_use]
    pub fn new(sample_rate: f32) -> Self {
        let rate = crate::sane_rate(sample_rate);
        Self {
            envelope: 0.0,
            attack: libm::expf(-1.0 / (ATTACK_SECONDS * rate)),
            release: libm::expf(-1.0 / (RELEASE_SECONDS * rate)),
        }
    }

    /// Limits `block` in place. Non-finite samples are replaced by silence so one bad input
    /// cannot poison the envelope for good.
    pub fn process(&mut self, block: &mut Block) {
        for sample in block.iter_mut() {
            let x = if sample.is_finite() { *sample } else { 0.0 };
            let level = x.abs();
            let coefficient = if level > self.envelope {
                self.attack
            } else {
                self.release
            };
            self.envelope = level + coefficient * (self.envelope - level);
            if self.envelope < ENVELOPE_FLOOR {
                self.envelope = 0.0;
            }
            let gain = if self.envelope > KNEE {
                KNEE / self.envelope
            } else {
                1.0
            };
            *sample = soft_clip(x * gain);
        }
    }
}

/// Limits four blocks with four limiters at once, each lane exactly as [`Limiter::process`]
/// would (the envelope recursion is serial in time, so the mixer runs four outputs side by side
/// instead).
pub(crate) fn process4(limiters: &mut [Limiter], blocks: &mut [Block]) {
    process4_lanes::<Native>(limiters, blocks);
}

#[inline(always)]
pub(crate) fn process4_lanes<V: F32x4>(limiters: &mut [Limiter], blocks: &mut [Block]) {
    let ([l0, l1, l2, l3], [b0, b1, b2, b3]) = (&mut *limiters, &mut *blocks) else {
        // Not four of each: one at a time.
        for (limiter, block) in limiters.iter_mut().zip(blocks.iter_mut()) {
            limiter.process(block);
        }
        return;
    };
    if quiet_lanes::<V>(
        &[l0.envelope, l1.envelope, l2.envelope, l3.envelope],
        [b0, b1, b2, b3],
    ) {
        // Every envelope stays at or below the knee (each step is a convex combination of the
        // envelope and a level, both <= KNEE, and rounding cannot leave that range), so the gain
        // is 1 and the soft clip the identity: the samples pass unchanged. Only the envelopes
        // move, computed exactly as `Limiter::process` does, four chains side by side.
        let limiters = [l0, l1, l2, l3];
        let mut envelope = limiters.each_ref().map(|l| l.envelope);
        let attack = limiters.each_ref().map(|l| l.attack);
        let release = limiters.each_ref().map(|l| l.release);
        for i in 0..BLOCK {
            let x = [b0[i], b1[i], b2[i], b3[i]];
            for lane in 0..4 {
                let level = x[lane].abs();
                let coefficient = if level > envelope[lane] {
                    attack[lane]
                } else {
                    release[lane]
                };
                let e = level + coefficient * (envelope[lane] - level);
                envelope[lane] = if e < ENVELOPE_FLOOR { 0.0 } else { e };
            }
        }
        for (limiter, e) in limiters.into_iter().zip(envelope) {
            limiter.envelope = e;
        }
        return;
    }
    let attack = V::from_array([l0.attack, l1.attack, l2.attack, l3.attack]);
    let release = V::from_array([l0.release, l1.release, l2.release, l3.release]);
    let mut envelope = V::from_array([l0.envelope, l1.envelope, l2.envelope, l3.envelope]);
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let (knee, floor, infinity) = (
        V::splat(KNEE),
        V::splat(ENVELOPE_FLOOR),
        V::splat(f32::INFINITY),
    );
    for i in 0..b0.len().min(b1.len()).min(b2.len()).min(b3.len()) {
        let x = V::from_array([b0[i], b1[i], b2[i], b3[i]]);
        // Finite: |x| < inf (NaN compares false).
        let x = infinity.gt_select(x.abs(), x, zero);
        let level = x.abs();
        let coefficient = level.gt_select(envelope, attack, release);
        envelope = level.add(coefficient.mul(envelope.sub(level)));
        envelope = floor.gt_select(envelope, zero, envelope);
        let gain = envelope.gt_select(knee, knee.div(envelope), one);
        let [y0, y1, y2, y3] = x.mul(gain).to_array();
        b0[i] = soft_clip(y0);
        b1[i] = soft_clip(y1);
        b2[i] = soft_clip(y2);
        b3[i] = soft_clip(y3);
    }
    let [e0, e1, e2, e3] = envelope.to_array();
    (l0.envelope, l1.envelope, l2.envelope, l3.envelope) = (e0, e1, e2, e3);
}

/// Whether all four envelopes and every sample of the four blocks are finite and at most
/// [`KNEE`] in magnitude.
#[inline(always)]
fn quiet_lanes<V: F32x4>(envelopes: &[f32; 4], blocks: [&Block; 4]) -> bool {
    if !envelopes.iter().all(|e| *e <= KNEE) {
        return false;
    }
    let zero = V::splat(0.0);
    blocks.iter().all(|block| {
        let (mut peak, mut poison) = (zero, zero);
        for chunk in block.chunks_exact(4) {
            let Ok(chunk) = <&[f32; 4]>::try_from(chunk) else {
                continue;
            };
            let x = V::load(chunk);
            peak = peak.pmax(x.abs());
            // NaN or infinity anywhere makes this NaN (0 * inf = NaN).
            poison = poison.add(x.mul(zero));
        }
        let (peak, poison) = (peak.to_array(), poison.to_array());
        peak.iter().all(|p| *p <= KNEE) && poison.iter().all(|p| *p == 0.0)
    })
}

impl Default for Limiter {
    /// A limiter for [`DEFAULT_SAMPLE_RATE`].
    fn default() -> Self {
        Self::new(DEFAULT_SAMPLE_RATE)
    }
}

/// Identity up to [`KNEE`], then a tanh curve that meets it with slope 1 and flattens towards
/// [`CEILING`]. The final `min` guards against `tanhf` rounding to exactly 1.
fn soft_clip(x: f32) -> f32 {
    let magnitude = x.abs();
    if magnitude <= KNEE {
        return x;
    }
    let headroom = CEILING - KNEE;
    let bent = KNEE + headroom * libm::tanhf((magnitude - KNEE) / headroom);
    bent.min(CEILING).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mixer, BLOCK, MAX_PORTS};

    #[test]
    fn four_lanes_equal_four_limiters_bit_for_bit() {
        use crate::lanes::Scalar4;
        let mut seed = 0x5eed_u32;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed as f32 / u32::MAX as f32) * 2.0 - 1.0
        };
        let rates = [8_000.0, 44_100.0, 48_000.0, 96_000.0];
        let mut one_by_one = rates.map(Limiter::new);
        let mut lanes = one_by_one;
        let mut native = one_by_one;
        for n in 0..300 {
            // Quiet, loud, silent and broken blocks, different per lane.
            // The first 40 blocks and every third stretch after are quiet in all four lanes (the
            // pass-through path, once the envelopes are below the knee), up to the knee.
            let all_quiet = n < 40 || (n / 20) % 3 == 2;
            let mut blocks: [Block; 4] = core::array::from_fn(|lane| {
                let scale = if all_quiet {
                    [0.3, 0.6, 0.0, KNEE][lane]
                } else {
                    [0.3, 3.0, 0.0, 12.0][(n / 20 + lane) % 4]
                };
                core::array::from_fn(|_| noise() * scale)
            });
            if all_quiet {
                blocks[3][5] = KNEE;
                blocks[3][6] = -KNEE;
            }
            if n % 50 == 7 {
                blocks[1][3] = f32::NAN;
                blocks[2][9] = f32::INFINITY;
                blocks[3][100] = f32::NEG_INFINITY;
            }
            let mut expected = blocks;
            for (limiter, block) in one_by_one.iter_mut().zip(&mut expected) {
                limiter.process(block);
            }
            let mut by_lanes = blocks;
            process4_lanes::<Scalar4>(&mut lanes, &mut by_lanes);
            let mut by_native = blocks;
            process4(&mut native, &mut by_native);
            assert_eq!(by_lanes, expected, "block {n}");
            assert_eq!(by_native, expected, "block {n}");
            assert_eq!(lanes, one_by_one);
        }
        // Fewer than four: the scalar path.
        let mut three = [Limiter::default(); 3];
        let mut blocks = [[2.0; BLOCK]; 3];
        process4(&mut three, &mut blocks);
        assert!(blocks.iter().flatten().all(|s| s.abs() <= CEILING));
    }

    #[test]
    fn bad_sample_rate_falls_back_to_default() {
        assert_eq!(Limiter::new(f32::NAN), Limiter::default());
        assert_eq!(Limiter::new(-1.0), Limiter::default());
        assert_eq!(Limiter::new(0.0), Limiter::default());
        assert_ne!(Limiter::new(8_000.0), Limiter::default());
    }

    #[test]
    fn quiet_signal_passes_unchanged() {
        let mut limiter = Limiter::new(48_000.0);
        for n in 0..50 {
            let block: Block =
                core::array::from_fn(|i| 0.8 * libm::sinf((n * BLOCK + i) as f32 * 0.05));
            let mut out = block;
            limiter.process(&mut out);
            assert_eq!(out, block);
        }
    }

    #[test]
    fn soft_clip_is_continuous_monotonic_and_bounded() {
        let mut previous = soft_clip(-100.0);
        let mut x = -100.0_f32;
        while x < 100.0 {
            x += 0.001;
            let y = soft_clip(x);
            assert!(y >= previous, "not monotonic at {x}");
            assert!(y - previous < 0.0011, "jump at {x}");
            assert!(y.abs() <= CEILING);
            previous = y;
        }
        assert_eq!(soft_clip(KNEE), KNEE);
        assert_eq!(soft_clip(f32::MAX), CEILING);
        assert_eq!(soft_clip(-f32::MAX), -CEILING);
    }

    #[test]
    fn non_finite_input_is_silenced_and_does_not_stick() {
        let mut limiter = Limiter::new(48_000.0);
        let mut block = [0.5; BLOCK];
        block[3] = f32::NAN;
        block[4] = f32::INFINITY;
        block[5] = f32::NEG_INFINITY;
        limiter.process(&mut block);
        assert_eq!(block[3], 0.0);
        assert_eq!(block[4], 0.0);
        assert_eq!(block[5], 0.0);
        assert!(limiter.envelope.is_finite());
        let mut next = [0.5; BLOCK];
        limiter.process(&mut next);
        assert_eq!(next, [0.5; BLOCK]);
    }

    #[test]
    fn loud_steady_signal_settles_near_knee() {
        let mut limiter = Limiter::new(48_000.0);
        let mut peak = 0.0_f32;
        for n in 0..400 {
            let mut block: Block =
                core::array::from_fn(|i| 4.0 * libm::sinf((n * BLOCK + i) as f32 * 0.05));
            limiter.process(&mut block);
            if n >= 200 {
                peak = block.iter().fold(peak, |p, s| p.max(s.abs()));
            }
        }
        // The 1 ms attack lets each peak poke a little over the knee (the soft clip rounds it);
        // without the gain reduction a 4x overload would sit pinned near the ceiling.
        assert!(peak < KNEE + 0.05, "peak {peak}");
        assert!(peak > KNEE * 0.95, "over-limited: {peak}");
    }

    #[test]
    fn eight_full_scale_inputs_never_exceed_ceiling() {
        for rate in [8_000.0, 44_100.0, 48_000.0, 96_000.0] {
            let mut mixer = Mixer::new();
            mixer.init(rate, 9);
            for from in 1..9 {
                assert!(mixer.set_gain(from, 0, 1.0));
            }
            let mut inputs = [[0.0; BLOCK]; MAX_PORTS];
            let mut outputs = [[0.0; BLOCK]; MAX_PORTS];
            let mut seed = 0x1234_5678_u32;
            let mut loudest = 0.0_f32;
            for n in 0..2_000 {
                for (from, input) in inputs.iter_mut().enumerate().take(9).skip(1) {
                    for (i, sample) in input.iter_mut().enumerate() {
                        let t = (n * BLOCK + i) as f32;
                        *sample = match (from + n / 500) % 3 {
                            // In-phase square waves: every input at +1 or -1 together.
                            0 => {
                                if (t / 60.0) as u32 & 1 == 0 {
                                    1.0
                                } else {
                                    -1.0
                                }
                            }
                            1 => libm::sinf(t * 0.031 * from as f32),
                            _ => {
                                seed ^= seed << 13;
                                seed ^= seed >> 17;
                                seed ^= seed << 5;
                                if seed & 1 == 0 {
                                    1.0
                                } else {
                                    -1.0
                                }
                            }
                        };
                    }
                }
                mixer.process(&inputs, 0x1fe, &mut outputs);
                for sample in &outputs[0] {
                    assert!(sample.abs() <= CEILING, "{sample} at {rate} Hz, block {n}");
                    loudest = loudest.max(sample.abs());
                }
            }
            assert!(
                loudest > KNEE * 0.9,
                "limiter crushed everything: {loudest}"
            );
        }
    }
}
