//! What a transform of one length needs, computed once: the radices of its half-length
//! complex FFT, where each input sample goes, and the twiddle factors.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::f64::consts::FRAC_PI_2;

use num_complex::Complex32;

/// The plan of a real transform of `len` samples.
#[derive(Clone)]
pub(crate) struct Plan {
    /// Samples of the real signal (even).
    pub(crate) len: usize,
    /// Radices of the `len / 2`-point complex FFT, in the order its stages run.
    pub(crate) radices: Box<[usize]>,
    /// For each slot of the complex FFT's buffer, the index of the complex sample that goes
    /// there: the stages then work in place, each combining neighbouring sub-transforms.
    pub(crate) order: Box<[u32]>,
    /// Per stage of radix `r` over sub-transforms of `span` points: `W^(q·k)` for `q` in
    /// `1..r` (outer) and `k` in `0..span` (inner), `W = e^(-2πi / (r·span))`.
    pub(crate) stage_twiddles: Box<[Complex32]>,
    /// `e^(-2πik / len)` for `k` in `0..len / 2`: joins the transforms of the even and the
    /// odd samples into the real signal's spectrum.
    pub(crate) real_twiddles: Box<[Complex32]>,
}

/// `e^(-2πi · num / den)`, rounded once from f64.
fn unit(num: usize, den: usize) -> Complex32 {
    let (cos, sin) = turn(num, den);
    Complex32::new(cos as f32, -sin as f32)
}

/// `(cos θ, sin θ)` of `θ = 2π · num / den`. The angle is brought to within π/4 of a quarter
/// turn in integers (exactly), then the Taylor series of sine and cosine, to the terms below
/// f64's precision there, do the rest: no trigonometry library in dsp.wasm for twiddles.
fn turn(num: usize, den: usize) -> (f64, f64) {
    let quarters = 4 * (num % den);
    let (mut q, mut rem) = (quarters / den, (quarters % den) as f64);
    if 2 * (quarters % den) > den {
        q += 1;
        rem -= den as f64;
    }
    let r = rem / den as f64 * FRAC_PI_2;
    let r2 = r * r;
    let (mut s, mut c) = (1.0, 1.0);
    // |r| <= π/4: the first terms left out, r^19/19! and r^20/20!, are below 1e-19.
    for k in (1..=9u32).rev() {
        s = 1.0 - r2 / f64::from((2 * k) * (2 * k + 1)) * s;
        c = 1.0 - r2 / f64::from((2 * k - 1) * (2 * k)) * c;
    }
    let (sin_r, cos_r) = (r * s, c);
    match q % 4 {
        0 => (cos_r, sin_r),
        1 => (-sin_r, cos_r),
        2 => (-cos_r, -sin_r),
        _ => (sin_r, -cos_r),
    }
}

/// Radices for `n` points: 4 while it divides, then 2, 3 and 5. `None` if another prime is left.
fn radices(mut n: usize) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for r in [4, 2, 3, 5] {
        while n % r == 0 {
            out.push(r);
            n /= r;
            // one 2 at most: 4 took all the pairs
            if r == 2 {
                break;
            }
        }
    }
    (n == 1).then_some(out)
}

/// The sample index for buffer slot `slot`: the last stage splits the buffer into `r` blocks,
/// block `q` holding the samples `q, q + r, q + 2r, ...`, and so on down the stages.
fn digit_reversed(slot: usize, n: usize, radices: &[usize]) -> usize {
    let (mut index, mut weight, mut rest, mut size) = (0, 1, slot, n);
    for &r in radices.iter().rev() {
        size /= r;
        index += (rest / size) * weight;
        rest %= size;
        weight *= r;
    }
    index
}

impl Plan {
    /// The plan for a real signal of `len` samples.
    ///
    /// # Panics
    /// If `len` is odd, zero, or half of it has a prime factor other than 2, 3 and 5.
    pub(crate) fn new(len: usize) -> Self {
        assert!(
            len >= 2 && len % 2 == 0,
            "real FFT length must be even and positive"
        );
        let half = len / 2;
        let radices = radices(half).expect("real FFT length / 2 must factor into 2, 3 and 5");
        assert!(u32::try_from(half).is_ok(), "real FFT length too large");
        let order = (0..half)
            .map(|slot| digit_reversed(slot, half, &radices) as u32)
            .collect();
        let mut stage_twiddles = Vec::with_capacity(half);
        let mut span = 1;
        for &r in &radices {
            for q in 1..r {
                stage_twiddles.extend((0..span).map(|k| unit(q * k, r * span)));
            }
            span *= r;
        }
        Self {
            len,
            radices: radices.into(),
            order,
            stage_twiddles: stage_twiddles.into(),
            real_twiddles: (0..half).map(|k| unit(k, len)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_match_std_trigonometry() {
        extern crate std;
        for den in [1, 2, 3, 4, 5, 8, 12, 15, 120, 480, 960, 1920] {
            for num in 0..den {
                let angle = 2.0 * core::f64::consts::PI * num as f64 / den as f64;
                let (cos, sin) = turn(num, den);
                let err = (cos - f64::cos(angle))
                    .abs()
                    .max((sin - f64::sin(angle)).abs());
                // the reference angle itself rounds by up to 4.4e-16
                assert!(err < 2e-15, "{num}/{den}: error {err:e}");
            }
        }
    }

    #[test]
    fn rnnoise_half_window_is_five_stages() {
        assert_eq!(radices(480).as_deref(), Some(&[4, 4, 2, 3, 5][..]));
        assert_eq!(radices(1).as_deref(), Some(&[][..]));
        assert_eq!(radices(7), None);
        assert_eq!(radices(2 * 11), None);
    }

    #[test]
    fn every_sample_has_one_slot() {
        for n in [1, 2, 6, 30, 480] {
            let radices = radices(n).unwrap();
            let mut seen = alloc::vec![false; n];
            for slot in 0..n {
                let i = digit_reversed(slot, n, &radices);
                assert!(!seen[i], "n {n}: index {i} twice");
                seen[i] = true;
            }
        }
    }

    #[test]
    fn two_radix_2_stages_reverse_the_bits() {
        // 4 = 2·2 would be one radix-4 stage; force two stages to check the classic case.
        let r = [2, 2, 2];
        let got: Vec<usize> = (0..8).map(|s| digit_reversed(s, 8, &r)).collect();
        assert_eq!(got, [0, 4, 2, 6, 1, 5, 3, 7]);
    }

    #[test]
    #[should_panic(expected = "factor into 2, 3 and 5")]
    fn other_primes_are_refused() {
        let _ = Plan::new(2 * 7);
    }
}
