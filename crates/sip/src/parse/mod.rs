//! The message parser (RFC 3261 §7, RFC 7118 framing): one whole message per call.

mod salvage;
pub(crate) mod text;

pub(crate) use salvage::salvage;

use crate::headers::same_name;
use crate::parse::text::{cut, digits, is_token};
use crate::{Headers, Message, Method, ParseError, Request, Response, Uri};

/// Bounds on untrusted input, checked before the parser allocates for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole message, in bytes.
    pub max_message_bytes: usize,
    /// Most header lines (after unfolding).
    pub max_headers: usize,
    /// Largest header, in bytes, folded lines included; also bounds the start line.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 65536,
            max_headers: 128,
            max_header_bytes: 8192,
        }
    }
}

/// Headers every message must carry (RFC 3261 §8.1.1); Max-Forwards is tolerated absent.
const REQUIRED: [&str; 5] = ["Via", "To", "From", "Call-ID", "CSeq"];

/// Headers that take exactly one value: a second line is an error (RFC 4475 §3.3.8, §3.3.9).
const SINGLE: [&str; 6] = [
    "To",
    "From",
    "Call-ID",
    "CSeq",
    "Content-Length",
    "Max-Forwards",
];

/// Where the header section ends: `(head_len, body_start)`. Accepts CRLF and bare LF.
pub(crate) fn split_head(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'\n') {
        let nl = i + off;
        match b.get(nl + 1..) {
            Some([b'\n', ..]) => return Some((nl, nl + 2)),
            Some([b'\r', b'\n', ..]) => return Some((nl, nl + 3)),
            _ => i = nl + 1,
        }
    }
    None
}

pub(crate) fn parse_message(bytes: &[u8], limits: &Limits) -> Result<Message, ParseError> {
    if bytes.len() > limits.max_message_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_message_bytes,
        });
    }
    // RFC 3261 §7.5: line ends before the start line are ignored.
    let start = bytes
        .iter()
        .position(|&c| c != b'\r' && c != b'\n')
        .ok_or(ParseError::Empty)?;
    let rest = &bytes[start..];
    let (head_len, body_start) = split_head(rest).ok_or(ParseError::MissingBlankLine)?;
    let head = core::str::from_utf8(&rest[..head_len]).map_err(|e| ParseError::NotUtf8 {
        offset: start + e.valid_up_to(),
    })?;
    let body = &rest[body_start..];

    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start_line = lines.next().unwrap_or_default();
    if start_line.len() > limits.max_header_bytes {
        return Err(ParseError::BadStartLine {
            reason: "start line is longer than the header limit",
        });
    }
    let start = match start_line.strip_prefix_ignore_case("SIP/") {
        Some(status_line) => {
            let (status, reason) = parse_status_line(status_line)?;
            StartLine::Status(status, reason)
        }
        None => {
            let (method, uri) = parse_request_line(start_line)?;
            StartLine::Request(method, uri)
        }
    };
    let headers = parse_headers(lines, limits)?;
    for name in SINGLE {
        if headers.get_all(name).nth(1).is_some() {
            return Err(ParseError::DuplicateHeader(name));
        }
    }

    if let Some(declared) = headers.content_length()? {
        if declared != body.len() {
            return Err(ParseError::ContentLengthMismatch {
                declared,
                actual: body.len(),
            });
        }
    }
    for name in REQUIRED {
        if !headers.contains(name) {
            return Err(ParseError::MissingHeader(name));
        }
    }
    headers.vias()?;
    headers.to()?;
    headers.from()?;
    headers.call_id()?;
    let cseq = headers.cseq()?;
    crate::header::numeric::check(&headers)?;
    // The headers the dialog layer reads are checked here, so a bad one is a 400 at once.
    if !headers.contact_is_wildcard() {
        headers.contacts()?;
    }
    headers.record_routes()?;
    headers.routes()?;
    if let Some(date) = headers.get("Date") {
        crate::header::date::check(date).map_err(|r| ParseError::header("Date", r))?;
    }

    let body = body.to_vec();
    Ok(match start {
        StartLine::Status(status, reason) => Message::Response(Response {
            status,
            reason: reason.to_owned(),
            headers,
            body,
        }),
        StartLine::Request(method, uri) => {
            if cseq.method != method {
                return Err(ParseError::CSeqMethodMismatch);
            }
            Message::Request(Request {
                method,
                uri,
                headers,
                body,
            })
        }
    })
}

enum StartLine<'a> {
    Request(Method, Uri),
    Status(u16, &'a str),
}

trait StripIgnoreCase {
    fn strip_prefix_ignore_case(&self, prefix: &str) -> Option<&str>;
}

impl StripIgnoreCase for str {
    fn strip_prefix_ignore_case(&self, prefix: &str) -> Option<&str> {
        let head = self.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| &self[prefix.len()..])
    }
}

