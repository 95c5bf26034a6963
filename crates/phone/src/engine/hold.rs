//! Hold and retrieve (re-INVITE with `a=sendonly` / `a=sendrecv`, RFC 6337), and answering
//! the peer's own re-INVITEs.

use sip::CallId;
use web_time::Instant;

use super::line::{Hold, MediaOp};
use super::{MediaAction, Phone};
use crate::sdp_edit::{self, Direction as SdpDir};
use crate::view::LineId;
use crate::words::Notice;

impl Phone {
    /// The line (or, in a conference, one of the lines) the agent is talking to.
    pub(super) fn talking(&self) -> Option<LineId> {
        self.lines
            .values()
            .find(|l| l.connected() && !l.on_hold())
            .map(|l| l.id)
    }

    /// Puts whatever the agent is talking to on hold (a line, or the whole conference).
    pub(super) fn hold_talking(&mut self, now: Instant) {
        if let Some(id) = self.talking() {
            self.hold(id, now);
        }
    }

    /// The lines a hold or retrieve of `id` acts on: the whole conference for a participant.
    fn hold_group(&self, id: LineId) -> Vec<LineId> {
        match self.lines.get(&id) {
            Some(l) if l.in_conference => self
                .lines
                .values()
                .filter(|m| m.in_conference && m.connected())
                .map(|m| m.id)
                .collect(),
            Some(_) => vec![id],
            None => vec![],
        }
    }

    pub(super) fn hold(&mut self, id: LineId, now: Instant) {
        let group = self.hold_group(id);
        if group
            .iter()
            .any(|m| self.lines.get(m).is_some_and(|l| l.in_conference))
        {
            if let Some(c) = self.conference.as_mut() {
                c.held = true;
            }
        }
        for m in group {
            self.renegotiate(m, true, now);
        }
    }

    pub(super) fn retrieve(&mut self, id: LineId, now: Instant) {
        let group = self.hold_group(id);
        if group.is_empty() || group.iter().all(|m| !self.lines[m].on_hold()) {
            return;
        }
        // Whatever the agent was talking to goes on hold first (E4: one conversation).
        if let Some(t) = self.talking().filter(|t| !group.contains(t)) {
            self.hold(t, now);
        }
        if let Some(c) = self
            .conference
            .as_mut()
            .filter(|_| self.lines[&id].in_conference)
        {
            c.held = false;
        }
        for m in group {
            self.renegotiate(m, false, now);
        }
    }

    /// Sends the hold (`hold`) or resume offer for one line, if that changes anything.
    pub(super) fn renegotiate(&mut self, id: LineId, hold: bool, now: Instant) {
        let unchanged = self
            .lines
            .get(&id)
            .is_some_and(|l| !l.hold.changing() && l.on_hold() == hold);
        if !unchanged {
            self.send_offer(id, hold, now);
        }
    }

    /// A target refresh (re-INVITE with the session as it is) so the peer sees our new
    /// Contact, e.g. `isfocus` once we host a conference.
    pub(super) fn refresh_target(&mut self, id: LineId, hold: bool, now: Instant) {
        self.send_offer(id, hold, now);
    }

    fn send_offer(&mut self, id: LineId, hold: bool, now: Instant) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.connected()) else {
            return;
        };
        let (Some(call), Some(base)) = (line.call, line.local_sdp.clone()) else {
            return;
        };
        let dir = match (hold, line.remote_held) {
            (true, false) => SdpDir::SendOnly,
            (true, true) => SdpDir::Inactive,
            (false, false) => SdpDir::SendRecv,
            (false, true) => SdpDir::RecvOnly,
        };
        let Some(offer) = sdp_edit::next_offer(&base, dir) else {
            self.notice = Some(Notice::SdpUnreadable {
                party: line.peer.clone(),
            });
            return;
        };
        if self.ua.renegotiating(call) {
            // The UA is still busy with the previous change (e.g. waiting out a 491): let it
            // finish; the agent presses again if it still matters.
            self.notice = Some(Notice::StillUpdating {
                party: line.peer.clone(),
            });
            return;
        }
        match self.ua.reinvite(call, offer.clone(), now) {
            Ok(()) => {
                line.hold = if hold {
                    Hold::Holding(offer)
                } else {
                    Hold::Resuming(offer)
                };
            }
            Err(_) => {
                self.notice = Some(Notice::CannotUpdate {
                    party: line.peer.clone(),
                });
            }
        }
    }

    pub(super) fn renegotiated(&mut self, call: CallId, answer: String) {
        if self.restart_answered(call, answer) {
            return;
        }
        let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) else {
            return;
        };
        line.hold = match std::mem::take(&mut line.hold) {
            Hold::Holding(sdp) => {
                line.local_sdp = Some(sdp);
                Hold::Held
            }
            Hold::Resuming(sdp) => {
                line.local_sdp = Some(sdp);
                Hold::Off
            }
            settled => settled,
        };
    }

    /// RFC 3261 §14.1: a failed re-INVITE leaves the session as it was, on both ends.
    pub(super) fn renegotiation_failed(&mut self, call: CallId, status: u16) {
        if self.restart_refused(call) {
            return;
        }
        let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) else {
            return;
        };
        let party = line.peer.clone();
        // The session stays as it was before the re-INVITE.
        let (before, notice) = match &line.hold {
            Hold::Holding(_) => (Hold::Off, Notice::HoldFailed { party, status }),
            Hold::Resuming(_) => (Hold::Held, Notice::RetrieveFailed { party, status }),
            _ => return,
        };
        line.hold = before;
        self.notice = Some(notice);
    }

    /// The peer's re-INVITE: note whether it holds us, answer in kind.
    pub(super) fn reoffer(&mut self, call: CallId, offer: &str, now: Instant) {
        let base = self
            .line_of(call)
            .and_then(|id| self.lines.get(&id))
            .and_then(|l| l.local_sdp.clone());
        let (Some(base), Some(line)) = (
            base,
            self.line_of(call).and_then(|id| self.lines.get_mut(&id)),
        ) else {
            // Nothing to answer with (media not set up yet): refuse, the session stays.
            let _ = self.ua.reject_reoffer(call, 488);
            return;
        };
        let we_hold = line.on_hold();
        if !offer.trim().is_empty() {
            // The browser answers the new offer itself, so the answer is a real one (DTLS
            // role, ICE, codecs as negotiated) and a restart of the far end's ICE is applied.
            line.remote_held = sdp_edit::holds_answerer(sdp_edit::direction(offer));
            line.media_op = Some(MediaOp::Reanswer);
            let (id, offer) = (line.id, offer.to_owned());
            self.media(MediaAction::AnswerReoffer {
                line: id,
                offer,
                hold: we_hold,
            });
            return;
        }
        let dir = if offer.trim().is_empty() {
            // An offerless re-INVITE asks for our offer; the ACK brings the answer.
            line.remote_held = false;
            if we_hold {
                SdpDir::SendOnly
            } else {
                SdpDir::SendRecv
            }
        } else {
            let theirs = sdp_edit::direction(offer);
            line.remote_held = sdp_edit::holds_answerer(theirs);
            sdp_edit::answer(theirs, we_hold)
        };
        let Some(sdp) = sdp_edit::next_offer(&base, dir) else {
            let _ = self.ua.reject_reoffer(call, 488);
            return;
        };
        line.local_sdp = Some(sdp.clone());
        let _ = self.ua.answer_reoffer(call, sdp, now);
    }
}
