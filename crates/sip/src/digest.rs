//! HTTP Digest authentication for SIP (RFC 3261 §22.4, RFC 2617, RFC 7616 MD5).
//!
//! The client nonce is passed in, so the output is a pure function of the inputs.

use core::fmt;
use core::str::FromStr;

use md5::digest::Update;
use md5::{Digest, Md5};
use sha2::Sha256;

use crate::header::auth::parse_auth;
use crate::parse::text::quote;
use crate::ParseError;

/// A `Digest` challenge from `WWW-Authenticate` or `Proxy-Authenticate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    /// `realm`.
    pub realm: String,
    /// `nonce`.
    pub nonce: String,
    /// `opaque`, echoed back unchanged.
    pub opaque: Option<String>,
    /// `algorithm`; absent means MD5.
    pub algorithm: Option<String>,
    /// The offered `qop` values (`auth`, `auth-int`); empty means RFC 2069 style.
    pub qop: Vec<String>,
    /// `stale=true`: the nonce expired but the credentials were right.
    pub stale: bool,
}

impl DigestChallenge {
    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let (scheme, params) = parse_auth(s)?;
        if !scheme.eq_ignore_ascii_case("Digest") {
            return Err("not a Digest challenge");
        }
        let (mut realm, mut nonce) = (None, None);
        let mut ch = Self {
            realm: String::new(),
            nonce: String::new(),
            opaque: None,
            algorithm: None,
            qop: Vec::new(),
            stale: false,
        };
        for (name, value) in params {
            match name.to_ascii_lowercase().as_str() {
                "realm" => realm = Some(value),
                "nonce" => nonce = Some(value),
                "opaque" => ch.opaque = Some(value),
                "algorithm" => ch.algorithm = Some(value),
                "qop" => {
                    ch.qop = value
                        .split(',')
                        .map(str::trim)
                        .filter(|q| !q.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
                "stale" => ch.stale = value.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        ch.realm = realm.ok_or("challenge has no realm")?;
        ch.nonce = nonce.ok_or("challenge has no nonce")?;
        Ok(ch)
    }

    /// Whether [`respond`] can answer this challenge.
    pub fn is_supported(&self) -> bool {
        Algorithm::from_name(self.algorithm.as_deref()).is_ok()
            && (self.qop.is_empty() || self.offers_auth())
    }

    fn offers_auth(&self) -> bool {
        self.qop.iter().any(|q| q.eq_ignore_ascii_case("auth"))
    }
}

impl FromStr for DigestChallenge {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|r| ParseError::header("WWW-Authenticate", r))
    }
}

impl fmt::Display for DigestChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Digest realm={}, nonce={}",
            quote(&self.realm),
            quote(&self.nonce)
        )?;
        if let Some(o) = &self.opaque {
            write!(f, ", opaque={}", quote(o))?;
        }
        if let Some(a) = &self.algorithm {
            // A token prints bare, as servers send it; anything else needs quotes to parse back.
            if crate::parse::text::is_token(a) {
                write!(f, ", algorithm={a}")?;
            } else {
                write!(f, ", algorithm={}", quote(a))?;
            }
        }
        if !self.qop.is_empty() {
            write!(f, ", qop={}", quote(&self.qop.join(",")))?;
        }
        if self.stale {
            f.write_str(", stale=true")?;
        }
        Ok(())
    }
}

/// The `Authorization` / `Proxy-Authorization` value answering a [`DigestChallenge`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCredentials {
    /// `username`.
    pub username: String,
    /// `realm`, from the challenge.
    pub realm: String,
    /// `nonce`, from the challenge.
    pub nonce: String,
    /// `uri`: the Request-URI as a string.
    pub uri: String,
    /// `response`: 32 lowercase hex digits.
    pub response: String,
    /// `algorithm`, echoed from the challenge.
    pub algorithm: Option<String>,
    /// `cnonce`, with qop or MD5-sess.
    pub cnonce: Option<String>,
    /// `qop`: `auth` when the challenge offered it.
    pub qop: Option<String>,
    /// `nc`, the nonce count, printed as 8 hex digits.
    pub nc: Option<u32>,
    /// `opaque`, echoed from the challenge.
    pub opaque: Option<String>,
}

