//! Requests made while the connection was down that never left: after `sip::HELD_LIMIT`
//! the user agent gives them up, and the agent is told which and with whom. The line is left
//! as if the far end had not answered: a hang-up's call is over here, a hold or retrieve is
//! undone, a transfer has failed.

use sip::{CallId, Method, NameAddr};

use super::line::Hold;
use super::Phone;
use crate::words::{Notice, Unsent};

impl Phone {
    pub(super) fn not_sent(
        &mut self,
        call: Option<CallId>,
        method: &Method,
        to: Option<&NameAddr>,
    ) {
        let line = call
            .and_then(|c| self.line_of(c))
            .and_then(|id| self.lines.get(&id));
        let party = line
            .map(|l| l.peer.clone())
            .or_else(|| to.map(sip::caller_label))
            .unwrap_or_default();
        let what = match method {
            Method::Bye | Method::Cancel => Unsent::HangUp,
            Method::Refer => Unsent::Transfer,
            Method::Info => Unsent::Dtmf,
            Method::Invite => {
                let Some(call) = call else { return };
                let what = match line.map(|l| &l.hold) {
                    Some(Hold::Holding(_)) => Some(Unsent::Hold),
                    Some(Hold::Resuming(_)) => Some(Unsent::Retrieve),
                    _ if line.is_some_and(|l| l.connected_at.is_some()) => None,
                    _ => Some(Unsent::Call),
                };
                // A re-INVITE's line goes back to how it was (hold undone, an ICE restart
                // marked failed), as when the far end refuses one.
                self.renegotiation_failed(call, 408);
                match what {
                    Some(what) => what,
                    None => return,
                }
            }
            // Refreshes, conference NOTIFYs and the like: the engine's own, not the agent's.
            _ => return,
        };
        self.notice = Some(Notice::NotSent { party, what });
    }
}
