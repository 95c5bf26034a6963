//! What an agent signs in with, checked before anything starts.

use phone::PhoneConfig;
use sip::{UaConfig, Uri};

use crate::error::WebError;
use crate::peer::IceServer;

/// The sign-in form, as typed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// `sip:user@domain`.
    pub sip_uri: String,
    /// The SIP password (kept in memory only).
    pub password: String,
    /// The edge proxies' WebSocket URLs, separated by spaces, commas or lines.
    pub edges: String,
    /// STUN URLs (`stun:host:port`), separated likewise; empty for host candidates only.
    pub ice_servers: String,
    /// TURN URLs (`turn:` or `turns:`), separated likewise; they all use the credentials below.
    pub turn_servers: String,
    /// The TURN username.
    pub turn_username: String,
    /// The TURN credential (kept in memory only, like the password).
    pub turn_credential: String,
    /// The digest user when it is not the SIP address's user part; empty: that user.
    pub auth_user: String,
    /// This browser profile's RFC 5626 instance id (`urn:uuid:...`).
    pub instance_id: String,
    /// The agent's display name, if any.
    pub display_name: Option<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("sip_uri", &self.sip_uri)
            .field("password", &"<hidden>")
            .field("edges", &self.edges)
            .field("auth_user", &self.auth_user)
            .field("turn_servers", &self.turn_servers)
            .field("turn_credential", &"<hidden>")
            .finish_non_exhaustive()
    }
}

/// Why signing in did not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// The SIP address does not parse.
    #[error("the SIP address is not valid")]
    BadAddress,
    /// The SIP address has no user part.
    #[error("the SIP address has no user")]
    NoUser,
    /// No server given.
    #[error("no server address")]
    NoServer,
    /// A server address is not a WebSocket URL.
    #[error("not a ws:// or wss:// address: {url}")]
    BadServer {
        /// The address as typed.
        url: String,
    },
    /// `ws://` to a host other than this machine: signalling (and the DTLS fingerprints
    /// that protect the audio) would travel in clear.
    #[error("ws:// is only for this machine; use wss://{url}")]
    InsecureServer {
        /// The address as typed.
        url: String,
    },
    /// No password.
    #[error("no password")]
    NoPassword,
    /// A STUN or TURN entry is not a `stun:`, `turn:` or `turns:` URL of its list.
    #[error("not a STUN/TURN server address: {url}")]
    BadIceServer {
        /// The entry as typed.
        url: String,
    },
    /// TURN servers given without a username and credential: TURN always authenticates.
    #[error("TURN servers need a username and a credential")]
    TurnNeedsCredentials,
    /// The page embedding the phone gave its iframe no `allow="microphone"`: the browser
    /// refuses the microphone whatever the agent answers, and only the CRM can fix it.
    #[error("the embedding page does not allow the microphone")]
    MicrophoneBlockedByFrame,
    /// The audio could not start (microphone refused, no AudioWorklet...).
    #[error("audio could not start: {0}")]
    Audio(WebError),
}

impl SignInError {
    /// What the CRM is told when its `sign_in` command fails this way.
    pub fn problem(&self) -> embed::SignInProblem {
        use embed::SignInProblem as P;
        match self {
            Self::BadAddress => P::BadAddress,
            Self::NoUser => P::NoUser,
            Self::NoServer => P::NoServer,
            Self::BadServer { .. } => P::BadServer,
            Self::InsecureServer { .. } => P::InsecureServer,
            Self::NoPassword => P::NoPassword,
            // The CRM's sign_in carries no ICE servers; the form's own are the form's to say.
            Self::BadIceServer { .. } | Self::TurnNeedsCredentials => P::BadServer,
            Self::MicrophoneBlockedByFrame => P::MicrophoneBlockedByFrame,
            Self::Audio(_) => P::AudioFailed,
        }
    }
}

