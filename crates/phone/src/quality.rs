//! Call quality per leg: the ITU-T G.107 E-model (narrowband, 06/2015 edition's formulas)
//! as a pure function, fed by what the browser measures on each leg (loss, jitter, round
//! trip), and a three-level rating with hysteresis so an indicator does not flap.
//!
//! # Which impairment figures for Opus
//! The E-model needs an equipment impairment factor `Ie` and a packet-loss robustness
//! factor `Bpl` for the codec. ITU-T G.113 Appendix I tabulates them for narrowband codecs
//! (G.711, G.729, AMR...), and its later appendices do so for the wideband and fullband
//! E-models (G.107.1, G.107.2), which use another scale. We found no narrowband figures for
//! Opus in G.113, and could not read the Recommendation's text from this machine. So we use
//! the figures G.113 Appendix I gives for **G.711 with packet-loss concealment**, `Ie = 0`,
//! `Bpl = 25.1` (random loss), written down from memory of that table and not checked
//! against it: Opus at the bitrates browsers use for speech is at least as clear as G.711
//! on the narrowband scale, and, like G.711 with PLC, it conceals lost packets. Replace
//! [`OPUS_IE`] and [`OPUS_BPL`] when a published figure is at hand.

use std::time::Duration;

/// Equipment impairment factor used for Opus (G.711 with PLC stands in; see the module
/// docs).
pub const OPUS_IE: f64 = 0.0;
/// Packet-loss robustness factor used for Opus (G.711 with PLC, random loss, stands in).
pub const OPUS_BPL: f64 = 25.1;
/// Algorithmic delay of Opus with 20 ms packets: the packet plus 6.5 ms of look-ahead and
/// resampling (RFC 6716 section 2, "26.5 ms" by default).
pub const OPUS_DELAY: Duration = Duration::from_micros(26_500);

/// The E-model's inputs (G.107 Table 3). [`EModel::default`] holds the Recommendation's
/// default values, for which it gives R = 93.2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EModel {
    /// Send loudness rating, dB.
    pub slr: f64,
    /// Receive loudness rating, dB.
    pub rlr: f64,
    /// Sidetone masking rating, dB.
    pub stmr: f64,
    /// Listener sidetone rating, dB.
    pub lstr: f64,
    /// D-value of the telephone, send side.
    pub ds: f64,
    /// D-value of the telephone, receive side.
    pub dr: f64,
    /// Talker echo loudness rating, dB.
    pub telr: f64,
    /// Weighted echo path loss, dB.
    pub wepl: f64,
    /// Mean one-way delay of the echo path, ms.
    pub t: f64,
    /// Round-trip delay in a 4-wire loop, ms.
    pub tr: f64,
    /// Absolute one-way delay, mouth to ear, ms.
    pub ta: f64,
    /// Quantizing distortion units.
    pub qdu: f64,
    /// Equipment impairment factor.
    pub ie: f64,
    /// Packet-loss robustness factor.
    pub bpl: f64,
    /// Random packet-loss probability, %.
    pub ppl: f64,
    /// Burst ratio (1: random loss).
    pub burst_r: f64,
    /// Circuit noise referred to the 0 dBr point, dBm0p.
    pub nc: f64,
    /// Noise floor at the receive side, dBmp.
    pub nfor: f64,
    /// Room noise at the send side, dB(A).
    pub ps: f64,
    /// Room noise at the receive side, dB(A).
    pub pr: f64,
    /// Advantage factor.
    pub a: f64,
}

impl Default for EModel {
    fn default() -> Self {
        Self {
            slr: 8.0,
            rlr: 2.0,
            stmr: 15.0,
            lstr: 18.0,
            ds: 3.0,
            dr: 3.0,
            telr: 65.0,
            wepl: 110.0,
            t: 0.0,
            tr: 0.0,
            ta: 0.0,
            qdu: 1.0,
            ie: 0.0,
            bpl: 1.0,
            ppl: 0.0,
            burst_r: 1.0,
            nc: -70.0,
            nfor: -64.0,
            ps: 35.0,
            pr: 35.0,
            a: 0.0,
        }
    }
}

