//! Output safety: a peak limiter followed by a soft clip, so a mixed output never leaves
//! `[-CEILING, CEILING]` however many loud legs are summed into it.
//!
//! The peak follower (1 ms attack, 100 ms release) pulls the gain down so the envelope sits at
//! [`KNEE`]; because its attack is not instantaneous, the first samples of a sudden loud onset
//! would still overshoot, and the soft clip above the knee catches them without a hard edge.

use crate::{Block, DEFAULT_SAMPLE_RATE};

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
        let rate = if sample_rate.is_finite() && sample_rate > 0.0 {
            sample_rate
        } else {
            DEFAULT_SAMPLE_RATE
        };
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
