//! UPDATE (RFC 3311) inside a dialog: the peer's offerless UPDATE refreshes the session
//! (RFC 4028, as JsSIP does at half the interval), its UPDATE with an offer goes to the engine
//! like a re-INVITE offer, and ours is an offerless session refresh that falls back to a
//! re-INVITE when the peer turns out not to take UPDATE after all.

use web_time::Instant;

use super::session_timer::MIN_SE;
use super::{CallId, CallState, EndReason, Owner, UserAgent};
use crate::{Headers, Method, Request, Response};

/// Whether an Allow header lists UPDATE; `None` when there is no Allow (nothing learnt:
/// RFC 3261 §20.5 says its absence does not mean nothing is allowed).
pub(super) fn allows_update(headers: &Headers) -> Option<bool> {
    headers.contains("Allow").then(|| {
        headers
            .values("Allow")
            .iter()
            .any(|m| m.eq_ignore_ascii_case("UPDATE"))
    })
}

impl UserAgent {
    pub(super) fn on_update(&mut self, req: Request, now: Instant) {
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        let seq = req.headers.cseq().map(|c| c.seq).ok();
        let remote_seq = self.calls[&call].dialog.as_ref().and_then(|d| d.remote_seq);
        if let (Some(seq), Some(last)) = (seq, remote_seq) {
            if seq <= last {
                // RFC 3261 §12.2.2: out of order.
                let resp = self.plain_response(&req, 500);
                return self.send_response(&resp);
            }
        }
        if !req.body.is_empty() {
            return self.on_update_offer(call, req);
        }
        // A session refresh, and a target refresh (RFC 3311 §5.2).
        let contacts = req.headers.contacts().unwrap_or_default();
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if let Some(allows) = allows_update(&req.headers) {
            c.peer_allows_update = allows;
        }
        let tag = c.local_tag.clone();
        if let Some(d) = c.dialog.as_mut() {
            d.remote_seq = seq.or(d.remote_seq);
            if let Some(contact) = contacts.into_iter().next() {
                d.remote_target = contact.uri;
            }
        }
        let mut resp = self.response_with_tag(&req, 200, &tag);
        resp.headers.push("Contact", self.contact_header());
        self.session_for_answer(call, &req, &mut resp, now);
        self.send_response(&resp);
    }

    /// An UPDATE with an offer in a confirmed dialog is a re-INVITE offer without the
    /// three-way handshake: the engine answers it with `answer_reoffer` or
    /// `reject_reoffer`, and the answer goes in the 200 to the UPDATE.
    fn on_update_offer(&mut self, call: CallId, req: Request) {
        let is_sdp = req
            .headers
            .content_type()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/sdp"));
        if !is_sdp {
            let mut resp = self.plain_response(&req, 415);
            resp.headers.push("Accept", "application/sdp");
            return self.send_response(&resp);
        }
        if self.calls[&call].state != CallState::Confirmed {
            // An offer in an early dialog: the engine only renegotiates calls that are up.
            let resp = self.plain_response(&req, 488);
            return self.send_response(&resp);
        }
        if let Some(status) = self.offer_conflict(call) {
            return self.refuse_offer(&req, status);
        }
        self.take_reoffer(call, req);
    }

    /// Refreshes the session with an offerless UPDATE asking for the `interval` we agreed
    /// (RFC 4028 §7.4: we stay the refresher).
    pub(super) fn send_refresh_update(&mut self, call: CallId, interval: u32, now: Instant) {
        let in_flight = self
            .transactions
            .values()
            .any(|t| matches!(t.owner, Owner::Update(id) | Owner::Reinvite(id) if id == call));
        let busy = self.calls.get(&call).is_none_or(|c| c.reinvite.is_some());
        if in_flight || busy {
            return;
        }
        let Ok(mut req) = self.confirmed_request(call, Method::Update, "refresh the session")
        else {
            return;
        };
        req.headers
            .push("Session-Expires", format!("{interval};refresher=uac"));
        req.headers.push("Min-SE", MIN_SE.to_string());
        req.headers.push("Supported", "timer");
        self.send_request(req, Owner::Update(call), now);
    }

    pub(super) fn on_update_response(&mut self, call: CallId, resp: &Response, now: Instant) {
        match resp.status {
            200..=299 => {
                let contact = resp
                    .headers
                    .contacts()
                    .ok()
                    .and_then(|c| c.into_iter().next());
                let Some(c) = self.calls.get_mut(&call) else {
                    return;
                };
                if let Some(allows) = allows_update(&resp.headers) {
                    c.peer_allows_update = allows;
                }
                // UPDATE is a target refresh (RFC 3311 §5.1).
                if let (Some(d), Some(contact)) = (c.dialog.as_mut(), contact) {
                    d.remote_target = contact.uri;
                }
                self.session_from_2xx(call, resp, now);
            }
            405 | 501 => {
                // Its Allow promised UPDATE, its answer says otherwise: re-INVITE from now on.
                if let Some(c) = self.calls.get_mut(&call) {
                    c.peer_allows_update = false;
                }
                self.resend_session(call, now);
            }
            408 | 481 => {
                // RFC 4028 §10: the session is gone.
                self.send_bye(call, now);
                self.end_call(
                    call,
                    EndReason::Rejected {
                        status: resp.status,
                        reason: resp.reason.clone(),
                    },
                );
            }
            // Not refreshed: the session timer retries before it runs out.
            _ => {}
        }
    }

    /// Timer F: no answer on a transport that stayed up (a drop removes the transaction)
    /// means the peer is gone (RFC 4028 §10).
    pub(super) fn update_timed_out(&mut self, call: CallId, now: Instant) {
        if self
            .calls
            .get(&call)
            .is_some_and(|c| c.state == CallState::Confirmed)
        {
            self.send_bye(call, now);
            self.end_call(call, EndReason::Timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_update_from_allow() {
        let mut h = Headers::new();
        assert_eq!(allows_update(&h), None);
        h.push("Allow", "INVITE, ACK, BYE");
        assert_eq!(allows_update(&h), Some(false));
        h.push("Allow", "UPDATE");
        assert_eq!(allows_update(&h), Some(true));
    }
}
