//! The one-line verdict of `sip-lint`, kept in the library so tests can call it.

use crate::{Message, ParseError};

/// Parses `bytes` as one SIP message received over WebSocket (RFC 7118: one message per frame)
/// and says what it is: `INVITE <Call-ID>` for a request, `200 <Call-ID>` for a response.
///
/// The `sip-lint` example prints `OK <this>` or `ERR <the error>` per file.
pub fn lint(bytes: &[u8]) -> Result<String, ParseError> {
    let msg = Message::parse(bytes)?;
    let call_id = msg.headers().call_id()?;
    Ok(match &msg {
        Message::Request(r) => format!("{} {call_id}", r.method),
        Message::Response(r) => format!("{} {call_id}", r.status),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let ok = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/WS h;branch=z9hG4bK1\r\nTo: <sip:b@x>\r\n\
                  From: <sip:a@x>;tag=1\r\nCall-ID: abc\r\nCSeq: 1 INVITE\r\n\r\n";
        assert_eq!(lint(ok.as_bytes()).unwrap(), "180 abc");
        assert_eq!(lint(b"\r\n\r\n"), Err(ParseError::Empty));
    }
}
