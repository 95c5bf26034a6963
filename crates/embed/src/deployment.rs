//! `embed.json`, the deployment's file beside `index.html`: which pages may drive the phone.

use serde::Deserialize;

use crate::json::{self, Value};

/// The deployment's embedding settings. With none, or an empty allowlist, the phone listens
/// to no page at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Deployment {
    /// Origins (`https://crm.example.com`, with a port where it is not the default) whose
    /// pages may embed and drive the phone.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Accept [`crate::Command::SignIn`] (a SIP password through postMessage). Off unless set.
    #[serde(default)]
    pub credentials_sign_in: bool,
}

/// The largest `embed.json` read.
const MAX_CONFIG_BYTES: usize = 64 * 1024;

impl Deployment {
    /// Reads `embed.json`; anything unreadable is "no page may drive the phone".
    pub fn parse(text: &str) -> Self {
        if text.len() > MAX_CONFIG_BYTES {
            return Self::default();
        }
        Self::read(text).unwrap_or_default()
    }

    /// What the derive reads: an object whose known fields, each at most once, have their
    /// types; other fields are ignored.
    fn read(text: &str) -> Option<Self> {
        let Some(Value::Object(members)) = json::parse(text) else {
            return None;
        };
        let mut deployment = Self::default();
        let (mut origins, mut credentials) = (false, false);
        for (key, value) in &members {
            match key.as_str() {
                "allowed_origins" if !std::mem::replace(&mut origins, true) => {
                    deployment.allowed_origins = value
                        .as_array()?
                        .iter()
                        .map(|o| o.as_str().map(str::to_owned))
                        .collect::<Option<_>>()?;
                }
                "credentials_sign_in" if !std::mem::replace(&mut credentials, true) => {
                    deployment.credentials_sign_in = value.as_bool()?;
                }
                "allowed_origins" | "credentials_sign_in" => return None,
                _ => {}
            }
        }
        Some(deployment)
    }

    /// Whether `origin` (as the browser reports it: `scheme://host[:port]`) is on the list.
    /// An exact match only: no wildcards, and never the opaque origin `null`.
    pub fn allows(&self, origin: &str) -> bool {
        origin != "null"
            && !origin.is_empty()
            && self
                .allowed_origins
                .iter()
                .any(|o| o.trim_end_matches('/') == origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_origins_are_allowed() {
        let d = Deployment::parse(
            r#"{"allowed_origins": ["https://crm.example.com/", "http://127.0.0.1:8081"]}"#,
        );
        assert!(d.allows("https://crm.example.com"));
        assert!(d.allows("http://127.0.0.1:8081"));
        assert!(!d.allows("https://crm.example.com.evil.net"));
        assert!(!d.allows("http://crm.example.com"));
        assert!(!d.allows("null"));
        assert!(!d.credentials_sign_in);
    }

    #[test]
    fn a_broken_file_allows_nobody() {
        assert_eq!(Deployment::parse("{"), Deployment::default());
        assert_eq!(
            Deployment::parse(r#"{"allowed_origins": "*"}"#),
            Deployment::default()
        );
        let star = Deployment::parse(r#"{"allowed_origins": ["*"]}"#);
        assert!(!star.allows("https://any.example.com"));
    }

    /// The hand-written reader reads what the serde derive reads, and refuses what it refuses.
    #[test]
    fn the_reader_agrees_with_the_derive() {
        let files = [
            r#"{"allowed_origins": ["https://a.example"], "credentials_sign_in": true}"#,
            r#"{"credentials_sign_in": false, "other": [1, {"x": null}]}"#,
            r#"{}"#,
            r#"{"allowed_origins": null}"#,
            r#"{"allowed_origins": [1]}"#,
            r#"{"allowed_origins": [], "allowed_origins": []}"#,
            r#"{"credentials_sign_in": "yes"}"#,
            r#"{"credentials_sign_in": true, "credentials_sign_in": true}"#,
            r#"{"allowed_origins": ["https://b.example"]} x"#,
            r#""allowed_origins""#,
        ];
        for text in files {
            let derive = serde_json::from_str::<Deployment>(text).ok();
            assert_eq!(Deployment::read(text), derive, "{text}");
        }
    }
}
