//! SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966).

use core::fmt;
use core::str::FromStr;

use crate::parse::text::{digits, split_at_first};
use crate::{Params, ParseError};

/// A URI as used in the Request-URI and in name-addr headers.
///
/// For `sip:`/`sips:` every field is filled from the URI. For `tel:` the number is kept in
/// [`Uri::host`] and its parameters in [`Uri::params`]. Any other scheme keeps everything after
/// the colon in `host`, untouched. Escaped characters (`%XX`) are kept as received; equality is
/// field by field, not the RFC 3261 §19.1.4 comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    /// The scheme, lowercased: `sip`, `sips`, `tel`, ...
    pub scheme: String,
    /// The user part, still escaped.
    pub user: Option<String>,
    /// The password after `user:`, still escaped.
    pub password: Option<String>,
    /// Host name or IP address; an IPv6 reference keeps its brackets.
    pub host: String,
    /// The port, if given.
    pub port: Option<u16>,
    /// `;name=value` URI parameters.
    pub params: Params,
    /// `?name=value&...` URI headers, still escaped.
    pub headers: Vec<(String, String)>,
}

impl Uri {
    /// A `sip:` URI. An IPv6 `host` without brackets gets them.
    pub fn new_sip(user: Option<&str>, host: &str, port: Option<u16>) -> Self {
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        Self {
            scheme: "sip".to_owned(),
            user: user.map(str::to_owned),
            password: None,
            host,
            port,
            params: Params::new(),
            headers: Vec::new(),
        }
    }

    /// `host` or `host:port`.
    pub fn host_port(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether the scheme is `sip` or `sips`.
    pub fn is_sip(&self) -> bool {
        self.scheme == "sip" || self.scheme == "sips"
    }

    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let Some((scheme, rest)) = s.split_once(':') else {
            return Err("URI has no scheme");
        };
        let mut sc = scheme.chars();
        if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err("URI has a bad scheme");
        }
        let scheme = scheme.to_ascii_lowercase();
        if rest.is_empty() {
            return Err("URI is empty after its scheme");
        }
        // Byte by byte: URI characters are ASCII, and no byte of a multi-byte one is.
        if !rest.bytes().all(|b| is_uri_char(char::from(b))) {
            return Err("URI has a character that must be escaped");
        }
        check_escapes(rest)?;
        let mut uri = Self {
            scheme,
            user: None,
            password: None,
            host: String::new(),
            port: None,
            params: Params::new(),
            headers: Vec::new(),
        };
        match uri.scheme.as_str() {
            "sip" | "sips" => parse_sip(rest, &mut uri)?,
            "tel" => {
                let (number, params) = split_at_first(rest, |c| c == ';');
                if number.is_empty() {
                    return Err("tel URI has no number");
                }
                uri.host = number.to_owned();
                uri.params = Params::parse_uri(params)?;
            }
            _ => uri.host = rest.to_owned(),
        }
        Ok(uri)
    }
}

fn parse_sip(rest: &str, uri: &mut Uri) -> Result<(), &'static str> {
    // `@` cannot appear unescaped in parameters or headers, so the first one ends the userinfo.
    let hostpart = match rest.split_once('@') {
        Some((userinfo, hostpart)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            if user.is_empty() {
                return Err("URI has an empty user part");
            }
            uri.user = Some(user.to_owned());
            uri.password = password.map(str::to_owned);
            hostpart
        }
        None => rest,
    };
    let (host, after) = if hostpart.starts_with('[') {
        let Some(end) = hostpart.find(']') else {
            return Err("URI has an unclosed IPv6 reference");
        };
        let inner = &hostpart[1..end];
        if inner.is_empty()
            || !inner.contains(':')
            || !inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("URI has a bad IPv6 reference");
        }
        hostpart.split_at(end + 1)
    } else {
        let (host, after) = split_at_first(hostpart, |c| matches!(c, ':' | ';' | '?'));
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err("URI has a bad host");
        }
        (host, after)
    };
    if host.is_empty() {
        return Err("URI has no host");
    }
    uri.host = host.to_owned();
    let after = match after.strip_prefix(':') {
        Some(p) => {
            let (port, after) = split_at_first(p, |c| c == ';' || c == '?');
            uri.port = Some(digits(port).ok_or("URI has a bad port")?);
            after
        }
        None => after,
    };
    let (params, headers) = split_at_first(after, |c| c == '?');
    uri.params = Params::parse_uri(params)?;
    if let Some(headers) = headers.strip_prefix('?') {
        for h in headers.split('&') {
            let Some((n, v)) = h.split_once('=') else {
                return Err("URI header has no `=`");
            };
            if n.is_empty() {
                return Err("URI header has an empty name");
            }
            uri.headers.push((n.to_owned(), v.to_owned()));
        }
    }
    Ok(())
}

