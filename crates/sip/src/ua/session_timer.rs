//! Session timers (RFC 4028) and target refreshes after a reconnect: a call whose signalling
//! path died is refreshed as soon as the WebSocket is back, never into a dead socket, and a
//! lost reconnect does not end a call whose media still flows. A periodic refresh is an
//! offerless UPDATE where the peer allows it (§9 recommends it: no offer/answer, nothing for
//! the engine to do), else the session again in a re-INVITE.

use std::time::Duration;

use web_time::Instant;

use super::reinvite::Outgoing;
use super::{CallId, CallState, EndReason, UserAgent};
use crate::{Request, Response};

/// The session interval we ask for, in seconds (RFC 4028 recommends 1800).
pub(super) const SESSION_EXPIRES: u32 = 1800;
/// The smallest interval RFC 4028 allows.
pub(super) const MIN_SE: u32 = crate::MIN_SESSION_INTERVAL;
/// The longest interval we agree to when we may choose (§9 lets the answerer lower it): a
/// peer asking for years would leave a dead call up that long.
pub(super) const MAX_SESSION_EXPIRES: u32 = 86_400;

/// The session timer of one call.
#[derive(Debug, Clone)]
pub(super) struct SessionTimer {
    /// We send the refreshes (else the peer does and we watch for them).
    we_refresh: bool,
    /// The negotiated Session-Expires, in seconds; a refresh asks for it again.
    interval: u32,
    /// When we refresh (half the interval, §10) or when the session expires without one.
    due: Instant,
}

/// `Session-Expires: 1800;refresher=uac` as (seconds, refresher).
fn session_expires(h: &crate::Headers) -> Option<(u32, Option<String>)> {
    let v = h.get("Session-Expires").or_else(|| h.get("x"))?;
    let mut parts = v.split(';');
    let secs = parts.next()?.trim().parse().ok()?;
    let refresher = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("refresher")
            .then(|| v.trim().to_ascii_lowercase())
    });
    Some((secs, refresher))
}

fn timer(secs: u32, we_refresh: bool, now: Instant) -> SessionTimer {
    let interval = secs.max(MIN_SE);
    let secs = u64::from(interval);
    let due = if we_refresh {
        now + Duration::from_secs(secs / 2)
    } else {
        // §10: without a refresh by then, the session is over.
        now + Duration::from_secs(secs - (secs / 3).min(32))
    };
    SessionTimer {
        we_refresh,
        interval,
        due,
    }
}

impl UserAgent {
    /// Adds our session timer request to an INVITE we send.
    pub(super) fn ask_session_timer(req: &mut Request) {
        req.headers
            .push("Session-Expires", SESSION_EXPIRES.to_string());
        req.headers.push("Min-SE", MIN_SE.to_string());
    }

    /// The Session-Expires of a re-INVITE of `call`: the interval and refresher in force, so
    /// a hold or a target refresh does not undo what was agreed (RFC 4028 §7.4; a peer that
    /// took our default again would refresh 20 times less often than agreed); our default
    /// when no session timer runs.
    pub(super) fn session_expires_again(&self, call: CallId) -> String {
        match self.calls.get(&call).and_then(|c| c.session.as_ref()) {
            Some(s) => {
                let refresher = if s.we_refresh { "uac" } else { "uas" };
                format!("{};refresher={refresher}", s.interval)
            }
            None => SESSION_EXPIRES.to_string(),
        }
    }