const LOOPBACK: [&str; 4] = ["127.0.0.1", "localhost", "[::1]", "::1"];

/// The host of a URL as typed (`[::1]` with its brackets, as `location.hostname` gives it).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_inclusive(']').next().unwrap_or(host_port);
    }
    host_port.split(':').next().unwrap_or(host_port)
}

/// The edge URLs of a typed list, each checked.
pub fn parse_edges(list: &str) -> Result<Vec<String>, SignInError> {
    let urls: Vec<String> = list
        .split([' ', ',', '\n'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect();
    if urls.is_empty() {
        return Err(SignInError::NoServer);
    }
    for url in &urls {
        if let Some(rest) = url.strip_prefix("ws://") {
            if !LOOPBACK.contains(&host_of(url)) {
                return Err(SignInError::InsecureServer {
                    url: rest.to_owned(),
                });
            }
        } else if !url.starts_with("wss://") {
            return Err(SignInError::BadServer { url: url.clone() });
        }
    }
    Ok(urls)
}

/// The entries of a typed list (spaces, commas or lines between them).
fn entries(list: &str) -> impl Iterator<Item = &str> {
    list.split([' ', ',', '\n'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

impl Account {
    /// The ICE servers for every call: each STUN URL on its own, then the TURN URLs with the
    /// TURN credentials; or which entry is wrong.
    pub fn ice_config(&self) -> Result<Vec<IceServer>, SignInError> {
        let mut servers = Vec::new();
        for url in entries(&self.ice_servers) {
            if !url.starts_with("stun:") && !url.starts_with("stuns:") {
                return Err(SignInError::BadIceServer {
                    url: url.to_owned(),
                });
            }
            servers.push(IceServer {
                urls: vec![url.to_owned()],
                username: None,
                credential: None,
            });
        }
        let turn: Vec<String> = entries(&self.turn_servers).map(str::to_owned).collect();
        if let Some(bad) = turn
            .iter()
            .find(|u| !u.starts_with("turn:") && !u.starts_with("turns:"))
        {
            return Err(SignInError::BadIceServer { url: bad.clone() });
        }
        if !turn.is_empty() {
            let username = self.turn_username.trim();
            if username.is_empty() || self.turn_credential.is_empty() {
                return Err(SignInError::TurnNeedsCredentials);
            }
            servers.push(IceServer {
                urls: turn,
                username: Some(username.to_owned()),
                credential: Some(self.turn_credential.clone()),
            });
        }
        Ok(servers)
    }

    /// The engine's settings for this account, or why it cannot sign in. `seed` feeds the
    /// engine's identifiers and jitter; it should come from the platform's CSPRNG.
    pub fn phone_config(&self, seed: u64) -> Result<PhoneConfig, SignInError> {
        let aor: Uri = self
            .sip_uri
            .trim()
            .parse()
            .map_err(|_| SignInError::BadAddress)?;
        let user = aor.user.clone().ok_or(SignInError::NoUser)?;
        let edges = parse_edges(&self.edges)?;
        if self.password.is_empty() {
            return Err(SignInError::NoPassword);
        }
        self.ice_config()?;
        let auth_user = Some(self.auth_user.trim())
            .filter(|u| !u.is_empty())
            .map_or(user, str::to_owned);
        let display_name = self
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let mut cfg = PhoneConfig::new(UaConfig {
            aor,
            display_name,
            auth_user,
            password: self.password.clone(),
            register_expires: 600,
            instance_id: self.instance_id.clone(),
            user_agent: concat!("softphone/", env!("CARGO_PKG_VERSION")).into(),
            seed,
        });
        cfg.edges = edges;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(edges: &str) -> Account {
        Account {
            sip_uri: "sip:1001@example.com".into(),
            password: "pw".into(),
            edges: edges.into(),
            ..Account::default()
        }
    }

    #[test]
    fn edges_are_checked() {
        assert_eq!(
            parse_edges("ws://127.0.0.1:8088, wss://edge2.example.com").unwrap(),
            ["ws://127.0.0.1:8088", "wss://edge2.example.com"]
        );
        assert!(parse_edges("ws://localhost:8088/ws").is_ok());
        assert!(parse_edges("ws://[::1]:8088").is_ok());
        assert_eq!(
            parse_edges("ws://edge.example.com"),
            Err(SignInError::InsecureServer {
                url: "edge.example.com".into()
            })
        );
        assert_eq!(
            parse_edges("ws://127.0.0.1.evil.com"),
            Err(SignInError::InsecureServer {
                url: "127.0.0.1.evil.com".into()
            })
        );
        assert_eq!(
            parse_edges("http://x"),
            Err(SignInError::BadServer {
                url: "http://x".into()
            })
        );
        assert_eq!(parse_edges(" "), Err(SignInError::NoServer));
    }

    #[test]
    fn the_account_becomes_engine_settings() {
        let cfg = account("wss://a.example.com wss://b.example.com")
            .phone_config(7)
            .unwrap();
        assert_eq!(cfg.edges.len(), 2);
        assert_eq!(cfg.ua.auth_user, "1001");
        let mut no_pw = account("wss://a.example.com");
        no_pw.password.clear();
        assert_eq!(no_pw.phone_config(7).unwrap_err(), SignInError::NoPassword);
        let mut bad = account("wss://a.example.com");
        bad.sip_uri = "not an address".into();
        assert_eq!(bad.phone_config(7).unwrap_err(), SignInError::BadAddress);
    }

    #[test]
    fn debug_hides_the_password() {
        assert!(!format!("{:?}", account("wss://a")).contains("pw\""));
        let mut a = account("wss://a");
        a.turn_credential = "s3cret".into();
        assert!(!format!("{a:?}").contains("s3cret"));
    }

    #[test]
    fn authorization_user_and_display_name() {
        let mut a = account("wss://a.example.com");
        assert_eq!(a.phone_config(1).unwrap().ua.auth_user, "1001");
        a.auth_user = " agent-7 ".into();
        a.display_name = Some("  ".into());
        let cfg = a.phone_config(1).unwrap();
        assert_eq!(cfg.ua.auth_user, "agent-7");
        assert_eq!(cfg.ua.display_name, None, "a blank name is no name");
        a.display_name = Some("Ana Ruiz".into());
        assert_eq!(
            a.phone_config(1).unwrap().ua.display_name.as_deref(),
            Some("Ana Ruiz")
        );
    }

    #[test]
    fn stun_and_turn_servers_with_their_credentials() {
        let mut a = account("wss://a.example.com");
        a.ice_servers = "stun:stun.example.com:3478".into();
        a.turn_servers = "turn:t.example.com:3478?transport=udp, turns:t.example.com:5349".into();
        a.turn_username = "agent".into();
        a.turn_credential = "c".into();
        let ice = a.ice_config().unwrap();
        assert_eq!(ice.len(), 2);
        assert_eq!(ice[0].username, None);
        assert_eq!(ice[1].urls.len(), 2);
        assert_eq!(ice[1].username.as_deref(), Some("agent"));
        assert_eq!(ice[1].credential.as_deref(), Some("c"));
        a.turn_credential.clear();
        assert_eq!(a.ice_config(), Err(SignInError::TurnNeedsCredentials));
        assert_eq!(
            a.phone_config(1).unwrap_err(),
            SignInError::TurnNeedsCredentials
        );
        a.turn_servers = "stun:wrong-list.example.com".into();
        assert_eq!(
            a.ice_config(),
            Err(SignInError::BadIceServer {
                url: "stun:wrong-list.example.com".into()
            })
        );
        a.turn_servers.clear();
        a.ice_servers = "http://x".into();
        assert!(matches!(
            a.ice_config(),
            Err(SignInError::BadIceServer { .. })
        ));
    }
}
