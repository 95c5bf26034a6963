//! re-INVITE (RFC 3261 §14): changing a session that exists, for hold and resume, with 491
//! glare resolved exactly as §14.1 says, and a re-INVITE the peer never received (lost on
//! its dead connection) not allowed to refuse the peer's offers until Timer B.

use std::time::Duration;

use web_time::Instant;

use super::{CallId, CallState, EndReason, Owner, Retransmit, Role, UaError, UaEvent, UserAgent};
use crate::{Method, Request, Response};

/// Our re-INVITE: the offer it carries and, after a 491, when to send it again.
#[derive(Debug)]
pub(super) struct Outgoing {
    offer: String,
    /// Some while waiting out the §14.1 back-off; None while the request is in flight.
    pub(super) retry_at: Option<Instant>,
    /// We answered an offer of the peer's with 491 while this attempt was in flight.
    refused_one: bool,
}

impl Outgoing {
    pub(super) fn new(offer: String) -> Self {
        Self {
            offer,
            retry_at: None,
            refused_one: false,
        }
    }
}

impl UserAgent {
    /// Send a new offer in the call (hold: `a=sendonly`, resume: `a=sendrecv`, RFC 6337).
    /// The outcome is [`UaEvent::Renegotiated`] or [`UaEvent::RenegotiationFailed`].
    pub fn reinvite(&mut self, call: CallId, offer: String, now: Instant) -> Result<(), UaError> {
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        let busy = c.reinvite.is_some() || c.reoffer.is_some();
        if c.state != CallState::Confirmed || c.dialog.is_none() || busy {
            return Err(UaError::WrongState {
                call,
                action: "renegotiate",
            });
        }
        c.last_sdp = Some(offer.clone());
        c.reinvite = Some(Outgoing::new(offer));
        self.send_reinvite(call, now);
        Ok(())
    }

    /// Whether a re-INVITE of ours is in flight or waiting to be retried.
    pub fn renegotiating(&self, call: CallId) -> bool {
        self.calls.get(&call).is_some_and(|c| c.reinvite.is_some())
    }

    /// Refuse the peer's re-INVITE or UPDATE offer (488 for an offer we cannot accept); the
    /// session stays as it was on both ends (§14.2).
    pub fn reject_reoffer(&mut self, call: CallId, status: u16) -> Result<(), UaError> {
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        let Some(req) = c.reoffer.take() else {
            return Err(UaError::WrongState {
                call,
                action: "refuse a re-INVITE",
            });
        };
        let tag = c.local_tag.clone();
        let resp = self.response_with_tag(&req, status, &tag);
        self.send_response(&resp);
        Ok(())
    }

    /// Answer the peer's re-INVITE (or UPDATE, RFC 3311) with our SDP: an answer, or our
    /// offer when its re-INVITE had none.
    pub fn answer_reoffer(
        &mut self,
        call: CallId,
        sdp: String,
        now: Instant,
    ) -> Result<(), UaError> {
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        let Some(req) = c.reoffer.take() else {
            return Err(UaError::WrongState {
                call,
                action: "answer a re-INVITE",
            });
        };
        let tag = c.local_tag.clone();
        let mut resp = self.response_with_tag(&req, 200, &tag);
        resp.headers.push("Contact", self.contact_header());
        self.session_for_answer(call, &req, &mut resp, now);
        resp.headers.push("Content-Type", "application/sdp");
        if let Some(c) = self.calls.get_mut(&call) {
            c.last_sdp = Some(sdp.clone());
        }
        resp.body = sdp.into_bytes();
        self.send_response(&resp);
        // Only a 2xx to INVITE waits for an ACK (§13.3.1.4); UPDATE is a plain non-INVITE
        // transaction on a reliable transport.
        if req.method != Method::Invite {
            return Ok(());
        }
        if let Some(c) = self.calls.get_mut(&call) {
            c.retransmit = Some(Retransmit::of_2xx(resp, now));
        }
        Ok(())
    }

    pub(super) fn send_reinvite(&mut self, call: CallId, now: Instant) {
        let contact = self.contact_header();
        let session_expires = self.session_expires_again(call);
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let (Some(dialog), Some(out)) = (c.dialog.as_mut(), c.reinvite.as_mut()) else {
            return;
        };
        out.retry_at = None;
        out.refused_one = false;
        let mut req = dialog.request(Method::Invite);
        req.headers.push("Contact", contact);
        req.headers.push("Allow", super::ALLOW);
        req.headers.push("Session-Expires", session_expires);
        req.headers
            .push("Min-SE", super::session_timer::MIN_SE.to_string());
        req.headers.push("Content-Type", "application/sdp");
        req.body = out.offer.clone().into_bytes();
        self.send_request(req, Owner::Reinvite(call), now);
    }

