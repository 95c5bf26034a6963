//! Level meters for the speaking indicators: RMS (a one-pole average of the block's mean
//! square, [`RMS_SECONDS`]) and peak (held for [`PEAK_HOLD_SECONDS`], then falling at
//! [`PEAK_DECAY_DB_PER_SECOND`]). Updated once per block, from one pass over the samples.

use crate::kernels::block_stats;
use crate::{Block, BLOCK, DEFAULT_SAMPLE_RATE};

/// Time constant of the RMS average.
pub const RMS_SECONDS: f32 = 0.1;
/// How long a peak is held before it starts to fall.
pub const PEAK_HOLD_SECONDS: f32 = 0.5;
/// How fast a held peak falls once the hold is over.
pub const PEAK_DECAY_DB_PER_SECOND: f32 = 20.0;

/// Levels below this are reported as 0 (and kept out of subnormals).
const FLOOR: f32 = 1e-10;

/// One input's meter. Cheap to copy; all zero until [`Meter::new`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Meter {
    mean_square: f32,
    peak: f32,
    /// Blocks the current peak is still held for.
    hold_left: u32,
    rms_coefficient: f32,
    peak_decay: f32,
    hold_blocks: u32,
}

impl Meter {
    /// A silent meter (with every coefficient 0), for all-zero statics.
    pub(crate) const ZERO: Self = Self {
        mean_square: 0.0,
        peak: 0.0,
        hold_left: 0,
        rms_coefficient: 0.0,
        peak_decay: 0.0,
        hold_blocks: 0,
    };

    /// A silent meter for `sample_rate` (Hz); a rate that is not positive and finite falls back
    /// to [`DEFAULT_SAMPLE_RATE`].
    #[must_use]
    pub fn new(sample_rate: f32) -> Self {
        let rate = crate::sane_rate(sample_rate);
        let block_seconds = BLOCK as f32 / rate;
        Self {
            rms_coefficient: 1.0 - libm::expf(-block_seconds / RMS_SECONDS),
            peak_decay: libm::powf(10.0, -PEAK_DECAY_DB_PER_SECOND * block_seconds / 20.0),
            // `as` saturates; rounds to the nearest block.
            hold_blocks: (PEAK_HOLD_SECONDS / block_seconds + 0.5) as u32,
            ..Self::ZERO
        }
    }

    /// Takes in one block. Non-finite samples count as silence.
    pub fn process(&mut self, block: &Block) {
        self.process_stats(block, block_stats(block));
    }

    /// [`Meter::process`] given `block_stats(block)`, for a caller that needs them too.
    pub(crate) fn process_stats(&mut self, block: &Block, (squares, peak): (f32, f32)) {
        let (squares, peak) = if squares.is_finite() {
            (squares, peak)
        } else {
            let mut clean = *block;
            for sample in &mut clean {
                if !sample.is_finite() {
                    *sample = 0.0;
                }
            }
            block_stats(&clean)
        };
        self.mean_square += self.rms_coefficient * (squares / BLOCK as f32 - self.mean_square);
        if self.mean_square < FLOOR * FLOOR {
            self.mean_square = 0.0;
        }
        if peak >= self.peak {
            self.peak = peak;
            self.hold_left = self.hold_blocks;
        } else if self.hold_left > 0 {
            self.hold_left -= 1;
        } else {
            // Both are finite and not -0 (the block peak is |x| from +0, non-finite samples
            // cleaned above), so this is `f32::max` without its libm call on wasm.
            let decayed = self.peak * self.peak_decay;
            self.peak = if decayed < peak { peak } else { decayed };
            if self.peak < FLOOR {
                self.peak = 0.0;
            }
        }
    }

    /// Forgets everything (the input went away): both levels drop to 0 at once.
    pub fn reset(&mut self) {
        self.mean_square = 0.0;
        self.peak = 0.0;
        self.hold_left = 0;
    }

    /// The RMS level (linear; a full-scale sine reads about 0.707).
    #[must_use]
    pub fn rms(&self) -> f32 {
        crate::lanes::sqrt(self.mean_square)
    }

    /// The held peak level (linear magnitude).
    #[must_use]
    pub fn peak(&self) -> f32 {
        self.peak
    }
}

