//! Call-progress tones and DTMF for local feedback, one generator per mixer output.
//!
//! | tone | North America | UK | Europe (CEPT) |
//! |---|---|---|---|
//! | ringback | 440+480 Hz, 2 s on 4 s off | 400+450 Hz, 0.4 on 0.2 off 0.4 on 2.0 off | 425 Hz, 1 s on 4 s off |
//! | busy | 480+620 Hz, 0.5 on 0.5 off | 400 Hz, 0.375 on 0.375 off | 425 Hz, 0.5 on 0.5 off |
//! | reorder | 480+620 Hz, 0.25 on 0.25 off | 400 Hz continuous (number unobtainable) | 425 Hz, 0.25 on 0.25 off (congestion) |
//! | call waiting | 440 Hz, 0.3 on 9.7 off | 400 Hz, 0.1 on 4.0 off | 425 Hz, 0.2 on 0.2 off 0.2 on 5.0 off |
//! | ring (local ringer) | 784+988 Hz, 2 s on 4 s off | 784+988 Hz, 0.4 on 0.2 off 0.4 on 2.0 off | 784+988 Hz, 1 s on 4 s off |
//!
//! North America per Telcordia GR-506 / ANSI T1.401 ("precise tone plan"), the UK per BT SIN 350,
//! Europe per the CEPT/ETSI harmonised tones (ETSI TR 101 041, ES 201 970). The European
//! call-waiting pause differs by country; 5.0 s is the German one (ITU-T E.180 supplement),
//! the most widespread 425 Hz plan.
//!
//! The ring is what the agent's own ringer plays for an incoming call: the region's ringing
//! cadence (the bell's rhythm) on a two-note chord (G5 + B5), chosen to sound nothing like
//! ringback, so an agent can tell "someone is calling me" from "my call is ringing out".
//! DTMF is the ITU-T Q.23 / RFC 4733 grid: rows 697, 770, 852, 941 Hz, columns 1209, 1336,
//! 1477, 1633 Hz; it plays, continuous, until stopped (the caller times the key press).
//!
//! Cadence edges are exact to the sample: segment `k` of a cycle ends at frame
//! `round(rate * (sum of the first k+1 durations))`, so a cycle never drifts. The gain
//! envelope starts rising on the first frame of an "on" segment and starts falling on the first
//! frame of an "off" segment, linearly over [`TONE_RAMP_SECONDS`], so edges never click; the
//! oscillators run on through silence (phase-continuous), and a new tone started over a
//! sounding one ramps from where the old one was.

use crate::Block;

/// Length of the linear fade at every cadence edge, at start and at stop.
pub const TONE_RAMP_SECONDS: f32 = 0.002;

/// Most on/off segments in one cadence cycle.
const MAX_SEGMENTS: usize = 4;

/// Regional tone plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// United States and Canada (NANP).
    NorthAmerica,
    /// United Kingdom (BT).
    Uk,
    /// Continental Europe (CEPT, 425 Hz).
    Europe,
}

impl Region {
    /// From the ABI code: 0 North America, 1 UK, 2 Europe.
    #[must_use]
    pub fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Self::NorthAmerica),
            1 => Some(Self::Uk),
            2 => Some(Self::Europe),
            _ => None,
        }
    }
}

/// The keys of the DTMF grid, in [`Tone::from_code`] order.
pub const DTMF_KEYS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D',
];

/// The ring's two notes, G5 and B5 (a major third).
const RING_CHORD: [f32; 2] = [784.0, 988.0];

const DTMF_ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
const DTMF_COLUMNS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];

/// A tone to play.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The far end is ringing.
    Ringback,
    /// The far end is busy.
    Busy,
    /// No route / congestion / number unobtainable.
    Reorder,
    /// Another call is waiting.
    CallWaiting,
    /// An incoming call is ringing (the local ringer).
    Ring,
    /// A DTMF key, as an index into [`DTMF_KEYS`] (`0..16`).
    Dtmf(u8),
}

