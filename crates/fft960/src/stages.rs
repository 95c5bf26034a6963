//! The in-place complex FFT: one pass per radix, each combining `r` neighbouring
//! sub-transforms of `span` points into one of `r·span` (decimation in time).
//!
//! Each butterfly reads `r` rows of `span` values and writes the same slots back, so no
//! scratch buffer is needed; the rows are slices, so the loop over `k` has no strides for
//! LLVM to untangle. Forward direction only: the inverse conjugates around it (`real`).

use num_complex::Complex32;

use crate::plan::Plan;

/// `-i·z`.
fn times_minus_i(z: Complex32) -> Complex32 {
    Complex32::new(z.im, -z.re)
}

/// Runs every stage of `plan` over `data`, which must hold the samples in `plan.order`.
pub(crate) fn run(data: &mut [Complex32], plan: &Plan) {
    let mut twiddles = &plan.stage_twiddles[..];
    let mut span = 1;
    for &r in &plan.radices {
        let (tw, rest) = twiddles.split_at(span * (r - 1));
        twiddles = rest;
        for block in data.chunks_exact_mut(r * span) {
            match r {
                2 => radix2(block, tw, span),
                3 => radix3(block, tw, span),
                4 => radix4(block, tw, span),
                _ => radix5(block, tw, span),
            }
        }
        span *= r;
    }
}

fn radix2(block: &mut [Complex32], tw: &[Complex32], span: usize) {
    let (a0, a1) = block.split_at_mut(span);
    for ((x0, x1), w) in a0.iter_mut().zip(a1.iter_mut()).zip(tw) {
        let t = *x1 * w;
        *x1 = *x0 - t;
        *x0 += t;
    }
}

fn radix3(block: &mut [Complex32], tw: &[Complex32], span: usize) {
    // sin(2π/3)
    const S: f32 = 0.866_025_4;
    let (a0, rest) = block.split_at_mut(span);
    let (a1, a2) = rest.split_at_mut(span);
    let (w1, w2) = tw.split_at(span);
    for k in 0..span {
        let x0 = a0[k];
        let x1 = a1[k] * w1[k];
        let x2 = a2[k] * w2[k];
        let sum = x1 + x2;
        let t = x0 - sum * 0.5;
        let u = times_minus_i(x1 - x2) * S;
        a0[k] = x0 + sum;
        a1[k] = t + u;
        a2[k] = t - u;
    }
}

fn radix4(block: &mut [Complex32], tw: &[Complex32], span: usize) {
    let (a0, rest) = block.split_at_mut(span);
    let (a1, rest) = rest.split_at_mut(span);
    let (a2, a3) = rest.split_at_mut(span);
    let (w1, rest) = tw.split_at(span);
    let (w2, w3) = rest.split_at(span);
    for k in 0..span {
        let x0 = a0[k];
        let x1 = a1[k] * w1[k];
        let x2 = a2[k] * w2[k];
        let x3 = a3[k] * w3[k];
        let (t0, t1) = (x0 + x2, x0 - x2);
        let (t2, t3) = (x1 + x3, times_minus_i(x1 - x3));
        a0[k] = t0 + t2;
        a1[k] = t1 + t3;
        a2[k] = t0 - t2;
        a3[k] = t1 - t3;
    }
}

fn radix5(block: &mut [Complex32], tw: &[Complex32], span: usize) {
    // cos and sin of 2π/5 and 4π/5
    const C1: f32 = 0.309_017;
    const C2: f32 = -0.809_017;
    const S1: f32 = 0.951_056_5;
    const S2: f32 = 0.587_785_24;
    let (a0, rest) = block.split_at_mut(span);
    let (a1, rest) = rest.split_at_mut(span);
    let (a2, rest) = rest.split_at_mut(span);
    let (a3, a4) = rest.split_at_mut(span);
    let (w1, rest) = tw.split_at(span);
    let (w2, rest) = rest.split_at(span);
    let (w3, w4) = rest.split_at(span);
    for k in 0..span {
        let x0 = a0[k];
        let x1 = a1[k] * w1[k];
        let x2 = a2[k] * w2[k];
        let x3 = a3[k] * w3[k];
        let x4 = a4[k] * w4[k];
        let (b1, d1) = (x1 + x4, x1 - x4);
        let (b2, d2) = (x2 + x3, x2 - x3);
        let p1 = x0 + b1 * C1 + b2 * C2;
        let q1 = times_minus_i(d1 * S1 + d2 * S2);
        let p2 = x0 + b1 * C2 + b2 * C1;
        let q2 = times_minus_i(d1 * S2 - d2 * S1);
        a0[k] = x0 + b1 + b2;
        a1[k] = p1 + q1;
        a4[k] = p1 - q1;
        a2[k] = p2 + q2;
        a3[k] = p2 - q2;
    }
}
