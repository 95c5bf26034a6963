//! The conference this agent hosts (the agent's browser is the focus, RFC 4579 terms):
//! merge (C4, C5), single-step joins (C7-C10), the host's privileges (C14, C15), leaving
//! (C17, C18), falling back to two parties (E1), and the transfers that make leaving work
//! (REFER with Replaces, RFC 5589) seen from all three sides.

use sip::{percent_encode_header, CallId, NameAddr, Uri};
use web_time::Instant;

use super::line::Line;
use super::{Adding, Leaving, MediaAction, Phone};
use crate::view::{Direction, LineId};

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
            self.notice = Some("The host cannot be asked right now; try again".into());
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
            self.notice =
                Some("Merge needs a connected consultation call and a call on hold".into());
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

    pub(super) fn is_host(&self) -> bool {
        self.conference.is_some()
    }

    pub(super) fn disconnect(&mut self, id: LineId, now: Instant) {
        let member = self
            .lines
            .get(&id)
            .is_some_and(|l| l.live() && l.in_conference);
        if !(self.is_host() && member) {
            self.notice = Some("Only the host can disconnect a participant".into());
            return;
        }
        self.hang_up_line(id, now);
    }

    pub(super) fn end_conference(&mut self, now: Instant) {
        if !self.is_host() {
            self.notice = Some("Only the host can end the conference".into());
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
            self.notice = Some("The host can leave only when three participants remain".into());
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
                let Some(uri) = self.lines[&dialing].target.clone() else {
                    return;
                };
                let name = self.lines[&dialing].peer.clone();
                self.hang_up_line(dialing, now);
                let target = NameAddr::new(uri).with_display_name(&name);
                self.start_leaving(via, None, &target, now);
            }
            _ => {
                self.notice = Some("Wait until a participant is connected, then leave".into());
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
            let conf = self.host_conference();
            // The agent is out of the mix at once; the others keep hearing each other
            // through us until the transfer completes.
            conf.bridging = true;
            conf.leaving = Some(Leaving { via, other });
        } else {
            self.notice = Some("The transfer could not be started".into());
        }
    }

    /// The transferor's side: how the REFER we sent went.
    pub(super) fn transfer_result(&mut self, call: CallId, status: u16, now: Instant) {
        let Some(via) = self.line_of(call) else {
            return;
        };
        if let Some(adding) = self.adding.take_if(|a| a.focus == via) {
            if (200..300).contains(&status) {
                // The focus has the consulted party now (our leg to it ends by Replaces):
                // back to the conference.
                self.hang_up_line(adding.consult, now);
                self.retrieve(adding.focus, now);
            } else {
                let who = self.lines.get(&adding.consult).map(|l| l.peer.clone());
                self.notice = Some(format!(
                    "The host could not add {} ({status}); your calls are as they were",
                    who.unwrap_or_default()
                ));
            }
            return;
        }
        if let Some(t) = self.transfer.take_if(|t| t.via == via) {
            if (200..300).contains(&status) {
                self.hang_up_line(via, now);
                if let Some(other) = t.other {
                    self.hang_up_line(other, now);
                }
                self.notice = Some("Transferred".into());
            } else {
                self.notice = Some(format!(
                    "The transfer failed ({status}); the call is on hold, retrieve it to go on"
                ));
            }
            return;
        }
        let leaving = self
            .conference
            .as_mut()
            .and_then(|c| c.leaving.take_if(|l| l.via == via));
        let Some(leaving) = leaving else { return };
        if (200..300).contains(&status) {
            // Both others are now connected to each other: our legs are done.
            self.hang_up_line(via, now);
            if let Some(other) = leaving.other {
                self.hang_up_line(other, now);
            }
            self.conference = None;
            self.notice = Some("You left the conference; the others are still talking".into());
        } else {
            // C17 fallback: the far end cannot take the transfer; keep bridging silently.
            if let Some(c) = self.conference.as_mut() {
                c.bridging = true;
            }
            self.notice = Some(format!(
                "The transfer failed ({status}); your phone keeps the others connected. End the bridge to hang up both."
            ));
        }
    }

    /// The transferee's side: the peer of `call` asks us to call `target`.
    pub(super) fn referred(
        &mut self,
        call: CallId,
        target: Uri,
        display: Option<String>,
        replaces: Option<String>,
        now: Instant,
    ) {
        let Some(old) = self.line_of(call) else {
            return;
        };
        if self.ua.is_own_uri(&target) {
            // A transfer to ourselves would loop our own audio back to us.
            let _ = self.ua.refer_outcome(call, 403, now);
            return;
        }
        let Some(port) = self.free_port() else {
            let _ = self.ua.refer_outcome(call, 486, now);
            return;
        };
        let id = self.new_line_id();
        let peer = display
            .filter(|d| !d.is_empty())
            .or_else(|| target.user.clone())
            .unwrap_or_else(|| target.to_string());
        let mut line = Line::new(id, port, peer, Direction::Outgoing);
        line.remote_uri = target.to_string();
        line.target = Some(target);
        line.replaces = replaces;
        if self.is_host() && self.lines.get(&old).is_some_and(|l| l.in_conference) {
            // C12: a participant hands us a party it consulted; it joins our conference
            // and we stay host (C13).
            line.in_conference = true;
            line.told_focus = true;
            line.reports_to = Some(old);
        } else {
            line.takes_over = Some(old);
        }
        self.lines.insert(id, line);
        self.media(MediaAction::CreateOffer { line: id, port });
    }

    /// The transferee's new call answered (2xx) or failed: report it on the old line and,
    /// on success, leave the transferor.
    pub(super) fn transfer_done(&mut self, old: LineId, status: u16, now: Instant) {
        let Some(call) = self.lines.get(&old).and_then(|l| l.call) else {
            return;
        };
        let _ = self.ua.refer_outcome(call, status, now);
        if (200..300).contains(&status) {
            self.hang_up_line(old, now);
        }
    }

    /// Blind transfer (RFC 5589 §6): the party goes on hold and is asked to call `target`.
    pub(super) fn blind_transfer(&mut self, line: LineId, target: &str, now: Instant) {
        let target = match crate::target::parse_target(target, &self.cfg.ua.aor.host) {
            Ok(t) => t,
            Err(e) => {
                self.notice = Some(e.to_string());
                return;
            }
        };
        self.transfer_via(line, None, NameAddr::new(target), now);
    }

    /// Attended transfer (RFC 5589 §7): the party on `line` replaces our call with `to`.
    pub(super) fn attended_transfer(&mut self, line: LineId, to: LineId, now: Instant) {
        let target = self.lines.get(&to).filter(|l| l.connected()).and_then(|l| {
            let c = l.call?;
            Some((
                self.ua.remote_target(c)?,
                self.ua.replaces_value(c)?,
                l.peer.clone(),
            ))
        });
        let Some((mut uri, replaces, name)) = target else {
            self.notice = Some("Transfer needs a connected call to transfer to".into());
            return;
        };
        uri.headers = vec![("Replaces".into(), percent_encode_header(&replaces))];
        self.transfer_via(
            line,
            Some(to),
            NameAddr::new(uri).with_display_name(&name),
            now,
        );
    }

    fn transfer_via(
        &mut self,
        line: LineId,
        other: Option<LineId>,
        target: NameAddr,
        now: Instant,
    ) {
        let call = self
            .lines
            .get(&line)
            .filter(|l| l.connected())
            .and_then(|l| l.call);
        let Some(call) = call.filter(|_| self.transfer.is_none()) else {
            self.notice = Some("Only a connected call can be transferred, one at a time".into());
            return;
        };
        self.hold(line, now);
        if self.ua.refer(call, &target, now).is_ok() {
            self.transfer = Some(Leaving { via: line, other });
        } else {
            self.notice = Some("The transfer could not be started".into());
        }
    }

    /// Tells the participant on `old` how the call it asked us to make went (C12).
    pub(super) fn report_transfer(&mut self, old: LineId, status: u16, now: Instant) {
        if let Some(call) = self.lines.get(&old).and_then(|l| l.call) {
            let _ = self.ua.refer_outcome(call, status, now);
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