    pub(super) fn on_reinvite_response(
        &mut self,
        call: CallId,
        req: &Request,
        resp: Response,
        now: Instant,
    ) {
        if resp.status < 200 {
            return;
        }
        let seq = req.headers.cseq().map_or(1, |c| c.seq);
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if resp.status < 300 {
            c.reinvite = None;
            let contacts = resp.headers.contacts().unwrap_or_default();
            c.peer_focus = super::server::is_focus(&contacts);
            if let Some(allows) = super::update::allows_update(&resp.headers) {
                c.peer_allows_update = allows;
            }
            let Some(dialog) = c.dialog.as_mut() else {
                return;
            };
            // §12.2.1.2: a 2xx to a target refresh updates the remote target.
            if let Some(contact) = contacts.into_iter().next() {
                dialog.remote_target = contact.uri;
            }
            let ack = dialog.ack(seq);
            self.send_request(ack, Owner::InDialog(call), now);
            self.session_from_2xx(call, &resp, now);
            let answer = String::from_utf8_lossy(&resp.body).into_owned();
            self.events
                .push_back(UaEvent::Renegotiated { call, answer });
            return;
        }
        self.ack_non_2xx(req, &resp);
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        match resp.status {
            491 => {
                // §14.1: the owner of the Call-ID (the caller) waits 2.1-4 s, the other
                // side 0-2 s, in steps of 10 ms.
                let wait = if c.role == Role::Caller {
                    2100 + 10 * self.rng.below(191)
                } else {
                    10 * self.rng.below(201)
                };
                if let Some(out) = c.reinvite.as_mut() {
                    out.retry_at = Some(now + Duration::from_millis(wait));
                }
            }
            408 | 481 => {
                // §12.2.1.2: the dialog is gone.
                c.reinvite = None;
                self.end_call(
                    call,
                    EndReason::Rejected {
                        status: resp.status,
                        reason: resp.reason.clone(),
                    },
                );
            }
            status => {
                c.reinvite = None;
                self.events
                    .push_back(UaEvent::RenegotiationFailed { call, status });
            }
        }
    }

    /// §14.1: no answer at all to a re-INVITE ends the dialog, unless our own socket was the
    /// problem: then the call (whose media is peer to peer) stays and the reconnect
    /// refreshes it.
    pub(super) fn reinvite_timed_out(&mut self, call: CallId, now: Instant) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.reinvite = None;
        if self.transport_up {
            self.send_bye(call, now);
            self.end_call(call, EndReason::Timeout);
        } else {
            self.events
                .push_back(UaEvent::RenegotiationFailed { call, status: 408 });
        }
    }

    pub(super) fn retry_reinvites(&mut self, now: Instant) {
        let due: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                c.reinvite
                    .as_ref()
                    .and_then(|r| r.retry_at)
                    .is_some_and(|t| t <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        for call in due {
            let state_ok = self
                .calls
                .get(&call)
                .is_some_and(|c| c.state == CallState::Confirmed && c.reoffer.is_none());
            if state_ok {
                self.send_reinvite(call, now);
            } else if let Some(c) = self.calls.get_mut(&call) {
                // The peer renegotiated meanwhile: ours is moot, the engine decides again.
                c.reinvite = None;
                self.events
                    .push_back(UaEvent::RenegotiationFailed { call, status: 491 });
            }
        }
    }

    pub(super) fn on_reinvite(&mut self, req: Request) {
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        if let Some(status) = self.offer_conflict(call) {
            return self.refuse_offer(&req, status);
        }
        self.take_reoffer(call, req);
    }

    /// Whether a new offer from the peer must wait: 491 while ours is pending (glare, §14.2
    /// and RFC 3311 §5.2), 500 while the previous one is not finished.
    ///
    /// Ours stops counting as pending when a second offer of the peer's arrives while it
    /// still has no final answer. A peer may not start an offer while it holds ours (§14.1),
    /// and in true glare it answers ours with 491 on receipt, on the same ordered path and
    /// before its retry. So a retry with ours unanswered means ours never reached the peer:
    /// it went into the peer's connection as that connection died (flow-bound Contacts after
    /// a network blip), and nothing would answer it before Timer B, 32 s of 491s and a BYE.
    pub(super) fn offer_conflict(&mut self, call: CallId) -> Option<u16> {
        let c = self.calls.get_mut(&call)?;
        if let Some(out) = c.reinvite.as_mut().filter(|r| r.retry_at.is_none()) {
            if !out.refused_one {
                out.refused_one = true;
                return Some(491);
            }
            self.forget_lost_reinvite(call);
        }
        let c = self.calls.get(&call)?;
        (c.reoffer.is_some() || c.retransmit.is_some()).then_some(500)
    }

    /// Our re-INVITE never reached the peer: its transaction goes, so neither its Timer B
    /// nor its offer stands in the way of the peer's; the engine learns it failed with no
    /// answer (408). Should an answer come after all, it is acknowledged as any 2xx whose
    /// transaction is gone.
    fn forget_lost_reinvite(&mut self, call: CallId) {
        self.transactions
            .retain(|_, t| t.owner != Owner::Reinvite(call));
        if let Some(c) = self.calls.get_mut(&call) {
            c.reinvite = None;
        }
        self.events
            .push_back(UaEvent::RenegotiationFailed { call, status: 408 });
    }

    /// Refuses a new offer with `status`; a 500 says when to try again (§14.2).
    pub(super) fn refuse_offer(&mut self, req: &Request, status: u16) {
        let mut resp = self.plain_response(req, status);
        if status == 500 {
            resp.headers.push("Retry-After", "1");
        }
        self.send_response(&resp);
    }

    /// Takes the peer's re-INVITE or UPDATE with an offer as a target refresh and hands the
    /// offer to the engine, which answers with [`UserAgent::answer_reoffer`].
    pub(super) fn take_reoffer(&mut self, call: CallId, req: Request) {
        let seq = req.headers.cseq().map(|c| c.seq).ok();
        let offer = String::from_utf8_lossy(&req.body).into_owned();
        let contacts = req.headers.contacts().unwrap_or_default();
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.peer_focus = super::server::is_focus(&contacts);
        if let Some(allows) = super::update::allows_update(&req.headers) {
            c.peer_allows_update = allows;
        }
        if let Some(d) = c.dialog.as_mut() {
            d.remote_seq = seq.or(d.remote_seq);
            if let Some(contact) = contacts.into_iter().next() {
                d.remote_target = contact.uri;
            }
        }
        c.reoffer = Some(req);
        self.events.push_back(UaEvent::Reoffer { call, offer });
    }
}
