//! The noise-suppression test's microphone: sentences spoken by Debian's `espeak-ng` (made
//! here, at test time, like the tones), each after a pause, with steady white noise under the
//! whole file, as a 48 kHz 16-bit mono WAV. The pauses are where the test measures the noise.

use std::path::Path;
use std::process::Command;

use crate::util::{bail, Context, Result};
use crate::wav::{self, SAMPLE_RATE};

/// What the agent says: three sentences, each after [`PAUSE_SECONDS`] of noise alone.
const SENTENCES: [&str; 3] = [
    "Thank you for calling, my name is Alex.",
    "Your order left our warehouse this morning.",
    "Is there anything else I can help you with?",
];
/// Noise alone before each sentence: about a third of the file, so the quietest tenth of a
/// far end's 20 ms frames are pauses.
pub(crate) const PAUSE_SECONDS: f64 = 1.5;
/// The speech's peak, of full scale.
const SPEECH_PEAK: f64 = 0.5;
/// The noise's RMS, of full scale: -30 dBFS, an open-plan office fan or hum behind a headset.
const NOISE_RMS: f64 = 0.0316;

/// One sentence from espeak-ng, at 48 kHz (linear interpolation from its own rate).
fn speak(text: &str) -> Result<Vec<f64>> {
    let out = Command::new("espeak-ng")
        .args(["--stdout", "-s", "150", text])
        .output()
        .context("run espeak-ng (cargo xtask setup installs it)")?;
    if !out.status.success() || out.stdout.len() < 44 || &out.stdout[..4] != b"RIFF" {
        bail!("espeak-ng gave no WAV for {text:?}");
    }
    let bytes = out.stdout;
    let rate = f64::from(u32::from_le_bytes([
        bytes[24], bytes[25], bytes[26], bytes[27],
    ]));
    // espeak-ng streams, so its sizes are unknown: the samples are what follows "data".
    let Some(data) = bytes.windows(4).position(|w| w == b"data") else {
        bail!("espeak-ng's WAV has no data chunk");
    };
    let pcm: Vec<f64> = bytes[data + 8..]
        .chunks_exact(2)
        .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])) / 32_768.0)
        .collect();
    let ratio = rate / f64::from(SAMPLE_RATE);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (pcm.len() as f64 / ratio) as usize;
    Ok((0..n)
        .map(|i| {
            let x = i as f64 * ratio;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let j = x as usize;
            let (a, b) = (pcm[j], pcm.get(j + 1).copied().unwrap_or(0.0));
            a + (b - a) * (x - j as f64)
        })
        .collect())
}

/// A deterministic white noise (xorshift), uniform, at RMS `rms`.
fn white(n: usize, rms: f64) -> impl Iterator<Item = f64> {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    // A uniform -1..1 has an RMS of 1/sqrt(3).
    let scale = rms * 3f64.sqrt();
    (0..n).map(move |_| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        #[allow(clippy::cast_precision_loss)]
        let u = (seed >> 11) as f64 / (1u64 << 53) as f64;
        (2.0 * u - 1.0) * scale
    })
}

/// Writes the fixture to `path` (unchanged files are left alone).
pub(crate) fn write(path: &Path) -> Result {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let pause = (PAUSE_SECONDS * f64::from(SAMPLE_RATE)) as usize;
    let mut speech = Vec::new();
    for text in SENTENCES {
        let s = speak(text)?;
        speech.resize(speech.len() + pause, 0.0);
        speech.extend(s);
    }
    let peak = speech.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if peak == 0.0 {
        bail!("espeak-ng spoke silence");
    }
    let gain = SPEECH_PEAK / peak;
    let noise: Vec<f64> = white(speech.len(), NOISE_RMS).collect();
    let samples = speech.iter().zip(&noise).map(|(s, n)| s * gain + n);
    wav::write_if_changed(
        path,
        &wav::pcm16(SAMPLE_RATE, samples.collect::<Vec<_>>().into_iter()),
    )
}
