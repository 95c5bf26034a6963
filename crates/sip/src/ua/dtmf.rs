//! DTMF over SIP INFO (`application/dtmf-relay`, the de facto format JsSIP, Asterisk and
//! FreeSWITCH use): send a digit in a call, and hand received ones to the engine.

use web_time::Instant;

use super::{CallId, Owner, UaError, UaEvent, UserAgent};
use crate::{Method, Request};

/// The body type of a DTMF INFO.
pub const DTMF_RELAY: &str = "application/dtmf-relay";

/// Whether `c` is a DTMF digit (0-9, *, #, A-D).
pub fn is_dtmf(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D')
}

impl UserAgent {
    /// Send one DTMF digit lasting `duration_ms` in `call` (SIP INFO).
    pub fn send_dtmf(
        &mut self,
        call: CallId,
        digit: char,
        duration_ms: u32,
        now: Instant,
    ) -> Result<(), UaError> {
        if !is_dtmf(digit) {
            return Err(UaError::WrongState {
                call,
                action: "send that as DTMF",
            });
        }
        let mut req = self.confirmed_request(call, Method::Info, "send DTMF")?;
        req.headers.push("Content-Type", DTMF_RELAY);
        req.body = format!("Signal={digit}\r\nDuration={duration_ms}\r\n").into_bytes();
        self.send_request(req, Owner::InDialog(call), now);
        Ok(())
    }

    pub(super) fn on_info(&mut self, req: Request) {
        let Some(call) = self.dialog_of(&req) else {
            let resp = self.plain_response(&req, 481);
            return self.send_response(&resp);
        };
        let kind = req
            .headers
            .content_type()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !kind.starts_with(DTMF_RELAY) {
            let mut resp = self.plain_response(&req, 415);
            resp.headers.push("Accept", DTMF_RELAY);
            return self.send_response(&resp);
        }
        let digit = parse_signal(&req.body);
        let status = if digit.is_some() { 200 } else { 400 };
        let resp = self.plain_response(&req, status);
        self.send_response(&resp);
        if let Some(digit) = digit {
            self.events.push_back(UaEvent::Dtmf { call, digit });
        }
    }
}

/// The digit of a `Signal=5` line.
fn parse_signal(body: &[u8]) -> Option<char> {
    let text = std::str::from_utf8(body).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("signal") {
            return None;
        }
        let mut chars = v.trim().chars();
        let c = chars.next()?.to_ascii_uppercase();
        (chars.next().is_none() && is_dtmf(c)).then_some(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_lines() {
        assert_eq!(parse_signal(b"Signal=5\r\nDuration=160\r\n"), Some('5'));
        assert_eq!(parse_signal(b"signal= #\n"), Some('#'));
        assert_eq!(parse_signal(b"Signal=x"), None);
        assert_eq!(parse_signal(b"Signal=12"), None);
        assert_eq!(parse_signal(&[0xff, 0xfe]), None);
    }
}
