//! What the agent typed in the number field, turned into a SIP URI.

use sip::Uri;

/// Why a dial string was refused.
///
/// Not `#[non_exhaustive]`: the app words every variant with no catch-all arm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Nothing to dial.
    #[error("enter a number or SIP address")]
    Empty,
    /// Not a number, user name or SIP URI.
    #[error("not a number or SIP address: {0}")]
    Invalid(String),
}

/// `1002`, `+1 (555) 010-0000`, `bob`, `bob@example.com` or `sip:bob@example.com`; bare
/// numbers and names go to the agent's own domain.
pub fn parse_target(input: &str, domain: &str) -> Result<Uri, TargetError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(TargetError::Empty);
    }
    let invalid = || TargetError::Invalid(s.to_owned());
    if s.starts_with("sip:") || s.starts_with("sips:") {
        return s.parse::<Uri>().map_err(|_| invalid());
    }
    let (user, host) = match s.split_once('@') {
        Some((u, h)) => (u, h),
        None => (s, domain),
    };
    let is_phone_number = user
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && user.chars().any(|c| c.is_ascii_digit());
    let user: String = if is_phone_number {
        user.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    } else {
        user.to_owned()
    };
    let user_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-_.!~*'".contains(c));
    if !user_ok || host.is_empty() {
        return Err(invalid());
    }
    format!("sip:{user}@{host}")
        .parse::<Uri>()
        .map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_and_uris() {
        let u = parse_target(" 1002 ", "127.0.0.1").unwrap();
        assert_eq!(u.to_string(), "sip:1002@127.0.0.1");
        let u = parse_target("+1 (555) 010-0000", "pbx.example").unwrap();
        assert_eq!(u.user.as_deref(), Some("+15550100000"));
        let u = parse_target("bob@example.com", "x").unwrap();
        assert_eq!(u.host, "example.com");
        assert!(parse_target("sip:carol@example.com;transport=ws", "x").is_ok());
        assert_eq!(parse_target("  ", "x"), Err(TargetError::Empty));
        assert!(parse_target("<script>", "x").is_err());
        assert!(parse_target("a b", "x").is_err());
    }
}