impl DigestCredentials {
    /// Whether `response` is right for `method` and `password` (what a registrar checks).
    pub fn verify(&self, method: &str, password: &str) -> bool {
        let Ok(alg) = Algorithm::from_name(self.algorithm.as_deref()) else {
            return false;
        };
        let qop = match self.qop.as_deref() {
            None => None,
            Some(q) if q.eq_ignore_ascii_case("auth") => match (&self.cnonce, self.nc) {
                (Some(c), Some(nc)) => Some((c.as_str(), nc)),
                _ => return false,
            },
            Some(_) => return false,
        };
        if alg == Algorithm::Md5Sess && self.cnonce.is_none() {
            return false;
        }
        let input = Input {
            username: &self.username,
            realm: &self.realm,
            password,
            nonce: &self.nonce,
            method,
            uri: &self.uri,
            cnonce: self.cnonce.as_deref().unwrap_or(""),
        };
        compute(alg, &input, qop) == self.response
    }

    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let (scheme, params) = parse_auth(s)?;
        if !scheme.eq_ignore_ascii_case("Digest") {
            return Err("not Digest credentials");
        }
        let mut c = Self {
            username: String::new(),
            realm: String::new(),
            nonce: String::new(),
            uri: String::new(),
            response: String::new(),
            algorithm: None,
            cnonce: None,
            qop: None,
            nc: None,
            opaque: None,
        };
        let mut seen = [false; 5];
        for (name, value) in params {
            let (slot, i) = match name.to_ascii_lowercase().as_str() {
                "username" => (&mut c.username, 0),
                "realm" => (&mut c.realm, 1),
                "nonce" => (&mut c.nonce, 2),
                "uri" => (&mut c.uri, 3),
                "response" => (&mut c.response, 4),
                "algorithm" => {
                    c.algorithm = Some(value);
                    continue;
                }
                "cnonce" => {
                    c.cnonce = Some(value);
                    continue;
                }
                "qop" => {
                    c.qop = Some(value);
                    continue;
                }
                "opaque" => {
                    c.opaque = Some(value);
                    continue;
                }
                "nc" => {
                    if value.len() != 8 {
                        return Err("nc is not 8 hex digits");
                    }
                    c.nc = Some(
                        u32::from_str_radix(&value, 16).map_err(|_| "nc is not 8 hex digits")?,
                    );
                    continue;
                }
                _ => continue,
            };
            *slot = value;
            seen[i] = true;
        }
        if seen.contains(&false) {
            return Err("credentials lack username, realm, nonce, uri or response");
        }
        Ok(c)
    }
}

impl FromStr for DigestCredentials {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).map_err(|r| ParseError::header("Authorization", r))
    }
}

impl fmt::Display for DigestCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Digest username={}, realm={}, nonce={}, uri={}, response={}",
            quote(&self.username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(&self.uri),
            quote(&self.response)
        )?;
        if let Some(a) = &self.algorithm {
            // A token prints bare, as servers send it; anything else needs quotes to parse back.
            if crate::parse::text::is_token(a) {
                write!(f, ", algorithm={a}")?;
            } else {
                write!(f, ", algorithm={}", quote(a))?;
            }
        }
        if let Some(c) = &self.cnonce {
            write!(f, ", cnonce={}", quote(c))?;
        }
        if let Some(q) = &self.qop {
            write!(f, ", qop={q}")?;
        }
        if let Some(nc) = self.nc {
            write!(f, ", nc={nc:08x}")?;
        }
        if let Some(o) = &self.opaque {
            write!(f, ", opaque={}", quote(o))?;
        }
        Ok(())
    }
}

/// Why [`respond`] cannot answer a challenge.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum DigestError {
    /// The algorithm (e.g. `SHA-256`) or qop (e.g. only `auth-int`) is not implemented.
    #[error("unsupported digest {0}")]
    Unsupported(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    fn from_name(name: Option<&str>) -> Result<Self, DigestError> {
        match name {
            None => Ok(Self::Md5),
            Some(a) if a.eq_ignore_ascii_case("MD5") => Ok(Self::Md5),
            Some(a) if a.eq_ignore_ascii_case("MD5-sess") => Ok(Self::Md5Sess),
            Some(a) if a.eq_ignore_ascii_case("SHA-256") => Ok(Self::Sha256),
            Some(a) if a.eq_ignore_ascii_case("SHA-256-sess") => Ok(Self::Sha256Sess),
            Some(a) => Err(DigestError::Unsupported(format!("algorithm {a}"))),
        }
    }
}

struct Input<'a> {
    username: &'a str,
    realm: &'a str,
    password: &'a str,
    nonce: &'a str,
    method: &'a str,
    uri: &'a str,
    cnonce: &'a str,
}

impl Algorithm {
    fn sess(self) -> bool {
        matches!(self, Self::Md5Sess | Self::Sha256Sess)
    }

    /// The hex digest of the parts joined with `:`.
    fn hex(self, parts: &[&str]) -> String {
        match self {
            Self::Md5 | Self::Md5Sess => {
                let mut h = Md5::new();
                feed(&mut h, parts);
                hex_of(&h.finalize())
            }
            Self::Sha256 | Self::Sha256Sess => {
                let mut h = Sha256::new();
                feed(&mut h, parts);
                hex_of(&h.finalize())
            }
        }
    }
}

