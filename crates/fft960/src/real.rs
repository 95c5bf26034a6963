//! A real signal of `N` samples through an `N/2`-point complex FFT.
//!
//! With `z[n] = x[2n] + i·x[2n+1]` and `Z` its transform, the transforms of the even and odd
//! samples are `E[k] = (Z[k] + conj Z[M-k]) / 2` and `O[k] = (Z[k] - conj Z[M-k]) / 2i`
//! (`M = N/2`), and `X[k] = E[k] + W^k·O[k]` with `W = e^(-2πi/N)`; `X[M-k]` is
//! `conj(E[k] - W^k·O[k])`. The inverse runs the same algebra backwards and takes the
//! inverse complex FFT as `conj(FFT(conj(.)))`.

use num_complex::Complex32;

use crate::plan::Plan;
use crate::stages;

/// `X[0..=N/2]` of `input` (`N = plan.len` samples) into `out` (`N/2 + 1` bins).
pub(crate) fn forward(plan: &Plan, input: &[f32], out: &mut [Complex32]) {
    let m = plan.len / 2;
    assert!(input.len() == plan.len && out.len() == m + 1);
    for (slot, &n) in out.iter_mut().zip(&plan.order) {
        let n = 2 * n as usize;
        *slot = Complex32::new(input[n], input[n + 1]);
    }
    stages::run(&mut out[..m], plan);
    let z0 = out[0];
    out[0] = Complex32::new(z0.re + z0.im, 0.0);
    out[m] = Complex32::new(z0.re - z0.im, 0.0);
    let mut k = 1;
    while k < m - k {
        let (a, b) = (out[k], out[m - k].conj());
        let even = (a + b) * 0.5;
        let odd = plan.real_twiddles[k] * Complex32::new(0.0, -0.5) * (a - b);
        out[k] = even + odd;
        out[m - k] = (even - odd).conj();
        k += 1;
    }
    if k == m - k {
        // E = Re Z, O = Im Z, W^k = -i: X = conj Z, exactly.
        out[k] = out[k].conj();
    }
}

/// The real signal (`N = plan.len` samples) whose spectrum is `input` (`N/2 + 1` bins, the
/// imaginary parts of the first and last ignored), unnormalised, into `out`.
pub(crate) fn inverse(plan: &Plan, input: &[Complex32], out: &mut [f32]) {
    let m = plan.len / 2;
    assert!(input.len() == m + 1 && out.len() == plan.len);
    // The output's samples, in pairs, are the complex FFT's buffer: z[n] = x[2n] + i·x[2n+1].
    // (try_: bytemuck's own panic would format its error, and that machinery into dsp.wasm)
    let Ok(z) = bytemuck::try_cast_slice_mut::<f32, Complex32>(out) else {
        panic!("f32 pairs are Complex32s");
    };
    // Slot 0 always holds index 0 (plan::digit_reversed).
    let (x0, xm) = (input[0].re, input[m].re);
    z[0] = Complex32::new(x0 + xm, -(x0 - xm));
    for (slot, &k) in z.iter_mut().zip(&plan.order).skip(1) {
        let k = k as usize;
        let (a, b) = (input[k], input[m - k].conj());
        let even = a + b;
        let odd = plan.real_twiddles[k].conj() * (a - b);
        // conj(E + i·O), for the forward stages to compute the inverse
        *slot = Complex32::new(even.re - odd.im, -(even.im + odd.re));
    }
    stages::run(z, plan);
    for odd_sample in out.iter_mut().skip(1).step_by(2) {
        *odd_sample = -*odd_sample;
    }
}
