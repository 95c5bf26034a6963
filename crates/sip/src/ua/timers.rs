//! The user agent's timers as one table with RFC names. Each deadline is derived from the
//! state that owns it (a transaction, a call, the registration), so the table cannot drift
//! from that state; `poll_timeout` is its earliest entry and `handle_timeout` fires every
//! entry that is due, in the table's order.

use web_time::Instant;

use super::UserAgent;

/// A timer of the user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Timer B (INVITE) or F (non-INVITE): a client transaction got no final response
    /// (RFC 3261 §17.1; reliable transport, so no retransmission timers A/E); or a request
    /// held while the transport is down waited [`super::HELD_LIMIT`] for it.
    TransactionTimeout,
    /// Our 2xx to an INVITE is sent again at T1, 2T1, ... until the ACK, and given up at
    /// 64*T1 (RFC 3261 §13.3.1.4, the UAS core's own Timers G and H).
    Retransmit2xx,
    /// A re-INVITE refused with 491 is tried again after a random pause (RFC 3261 §14.1).
    GlareRetry,
    /// The session is refreshed, or ended when nobody refreshed it (RFC 4028).
    SessionRefresh,
    /// The registration is refreshed before it expires, or retried after a failure.
    RegistrationRefresh,
    /// A CRLF keep-alive or its missing pong (RFC 5626 §4.4.1).
    KeepAlive,
}

impl Timer {
    /// Every timer, in the order `handle_timeout` fires them.
    pub const ALL: [Self; 6] = [
        Self::TransactionTimeout,
        Self::Retransmit2xx,
        Self::GlareRetry,
        Self::SessionRefresh,
        Self::RegistrationRefresh,
        Self::KeepAlive,
    ];
}

impl UserAgent {
    /// When `timer` fires next, if it is armed.
    #[must_use]
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        match timer {
            Timer::TransactionTimeout => self.transactions.values().map(|t| t.deadline).min(),
            Timer::Retransmit2xx => self
                .calls
                .values()
                .filter_map(|c| c.retransmit.as_ref().map(|r| r.at.min(r.give_up)))
                .min(),
            Timer::GlareRetry => self
                .calls
                .values()
                .filter_map(|c| c.reinvite.as_ref().and_then(|r| r.retry_at))
                .min(),
            Timer::SessionRefresh => self.next_session_due(),
            Timer::RegistrationRefresh => self.registration.refresh_at(),
            Timer::KeepAlive => self.next_keepalive(),
        }
    }

    /// Fires `timer`'s work due at `now`.
    pub(super) fn fire(&mut self, timer: Timer, now: Instant) {
        match timer {
            Timer::TransactionTimeout => self.transaction_timeouts(now),
            Timer::Retransmit2xx => self.retransmit_2xx(now),
            Timer::GlareRetry => self.retry_reinvites(now),
            Timer::SessionRefresh => self.session_timers(now),
            Timer::RegistrationRefresh => {
                if self.registration.refresh_due(now) && self.transport_up {
                    self.send_register(now);
                }
            }
            Timer::KeepAlive => self.keepalive_timers(now),
        }
    }

    fn transaction_timeouts(&mut self, now: Instant) {
        let expired: Vec<String> = self
            .transactions
            .iter()
            .filter(|(_, t)| t.deadline <= now)
            .map(|(b, _)| b.clone())
            .collect();
        for branch in expired {
            let Some(tx) = self.transactions.remove(&branch) else {
                continue;
            };
            if self.held.contains(&branch) {
                self.held_expired(&branch, tx, now);
            } else {
                self.on_transaction_timeout(tx, now);
            }
        }
    }
}
