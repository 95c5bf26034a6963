//! The conference event package (RFC 4575) over our INVITE dialogs (dialog reuse, RFC 6665
//! §4.5.2): a participant subscribes to its focus, the focus NOTIFYs who is in the
//! conference. RFC 4579's `isfocus` tells a participant that its peer is a focus.

use web_time::Instant;

use super::{CallId, Owner, UaError, UaEvent, UserAgent};
use crate::{Method, Request, CONFERENCE_INFO};

/// How long a subscription lasts; conference calls rarely outlive it, and a refresh is
/// simply a new SUBSCRIBE.
const EXPIRES: u32 = 3600;

impl UserAgent {
    /// Say `isfocus` in our Contact from now on (we host a conference), or stop saying it.
    pub fn set_focus(&mut self, on: bool) {
        self.focus = on;
    }

    /// Whether the peer of `call` told us it is a conference focus.
    pub fn peer_is_focus(&self, call: CallId) -> bool {
        self.calls.get(&call).is_some_and(|c| c.peer_focus)
    }

    /// Whether the peer of `call` subscribed to our conference.
    pub fn conference_subscriber(&self, call: CallId) -> bool {
        self.calls
            .get(&call)
            .is_some_and(|c| c.conference_subscriber)
    }

    /// Subscribe to the conference state of the focus at the other end of `call`.
    pub fn subscribe_conference(&mut self, call: CallId, now: Instant) -> Result<(), UaError> {
        let mut req = self.confirmed_request(call, Method::Subscribe, "subscribe")?;
        req.headers.push("Event", "conference");
        req.headers.push("Accept", CONFERENCE_INFO);
        req.headers.push("Expires", EXPIRES.to_string());
        self.send_request(req, Owner::InDialog(call), now);
        Ok(())
    }

    /// Send our conference state to the subscriber at the other end of `call`; `last`
    /// ends the subscription (the conference is over for it).
    pub fn notify_conference(
        &mut self,
        call: CallId,
        body: String,
        last: bool,
        now: Instant,
    ) -> Result<(), UaError> {
        let contact = self.contact_header();
        let c = self.calls.get_mut(&call).ok_or(UaError::NoSuchCall(call))?;
        if !c.conference_subscriber {
            return Err(UaError::WrongState {
                call,
                action: "notify",
            });
        }
        if last {
            c.conference_subscriber = false;
        }
        let Some(dialog) = c.dialog.as_mut() else {
            return Err(UaError::WrongState {
                call,
                action: "notify",
            });
        };
        let mut req = dialog.request(Method::Notify);
        req.headers.push("Contact", contact);
        req.headers.push("Event", "conference");
        let state = if last {
            "terminated;reason=noresource".to_owned()
        } else {
            format!("active;expires={EXPIRES}")
        };
        req.headers.push("Subscription-State", state);
        req.headers.push("Content-Type", CONFERENCE_INFO);
        req.body = body.into_bytes();
        self.send_request(req, Owner::InDialog(call), now);
        Ok(())
    }

    pub(super) fn on_subscribe(&mut self, req: Request) {
        let event = event_package(&req);
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        if event.as_deref() != Some("conference") || !self.focus {
            let resp = self.plain_response(&req, 489);
            return self.send_response(&resp);
        }
        let expires = req
            .headers
            .expires()
            .ok()
            .flatten()
            .unwrap_or(EXPIRES)
            .min(EXPIRES);
        let mut resp = self.plain_response(&req, 200);
        resp.headers.push("Expires", expires.to_string());
        self.send_response(&resp);
        if let Some(c) = self.calls.get_mut(&call) {
            c.conference_subscriber = expires > 0;
        }
        if expires > 0 {
            self.events
                .push_back(UaEvent::ConferenceSubscribed { call });
        }
    }

    /// A NOTIFY of the conference package: answer it, hand the body on.
    pub(super) fn on_conference_notify(&mut self, call: CallId, req: &Request) {
        let resp = self.plain_response(req, 200);
        self.send_response(&resp);
        let ended = req.headers.get("Subscription-State").is_some_and(|s| {
            s.trim_start()
                .to_ascii_lowercase()
                .starts_with("terminated")
        });
        let body = String::from_utf8_lossy(&req.body).into_owned();
        self.events
            .push_back(UaEvent::ConferenceState { call, body, ended });
    }
}

/// The package name of the Event header (`conference`, `refer`...), lowercased.
pub(super) fn event_package(req: &Request) -> Option<String> {
    let e = req.headers.get("Event").or_else(|| req.headers.get("o"))?;
    Some(e.split(';').next()?.trim().to_ascii_lowercase())
}
