//! Placing, answering and ending calls.

use sip::{CallId, EndReason, NameAddr};
use web_time::Instant;

use super::line::{Line, Link, Origin};
use super::{MediaAction, Phone};
use crate::target::parse_target;
use crate::view::{LineId, LineState, Outcome, RegStatus};
use crate::words::{Failure, Notice};

impl Phone {
    pub(super) fn dial(&mut self, number: &str, single_step: bool, now: Instant) {
        if self.registration != RegStatus::Registered {
            self.notice = Some(Notice::NotRegistered);
            return;
        }
        let target = match parse_target(number, &self.cfg.ua.aor.host) {
            Ok(t) => t,
            Err(e) => {
                self.notice = Some(Notice::BadTarget(e));
                return;
            }
        };
        if self.ua.is_own_uri(&target) {
            // Its audio would come straight back to the agent's own speaker.
            self.notice = Some(Notice::OwnNumber);
            return;
        }
        let Some(port) = self.free_port() else {
            self.notice = Some(Notice::NoFreeLine);
            return;
        };
        // C7 needs a call in progress that is not on hold; with only held calls it is a
        // plain call that leaves them alone (C9).
        let joins = single_step && self.talking().is_some();
        if joins {
            self.host_conference();
            for l in self
                .lines
                .values_mut()
                .filter(|l| l.connected() && !l.on_hold())
            {
                l.in_conference = true;
            }
        } else {
            self.hold_talking(now);
        }
        let id = self.new_line_id();
        let remote_uri = target.to_string();
        let origin = Origin::Outgoing {
            target,
            replaces: None,
        };
        let mut line = Line::new(id, port, number.trim().to_owned(), origin);
        line.remote_uri = remote_uri;
        line.single_step = joins;
        line.in_conference = joins;
        line.told_focus = joins;
        self.lines.insert(id, line);
        self.media(MediaAction::CreateOffer { line: id, port });
    }

    /// Answers `id`, or the first call ringing here: whatever the agent talks to goes on
    /// hold first.
    pub(super) fn answer(&mut self, id: Option<LineId>, now: Instant) {
        let ringing = |id: &LineId| {
            self.lines
                .get(id)
                .is_some_and(|l| l.live() && l.state == LineState::Incoming)
        };
        let Some(id) = id
            .filter(ringing)
            .or_else(|| self.first_in(LineState::Incoming))
        else {
            return;
        };
        self.hold_talking(now);
        self.accept(id);
    }

    /// Answering: the browser makes the SDP answer, then [`Phone::local_sdp`] sends it.
    fn accept(&mut self, id: LineId) {
        let Some(line) = self.lines.get_mut(&id) else {
            return;
        };
        line.state = LineState::Answering;
        let offer = match &mut line.origin {
            Origin::Incoming { offer } => offer.take().unwrap_or_default(),
            Origin::Outgoing { .. } => return,
        };
        let port = line.port;
        self.media(MediaAction::CreateAnswer {
            line: id,
            port,
            offer,
        });
    }

    pub(super) fn decline(&mut self, now: Instant) {
        if let Some(id) = self.first_in(LineState::Incoming) {
            self.hang_up_line(id, now);
        }
    }

    /// Ends one line however far it got: CANCEL, decline, BYE, or nothing sent yet.
    pub(super) fn hang_up_line(&mut self, id: LineId, now: Instant) {
        let Some(line) = self.lines.get(&id).filter(|l| l.live()) else {
            return;
        };
        match (line.call, &line.state) {
            (Some(call), LineState::Incoming) => {
                let _ = self.ua.reject(call, 603, now);
            }
            (Some(call), _) => {
                let _ = self.ua.hangup(call, now);
            }
            // The offer is still being prepared: nothing went out yet.
            (None, _) => self.end_line(id, Outcome::HungUp, now),
        }
    }

