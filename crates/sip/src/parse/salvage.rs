//! What can still be read of a request the parser refused: just the headers a response
//! must copy (RFC 3261 §8.2.6.2), so that the sender hears why instead of retransmitting
//! into silence, or waiting out its Timer B or F.

use crate::headers::same_name;
use crate::parse::text::is_token;
use crate::parse::{has_bare_control, split_head, Limits};
use crate::{Headers, Method};

/// The headers a response copies from its request.
const COPIED: [&str; 5] = ["Via", "From", "To", "Call-ID", "CSeq"];

/// The Via, From, To, Call-ID and CSeq lines of a refused request, when each is there, well
/// formed and (except Via) alone, and the request is not an ACK (which is never answered).
/// `None` for a response, or when any of them is missing or broken: a response built from a
/// broken Via could not reach its sender anyway.
pub(crate) fn salvage(bytes: &[u8], limits: &Limits) -> Option<Headers> {
    let bytes = &bytes[..bytes.len().min(limits.max_message_bytes)];
    let start = bytes.iter().position(|&c| c != b'\r' && c != b'\n')?;
    let rest = &bytes[start..];
    let head_len = split_head(rest).map_or(rest.len(), |(len, _)| len);
    // Lossy: a stray byte in another header must not hide the ones we need.
    let head = String::from_utf8_lossy(&rest[..head_len]);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start_line = lines.next()?;
    if start_line
        .get(..4)
        .is_none_or(|s| s.eq_ignore_ascii_case("SIP/"))
    {
        return None;
    }
    let mut headers = Headers::new();
    for (name, value) in unfolded(lines, limits) {
        if COPIED.iter().any(|c| same_name(c, name)) && !has_bare_control(&value) {
            headers.push(name, value);
        }
    }
    for single in &COPIED[1..] {
        if headers.get_all(single).nth(1).is_some() {
            return None;
        }
    }
    headers.vias().ok().filter(|v| !v.is_empty())?;
    headers.from().ok()?;
    headers.to().ok()?;
    headers.call_id().ok()?;
    (headers.cseq().ok()?.method != Method::Ack).then_some(headers)
}

/// Header lines as (name, value), continuation lines joined; lines that are not headers,
/// and headers past the limits, are skipped.
fn unfolded<'a>(
    lines: impl Iterator<Item = &'a str>,
    limits: &Limits,
) -> impl Iterator<Item = (&'a str, String)> {
    let mut out: Vec<(&'a str, String)> = Vec::new();
    for line in lines.take(limits.max_headers.saturating_mul(4)) {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                let more = line.trim();
                if !more.is_empty() && value.len() + line.len() <= limits.max_header_bytes {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(more);
                }
            }
            continue;
        }
        if out.len() >= limits.max_headers || line.len() > limits.max_header_bytes {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim_end_matches([' ', '\t']);
        if is_token(name) {
            out.push((name, value.trim().to_owned()));
        }
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "Via: SIP/2.0/WS p.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c1\r\nCSeq: 2 BYE\r\n";

    #[test]
    fn keeps_what_a_response_copies_past_a_broken_header() {
        let msg = format!("BYE sip:b@x SIP/2.0\r\n{HEAD}Max-Forwards: 300\r\nJunk\r\n\r\n");
        let h = salvage(msg.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(h.len(), 5);
        assert_eq!(h.cseq().unwrap().seq, 2);
        let folded = msg.replace("Call-ID: c1", "Call-ID:\r\n c1");
        assert_eq!(
            salvage(folded.as_bytes(), &Limits::default())
                .unwrap()
                .call_id(),
            Ok("c1")
        );
    }

    #[test]
    fn gives_up_on_responses_acks_and_missing_or_broken_headers() {
        let limits = Limits::default();
        let resp = format!("SIP/2.0 200 OK\r\n{HEAD}Expires: x\r\n\r\n");
        assert_eq!(salvage(resp.as_bytes(), &limits), None);
        let ack = format!("ACK sip:b@x SIP/2.0\r\n{HEAD}").replace("2 BYE", "2 ACK");
        assert_eq!(salvage(ack.as_bytes(), &limits), None);
        let no_via = format!("BYE sip:b@x SIP/2.0\r\n{HEAD}").replace("Via:", "Vía:");
        assert_eq!(salvage(no_via.as_bytes(), &limits), None);
        let two_to = format!("BYE sip:b@x SIP/2.0\r\n{HEAD}To: <sip:c@x>\r\n");
        assert_eq!(salvage(two_to.as_bytes(), &limits), None);
        assert_eq!(salvage(b"\r\n", &limits), None);
        assert_eq!(salvage(&[0xff; 100], &limits), None);
    }
}