/// Hashes the parts joined with `:`. Through `dyn`, so the loop is made once for both
/// hashes rather than once per hash type.
fn feed(h: &mut dyn Update, parts: &[&str]) {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b":");
        }
        h.update(p.as_bytes());
    }
}

fn hex_of(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for &b in digest {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 15)]));
    }
    hex
}

/// Lowercase hex digits (RFC 7616: the hashes are sent in lowercase hex).
const HEX: &[u8; 16] = b"0123456789abcdef";

/// The `response` value; `qop` is `Some((cnonce, nc))` for `qop=auth`.
fn compute(alg: Algorithm, i: &Input<'_>, qop: Option<(&str, u32)>) -> String {
    let mut ha1 = alg.hex(&[i.username, i.realm, i.password]);
    if alg.sess() {
        ha1 = alg.hex(&[&ha1, i.nonce, i.cnonce]);
    }
    let ha2 = alg.hex(&[i.method, i.uri]);
    match qop {
        Some((cnonce, nc)) => alg.hex(&[&ha1, i.nonce, &format!("{nc:08x}"), cnonce, "auth", &ha2]),
        None => alg.hex(&[&ha1, i.nonce, &ha2]),
    }
}

/// Answers `ch` for a request with `method` to `digest_uri`.
///
/// Picks `qop=auth` when offered (then `cnonce` and `nc` are used), else the RFC 2069 form.
/// `cnonce` is also used by the `-sess` algorithms. MD5 and SHA-256 (RFC 7616), with or
/// without `-sess`; auth-int and other algorithms are [`DigestError::Unsupported`].
pub fn respond(
    ch: &DigestChallenge,
    method: &str,
    digest_uri: &str,
    username: &str,
    password: &str,
    cnonce: &str,
    nc: u32,
) -> Result<DigestCredentials, DigestError> {
    let alg = Algorithm::from_name(ch.algorithm.as_deref())?;
    let use_qop = if ch.qop.is_empty() {
        false
    } else if ch.offers_auth() {
        true
    } else {
        return Err(DigestError::Unsupported(format!(
            "qop {}",
            ch.qop.join(",")
        )));
    };
    let input = Input {
        username,
        realm: &ch.realm,
        password,
        nonce: &ch.nonce,
        method,
        uri: digest_uri,
        cnonce,
    };
    let response = compute(alg, &input, use_qop.then_some((cnonce, nc)));
    Ok(DigestCredentials {
        username: username.to_owned(),
        realm: ch.realm.clone(),
        nonce: ch.nonce.clone(),
        uri: digest_uri.to_owned(),
        response,
        algorithm: ch.algorithm.clone(),
        cnonce: (use_qop || alg.sess()).then(|| cnonce.to_owned()),
        qop: use_qop.then(|| "auth".to_owned()),
        nc: use_qop.then_some(nc),
        opaque: ch.opaque.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_round_trip() {
        let ch: DigestChallenge =
            r#"Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5"#
                .parse()
                .unwrap();
        assert_eq!(ch.realm, "atlanta.com");
        assert_eq!(ch.qop, vec!["auth", "auth-int"]);
        assert_eq!(ch.opaque.as_deref(), Some(""));
        assert!(!ch.stale);
        assert!(ch.is_supported());
        assert_eq!(ch.to_string().parse::<DigestChallenge>().unwrap(), ch);
        assert!("Basic realm=\"x\"".parse::<DigestChallenge>().is_err());
        assert!("Digest nonce=\"x\"".parse::<DigestChallenge>().is_err());
    }

    #[test]
    fn unsupported() {
        let mut ch: DigestChallenge = "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256"
            .parse()
            .unwrap();
        assert!(!ch.is_supported());
        assert!(matches!(
            respond(&ch, "REGISTER", "sip:r", "u", "p", "c", 1),
            Err(DigestError::Unsupported(_))
        ));
        ch.algorithm = None;
        ch.qop = vec!["auth-int".into()];
        assert!(matches!(
            respond(&ch, "REGISTER", "sip:r", "u", "p", "c", 1),
            Err(DigestError::Unsupported(_))
        ));
    }

    #[test]
    fn credentials_parse_and_verify() {
        let ch: DigestChallenge =
            "Digest realm=\"r\", nonce=\"n\", qop=\"auth\", algorithm=MD5-sess"
                .parse()
                .unwrap();
        let c = respond(&ch, "INVITE", "sip:b@r", "alice", "pw", "cn", 2).unwrap();
        assert!(c.verify("INVITE", "pw"));
        assert!(!c.verify("INVITE", "wrong"));
        assert!(!c.verify("BYE", "pw"));
        let back: DigestCredentials = c.to_string().parse().unwrap();
        assert_eq!(back, c);
        assert!("Digest username=\"a\""
            .parse::<DigestCredentials>()
            .is_err());
    }
}