    pub(super) fn local_sdp(&mut self, id: LineId, sdp: String, now: Instant) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.live()) else {
            return;
        };
        if let Some(op) = line.media_op {
            return self.media_op_sdp(id, op, sdp, now);
        }
        line.local_sdp = Some(sdp.clone());
        match (&line.state, line.call) {
            (LineState::Dialing, None) => {
                let Origin::Outgoing { target, replaces } = line.origin.clone() else {
                    return;
                };
                line.call = Some(
                    self.ua
                        .invite_replacing(target, sdp, replaces.as_deref(), now),
                );
            }
            (LineState::Answering, Some(call)) if self.ua.answer(call, sdp, now).is_ok() => {
                self.connect(id, now);
            }
            _ => {}
        }
    }

    pub(super) fn incoming(
        &mut self,
        call: CallId,
        from: &NameAddr,
        offer: String,
        replaces: Option<CallId>,
        now: Instant,
    ) {
        let Some(port) = self.free_port() else {
            let _ = self.ua.reject(call, 486, now);
            return;
        };
        let id = self.new_line_id();
        let telephone_event = crate::sdp_edit::has_telephone_event(&offer);
        let origin = Origin::Incoming { offer: Some(offer) };
        let mut line = Line::new(id, port, sip::caller_label(from), origin);
        line.call = Some(call);
        line.telephone_event = telephone_event;
        line.remote_uri = from.uri.to_string();
        let replaced = replaces.and_then(|c| self.line_of(c));
        line.link = replaced.map(Link::Replacing);
        if let Some(old) = replaced.and_then(|o| self.lines.get(&o)) {
            // The transferred party takes the old party's place, in the conference too.
            line.in_conference = old.in_conference;
        }
        self.lines.insert(id, line);
        if replaced.is_some() {
            // RFC 3891: an INVITE with Replaces for a dialog we have is answered at once.
            self.accept(id);
        } else {
            let _ = self.ua.ringing(call, now);
        }
    }

    pub(super) fn progress(&mut self, call: CallId, early_sdp: Option<String>) {
        let Some(line) = self.line_of(call).and_then(|id| self.lines.get_mut(&id)) else {
            return;
        };
        if line.state == LineState::Dialing {
            line.state = LineState::Ringing;
        }
        if let (Some(answer), false) = (early_sdp, line.early_media) {
            line.early_media = true;
            let id = line.id;
            self.media(MediaAction::ApplyEarlyAnswer { line: id, answer });
        }
    }

    pub(super) fn answered(&mut self, call: CallId, answer: String, now: Instant) {
        let Some(id) = self.line_of(call) else { return };
        if let Some(line) = self.lines.get_mut(&id) {
            line.telephone_event = crate::sdp_edit::has_telephone_event(&answer);
        }
        self.media(MediaAction::ApplyAnswer { line: id, answer });
        self.connect(id, now);
    }

    fn connect(&mut self, id: LineId, now: Instant) {
        let Some(line) = self.lines.get_mut(&id) else {
            return;
        };
        line.state = LineState::Connected;
        line.connected_at = Some(now);
        line.single_step = false;
        let joins = line.in_conference;
        // The line a transfer replaces ends as this one connects: it does not count.
        let replaced = match line.link {
            Some(Link::TakesOver(old) | Link::Replacing(old)) => Some(old),
            _ => None,
        };
        // A call answered far away while the agent took another one (it rang out, the agent
        // answered an incoming call meanwhile) must not join that conversation by itself:
        // it waits on hold until the agent retrieves it.
        let busy = self
            .lines
            .values()
            .any(|l| l.id != id && Some(l.id) != replaced && l.connected() && !l.on_hold());
        if busy && !joins {
            self.hold(id, now);
        }
        let Some(line) = self.lines.get_mut(&id) else {
            return;
        };
        match line.link.take() {
            Some(Link::ReportsTo(old)) => self.report_transfer(old, 200, now),
            Some(Link::TakesOver(old)) => self.transfer_done(old, 200, now),
            Some(Link::Replacing(old)) => self.hang_up_line(old, now),
            None => {}
        }
    }

    pub(super) fn ended(&mut self, id: LineId, reason: &EndReason, now: Instant) {
        let outcome = outcome(reason);
        let status = match reason {
            EndReason::Rejected { status, .. } => *status,
            _ => 487,
        };
        match self.lines.get(&id).and_then(|l| l.link) {
            // The transferee's new call failed: tell the transferor (RFC 3515 NOTIFY).
            Some(Link::TakesOver(old)) => self.transfer_done(old, status, now),
            Some(Link::ReportsTo(old)) => self.report_transfer(old, status, now),
            _ => {}
        }
        self.end_line(id, outcome, now);
    }

    pub(super) fn end_line(&mut self, id: LineId, outcome: Outcome, now: Instant) {
        let Some(line) = self.lines.get_mut(&id).filter(|l| l.live()) else {
            return;
        };
        let was_in_conference = line.in_conference;
        line.state = LineState::Ended(outcome);
        line.ended_at = Some(now);
        line.in_conference = false;
        line.media_op = None;
        // Its audio leaves the mix now; the connection closes after the fade-out.
        if !self.lines.values().any(|l| l.live()) {
            // A new call starts unmuted.
            self.muted = false;
        }
        if was_in_conference {
            self.conference_lost_member(now);
        }
    }

    /// The first live line in `state`.
    pub(super) fn first_in(&self, state: LineState) -> Option<LineId> {
        self.lines
            .values()
            .find(|l| l.live() && l.state == state)
            .map(|l| l.id)
    }

    /// The line the agent is on: the one being talked to, else ringing here, else dialing,
    /// else one that just ended (so the agent sees how), else a held one.
    pub(super) fn focus(&self) -> Option<LineId> {
        let live = || self.lines.values().filter(|l| l.live());
        live()
            .find(|l| l.connected() && !l.on_hold())
            .or_else(|| live().find(|l| l.state == LineState::Incoming))
            .or_else(|| live().rev().find(|l| l.outgoing_attempt()))
            .or_else(|| self.lines.values().rev().find(|l| !l.live()))
            .or_else(|| live().next_back())
            .map(|l| l.id)
    }
}

fn outcome(reason: &EndReason) -> Outcome {
    match reason {
        EndReason::LocalHangup | EndReason::RemoteHangup => Outcome::HungUp,
        EndReason::LocalDecline => Outcome::Declined,
        EndReason::CallerCancelled => Outcome::Missed,
        EndReason::Timeout => Outcome::NoAnswer,
        EndReason::Rejected { status, .. } => match status {
            486 | 600 => Outcome::Busy,
            603 => Outcome::Declined,
            404 | 484 | 604 => Outcome::NotFound,
            408 | 480 | 487 => Outcome::NoAnswer,
            _ => Outcome::Failed(Failure::Status(*status)),
        },
        _ => Outcome::Failed(Failure::Unknown),
    }
}
