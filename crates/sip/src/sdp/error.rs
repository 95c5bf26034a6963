//! The error type of the SDP parser.

/// Why a session description was rejected. Line numbers start at 1.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum SdpError {
    /// The description is bigger than [`MAX_BYTES`](super::MAX_BYTES).
    #[error("SDP is {size} bytes, over the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// More lines than [`MAX_LINES`](super::MAX_LINES), or more media than
    /// [`MAX_MEDIA`](super::MAX_MEDIA).
    #[error("SDP has more than {limit} {what}")]
    TooMany {
        /// `lines` or `media descriptions`.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The text is not UTF-8.
    #[error("SDP is not UTF-8 (at byte {offset})")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A line is malformed.
    #[error("SDP line {line}: {reason}")]
    BadLine {
        /// The line number.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A line of a known type where RFC 8866 §5 does not allow it.
    #[error("SDP line {line}: `{kind}=` is out of order")]
    OutOfOrder {
        /// The line number.
        line: usize,
        /// The line type.
        kind: char,
    },
    /// A mandatory line is absent: `v=`, `o=`, `s=`, `t=`, or `c=` (session or every media).
    #[error("SDP has no `{0}` line")]
    Missing(&'static str),
}