    /// A 2xx to an INVITE we sent says whether there is a session timer and who refreshes.
    pub(super) fn session_from_2xx(&mut self, call: CallId, resp: &Response, now: Instant) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.session = session_expires(&resp.headers).map(|(secs, refresher)| {
            // We sent the request, so we are the "uac" of this transaction.
            timer(secs, refresher.as_deref() != Some("uas"), now)
        });
    }

    /// Our 2xx to an INVITE, re-INVITE or UPDATE: with Session-Expires in the request the
    /// requester refreshes unless it asked us to (§9), and the session timer starts again;
    /// without, the peer wants no session timer any more (§9), so we stop watching for
    /// refreshes it will not send.
    pub(super) fn session_for_answer(
        &mut self,
        call: CallId,
        req: &Request,
        resp: &mut Response,
        now: Instant,
    ) {
        let Some((secs, refresher)) = session_expires(&req.headers) else {
            if let Some(c) = self.calls.get_mut(&call) {
                c.session = None;
            }
            return;
        };
        let secs = secs.clamp(MIN_SE, MAX_SESSION_EXPIRES);
        let refresher = if refresher.as_deref() == Some("uas") {
            "uas"
        } else {
            "uac"
        };
        resp.headers
            .push("Session-Expires", format!("{secs};refresher={refresher}"));
        let supports = req
            .headers
            .values("Supported")
            .iter()
            .any(|t| t.eq_ignore_ascii_case("timer"));
        if supports {
            resp.headers.push("Require", "timer");
        }
        if let Some(c) = self.calls.get_mut(&call) {
            c.session = Some(timer(secs, refresher == "uas", now));
        }
    }

    /// When the next session timer of any call is due.
    pub(super) fn next_session_due(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter(|c| c.state == CallState::Confirmed)
            .filter_map(|c| c.session.as_ref().map(|s| s.due))
            .min()
    }

    /// Refreshes what is due, or ends a session the peer stopped refreshing. While the
    /// transport is down nothing is sent and nothing is ended: the reconnect refreshes.
    pub(super) fn session_timers(&mut self, now: Instant) {
        let due: Vec<(CallId, bool)> = self
            .calls
            .iter()
            .filter(|(_, c)| c.state == CallState::Confirmed)
            .filter_map(|(id, c)| {
                let s = c.session.as_ref()?;
                (s.due <= now).then_some((*id, s.we_refresh))
            })
            .collect();
        for (call, we_refresh) in due {
            if !self.transport_up {
                // Keep the timer from spinning; the reconnect refreshes every call.
                if let Some(s) = self.calls.get_mut(&call).and_then(|c| c.session.as_mut()) {
                    s.due = now + Duration::from_secs(u64::from(MIN_SE));
                }
                continue;
            }
            if we_refresh {
                self.refresh_session(call, now);
            } else {
                self.send_bye(call, now);
                self.end_call(call, EndReason::Timeout);
            }
        }
    }

    /// A periodic refresh (we are the refresher): an offerless UPDATE where the peer allows
    /// it, else the session again in a re-INVITE.
    fn refresh_session(&mut self, call: CallId, now: Instant) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if !c.peer_allows_update {
            return self.resend_session(call, now);
        }
        let Some(s) = c.session.as_mut() else {
            return;
        };
        // Retry in a while if this refresh cannot go now or fails.
        s.due = now + Duration::from_secs(u64::from(MIN_SE));
        let interval = s.interval;
        self.send_refresh_update(call, interval, now);
    }

    /// Sends the session as it is again (same SDP, RFC 3264 §8: same o= version) as a
    /// re-INVITE: a session refresh, and a target refresh after a reconnect.
    pub(super) fn resend_session(&mut self, call: CallId, now: Instant) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if let Some(s) = c.session.as_mut() {
            // Retry in a while if this refresh cannot go now or fails.
            s.due = now + Duration::from_secs(u64::from(MIN_SE));
        }
        let idle = c.reinvite.is_none() && c.reoffer.is_none() && c.retransmit.is_none();
        let Some(sdp) = c
            .last_sdp
            .clone()
            .filter(|_| idle && c.state == CallState::Confirmed)
        else {
            return;
        };
        c.reinvite = Some(Outgoing::new(sdp));
        self.send_reinvite(call, now);
    }

    /// After a reconnect our flow (and the Contact the proxy knows) changed: refresh the
    /// target of every call so in-dialog requests find us again (RFC 5626 §4.2.2). This
    /// stays a re-INVITE even where the peer allows UPDATE: every peer takes it as a target
    /// refresh, and it refreshes the session timer at the same time.
    pub(super) fn refresh_all_targets(&mut self, now: Instant) {
        let calls: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| c.state == CallState::Confirmed)
            .map(|(id, _)| *id)
            .collect();
        for call in calls {
            self.resend_session(call, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_session_expires() {
        let mut h = crate::Headers::new();
        h.push("Session-Expires", "1800;refresher=uas");
        assert_eq!(session_expires(&h), Some((1800, Some("uas".into()))));
        let mut h = crate::Headers::new();
        h.push("x", "600");
        assert_eq!(session_expires(&h), Some((600, None)));
    }
}
