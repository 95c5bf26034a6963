//! `;name=value` parameter lists (RFC 3261 §25.1 `generic-param`, §19.1.1 `uri-parameters`).

use core::fmt;

use crate::parse::text::{is_token, split_top, unquote};

/// An ordered list of `;name[=value]` parameters. Names compare case-insensitively; values
/// are kept as received (a quoted value keeps its quotes, so it prints back unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, Option<String>)>);

impl Params {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// `None` if absent, `Some(None)` for a flag like `;lr`, `Some(Some(v))` for `;k=v`.
    pub fn get(&self, k: &str) -> Option<Option<&str>> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_deref())
    }

    /// The value of `k`, if present with a value.
    pub fn value(&self, k: &str) -> Option<&str> {
        self.get(k).flatten()
    }

    /// Sets `k`, replacing its value in place if present, else appending it.
    pub fn set(&mut self, k: &str, v: Option<&str>) {
        let v = v.map(str::to_owned);
        match self.0.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(k)) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k.to_owned(), v)),
        }
    }

    /// Removes every parameter named `k`.
    pub fn remove(&mut self, k: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(k));
    }

    /// Whether `k` is present, with or without a value.
    pub fn contains(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    /// The parameters in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_deref()))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses header parameters: `s` is empty or starts with `;`. Whitespace is allowed around
    /// `;` and `=`; a value is a token-like word or a quoted string.
    pub(crate) fn parse_header(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Self::new());
        }
        let mut parts = split_top(s, ';').into_iter();
        if parts.next().map(str::trim) != Some("") {
            return Err("unexpected text before parameters");
        }
        let mut out = Vec::new();
        for part in parts {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (part.trim(), None),
            };
            if !is_token(name) {
                return Err("bad parameter name");
            }
            if let Some(v) = value {
                if v.starts_with('"') {
                    let (_, rest) = unquote(v)?;
                    if !rest.is_empty() {
                        return Err("text after quoted parameter value");
                    }
                } else if v.is_empty() || !v.bytes().all(|b| is_param_char(char::from(b))) {
                    return Err("bad parameter value");
                }
            }
            out.push((name.to_owned(), value.map(str::to_owned)));
        }
        Ok(Self(out))
    }

    /// Parses URI parameters: `s` is empty or starts with `;`; no whitespace, no quoting.
    pub(crate) fn parse_uri(s: &str) -> Result<Self, &'static str> {
        if s.is_empty() {
            return Ok(Self::new());
        }
        let Some(s) = s.strip_prefix(';') else {
            return Err("URI has unexpected text before its parameters");
        };
        let mut out = Vec::new();
        for part in s.split(';') {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (part, None),
            };
            if name.is_empty() {
                return Err("URI has an empty parameter name");
            }
            out.push((name.to_owned(), value.map(str::to_owned)));
        }
        Ok(Self(out))
    }
}

/// Characters allowed in an unquoted header parameter value: `token`, plus what hosts and
/// IPv6 references need.
fn is_param_char(c: char) -> bool {
    crate::parse::text::is_token_char(c)
        || matches!(c, ':' | '[' | ']' | '/' | '@' | '?' | '&' | '=' | '$')
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, v) in &self.0 {
            match v {
                Some(v) => write!(f, ";{n}={v}")?,
                None => write!(f, ";{n}")?,
            }
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, Option<&'a str>);
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_set_remove_case_insensitive() {
        let mut p = Params::parse_header(" ; Branch = z9hG4bK1 ;lr; x=\"a;b\"").unwrap();
        assert_eq!(p.value("branch"), Some("z9hG4bK1"));
        assert_eq!(p.get("LR"), Some(None));
        assert_eq!(p.value("x"), Some("\"a;b\""));
        assert!(!p.contains("rport"));
        p.set("rport", Some("5060"));
        p.set("BRANCH", Some("z9hG4bK2"));
        p.remove("lr");
        assert_eq!(p.to_string(), ";Branch=z9hG4bK2;x=\"a;b\";rport=5060");
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn rejects_bad_params() {
        assert!(Params::parse_header(";").is_err());
        assert!(Params::parse_header("x;a=1").is_err());
        assert!(Params::parse_header(";a=").is_err());
        assert!(Params::parse_header(";a=\"x\"y").is_err());
        assert!(Params::parse_uri(";=1").is_err());
    }
}
