//! The `challenge` / `credentials` syntax of WWW-Authenticate, Proxy-Authenticate,
//! Authorization and Proxy-Authorization (RFC 3261 §25.1, RFC 7235 §2.1).

use crate::parse::text::{is_token, is_token_char, split_at_first, split_top, unquote};

/// An auth scheme and its `name=value` parameters, values unquoted.
pub(crate) type AuthParams<'a> = (&'a str, Vec<(&'a str, String)>);

/// Parses `Digest realm="x", nonce="y", qop=auth`.
pub(crate) fn parse_auth(s: &str) -> Result<AuthParams<'_>, &'static str> {
    let s = s.trim();
    let (scheme, rest) = split_at_first(s, |c| !is_token_char(c));
    if scheme.is_empty() {
        return Err("missing auth scheme");
    }
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return Err("bad auth scheme");
    }
    let mut params = Vec::new();
    if rest.trim().is_empty() {
        return Ok((scheme, params));
    }
    for part in split_top(rest, ',') {
        let (name, value) = part.split_once('=').ok_or("auth parameter has no `=`")?;
        let (name, value) = (name.trim(), value.trim());
        if !is_token(name) {
            return Err("bad auth parameter name");
        }
        let value = if value.starts_with('"') {
            let (v, rest) = unquote(value)?;
            if !rest.trim().is_empty() {
                return Err("text after quoted auth parameter");
            }
            v
        } else if is_token(value) {
            value.to_owned()
        } else {
            return Err("bad auth parameter value");
        };
        params.push((name, value));
    }
    Ok((scheme, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_params() {
        let (scheme, p) = parse_auth(r#"Digest realm="a, \"b\"",nonce="n" , qop=auth"#).unwrap();
        assert_eq!(scheme, "Digest");
        assert_eq!(
            p,
            vec![
                ("realm", r#"a, "b""#.to_owned()),
                ("nonce", "n".into()),
                ("qop", "auth".into())
            ]
        );
        assert!(parse_auth("Digest realm").is_err());
        assert!(parse_auth("Digest realm=\"x").is_err());
        assert!(parse_auth("Digest realm=a b").is_err());
        assert!(parse_auth("").is_err());
    }
}
