//! REFER (RFC 3515) with its implicit subscription and `message/sipfrag` NOTIFYs, and the
//! Replaces header (RFC 3891) that makes it an attended transfer (RFC 5589).

use web_time::Instant;

use super::{CallId, CallState, Owner, UaError, UaEvent, UserAgent};
use crate::{Method, NameAddr, Request, Response, Uri};

impl UserAgent {
    /// Ask the peer of `call` to call `target` (a Refer-To address, with `?Replaces=...` in
    /// its URI for an attended transfer; its display name tells the transferee who that is).
    /// The outcome arrives as [`UaEvent::TransferResult`].
    pub fn refer(&mut self, call: CallId, target: &NameAddr, now: Instant) -> Result<(), UaError> {
        let aor = NameAddr::new(self.cfg.aor.clone()).to_string();
        let mut req = self.confirmed_request(call, Method::Refer, "transfer")?;
        if let Some(c) = self.calls.get_mut(&call) {
            c.refer_pending = true;
        }
        req.headers.push("Refer-To", target.to_string());
        req.headers.push("Referred-By", aor);
        self.send_request(req, Owner::Refer(call), now);
        Ok(())
    }

    /// The dialog a Replaces target of ours names, in the form RFC 3891 wants it in a
    /// Refer-To URI: `call-id;to-tag=<peer's tag>;from-tag=<our tag>`, from the point of view
    /// of the peer that receives the INVITE with Replaces.
    pub fn replaces_value(&self, call: CallId) -> Option<String> {
        let d = self.calls.get(&call)?.dialog.as_ref()?;
        Some(format!(
            "{};to-tag={};from-tag={}",
            d.call_id, d.remote_tag, d.local_tag
        ))
    }

    /// The peer's Contact in `call`: where a transferee should send its INVITE.
    pub fn remote_target(&self, call: CallId) -> Option<Uri> {
        Some(
            self.calls
                .get(&call)?
                .dialog
                .as_ref()?
                .remote_target
                .clone(),
        )
    }

    /// Report how the call we were referred to went (NOTIFY with a sipfrag of its status).
    pub fn refer_outcome(
        &mut self,
        call: CallId,
        status: u16,
        now: Instant,
    ) -> Result<(), UaError> {
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        if !c.referred {
            return Err(UaError::WrongState {
                call,
                action: "report a transfer",
            });
        }
        let last = status >= 200;
        if last {
            c.referred = false;
        }
        self.send_refer_notify(call, status, now);
        Ok(())
    }

    fn send_refer_notify(&mut self, call: CallId, status: u16, now: Instant) {
        let contact = self.contact_header();
        let Some(dialog) = self.calls.get_mut(&call).and_then(|c| c.dialog.as_mut()) else {
            return;
        };
        let mut req = dialog.request(Method::Notify);
        req.headers.push("Contact", contact);
        req.headers.push("Event", "refer");
        let state = if status >= 200 {
            "terminated;reason=noresource"
        } else {
            "active;expires=60"
        };
        req.headers.push("Subscription-State", state);
        req.headers
            .push("Content-Type", "message/sipfrag;version=2.0");
        req.body = format!("SIP/2.0 {status} {}", Response::default_reason(status)).into_bytes();
        self.send_request(req, Owner::InDialog(call), now);
    }

    pub(super) fn on_refer_response(&mut self, call: CallId, resp: &Response) {
        if resp.status >= 300 {
            if let Some(c) = self.calls.get_mut(&call) {
                c.refer_pending = false;
            }
            self.events.push_back(UaEvent::TransferResult {
                call,
                status: resp.status,
            });
        }
    }

