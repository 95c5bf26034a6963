//! `RAck` (RFC 3262 §7.2): which reliable provisional response a PRACK acknowledges.

use core::fmt;
use core::str::FromStr;

use crate::header::numeric::NumberError;
use crate::parse::text::digits;
use crate::CSeq;

/// An `RAck` value: `7 1 INVITE` (the RSeq, then the CSeq of the response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RAck {
    /// The RSeq of the response acknowledged, 1 to 2^32-1.
    pub rseq: u32,
    /// The CSeq of the response acknowledged.
    pub cseq: CSeq,
}

impl RAck {
    /// Parses `response-num LWS CSeq-num LWS Method`. A number out of range is
    /// [`NumberError::NotANumber`] here; the RSeq's lower bound is checked by the caller.
    pub(crate) fn parse(s: &str) -> Result<Self, NumberError> {
        let mut it = s.split_whitespace();
        let (Some(rseq), Some(seq), Some(method), None) =
            (it.next(), it.next(), it.next(), it.next())
        else {
            return Err(NumberError::NotANumber);
        };
        let rseq = digits(rseq).ok_or(NumberError::NotANumber)?;
        let cseq = CSeq::parse(&format!("{seq} {method}")).map_err(|_| NumberError::NotANumber)?;
        Ok(Self { rseq, cseq })
    }
}

impl FromStr for RAck {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for RAck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.rseq, self.cseq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;

    #[test]
    fn parse_print() {
        let r = RAck::parse(" 7\t1  INVITE ").unwrap();
        assert_eq!(r.rseq, 7);
        assert_eq!(r.cseq, CSeq::new(1, Method::Invite));
        assert_eq!(r.to_string(), "7 1 INVITE");
        assert_eq!(RAck::parse(&r.to_string()), Ok(r));
        for bad in ["", "7", "7 1", "x 1 INVITE", "7 1 INVITE x", "7 -1 INVITE"] {
            assert!(RAck::parse(bad).is_err(), "{bad:?}");
        }
    }
}
