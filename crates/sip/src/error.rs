//! The error type of the message layer.

use crate::header::numeric::{NumberError, NumericHeader};

/// Why a SIP message, header or URI could not be parsed.
///
/// Header-level variants name the header, so a 400 reason phrase or a log line can say what
/// was wrong and where.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The message is bigger than [`Limits::max_message_bytes`](crate::Limits).
    #[error("message is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The message has more header lines than [`Limits::max_headers`](crate::Limits).
    #[error("message has more than {limit} headers")]
    TooManyHeaders {
        /// The configured limit.
        limit: usize,
    },
    /// One header (with its folded lines) is longer than
    /// [`Limits::max_header_bytes`](crate::Limits).
    #[error("header {name} is longer than {limit} bytes")]
    HeaderTooLong {
        /// The header name (cut to 64 bytes).
        name: String,
        /// The configured limit.
        limit: usize,
    },
    /// The request line or status line is malformed.
    #[error("bad start line: {reason}")]
    BadStartLine {
        /// What is wrong.
        reason: &'static str,
    },
    /// A header line or a typed header value is malformed.
    #[error("bad {name} header: {reason}")]
    BadHeader {
        /// The header name (cut to 64 bytes).
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A header the message must carry is absent.
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    /// A header with a numeric grammar has a value outside it (see [`NumericHeader`]).
    #[error("bad {} header: {error}", header.name())]
    BadNumber {
        /// Which header.
        header: NumericHeader,
        /// What is wrong with its value.
        error: NumberError,
    },
    /// A header that takes one value appears more than once (RFC 4475 §3.3.8, §3.3.9).
    #[error("{0} header appears more than once")]
    DuplicateHeader(&'static str),
    /// A URI (the Request-URI, or one parsed on its own) is malformed.
    #[error("bad URI: {reason}")]
    BadUri {
        /// What is wrong.
        reason: &'static str,
    },
    /// A method token is malformed.
    #[error("bad method: {reason}")]
    BadMethod {
        /// What is wrong.
        reason: &'static str,
    },
    /// `Content-Length` disagrees with the bytes after the blank line.
    #[error("Content-Length is {declared} but the body is {actual} bytes")]
    ContentLengthMismatch {
        /// The value of the header.
        declared: usize,
        /// The length of the body received.
        actual: usize,
    },
    /// The method in `CSeq` differs from the request method.
    #[error("CSeq method does not match the request method")]
    CSeqMethodMismatch,
    /// The start line or header section is not valid UTF-8.
    #[error("header section is not UTF-8 (at byte {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// No empty line ends the header section.
    #[error("no blank line ends the header section")]
    MissingBlankLine,
    /// The input holds nothing but line ends.
    #[error("message is empty")]
    Empty,
}

impl ParseError {
    /// A [`ParseError::BadHeader`] for `name`, cutting a long (hostile) name short.
    pub(crate) fn header(name: &str, reason: &'static str) -> Self {
        Self::BadHeader {
            name: crate::parse::text::cut(name, 64).to_owned(),
            reason,
        }
    }
}
