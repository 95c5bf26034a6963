//! Messages we refuse. A request we can still answer (its Via, From, To, Call-ID and CSeq
//! are readable) gets 400 with the reason in the status line and a Warning, so the sender
//! learns what to fix instead of retransmitting; anything else is dropped. Either way only
//! the event tells the call engine: no call changes.

use super::{UaEvent, UserAgent};
use crate::{
    DialogError, DigestError, Headers, Message, NumberError, NumericHeader, ParseError, Response,
};

/// Why a received message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// The frame is not a SIP message we accept.
    #[error(transparent)]
    Message(#[from] ParseError),
    /// A new INVITE whose From has no tag (RFC 3261 §8.1.1.3).
    #[error("INVITE From has no tag")]
    InviteWithoutFromTag,
    /// A new INVITE with no Contact: in-dialog requests would have nowhere to go.
    #[error("INVITE has no Contact")]
    InviteWithoutContact,
    /// A 2xx to our INVITE from which no dialog can be built.
    #[error(transparent)]
    Dialog(#[from] DialogError),
    /// A challenge we cannot answer.
    #[error(transparent)]
    Digest(#[from] DigestError),
}

/// Longest reason phrase we send: enough to say what was wrong, no echo of a whole header.
const MAX_REASON_CHARS: usize = 120;

impl UserAgent {
    /// Reports a refused message that gets no answer.
    pub(super) fn malformed(&mut self, error: Malformed) {
        self.events.push_back(UaEvent::Malformed {
            error,
            answered: None,
        });
    }

    /// A frame the parser refused: answered when it is a request we can answer.
    pub(super) fn on_unparseable(&mut self, frame: &[u8], error: ParseError) {
        let status = status_for(&error);
        let error = Malformed::Message(error);
        let answer = crate::parse::salvage(frame, &self.limits)
            .map(|headers| self.refusal(&headers, status, &error))
            // Never send what we would refuse ourselves (a salvaged header that prints
            // differently, a response grown past the size limit).
            .filter(|resp| Message::parse_with(&resp.to_bytes(), &self.limits).is_ok());
        let answered = answer.map(|resp| {
            self.send_response(&resp);
            resp.status
        });
        self.events
            .push_back(UaEvent::Malformed { error, answered });
    }

    /// Answers a request we refuse with `status`, and reports it.
    pub(super) fn refuse(&mut self, headers: &Headers, status: u16, error: Malformed) {
        let resp = self.refusal(headers, status, &error);
        self.send_response(&resp);
        self.events.push_back(UaEvent::Malformed {
            error,
            answered: Some(status),
        });
    }

    /// The response refusing a request: what was wrong in the reason phrase and in a
    /// Warning (RFC 3261 §20.43, code 399), and the Min-SE a 422 must carry (RFC 4028 §6).
    fn refusal(&mut self, headers: &Headers, status: u16, error: &Malformed) -> Response {
        let tag = self.rng.token(10);
        let mut resp = self.response_to(headers, status, &tag);
        let text: String = error
            .to_string()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_REASON_CHARS)
            .collect();
        let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
        resp.headers
            .push("Warning", format!("399 {} \"{quoted}\"", self.via_host));
        resp.reason = text;
        if status == 422 {
            resp.headers
                .push("Min-SE", super::session_timer::MIN_SE.to_string());
        }
        resp
    }
}

/// The status refusing a request the parser refused for `error`.
fn status_for(error: &ParseError) -> u16 {
    match error {
        ParseError::TooLarge { .. } => 513,
        // RFC 4028 §8.1: a session interval below our minimum is "too small", not malformed.
        ParseError::BadNumber {
            header: NumericHeader::SessionExpires,
            error: NumberError::Below { .. },
        } => 422,
        _ => 400,
    }
}
