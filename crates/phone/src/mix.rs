//! The who-hears-whom matrix the engine owns and the audio worklet applies.

/// A tone the mixer plays into an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The far end is ringing (played locally, and to the other party during a single-step
    /// conference, C8).
    Ringback,
    /// The far end is busy (E5).
    Busy,
    /// The attempt failed otherwise (E5).
    Reorder,
    /// A call comes in and the agent talks to nobody: ring.
    Ring,
    /// A call comes in while the agent is on another one: the discreet call-waiting beep.
    CallWaiting,
}

/// Whose call-progress tones the agent hears (ITU-T E.180 plans, as the DSP knows them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ToneRegion {
    /// United States and Canada.
    #[default]
    NorthAmerica,
    /// United Kingdom.
    Uk,
    /// Continental Europe (CEPT).
    Europe,
}

/// `gains[from][to]`: how loud input port `from` is in output port `to`. Port 0 is the
/// agent (microphone in, speaker out); port `k` is the remote leg of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct MixMatrix {
    /// Row per input port, column per output port.
    pub gains: Vec<Vec<f32>>,
    /// The tone played into each output port, if any.
    pub tones: Vec<Option<Tone>>,
    /// What the agent's ringer plays: the incoming ring goes there, which may be another
    /// device than the speaker (a loudspeaker while calls stay in the headset).
    pub ringer: Option<Tone>,
    /// The tone plan of every tone above.
    pub region: ToneRegion,
}

impl MixMatrix {
    /// A silent matrix for `ports` ports: nobody hears anybody.
    pub fn silent(ports: usize) -> Self {
        Self {
            gains: vec![vec![0.0; ports]; ports],
            tones: vec![None; ports],
            ringer: None,
            region: ToneRegion::default(),
        }
    }

    /// The matrix for the agent talking with the given connected legs, each hearing the
    /// agent and the others but never itself (N-1).
    pub fn conversation(ports: usize, legs: &[usize]) -> Self {
        let mut parties = vec![0];
        parties.extend(legs.iter().copied());
        Self::group(ports, &parties)
    }

    /// Every port of `parties` hears every other one, never itself (N-1).
    pub fn group(ports: usize, parties: &[usize]) -> Self {
        let mut m = Self::silent(ports);
        let parties: Vec<usize> = parties.iter().copied().filter(|&p| p < ports).collect();
        for &from in &parties {
            for &to in &parties {
                if from != to {
                    m.gains[from][to] = 1.0;
                }
            }
        }
        m
    }

    /// The tone output `to` hears.
    pub fn tone(&self, to: usize) -> Option<Tone> {
        self.tones.get(to).copied().flatten()
    }

    /// Whether output `to` hears input `from`.
    pub fn hears(&self, to: usize, from: usize) -> bool {
        self.gains
            .get(from)
            .and_then(|row| row.get(to))
            .is_some_and(|g| *g > 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_hears_themselves() {
        let m = MixMatrix::conversation(4, &[1, 3]);
        for p in 0..4 {
            assert!(!m.hears(p, p));
        }
        assert!(m.hears(0, 1) && m.hears(1, 0) && m.hears(3, 1) && m.hears(1, 3));
        assert!(!m.hears(2, 0) && !m.hears(0, 2));
    }
}