// The formulas' powers and logarithms go through `exp` and `ln` alone: on wasm each f64
// function is its own soft-float routine in the page, and `powf` (2.2 KB before wasm-opt)
// with `log10` cost more than `ln`. `tests::exp_ln_forms_match_std` holds them to std's
// `powf`/`log10` within 1e-12 relative over the ranges used here.

/// 10^x.
fn pow10(x: f64) -> f64 {
    (x * std::f64::consts::LN_10).exp()
}

/// log10(x), x > 0.
fn log10(x: f64) -> f64 {
    x.ln() * std::f64::consts::LOG10_E
}

/// base^e for base > 0 (every base here is 1 plus a non-negative term).
fn pow(base: f64, e: f64) -> f64 {
    (e * base.ln()).exp()
}

fn db_sum(levels: &[f64]) -> f64 {
    10.0 * log10(levels.iter().map(|l| pow10(l / 10.0)).sum::<f64>())
}

impl EModel {
    /// The transmission rating R = Ro − Is − Id − Ie,eff + A.
    pub fn r_factor(&self) -> f64 {
        let no = self.noise();
        let ro = 15.0 - 1.5 * (self.slr + no);
        ro - self.simultaneous(ro, no) - self.delayed(ro, no) - self.ie_eff() + self.a
    }

    /// No: the total noise, dBm0p.
    fn noise(&self) -> f64 {
        let olr = self.slr + self.rlr;
        let nos =
            self.ps - self.slr - self.ds - 100.0 + 0.004 * (self.ps - olr - self.ds - 14.0).powi(2);
        let pre = self.pr + 10.0 * log10(1.0 + pow10((10.0 - self.lstr) / 10.0));
        let nor = self.rlr - 121.0 + pre + 0.008 * (pre - 35.0).powi(2);
        let nfo = self.nfor + self.rlr;
        db_sum(&[self.nc, nos, nor, nfo])
    }

    /// Is = Iolr + Ist + Iq: impairments simultaneous with the voice.
    fn simultaneous(&self, ro: f64, no: f64) -> f64 {
        let olr = self.slr + self.rlr;
        let xolr = olr + 0.2 * (64.0 + no - self.rlr);
        let iolr = 20.0 * (pow(1.0 + (xolr / 8.0).powi(8), 1.0 / 8.0) - xolr / 8.0);
        let q = 37.0 - 15.0 * log10(self.qdu);
        let g = 1.07 + 0.258 * q + 0.0602 * q * q;
        let y = (ro - 100.0) / 15.0 + 46.0 / 8.4 - g / 9.0;
        let z = 46.0 / 30.0 - g / 40.0;
        let iq = 15.0 * log10(1.0 + pow10(y) + pow10(z));
        iolr + self.ist() + iq
    }

    /// Ist: the sidetone impairment, from STMRo.
    fn ist(&self) -> f64 {
        let stmro = self.stmr_o();
        12.0 * pow(1.0 + ((stmro - 13.0) / 6.0).powi(8), 1.0 / 8.0)
            - 28.0 * pow(1.0 + ((stmro + 1.0) / 19.4).powi(35), 1.0 / 35.0)
            - 13.0 * pow(1.0 + ((stmro - 3.0) / 33.0).powi(13), 1.0 / 13.0)
            + 29.0
    }

    /// STMRo: sidetone and talker echo together.
    fn stmr_o(&self) -> f64 {
        -10.0 * log10(pow10(-self.stmr / 10.0) + (-self.t / 4.0).exp() * pow10(-self.telr / 10.0))
    }

