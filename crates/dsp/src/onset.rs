//! Fades an input in when it starts after digital silence.
//!
//! A leg that falls to digital silence and then sounds again (a held conference being
//! retrieved, a leg whose packets stopped, early media, a leg attached mid-call) does not
//! always come back gracefully through the browser's receive path: on a retrieve in the
//! browser tests it came back as about 270 exact zeros and then a burst near full scale within
//! a few samples. Mixed straight in, that is a click for everyone who hears the leg, however
//! smoothly the mixer ramps its own gains (they ramped before the audio came back). Exact
//! zeros for [`MIN_SILENCE_SECONDS`] are the signature of such a gap (live audio, even quiet,
//! is never a run of exact zeros that long), so the guard fades the input in over
//! [`FADE_SECONDS`] from its first non-zero sample. Anything else passes untouched, bit for
//! bit.

use crate::{Block, BLOCK};

/// Exact zeros for this long make the next sound an onset.
pub const MIN_SILENCE_SECONDS: f32 = 0.002;

/// Length of the linear fade-in at an onset.
pub const FADE_SECONDS: f32 = 0.01;

/// One input's onset guard. All zero until [`OnsetGuard::new`]; cheap to copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OnsetGuard {
    /// Exact zeros seen since the last sound, saturating.
    silent_frames: u32,
    /// Frames of the fade done; `fade_frames` when not fading.
    faded: u32,
    fade_frames: u32,
    min_silence: u32,
}

impl OnsetGuard {
    /// Inert (passes everything), for static initialisers; [`OnsetGuard::new`] before use.
    pub(crate) const ZERO: Self = Self {
        silent_frames: 0,
        faded: 0,
        fade_frames: 0,
        min_silence: u32::MAX,
    };

    /// A guard for `sample_rate` (Hz; a rate that is not positive and finite falls back to
    /// [`crate::DEFAULT_SAMPLE_RATE`]). It starts as after silence: the first sound fades in.
    #[must_use]
    pub fn new(sample_rate: f32) -> Self {
        let rate = crate::sane_rate(sample_rate);
        let fade_frames = ((FADE_SECONDS * rate + 0.5) as u32).max(1);
        Self {
            silent_frames: u32::MAX,
            faded: fade_frames,
            fade_frames,
            min_silence: ((MIN_SILENCE_SECONDS * rate + 0.5) as u32).max(1),
        }
    }

    /// The input was absent this quantum: that is silence too.
    pub fn absent(&mut self) {
        self.silent_frames = u32::MAX;
        self.faded = self.fade_frames;
    }

    /// Whether the last block was being faded in (or ended an onset's fade).
    #[must_use]
    pub fn is_fading(&self) -> bool {
        self.faded < self.fade_frames
    }

    /// Guards one block of the input, in place.
    pub fn process(&mut self, block: &mut Block) {
        let mut start = 0;
        if !self.is_fading() {
            let Some(first) = block.iter().position(|s| *s != 0.0) else {
                self.silent_frames = self.silent_frames.saturating_add(BLOCK as u32);
                return;
            };
            let gap = self.silent_frames.saturating_add(first as u32);
            if gap < self.min_silence {
                self.silent_frames = trailing_zeros(block);
                return;
            }
            self.faded = 0;
            start = first;
        }
        let inv = 1.0 / self.fade_frames as f32;
        for sample in &mut block[start..] {
            if self.faded >= self.fade_frames {
                break;
            }
            self.faded += 1;
            *sample *= self.faded as f32 * inv;
        }
        self.silent_frames = trailing_zeros(block);
    }
}

impl Default for OnsetGuard {
    fn default() -> Self {
        Self::new(crate::DEFAULT_SAMPLE_RATE)
    }
}

fn trailing_zeros(block: &Block) -> u32 {
    block.iter().rev().take_while(|s| **s == 0.0).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    const RATE: f32 = 48_000.0;

    fn run(guard: &mut OnsetGuard, signal: &[f32]) -> Vec<f32> {
        let mut out = Vec::new();
        for chunk in signal.chunks(BLOCK) {
            let mut block = [0.0; BLOCK];
            block[..chunk.len()].copy_from_slice(chunk);
            guard.process(&mut block);
            out.extend_from_slice(&block[..chunk.len()]);
        }
        out
    }

    fn largest_jump(x: &[f32]) -> f32 {
        x.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max)
    }

    /// A full-scale cosine (starts at its peak) at 440 Hz.
    fn cosine(frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| libm::cosf(core::f32::consts::TAU * 440.0 * i as f32 / RATE))
            .collect()
    }

    #[test]
    fn sound_after_silence_fades_in_without_a_click() {
        for zeros in [96, 200, 1000, 5 * BLOCK + 37] {
            let mut guard = OnsetGuard::new(RATE);
            run(&mut guard, &[0.3; 400]); // first sound, faded in
            let mut signal = std::vec![0.0; zeros];
            signal.extend(cosine(4000));
            let out = run(&mut guard, &signal);
            // Unguarded, the first sample jumps by 1.0.
            let slope = core::f32::consts::TAU * 440.0 / RATE;
            let limit = slope + 1.0 / (FADE_SECONDS * RATE);
            assert!(
                largest_jump(&out) <= limit,
                "{zeros} zeros: {}",
                largest_jump(&out)
            );
            let fade = (FADE_SECONDS * RATE) as usize;
            // Rising over the fade, then the signal untouched.
            assert!(out[zeros + fade / 2].abs() < 0.6);
            assert_eq!(out[zeros + fade..], signal[zeros + fade..]);
        }
    }

    #[test]
    fn continuous_sound_passes_bit_for_bit() {
        let mut guard = OnsetGuard::new(RATE);
        run(&mut guard, &[0.3; 1000]);
        // A sine with exact zero crossings and a short run of zeros (below the gap length).
        let mut signal: Vec<f32> = (0..6000)
            .map(|i| libm::sinf(core::f32::consts::PI * (i % 100) as f32 / 50.0))
            .collect();
        for s in &mut signal[3000..3050] {
            *s = 0.0;
        }
        assert_eq!(run(&mut guard, &signal), signal);
        assert!(!guard.is_fading());
    }

    #[test]
    fn first_sound_and_sound_after_absence_fade_in() {
        let mut guard = OnsetGuard::new(RATE);
        let out = run(&mut guard, &[0.5; BLOCK]);
        assert!(out[0] < 0.01 && out[BLOCK - 1] < 0.5);
        run(&mut guard, &[0.5; 2000]);
        guard.absent();
        let out = run(&mut guard, &[0.5; BLOCK]);
        assert!(out[0] < 0.01, "after an absent quantum: {}", out[0]);
    }

    #[test]
    fn fade_reaches_unity_exactly_and_is_monotonic() {
        let mut guard = OnsetGuard::new(44_100.0);
        let out = run(&mut guard, &[1.0; 2000]);
        assert!(out.windows(2).all(|w| w[1] >= w[0]));
        let fade = (FADE_SECONDS * 44_100.0 + 0.5) as usize;
        assert_eq!(out[fade - 1], 1.0);
        assert!(out[fade - 2] < 1.0);
        assert!(!guard.is_fading());
    }

    #[test]
    fn inert_guard_passes_everything() {
        let mut guard = OnsetGuard::ZERO;
        let signal = cosine(1000);
        assert_eq!(run(&mut guard, &signal), signal);
        assert_eq!(OnsetGuard::new(f32::NAN), OnsetGuard::default());
    }
}
