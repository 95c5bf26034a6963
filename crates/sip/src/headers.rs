//! The header list of a message: raw text kept in order, typed values decoded on demand.

use crate::digest::DigestChallenge;
use crate::parse::text::{digits, split_top};
use crate::{CSeq, NameAddr, ParseError, Via};

/// One header line: the name as received, the value trimmed and unfolded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name as received (possibly a compact form such as `v`).
    pub name: String,
    /// The raw value.
    pub value: String,
}

/// The headers of a message, in order.
///
/// Lookups compare names case-insensitively and treat compact forms (RFC 3261 §7.3.3 and
/// extensions) as their long names: `get("Via")` finds `v:` lines and `get("v")` finds `Via:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<Header>);

/// The long name a compact form stands for.
fn long_name(name: &str) -> &str {
    if name.len() != 1 {
        return name;
    }
    match name.as_bytes()[0].to_ascii_lowercase() {
        b'i' => "Call-ID",
        b'm' => "Contact",
        b'e' => "Content-Encoding",
        b'l' => "Content-Length",
        b'c' => "Content-Type",
        b'f' => "From",
        b's' => "Subject",
        b'k' => "Supported",
        b't' => "To",
        b'v' => "Via",
        b'o' => "Event",
        b'r' => "Refer-To",
        b'b' => "Referred-By",
        b'u' => "Allow-Events",
        b'x' => "Session-Expires",
        _ => name,
    }
}

