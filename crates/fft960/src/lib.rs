//! A real FFT for RNNoise: the part of easyfft 0.4's API that nnnoiseless 0.5.2 calls,
//! over our own transform, patched in for `easyfft` in the workspace's `[patch.crates-io]` so
//! that every build (native tests and the worklet's dsp.wasm alike) runs this code.
//!
//! nnnoiseless transforms one length only, its 960-sample window (forward and inverse). The
//! upstream chain (easyfft -> realfft -> rustfft) planned that at run time with every
//! algorithm rustfft has compiled in; here a [`DynRealDft`] carries its own plan, made once
//! when it is created:
//!
//! - a real signal of even length `N` is transformed as a complex signal of `N/2` points
//!   (even samples real, odd samples imaginary), then split into the spectrum's `N/2 + 1`
//!   bins (`real`);
//! - the `N/2`-point complex FFT is an in-place mixed-radix Cooley-Tukey of radix 4, 2, 3 and
//!   5 stages (`stages`), its input written straight into digit-reversed order, its twiddles
//!   computed in f64 when the plan is made (`plan`).
//!
//! Lengths whose half has a prime factor above 5 are refused when the plan is made. Neither
//! direction normalises (as rustfft). Transforms allocate nothing.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

pub use num_complex;

mod plan;
mod real;
mod stages;

/// easyfft's path for the real-signal types.
pub mod dyn_size {
    pub mod realfft;
}

/// The traits nnnoiseless imports with `use easyfft::prelude::*`.
pub mod prelude {
    pub use crate::dyn_size::realfft::{DynRealFft, DynRealIfft};
}
