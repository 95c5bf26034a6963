//! `Via` (RFC 3261 §20.42).

use core::fmt;
use core::str::FromStr;

use crate::parse::text::{digits, is_token_char, split_at_first};
use crate::{Params, ParseError};

/// One `Via` entry: `SIP/2.0/WS host:port;branch=z9hG4bK...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// Transport, uppercased: `WS`, `WSS`, `UDP`, `TCP`, ...
    pub transport: String,
    /// The sent-by host; an IPv6 reference keeps its brackets.
    pub host: String,
    /// The sent-by port, if given.
    pub port: Option<u16>,
    /// `branch`, `received`, `rport`, ...
    pub params: Params,
}

impl Via {
    /// A Via for `transport` and sent-by `host[:port]` with a `branch`.
    pub fn new(transport: &str, host: &str, port: Option<u16>, branch: &str) -> Self {
        let mut params = Params::new();
        params.set("branch", Some(branch));
        Self {
            transport: transport.to_ascii_uppercase(),
            host: host.to_owned(),
            port,
            params,
        }
    }

    /// The `branch` parameter.
    pub fn branch(&self) -> Option<&str> {
        self.params.value("branch")
    }

    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let (name, rest) = s.split_once('/').ok_or("expected SIP/2.0/transport")?;
        if !name.trim().eq_ignore_ascii_case("SIP") {
            return Err("protocol is not SIP");
        }
        let (version, rest) = rest.split_once('/').ok_or("expected SIP/2.0/transport")?;
        if version.trim() != "2.0" {
            return Err("version is not 2.0");
        }
        let rest = rest.trim_start();
        let (transport, rest) = split_at_first(rest, |c| !is_token_char(c));
        if transport.is_empty() {
            return Err("missing transport");
        }
        if !rest.starts_with([' ', '\t']) {
            return Err("expected space before sent-by");
        }
        let rest = rest.trim_start();
        let (host, rest) = if rest.starts_with('[') {
            let end = rest.find(']').ok_or("unclosed IPv6 reference")?;
            rest.split_at(end + 1)
        } else {
            split_at_first(rest, |c| {
                !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            })
        };
        if host.is_empty() || host == "[]" {
            return Err("missing sent-by host");
        }
        let rest = rest.trim_start();
        let (port, rest) = match rest.strip_prefix(':') {
            Some(p) => {
                let (port, rest) = split_at_first(p.trim_start(), |c| !c.is_ascii_digit());
                (Some(digits(port).ok_or("bad port")?), rest)
            }
            None => (None, rest),
        };
        let params = Params::parse_header(rest)?;
        Ok(Self {
            transport: transport.to_ascii_uppercase(),
            host: host.to_owned(),
            port,
            params,
        })
    }
}

impl FromStr for Via {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|r| ParseError::header("Via", r))
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/2.0/{} {}", self.transport, self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_print() {
        let v: Via = "SIP / 2.0 / ws  df7jal23ls0d.invalid ;branch=z9hG4bKnashds7 ; rport"
            .parse()
            .unwrap();
        assert_eq!(v.transport, "WS");
        assert_eq!(v.host, "df7jal23ls0d.invalid");
        assert_eq!(v.port, None);
        assert_eq!(v.branch(), Some("z9hG4bKnashds7"));
        assert_eq!(
            v.to_string(),
            "SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;rport"
        );
        let v: Via = "SIP/2.0/UDP [2001:db8::1] : 5060;received=[2001:db8::2]"
            .parse()
            .unwrap();
        assert_eq!((v.host.as_str(), v.port), ("[2001:db8::1]", Some(5060)));
        assert_eq!(v.to_string().parse::<Via>().unwrap(), v);
        let v = Via::new("wss", "h", Some(1), "z9hG4bKx");
        assert_eq!(v.to_string(), "SIP/2.0/WSS h:1;branch=z9hG4bKx");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "SIP/2.0",
            "HTTP/2.0/UDP h",
            "SIP/3.0/UDP h",
            "SIP/2.0/ h",
            "SIP/2.0/UDPh",
            "SIP/2.0/UDP",
            "SIP/2.0/UDP h:x",
            "SIP/2.0/UDP h:70000",
            "SIP/2.0/UDP [::1",
            "SIP/2.0/UDP h junk",
            "SIP/2.0/UDP h;branch=",
        ] {
            assert!(bad.parse::<Via>().is_err(), "{bad:?}");
        }
    }
}