/// Characters that may appear unescaped somewhere in a URI (RFC 3261 §25.1 `unreserved`,
/// `reserved`, `%`, plus `[]` for IPv6 and `#*` for tel numbers).
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '_'
                | '.'
                | '!'
                | '~'
                | '*'
                | '\''
                | '('
                | ')'
                | '%'
                | ';'
                | '/'
                | '?'
                | ':'
                | '@'
                | '&'
                | '='
                | '+'
                | '$'
                | ','
                | '['
                | ']'
                | '#'
        )
}

fn check_escapes(s: &str) -> Result<(), &'static str> {
    let b = s.as_bytes();
    for (i, _) in s.match_indices('%') {
        let ok = matches!((b.get(i + 1), b.get(i + 2)), (Some(x), Some(y)) if x.is_ascii_hexdigit() && y.is_ascii_hexdigit());
        if !ok {
            return Err("URI has a bad %-escape");
        }
    }
    Ok(())
}

impl FromStr for Uri {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|reason| ParseError::BadUri { reason })
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if !self.is_sip() {
            return write!(f, "{}{}", self.host, self.params);
        }
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(pw) = &self.password {
                write!(f, ":{pw}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)?;
        for (i, (n, v)) in self.headers.iter().enumerate() {
            write!(f, "{}{n}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(s: &str) -> Uri {
        let u: Uri = s.parse().unwrap();
        assert_eq!(u.to_string(), s);
        assert_eq!(u.to_string().parse::<Uri>().unwrap(), u);
        u
    }

    #[test]
    fn full_sip_uri() {
        let u = rt("sips:alice:secret@Example.com:5061;transport=ws;lr?subject=hi&x=%20");
        assert_eq!(u.scheme, "sips");
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.host, "Example.com");
        assert_eq!(u.port, Some(5061));
        assert_eq!(u.params.value("transport"), Some("ws"));
        assert_eq!(u.params.get("lr"), Some(None));
        assert_eq!(
            u.headers,
            vec![("subject".into(), "hi".into()), ("x".into(), "%20".into())]
        );
        assert_eq!(u.host_port(), "Example.com:5061");
    }

    #[test]
    fn ipv6_and_escapes() {
        let u = rt("sip:[2001:db8::10]:5070");
        assert_eq!(u.host, "[2001:db8::10]");
        assert_eq!(u.port, Some(5070));
        let u = rt("sip:%61lice;x=y@host");
        assert_eq!(u.user.as_deref(), Some("%61lice;x=y"));
        assert_eq!(
            Uri::new_sip(None, "::1", Some(5)).to_string(),
            "sip:[::1]:5"
        );
    }

    #[test]
    fn scheme_lowercased_and_tel() {
        let u: Uri = "SIP:bob@h".parse().unwrap();
        assert_eq!(u.to_string(), "sip:bob@h");
        let t = rt("tel:+1-201-555-0123;phone-context=example.com");
        assert_eq!(t.host, "+1-201-555-0123");
        rt("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "sip",
            "sip:",
            "1ip:x",
            "sip:@h",
            "sip:u@",
            "sip:h:99999",
            "sip:h:x",
            "sip:[::1",
            "sip:[zz]",
            "sip:a b",
            "sip:%4",
            "sip:%zz@h",
            "sip:h?x",
            "sip:h;=1",
            "sip:é@h",
            "sip:<h>",
            "tel:",
        ] {
            assert!(bad.parse::<Uri>().is_err(), "{bad:?} parsed");
        }
    }
}
