//! Output safety: a peak limiter followed by a soft clip, so a mixed output never leaves
//! `[-CEILING, CEILING]` however many loud legs are summed into it.
//!
//! The peak follower (1 ms attack, 100 ms release) pulls the gain down so the envelope sits at
//! [`KNEE`]; because its attack is not instantaneous, the first samples of a sudden loud onset
//! would still overshoot, and the soft clip above the knee catches them without a hard edge.

use crate::lanes::{lane_group, lane_group_mut, lane_groups, F32x4, Native};
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

/// Limits `blocks[i]` with `limiters[i]`, each exactly as [`Limiter::process`] would.
///
/// The envelope recursion is serial in time, so the outputs run side by side instead: four
/// to a vector, up to [`VECTORS`] vectors at once so that their chains overlap. Most blocks are
/// quiet (every sample and envelope within the knee), and then the samples pass unchanged and
/// only the envelopes move: one pass computes them and checks that the vector was quiet, and
/// one that was not is done again from its old envelopes the full way. A vector whose
/// envelope starts above the knee is reducing its gain, and goes the full way at once.
pub(crate) fn process(limiters: &mut [Limiter], blocks: &mut [Block]) {
    process_lanes::<Native>(limiters, blocks);
}

/// Vectors of four lanes run side by side: enough for every output of the mixer.
const VECTORS: usize = crate::MAX_PORTS.div_ceil(4);

#[inline(always)]
pub(crate) fn process_lanes<V: F32x4>(limiters: &mut [Limiter], blocks: &mut [Block]) {
    let count = limiters.len().min(blocks.len());
    let (limiters, blocks) = (&mut limiters[..count], &mut blocks[..count]);
    for (limiters, blocks) in limiters
        .chunks_mut(4 * VECTORS)
        .zip(blocks.chunks_mut(4 * VECTORS))
    {
        limit_vectors::<V>(limiters, blocks);
    }
}

/// Four frames (lane group `c` of each row) of four envelopes, as `Limiter::process` with the
/// gain 1, and the largest level into `peak`. A NaN makes the envelope NaN for good and an
/// infinity makes the peak infinite, so neither passes for quiet.
#[inline(always)]
fn quiet_chunk<V: F32x4>(
    rows: &[&Block; 4],
    c: usize,
    envelope: &mut V,
    peak: &mut V,
    attack: V,
    release: V,
) {
    let floor = V::splat(ENVELOPE_FLOOR);
    let load = |block: &Block| lane_group(block, c).map_or(V::splat(0.0), V::load);
    for x in V::transpose(rows.map(load)) {
        let level = x.abs();
        *peak = peak.pmax(level);
        let coefficient = level.gt_select(*envelope, attack, release);
        *envelope = level
            .add(coefficient.mul(envelope.sub(level)))
            .zero_below(floor);
    }
}

/// The quiet pass over the first `$g` vectors of `$envelope`, each copied into a local of its
/// own so that the chains live in registers and advance together, chunk by chunk.
macro_rules! quiet_pass {
    ($rows:ident, $envelope:ident, $peak:ident, $attack:ident, $release:ident;
     $($g:literal $local:ident)+) => {{
        $(let mut $local = $envelope[$g];)+
        for c in 0..BLOCK / 4 {
            $(quiet_chunk(&$rows[$g], c, &mut $local, $peak, $attack, $release);)+
        }
        $($envelope[$g] = $local;)+
    }};
}

/// The quiet pass over the first `G` vectors, which share their coefficients. A function of
/// its own for each `G`: V8 compiles a function once it runs hot, and a mixer only ever runs
/// the one for its number of outputs.
#[inline(never)]
fn quiet_pass<V: F32x4, const G: usize>(
    (rows, envelope, peak, attack, release): (
        &[[&Block; 4]; VECTORS],
        &mut [V; VECTORS],
        &mut V,
        V,
        V,
    ),
) {
    match G {
        1 => quiet_pass!(rows, envelope, peak, attack, release; 0 e0),
        2 => quiet_pass!(rows, envelope, peak, attack, release; 0 e0 1 e1),
        3 => quiet_pass!(rows, envelope, peak, attack, release; 0 e0 1 e1 2 e2),
        4 => quiet_pass!(rows, envelope, peak, attack, release; 0 e0 1 e1 2 e2 3 e3),
        _ => quiet_pass!(rows, envelope, peak, attack, release; 0 e0 1 e1 2 e2 3 e3 4 e4),
    }
}

/// The quiet pass over one vector with coefficients of its own (never in a mixer).
#[inline(never)]
fn quiet_pass_one<V: F32x4>(
    rows: &[&Block; 4],
    envelope: &mut V,
    peak: &mut V,
    (attack, release): (V, V),
) {
    for c in 0..BLOCK / 4 {
        quiet_chunk(rows, c, envelope, peak, attack, release);
    }
}

