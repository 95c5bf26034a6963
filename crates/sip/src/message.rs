//! Requests, responses and their wire form.

use core::fmt;

use crate::headers::same_name;
use crate::parse::{parse_message, Limits};
use crate::{Headers, Method, ParseError, Uri};

/// A SIP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method of the request line.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// The headers, in order.
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

/// A SIP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, 100 to 699.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// The headers, in order.
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

/// A request or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

/// Writes the headers, then the blank line. `Content-Length` always says `body_len`: it
/// replaces the first Content-Length line (keeping its name), others are dropped, and it is
/// appended when absent.
fn write_headers(headers: &Headers, body_len: usize, f: &mut impl fmt::Write) -> fmt::Result {
    let mut wrote_len = false;
    for h in headers {
        if same_name(&h.name, "Content-Length") {
            if !wrote_len {
                write!(f, "{}: {body_len}\r\n", h.name)?;
                wrote_len = true;
            }
        } else {
            write!(f, "{}: {}\r\n", h.name, h.value)?;
        }
    }
    if !wrote_len {
        write!(f, "Content-Length: {body_len}\r\n")?;
    }
    f.write_str("\r\n")
}

fn with_body(head: String, body: &[u8]) -> Vec<u8> {
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The text form: the head, then the body, printed lossily when it is not UTF-8.
fn with_text_body(mut head: String, body: &[u8]) -> String {
    head.push_str(&String::from_utf8_lossy(body));
    head
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, uri: Uri) -> Self {
        Self {
            method,
            uri,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    fn head(&self) -> String {
        let mut s = format!("{} {} SIP/2.0\r\n", self.method, self.uri);
        let _ = write_headers(&self.headers, self.body.len(), &mut s);
        s
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        with_body(self.head(), &self.body)
    }

    /// The text form, as [`fmt::Display`] prints it, built directly: what goes on a
    /// WebSocket text frame.
    pub fn to_text(&self) -> String {
        with_text_body(self.head(), &self.body)
    }
}

impl Response {
    /// A response with no headers and no body.
    pub fn new(status: u16, reason: &str) -> Self {
        Self {
            status,
            reason: reason.to_owned(),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    fn head(&self) -> String {
        let mut s = format!("SIP/2.0 {} {}\r\n", self.status, self.reason);
        let _ = write_headers(&self.headers, self.body.len(), &mut s);
        s
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        with_body(self.head(), &self.body)
    }

    /// The text form, as [`fmt::Display`] prints it, built directly: what goes on a
    /// WebSocket text frame.
    pub fn to_text(&self) -> String {
        with_text_body(self.head(), &self.body)
    }

    /// Whether the status is 1xx.
    pub fn is_provisional(&self) -> bool {
        self.status < 200
    }

    /// The RFC reason phrase for `status`, or `""` for an unknown code.
    pub fn default_reason(status: u16) -> &'static str {
        // Two tables rather than a `match`: the match compiled to a jump table with a
        // pointer and a length per code, about 1 KB of code in the app's wasm.
        REASON_CODES
            .iter()
            .position(|&c| c == status)
            .and_then(|i| REASON_PHRASES.split('\n').nth(i))
            .unwrap_or("")
    }
}

/// The status codes [`Response::default_reason`] knows, in the order of [`REASON_PHRASES`].
const REASON_CODES: [u16; 57] = [
    100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404,
    405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 420, 421, 422, 423, 480, 481, 482, 483, 484,
    485, 486, 487, 488, 489, 491, 493, 500, 501, 502, 503, 504, 505, 513, 580, 600, 603, 604, 606,
];

/// Their reason phrases (RFC 3261 §21 and the extensions we meet), one a line.
const REASON_PHRASES: &str = "\
Trying\n\
Ringing\n\
Call Is Being Forwarded\n\
Queued\n\
Session Progress\n\
Early Dialog Terminated\n\
OK\n\
Accepted\n\
No Notification\n\
Multiple Choices\n\
Moved Permanently\n\
Moved Temporarily\n\
Use Proxy\n\
Alternative Service\n\
Bad Request\n\
Unauthorized\n\
Payment Required\n\
Forbidden\n\
Not Found\n\
Method Not Allowed\n\
Not Acceptable\n\
Proxy Authentication Required\n\
Request Timeout\n\
Gone\n\
Conditional Request Failed\n\
Request Entity Too Large\n\
Request-URI Too Long\n\
Unsupported Media Type\n\
Unsupported URI Scheme\n\
Bad Extension\n\
Extension Required\n\
Session Interval Too Small\n\
Interval Too Brief\n\
Temporarily Unavailable\n\
Call/Transaction Does Not Exist\n\
Loop Detected\n\
Too Many Hops\n\
Address Incomplete\n\
Ambiguous\n\
Busy Here\n\
Request Terminated\n\
Not Acceptable Here\n\
Bad Event\n\
Request Pending\n\
Undecipherable\n\
Server Internal Error\n\
Not Implemented\n\
Bad Gateway\n\
Service Unavailable\n\
Server Time-out\n\
Version Not Supported\n\
Message Too Large\n\
Precondition Failure\n\
Busy Everywhere\n\
Decline\n\
Does Not Exist Anywhere\n\
Not Acceptable\n";

impl Message {
    /// Parses one message with the default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        parse_message(bytes, &Limits::default())
    }

    /// Parses one message (a whole WebSocket frame, RFC 7118) within `limits`.
    pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Self, ParseError> {
        parse_message(bytes, limits)
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Request(r) => r.to_bytes(),
            Self::Response(r) => r.to_bytes(),
        }
    }

    /// The headers.
    pub fn headers(&self) -> &Headers {
        match self {
            Self::Request(r) => &r.headers,
            Self::Response(r) => &r.headers,
        }
    }

    /// The headers, mutably.
    pub fn headers_mut(&mut self) -> &mut Headers {
        match self {
            Self::Request(r) => &mut r.headers,
            Self::Response(r) => &mut r.headers,
        }
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        match self {
            Self::Request(r) => &r.body,
            Self::Response(r) => &r.body,
        }
    }
}

impl From<Request> for Message {
    fn from(r: Request) -> Self {
        Self::Request(r)
    }
}

impl From<Response> for Message {
    fn from(r: Response) -> Self {
        Self::Response(r)
    }
}

/// The text form; a non-UTF-8 body is printed lossily.
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// The text form; a non-UTF-8 body is printed lossily.
impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(r) => r.fmt(f),
            Self::Response(r) => r.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `match` the tables replaced, kept as the reference.
    fn matched_reason(status: u16) -> &'static str {
        match status {
            100 => "Trying",
            180 => "Ringing",
            181 => "Call Is Being Forwarded",
            182 => "Queued",
            183 => "Session Progress",
            199 => "Early Dialog Terminated",
            200 => "OK",
            202 => "Accepted",
            204 => "No Notification",
            300 => "Multiple Choices",
            301 => "Moved Permanently",
            302 => "Moved Temporarily",
            305 => "Use Proxy",
            380 => "Alternative Service",
            400 => "Bad Request",
            401 => "Unauthorized",
            402 => "Payment Required",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            407 => "Proxy Authentication Required",
            408 => "Request Timeout",
            410 => "Gone",
            412 => "Conditional Request Failed",
            413 => "Request Entity Too Large",
            414 => "Request-URI Too Long",
            415 => "Unsupported Media Type",
            416 => "Unsupported URI Scheme",
            420 => "Bad Extension",
            421 => "Extension Required",
            422 => "Session Interval Too Small",
            423 => "Interval Too Brief",
            480 => "Temporarily Unavailable",
            481 => "Call/Transaction Does Not Exist",
            482 => "Loop Detected",
            483 => "Too Many Hops",
            484 => "Address Incomplete",
            485 => "Ambiguous",
            486 => "Busy Here",
            487 => "Request Terminated",
            488 => "Not Acceptable Here",
            489 => "Bad Event",
            491 => "Request Pending",
            493 => "Undecipherable",
            500 => "Server Internal Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Server Time-out",
            505 => "Version Not Supported",
            513 => "Message Too Large",
            580 => "Precondition Failure",
            600 => "Busy Everywhere",
            603 => "Decline",
            604 => "Does Not Exist Anywhere",
            606 => "Not Acceptable",
            _ => "",
        }
    }

    #[test]
    fn text_form_is_the_wire_form_read_lossily() {
        let uri: Uri = "sip:bob@example.com;transport=ws".parse().unwrap();
        let mut seed = 0x2545_f491_u32;
        for n in 0..200 {
            let body: Vec<u8> = (0..n % 37)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let mut req = Request::new(Method::Invite, uri.clone());
            req.headers.push("Call-ID", format!("c{n}"));
            req.body.clone_from(&body);
            let mut resp = Response::new(200 + n as u16, "OK");
            resp.headers.push("Content-Length", "999".to_owned());
            resp.body = body;
            for (text, bytes) in [
                (req.to_text(), req.to_bytes()),
                (resp.to_text(), resp.to_bytes()),
            ] {
                assert_eq!(text, String::from_utf8_lossy(&bytes));
            }
            assert_eq!(req.to_text(), req.to_string());
        }
    }

    #[test]
    fn reason_tables_say_what_the_match_said() {
        assert_eq!(REASON_CODES.len(), REASON_PHRASES.lines().count());
        for status in 0..=u16::MAX {
            assert_eq!(
                Response::default_reason(status),
                matched_reason(status),
                "{status}"
            );
        }
    }
}