/// Whether two header names denote the same header.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    long_name(a).eq_ignore_ascii_case(long_name(b))
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a header line.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push(Header {
            name: name.to_owned(),
            value: value.into(),
        });
    }

    /// Inserts a header line before all others (a proxy's Via or Record-Route goes on top).
    pub fn push_front(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(
            0,
            Header {
                name: name.to_owned(),
                value: value.into(),
            },
        );
    }

    /// Replaces every `name` line with one, at the place of the first (or at the end).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let header = Header {
            name: name.to_owned(),
            value: value.into(),
        };
        match self.0.iter().position(|h| same_name(&h.name, name)) {
            Some(i) => {
                self.0[i] = header;
                let mut n = 0;
                self.0.retain(|h| {
                    n += 1;
                    n - 1 <= i || !same_name(&h.name, name)
                });
            }
            None => self.0.push(header),
        }
    }

    /// Removes every `name` line.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|h| !same_name(&h.name, name));
    }

    /// Whether a `name` line is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The raw value of the first `name` line.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).next()
    }

    /// The raw value of every `name` line.
    pub fn get_all<'a, 'n>(&'a self, name: &'n str) -> impl Iterator<Item = &'a str> + use<'a, 'n> {
        let name = long_name(name);
        self.0
            .iter()
            .filter(move |h| same_name(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// Every comma-separated element of every `name` line, trimmed, empty ones skipped. Commas
    /// inside quoted strings and `<...>` do not split. Not for headers whose grammar has other
    /// commas (`WWW-Authenticate`, `Date`).
    pub fn values<'a>(&'a self, name: &str) -> Vec<&'a str> {
        self.get_all(name)
            .flat_map(|v| split_top(v, ','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The header lines in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn typed<T>(
        &self,
        name: &'static str,
        parse: impl Fn(&str) -> Result<T, &'static str>,
    ) -> Result<Vec<T>, ParseError> {
        self.values(name)
            .into_iter()
            .map(|v| parse(v).map_err(|r| ParseError::header(name, r)))
            .collect()
    }

    fn one<'a, T>(
        &'a self,
        name: &'static str,
        parse: impl Fn(&'a str) -> Result<T, &'static str>,
    ) -> Result<T, ParseError> {
        let v = self.get(name).ok_or(ParseError::MissingHeader(name))?;
        parse(v).map_err(|r| ParseError::header(name, r))
    }

    /// Every Via entry, top first (several per line and several lines).
    pub fn vias(&self) -> Result<Vec<Via>, ParseError> {
        self.typed("Via", Via::parse)
    }

    /// The topmost Via.
    pub fn top_via(&self) -> Result<Via, ParseError> {
        let v = self.values("Via");
        let first = v.first().ok_or(ParseError::MissingHeader("Via"))?;
        Via::parse(first).map_err(|r| ParseError::header("Via", r))
    }

    /// `From`.
    pub fn from(&self) -> Result<NameAddr, ParseError> {
        self.one("From", NameAddr::parse)
    }

    /// `To`.
    pub fn to(&self) -> Result<NameAddr, ParseError> {
        self.one("To", NameAddr::parse)
    }

    /// `Call-ID`.
    pub fn call_id(&self) -> Result<&str, ParseError> {
        self.one("Call-ID", |v| {
            if v.is_empty() || v.contains(char::is_whitespace) {
                Err("Call-ID must be one non-empty word")
            } else {
                Ok(v)
            }
        })
    }

    /// `CSeq`.
    pub fn cseq(&self) -> Result<CSeq, ParseError> {
        self.one("CSeq", CSeq::parse)
    }

    /// Every Contact; empty when absent. A wildcard `Contact: *` is an error here (see
    /// [`Headers::contact_is_wildcard`]).
    pub fn contacts(&self) -> Result<Vec<NameAddr>, ParseError> {
        self.typed("Contact", NameAddr::parse)
    }

    /// Whether the Contact is `*` (a REGISTER removing all bindings).
    pub fn contact_is_wildcard(&self) -> bool {
        self.values("Contact") == ["*"]
    }

    /// Every Record-Route, top first; empty when absent.
    pub fn record_routes(&self) -> Result<Vec<NameAddr>, ParseError> {
        self.typed("Record-Route", NameAddr::parse)
    }

    /// Every Route, top first; empty when absent.
    pub fn routes(&self) -> Result<Vec<NameAddr>, ParseError> {
        self.typed("Route", NameAddr::parse)
    }

    fn number(&self, name: &'static str) -> Result<Option<u32>, ParseError> {
        self.get(name)
            .map(|v| digits(v).ok_or(ParseError::header(name, "not a 32-bit decimal number")))
            .transpose()
    }

    /// `Expires` in seconds.
    pub fn expires(&self) -> Result<Option<u32>, ParseError> {
        self.number("Expires")
    }

    /// `Max-Forwards`, 0 to 255 (RFC 3261 §20.22; RFC 4475 §3.1.2.4 counts 300 as malformed).
    /// The message parser refuses a message with a bad one ([`crate::NumericHeader`]).
    pub fn max_forwards(&self) -> Result<Option<u32>, ParseError> {
        match self.number("Max-Forwards")? {
            Some(n) if n > 255 => Err(ParseError::header("Max-Forwards", "over 255")),
            n => Ok(n),
        }
    }

    /// `Content-Length`.
    pub fn content_length(&self) -> Result<Option<usize>, ParseError> {
        self.get("Content-Length")
            .map(|v| digits(v).ok_or(ParseError::header("Content-Length", "not a decimal number")))
            .transpose()
    }

    /// The raw `Content-Type`, e.g. `application/sdp`.
    pub fn content_type(&self) -> Option<&str> {
        self.get("Content-Type")
    }

    fn challenge(&self, name: &'static str) -> Result<Option<DigestChallenge>, ParseError> {
        let mut first = None;
        for v in self.get_all(name) {
            if !v
                .trim_start()
                .get(..6)
                .is_some_and(|s| s.eq_ignore_ascii_case("Digest"))
            {
                continue;
            }
            let ch = DigestChallenge::parse(v).map_err(|r| ParseError::header(name, r))?;
            if ch.is_supported() {
                return Ok(Some(ch));
            }
            first.get_or_insert(ch);
        }
        Ok(first)
    }

    /// The `WWW-Authenticate` Digest challenge: the first one [`crate::digest::respond`] can
    /// answer, else the first Digest one. Other schemes are skipped.
    pub fn www_authenticate(&self) -> Result<Option<DigestChallenge>, ParseError> {
        self.challenge("WWW-Authenticate")
    }

    /// The `Proxy-Authenticate` Digest challenge, chosen as in [`Headers::www_authenticate`].
    pub fn proxy_authenticate(&self) -> Result<Option<DigestChallenge>, ParseError> {
        self.challenge("Proxy-Authenticate")
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = core::slice::Iter<'a, Header>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Headers {
        let mut h = Headers::new();
        h.push(
            "v",
            "SIP/2.0/WS a.invalid;branch=z9hG4bK1, SIP/2.0/UDP b:5060;branch=z9hG4bK2",
        );
        h.push("VIA", "SIP/2.0/TCP c;branch=z9hG4bK3");
        h.push("f", "\"A, B\" <sip:a@x>;tag=1");
        h.push("To", "sip:b@x");
        h.push("i", "abc@x");
        h.push("CSeq", "1 INVITE");
        h.push(
            "m",
            "<sip:a@1.2.3.4;transport=ws>;expires=30, \"C\" <sip:c@x>",
        );
        h
    }

    #[test]
    fn compact_and_case() {
        let h = sample();
        assert_eq!(h.get("call-id"), Some("abc@x"));
        assert_eq!(h.get("I"), Some("abc@x"));
        assert_eq!(h.get_all("via").count(), 2);
        assert_eq!(h.values("Via").len(), 3);
        assert_eq!(h.values("Contact").len(), 2);
        let vias = h.vias().unwrap();
        assert_eq!(
            vias.iter().map(|v| v.branch().unwrap()).collect::<Vec<_>>(),
            ["z9hG4bK1", "z9hG4bK2", "z9hG4bK3"]
        );
        assert_eq!(h.top_via().unwrap().host, "a.invalid");
        assert_eq!(h.from().unwrap().display_name.as_deref(), Some("A, B"));
        assert_eq!(h.to().unwrap().tag(), None);
        assert_eq!(h.cseq().unwrap().seq, 1);
        assert_eq!(h.contacts().unwrap()[0].params.value("expires"), Some("30"));
        assert_eq!(h.routes().unwrap(), vec![]);
        assert_eq!(h.expires().unwrap(), None);
    }

    #[test]
    fn set_and_remove() {
        let mut h = sample();
        h.set("Via", "SIP/2.0/WS z;branch=z9hG4bKz");
        assert_eq!(
            h.get_all("v").collect::<Vec<_>>(),
            ["SIP/2.0/WS z;branch=z9hG4bKz"]
        );
        assert_eq!(h.iter().next().unwrap().name, "Via");
        h.set("Expires", "60");
        assert_eq!(h.expires().unwrap(), Some(60));
        h.remove("from");
        assert_eq!(h.from(), Err(ParseError::MissingHeader("From")));
        assert_eq!(h.len(), 6);
    }

    #[test]
    fn typed_errors_name_the_header() {
        let mut h = Headers::new();
        h.push("Max-Forwards", "x");
        h.push("Contact", "*");
        h.push("Call-ID", "a b");
        assert!(
            matches!(h.max_forwards(), Err(ParseError::BadHeader { name, .. }) if name == "Max-Forwards")
        );
        assert!(h.contact_is_wildcard());
        assert!(h.contacts().is_err());
        assert!(h.call_id().is_err());
        assert_eq!(h.top_via(), Err(ParseError::MissingHeader("Via")));
    }

    #[test]
    fn picks_supported_challenge() {
        let mut h = Headers::new();
        h.push("WWW-Authenticate", "Basic realm=\"x\"");
        h.push(
            "WWW-Authenticate",
            "Digest realm=\"r\", nonce=\"1\", algorithm=SHA-512-256",
        );
        h.push(
            "WWW-Authenticate",
            "Digest realm=\"r\", nonce=\"2\", algorithm=MD5",
        );
        assert_eq!(h.www_authenticate().unwrap().unwrap().nonce, "2");
        assert_eq!(h.proxy_authenticate().unwrap(), None);
        h.push("Proxy-Authenticate", "Digest realm=\"r\"");
        assert!(h.proxy_authenticate().is_err());
    }
}