/// Up to `4 * VECTORS` outputs: lane `l` of vector `g` is output `4 * g + l`. Lanes past the
/// last output repeat the first of their vector: computed, never written back.
#[inline(always)]
fn limit_vectors<V: F32x4>(limiters: &mut [Limiter], blocks: &mut [Block]) {
    let count = limiters.len().min(blocks.len());
    let Some(first) = blocks.first() else {
        return;
    };
    let lane = |g: usize, l: usize| if 4 * g + l < count { 4 * g + l } else { 4 * g };
    // Whether the lanes of vector `g` that are outputs are all within the knee.
    let within = |g: usize, v: &V| {
        let lanes = count.saturating_sub(4 * g).min(4);
        v.to_array().iter().take(lanes).all(|x| *x <= KNEE)
    };
    let gather = |g: usize, field: fn(&Limiter) -> f32| {
        V::from_array(core::array::from_fn(|l| {
            limiters.get(lane(g, l)).map_or(0.0, field)
        }))
    };
    // The vectors that may be quiet go through the quiet pass, packed first; one with an
    // envelope above the knee is reducing its gain, so it goes straight to the full limiter.
    let mut order = [0; VECTORS];
    let mut candidates = 0;
    for g in 0..count.div_ceil(4) {
        if within(g, &gather(g, |l| l.envelope)) {
            if let Some(slot) = order.get_mut(candidates) {
                *slot = g;
                candidates += 1;
            }
        }
    }
    let mut envelope: [V; VECTORS] = order.map(|g| gather(g, |l| l.envelope));
    // The largest level in any lane of any candidate: nearly always within the knee, and
    // otherwise each candidate's blocks are checked again below.
    let mut peak = V::splat(0.0);
    let rows: [[&Block; 4]; VECTORS] =
        order.map(|g| core::array::from_fn(|l| blocks.get(lane(g, l)).unwrap_or(first)));
    // In a mixer every limiter has the same coefficients; then all vectors share the first
    // one's (lanes past the end take any, their envelopes are not kept).
    let same = |a: &Limiter, b: &Limiter| {
        (a.attack.to_bits(), a.release.to_bits()) == (b.attack.to_bits(), b.release.to_bits())
    };
    let shared = limiters
        .iter()
        .zip(limiters.iter().take(4).cycle())
        .all(|(a, b)| same(a, b));
    if shared {
        let (attack, release) = (gather(0, |l| l.attack), gather(0, |l| l.release));
        let pass = (&rows, &mut envelope, &mut peak, attack, release);
        match candidates {
            0 => {}
            1 => quiet_pass::<V, 1>(pass),
            2 => quiet_pass::<V, 2>(pass),
            3 => quiet_pass::<V, 3>(pass),
            4 => quiet_pass::<V, 4>(pass),
            _ => quiet_pass::<V, 5>(pass),
        }
    } else {
        for ((rows, envelope), g) in rows.iter().zip(&mut envelope).zip(order).take(candidates) {
            let coefficients = (gather(g, |l| l.attack), gather(g, |l| l.release));
            quiet_pass_one(rows, envelope, &mut peak, coefficients);
        }
    }
    // Every envelope stays at or below the knee when it starts there and every level is
    // within it (each step is a convex combination of the two, and rounding cannot leave that
    // range), so the gain is 1 and the soft clip the identity: the samples pass unchanged and
    // the envelopes are the ones just computed.
    let levels_within = peak.to_array().iter().all(|p| *p <= KNEE);
    let mut quiet: [Option<V>; VECTORS] = [None; VECTORS];
    for (g, end) in order.iter().zip(envelope).take(candidates) {
        let levels_within = levels_within
            || blocks
                .chunks(4)
                .nth(*g)
                .is_some_and(|blocks| blocks.iter().all(peak_within_knee::<V>));
        if within(*g, &end) && levels_within {
            if let Some(quiet) = quiet.get_mut(*g) {
                *quiet = Some(end);
            }
        }
    }
    for ((limiters, blocks), quiet) in limiters.chunks_mut(4).zip(blocks.chunks_mut(4)).zip(quiet) {
        if let Some(end) = quiet {
            for (limiter, e) in limiters.iter_mut().zip(end.to_array()) {
                limiter.envelope = e;
            }
        } else {
            loud::<V>(limiters, blocks);
        }
    }
}

/// Whether no sample of `block` exceeds the knee in magnitude (NaN is left to the envelope).
#[inline(always)]
fn peak_within_knee<V: F32x4>(block: &Block) -> bool {
    let peak =
        lane_groups(block).fold(V::splat(0.0), |peak, chunk| peak.pmax(V::load(chunk).abs()));
    peak.to_array().iter().all(|p| *p <= KNEE)
}

// `quiet_pass!` is spelled out for up to five vectors.
const _: () = assert!(VECTORS == 5);

