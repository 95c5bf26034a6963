//! Headers whose value is a number with a defined range (RFC 3261 §20.19, §20.22, §20.23;
//! RFC 3262 §7; RFC 4028 §4, §5; RFC 5626 §11.2). A value outside its grammar or range is a
//! message error: a request carrying one is answered 400 (422 for a session interval below
//! the minimum), a response carrying one is dropped, before any of it reaches a call.

use core::fmt;

use crate::header::rack::RAck;
use crate::parse::text::digits;
use crate::{Headers, ParseError};

/// A header with a numeric grammar the message parser checks.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumericHeader {
    /// `Max-Forwards`, 0 to 255.
    MaxForwards,
    /// `Expires`, delta-seconds.
    Expires,
    /// `Min-Expires`, delta-seconds.
    MinExpires,
    /// `Session-Expires` (RFC 4028), at least 90 seconds.
    SessionExpires,
    /// `Min-SE` (RFC 4028), at least 90 seconds.
    MinSe,
    /// `RSeq` (RFC 3262), 1 to 2^32-1.
    RSeq,
    /// `RAck` (RFC 3262): an RSeq, a CSeq number below 2^31 and a method.
    RAck,
    /// `Flow-Timer` (RFC 5626), seconds.
    FlowTimer,
}

/// What is wrong with a numeric header value.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberError {
    /// Not a decimal number (a sign, a space, letters, nothing), or too many digits for 32
    /// bits.
    NotANumber,
    /// Below the smallest value the header allows.
    Below {
        /// The smallest value allowed.
        min: u32,
    },
    /// Above the largest value the header allows.
    Above {
        /// The largest value allowed.
        max: u32,
    },
}

/// RFC 4028 §4, §5: no session interval below 90 seconds.
pub const MIN_SESSION_INTERVAL: u32 = 90;

impl NumericHeader {
    /// Every header this module checks.
    pub const ALL: [Self; 8] = [
        Self::MaxForwards,
        Self::Expires,
        Self::MinExpires,
        Self::SessionExpires,
        Self::MinSe,
        Self::RSeq,
        Self::RAck,
        Self::FlowTimer,
    ];

    /// The header's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::MaxForwards => "Max-Forwards",
            Self::Expires => "Expires",
            Self::MinExpires => "Min-Expires",
            Self::SessionExpires => "Session-Expires",
            Self::MinSe => "Min-SE",
            Self::RSeq => "RSeq",
            Self::RAck => "RAck",
            Self::FlowTimer => "Flow-Timer",
        }
    }

    /// The smallest and largest value allowed.
    pub fn bounds(self) -> (u32, u32) {
        match self {
            Self::MaxForwards => (0, 255),
            Self::SessionExpires | Self::MinSe => (MIN_SESSION_INTERVAL, u32::MAX),
            Self::RSeq | Self::RAck => (1, u32::MAX),
            Self::Expires | Self::MinExpires | Self::FlowTimer => (0, u32::MAX),
        }
    }

    /// The number a value carries: the whole value, or the part before `;` parameters
    /// (Session-Expires, Min-SE), or the RSeq of an RAck.
    pub fn parse(self, value: &str) -> Result<u32, NumberError> {
        let n = match self {
            Self::RAck => RAck::parse(value)?.rseq,
            Self::SessionExpires | Self::MinSe => {
                let number = value.split(';').next().unwrap_or_default();
                digits(number.trim()).ok_or(NumberError::NotANumber)?
            }
            _ => digits(value).ok_or(NumberError::NotANumber)?,
        };
        let (min, max) = self.bounds();
        if n < min {
            return Err(NumberError::Below { min });
        }
        if n > max {
            return Err(NumberError::Above { max });
        }
        Ok(n)
    }

    /// The value of the first line of this header, if there is one.
    pub fn get(self, headers: &Headers) -> Result<Option<u32>, ParseError> {
        headers
            .get(self.name())
            .map(|v| self.parse(v).map_err(|error| self.error(error)))
            .transpose()
    }

    fn error(self, error: NumberError) -> ParseError {
        ParseError::BadNumber {
            header: self,
            error,
        }
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotANumber => f.write_str("not a 32-bit decimal number"),
            Self::Below { min } => write!(f, "below {min}"),
            Self::Above { max } => write!(f, "above {max}"),
        }
    }
}