    /// Id = Idte + Idle + Idd: impairments delayed after the voice (echo, pure delay).
    fn delayed(&self, ro: f64, no: f64) -> f64 {
        let roe = -1.5 * (no - self.rlr);
        let mut terv = self.telr - 40.0 * log10((1.0 + self.t / 10.0) / (1.0 + self.t / 150.0))
            + 6.0 * (-0.3 * self.t * self.t).exp();
        if self.stmr < 9.0 {
            // G.107 7.3: with little sidetone the echo is more audible.
            terv += self.ist() / 2.0;
        }
        let re = 80.0 + 2.5 * (terv - 14.0);
        let idte = ((roe - re) / 2.0 + ((roe - re).powi(2) / 4.0 + 100.0).sqrt() - 1.0)
            * (1.0 - (-self.t).exp());
        let rle = 10.5 * (self.wepl + 7.0) * pow(self.tr + 1.0, -0.25);
        let idle = (ro - rle) / 2.0 + ((ro - rle).powi(2) / 4.0 + 169.0).sqrt();
        let idd = if self.ta <= 100.0 {
            0.0
        } else {
            let x = (self.ta / 100.0).ln() / std::f64::consts::LN_2;
            25.0 * (pow(1.0 + x.powi(6), 1.0 / 6.0) - 3.0 * pow(1.0 + (x / 3.0).powi(6), 1.0 / 6.0)
                + 2.0)
        };
        idte + idle + idd
    }

    /// Ie,eff: the codec's impairment raised by packet loss.
    fn ie_eff(&self) -> f64 {
        self.ie + (95.0 - self.ie) * self.ppl / (self.ppl / self.burst_r + self.bpl)
    }
}

/// Mean opinion score (conversational, 1-4.5) for a rating R (G.107 Annex B).
pub fn mos_from_r(r: f64) -> f64 {
    if r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6
    }
}

/// What the browser measured on one leg over the last interval (`getStats()` deltas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegStats {
    /// Packets lost in the interval (`inbound-rtp` packetsLost, difference).
    pub lost: u32,
    /// Packets received in the interval (`inbound-rtp` packetsReceived, difference).
    pub received: u32,
    /// Interarrival jitter (`inbound-rtp` jitter).
    pub jitter: Duration,
    /// Round-trip time (`remote-inbound-rtp` roundTripTime, else the candidate pair's
    /// currentRoundTripTime); None when the browser has no figure yet.
    pub rtt: Option<Duration>,
}

impl LegStats {
    /// Lost share of the interval's packets, in percent (0 with no packets at all).
    pub fn loss_percent(&self) -> f64 {
        let total = f64::from(self.lost) + f64::from(self.received);
        if total == 0.0 {
            0.0
        } else {
            100.0 * f64::from(self.lost) / total
        }
    }

    /// Mouth-to-ear delay this leg adds: half the round trip, a jitter buffer of twice the
    /// jitter (what a receiver typically holds to play on time) and Opus's own delay.
    pub fn one_way_delay(&self) -> Duration {
        self.rtt.unwrap_or_default() / 2 + self.jitter * 2 + OPUS_DELAY
    }

    /// The E-model for this leg: the Recommendation's defaults, Opus's stand-in impairment
    /// figures, the measured random loss and the estimated delays.
    pub fn e_model(&self) -> EModel {
        let ta = self.one_way_delay().as_secs_f64() * 1000.0;
        EModel {
            ie: OPUS_IE,
            bpl: OPUS_BPL,
            ppl: self.loss_percent(),
            t: ta,
            ta,
            tr: 2.0 * ta,
            ..EModel::default()
        }
    }
}

/// Good, fair or poor, as the indicator shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QualityLevel {
    /// R ≥ 80 (MOS ≥ 4.0): "satisfied" in G.109 terms.
    Good,
    /// 60 ≤ R < 80: some users dissatisfied.
    Fair,
    /// R < 60 (MOS < 3.1): many users dissatisfied.
    Poor,
}

/// R below this is fair rather than good.
const GOOD_R: f64 = 80.0;
/// R below this is poor.
const FAIR_R: f64 = 60.0;
/// A level improves only once R clears its threshold by this much, so a leg sitting on a
/// threshold does not flap between two levels every report.
const HYSTERESIS_R: f64 = 5.0;

