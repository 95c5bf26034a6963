//! The spectrum of a real signal and the two transforms nnnoiseless calls on it, with
//! easyfft 0.4's names and meanings.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::{Deref, MulAssign};

use num_complex::{Complex, Complex32};

use crate::plan::Plan;
use crate::real;

/// The bins `0..=N/2` of a real signal of `N` samples, with the plan that transforms it.
#[derive(Clone)]
pub struct DynRealDft<T> {
    bins: Box<[Complex<T>]>,
    plan: Plan,
}

impl DynRealDft<f32> {
    /// A spectrum of a signal of `original_length` samples: `zeroth_bin` (the offset) followed
    /// by `frequency_bins`, bins `1..=N/2`. Makes the transform's plan (allocates).
    ///
    /// # Panics
    /// If `frequency_bins` is not `original_length / 2` long, or the length is one this crate
    /// cannot transform (odd, or half of it with a prime factor above 5).
    pub fn new(zeroth_bin: f32, frequency_bins: &[Complex32], original_length: usize) -> Self {
        assert!(
            frequency_bins.len() == original_length / 2,
            "frequency_bins must hold original_length / 2 bins"
        );
        let mut bins = Vec::with_capacity(frequency_bins.len() + 1);
        bins.push(Complex32::new(zeroth_bin, 0.0));
        bins.extend_from_slice(frequency_bins);
        Self {
            bins: bins.into(),
            plan: Plan::new(original_length),
        }
    }
}

impl<T> DynRealDft<T> {
    /// Bins `1..(N - 1) / 2`. As in easyfft 0.4.2, for an even `N` this leaves out the last
    /// two bins, not only bin `N/2`: nnnoiseless's pitch filter was written against exactly
    /// this range, so it is kept.
    pub fn get_frequency_bins(&self) -> &[Complex<T>] {
        let end = (self.plan.len - 1) / 2;
        &self.bins[1..end]
    }

    /// [`Self::get_frequency_bins`], mutable.
    pub fn get_frequency_bins_mut(&mut self) -> &mut [Complex<T>] {
        let end = (self.plan.len - 1) / 2;
        &mut self.bins[1..end]
    }

    /// The real part of bin 0 (the signal's offset).
    pub fn get_offset(&self) -> &T {
        &self.bins[0].re
    }

    /// [`Self::get_offset`], mutable.
    pub fn get_offset_mut(&mut self) -> &mut T {
        &mut self.bins[0].re
    }
}

/// All bins, `0..=N/2`.
impl<T> Deref for DynRealDft<T> {
    type Target = [Complex<T>];

    fn deref(&self) -> &[Complex<T>] {
        &self.bins
    }
}

/// Every bin times one gain.
impl MulAssign<f32> for DynRealDft<f32> {
    fn mul_assign(&mut self, gain: f32) {
        for bin in &mut self.bins {
            *bin *= gain;
        }
    }
}

/// Each bin times its own gain.
impl MulAssign<&[f32]> for DynRealDft<f32> {
    fn mul_assign(&mut self, gains: &[f32]) {
        assert!(gains.len() == self.bins.len(), "one gain per bin");
        for (bin, &gain) in self.bins.iter_mut().zip(gains) {
            *bin *= gain;
        }
    }
}

/// The forward transform of a real signal.
pub trait DynRealFft<T> {
    /// The spectrum of `self` into `output`, whose length must be `self.len()`; unnormalised,
    /// allocates nothing.
    fn real_fft_using(&self, output: &mut DynRealDft<T>);
}

/// The inverse transform of a spectrum.
pub trait DynRealIfft<T> {
    /// The real signal whose spectrum is `self` into `output` (the length `self` was made
    /// for); unnormalised (`N` times the signal), allocates nothing.
    fn real_ifft_using(&self, output: &mut [T]);
}

impl DynRealFft<f32> for [f32] {
    fn real_fft_using(&self, output: &mut DynRealDft<f32>) {
        real::forward(&output.plan, self, &mut output.bins);
    }
}

impl DynRealIfft<f32> for DynRealDft<f32> {
    fn real_ifft_using(&self, output: &mut [f32]) {
        real::inverse(&self.plan, &self.bins, output);
    }
}
