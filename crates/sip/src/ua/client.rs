//! The client side: answers to the requests we sent, and Timer B/F.

use web_time::Instant;

use super::{CallId, CallState, ClientTransaction, EndReason, Owner, UaEvent, UserAgent};
use crate::digest_cache::AuthHeader;
use crate::{Dialog, DigestChallenge, Method, NameAddr, Request, Response};

impl UserAgent {
    pub(super) fn on_response(&mut self, resp: Response, now: Instant) {
        // The parser checked both; a response built by hand may still lack them.
        let (via, cseq) = match (resp.headers.top_via(), resp.headers.cseq()) {
            (Ok(via), Ok(cseq)) => (via, cseq),
            (Err(e), _) | (_, Err(e)) => return self.malformed(e.into()),
        };
        let branch = via.branch().unwrap_or_default().to_owned();
        let matches = self
            .transactions
            .get(&branch)
            .is_some_and(|t| t.method == cseq.method);
        if !matches {
            // A 2xx retransmission after our transaction ended: the ACK was lost.
            if resp.status / 100 == 2 && cseq.method == Method::Invite {
                self.reack(&resp);
            }
            return;
        }
        let final_response = resp.status >= 200;
        let tx = if final_response {
            self.transactions.remove(&branch)
        } else {
            // Timer B only guards the Calling state (§17.1.1.2): once the far end rings, wait
            // as long as a proxy would (Timer C) before giving up.
            let tx = self.transactions.get_mut(&branch);
            tx.map(|t| {
                if t.method == Method::Invite {
                    t.deadline = now + super::TIMER_C;
                }
                t.clone()
            })
        };
        let Some(tx) = tx else { return };
        match tx.owner {
            Owner::Register => self.on_register_response(&resp, now),
            Owner::Invite(call) => self.on_invite_response(call, &tx.request, resp, now),
            Owner::Reinvite(call) => self.on_reinvite_response(call, &tx.request, resp, now),
            Owner::Update(call) if final_response => self.on_update_response(call, &resp, now),
            Owner::Update(_) => {}
            Owner::Refer(call) => self.on_refer_response(call, &resp),
            Owner::InDialog(call) if final_response => self.drop_if_ended(call),
            Owner::InDialog(_) | Owner::Cancel => {}
        }
    }

    fn on_register_response(&mut self, resp: &Response, now: Instant) {
        let challenge = challenge_of(resp);
        let contact = self.contact_uri();
        let state =
            self.registration
                .on_response(resp, challenge, &contact, now, &mut self.digests);
        if (200..300).contains(&resp.status) && self.registration.wanted() {
            self.start_keepalive(resp, now);
            self.gruu_from_2xx(resp, &contact, now);
        } else if (200..300).contains(&resp.status) {
            self.stop_keepalive();
        }
        if let Some(state) = state {
            self.events.push_back(UaEvent::Registration(state));
        }
        if self.registration.retry_with_auth() && self.transport_up {
            self.send_register(now);
        } else if resp.status >= 200 && !self.registration.wanted() {
            // Signed out: the next account on this phone starts from nothing.
            self.digests.clear();
        }
    }

    /// Takes our public GRUU from a 2xx to REGISTER. Calls need a target refresh only if
    /// the Contact they carry no longer reaches us: the GRUU changed or went away, or we
    /// reconnected without one (then our Contact names the old flow).
    fn gruu_from_2xx(&mut self, resp: &Response, contact: &crate::Uri, now: Instant) {
        let gruu = crate::registration::public_gruu(resp, contact);
        let changed = gruu != self.gruu;
        self.gruu = gruu;
        let reconnected = std::mem::take(&mut self.retarget_pending);
        if changed || (reconnected && self.gruu.is_none()) {
            self.refresh_all_targets(now);
        }
    }