    pub(super) fn refer_timed_out(&mut self, call: CallId) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.refer_pending = false;
            self.events
                .push_back(UaEvent::TransferResult { call, status: 408 });
        }
    }

    pub(super) fn on_refer(&mut self, req: Request, now: Instant) {
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        let refer_to = req
            .headers
            .get("Refer-To")
            .or_else(|| req.headers.get("r"))
            .and_then(|v| v.parse::<NameAddr>().ok());
        let Some(refer_to) = refer_to else {
            let mut resp = self.plain_response(&req, 400);
            resp.reason = "Missing or bad Refer-To".into();
            return self.send_response(&resp);
        };
        let display = refer_to.display_name.clone();
        let mut target = refer_to.uri;
        let replaces = target
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Replaces"))
            .map(|(_, v)| percent_decode(v));
        target.headers.clear();
        if !target.is_sip() {
            let resp = self.plain_response(&req, 416);
            return self.send_response(&resp);
        }
        let resp = self.plain_response(&req, 202);
        self.send_response(&resp);
        if let Some(c) = self.calls.get_mut(&call) {
            c.referred = true;
            let by = c.dialog.as_ref().map(|d| d.remote.clone());
            if let (Some(value), Some(by)) = (replaces.clone(), by) {
                // The peer who asked, as the dialog knows it (not the REFER's own claim).
                if self.referrers.len() >= MAX_REFERRERS {
                    self.referrers.pop_front();
                }
                self.referrers.push_back((value, by));
            }
        }
        self.send_refer_notify(call, 100, now);
        self.events.push_back(UaEvent::Referred {
            call,
            target,
            display,
            replaces,
        });
    }

    pub(super) fn on_notify(&mut self, req: Request) {
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        match super::conference::event_package(&req).as_deref() {
            Some("refer") => {}
            Some("conference") => return self.on_conference_notify(call, &req),
            _ => {
                let resp = self.plain_response(&req, 489);
                return self.send_response(&resp);
            }
        }
        let resp = self.plain_response(&req, 200);
        self.send_response(&resp);
        let status = sipfrag_status(&req.body);
        let pending = self.calls.get(&call).is_some_and(|c| c.refer_pending);
        if let (Some(status), true) = (status, pending) {
            if status >= 200 {
                if let Some(c) = self.calls.get_mut(&call) {
                    c.refer_pending = false;
                }
                self.events
                    .push_back(UaEvent::TransferResult { call, status });
            }
        }
    }

    /// The live call whose dialog `req` belongs to.
    pub(super) fn dialog_of(&self, req: &Request) -> Option<CallId> {
        self.calls.iter().find_map(|(id, c)| {
            (c.state != CallState::Ended && c.dialog.as_ref().is_some_and(|d| d.matches(req)))
                .then_some(*id)
        })
    }

    /// RFC 3891 §6.1: whether the sender of an INVITE replacing `call` may do so. It may if it
    /// is the very party of the replaced dialog (its From, which the proxy authenticated, is
    /// that dialog's peer); if that party vouches for it in Referred-By (it sent the REFER
    /// that led here: the dialog identifiers it quoted are known only to the two ends of the
    /// dialog and their proxies); or if it is a party we are transferring ourselves (the
    /// target of a REFER of ours).
    pub(super) fn may_replace(&self, call: CallId, req: &Request) -> bool {
        let Some(d) = self.calls.get(&call).and_then(|c| c.dialog.as_ref()) else {
            return false;
        };
        let same = |a: &Uri, b: &Uri| a.user == b.user && a.host.eq_ignore_ascii_case(&b.host);
        let from = req.headers.from().ok().map(|f| f.uri);
        let is_peer = from.as_ref().is_some_and(|f| same(f, &d.remote.uri));
        let vouched = req
            .headers
            .get("Referred-By")
            .or_else(|| req.headers.get("b"))
            .and_then(|v| v.parse::<NameAddr>().ok())
            .is_some_and(|by| same(&by.uri, &d.remote.uri));
        let our_transferee = from.as_ref().is_some_and(|f| {
            self.calls.values().any(|c| {
                c.refer_pending
                    && c.state != CallState::Ended
                    && c.dialog.as_ref().is_some_and(|t| same(f, &t.remote.uri))
            })
        });
        is_peer || vouched || our_transferee
    }

    /// The call an incoming `Replaces: call-id;to-tag=..;from-tag=..` names (RFC 3891 §3:
    /// to-tag is our tag, from-tag the peer's).
    pub(super) fn replaced_call(&self, value: &str) -> Option<CallId> {
        let mut parts = value.split(';');
        let call_id = parts.next()?.trim();
        let (mut to_tag, mut from_tag) = (None, None);
        for p in parts {
            match p.trim().split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("to-tag") => to_tag = Some(v.trim()),
                Some((k, v)) if k.trim().eq_ignore_ascii_case("from-tag") => {
                    from_tag = Some(v.trim())
                }
                _ => {}
            }
        }
        let (to_tag, from_tag) = (to_tag?, from_tag?);
        self.calls.iter().find_map(|(id, c)| {
            let d = c.dialog.as_ref()?;
            (c.state != CallState::Ended
                && d.call_id == call_id
                && d.local_tag == to_tag
                && d.remote_tag == from_tag)
                .then_some(*id)
        })
    }
}

/// How many REFERs with Replaces we remember until their INVITE goes out.
const MAX_REFERRERS: usize = 8;

/// The status code of a `message/sipfrag` body (`SIP/2.0 200 OK`).
fn sipfrag_status(body: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(body).ok()?;
    let line = text.lines().next()?;
    let mut words = line.split_whitespace();
    (words.next()? == "SIP/2.0").then_some(())?;
    words.next()?.parse().ok()
}

/// Decodes `%XX` escapes of a URI header value (Replaces inside Refer-To).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a Replaces value for a Refer-To URI header (`;` `=` `@` and `%` must be escaped).
pub fn percent_encode_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_survives_encoding() {
        let v = "a8d7@x.invalid;to-tag=Ab1;from-tag=cD2";
        assert_eq!(percent_decode(&percent_encode_header(v)), v);
        assert_eq!(sipfrag_status(b"SIP/2.0 200 OK\r\n"), Some(200));
        assert_eq!(sipfrag_status(b"garbage"), None);
    }
}
