//! Who hears whom, derived from the lines after every step (never stored apart from them).

use super::Phone;
use crate::mix::{MixMatrix, Tone};
use crate::view::{LineState, Outcome};

impl Phone {
    /// The matrix for the current state:
    /// - the agent (port 0) and the parties it talks to hear each other, each never itself;
    ///   in a conference that is every connected participant (N-1 mixing);
    /// - held lines hear nothing and are heard by nobody;
    /// - after the host left (C17 fallback) the agent is out and the others still hear each
    ///   other;
    /// - ringback goes to the agent while a call rings out, and during a single-step
    ///   conference to the parties already on the call too (C8); an incoming call rings, or
    ///   beeps (call waiting) over a conversation; busy or reorder tells the agent an attempt
    ///   failed (E5) when nothing else is being said to it.
    pub(super) fn compute_mix(&self) -> MixMatrix {
        let ports = self.cfg.ports;
        let agent_in = !self.agent_out();
        let talking: Vec<usize> = self
            .lines
            .values()
            .filter(|l| l.connected() && !l.on_hold())
            .map(|l| l.port)
            .collect();
        let mut parties = talking.clone();
        if agent_in {
            parties.push(0);
        }
        let mut mix = MixMatrix::group(ports, &parties);
        mix.region = self.cfg.tone_region;
        if self.muted {
            mix.gains[0].iter_mut().for_each(|g| *g = 0.0);
        }
        let ringing_out: Vec<_> = self
            .lines
            .values()
            .filter(|l| l.outgoing_attempt())
            .collect();
        let mut ringback = false;
        let mut conference_ringback = false;
        for l in &ringing_out {
            if l.early_media {
                // The far end's own ringback or announcement: the agent hears it, and in a
                // single-step conference the parties already on the call too (C8).
                if agent_in && (talking.is_empty() || l.single_step) {
                    mix.gains[l.port][0] = 1.0;
                }
                if l.single_step {
                    for &p in &talking {
                        mix.gains[l.port][p] = 1.0;
                    }
                }
            } else if l.state == LineState::Ringing {
                ringback = true;
                conference_ringback |= l.single_step;
            }
        }
        let talking_to_agent = agent_in && !talking.is_empty();
        if ringback && agent_in && (!talking_to_agent || conference_ringback) {
            mix.tones[0] = Some(Tone::Ringback);
        }
        if conference_ringback {
            for &p in &talking {
                mix.tones[p] = Some(Tone::Ringback);
            }
        }
        let incoming = self
            .lines
            .values()
            .any(|l| l.live() && l.state == LineState::Incoming);
        if mix.tones[0].is_none() && agent_in && incoming {
            if talking_to_agent {
                mix.tones[0] = Some(Tone::CallWaiting);
            } else {
                mix.ringer = Some(Tone::Ring);
            }
        }
        if mix.tones[0].is_none() && mix.ringer.is_none() && agent_in && !talking_to_agent {
            let failed = self.lines.values().rev().find_map(|l| match &l.state {
                LineState::Ended(Outcome::Busy) => Some(Tone::Busy),
                LineState::Ended(Outcome::NotFound | Outcome::Failed(_) | Outcome::NoAnswer) => {
                    Some(Tone::Reorder)
                }
                _ => None,
            });
            mix.tones[0] = failed;
        }
        mix
    }

    pub(super) fn update_mix(&mut self) {
        let mix = self.compute_mix();
        if mix != self.mix {
            self.mix = mix.clone();
            self.media(super::MediaAction::Mix(mix));
        }
    }
}
