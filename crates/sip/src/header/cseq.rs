//! `CSeq` (RFC 3261 §20.16).

use core::fmt;
use core::str::FromStr;

use crate::parse::text::digits;
use crate::{Method, ParseError};

/// A `CSeq` value: `4711 INVITE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CSeq {
    /// The sequence number, below 2^31.
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Largest sequence number RFC 3261 §8.1.1.5 allows.
    pub const MAX_SEQ: u32 = (1 << 31) - 1;

    /// A CSeq with `seq` and `method`.
    pub fn new(seq: u32, method: Method) -> Self {
        Self { seq, method }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let mut it = s.split_whitespace();
        let (Some(seq), Some(method), None) = (it.next(), it.next(), it.next()) else {
            return Err("expected a number and a method");
        };
        let seq: u32 = digits(seq).ok_or("bad sequence number")?;
        if seq > Self::MAX_SEQ {
            return Err("sequence number is not below 2^31");
        }
        let method = method.parse().map_err(|_| "bad method")?;
        Ok(Self { seq, method })
    }
}

impl FromStr for CSeq {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|r| ParseError::header("CSeq", r))
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_print() {
        let c: CSeq = " 4711\tINVITE ".parse().unwrap();
        assert_eq!(c, CSeq::new(4711, Method::Invite));
        assert_eq!(c.to_string(), "4711 INVITE");
        assert_eq!("2147483647 FOO".parse::<CSeq>().unwrap().seq, CSeq::MAX_SEQ);
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "1",
            "INVITE",
            "x INVITE",
            "-1 INVITE",
            "2147483648 BYE",
            "1 BYE x",
            "1 B@D",
        ] {
            assert!(bad.parse::<CSeq>().is_err(), "{bad:?}");
        }
    }
}