impl Tone {
    /// From the ABI code: 0 ringback, 1 busy, 2 reorder, 3 call waiting, 4 ring, `16 + k` DTMF
    /// key `DTMF_KEYS[k]`.
    #[must_use]
    pub fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Self::Ringback),
            1 => Some(Self::Busy),
            2 => Some(Self::Reorder),
            3 => Some(Self::CallWaiting),
            4 => Some(Self::Ring),
            16..=31 => Some(Self::Dtmf((code - 16) as u8)),
            _ => None,
        }
    }

    /// The DTMF tone of `key` (`0-9`, `*`, `#`, `A-D`, either case).
    #[must_use]
    pub fn dtmf(key: char) -> Option<Self> {
        let key = key.to_ascii_uppercase();
        DTMF_KEYS
            .iter()
            .position(|k| *k == key)
            .map(|i| Self::Dtmf(i as u8))
    }

    /// Frequencies (Hz; a second 0 means a single tone) and cadence (alternating on/off
    /// durations in milliseconds, starting "on"; empty means continuous) in `region`.
    /// `None` for a DTMF index out of range.
    #[must_use]
    pub fn spec(self, region: Region) -> Option<([f32; 2], &'static [u32])> {
        use Region::{Europe, NorthAmerica, Uk};
        Some(match (self, region) {
            (Self::Ringback, NorthAmerica) => ([440.0, 480.0], &[2000, 4000]),
            (Self::Ringback, Uk) => ([400.0, 450.0], &[400, 200, 400, 2000]),
            (Self::Ringback, Europe) => ([425.0, 0.0], &[1000, 4000]),
            (Self::Busy, NorthAmerica) => ([480.0, 620.0], &[500, 500]),
            (Self::Busy, Uk) => ([400.0, 0.0], &[375, 375]),
            (Self::Busy, Europe) => ([425.0, 0.0], &[500, 500]),
            (Self::Reorder, NorthAmerica) => ([480.0, 620.0], &[250, 250]),
            (Self::Reorder, Uk) => ([400.0, 0.0], &[]),
            (Self::Reorder, Europe) => ([425.0, 0.0], &[250, 250]),
            (Self::CallWaiting, NorthAmerica) => ([440.0, 0.0], &[300, 9700]),
            (Self::CallWaiting, Uk) => ([400.0, 0.0], &[100, 4000]),
            (Self::CallWaiting, Europe) => ([425.0, 0.0], &[200, 200, 200, 5000]),
            (Self::Ring, NorthAmerica) => (RING_CHORD, &[2000, 4000]),
            (Self::Ring, Uk) => (RING_CHORD, &[400, 200, 400, 2000]),
            (Self::Ring, Europe) => (RING_CHORD, &[1000, 4000]),
            (Self::Dtmf(key), _) => {
                let key = usize::from(key);
                if key >= DTMF_KEYS.len() {
                    return None;
                }
                let (row, column) = dtmf_position(key);
                ([DTMF_ROWS[row], DTMF_COLUMNS[column]], &[])
            }
        })
    }
}

/// Row and column of `DTMF_KEYS[key]` on the keypad.
fn dtmf_position(key: usize) -> (usize, usize) {
    match key {
        0 => (3, 1),
        1..=9 => ((key - 1) / 3, (key - 1) % 3),
        10 => (3, 0),                // *
        11 => (3, 2),                // #
        _ => ((key - 12).min(3), 3), // A-D
    }
}

/// A sine by rotation: `(re, im)` turns by `w` each frame. Cheaper than `sinf` per sample and
/// phase-continuous when the frequency changes; renormalised once a block.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Oscillator {
    re: f32,
    im: f32,
    cos_w: f32,
    sin_w: f32,
    amplitude: f32,
}

