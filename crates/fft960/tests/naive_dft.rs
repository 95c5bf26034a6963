//! Both directions against the DFT written out as its sum (in f64), on random signals, at
//! RNNoise's 960 samples and at smaller lengths that exercise every radix alone and mixed.

use easyfft::dyn_size::realfft::DynRealDft;
use easyfft::num_complex::{Complex, Complex32};
use easyfft::prelude::*;

/// Lengths of real signals: RNNoise's window first, then halves of 1, 2, 3, 4, 5, mixes.
const LENGTHS: [usize; 10] = [960, 2, 4, 6, 8, 10, 16, 60, 240, 1920];

/// xorshift32: the same signals every run.
struct Noise(u32);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32) * 2.0 - 1.0
    }
}

/// `X[k] = Σ x[n]·e^(-2πikn/N)`, `k` in `0..=N/2`.
fn naive_forward(x: &[f32]) -> Vec<Complex<f64>> {
    let n = x.len();
    (0..=n / 2)
        .map(|k| {
            x.iter()
                .enumerate()
                .fold(Complex::new(0.0, 0.0), |acc, (j, &v)| {
                    let angle = -2.0 * std::f64::consts::PI * ((k * j) % n) as f64 / n as f64;
                    acc + Complex::new(angle.cos(), angle.sin()) * f64::from(v)
                })
        })
        .collect()
}

/// `x[n] = Σ_k X[k]·e^(2πikn/N)` over all `N` bins, the upper half mirrored from the lower.
fn naive_inverse(bins: &[Complex32], n: usize) -> Vec<f64> {
    let bin = |k: usize| -> Complex<f64> {
        let b = if k <= n / 2 {
            bins[k]
        } else {
            bins[n - k].conj()
        };
        // The real transform ignores the imaginary parts of the first and last bins.
        let im = if k == 0 || k == n / 2 { 0.0 } else { b.im };
        Complex::new(f64::from(b.re), f64::from(im))
    };
    (0..n)
        .map(|j| {
            (0..n)
                .map(|k| {
                    let angle = 2.0 * std::f64::consts::PI * ((k * j) % n) as f64 / n as f64;
                    (bin(k) * Complex::new(angle.cos(), angle.sin())).re
                })
                .sum()
        })
        .collect()
}

/// The error allowed: f32 rounding grows with log2(N) and with the size of what is summed.
fn tolerance(n: usize, magnitude: f64) -> f64 {
    4.0 * f64::from(f32::EPSILON) * (n as f64).log2().max(1.0) * magnitude
}

#[test]
fn forward_matches_the_sum() {
    let mut noise = Noise(0x1234_5678);
    let mut worst = 0.0_f64;
    for n in LENGTHS {
        for _ in 0..3 {
            let x: Vec<f32> = (0..n).map(|_| noise.next()).collect();
            let mut dft = DynRealDft::new(0.0, &vec![Complex32::default(); n / 2], n);
            x.real_fft_using(&mut dft);
            let want = naive_forward(&x);
            assert_eq!(dft.len(), want.len());
            // |X[k]| is at most Σ|x|; the typical size is sqrt(N).
            let allowed = tolerance(n, (n as f64).sqrt());
            for (k, (got, want)) in dft.iter().zip(&want).enumerate() {
                let d = Complex::new(f64::from(got.re), f64::from(got.im)) - want;
                let err = d.norm_sqr().sqrt();
                worst = worst.max(err / allowed);
                assert!(
                    err <= allowed,
                    "N {n} bin {k}: {got} vs {want}, error {err:e} > {allowed:e}"
                );
            }
            assert_eq!(dft[0].im, 0.0);
            assert_eq!(dft[n / 2].im, 0.0);
        }
    }
    eprintln!("forward: worst error {worst:.3} of the tolerance");
}

#[test]
fn inverse_matches_the_sum() {
    let mut noise = Noise(0x9e37_79b9);
    let mut worst = 0.0_f64;
    for n in LENGTHS {
        for _ in 0..3 {
            let bins: Vec<Complex32> = (0..n / 2)
                .map(|_| Complex32::new(noise.next(), noise.next()))
                .collect();
            // An imaginary offset, which the transform must ignore.
            let dft = DynRealDft::new(noise.next(), &bins, n);
            let mut out = vec![f32::NAN; n];
            dft.real_ifft_using(&mut out);
            let want = naive_inverse(&dft, n);
            let allowed = tolerance(n, (n as f64).sqrt());
            for (j, (&got, &want)) in out.iter().zip(&want).enumerate() {
                let err = (f64::from(got) - want).abs();
                worst = worst.max(err / allowed);
                assert!(
                    err <= allowed,
                    "N {n} sample {j}: {got} vs {want}, error {err:e} > {allowed:e}"
                );
            }
        }
    }
    eprintln!("inverse: worst error {worst:.3} of the tolerance");
}

#[test]
fn inverse_of_forward_is_n_times_the_signal() {
    let mut noise = Noise(42);
    let n = 960;
    let x: Vec<f32> = (0..n).map(|_| noise.next()).collect();
    let mut dft = DynRealDft::new(0.0, &vec![Complex32::default(); n / 2], n);
    x.real_fft_using(&mut dft);
    let mut back = vec![0.0; n];
    dft.real_ifft_using(&mut back);
    let allowed = tolerance(n, n as f64);
    for (j, (&b, &x)) in back.iter().zip(&x).enumerate() {
        let err = (f64::from(b) - n as f64 * f64::from(x)).abs();
        assert!(err <= allowed, "sample {j}: {b} vs {}", n as f32 * x);
    }
}

#[test]
fn accessors_keep_easyffts_ranges() {
    let n = 960;
    let bins: Vec<Complex32> = (1..=n / 2).map(|k| Complex32::new(k as f32, 0.0)).collect();
    let mut dft = DynRealDft::new(7.0, &bins, n);
    assert_eq!(dft.len(), n / 2 + 1);
    assert_eq!(*dft.get_offset(), 7.0);
    *dft.get_offset_mut() = 8.0;
    assert_eq!(dft[0].re, 8.0);
    // bins 1..479: easyfft 0.4.2 leaves out 479 and 480 for an even length
    let f = dft.get_frequency_bins();
    assert_eq!((f.len(), f[0].re, f[f.len() - 1].re), (478, 1.0, 478.0));
    dft.get_frequency_bins_mut()[0] = Complex32::new(-1.0, 0.0);
    assert_eq!(dft[1].re, -1.0);
    dft *= 2.0;
    assert_eq!((dft[0].re, dft[480].re), (16.0, 960.0));
    let gains: Vec<f32> = (0..=n / 2)
        .map(|k| if k == 2 { 0.5 } else { 1.0 })
        .collect();
    dft *= &gains[..];
    assert_eq!((dft[2].re, dft[3].re), (2.0, 6.0));
}
