//! Transfers (RFC 5589): the ones the agent asks for (blind, attended), the one that lets the
//! host leave (C17, C18), the transferee's and the target's sides, and a participant's
//! request that the focus take a party over (C12).

use sip::{percent_encode_header, CallId, NameAddr, Uri};
use web_time::Instant;

use super::line::{Line, Link, Origin};
use super::{Leaving, MediaAction, Phone};
use crate::view::LineId;
use crate::words::Notice;

impl Phone {
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
                let party = self.lines.get(&adding.consult).map(|l| l.peer.clone());
                self.notice = Some(Notice::AddFailed {
                    party: party.unwrap_or_default(),
                    status,
                });
            }
            return;
        }
        if let Some(t) = self.transfer.take_if(|t| t.via == via) {
            if (200..300).contains(&status) {
                self.leave_transferred(&t, now);
                self.notice = Some(Notice::Transferred);
            } else {
                self.notice = Some(Notice::TransferFailed { status });
            }
            return;
        }
        let leaving = self
            .conference
            .as_mut()
            .and_then(|c| c.leaving.take_if(|l| l.via == via));
        let Some(leaving) = leaving else { return };
        if (200..300).contains(&status) {
            self.leave_transferred(&leaving, now);
            self.conference = None;
            self.notice = Some(Notice::LeftConference);
        } else {
            // C17 fallback: the far end cannot take the transfer; keep bridging silently.
            if let Some(c) = self.conference.as_mut() {
                c.bridging = true;
            }
            self.notice = Some(Notice::Bridging {
                status: Some(status),
            });
        }
    }

    /// The parties are connected to each other now: our legs to them are done.
    fn leave_transferred(&mut self, t: &Leaving, now: Instant) {
        self.hang_up_line(t.via, now);
        if let Some(other) = t.other {
            // The transfer target ends the replaced dialog itself (RFC 3891 §3).
            self.bye_later(other, now);
        }
    }

    /// Leaves `id` to the far end to end, and ends it after `PhoneConfig::bye_grace` if
    /// it has not.
    fn bye_later(&mut self, id: LineId, now: Instant) {
        let grace = self.cfg.bye_grace;
        if let Some(line) = self.lines.get_mut(&id).filter(|l| l.live()) {
            line.bye_at = Some(now + grace);
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
        let remote_uri = target.to_string();
        let mut line = Line::new(id, port, peer, Origin::Outgoing { target, replaces });
        line.remote_uri = remote_uri;
        if self.is_host() && self.lines.get(&old).is_some_and(|l| l.in_conference) {
            // C12: a participant hands us a party it consulted; it joins our conference
            // and we stay host (C13).
            line.in_conference = true;
            line.told_focus = true;
            line.link = Some(Link::ReportsTo(old));
        } else {
            line.link = Some(Link::TakesOver(old));
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
            // The transferor ends this dialog once it reads the NOTIFY (RFC 5589 §6.1).
            self.bye_later(old, now);
        }
    }

    /// Blind transfer (RFC 5589 §6): the party goes on hold and is asked to call `target`.
    pub(super) fn blind_transfer(&mut self, line: LineId, target: &str, now: Instant) {
        let target = match crate::target::parse_target(target, &self.cfg.ua.aor.host) {
            Ok(t) => t,
            Err(e) => {
                self.notice = Some(Notice::BadTarget(e));
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
            self.notice = Some(Notice::TransferNeedsConsultation);
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
            self.notice = Some(Notice::TransferNotPossible);
            return;
        };
        self.hold(line, now);
        if self.ua.refer(call, &target, now).is_ok() {
            self.transfer = Some(Leaving {
                via: line,
                other,
                until: None,
            });
        } else {
            self.notice = Some(Notice::TransferNotStarted);
        }
    }

    /// Tells the participant on `old` how the call it asked us to make went (C12).
    pub(super) fn report_transfer(&mut self, old: LineId, status: u16, now: Instant) {
        if let Some(call) = self.lines.get(&old).and_then(|l| l.call) {
            let _ = self.ua.refer_outcome(call, status, now);
        }
    }
}