impl Oscillator {
    const ZERO: Self = Self {
        re: 1.0,
        im: 0.0,
        cos_w: 1.0,
        sin_w: 0.0,
        amplitude: 0.0,
    };

    fn tune(&mut self, frequency: f32, sample_rate: f32, amplitude: f32) {
        // Below Nyquist, so |w| < π: no large-argument reduction needed.
        let w = core::f32::consts::TAU * frequency / sample_rate;
        self.cos_w = libm::cosf(w);
        self.sin_w = libm::sinf(w);
        self.amplitude = amplitude;
    }

    #[inline(always)]
    fn next(&mut self) -> f32 {
        let re = self.re * self.cos_w - self.im * self.sin_w;
        self.im = self.re * self.sin_w + self.im * self.cos_w;
        self.re = re;
        self.amplitude * self.im
    }

    /// Pulls the radius back to 1 (one Newton step for `1/sqrt`: drift per block is tiny).
    fn renormalise(&mut self) {
        let radius_squared = self.re * self.re + self.im * self.im;
        let k = (3.0 - radius_squared) * 0.5;
        self.re *= k;
        self.im *= k;
    }
}

/// The tone generator of one output. All zero (silent) until started.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToneGenerator {
    oscillators: [Oscillator; 2],
    /// End frame (within the cycle) of each segment; `segments == 0` is continuous.
    ends: [u32; MAX_SEGMENTS],
    segments: u8,
    segment: u8,
    /// Frame within the cadence cycle.
    position: u32,
    /// Envelope in steps of `1 / ramp_frames`, `0..=ramp_frames`: exact, so a fade ends on 0.
    level: u32,
    ramp_frames: u32,
    inv_ramp: f32,
    active: bool,
    stopping: bool,
}

impl ToneGenerator {
    /// Silent.
    pub(crate) const ZERO: Self = Self {
        oscillators: [Oscillator::ZERO; 2],
        ends: [0; MAX_SEGMENTS],
        segments: 0,
        segment: 0,
        position: 0,
        level: 0,
        ramp_frames: 0,
        inv_ramp: 0.0,
        active: false,
        stopping: false,
    };

    /// A silent generator.
    #[must_use]
    pub const fn new() -> Self {
        Self::ZERO
    }

    /// Starts `tone` of `region` at `gain` (its peak amplitude: two-frequency tones put half on
    /// each) from the top of its cadence. Returns `false`, changing nothing, for a DTMF index
    /// out of range or a gain that is not finite.
    pub fn start(&mut self, tone: Tone, region: Region, gain: f32, sample_rate: f32) -> bool {
        let Some((frequencies, cadence)) = tone.spec(region) else {
            return false;
        };
        if !gain.is_finite() {
            return false;
        }
        let rate = crate::sane_rate(sample_rate);
        let gain = gain.clamp(0.0, 1.0);
        let share = if frequencies[1] > 0.0 {
            gain * 0.5
        } else {
            gain
        };
        for (oscillator, frequency) in self.oscillators.iter_mut().zip(frequencies) {
            if !self.active {
                oscillator.re = 1.0;
                oscillator.im = 0.0;
            }
            let amplitude = if frequency > 0.0 { share } else { 0.0 };
            oscillator.tune(frequency, rate, amplitude);
        }
        let mut total_ms = 0_u64;
        self.ends = [0; MAX_SEGMENTS];
        for (end, ms) in self.ends.iter_mut().zip(cadence) {
            total_ms += u64::from(*ms);
            *end = cadence_frame(total_ms, rate);
        }
        self.segments = cadence.len().min(MAX_SEGMENTS) as u8;
        self.segment = 0;
        self.position = 0;
        let ramp_frames = ((TONE_RAMP_SECONDS * rate + 0.5) as u32).max(1);
        if self.active {
            // Keep the loudness it had, on the new scale.
            self.level = (self.level as f32 * self.inv_ramp * ramp_frames as f32) as u32;
        } else {
            self.level = 0;
        }
        self.ramp_frames = ramp_frames;
        self.inv_ramp = 1.0 / ramp_frames as f32;
        self.active = true;
        self.stopping = false;
        true
    }

