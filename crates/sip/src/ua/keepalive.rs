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
/// The longest Flow-Timer we follow: the header is an unbounded number from the network, and
/// an hour between pings keeps no middlebox's binding alive anyway.
const MAX_FLOW_TIMER: u64 = 3600;

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
        let flow_timer = resp.headers.get("Flow-Timer").and_then(flow_timer);
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
        let interval_ms = self.keepalive.interval.saturating_mul(1000);
        let ms = interval_ms / 10 * 8 + self.rng.below(interval_ms / 10 * 2 + 1);
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

/// The seconds of a `Flow-Timer` value, at most [`MAX_FLOW_TIMER`]; `None` when it is not a
/// positive number (then the default applies).
fn flow_timer(value: &str) -> Option<u64> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for a u64 is still just "very long".
    let secs = digits.parse::<u64>().unwrap_or(u64::MAX);
    (secs > 0).then(|| secs.min(MAX_FLOW_TIMER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_timer_is_capped_and_garbage_falls_back_to_the_default() {
        assert_eq!(flow_timer(" 120 "), Some(120));
        assert_eq!(flow_timer("5"), Some(5));
        assert_eq!(flow_timer("3601"), Some(MAX_FLOW_TIMER));
        assert_eq!(flow_timer("18446744073709551615"), Some(MAX_FLOW_TIMER));
        assert_eq!(
            flow_timer("99999999999999999999999999"),
            Some(MAX_FLOW_TIMER)
        );
        assert_eq!(flow_timer("0"), None);
        assert_eq!(flow_timer("-5"), None);
        assert_eq!(flow_timer("20s"), None);
        assert_eq!(flow_timer(""), None);
    }

    #[test]
    fn a_huge_flow_timer_schedules_pings_within_the_cap() {
        let mut ua = UserAgent::new(crate::UaConfig {
            aor: "sip:alice@example.test".parse().unwrap(),
            display_name: None,
            auth_user: "alice".into(),
            password: "pw".into(),
            register_expires: 600,
            instance_id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
            user_agent: "test".into(),
            seed: 1,
        });
        let mut ok = Response::new(200, "OK");
        ok.headers.push("Flow-Timer", "18446744073709551615");
        let now = Instant::now();
        ua.start_keepalive(&ok, now);
        let ping = ua.keepalive.next_ping.unwrap() - now;
        assert!(ping <= Duration::from_secs(MAX_FLOW_TIMER), "{ping:?}");
        assert!(
            ping >= Duration::from_secs(MAX_FLOW_TIMER * 8 / 10),
            "{ping:?}"
        );
    }
}
