//! The view: every line, the conference, and every control with the rule that disables it.

use super::Phone;
use crate::view::{
    ConferenceView, Control, Controls, HangUpQuestion, LineState, LineView, MergeConfirm,
    PhoneView, RegStatus,
};
use crate::words::Reason;

impl Phone {
    /// What the UI shows.
    pub fn view(&self) -> PhoneView {
        let host = self.is_host();
        let registered = self.registration == RegStatus::Registered;
        let lines: Vec<LineView> = self
            .lines
            .values()
            .map(|l| {
                let live = l.live();
                LineView {
                    id: l.id,
                    peer: l.peer.clone(),
                    number: self.dial_string(&l.remote_uri),
                    dtmf_received: l.dtmf_received.clone(),
                    transfer: Control::when(
                        l.connected()
                            && !l.in_conference
                            && l.roster.is_none()
                            && self.transfer.is_none(),
                        Reason::NotTransferable,
                    ),
                    direction: l.origin.direction(),
                    state: l.state.clone(),
                    held: l.on_hold() && live,
                    remote_held: l.remote_held && live,
                    reconnecting: l.connected() && !registered,
                    in_conference: l.in_conference,
                    internal: self.is_internal(&l.remote_uri),
                    port: l.port,
                    connected_at: l.connected_at,
                    media: l.media,
                    quality: l.quality.filter(|_| live),
                    can_answer: live && l.state == LineState::Incoming,
                    can_hang_up: live,
                    hold: Control::when(l.connected() && !l.on_hold(), Reason::NotHoldable),
                    retrieve: Control::when(l.connected() && l.on_hold(), Reason::NotOnHold),
                    disconnect: if l.roster.is_some() {
                        Control::off(Reason::OnlyHostDisconnects)
                    } else if !l.in_conference {
                        Control::off(Reason::NotParticipant)
                    } else {
                        Control::when(host, Reason::OnlyHostDisconnects)
                    },
                }
            })
            .collect();
        let free = self.free_port().is_some();
        let dial = if !registered {
            Control::off(Reason::NotRegistered)
        } else {
            Control::when(free, Reason::LinesBusy)
        };
        let participants = self.participants();
        let controls = Controls {
            dial,
            // C7 joins the call in progress; with only held calls it places a plain call
            // and leaves them alone (C9), so it is offered whenever Start call is.
            single_step: dial,
            merge: Control::when(self.can_merge(), Reason::MergeNeedsConsultation),
            end_conference: Control::when(host, Reason::OnlyHostEnds),
            leave: if !host {
                Control::when(self.focus_line().is_some(), Reason::NotInConference)
            } else {
                Control::when(
                    participants == 3,
                    Reason::LeaveNeedsThree {
                        count: participants,
                    },
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
            hang_up_question: self.hang_up_question.then_some(HangUpQuestion {
                leave: controls.leave,
            }),
            merge_confirm: self.merge_confirm.then(|| MergeConfirm {
                held: self.merge_candidates(),
            }),
            controls,
            muted: self.muted,
            lines,
            notice: self.notice.clone(),
        }
    }

    /// What the agent dials to reach `uri` again: the user alone on our own domain.
    fn dial_string(&self, uri: &str) -> String {
        match uri.parse::<sip::Uri>() {
            Ok(u) if u.host.eq_ignore_ascii_case(&self.cfg.ua.aor.host) => {
                u.user.unwrap_or_default()
            }
            Ok(u) => match u.user {
                Some(user) => format!("{user}@{}", u.host),
                None => u.host,
            },
            Err(_) => uri.to_owned(),
        }
    }
}