/// `2.0 SP 3DIGIT SP reason` (after `SIP/`).
fn parse_status_line(s: &str) -> Result<(u16, &str), ParseError> {
    let bad = |reason| ParseError::BadStartLine { reason };
    let rest = s
        .strip_prefix("2.0 ")
        .ok_or(bad("version is not SIP/2.0"))?;
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 {
        return Err(bad("status code is not 3 digits"));
    }
    let status: u16 = digits(code).ok_or(bad("status code is not 3 digits"))?;
    if !(100..=699).contains(&status) {
        return Err(bad("status code is not 100 to 699"));
    }
    if reason.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(bad("control character in reason phrase"));
    }
    Ok((status, reason))
}

/// `METHOD SP Request-URI SP SIP/2.0`.
fn parse_request_line(s: &str) -> Result<(Method, Uri), ParseError> {
    let bad = |reason| ParseError::BadStartLine { reason };
    let mut parts = s.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("request line is not METHOD SP URI SP SIP/2.0"));
    };
    if !is_token(method) {
        return Err(bad("method is not a token"));
    }
    if !version.eq_ignore_ascii_case("SIP/2.0") {
        return Err(bad("version is not SIP/2.0"));
    }
    let method = method.parse().map_err(|_| bad("method is not a token"))?;
    let uri: Uri = uri.parse()?;
    // RFC 3261 §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
    if !uri.headers.is_empty() {
        return Err(ParseError::BadUri {
            reason: "Request-URI has ?headers",
        });
    }
    Ok((method, uri))
}

/// Header lines, unfolding continuations (lines starting with SP or HT).
fn parse_headers<'a>(
    lines: impl Iterator<Item = &'a str>,
    limits: &Limits,
) -> Result<Headers, ParseError> {
    let mut headers = Headers::new();
    // The current header: name, value so far, raw bytes so far.
    let mut cur: Option<(&str, String, usize)> = None;
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let Some((name, value, raw)) = cur.as_mut() else {
                return Err(ParseError::BadStartLine {
                    reason: "folded line right after the start line",
                });
            };
            *raw += line.len() + 2;
            if *raw > limits.max_header_bytes {
                return Err(too_long(name, limits));
            }
            let more = line.trim();
            if !more.is_empty() {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(more);
            }
            continue;
        }
        if let Some((name, value, _)) = cur.take() {
            finish(&mut headers, name, value)?;
        }
        if headers.len() >= limits.max_headers {
            return Err(ParseError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ParseError::header(line, "line has no colon"));
        };
        let name = name.trim_end_matches([' ', '\t']);
        if !is_token(name) {
            return Err(ParseError::header(name, "bad header name"));
        }
        if line.len() > limits.max_header_bytes {
            return Err(too_long(name, limits));
        }
        cur = Some((name, value.trim().to_owned(), line.len()));
    }
    if let Some((name, value, _)) = cur {
        finish(&mut headers, name, value)?;
    }
    Ok(headers)
}

fn finish(headers: &mut Headers, name: &str, value: String) -> Result<(), ParseError> {
    if has_bare_control(&value) {
        return Err(ParseError::header(name, "control character in value"));
    }
    if same_name(name, "Content-Length") && digits::<usize>(&value).is_none() {
        return Err(ParseError::header(name, "not a decimal number"));
    }
    headers.push(name, value);
    Ok(())
}

/// Whether `v` has a control character other than HT that is not a quoted-pair inside a
/// quoted string (RFC 3261 §25.1 allows `\` before %x00-09, %x0B-0C, %x0E-7F; RFC 4475
/// §3.1.1.2 uses it).
///
/// Byte by byte: everything it looks for is ASCII, and the bytes of a multi-byte character are
/// all >= 0x80 (after a `\` only the lead byte is skipped; the rest match nothing).
pub(crate) fn has_bare_control(v: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for b in v.bytes() {
        if escaped {
            escaped = false;
            if b == b'\r' || b == b'\n' {
                return true;
            }
            continue;
        }
        match b {
            b'"' => quoted = !quoted,
            b'\\' if quoted => escaped = true,
            b if b.is_ascii_control() && b != b'\t' => return true,
            _ => {}
        }
    }
    false
}

fn too_long(name: &str, limits: &Limits) -> ParseError {
    ParseError::HeaderTooLong {
        name: cut(name, 64).to_owned(),
        limit: limits.max_header_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_split() {
        assert_eq!(split_head(b"a\r\n\r\nbody"), Some((2, 5)));
        assert_eq!(split_head(b"a\n\nbody"), Some((1, 3)));
        assert_eq!(split_head(b"a\r\nb\r\n"), None);
        assert_eq!(split_head(b"\n"), None);
    }

    #[test]
    fn controls_only_as_quoted_pairs() {
        assert!(!has_bare_control("\"a\\\u{7}b\" <sip:x>\t;p"));
        assert!(has_bare_control("a\u{7}b"));
        assert!(has_bare_control("\"a\u{7}\""));
        assert!(has_bare_control("a\\\u{7}"));
    }
}
