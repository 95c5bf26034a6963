//! Requests made while the transport is down: held back and sent once it is up again, in
//! the order they were made, or given up unsent after [`HELD_LIMIT`].

use std::time::Duration;

use web_time::Instant;

use super::{ClientTransaction, Owner, UaEvent, UserAgent, TIMER_64T1};

/// How long a request made while the transport is down waits for it: 64*T1, 32 s.
///
/// RFC 3261 gives a client transaction 64*T1 to get its final response (Timers B and F,
/// §17.1.1.2, §17.1.2.2), after which the transaction user takes it as failed (a 408); a
/// request that could not even be sent in that time has failed the same way, and its dialog
/// may be gone or reused at the far end by the time a longer outage ends: a hang-up from ten
/// minutes ago must not land on whatever that dialog has become. Within the limit an
/// RFC 5626 user agent gets at least one reconnection attempt (§4.5: its first wait after
/// every flow failed is at most its base time of 30 s), so a short outage loses nothing.
pub const HELD_LIMIT: Duration = TIMER_64T1;

impl UserAgent {
    /// The transport is back: send what waited for it, in the order it was made, each with
    /// a fresh Timer B or F.
    pub(super) fn send_held(&mut self, now: Instant) {
        for key in std::mem::take(&mut self.held) {
            if let Some(tx) = self.transactions.get_mut(&key) {
                tx.deadline = now + TIMER_64T1;
                self.transmit.push_back(tx.request.to_text());
            }
        }
    }

    /// `tx` (held under `key`) waited [`HELD_LIMIT`] and is given up unsent: its owner
    /// learns it failed as after a timeout, then [`UaEvent::NotSent`] says why.
    pub(super) fn held_expired(&mut self, key: &str, tx: ClientTransaction, now: Instant) {
        self.held.retain(|k| k != key);
        let call = match tx.owner {
            Owner::Invite(id)
            | Owner::InDialog(id)
            | Owner::Reinvite(id)
            | Owner::Update(id)
            | Owner::Refer(id) => Some(id),
            // Held CANCELs are kept as "<INVITE branch>/cancel".
            Owner::Cancel => key.strip_suffix("/cancel").and_then(|branch| {
                self.calls
                    .iter()
                    .find(|(_, c)| c.branch == branch)
                    .map(|(id, _)| *id)
            }),
            Owner::Register => None,
        };
        let peer = tx.request.headers.to().ok();
        let method = tx.method.clone();
        match tx.owner {
            // Nothing was offered, so the session simply stays as it was; the event below
            // is the whole report (a 408 would say the peer was asked).
            Owner::Reinvite(id) => {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.reinvite = None;
                }
            }
            _ => self.on_transaction_timeout(tx, now),
        }
        self.events
            .push_back(UaEvent::NotSent { call, method, peer });
    }
}
