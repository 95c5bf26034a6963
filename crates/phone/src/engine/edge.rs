//! The connection to the SIP edge proxies: which one to use, when to try again after losing
//! it, and when signing out is over. A deployment lists several edges in front of a
//! registrar cluster; when one dies every phone moves to the next, at a jittered moment so a
//! thousand agents do not knock on the survivor in the same millisecond.

use std::time::Duration;

use sip::Rng;
use web_time::Instant;

/// When to try again after a connection is lost or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The pause before the first retry (before jitter).
    pub first: Duration,
    /// The pause never grows past this (before jitter).
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The pause before retry number `failures` (1 = the first), with "equal jitter": half
    /// of the doubled base, plus a random share of the other half.
    pub(crate) fn pause(&self, failures: u32, rng: &mut Rng) -> Duration {
        let doublings = failures.saturating_sub(1).min(16);
        let base = self.first.saturating_mul(1 << doublings).min(self.max);
        let half = base / 2;
        let share = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        half + half.mul_f64(share)
    }
}

/// Where the WebSocket to the edges stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Link {
    /// No socket, none wanted (signed out).
    Idle,
    /// A socket to this edge is opening.
    Connecting,
    /// Connected.
    Up,
    /// Lost; the next attempt is due at this time.
    Waiting(Instant),
}

#[derive(Debug)]
pub(super) struct Edge {
    urls: Vec<String>,
    /// The edge the next attempt uses.
    next: usize,
    /// Attempts that failed since the last good connection.
    failures: u32,
    link: Link,
    backoff: Backoff,
    rng: Rng,
}

impl Edge {
    pub(super) fn new(urls: Vec<String>, backoff: Backoff, seed: u64) -> Self {
        Self {
            urls,
            next: 0,
            failures: 0,
            link: Link::Idle,
            backoff,
            // Apart from the user agent's stream, so jitter does not shift SIP identifiers.
            rng: Rng::new(seed ^ 0x6a09_e667_f3bc_c908),
        }
    }

    /// Signing in: the URL to open now, unless a socket is open or opening already.
    pub(super) fn start(&mut self) -> Option<String> {
        match self.link {
            Link::Idle | Link::Waiting(_) => self.connect(),
            Link::Connecting | Link::Up => None,
        }
    }

    fn connect(&mut self) -> Option<String> {
        if self.urls.is_empty() {
            // A phone driven without edges (tests, or an edge that opens the socket
            // itself) learns of the transport only through TransportUp.
            self.link = Link::Connecting;
            return None;
        }
        let url = self.urls[self.next % self.urls.len()].clone();
        self.next = (self.next + 1) % self.urls.len();
        self.link = Link::Connecting;
        Some(url)
    }

    pub(super) fn up(&mut self) {
        self.failures = 0;
        self.link = Link::Up;
        // The next failure starts over at the edge after this one.
    }

    /// The socket closed or could not open. While signed in, the next edge is tried after
    /// a jittered pause.
    pub(super) fn down(&mut self, signed_in: bool, now: Instant) {
        if !signed_in {
            self.link = Link::Idle;
            return;
        }
        if matches!(self.link, Link::Waiting(_)) {
            return;
        }
        self.failures += 1;
        let pause = self.backoff.pause(self.failures, &mut self.rng);
        self.link = Link::Waiting(now + pause);
    }

    /// Signed out: no more attempts.
    pub(super) fn stop(&mut self) {
        self.link = Link::Idle;
    }

    pub(super) fn is_up(&self) -> bool {
        self.link == Link::Up
    }

    pub(super) fn retry_at(&self) -> Option<Instant> {
        match self.link {
            Link::Waiting(at) => Some(at),
            _ => None,
        }
    }

    /// The URL to open if the pause is over.
    pub(super) fn retry_due(&mut self, now: Instant) -> Option<String> {
        match self.link {
            Link::Waiting(at) if at <= now => self.connect(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_and_spread() {
        let b = Backoff::default();
        let mut rng = Rng::new(7);
        let first: Vec<Duration> = (0..50).map(|_| b.pause(1, &mut rng)).collect();
        assert!(first
            .iter()
            .all(|p| *p >= Duration::from_millis(250) && *p <= Duration::from_millis(500)));
        let spread = first
            .iter()
            .max()
            .unwrap()
            .saturating_sub(*first.iter().min().unwrap());
        assert!(spread > Duration::from_millis(150), "{spread:?}");
        assert!(b.pause(3, &mut rng) >= Duration::from_secs(1));
        assert!(b.pause(40, &mut rng) <= Duration::from_secs(30));
    }

    #[test]
    fn failover_walks_the_list() {
        let t0 = Instant::now();
        let mut e = Edge::new(
            vec!["ws://a".into(), "ws://b".into()],
            Backoff::default(),
            1,
        );
        assert_eq!(e.start().as_deref(), Some("ws://a"));
        e.up();
        e.down(true, t0);
        let at = e.retry_at().unwrap();
        assert!(e.retry_due(t0).is_none());
        assert_eq!(e.retry_due(at).as_deref(), Some("ws://b"));
        e.down(true, at);
        assert_eq!(
            e.retry_due(at + Duration::from_secs(2)).as_deref(),
            Some("ws://a")
        );
        e.stop();
        assert!(e.retry_at().is_none());
    }
}