impl QualityLevel {
    /// The level for R with no history.
    pub fn of(r: f64) -> Self {
        if r >= GOOD_R {
            Self::Good
        } else if r >= FAIR_R {
            Self::Fair
        } else {
            Self::Poor
        }
    }

    /// The level after `self` for a new R: it gets worse as soon as R crosses a threshold
    /// and better only when R clears it by [`HYSTERESIS_R`].
    pub fn next(self, r: f64) -> Self {
        let plain = Self::of(r);
        let raised = Self::of(r - HYSTERESIS_R);
        if plain.rank() > self.rank() {
            plain
        } else {
            // Better only as far as the raised thresholds allow, never worse than plain.
            if raised.rank() < self.rank() {
                raised
            } else {
                self
            }
        }
    }

    /// 0 good, 1 fair, 2 poor.
    const fn rank(self) -> u8 {
        match self {
            Self::Good => 0,
            Self::Fair => 1,
            Self::Poor => 2,
        }
    }
}

/// One leg's quality as the UI shows it: the level and the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallQuality {
    /// Good, fair or poor (with hysteresis).
    pub level: QualityLevel,
    /// Estimated MOS, in hundredths (441 is 4.41).
    pub mos_centi: u16,
    /// Packet loss over the last interval, in hundredths of a percent (125 is 1.25 %).
    pub loss_centi_percent: u16,
    /// Jitter, in milliseconds.
    pub jitter_ms: u32,
    /// Round-trip time, in milliseconds, when known.
    pub rtt_ms: Option<u32>,
}