    /// Fades the tone out (over [`TONE_RAMP_SECONDS`]) and then goes silent.
    pub fn stop(&mut self) {
        self.stopping = true;
    }

    /// Whether it still makes sound (or will, in a later "on" segment).
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Adds one block of the tone to `out`.
    pub fn add_to(&mut self, out: &mut Block) {
        if !self.active {
            return;
        }
        let [mut first, mut second] = self.oscillators;
        for sample in out.iter_mut() {
            let on = !self.stopping && (self.segments == 0 || self.segment % 2 == 0);
            if on {
                if self.level < self.ramp_frames {
                    self.level += 1;
                }
            } else if self.level > 0 {
                self.level -= 1;
            }
            let tone = first.next() + second.next();
            *sample += self.level as f32 * self.inv_ramp * tone;
            if self.segments > 0 {
                self.position += 1;
                if self.position >= self.ends[usize::from(self.segment)] {
                    self.segment += 1;
                    if self.segment >= self.segments {
                        self.segment = 0;
                        self.position = 0;
                    }
                }
            }
        }
        first.renormalise();
        second.renormalise();
        self.oscillators = [first, second];
        if self.stopping && self.level == 0 {
            self.active = false;
        }
    }
}

impl Default for ToneGenerator {
    fn default() -> Self {
        Self::new()
    }
}