/// The full limiter on one vector of up to four outputs, each lane exactly as
/// [`Limiter::process`]; missing lanes repeat the first (computed, never written back).
#[inline(never)]
fn loud<V: F32x4>(limiters: &mut [Limiter], blocks: &mut [Block]) {
    let count = limiters.len().min(blocks.len());
    if count == 0 {
        return;
    }
    let lane = |l: usize| if l < count { l } else { 0 };
    let gather = |field: fn(&Limiter) -> f32| {
        V::from_array(core::array::from_fn(|l| {
            limiters.get(lane(l)).map_or(0.0, field)
        }))
    };
    let (attack, release) = (gather(|l| l.attack), gather(|l| l.release));
    let mut envelope = gather(|l| l.envelope);
    let (zero, one) = (V::splat(0.0), V::splat(1.0));
    let (knee, floor, infinity) = (
        V::splat(KNEE),
        V::splat(ENVELOPE_FLOOR),
        V::splat(f32::INFINITY),
    );
    for c in 0..BLOCK / 4 {
        let rows: [V; 4] = core::array::from_fn(|l| {
            blocks
                .get(lane(l))
                .and_then(|block| lane_group(block, c))
                .map_or(zero, V::load)
        });
        let mut over = zero;
        let steps = V::transpose(rows).map(|x| {
            // Finite: |x| < inf (NaN compares false).
            let x = infinity.gt_select(x.abs(), x, zero);
            let level = x.abs();
            let coefficient = level.gt_select(envelope, attack, release);
            envelope = level
                .add(coefficient.mul(envelope.sub(level)))
                .zero_below(floor);
            let gain = envelope.gt_select(knee, knee.div(envelope), one);
            // Finite: x is, the envelope is (levels are), and the gain is at most 1.
            let y = x.mul(gain);
            over = over.pmax(y.abs());
            y
        });
        let mut rows = V::transpose(steps);
        // The soft clip, one sample at a time; vector lanes first check whether any sample is
        // above the knee at all (four scalars are as quickly checked by `soft_clip` itself).
        if !V::VECTOR || !over.to_array().iter().all(|y| *y <= KNEE) {
            for row in &mut rows {
                *row = V::from_array(row.to_array().map(soft_clip));
            }
        }
        for (block, row) in blocks.iter_mut().zip(rows) {
            if let Some(group) = lane_group_mut(block, c) {
                row.store(group);
            }
        }
    }
    for (limiter, e) in limiters.iter_mut().zip(envelope.to_array()) {
        limiter.envelope = e;
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
        // Every count of outputs the mixer can have, a partial vector among them; the vectors
        // share their coefficients (as in a mixer) or not.
        for count in 1..=MAX_PORTS {
            let rate = |i: usize| {
                rates[if count % 2 == 0 {
                    i % 4
                } else {
                    (i + i / 4) % 4
                }]
            };
            let mut one_by_one: Vec<Limiter> = (0..count).map(|i| Limiter::new(rate(i))).collect();
            let mut lanes = one_by_one.clone();
            let mut native = one_by_one.clone();
            for n in 0..300 {
                // Quiet, loud, silent and broken blocks, different per lane. The first 40 blocks
                // and every third stretch after are quiet in all lanes (the pass-through path,
                // once the envelopes are below the knee), up to the knee; in the other
                // stretches some vectors are quiet and others not.
                let all_quiet = n < 40 || (n / 20) % 3 == 2;
                let mut blocks: Vec<Block> = (0..count)
                    .map(|lane| {
                        let scale = if all_quiet {
                            [0.3, 0.6, 0.0, KNEE][lane % 4]
                        } else if (lane / 4 + n / 20) % 2 == 0 {
                            [0.3, 0.5, 0.0, 0.8][lane % 4]
                        } else {
                            [0.3, 3.0, 0.0, 12.0][(n / 20 + lane) % 4]
                        };
                        core::array::from_fn(|_| noise() * scale)
                    })
                    .collect();
                for (lane, block) in blocks.iter_mut().enumerate() {
                    if all_quiet && lane % 4 == 3 {
                        block[5] = KNEE;
                        block[6] = -KNEE;
                    }
                    if n % 50 == 7 {
                        match lane % 4 {
                            1 => block[3] = f32::NAN,
                            2 => block[9] = f32::INFINITY,
                            3 => block[100] = f32::NEG_INFINITY,
                            _ => {}
                        }
                    }
                }
                let mut expected = blocks.clone();
                for (limiter, block) in one_by_one.iter_mut().zip(&mut expected) {
                    limiter.process(block);
                }
                let mut by_lanes = blocks.clone();
                process_lanes::<Scalar4>(&mut lanes, &mut by_lanes);
                let mut by_native = blocks;
                process(&mut native, &mut by_native);
                let bits = |blocks: &[Block]| -> Vec<u32> {
                    blocks.iter().flatten().map(|x| x.to_bits()).collect()
                };
                assert_eq!(
                    bits(&by_lanes),
                    bits(&expected),
                    "{count} outputs, block {n}"
                );
                assert_eq!(
                    bits(&by_native),
                    bits(&expected),
                    "{count} outputs, block {n}"
                );
                assert_eq!(lanes, one_by_one, "{count} outputs, block {n}");
                assert_eq!(native, one_by_one, "{count} outputs, block {n}");
            }
        }
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
