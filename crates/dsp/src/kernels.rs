//! The inner loops of the mixer and meters, written once over [`F32x4`] lanes.
//!
//! [`crate::Mixer`] calls them with [`Native`] lanes: `v128` when built with simd128, four
//! scalars otherwise. Each kernel does the same IEEE operations per sample in the same order
//! whatever the lanes, so the scalar and SIMD builds produce identical samples; the tests
//! below check the lane algorithm against a plain one-sample-at-a-time loop.

use crate::lanes::{lane_group, lane_groups, lane_groups_mut, F32x4, Native};
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

/// One input's share of an output: `input` times the gain of its link.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    pub(crate) input: &'a Block,
    /// The link's ramp; `remaining == 0` when it is steady at `target`.
    pub(crate) ramp: Ramp,
}

/// Lane groups mixed together (a tile of `4 * TILE` frames), their sums held in registers
/// across all the sources: eight `v128`, or two groups of four scalars (x86-64 has 16 vector
/// registers, and V8 keeps a scalar `f32` in one).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const TILE: usize = 8;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const TILE: usize = 2;

/// `out = sum of gain(frame) * input over sources`, each sum taken in `sources` order starting
/// from 0, so every sample is bit for bit what adding the sources one block at a time into a
/// zeroed block gives (see the tests), without writing the block once per source. A steady
/// source uses `target`; a ramping one the closed form, and `gain_at(0)` for frames past its
/// end.
///
/// A sum starts at +0 and so is never -0 (rounding to nearest, `a + b` is -0 only when both
/// are), so adding a ±0 product leaves it as it was: a source that is all zeros can be left
/// out without changing a sample.
#[inline]
pub(crate) fn mix(out: &mut Block, sources: &[Source<'_>]) {
    mix_lanes::<Native, TILE>(out, sources);
}

/// Sum of squares and largest magnitude of a block.
#[inline]
pub(crate) fn block_stats(input: &Block) -> (f32, f32) {
    block_stats_lanes::<Native>(input)
}

/// [`mix`] in tiles of `T` lane groups (any divisor of `BLOCK / 4`: the sums do not depend on
/// it).
#[inline(always)]
pub(crate) fn mix_lanes<V: F32x4, const T: usize>(out: &mut Block, sources: &[Source<'_>]) {
    if sources.iter().all(|source| source.ramp.remaining == 0) {
        mix_steady_lanes::<V, T>(out, sources);
    } else {
        mix_ramps_lanes::<V, T>(out, sources);
    }
}

/// Tile `t` of `block`: `T` lane groups.
#[inline(always)]
fn tile<const T: usize>(block: &Block, t: usize) -> impl Iterator<Item = &[f32; 4]> {
    lane_groups(block.get(4 * T * t..4 * T * (t + 1)).unwrap_or_default())
}

/// [`mix_lanes`] when no source is ramping (nearly always): the loop kept small enough for
/// the sums to stay in registers.
#[inline(always)]
fn mix_steady_lanes<V: F32x4, const T: usize>(out: &mut Block, sources: &[Source<'_>]) {
    let zero = V::splat(0.0);
    for (t, out) in out.chunks_exact_mut(4 * T).enumerate() {
        let mut sums = [zero; T];
        for source in sources {
            let gain = V::splat(source.ramp.target);
            for (sum, x) in sums.iter_mut().zip(tile::<T>(source.input, t)) {
                *sum = sum.add(gain.mul(V::load(x)));
            }
        }
        for (sum, o) in sums.iter().zip(lane_groups_mut(out)) {
            sum.store(o);
        }
    }
}

/// [`mix_lanes`] while some source is ramping (a few blocks after each gain change).
#[inline(never)]
fn mix_ramps_lanes<V: F32x4, const T: usize>(out: &mut Block, sources: &[Source<'_>]) {
    let zero = V::splat(0.0);
    let offsets = V::from_array(LANE_OFFSETS);
    for (t, out) in out.chunks_exact_mut(4 * T).enumerate() {
        let mut sums = [zero; T];
        // Frames before this tile; a ramp that ends there is steady here.
        let before = t * T * 4;
        for source in sources {
            let input = tile::<T>(source.input, t);
            let ramp = &source.ramp;
            if ramp.remaining as usize <= before {
                // `gain_at(0)` is what the lanes below compute for frames past the end.
                let gain = V::splat(if ramp.remaining == 0 {
                    ramp.target
                } else {
                    ramp.gain_at(0)
                });
                for (sum, x) in sums.iter_mut().zip(input) {
                    *sum = sum.add(gain.mul(V::load(x)));
                }
            } else {
                let target = V::splat(ramp.target);
                let step = V::splat(ramp.step);
                let (lo, hi) = (V::splat(ramp.lo), V::splat(ramp.hi));
                // Frame i leaves max(remaining - 1 - i, 0) frames: small integers, exact in f32.
                let first_left = ramp.remaining as f32 - 1.0;
                for (j, (sum, x)) in sums.iter_mut().zip(input).enumerate() {
                    let left = V::splat(first_left - (before + 4 * j) as f32)
                        .sub(offsets)
                        .pmax(zero);
                    let gain = target.sub(step.mul(left)).pmin(hi).pmax(lo);
                    *sum = sum.add(gain.mul(V::load(x)));
                }
            }
        }
        for (sum, o) in sums.iter().zip(lane_groups_mut(out)) {
            sum.store(o);
        }
    }
}

/// Sum of squares and largest magnitude of each of `K` blocks, each exactly as
/// [`block_stats`] gives it: the chains are independent, only interleaved so that one
/// block's additions need not wait for the previous ones.
#[inline]
pub(crate) fn block_stats_many<const K: usize>(inputs: [&Block; K]) -> [(f32, f32); K] {
    block_stats_many_lanes::<Native, K>(inputs)
}

#[inline(always)]
pub(crate) fn block_stats_lanes<V: F32x4>(input: &Block) -> (f32, f32) {
    let [stats] = block_stats_many_lanes::<V, 1>([input]);
    stats
}

#[inline(always)]
pub(crate) fn block_stats_many_lanes<V: F32x4, const K: usize>(
    inputs: [&Block; K],
) -> [(f32, f32); K] {
    let mut squares = [V::splat(0.0); K];
    let mut peak = [V::splat(0.0); K];
    for c in 0..BLOCK / 4 {
        for ((squares, peak), input) in squares.iter_mut().zip(&mut peak).zip(inputs) {
            let Some(chunk) = lane_group(input, c) else {
                continue;
            };
            let x = V::load(chunk);
            *squares = squares.add(x.mul(x));
            *peak = peak.pmax(x.abs());
        }
    }
    core::array::from_fn(|k| {
        let (s, p) = (squares[k].to_array(), peak[k].to_array());
        // The lanes are never NaN (pmax keeps the old value) nor -0 (|x|, from +0), where
        // `f32::max` (a libm call on wasm) would differ from this plain comparison.
        let larger = |a: f32, b: f32| if a < b { b } else { a };
        let peak = larger(larger(p[0], p[1]), larger(p[2], p[3]));
        ((s[0] + s[1]) + (s[2] + s[3]), peak)
    })
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

    /// The mix as it was first written: a zeroed block, then each source added in turn, one
    /// sample at a time (a steady source at `target`, a ramp through `ramp_reference`).
    fn mix_reference(sources: &[Source<'_>]) -> Block {
        let mut out = [0.0; BLOCK];
        for source in sources {
            if source.ramp.remaining == 0 {
                for (o, x) in out.iter_mut().zip(source.input) {
                    *o += source.ramp.target * x;
                }
            } else {
                ramp_reference(&mut out, source.input, &source.ramp);
            }
        }
        out
    }

    /// A block for a source: mostly noise, sometimes silence (either sign of zero), a spike,
    /// values far out of range, or a NaN.
    fn source_block(seed: &mut u32) -> Block {
        let mut block = noise_block(seed);
        match *seed % 8 {
            0 => block = [0.0; BLOCK],
            1 => block = [-0.0; BLOCK],
            2 => block[(*seed >> 8) as usize % BLOCK] = f32::INFINITY,
            3 => block[(*seed >> 8) as usize % BLOCK] = f32::NAN,
            4 => block.iter_mut().for_each(|x| *x *= 1e30),
            _ => {}
        }
        block
    }

    /// A link's ramp: steady (sometimes at ±0) or anywhere along a ramp, ending before, inside
    /// or after the block and on tile and lane edges.
    fn random_ramp(seed: &mut u32) -> Ramp {
        const REMAINING: [u32; 19] = [
            0, 0, 0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 96, 127, 128, 129, 240, 441, 100_000,
        ];
        let remaining = REMAINING[*seed as usize % REMAINING.len()];
        let (from, target) = (noise(seed) * 8.0, noise(seed) * 8.0);
        let target = match *seed % 5 {
            0 => 0.0,
            1 => -0.0,
            _ => target,
        };
        let step = (target - from) / remaining.max(1) as f32;
        if remaining == 0 {
            return Ramp {
                target,
                step: 0.0,
                remaining,
                lo: target,
                hi: target,
            };
        }
        Ramp {
            target,
            step,
            remaining,
            lo: from.min(target),
            hi: from.max(target),
        }
    }

    #[test]
    fn mix_equals_reference_bit_for_bit() {
        let mut seed = 0x9e37_79b9;
        // Bit for bit, except that a NaN is a NaN: neither LLVM nor wasm promise which one
        // an operation returns (and the limiter turns them all into silence).
        let bits = |block: &Block| block.map(|x| if x.is_nan() { u32::MAX } else { x.to_bits() });
        for round in 0..2_000 {
            let inputs: [Block; 17] = core::array::from_fn(|_| source_block(&mut seed));
            let count = round % 18;
            let sources: Vec<Source<'_>> = inputs[..count]
                .iter()
                .map(|input| Source {
                    input,
                    ramp: random_ramp(&mut seed),
                })
                .collect();
            let reference = mix_reference(&sources);
            // Whatever the output held before is overwritten.
            // Whatever the tile: 1, 2 (the scalar build's), 8 (the simd128 build's), 32.
            let mut tiles = [noise_block(&mut seed); 4];
            mix_lanes::<Scalar4, 1>(&mut tiles[0], &sources);
            mix_lanes::<Scalar4, 2>(&mut tiles[1], &sources);
            mix_lanes::<Scalar4, 8>(&mut tiles[2], &sources);
            mix_lanes::<Scalar4, 32>(&mut tiles[3], &sources);
            for lanes in &tiles {
                assert_eq!(bits(lanes), bits(&reference), "round {round}");
            }
            let mut native = noise_block(&mut seed);
            mix(&mut native, &sources);
            assert_eq!(bits(&native), bits(&reference), "round {round}");
        }
    }

    #[test]
    fn ramp_mix_equals_reference_bit_for_bit() {
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
                let sources = [Source {
                    input: &input,
                    ramp,
                }];
                let mut lanes = [0.0; BLOCK];
                mix_lanes::<Scalar4, 8>(&mut lanes, &sources);
                let mut native = [0.0; BLOCK];
                mix(&mut native, &sources);
                let mut reference = [0.0; BLOCK];
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

    /// Block statistics as first written: one block, `f32::max` to combine the lanes.
    fn block_stats_reference(input: &Block) -> (f32, f32) {
        let mut squares = [0.0_f32; 4];
        let mut peak = [0.0_f32; 4];
        for chunk in input.chunks_exact(4) {
            for lane in 0..4 {
                let x = chunk[lane];
                squares[lane] += x * x;
                let level = x.abs();
                peak[lane] = if peak[lane] < level {
                    level
                } else {
                    peak[lane]
                };
            }
        }
        let (s, p) = (squares, peak);
        (
            (s[0] + s[1]) + (s[2] + s[3]),
            p[0].max(p[1]).max(p[2].max(p[3])),
        )
    }

    #[test]
    fn block_stats_match_reference() {
        let mut seed = 0xfeed_f00d;
        let bits = |(squares, peak): (f32, f32)| {
            let bits = |x: f32| if x.is_nan() { u32::MAX } else { x.to_bits() };
            (bits(squares), bits(peak))
        };
        for _ in 0..400 {
            let blocks: [Block; 4] = core::array::from_fn(|_| source_block(&mut seed));
            let expected = blocks.each_ref().map(|b| bits(block_stats_reference(b)));
            let [a, b, c, d] = blocks.each_ref();
            assert_eq!(bits(block_stats_lanes::<Scalar4>(a)), expected[0]);
            assert_eq!(bits(block_stats(a)), expected[0]);
            assert_eq!(block_stats_many([a]).map(bits), [expected[0]]);
            assert_eq!(
                block_stats_many([a, b]).map(bits),
                [expected[0], expected[1]]
            );
            assert_eq!(
                block_stats_many_lanes::<Scalar4, 3>([a, b, c]).map(bits),
                [expected[0], expected[1], expected[2]]
            );
            assert_eq!(block_stats_many([a, b, c, d]).map(bits), expected);
        }
        for _ in 0..100 {
            let input = noise_block(&mut seed);
            let (squares, peak) = block_stats(&input);
            let reference_squares: f64 = input.iter().map(|x| f64::from(*x).powi(2)).sum();
            let reference_peak = input.iter().fold(0.0_f32, |p, x| p.max(x.abs()));
            assert_eq!(peak, reference_peak);
            assert!((f64::from(squares) - reference_squares).abs() < 1e-5 * reference_squares);
        }
        assert_eq!(block_stats(&[0.0; BLOCK]), (0.0, 0.0));
        assert_eq!(block_stats(&[-0.0; BLOCK]).1.to_bits(), 0);
        let mut spike = [0.0; BLOCK];
        spike[77] = -0.75;
        assert_eq!(block_stats(&spike), (0.5625, 0.75));
    }
}