/// The frame at `ms` milliseconds, rounded to the nearest.
fn cadence_frame(ms: u64, rate: f32) -> u32 {
    let frames = (ms as f64 * f64::from(rate) / 1000.0 + 0.5) as u64;
    frames.min(u64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BLOCK;
    use std::vec::Vec;

    fn render(generator: &mut ToneGenerator, frames: usize) -> Vec<f32> {
        // Whole blocks, so that renders can be concatenated.
        let mut out = Vec::with_capacity(frames + BLOCK);
        while out.len() < frames {
            let mut block = [0.0; BLOCK];
            generator.add_to(&mut block);
            out.extend_from_slice(&block);
        }
        out
    }

    /// Amplitude of the component at `frequency`: Goertzel over a Hann window, which keeps the
    /// other component of a dual tone from leaking in.
    fn goertzel_amplitude(signal: &[f32], frequency: f64, rate: f64) -> f64 {
        let w = core::f64::consts::TAU * frequency / rate;
        let coefficient = 2.0 * w.cos();
        let n = signal.len() as f64;
        let (mut s1, mut s2, mut window_sum) = (0.0_f64, 0.0_f64, 0.0_f64);
        for (i, &x) in signal.iter().enumerate() {
            let window = 0.5 - 0.5 * (core::f64::consts::TAU * i as f64 / n).cos();
            window_sum += window;
            let s0 = f64::from(x) * window + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        2.0 * power.max(0.0).sqrt() / window_sum
    }

    /// The frequency with the strongest response in `[low, high]`, searched at 0.5 Hz steps.
    fn strongest(signal: &[f32], low: f64, high: f64, rate: f64) -> f64 {
        let mut best = (0.0, low);
        let mut f = low;
        while f <= high {
            let a = goertzel_amplitude(signal, f, rate);
            if a > best.0 {
                best = (a, f);
            }
            f += 0.5;
        }
        best.1
    }

    const ALL_TONES: [Tone; 5] = [
        Tone::Ringback,
        Tone::Busy,
        Tone::Reorder,
        Tone::CallWaiting,
        Tone::Ring,
    ];
    const ALL_REGIONS: [Region; 3] = [Region::NorthAmerica, Region::Uk, Region::Europe];

    #[test]
    fn codes_round_trip() {
        assert_eq!(Tone::from_code(0), Some(Tone::Ringback));
        assert_eq!(Tone::from_code(3), Some(Tone::CallWaiting));
        assert_eq!(Tone::from_code(4), Some(Tone::Ring));
        assert_eq!(Tone::from_code(5), None);
        assert_eq!(Tone::from_code(16 + 11), Tone::dtmf('#'));
        assert_eq!(Tone::from_code(32), None);
        assert_eq!(Tone::dtmf('d'), Some(Tone::Dtmf(15)));
        assert_eq!(Tone::dtmf('x'), None);
        assert_eq!(Region::from_code(2), Some(Region::Europe));
        assert_eq!(Region::from_code(3), None);
        assert_eq!(Tone::Dtmf(16).spec(Region::Uk), None);
    }

    #[test]
    fn dtmf_grid() {
        let expect = |key: char, row: f32, column: f32| {
            let tone = Tone::dtmf(key).unwrap_or(Tone::Dtmf(99));
            assert_eq!(
                tone.spec(Region::Europe),
                Some(([row, column], &[][..])),
                "{key}"
            );
        };
        expect('1', 697.0, 1209.0);
        expect('2', 697.0, 1336.0);
        expect('3', 697.0, 1477.0);
        expect('A', 697.0, 1633.0);
        expect('4', 770.0, 1209.0);
        expect('6', 770.0, 1477.0);
        expect('B', 770.0, 1633.0);
        expect('8', 852.0, 1336.0);
        expect('C', 852.0, 1633.0);
        expect('*', 941.0, 1209.0);
        expect('0', 941.0, 1336.0);
        expect('#', 941.0, 1477.0);
        expect('D', 941.0, 1633.0);
    }

    #[test]
    fn frequencies_within_one_percent() {
        for rate in [44_100.0_f32, 48_000.0] {
            let mut tones: Vec<Tone> = ALL_TONES.to_vec();
            tones.extend((0..16).map(Tone::Dtmf));
            for region in ALL_REGIONS {
                for &tone in &tones {
                    let Some((frequencies, _)) = tone.spec(region) else {
                        panic!("{tone:?}");
                    };
                    let mut generator = ToneGenerator::new();
                    assert!(generator.start(tone, region, 0.5, rate));
                    // The first "on" segment is at least 100 ms; analyse 80 ms after the ramp.
                    let signal = render(&mut generator, (0.1 * rate) as usize);
                    let window = &signal[(0.01 * rate) as usize..(0.09 * rate) as usize];
                    let f64_rate = f64::from(rate);
                    let nyquist_safe: Vec<f64> = frequencies
                        .iter()
                        .filter(|f| **f > 0.0)
                        .map(|f| f64::from(*f))
                        .collect();
                    for &f in &nyquist_safe {
                        // Search ±5 % but away from the other component.
                        let found = strongest(window, f * 0.97, f * 1.03, f64_rate);
                        assert!(
                            (found - f).abs() < f * 0.01,
                            "{tone:?} {region:?} @{rate}: {found} Hz, expected {f}"
                        );
                        let amplitude = goertzel_amplitude(window, f, f64_rate);
                        let expected = 0.5 / nyquist_safe.len() as f64;
                        assert!(
                            (amplitude - expected).abs() < expected * 0.05,
                            "{tone:?} {region:?}: amplitude {amplitude}, expected {expected}"
                        );
                    }
                    assert!(signal.iter().all(|s| s.abs() <= 0.5 + 1e-4));
                }
            }
        }
    }

    /// The envelope rises from the first frame of each "on" segment and is back to 0 exactly
    /// `ramp - 1` frames into the next "off" segment.
    #[test]
    fn cadences_are_exact_to_the_sample() {
        for rate in [44_100.0_f32, 48_000.0] {
            let ramp = (TONE_RAMP_SECONDS * rate).round() as usize;
            for region in ALL_REGIONS {
                for tone in ALL_TONES {
                    let Some((_, cadence)) = tone.spec(region) else {
                        panic!("{tone:?}");
                    };
                    let mut generator = ToneGenerator::new();
                    assert!(generator.start(tone, region, 0.5, rate));
                    // Replace the sines by a constant 0.5: the output is then the envelope.
                    generator.oscillators = [
                        Oscillator {
                            re: 0.0,
                            im: 1.0,
                            cos_w: 1.0,
                            sin_w: 0.0,
                            amplitude: 0.5,
                        },
                        Oscillator::ZERO,
                    ];
                    let cycle_ms: u32 = cadence.iter().sum();
                    // Two cycles (or 1 s of a continuous tone).
                    let frames = if cadence.is_empty() {
                        rate as usize
                    } else {
                        (2 * cycle_ms as usize * rate as usize).div_ceil(1000) + 10
                    };
                    let mut signal = render(&mut generator, frames);
                    if !cadence.is_empty() {
                        // Two whole cycles, not the start of a third.
                        signal.truncate((2 * cycle_ms as usize * rate as usize) / 1000);
                    }
                    if cadence.is_empty() {
                        assert!(signal.iter().skip(1).all(|s| *s != 0.0), "{tone:?}");
                        continue;
                    }
                    let mut expected_on = std::vec![false; frames];
                    let mut elapsed_ms = 0_u64;
                    let mut start = 0_usize;
                    for cycle in 0..2 {
                        for (k, ms) in cadence.iter().enumerate() {
                            elapsed_ms += u64::from(*ms);
                            let end =
                                (elapsed_ms as f64 * f64::from(rate) / 1000.0).round() as usize;
                            if k % 2 == 0 {
                                for on in &mut expected_on[start..(end + ramp - 1).min(frames)] {
                                    *on = true;
                                }
                            }
                            start = end;
                        }
                        let _ = cycle;
                    }
                    assert!(signal.len() <= expected_on.len());
                    for (frame, (sample, on)) in signal.iter().zip(&expected_on).enumerate() {
                        assert_eq!(
                            *sample != 0.0,
                            *on,
                            "{tone:?} {region:?} @{rate}: frame {frame} ({sample})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn edges_and_stop_do_not_click() {
        let rate = 48_000.0;
        let mut generator = ToneGenerator::new();
        assert!(generator.start(Tone::Busy, Region::NorthAmerica, 1.0, rate));
        let mut signal = render(&mut generator, 30_000);
        generator.stop();
        signal.extend(render(&mut generator, 2_000));
        assert!(!generator.is_active());
        // Largest step of a 620 Hz full-scale sine is 2π·620/48000 ≈ 0.081; a click would be
        // a jump to full scale.
        let largest = signal
            .windows(2)
            .map(|p| (p[1] - p[0]).abs())
            .fold(0.0, f32::max);
        assert!(largest < 0.1, "jump of {largest}");
        assert!(signal[signal.len() - 100..].iter().all(|s| *s == 0.0));
        let mut silent = [0.0; BLOCK];
        generator.add_to(&mut silent);
        assert_eq!(silent, [0.0; BLOCK]);
    }

    #[test]
    fn switching_tones_ramps_from_the_current_level() {
        let rate = 44_100.0;
        let mut generator = ToneGenerator::new();
        assert!(generator.start(Tone::Dtmf(5), Region::Uk, 0.8, rate));
        let mut signal = render(&mut generator, 4_410);
        assert!(generator.start(Tone::Dtmf(9), Region::Uk, 0.8, rate));
        signal.extend(render(&mut generator, 4_410));
        let largest = signal
            .windows(2)
            .map(|p| (p[1] - p[0]).abs())
            .fold(0.0, f32::max);
        assert!(largest < 0.2, "jump of {largest}");
        assert!(!generator.start(Tone::Dtmf(20), Region::Uk, 0.8, rate));
        assert!(!generator.start(Tone::Busy, Region::Uk, f32::NAN, rate));
    }
}