impl CallQuality {
    /// The quality after `prev` (None: the leg's first report) given a new report.
    pub fn rate(prev: Option<QualityLevel>, stats: &LegStats) -> Self {
        let r = stats.e_model().r_factor();
        let level = prev.map_or_else(|| QualityLevel::of(r), |p| p.next(r));
        let ms = |d: Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
        Self {
            level,
            // MOS is within 1..=4.5 and loss within 0..=100: both fit.
            mos_centi: (mos_from_r(r) * 100.0).round() as u16,
            loss_centi_percent: (stats.loss_percent() * 100.0).round() as u16,
            jitter_ms: ms(stats.jitter),
            rtt_ms: stats.rtt.map(ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn default_values_give_the_recommendations_r_and_mos() {
        // G.107: "the default values ... result in a very high quality with R = 93.2".
        let m = EModel::default();
        let no = m.noise();
        let ro = 15.0 - 1.5 * (m.slr + no);
        assert!(close(no, -61.18, 0.01), "No = {no}");
        assert!(close(ro, 94.77, 0.01), "Ro = {ro}");
        assert!(close(m.simultaneous(ro, no), 1.41, 0.01));
        assert!(close(m.delayed(ro, no), 0.15, 0.01));
        let r = m.r_factor();
        assert!(close(r, 93.2, 0.05), "R = {r}");
        assert!(close(mos_from_r(r), 4.41, 0.005), "MOS = {}", mos_from_r(r));
    }

    #[test]
    fn mos_formula_known_points() {
        // G.107 Annex B / G.109: the user-satisfaction band edges, as the Recommendations
        // print them to two decimals (the formula gives 4.024 at R = 80, printed 4.03).
        for (r, mos) in [
            (100.0, 4.5),
            (90.0, 4.34),
            (80.0, 4.03),
            (70.0, 3.60),
            (60.0, 3.10),
            (50.0, 2.58),
            (0.0, 1.0),
        ] {
            assert!(
                close(mos_from_r(r), mos, 0.0101),
                "R {r}: {}",
                mos_from_r(r)
            );
        }
        assert_eq!(mos_from_r(-5.0), 1.0);
        assert_eq!(mos_from_r(120.0), 4.5);
    }

    #[test]
    fn loss_raises_ie_eff_as_the_formula_says() {
        // Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl): 2 % random loss with Bpl 25.1.
        let m = EModel {
            bpl: OPUS_BPL,
            ppl: 2.0,
            ..EModel::default()
        };
        assert!(close(m.ie_eff(), 95.0 * 2.0 / 27.1, 1e-9));
        assert!(close(
            EModel::default().r_factor() - m.r_factor(),
            95.0 * 2.0 / 27.1,
            1e-9
        ));
    }

    #[test]
    fn long_delay_costs_idd() {
        // Idd is zero up to 100 ms and grows after it: at Ta = 400 ms (X = 2)
        // 25·((1+64)^(1/6) − 3·(1+(2/3)^6)^(1/6) + 2).
        let short = EModel {
            ta: 100.0,
            ..EModel::default()
        };
        let long = EModel {
            ta: 400.0,
            ..EModel::default()
        };
        let x: f64 = 2.0;
        let idd = 25.0
            * ((1.0 + x.powi(6)).powf(1.0 / 6.0) - 3.0 * (1.0 + (x / 3.0).powi(6)).powf(1.0 / 6.0)
                + 2.0);
        assert!(close(short.r_factor(), EModel::default().r_factor(), 1e-9));
        assert!(close(short.r_factor() - long.r_factor(), idd, 1e-9));
        assert!(idd > 15.0, "{idd}");
    }

    #[test]
    fn a_clean_leg_is_good_and_a_lossy_one_poor() {
        let clean = LegStats {
            lost: 0,
            received: 100,
            jitter: Duration::from_millis(2),
            rtt: Some(Duration::from_millis(20)),
        };
        let q = CallQuality::rate(None, &clean);
        assert_eq!(q.level, QualityLevel::Good);
        assert!(q.mos_centi > 430, "{q:?}");
        let lossy = LegStats {
            lost: 15,
            received: 85,
            ..clean
        };
        let q = CallQuality::rate(Some(QualityLevel::Good), &lossy);
        assert_eq!(q.level, QualityLevel::Poor);
        assert_eq!(q.loss_centi_percent, 1500);
        assert_eq!(q.rtt_ms, Some(20));
    }

    #[test]
    fn levels_worsen_at_once_and_recover_past_the_margin() {
        use QualityLevel::*;
        assert_eq!(Good.next(79.0), Fair);
        assert_eq!(Good.next(59.0), Poor);
        assert_eq!(Fair.next(59.9), Poor);
        // On the threshold: no flapping back.
        assert_eq!(Fair.next(81.0), Fair);
        assert_eq!(Poor.next(61.0), Poor);
        assert_eq!(Poor.next(64.9), Poor);
        // Past the margin.
        assert_eq!(Poor.next(65.0), Fair);
        assert_eq!(Poor.next(90.0), Good);
        assert_eq!(Fair.next(85.0), Good);
        assert_eq!(Good.next(80.0), Good);
    }

    #[test]
    fn exp_ln_forms_match_std() {
        // The ranges the E-model feeds them: dB levels over 10, the powers' bases (1 plus
        // a term up to 1e12) and exponents, the logarithms' arguments.
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        for i in 0..=400 {
            let x = -20.0 + f64::from(i) * 0.1;
            assert!(rel(pow10(x), 10f64.powf(x)) < 1e-12, "10^{x}");
        }
        for i in 0..=240 {
            let base = 1.0 + 10f64.powf(f64::from(i) / 20.0 - 3.0);
            for e in [1.0 / 6.0, 1.0 / 8.0, 1.0 / 13.0, 1.0 / 35.0, -0.25] {
                assert!(rel(pow(base, e), base.powf(e)) < 1e-12, "{base}^{e}");
            }
            assert!(rel(log10(base), base.log10()) < 1e-12, "log10 {base}");
        }
        // And the whole rating, against the same formulas written with std's powf/log10
        // (the defaults give R = 93.2, checked above): equal to 1e-9 over loss and delay.
        let reference = |m: &EModel| {
            let m = *m;
            let db = |l: f64| 10f64.powf(l / 10.0);
            let olr = m.slr + m.rlr;
            let nos = m.ps - m.slr - m.ds - 100.0 + 0.004 * (m.ps - olr - m.ds - 14.0).powi(2);
            let pre = m.pr + 10.0 * (1.0 + 10f64.powf((10.0 - m.lstr) / 10.0)).log10();
            let nor = m.rlr - 121.0 + pre + 0.008 * (pre - 35.0).powi(2);
            let no = 10.0 * (db(m.nc) + db(nos) + db(nor) + db(m.nfor + m.rlr)).log10();
            let ro = 15.0 - 1.5 * (m.slr + no);
            let xolr = olr + 0.2 * (64.0 + no - m.rlr);
            let iolr = 20.0 * ((1.0 + (xolr / 8.0).powi(8)).powf(1.0 / 8.0) - xolr / 8.0);
            let stmro = -10.0
                * (10f64.powf(-m.stmr / 10.0) + (-m.t / 4.0).exp() * 10f64.powf(-m.telr / 10.0))
                    .log10();
            let ist = 12.0 * (1.0 + ((stmro - 13.0) / 6.0).powi(8)).powf(1.0 / 8.0)
                - 28.0 * (1.0 + ((stmro + 1.0) / 19.4).powi(35)).powf(1.0 / 35.0)
                - 13.0 * (1.0 + ((stmro - 3.0) / 33.0).powi(13)).powf(1.0 / 13.0)
                + 29.0;
            let q = 37.0 - 15.0 * m.qdu.log10();
            let g = 1.07 + 0.258 * q + 0.0602 * q * q;
            let y = (ro - 100.0) / 15.0 + 46.0 / 8.4 - g / 9.0;
            let z = 46.0 / 30.0 - g / 40.0;
            let iq = 15.0 * (1.0 + 10f64.powf(y) + 10f64.powf(z)).log10();
            let roe = -1.5 * (no - m.rlr);
            let terv = m.telr - 40.0 * ((1.0 + m.t / 10.0) / (1.0 + m.t / 150.0)).log10()
                + 6.0 * (-0.3 * m.t * m.t).exp();
            let re = 80.0 + 2.5 * (terv - 14.0);
            let idte = ((roe - re) / 2.0 + ((roe - re).powi(2) / 4.0 + 100.0).sqrt() - 1.0)
                * (1.0 - (-m.t).exp());
            let rle = 10.5 * (m.wepl + 7.0) * (m.tr + 1.0).powf(-0.25);
            let idle = (ro - rle) / 2.0 + ((ro - rle).powi(2) / 4.0 + 169.0).sqrt();
            let idd = if m.ta <= 100.0 {
                0.0
            } else {
                let x = (m.ta / 100.0).log2();
                25.0 * ((1.0 + x.powi(6)).powf(1.0 / 6.0)
                    - 3.0 * (1.0 + (x / 3.0).powi(6)).powf(1.0 / 6.0)
                    + 2.0)
            };
            ro - (iolr + ist + iq) - (idte + idle + idd) - m.ie_eff() + m.a
        };
        for lost in [0, 1, 3, 10, 40] {
            for ms in [0, 5, 40, 150, 400, 900] {
                let stats = LegStats {
                    lost,
                    received: 100 - lost,
                    jitter: Duration::from_millis(ms / 4),
                    rtt: Some(Duration::from_millis(ms)),
                };
                let m = stats.e_model();
                let (r, want) = (m.r_factor(), reference(&m));
                assert!(
                    (r - want).abs() < 1e-9,
                    "{lost} lost, {ms} ms: {r} vs {want}"
                );
            }
        }
    }

    #[test]
    fn no_packets_is_no_loss() {
        let s = LegStats {
            lost: 0,
            received: 0,
            jitter: Duration::ZERO,
            rtt: None,
        };
        assert_eq!(s.loss_percent(), 0.0);
        assert_eq!(s.one_way_delay(), OPUS_DELAY);
    }
}
