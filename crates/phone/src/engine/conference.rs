//! The conference this agent hosts (the agent's browser is the focus, RFC 4579 terms):
//! merge (C4, C5), single-step joins (C7-C10), the host's privileges (C14, C15), leaving
//! (C17, C18) and falling back to two parties (E1). The transfers that make leaving and C12
//! work are in `transfer.rs`.

use sip::{percent_encode_header, NameAddr};
use web_time::Instant;

use super::line::Origin;
use super::{Adding, Leaving, Phone};
use crate::view::LineId;
use crate::words::Notice;

impl Phone {
    /// Remote parties in the conference (ringing single-step legs included).
    pub(super) fn members(&self) -> Vec<LineId> {
        self.lines
            .values()
            .filter(|l| l.live() && l.in_conference)
            .map(|l| l.id)
            .collect()
    }

    /// Held calls that Merge would join: plain held lines, and a held conference as one.
    fn held_groups(&self) -> (Vec<LineId>, usize) {
        let held: Vec<LineId> = self
            .lines
            .values()
            .filter(|l| l.connected() && l.on_hold())
            .map(|l| l.id)
            .collect();
        let plain = held
            .iter()
            .filter(|id| !self.lines[id].in_conference)
            .count();
        let conf = usize::from(held.iter().any(|id| self.lines[id].in_conference));
        (held, plain + conf)
    }

    /// The consultation call Merge joins: the connected line the agent talks to, alone.
    fn consultation(&self) -> Option<LineId> {
        self.talking().filter(|id| !self.lines[id].in_conference)
    }

    pub(super) fn can_merge(&self) -> bool {
        self.consultation().is_some() && self.held_groups().1 >= 1 && self.adding.is_none()
    }

    /// C12: a participant whose only held call is with a conference focus asks the focus to
    /// take the consulted party over (REFER with Replaces, RFC 4579 §5.5) instead of
    /// mixing locally, so the host stays the one focus (C13).
    fn focus_to_ask(&self) -> Option<LineId> {
        if self.is_host() {
            return None;
        }
        let (held, groups) = self.held_groups();
        let focus = *held.first()?;
        let call = self.lines[&focus].call?;
        (groups == 1 && held.len() == 1 && self.ua.peer_is_focus(call)).then_some(focus)
    }

    fn ask_focus_to_add(&mut self, focus: LineId, consult: LineId, now: Instant) {
        let target = self.lines[&consult]
            .call
            .and_then(|c| Some((self.ua.remote_target(c)?, self.ua.replaces_value(c)?)));
        let (Some((mut uri, replaces)), Some(call)) = (target, self.lines[&focus].call) else {
            return;
        };
        uri.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
        let name = self.lines[&consult].peer.clone();
        let target = NameAddr::new(uri).with_display_name(&name);
        if self.ua.refer(call, &target, now).is_ok() {
            self.adding = Some(Adding { focus, consult });
        } else {
            self.notice = Some(Notice::HostUnreachable);
        }
    }

    pub(super) fn merge(&mut self, now: Instant) {
        if let (Some(focus), Some(consult)) = (self.focus_to_ask(), self.consultation()) {
            if self.adding.is_none() {
                self.ask_focus_to_add(focus, consult, now);
            }
            return;
        }
        if !self.can_merge() {
            self.notice = Some(Notice::MergeNotPossible);
            return;
        }
        if self.held_groups().1 >= 2 {
            // C5: ask before conferencing several held calls.
            self.merge_confirm = true;
            return;
        }
        self.do_merge(now);
    }

    /// The held parties the C5 question lists.
    pub(super) fn merge_candidates(&self) -> Vec<String> {
        self.held_groups()
            .0
            .iter()
            .map(|id| self.lines[id].peer.clone())
            .collect()
    }

    pub(super) fn do_merge(&mut self, now: Instant) {
        let Some(consult) = self.consultation() else {
            return;
        };
        let (held, _) = self.held_groups();
        if held.is_empty() {
            return;
        }
        let conf = self.host_conference();
        conf.held = false;
        for id in held.iter().chain([&consult]) {
            if let Some(l) = self.lines.get_mut(id) {
                l.in_conference = true;
            }
        }
        for id in held {
            self.renegotiate(id, false, now);
        }
    }

    /// End call: in a conference the host chooses between ending it for everyone and
    /// leaving (only one of them may be possible: the question says which); a participant
    /// leaves (C16); otherwise the line the agent is on ends.
    pub(super) fn hang_up(&mut self, now: Instant) {
        let focus = self.focus();
        let in_conference = focus.is_some_and(|id| self.lines[&id].in_conference);
        if self.is_host() && in_conference && !self.members().is_empty() {
            self.hang_up_question = true;
        } else if let Some(id) = focus {
            self.hang_up_line(id, now);
        }
    }

    pub(super) fn is_host(&self) -> bool {
        self.conference.is_some()
    }

    pub(super) fn disconnect(&mut self, id: LineId, now: Instant) {
        let member = self
            .lines
            .get(&id)
            .is_some_and(|l| l.live() && l.in_conference);
        if !(self.is_host() && member) {
            self.notice = Some(Notice::OnlyHostDisconnects);
            return;
        }
        self.hang_up_line(id, now);
    }

