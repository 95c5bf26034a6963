//! The server side: requests that reach us, our responses, and 2xx retransmission.

use web_time::Instant;

use super::{Call, CallId, CallState, EndReason, Malformed, Role, UaEvent, UserAgent, ALLOW, T2};
use crate::{Dialog, Headers, Method, Request, Response};

impl UserAgent {
    pub(super) fn on_request(&mut self, req: Request, now: Instant) {
        let unsupported: Vec<String> = req
            .headers
            .values("Require")
            .iter()
            .filter(|tag| !super::SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(tag)))
            .map(|t| (*t).to_owned())
            .collect();
        if !unsupported.is_empty() && !matches!(req.method, Method::Ack | Method::Cancel) {
            // §8.2.2.3: refuse what we cannot honour, and say which.
            let mut resp = self.plain_response(&req, 420);
            resp.headers.push("Unsupported", unsupported.join(", "));
            return self.send_response(&resp);
        }
        let in_dialog = req.headers.to().is_ok_and(|to| to.tag().is_some());
        match req.method {
            Method::Invite if !in_dialog => self.on_new_invite(req),
            Method::Ack => self.on_ack(&req),
            Method::Cancel => self.on_cancel(&req),
            Method::Bye => self.on_bye(&req),
            Method::Options => {
                let mut resp = self.plain_response(&req, 200);
                resp.headers.push("Allow", ALLOW);
                self.send_response(&resp);
            }
            Method::Invite => self.on_reinvite(req),
            Method::Refer => self.on_refer(req, now),
            Method::Notify => self.on_notify(req),
            Method::Subscribe => self.on_subscribe(req),
            Method::Info => self.on_info(req),
            Method::Update => self.on_update(req, now),
            // We never send reliable provisionals, so a PRACK has nothing to acknowledge.
            Method::Prack => {
                let resp = self.plain_response(&req, 481);
                self.send_response(&resp);
            }
            _ => {
                let mut resp = self.plain_response(&req, 405);
                resp.headers.push("Allow", ALLOW);
                self.send_response(&resp);
            }
        }
    }

    fn on_new_invite(&mut self, req: Request) {
        let branch = req
            .headers
            .top_via()
            .ok()
            .and_then(|v| v.branch().map(str::to_owned))
            .unwrap_or_default();
        // A retransmission of an INVITE we already have.
        if self
            .calls
            .values()
            .any(|c| c.role == Role::Callee && c.branch == branch)
        {
            return;
        }
        let from = match req.headers.from() {
            Ok(f) if f.tag().is_some() => f,
            _ => return self.refuse(&req.headers, 400, Malformed::InviteWithoutFromTag),
        };
        if req.headers.contacts().map_or(true, |c| c.is_empty()) {
            return self.refuse(&req.headers, 400, Malformed::InviteWithoutContact);
        }
        let is_sdp = req
            .headers
            .content_type()
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/sdp"));
        if !req.body.is_empty() && !is_sdp {
            let mut resp = self.plain_response(&req, 415);
            resp.headers.push("Accept", "application/sdp");
            return self.send_response(&resp);
        }
        if req.body.is_empty() {
            // An offerless INVITE needs our offer in the 200 and the answer in the ACK; the
            // browser edge does not do that yet.
            let resp = self.plain_response(&req, 488);
            return self.send_response(&resp);
        }
        let replaces = match req.headers.get("Replaces") {
            None => None,
            Some(value) => match self.replaced_call(value) {
                Some(id) if self.may_replace(id, &req) => Some(id),
                Some(_) => {
                    let mut resp = self.plain_response(&req, 403);
                    resp.reason = "Replacement not authorized".into();
                    return self.send_response(&resp);
                }
                None => {
                    // RFC 3891 §3: no such dialog (any more).
                    let resp = self.plain_response(&req, 481);
                    return self.send_response(&resp);
                }
            },
        };
        let offer = String::from_utf8_lossy(&req.body).into_owned();
        let id = CallId(self.next_call);
        self.next_call += 1;
        let local_tag = self.rng.token(10);
        self.calls
            .insert(id, Call::early(Role::Callee, req, branch, local_tag));
        self.events.push_back(UaEvent::Incoming {
            call: id,
            from,
            offer,
            replaces,
        });
    }

    fn on_ack(&mut self, req: &Request) {
        let found = self.calls.iter_mut().find(|(_, c)| {
            c.retransmit.is_some() && c.dialog.as_ref().is_some_and(|d| d.matches(req))
        });
        if let Some((id, call)) = found {
            call.retransmit = None;
            if call.state == CallState::AwaitingAck {
                call.state = CallState::Confirmed;
                let call = *id;
                self.events.push_back(UaEvent::Confirmed { call });
            }
        }
    }

    fn on_cancel(&mut self, req: &Request) {
        let branch = req
            .headers
            .top_via()
            .ok()
            .and_then(|v| v.branch().map(str::to_owned));
        let found = self.calls.iter().find_map(|(id, c)| {
            (c.role == Role::Callee && Some(&c.branch) == branch.as_ref()).then_some(*id)
        });
        let Some(id) = found else {
            let resp = self.plain_response(req, 481);
            return self.send_response(&resp);
        };
        let ok = self.plain_response(req, 200);
        self.send_response(&ok);
        let c = &self.calls[&id];
        if c.state == CallState::Early {
            let (invite, tag) = (c.invite.clone(), c.local_tag.clone());
            let terminated = self.uas_response(&invite, 487, &tag);
            self.send_response(&terminated);
            self.end_call(id, EndReason::CallerCancelled);
        }
    }

    fn on_bye(&mut self, req: &Request) {
        let found = self.dialog_of(req);
        let status = if found.is_some() { 200 } else { 481 };
        let resp = self.plain_response(req, status);
        self.send_response(&resp);
        if let Some(id) = found {
            self.end_call(id, EndReason::RemoteHangup);
        }
    }

    /// A response to `req` that copies the headers §8.2.6.2 requires; To keeps its tag or
    /// gets `to_tag` if it has none.
    pub(super) fn response_with_tag(&self, req: &Request, status: u16, to_tag: &str) -> Response {
        self.response_to(&req.headers, status, to_tag)
    }

    /// A response to a request with these headers (see [`Self::response_with_tag`]).
    pub(super) fn response_to(&self, headers: &Headers, status: u16, to_tag: &str) -> Response {
        let mut resp = Response::new(status, Response::default_reason(status));
        for v in headers.get_all("Via") {
            resp.headers.push("Via", v.to_owned());
        }
        match headers.to() {
            Ok(to) if to.tag().is_none() && status > 100 => {
                resp.headers.push("To", to.with_tag(to_tag).to_string());
            }
            _ => {
                if let Some(to) = headers.get("To") {
                    resp.headers.push("To", to.to_owned());
                }
            }
        }
        for name in ["From", "Call-ID", "CSeq"] {
            if let Some(v) = headers.get(name) {
                resp.headers.push(name, v.to_owned());
            }
        }
        resp.headers.push("User-Agent", self.cfg.user_agent.clone());
        resp
    }

    pub(super) fn plain_response(&mut self, req: &Request, status: u16) -> Response {
        let tag = self.rng.token(10);
        self.response_with_tag(req, status, &tag)
    }

    /// A response to an incoming INVITE; 1xx (except 100) and 2xx carry Record-Route and
    /// Contact and establish the dialog (§12.1.1).
    pub(super) fn uas_response(
        &mut self,
        invite: &Request,
        status: u16,
        local_tag: &str,
    ) -> Response {
        let mut resp = self.response_with_tag(invite, status, local_tag);
        if (101..300).contains(&status) {
            for rr in invite.headers.get_all("Record-Route") {
                resp.headers.push("Record-Route", rr.to_owned());
            }
            let contact = self.contact_header();
            resp.headers.push("Contact", contact);
            resp.headers.push("Allow", ALLOW);
            let dialog = Dialog::as_uas(invite, local_tag).ok();
            let call = self
                .calls
                .values_mut()
                .find(|c| c.role == Role::Callee && c.local_tag == local_tag);
            if let (Some(call), Some(d)) = (call, dialog) {
                call.dialog.get_or_insert(d);
            }
        }
        resp
    }

    pub(super) fn retransmit_2xx(&mut self, now: Instant) {
        let mut resend = Vec::new();
        let mut give_up = Vec::new();
        for (id, call) in &mut self.calls {
            let Some(r) = call.retransmit.as_mut() else {
                continue;
            };
            if r.give_up <= now {
                give_up.push(*id);
            } else if r.at <= now {
                resend.push(r.response.to_text());
                r.interval = (r.interval * 2).min(T2);
                r.at = now + r.interval;
            }
        }
        for text in resend {
            self.transmit_text(text);
        }
        // §13.3.1.4: no ACK in 64*T1 means the dialog is broken: end it with BYE.
        for id in give_up {
            self.send_bye(id, now);
            self.end_call(id, EndReason::Timeout);
        }
    }
}

/// Whether the first Contact carries the `isfocus` feature tag (RFC 4579 §4).
pub(super) fn is_focus(contacts: &[crate::NameAddr]) -> bool {
    contacts
        .first()
        .is_some_and(|c| c.params.contains("isfocus"))
}
