//! The inner loops of the mixer and meters, written once over [`F32x4`] lanes.
//!
//! [`crate::Mixer`] calls them with [`Native`] lanes: `v128` when built with simd128, four
//! scalars otherwise. Each kernel does the same IEEE operations per sample in the same order
//! whatever the lanes, so the scalar and SIMD builds produce identical samples; the tests
//! below check the lane algorithm against a plain one-sample-at-a-time loop.

use crate::lanes::{F32x4, Native};
use crate::{Block, BLOCK};

/// A gain ramp in closed form: the gain of the frame that leaves `r` frames to go is
/// `target - step * r`, clamped to `[lo, hi]`. Computing each frame's gain from its distance to
/// the end (rather than adding `step` frame after frame) makes it monotonic whatever the
/// rounding, exactly `target` at the end, and the same in every lane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ramp {
    pub(crate) target: f32,
    pub(crate) step: f32,
    /// Frames until the gain is `target`; the next frame leaves `remaining - 1`.
    pub(crate) remaining: u32,
    pub(crate) lo: f32,
    pub(crate) hi: f32,
}

impl Ramp {
    /// The gain of the frame that leaves `left` frames to go.
    #[inline(always)]
    pub(crate) fn gain_at(&self, left: u32) -> f32 {
        let gain = self.target - self.step * left as f32;
        let gain = if self.hi < gain { self.hi } else { gain };
        if gain < self.lo {
            self.lo
        } else {
            gain
        }
    }
}

const LANE_OFFSETS: [f32; 4] = [0.0, 1.0, 2.0, 3.0];

/// `out += gain * input`, sample by sample.
#[inline]
pub(crate) fn add_scaled(out: &mut Block, input: &Block, gain: f32) {
    add_scaled_lanes::<Native>(out, input, gain);
}

/// `out += gain(frame) * input` over one block of `ramp` (frames past its end use `target`).
#[inline]
pub(crate) fn add_ramp(out: &mut Block, input: &Block, ramp: &Ramp) {
    add_ramp_lanes::<Native>(out, input, ramp);
}

/// Sum of squares and largest magnitude of a block.
#[inline]
pub(crate) fn block_stats(input: &Block) -> (f32, f32) {
    block_stats_lanes::<Native>(input)
}

#[inline(always)]
pub(crate) fn add_scaled_lanes<V: F32x4>(out: &mut Block, input: &Block, gain: f32) {
    let gain = V::splat(gain);
    for (o, i) in out.chunks_exact_mut(4).zip(input.chunks_exact(4)) {
        // chunks_exact(4) always gives four; the `else` is never taken.
        let (Ok(o), Ok(i)) = (<&mut [f32; 4]>::try_from(o), <&[f32; 4]>::try_from(i)) else {
            continue;
        };
        V::load(o).add(gain.mul(V::load(i))).store(o);
    }
}

#[inline(always)]
pub(crate) fn add_ramp_lanes<V: F32x4>(out: &mut Block, input: &Block, ramp: &Ramp) {
    let target = V::splat(ramp.target);
    let step = V::splat(ramp.step);
    let (lo, hi) = (V::splat(ramp.lo), V::splat(ramp.hi));
    let zero = V::splat(0.0);
    let offsets = V::from_array(LANE_OFFSETS);
    // Frame i leaves max(remaining - 1 - i, 0) frames: small integers, exact in f32.
    let first_left = ramp.remaining as f32 - 1.0;
    for (k, (o, i)) in out
        .chunks_exact_mut(4)
        .zip(input.chunks_exact(4))
        .enumerate()
    {
        let (Ok(o), Ok(i)) = (<&mut [f32; 4]>::try_from(o), <&[f32; 4]>::try_from(i)) else {
            continue;
        };
        let left = V::splat(first_left - (4 * k) as f32)
            .sub(offsets)
            .pmax(zero);
        let gain = target.sub(step.mul(left)).pmin(hi).pmax(lo);
        V::load(o).add(gain.mul(V::load(i))).store(o);
    }
}

#[inline(always)]
pub(crate) fn block_stats_lanes<V: F32x4>(input: &Block) -> (f32, f32) {
    let mut squares = V::splat(0.0);
    let mut peak = V::splat(0.0);
    for i in input.chunks_exact(4) {
        let Ok(i) = <&[f32; 4]>::try_from(i) else {
            continue;
        };
        let x = V::load(i);
        squares = squares.add(x.mul(x));
        peak = peak.pmax(x.abs());
    }
    let (s, p) = (squares.to_array(), peak.to_array());
    let peak = p[0].max(p[1]).max(p[2].max(p[3]));
    ((s[0] + s[1]) + (s[2] + s[3]), peak)
}

