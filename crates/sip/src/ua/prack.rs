//! Reliable provisional responses (RFC 3262) on the caller's side: many PSTN gateways send
//! their 180/183 with `Require: 100rel` and drop the call unless each is PRACKed.

use web_time::Instant;

use super::{CallId, Owner, UserAgent};
use crate::{Method, NumericHeader, RAck, Response};

impl UserAgent {
    /// PRACKs a reliable provisional response (RSeq, Require: 100rel) of our INVITE.
    pub(super) fn prack(&mut self, call: CallId, resp: &Response, now: Instant) {
        let reliable = resp
            .headers
            .values("Require")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("100rel"));
        // The parser refused a bad RSeq already: here it is absent or in range.
        let rseq = NumericHeader::RSeq.get(&resp.headers).ok().flatten();
        let (true, Some(rseq), Ok(cseq)) = (reliable, rseq, resp.headers.cseq()) else {
            return;
        };
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        // RFC 3262 §4: each RSeq once, in order.
        if c.last_rseq.is_some_and(|last| rseq <= last) {
            return;
        }
        c.last_rseq = Some(rseq);
        let Some(dialog) = c.dialog.as_mut() else {
            return;
        };
        let mut req = dialog.request(Method::Prack);
        let rack = RAck { rseq, cseq };
        req.headers.push("RAck", rack.to_string());
        self.send_request(req, Owner::InDialog(call), now);
    }
}
