//! The view: every line, the conference, and every control with the rule that disables it.

use super::Phone;
use crate::view::{
    ConferenceView, Control, Controls, LineState, LineView, MergeConfirm, PhoneView, RegStatus,
};

impl Phone {
    /// What the UI shows.
    pub fn view(&self) -> PhoneView {
        let host = self.is_host();
        let lines: Vec<LineView> = self
            .lines
            .values()
            .map(|l| {
                let live = l.live();
                LineView {
                    id: l.id,
                    peer: l.peer.clone(),
                    direction: l.direction,
                    state: l.state.clone(),
                    held: l.on_hold() && live,
                    remote_held: l.remote_held && live,
                    in_conference: l.in_conference,
                    internal: self.is_internal(&l.remote_uri),
                    port: l.port,
                    connected_at: l.connected_at,
                    can_answer: live && l.state == LineState::Incoming,
                    can_hang_up: live,
                    hold: Control::when(
                        l.connected() && !l.on_hold(),
                        "E4",
                        "Only a connected call that is not on hold can be held",
                    ),
                    retrieve: Control::when(
                        l.connected() && l.on_hold(),
                        "E4",
                        "The call is not on hold",
                    ),
                    disconnect: if l.roster.is_some() {
                        Control::off("C14", "Only the host can disconnect a participant")
                    } else if !l.in_conference {
                        Control::off("C14", "Not a conference participant")
                    } else {
                        Control::when(host, "C14", "Only the host can disconnect a participant")
                    },
                }
            })
            .collect();
        let registered = self.registration == RegStatus::Registered;
        let free = self.free_port().is_some();
        let dial = if !registered {
            Control::off("REG", "Not registered")
        } else {
            Control::when(free, "E4", "Every line is busy")
        };
        let participants = self.participants();
        let controls = Controls {
            dial,
            single_step: dial,
            merge: Control::when(
                self.can_merge(),
                "C4",
                "Merge needs a connected consultation call and a call on hold",
            ),
            end_conference: Control::when(host, "C15", "Only the host of a conference can end it"),
            leave: if !host {
                Control::when(self.focus_line().is_some(), "C16", "Not in a conference")
            } else {
                Control::when(
                    participants == 3,
                    "C17",
                    "The host can leave only while the conference has exactly three participants",
                )
            },
        };
        let focus = self.focus();
        PhoneView {
            registration: self.registration.clone(),
            line: lines.iter().find(|l| Some(l.id) == focus).cloned(),
            conference: self.roster_view().map(|(host, roster)| {
                let c = self.conference.as_ref();
                ConferenceView {
                    host,
                    participants: if host { participants } else { roster.len() + 1 },
                    bridging: c.is_some_and(|c| c.bridging),
                    held: c.is_some_and(|c| c.held),
                    roster,
                }
            }),
            merge_confirm: self.merge_confirm.then(|| MergeConfirm {
                held: self.merge_candidates(),
            }),
            can_dial: dial.enabled && !self.lines.values().any(|l| l.live() && !l.on_hold()),
            controls,
            muted: self.muted,
            lines,
            notice: self.notice.clone(),
        }
    }
}
