//! The who-hears-whom matrix the engine owns and the audio worklet applies.

/// `gains[from][to]`: how loud input port `from` is in output port `to`. Port 0 is the
/// agent (microphone in, speaker out); port `k` is the remote leg of line `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct MixMatrix {
    /// Row per input port, column per output port.
    pub gains: Vec<Vec<f32>>,
}

impl MixMatrix {
    /// A silent matrix for `ports` ports: nobody hears anybody.
    pub fn silent(ports: usize) -> Self {
        Self {
            gains: vec![vec![0.0; ports]; ports],
        }
    }

    /// The matrix for the agent talking with the given connected legs, each hearing the
    /// agent and the others but never itself (N-1).
    pub fn conversation(ports: usize, legs: &[usize]) -> Self {
        let mut m = Self::silent(ports);
        let mut parties = vec![0];
        parties.extend(legs.iter().copied().filter(|&l| l > 0 && l < ports));
        for &from in &parties {
            for &to in &parties {
                if from != to {
                    m.gains[from][to] = 1.0;
                }
            }
        }
        m
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