    fn on_invite_response(&mut self, id: CallId, req: &Request, resp: Response, now: Instant) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let cancelling = call.state == CallState::Cancelling;
        match resp.status {
            100 => {}
            101..=199 => {
                if let Ok(dialog) = Dialog::as_uac(req, &resp) {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.dialog.get_or_insert(dialog);
                    }
                }
                self.prack(id, &resp, now);
                if !cancelling {
                    let is_sdp = resp
                        .headers
                        .content_type()
                        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/sdp"));
                    let early_sdp = (is_sdp && !resp.body.is_empty())
                        .then(|| String::from_utf8_lossy(&resp.body).into_owned());
                    self.events.push_back(UaEvent::Progress {
                        call: id,
                        status: resp.status,
                        early_sdp,
                    });
                }
            }
            200..=299 => self.on_invite_2xx(id, req, resp, cancelling, now),
            401 | 407 if !call.auth_tried && !cancelling => {
                self.ack_non_2xx(req, &resp);
                match challenge_of(&resp) {
                    Some(ch) => {
                        if let Some(c) = self.calls.get_mut(&id) {
                            c.auth_tried = true;
                        }
                        let branch = self.resend_with_auth(
                            req.clone(),
                            ch,
                            resp.status,
                            Owner::Invite(id),
                            now,
                        );
                        if let Some(c) = self.calls.get_mut(&id) {
                            c.branch = branch;
                        }
                    }
                    None => self.end_call(id, rejected(&resp)),
                }
            }
            _ => {
                self.ack_non_2xx(req, &resp);
                let reason = if cancelling {
                    EndReason::LocalHangup
                } else {
                    rejected(&resp)
                };
                self.end_call(id, reason);
            }
        }
    }

    fn on_invite_2xx(
        &mut self,
        id: CallId,
        req: &Request,
        resp: Response,
        cancel: bool,
        now: Instant,
    ) {
        let dialog = match Dialog::as_uac(req, &resp) {
            Ok(d) => d,
            Err(e) => {
                self.malformed(e.into());
                return self.end_call(id, rejected(&resp));
            }
        };
        let seq = req.headers.cseq().map(|c| c.seq).unwrap_or(1);
        let ack = dialog.ack(seq);
        self.send_request(ack, Owner::InDialog(id), now);
        let Some(c) = self.calls.get_mut(&id) else {
            return;
        };
        c.peer_focus = super::server::is_focus(&resp.headers.contacts().unwrap_or_default());
        c.peer_allows_update = super::update::allows_update(&resp.headers).unwrap_or(false);
        let mut dialog = dialog;
        if let Some(early) = c
            .dialog
            .as_ref()
            .filter(|d| d.remote_tag == dialog.remote_tag)
        {
            // PRACKs in the early dialog used CSeq numbers already (RFC 3262).
            dialog.local_seq = dialog.local_seq.max(early.local_seq);
        }
        c.dialog = Some(dialog);
        c.state = CallState::Confirmed;
        self.session_from_2xx(id, &resp, now);
        if cancel {
            // Our CANCEL crossed the 2xx: the call exists now, so end it with BYE.
            self.send_bye(id, now);
            self.end_call(id, EndReason::LocalHangup);
        } else {
            let answer = String::from_utf8_lossy(&resp.body).into_owned();
            self.events
                .push_back(UaEvent::Answered { call: id, answer });
        }
    }

    /// The ACK for a non-2xx final response to an INVITE or re-INVITE belongs to its
    /// transaction (§17.1.1.3).
    pub(super) fn ack_non_2xx(&mut self, invite: &Request, resp: &Response) {
        let mut ack = Request::new(Method::Ack, invite.uri.clone());
        for name in ["Via", "Max-Forwards", "From", "Call-ID", "Route"] {
            for v in invite.headers.get_all(name) {
                ack.headers.push(name, v.to_owned());
            }
        }
        if let Some(to) = resp.headers.get("To") {
            ack.headers.push("To", to.to_owned());
        }
        let seq = invite.headers.cseq().map(|c| c.seq).unwrap_or(1);
        ack.headers.push("CSeq", format!("{seq} ACK"));
        self.transmit_text(ack.to_text());
    }

    /// A 2xx to an INVITE whose transaction is over: a retransmission (our ACK was lost:
    /// ACK again), or the answer of another fork of the same INVITE, which gets an ACK and
    /// then a BYE (RFC 3261 §13.2.2.4): the agent already has its call.
    fn reack(&mut self, resp: &Response) {
        let Ok(call_id) = resp.headers.call_id() else {
            return;
        };
        let to_tag = resp
            .headers
            .to()
            .ok()
            .and_then(|t| t.tag().map(str::to_owned));
        let resp_seq = resp.headers.cseq().ok().map(|s| s.seq);
        let found = self.calls.iter().find_map(|(_, c)| {
            let d = c.dialog.as_ref().filter(|d| d.call_id == call_id)?;
            let seq = c.invite.headers.cseq().map_or(1, |s| s.seq);
            if to_tag.as_deref() == Some(d.remote_tag.as_str()) {
                // The 2xx may answer a re-INVITE we gave up on: the ACK takes its CSeq.
                return Some((d.ack(resp_seq.unwrap_or(seq)), None));
            }
            let mut fork = Dialog::as_uac(&c.invite, resp).ok()?;
            fork.local_seq = seq;
            let ack = fork.ack(seq);
            Some((ack, Some(fork.request(Method::Bye))))
        });
        let Some((ack, bye)) = found else { return };
        for mut req in std::iter::once(ack).chain(bye) {
            let branch = self.rng.branch();
            req.headers.push_front("Via", self.via(&branch));
            // Fire and forget: nothing waits for the answer to these.
            self.transmit_text(req.to_text());
        }
    }

    /// Re-sends `req` with credentials for `challenge`, a new branch and the next CSeq.
    fn resend_with_auth(
        &mut self,
        mut req: Request,
        challenge: DigestChallenge,
        status: u16,
        owner: Owner,
        now: Instant,
    ) -> String {
        let header = AuthHeader::of_status(status);
        let realm = challenge.realm.clone();
        self.digests.keep_for_calls(challenge, header);
        let answered = self
            .digests
            .authorize(&mut req, &realm, header, &self.cfg, &mut self.rng);
        if let Err(e) = answered {
            self.malformed(e.clone().into());
            if let Owner::Invite(id) = owner {
                self.end_call(
                    id,
                    EndReason::Rejected {
                        status,
                        reason: e.to_string(),
                    },
                );
            }
            return String::new();
        }
        if let Ok(cseq) = req.headers.cseq() {
            req.headers
                .set("CSeq", format!("{} {}", cseq.seq + 1, cseq.method));
        }
        if let Owner::Invite(id) = owner {
            if let Some(c) = self.calls.get_mut(&id) {
                c.invite = req.clone();
            }
        }
        self.send_request(req, owner, now)
    }

    pub(super) fn send_register(&mut self, now: Instant) {
        self.transactions.retain(|_, t| t.owner != Owner::Register);
        let contact = self.contact_uri();
        let req = self
            .registration
            .request(&self.cfg, &contact, &mut self.rng, &mut self.digests);
        self.send_request(req, Owner::Register, now);
        if let Some(state) = self.registration.sent() {
            self.events.push_back(UaEvent::Registration(state));
        }
    }

    pub(super) fn send_cancel(&mut self, id: CallId, now: Instant) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.state = CallState::Cancelling;
        let invite = call.invite.clone();
        let branch = call.branch.clone();
        let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
        cancel.headers.push("Via", self.via(&branch));
        for name in ["Max-Forwards", "From", "To", "Call-ID", "Route"] {
            for v in invite.headers.get_all(name) {
                cancel.headers.push(name, v.to_owned());
            }
        }
        let seq = invite.headers.cseq().map(|c| c.seq).unwrap_or(1);
        cancel.headers.push("CSeq", format!("{seq} CANCEL"));
        // The CANCEL shares the INVITE's branch; track it under its own key for Timer F.
        let key = format!("{branch}/cancel");
        let held = !self.transport_up;
        if self.transport_up {
            self.transmit_text(cancel.to_text());
        } else {
            // The proxy keeps the INVITE transaction across our outage and matches the
            // CANCEL by branch, whichever connection it comes on.
            self.held.push(key.clone());
        }
        self.transactions.insert(
            key,
            ClientTransaction {
                method: Method::Cancel,
                owner: Owner::Cancel,
                request: cancel,
                deadline: now
                    + if held {
                        super::HELD_LIMIT
                    } else {
                        super::TIMER_64T1
                    },
            },
        );
    }

    pub(super) fn send_bye(&mut self, id: CallId, now: Instant) {
        let Some(dialog) = self.calls.get_mut(&id).and_then(|c| c.dialog.as_mut()) else {
            return;
        };
        let bye = dialog.request(Method::Bye);
        self.send_request(bye, Owner::InDialog(id), now);
    }

    pub(super) fn on_transaction_timeout(&mut self, tx: ClientTransaction, now: Instant) {
        match tx.owner {
            Owner::Register => {
                if !self.registration.wanted() {
                    self.digests.clear();
                }
                if let Some(state) = self.registration.timed_out(now) {
                    self.events.push_back(UaEvent::Registration(state));
                }
            }
            Owner::Invite(id) => {
                let ringing = self
                    .calls
                    .get(&id)
                    .is_some_and(|c| c.state == CallState::Early);
                if ringing && self.transport_up {
                    // Timer C: cancel the attempt, and keep the INVITE transaction a while
                    // so the 487 that follows is acknowledged.
                    self.send_cancel(id, now);
                    let branch = self.calls.get(&id).map(|c| c.branch.clone());
                    if let Some(branch) = branch {
                        let mut tx = tx;
                        tx.deadline = now + super::TIMER_64T1;
                        self.transactions.insert(branch, tx);
                    }
                }
                self.end_call(id, EndReason::Timeout);
            }
            Owner::Reinvite(id) => self.reinvite_timed_out(id, now),
            Owner::Update(id) => self.update_timed_out(id, now),
            Owner::Refer(id) => self.refer_timed_out(id),
            Owner::InDialog(id) => self.drop_if_ended(id),
            Owner::Cancel => {}
        }
    }

    fn drop_if_ended(&mut self, id: CallId) {
        if self
            .calls
            .get(&id)
            .is_some_and(|c| c.state == CallState::Ended)
        {
            self.end_call(id, EndReason::LocalHangup);
        }
    }
}

fn challenge_of(resp: &Response) -> Option<DigestChallenge> {
    let ch = if resp.status == 407 {
        resp.headers.proxy_authenticate()
    } else {
        resp.headers.www_authenticate()
    };
    ch.ok().flatten()
}

fn rejected(resp: &Response) -> EndReason {
    EndReason::Rejected {
        status: resp.status,
        reason: resp.reason.clone(),
    }
}

/// The display form of a caller for the UI: display name, else the user part, else the URI,
/// made safe to show ([`crate::display_text`]: capped, no bidi or control characters).
pub fn caller_label(from: &NameAddr) -> String {
    let shown = |s: &str| Some(crate::display_text(s)).filter(|t| !t.is_empty());
    from.display_name
        .as_deref()
        .and_then(shown)
        .or_else(|| from.uri.user.as_deref().and_then(shown))
        .unwrap_or_else(|| crate::display_text(&from.uri.to_string()))
}