impl Default for Meter {
    /// A meter for [`DEFAULT_SAMPLE_RATE`].
    fn default() -> Self {
        Self::new(DEFAULT_SAMPLE_RATE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine_block(amplitude: f32, frequency: f32, rate: f32, n: usize) -> Block {
        core::array::from_fn(|i| {
            let t = (n * BLOCK + i) as f32 / rate;
            amplitude * libm::sinf(core::f32::consts::TAU * frequency * t)
        })
    }

    #[test]
    fn rms_of_known_signals() {
        for rate in [44_100.0, 48_000.0] {
            // Frequencies whose samples come close to every crest (3150 Hz at 44.1 kHz would
            // not: 14 samples a cycle, the highest 2.5 % below the crest).
            for (amplitude, frequency) in [(1.0, 1000.0), (0.5, 440.0), (0.1, 3_100.0)] {
                let mut meter = Meter::new(rate);
                // 2 s: twenty time constants.
                let blocks = (2.0 * rate / BLOCK as f32) as usize;
                for n in 0..blocks {
                    meter.process(&sine_block(amplitude, frequency, rate, n));
                }
                let expected = amplitude / core::f32::consts::SQRT_2;
                assert!(
                    (meter.rms() - expected).abs() < expected * 0.01,
                    "{rate} Hz, {amplitude} at {frequency} Hz: {} != {expected}",
                    meter.rms()
                );
                assert!(
                    (meter.peak() - amplitude).abs() < amplitude * 0.01,
                    "{rate} Hz, {amplitude} at {frequency} Hz: peak {}",
                    meter.peak()
                );
            }
            let mut meter = Meter::new(rate);
            for _ in 0..1_000 {
                meter.process(&[-0.25; BLOCK]);
            }
            assert!((meter.rms() - 0.25).abs() < 1e-4, "DC: {}", meter.rms());
            assert_eq!(meter.peak(), 0.25);
        }
    }

    #[test]
    fn rms_time_constant() {
        let rate = 48_000.0;
        let mut meter = Meter::new(rate);
        // One time constant of a step: the mean square reaches 1 - 1/e of its final value.
        let blocks = (RMS_SECONDS * rate / BLOCK as f32 + 0.5) as usize;
        for _ in 0..blocks {
            meter.process(&[1.0; BLOCK]);
        }
        let reached = meter.rms() * meter.rms();
        assert!(
            (reached - (1.0 - (-1.0_f32).exp())).abs() < 0.01,
            "{reached}"
        );
    }

    #[test]
    fn peak_holds_then_decays() {
        for rate in [44_100.0, 48_000.0] {
            let mut meter = Meter::new(rate);
            let mut click = [0.0; BLOCK];
            click[10] = 0.8;
            meter.process(&click);
            assert_eq!(meter.peak(), 0.8);
            let hold_blocks = (PEAK_HOLD_SECONDS * rate / BLOCK as f32).round() as usize;
            for _ in 0..hold_blocks {
                meter.process(&[0.0; BLOCK]);
                assert_eq!(meter.peak(), 0.8, "held");
            }
            // One second of decay: -20 dB.
            let second = (rate / BLOCK as f32).round() as usize;
            for _ in 0..second {
                meter.process(&[0.0; BLOCK]);
            }
            let db = 20.0 * (meter.peak() / 0.8).log10();
            assert!((db + PEAK_DECAY_DB_PER_SECOND).abs() < 0.1, "{db} dB");
            // A new, louder peak takes over at once.
            meter.process(&[0.9; BLOCK]);
            assert_eq!(meter.peak(), 0.9);
        }
    }

    #[test]
    fn silence_reads_zero_and_bad_samples_are_ignored() {
        let mut meter = Meter::new(48_000.0);
        meter.process(&[0.0; BLOCK]);
        assert_eq!((meter.rms(), meter.peak()), (0.0, 0.0));
        let mut block = [0.5; BLOCK];
        block[0] = f32::NAN;
        block[1] = f32::INFINITY;
        meter.process(&block);
        assert!(meter.rms().is_finite());
        assert_eq!(meter.peak(), 0.5);
        for _ in 0..10_000 {
            meter.process(&[0.0; BLOCK]);
        }
        assert_eq!((meter.rms(), meter.peak()), (0.0, 0.0));
        meter.process(&[0.5; BLOCK]);
        meter.reset();
        assert_eq!((meter.rms(), meter.peak()), (0.0, 0.0));
        assert_eq!(Meter::new(f32::NAN), Meter::default());
    }
}