/// Checks every line of every numeric header.
pub(crate) fn check(headers: &Headers) -> Result<(), ParseError> {
    for header in NumericHeader::ALL {
        for value in headers.get_all(header.name()) {
            header.parse(value).map_err(|error| header.error(error))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberError::{Above, Below, NotANumber};
    use NumericHeader::*;

    #[test]
    fn max_forwards_is_0_to_255() {
        assert_eq!(MaxForwards.parse("0"), Ok(0));
        assert_eq!(MaxForwards.parse("0068"), Ok(68));
        assert_eq!(MaxForwards.parse("255"), Ok(255));
        assert_eq!(MaxForwards.parse("256"), Err(Above { max: 255 }));
        assert_eq!(MaxForwards.parse("-1"), Err(NotANumber));
        assert_eq!(MaxForwards.parse(""), Err(NotANumber));
    }

    #[test]
    fn expires_and_min_expires_are_32_bit_seconds() {
        for h in [Expires, MinExpires] {
            assert_eq!(h.parse("0"), Ok(0));
            assert_eq!(h.parse("4294967295"), Ok(u32::MAX));
            assert_eq!(h.parse("4294967296"), Err(NotANumber));
            assert_eq!(h.parse("10000000000000"), Err(NotANumber));
            assert_eq!(h.parse("1 1"), Err(NotANumber));
            assert_eq!(h.parse("3600s"), Err(NotANumber));
        }
    }

    #[test]
    fn session_intervals_are_at_least_90_and_keep_their_parameters() {
        assert_eq!(SessionExpires.parse("1800;refresher=uac"), Ok(1800));
        assert_eq!(SessionExpires.parse("90 ; refresher=uas"), Ok(90));
        assert_eq!(SessionExpires.parse("89"), Err(Below { min: 90 }));
        assert_eq!(SessionExpires.parse("0"), Err(Below { min: 90 }));
        assert_eq!(SessionExpires.parse(";refresher=uac"), Err(NotANumber));
        assert_eq!(MinSe.parse("90"), Ok(90));
        assert_eq!(MinSe.parse("30"), Err(Below { min: 90 }));
        assert_eq!(MinSe.parse("x"), Err(NotANumber));
    }

    #[test]
    fn rseq_and_rack_are_1_to_2_32() {
        assert_eq!(RSeq.parse("1"), Ok(1));
        assert_eq!(RSeq.parse("4294967295"), Ok(u32::MAX));
        assert_eq!(RSeq.parse("0"), Err(Below { min: 1 }));
        assert_eq!(RSeq.parse("4294967296"), Err(NotANumber));
        assert_eq!(RAck.parse("7 1 INVITE"), Ok(7));
        assert_eq!(RAck.parse("0 1 INVITE"), Err(Below { min: 1 }));
        assert_eq!(RAck.parse("7 2147483648 INVITE"), Err(NotANumber));
        assert_eq!(RAck.parse("7 1"), Err(NotANumber));
    }

    #[test]
    fn flow_timer_is_32_bit_seconds() {
        assert_eq!(FlowTimer.parse("120"), Ok(120));
        assert_eq!(FlowTimer.parse("18446744073709551615"), Err(NotANumber));
    }

    #[test]
    fn check_names_the_header_and_reads_compact_forms() {
        let mut h = Headers::new();
        h.push("x", "60");
        assert_eq!(
            check(&h),
            Err(ParseError::BadNumber {
                header: SessionExpires,
                error: Below { min: 90 }
            })
        );
        let mut h = Headers::new();
        h.push("Expires", "60");
        h.push("Expires", "sixty");
        assert_eq!(
            check(&h),
            Err(ParseError::BadNumber {
                header: Expires,
                error: NotANumber
            })
        );
        assert_eq!(MaxForwards.get(&Headers::new()), Ok(None));
    }
}