// Block is a whole number of lane groups.
const _: () = assert!(BLOCK % 4 == 0);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::Scalar4;

    fn noise(seed: &mut u32) -> f32 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 17;
        *seed ^= *seed << 5;
        (*seed as f32 / u32::MAX as f32) * 2.0 - 1.0
    }

    fn noise_block(seed: &mut u32) -> Block {
        core::array::from_fn(|_| noise(seed))
    }

    /// The obvious loop, one sample at a time: what the lane kernels must equal exactly.
    fn ramp_reference(out: &mut Block, input: &Block, ramp: &Ramp) {
        for (i, (o, x)) in out.iter_mut().zip(input).enumerate() {
            let left = (ramp.remaining as i64 - 1 - i as i64).max(0) as u32;
            *o += ramp.gain_at(left) * x;
        }
    }

    #[test]
    fn scaled_add_equals_reference_bit_for_bit() {
        let mut seed = 0x9e37_79b9;
        for _ in 0..200 {
            let input = noise_block(&mut seed);
            let start = noise_block(&mut seed);
            let gain = noise(&mut seed) * 8.0;
            let mut lanes = start;
            add_scaled_lanes::<Scalar4>(&mut lanes, &input, gain);
            let mut native = start;
            add_scaled(&mut native, &input, gain);
            let reference: Block = core::array::from_fn(|i| start[i] + gain * input[i]);
            assert_eq!(lanes, reference);
            assert_eq!(native, reference);
        }
    }

    #[test]
    fn ramp_add_equals_reference_bit_for_bit() {
        let mut seed = 0x1234_5678;
        for remaining in [1, 2, 3, 4, 5, 64, 127, 128, 129, 240, 441, 100_000] {
            for _ in 0..20 {
                let (from, target) = (noise(&mut seed) * 2.0, noise(&mut seed) * 2.0);
                let step = (target - from) / remaining as f32;
                let ramp = Ramp {
                    target,
                    step,
                    remaining,
                    lo: from.min(target),
                    hi: from.max(target),
                };
                let input = noise_block(&mut seed);
                let start = noise_block(&mut seed);
                let mut lanes = start;
                add_ramp_lanes::<Scalar4>(&mut lanes, &input, &ramp);
                let mut native = start;
                add_ramp(&mut native, &input, &ramp);
                let mut reference = start;
                ramp_reference(&mut reference, &input, &ramp);
                assert_eq!(lanes, reference, "remaining {remaining}");
                assert_eq!(native, reference, "remaining {remaining}");
            }
        }
    }

    #[test]
    fn ramp_gains_are_monotonic_bounded_and_end_on_target() {
        let mut seed = 0x0bad_cafe;
        for _ in 0..500 {
            let (from, target) = (noise(&mut seed) * 8.0, noise(&mut seed) * 8.0);
            let frames = 1 + (seed % 500);
            let ramp = Ramp {
                target,
                step: (target - from) / frames as f32,
                remaining: frames,
                lo: from.min(target),
                hi: from.max(target),
            };
            let gains: Vec<f32> = (0..frames).rev().map(|r| ramp.gain_at(r)).collect();
            assert_eq!(*gains.last().unwrap_or(&f32::NAN), target);
            for pair in gains.windows(2) {
                if from < target {
                    assert!(pair[1] >= pair[0]);
                } else {
                    assert!(pair[1] <= pair[0]);
                }
            }
            assert!(gains.iter().all(|g| (ramp.lo..=ramp.hi).contains(g)));
        }
    }

    #[test]
    fn block_stats_match_reference() {
        let mut seed = 0xfeed_f00d;
        for _ in 0..100 {
            let input = noise_block(&mut seed);
            let (squares, peak) = block_stats_lanes::<Scalar4>(&input);
            assert_eq!(block_stats(&input), (squares, peak));
            let reference_squares: f64 = input.iter().map(|x| f64::from(*x).powi(2)).sum();
            let reference_peak = input.iter().fold(0.0_f32, |p, x| p.max(x.abs()));
            assert_eq!(peak, reference_peak);
            assert!((f64::from(squares) - reference_squares).abs() < 1e-5 * reference_squares);
        }
        assert_eq!(block_stats(&[0.0; BLOCK]), (0.0, 0.0));
        let mut spike = [0.0; BLOCK];
        spike[77] = -0.75;
        assert_eq!(block_stats(&spike), (0.5625, 0.75));
    }
}
