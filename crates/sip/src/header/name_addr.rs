//! `name-addr` / `addr-spec` values of To, From, Contact, Route, Record-Route, Refer-To
//! (RFC 3261 §20.10, §25.1).

use core::fmt;
use core::str::FromStr;

use crate::parse::text::{is_token_char, quote, split_at_first, unquote};
use crate::{Params, ParseError, Uri};

/// `"Bob" <sip:bob@example.com>;tag=a6c85cf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted and unescaped.
    pub display_name: Option<String>,
    /// The URI inside the angle brackets.
    pub uri: Uri,
    /// Header parameters after the URI (`tag`, `expires`, `q`, ...).
    pub params: Params,
}

impl NameAddr {
    /// A name-addr with no display name and no parameters.
    pub fn new(uri: Uri) -> Self {
        Self {
            display_name: None,
            uri,
            params: Params::new(),
        }
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&str> {
        self.params.value("tag")
    }

    /// Sets the `tag` parameter.
    #[must_use]
    pub fn with_tag(mut self, tag: &str) -> Self {
        self.params.set("tag", Some(tag));
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_display_name(mut self, name: &str) -> Self {
        self.display_name = Some(name.to_owned());
        self
    }

    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s == "*" {
            return Err("wildcard `*` is not an address");
        }
        let (display_name, rest) = if s.starts_with('"') {
            let (name, rest) = unquote(s)?;
            let rest = rest.trim_start();
            if !rest.starts_with('<') {
                return Err("display name must be followed by <URI>");
            }
            (Some(name), rest)
        } else if let Some(lt) = s.find('<') {
            let name = s[..lt].trim();
            if !name
                .chars()
                .all(|c| is_token_char(c) || c == ' ' || c == '\t')
            {
                return Err("display name must be tokens or a quoted string");
            }
            ((!name.is_empty()).then(|| name.to_owned()), &s[lt..])
        } else {
            // addr-spec: parameters after the URI belong to the header, and a URI with `,` or
            // `?` must be in <> (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
            let (uri, params) = split_at_first(s, |c| c == ';');
            if uri.contains([',', '?']) {
                return Err("a URI with `,` or `?` must be enclosed in <>");
            }
            let uri = Uri::parse(uri.trim_end())?;
            let params = Params::parse_header(params)?;
            return Ok(Self {
                display_name: None,
                uri,
                params,
            });
        };
        let rest = &rest[1..];
        let gt = rest.find('>').ok_or("missing `>`")?;
        let uri = Uri::parse(&rest[..gt])?;
        let params = Params::parse_header(&rest[gt + 1..])?;
        Ok(Self {
            display_name,
            uri,
            params,
        })
    }
}

impl FromStr for NameAddr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|r| ParseError::header("name-addr", r))
    }
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.display_name {
            write!(f, "{} ", quote(name))?;
        }
        write!(f, "<{}>{}", self.uri, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_forms() {
        let a: NameAddr = r#""Bob \"B\"" <sip:b@x>;tag=1"#.parse().unwrap();
        assert_eq!(a.display_name.as_deref(), Some(r#"Bob "B""#));
        assert_eq!(a.tag(), Some("1"));
        assert_eq!(a.to_string(), r#""Bob \"B\"" <sip:b@x>;tag=1"#);
        let b: NameAddr = "<sip:b@x;lr>".parse().unwrap();
        assert_eq!(b.uri.params.get("lr"), Some(None));
        assert!(b.params.is_empty());
        let c: NameAddr = "sip:b@x;tag=1".parse().unwrap();
        assert_eq!(c.uri.to_string(), "sip:b@x");
        assert_eq!(c.tag(), Some("1"));
        assert_eq!(c.to_string(), "<sip:b@x>;tag=1");
        let d: NameAddr = "Bob  Smith<sip:b@x> ; expires=60".parse().unwrap();
        assert_eq!(d.display_name.as_deref(), Some("Bob  Smith"));
        assert_eq!(d.params.value("expires"), Some("60"));
        assert_eq!(d.to_string().parse::<NameAddr>().unwrap(), d);
        let e = NameAddr::new("sip:a@b".parse().unwrap())
            .with_tag("t")
            .with_display_name("Ünï");
        assert_eq!(e.to_string(), "\"Ünï\" <sip:a@b>;tag=t");
        assert_eq!(e.to_string().parse::<NameAddr>().unwrap(), e);
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "*",
            "\"Bob\" sip:b@x",
            "<sip:b@x",
            "Bo,b <sip:b@x>",
            "<sip:b@x> x",
            "<nope>",
        ] {
            assert!(bad.parse::<NameAddr>().is_err(), "{bad:?}");
        }
    }
}