    pub(super) fn end_conference(&mut self, now: Instant) {
        if !self.is_host() {
            self.notice = Some(Notice::OnlyHostEnds);
            return;
        }
        for id in self.members() {
            self.hang_up_line(id, now);
        }
        self.conference = None;
    }

    /// Participants counting the agent.
    pub(super) fn participants(&self) -> usize {
        1 + self.members().len()
    }

    /// The line to our focus, when we take part in someone else's conference.
    pub(super) fn focus_line(&self) -> Option<LineId> {
        self.lines
            .values()
            .find(|l| l.live() && l.roster.is_some())
            .map(|l| l.id)
    }

    pub(super) fn leave(&mut self, now: Instant) {
        if !self.is_host() {
            // C16: a participant leaves by ending its call with the focus.
            if let Some(focus) = self.focus_line() {
                self.hang_up_line(focus, now);
            }
            return;
        }
        if self.participants() != 3 {
            self.notice = Some(Notice::LeaveNeedsThree {
                count: self.participants(),
            });
            return;
        }
        let members = self.members();
        let connected: Vec<LineId> = members
            .iter()
            .copied()
            .filter(|id| self.lines[id].connected())
            .collect();
        let ringing: Vec<LineId> = members
            .iter()
            .copied()
            .filter(|id| self.lines[id].outgoing_attempt())
            .collect();
        match (connected.as_slice(), ringing.as_slice()) {
            // C17: attended transfer of one to the other (RFC 5589 §7.2).
            ([via, other], []) => {
                let (via, other) = (*via, *other);
                let target = self.lines[&other]
                    .call
                    .and_then(|c| Some((self.ua.remote_target(c)?, self.ua.replaces_value(c)?)));
                let Some((mut uri, replaces)) = target else {
                    return;
                };
                uri.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
                let name = self.lines[&other].peer.clone();
                let target = NameAddr::new(uri).with_display_name(&name);
                self.start_leaving(via, Some(other), &target, now);
            }
            // C18: the third party still rings. Our attempt is cancelled and the party on
            // the call is asked to call the same number itself (blind transfer), so the
            // target rings once and the two others end up talking without us.
            ([via], [dialing]) => {
                let (via, dialing) = (*via, *dialing);
                let Origin::Outgoing { target: uri, .. } = self.lines[&dialing].origin.clone()
                else {
                    return;
                };
                let name = self.lines[&dialing].peer.clone();
                self.hang_up_line(dialing, now);
                let target = NameAddr::new(uri).with_display_name(&name);
                self.start_leaving(via, None, &target, now);
            }
            _ => {
                self.notice = Some(Notice::LeaveNeedsConnected);
            }
        }
    }

    fn start_leaving(
        &mut self,
        via: LineId,
        other: Option<LineId>,
        target: &NameAddr,
        now: Instant,
    ) {
        let Some(call) = self.lines[&via].call else {
            return;
        };
        if self.ua.refer(call, target, now).is_ok() {
            let until = Some(now + self.cfg.transfer_wait);
            let conf = self.host_conference();
            // The agent is out of the mix at once; the others keep hearing each other
            // through us until the transfer completes.
            conf.bridging = true;
            conf.leaving = Some(Leaving { via, other, until });
        } else {
            self.notice = Some(Notice::TransferNotStarted);
        }
    }

    /// C17: the far end accepted the REFER but never completed the transfer in time. The host
    /// says it keeps bridging the two (End conference ends the bridge), and a bridge with one
    /// party left ends.
    pub(super) fn leave_timed_out(&mut self, now: Instant) {
        let overdue = self
            .conference
            .as_mut()
            .and_then(|c| c.leaving.take_if(|l| l.until.is_some_and(|t| t <= now)));
        if overdue.is_some() {
            self.notice = Some(Notice::Bridging { status: None });
            self.conference_lost_member(now);
            self.changed();
        }
    }

    /// E1: a conference that drops to one remote party is a plain call again.
    pub(super) fn conference_lost_member(&mut self, now: Instant) {
        let members = self.members();
        let bridging = self.conference.as_ref().is_some_and(|c| c.bridging);
        let leaving = self
            .conference
            .as_ref()
            .is_some_and(|c| c.leaving.is_some());
        if leaving {
            return;
        }
        if bridging && members.len() < 2 {
            // Bridging for nobody: the last one is hung up too.
            for id in members {
                self.hang_up_line(id, now);
            }
            self.conference = None;
            return;
        }
        if members.len() <= 1 {
            // A held conference's last party stays held, as the plain call it now is.
            self.conference = None;
            for id in members {
                self.unsubscribe_member(id, now);
                if let Some(l) = self.lines.get_mut(&id) {
                    l.in_conference = false;
                    l.told_focus = false;
                }
            }
        }
    }

    /// Whether the agent has been taken out of the mix (leaving, or bridging after C17).
    pub(super) fn agent_out(&self) -> bool {
        self.conference.as_ref().is_some_and(|c| c.bridging)
    }
}
