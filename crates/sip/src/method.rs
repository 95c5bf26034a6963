//! SIP request methods.

use core::fmt;
use core::str::FromStr;

use crate::parse::text::is_token;
use crate::ParseError;

/// A SIP request method. Methods are case-sensitive (RFC 3261 §7.1); any other token is kept
/// as [`Method::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// `INVITE` (RFC 3261).
    Invite,
    /// `ACK` (RFC 3261).
    Ack,
    /// `BYE` (RFC 3261).
    Bye,
    /// `CANCEL` (RFC 3261).
    Cancel,
    /// `REGISTER` (RFC 3261).
    Register,
    /// `OPTIONS` (RFC 3261).
    Options,
    /// `INFO` (RFC 6086).
    Info,
    /// `REFER` (RFC 3515).
    Refer,
    /// `NOTIFY` (RFC 6665).
    Notify,
    /// `SUBSCRIBE` (RFC 6665).
    Subscribe,
    /// `PRACK` (RFC 3262).
    Prack,
    /// `UPDATE` (RFC 3311).
    Update,
    /// `MESSAGE` (RFC 3428).
    Message,
    /// `PUBLISH` (RFC 3903).
    Publish,
    /// Any other method token, as received.
    Other(String),
}

impl Method {
    /// The method token.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Invite => "INVITE",
            Self::Ack => "ACK",
            Self::Bye => "BYE",
            Self::Cancel => "CANCEL",
            Self::Register => "REGISTER",
            Self::Options => "OPTIONS",
            Self::Info => "INFO",
            Self::Refer => "REFER",
            Self::Notify => "NOTIFY",
            Self::Subscribe => "SUBSCRIBE",
            Self::Prack => "PRACK",
            Self::Update => "UPDATE",
            Self::Message => "MESSAGE",
            Self::Publish => "PUBLISH",
            Self::Other(s) => s,
        }
    }
}

impl FromStr for Method {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "INVITE" => Self::Invite,
            "ACK" => Self::Ack,
            "BYE" => Self::Bye,
            "CANCEL" => Self::Cancel,
            "REGISTER" => Self::Register,
            "OPTIONS" => Self::Options,
            "INFO" => Self::Info,
            "REFER" => Self::Refer,
            "NOTIFY" => Self::Notify,
            "SUBSCRIBE" => Self::Subscribe,
            "PRACK" => Self::Prack,
            "UPDATE" => Self::Update,
            "MESSAGE" => Self::Message,
            "PUBLISH" => Self::Publish,
            other if is_token(other) => Self::Other(other.to_owned()),
            "" => {
                return Err(ParseError::BadMethod {
                    reason: "empty method",
                })
            }
            _ => {
                return Err(ParseError::BadMethod {
                    reason: "method is not a token",
                })
            }
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_other_methods() {
        assert_eq!("INVITE".parse::<Method>().unwrap(), Method::Invite);
        assert_eq!(
            "invite".parse::<Method>().unwrap(),
            Method::Other("invite".into())
        );
        assert_eq!(Method::Other("FOO".into()).to_string(), "FOO");
        assert!("IN VITE".parse::<Method>().is_err());
        assert!("".parse::<Method>().is_err());
    }
}
