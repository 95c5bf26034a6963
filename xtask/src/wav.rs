//! The microphone fixtures of the e2e tests: pure tones as 48 kHz 16-bit mono PCM WAV.

use std::fs;
use std::path::Path;

use crate::util::{Context, Result};

pub(crate) const SAMPLE_RATE: u32 = 48_000;

/// A WAV file of a sine at `freq` Hz, amplitude `amp` (of full scale), `seconds` long. With a
/// whole number of cycles in the file, Chromium's looping of the fake capture file is seamless.
pub(crate) fn tone(freq: f64, amp: f64, seconds: u32) -> Vec<u8> {
    tone_at(SAMPLE_RATE, freq, amp, seconds)
}

/// [`tone`] at another sample rate (the desk phone's G.711 is 8 kHz).
pub(crate) fn tone_at(rate: u32, freq: f64, amp: f64, seconds: u32) -> Vec<u8> {
    let w = std::f64::consts::TAU * freq / f64::from(rate);
    let samples = (0..rate * seconds).map(|i| amp * (w * f64::from(i)).sin());
    pcm16(rate, samples)
}

/// A 16-bit mono PCM WAV of `samples` (full scale = 1.0, clipped beyond it).
pub(crate) fn pcm16(rate: u32, samples: impl ExactSizeIterator<Item = f64>) -> Vec<u8> {
    #[allow(clippy::cast_possible_truncation)] // a WAV fixture is far below 4 GiB
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for x in samples {
        let s = (x.clamp(-1.0, 1.0) * 32767.0).round();
        #[allow(clippy::cast_possible_truncation)] // |s| <= 32767
        out.extend_from_slice(&(s as i16).to_le_bytes());
    }
    out
}

/// Writes `bytes` to `path` unless it already holds exactly them.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> Result {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).context(format_args!("create {}", dir.display()))?;
    }
    fs::write(path, bytes).context(format_args!("write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_length() {
        let w = tone(440.0, 0.5, 1);
        assert_eq!(w.len(), 44 + 96_000);
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(w[24..28].try_into().unwrap()), 48_000);
        // first sample 0, a quarter period of 440 Hz later near +0.5 full scale
        assert_eq!(i16::from_le_bytes([w[44], w[45]]), 0);
        let q = 44 + 2 * (48_000 / 440 / 4);
        let s = i16::from_le_bytes([w[q], w[q + 1]]);
        assert!((15_000..=16_400).contains(&s), "{s}");
    }
}
