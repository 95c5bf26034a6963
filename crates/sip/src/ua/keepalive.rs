//! RFC 5626 §4.4.1 keep-alives on the WebSocket flow: a CRLF CRLF ping keeps middleboxes from
//! timing the connection out; where the registrar supports outbound, its CRLF pong proves
//! the flow still works, and a missing pong reports the flow as failed so the edge reconnects
//! instead of waiting for a call to fail.

use std::time::Duration;

use web_time::Instant;

use super::{UaEvent, UserAgent};
use crate::Response;

/// Without a Flow-Timer from the registrar: below the 60 s idle timeout of common proxies
/// and load balancers in front of WebSocket servers.
const DEFAULT_INTERVAL: u64 = 30;
/// How long a pong may take (RFC 5626 §4.4.1: 10 s).
const PONG_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
pub(super) struct KeepAlive {
    /// Seconds between pings.
    interval: u64,
    /// The registrar said `Require: outbound`: it answers pings with pongs.
    expect_pong: bool,
    next_ping: Option<Instant>,
    pong_due: Option<Instant>,
}

impl UserAgent {
    /// A 2xx to REGISTER: keep the flow alive from now on, at the registrar's Flow-Timer.
    pub(super) fn start_keepalive(&mut self, resp: &Response, now: Instant) {
        let flow_timer = resp
            .headers
            .get("Flow-Timer")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s >= 10);
        let expect_pong = resp
            .headers
            .values("Require")
            .iter()
            .any(|t| t.eq_ignore_ascii_case("outbound"));
        self.keepalive.interval = flow_timer.unwrap_or(DEFAULT_INTERVAL);
        self.keepalive.expect_pong = expect_pong;
        self.schedule_ping(now);
    }

    /// Pings stop with the transport or the registration.
    pub(super) fn stop_keepalive(&mut self) {
        self.keepalive.next_ping = None;
        self.keepalive.pong_due = None;
    }

    fn schedule_ping(&mut self, now: Instant) {
        // §4.4.1: a random 80-100 % of the interval, so many phones do not ping in step.
        let secs = self.keepalive.interval * 1000;
        let ms = secs * 8 / 10 + self.rng.below(secs * 2 / 10 + 1);
        self.keepalive.next_ping = Some(now + Duration::from_millis(ms));
    }

    /// A frame that is only line ends: a pong (or a ping from the server, which needs no
    /// answer over WebSocket).
    pub(super) fn on_crlf(&mut self) {
        self.keepalive.pong_due = None;
    }

    pub(super) fn keepalive_timers(&mut self, now: Instant) {
        if self.keepalive.pong_due.is_some_and(|t| t <= now) {
            self.stop_keepalive();
            self.events.push_back(UaEvent::FlowFailed);
            return;
        }
        if self.keepalive.next_ping.is_some_and(|t| t <= now) && self.transport_up {
            self.transmit_text("\r\n\r\n".to_owned());
            if self.keepalive.expect_pong {
                self.keepalive.pong_due = Some(now + PONG_WAIT);
            }
            self.schedule_ping(now);
        }
    }

    pub(super) fn next_keepalive(&self) -> Option<Instant> {
        [self.keepalive.next_ping, self.keepalive.pong_due]
            .into_iter()
            .flatten()
            .min()
    }
}
