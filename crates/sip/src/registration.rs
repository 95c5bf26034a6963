//! Registration client (RFC 3261 §10, RFC 5626 outbound contact parameters).

use std::time::Duration;

use web_time::Instant;

use crate::digest_cache::{AuthHeader, DigestCache};
use crate::rng::Rng;
use crate::ua::UaConfig;
use crate::{DigestChallenge, Method, NameAddr, Request, Response, Uri};

/// Where the account's registration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationState {
    /// Not registered, and not trying.
    Unregistered,
    /// A REGISTER is on its way.
    Registering,
    /// The registrar accepted us for `expires` seconds.
    Registered {
        /// Granted lifetime in seconds.
        expires: u32,
    },
    /// The last attempt failed.
    Failed(RegistrationError),
}

/// Why registration failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// The registrar refused our credentials: it challenged again a request that answered
    /// its own fresh challenge. Tried again after a long wait or a reconnect.
    #[error("wrong credentials")]
    WrongCredentials,
    /// The registrar answered with an error.
    #[error("registrar answered {status} {reason}")]
    Rejected {
        /// SIP status.
        status: u16,
        /// Reason phrase.
        reason: String,
    },
    /// No answer in time (Timer F).
    #[error("no answer from the registrar")]
    Timeout,
    /// The WebSocket closed.
    #[error("connection to the server lost")]
    TransportDown,
}

/// How long to wait before trying again after a failure.
const RETRY_AFTER: Duration = Duration::from_secs(30);
/// How long to wait after the registrar refused our password. A restarted or reconfigured
/// server may accept it later, so we do try again; but a refused password is usually refused
/// again, and registrars ban addresses that fail too often (fail2ban in front of Kamailio or
/// Asterisk), which would sign out every agent behind the same NAT.
const WRONG_CREDENTIALS_RETRY: Duration = Duration::from_secs(300);
/// How many challenges one attempt answers. A stale nonce or a new realm each earn a retry;
/// a server that keeps challenging (or an algorithm we cannot answer) does not loop us.
const MAX_CHALLENGES: u8 = 3;

/// What the REGISTER in flight carried, which decides what a new challenge means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SentAuth {
    None,
    /// Credentials from a nonce kept from an earlier attempt (a refresh, a reconnect): the
    /// server may have forgotten it (a restart), so a challenge is just a new nonce.
    Cached,
    /// Credentials answering the challenge to the previous REGISTER of this attempt: a
    /// second non-stale challenge from the same realm means the password is wrong.
    Fresh,
}

/// Whether the transport being back means a REGISTER now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resume {
    /// Send it.
    Now,
    /// The registrar refused our password a short while ago: wait for the retry timer; the
    /// state to report again (the transport loss replaced it).
    Wait(Option<RegistrationState>),
}

#[derive(Debug)]
pub(crate) struct Registration {
    wanted: bool,
    call_id: String,
    from_tag: String,
    cseq: u32,
    state: RegistrationState,
    refresh_at: Option<Instant>,
    /// The realm to answer in the next REGISTER (its nonce is kept in the account's
    /// [`DigestCache`]) and the header its challenge came in.
    challenge: Option<(String, AuthHeader)>,
    /// What the REGISTER in flight carried.
    sent: SentAuth,
    /// The next REGISTER answers the challenge just received (same attempt).
    retry_auth: bool,
    /// Challenges answered in this attempt.
    challenges: u8,
    /// After a refused password: no new attempt before this, even on a reconnect.
    backoff_until: Option<Instant>,
}

impl Registration {
    pub(crate) fn new(rng: &mut Rng) -> Self {
        Self {
            wanted: false,
            call_id: rng.token(20),
            from_tag: rng.token(10),
            cseq: 0,
            state: RegistrationState::Unregistered,
            refresh_at: None,
            challenge: None,
            sent: SentAuth::None,
            retry_auth: false,
            challenges: 0,
            backoff_until: None,
        }
    }

    pub(crate) fn wanted(&self) -> bool {
        self.wanted
    }

    /// The user signs in or out: that is worth an attempt now, whatever failed before.
    pub(crate) fn want(&mut self, wanted: bool) {
        self.wanted = wanted;
        self.refresh_at = None;
        self.backoff_until = None;
    }

    /// The transport is up again (a registration is wanted).
    pub(crate) fn resume(&mut self, now: Instant) -> Resume {
        match self.backoff_until {
            Some(at) if at > now => {
                self.refresh_at = Some(at);
                Resume::Wait(self.set(RegistrationState::Failed(
                    RegistrationError::WrongCredentials,
                )))
            }
            _ => Resume::Now,
        }
    }

    pub(crate) fn refresh_at(&self) -> Option<Instant> {
        self.refresh_at
    }

    pub(crate) fn refresh_due(&self, now: Instant) -> bool {
        self.refresh_at.is_some_and(|t| t <= now)
    }

    /// The realm the registrar challenged us in, if it did.
    pub(crate) fn realm(&self) -> Option<&str> {
        self.challenge.as_ref().map(|(realm, _)| realm.as_str())
    }

    pub(crate) fn retry_with_auth(&self) -> bool {
        self.retry_auth
    }

    fn set(&mut self, state: RegistrationState) -> Option<RegistrationState> {
        (self.state != state).then(|| {
            self.state = state.clone();
            state
        })
    }

    pub(crate) fn transport_lost(&mut self) -> Option<RegistrationState> {
        self.refresh_at = None;
        // A challenge from the old connection is not fresh on the new one.
        self.retry_auth = false;
        if self.wanted {
            self.set(RegistrationState::Failed(RegistrationError::TransportDown))
        } else {
            None
        }
    }

    pub(crate) fn sent(&mut self) -> Option<RegistrationState> {
        self.refresh_at = None;
        if self.wanted && !matches!(self.state, RegistrationState::Registered { .. }) {
            self.set(RegistrationState::Registering)
        } else {
            None
        }
    }

    pub(crate) fn timed_out(&mut self, now: Instant) -> Option<RegistrationState> {
        if !self.wanted {
            return self.set(RegistrationState::Unregistered);
        }
        self.refresh_at = Some(now + RETRY_AFTER);
        self.set(RegistrationState::Failed(RegistrationError::Timeout))
    }

    /// The next REGISTER (or un-REGISTER when not wanted).
    pub(crate) fn request(
        &mut self,
        cfg: &UaConfig,
        contact: &Uri,
        rng: &mut Rng,
        cache: &mut DigestCache,
    ) -> Request {
        self.cseq += 1;
        let expires = if self.wanted { cfg.register_expires } else { 0 };
        let mut registrar = cfg.aor.clone();
        registrar.user = None;
        registrar.password = None;
        registrar.params = Default::default();
        let mut aor = NameAddr::new(cfg.aor.clone());
        aor.display_name.clone_from(&cfg.display_name);
        let mut req = Request::new(Method::Register, registrar);
        req.headers.push("Max-Forwards", "70");
        req.headers
            .push("From", aor.clone().with_tag(&self.from_tag).to_string());
        req.headers.push("To", aor.to_string());
        req.headers.push("Call-ID", self.call_id.clone());
        req.headers.push("CSeq", format!("{} REGISTER", self.cseq));
        let mut binding = NameAddr::new(contact.clone());
        binding
            .params
            .set("+sip.instance", Some(&format!("\"<{}>\"", cfg.instance_id)));
        binding.params.set("reg-id", Some("1"));
        req.headers.push("Contact", binding.to_string());
        req.headers.push("Expires", expires.to_string());
        // RFC 5627: ask for a GRUU, the address that reaches this instance through whichever
        // flow it registered last, so the peers of our calls find us after a reconnect.
        req.headers.push("Supported", "path, outbound, gruu");
        let answering = std::mem::take(&mut self.retry_auth);
        if !answering {
            self.challenges = 0;
        }
        self.sent = SentAuth::None;
        if let Some((realm, header)) = &self.challenge {
            if cache.authorize(&mut req, realm, *header, cfg, rng) == Ok(true) {
                self.sent = if answering {
                    SentAuth::Fresh
                } else {
                    SentAuth::Cached
                };
            }
        }
        req
    }

    pub(crate) fn on_response(
        &mut self,
        resp: &Response,
        challenge: Option<DigestChallenge>,
        contact: &Uri,
        now: Instant,
        cache: &mut DigestCache,
    ) -> Option<RegistrationState> {
        self.retry_auth = false;
        match resp.status {
            100..=199 => None,
            200..=299 if !self.wanted => {
                self.refresh_at = None;
                self.set(RegistrationState::Unregistered)
            }
            200..=299 => {
                let expires = granted_expires(resp, contact).unwrap_or(0);
                if expires == 0 {
                    return self.set(RegistrationState::Failed(RegistrationError::Rejected {
                        status: resp.status,
                        reason: "registrar kept no binding".into(),
                    }));
                }
                // Refresh well before expiry, as JsSIP and desk phones do, and at least daily:
                // a registrar granting years (any u32 parses) must not leave our binding
                // unchecked that long. Refreshing early costs one REGISTER.
                let until = expires.min(MAX_REFRESH_SECS);
                let lead = u64::from(until).saturating_sub(u64::from(until / 10).max(5));
                self.backoff_until = None;
                if let (Some((realm, _)), false) = (&self.challenge, self.sent == SentAuth::None) {
                    cache.prove(realm);
                }
                self.refresh_at = Some(now + Duration::from_secs(lead.max(1)));
                self.set(RegistrationState::Registered { expires })
            }
            401 | 407 => self.on_challenge(resp.status, challenge, now, cache),
            _ => {
                self.refresh_at = self.wanted.then(|| now + RETRY_AFTER);
                self.set(RegistrationState::Failed(RegistrationError::Rejected {
                    status: resp.status,
                    reason: resp.reason.clone(),
                }))
            }
        }
    }
}

impl Registration {
    /// A 401/407: answer it (a new nonce, a stale one, another realm), or take it as a
    /// refused password when it challenges credentials that answered its own fresh
    /// challenge.
    fn on_challenge(
        &mut self,
        status: u16,
        challenge: Option<DigestChallenge>,
        now: Instant,
        cache: &mut DigestCache,
    ) -> Option<RegistrationState> {
        let Some(ch) = challenge.filter(|_| self.challenges < MAX_CHALLENGES) else {
            return self.refused(now);
        };
        let refused = match self.sent {
            SentAuth::Fresh => !ch.stale && self.realm() == Some(ch.realm.as_str()),
            SentAuth::None | SentAuth::Cached => false,
        };
        if refused {
            return self.refused(now);
        }
        self.challenge = Some((ch.realm.clone(), AuthHeader::of_status(status)));
        cache.keep(ch);
        self.challenges += 1;
        self.retry_auth = true;
        None
    }

    fn refused(&mut self, now: Instant) -> Option<RegistrationState> {
        // Its nonce is of no use to the next attempt.
        self.challenge = None;
        if self.wanted {
            let at = now + WRONG_CREDENTIALS_RETRY;
            self.refresh_at = Some(at);
            self.backoff_until = Some(at);
        } else {
            self.refresh_at = None;
        }
        self.set(RegistrationState::Failed(
            RegistrationError::WrongCredentials,
        ))
    }
}

/// Our own binding among the Contacts of the registrar's 2xx.
fn own_binding(resp: &Response, contact: &Uri) -> Option<NameAddr> {
    resp.headers
        .contacts()
        .ok()?
        .into_iter()
        .find(|c| c.uri.user == contact.user && c.uri.host.eq_ignore_ascii_case(&contact.host))
}

/// The longest we wait between REGISTERs, whatever the registrar granted.
const MAX_REFRESH_SECS: u32 = 86_400;

/// The lifetime the registrar granted our own binding.
fn granted_expires(resp: &Response, contact: &Uri) -> Option<u32> {
    let ours = own_binding(resp, contact)?;
    ours.params
        .value("expires")
        .and_then(|v| v.parse().ok())
        .or_else(|| resp.headers.expires().ok().flatten())
}

/// The public GRUU the registrar handed our binding (RFC 5627 §5.1: the quoted `pub-gruu`
/// parameter of our Contact in the 2xx), if it is a SIP URI carrying `gr`.
pub(crate) fn public_gruu(resp: &Response, contact: &Uri) -> Option<Uri> {
    let ours = own_binding(resp, contact)?;
    let raw = ours.params.value("pub-gruu")?;
    let text = match crate::parse::text::unquote(raw) {
        Ok((text, "")) => text,
        _ => raw.to_owned(),
    };
    let uri: Uri = text.parse().ok()?;
    (uri.is_sip() && uri.params.value("gr").is_some()).then_some(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_with(contact: &str) -> Response {
        let mut resp = Response::new(200, "OK");
        resp.headers.push("Contact", contact);
        resp
    }

    #[test]
    fn reads_the_public_gruu_of_our_own_binding() {
        let ours: Uri = "sip:abc@x.invalid;transport=ws;ob".parse().unwrap();
        let resp = ok_with(
            "<sip:other@y.invalid;transport=ws>;expires=60;pub-gruu=\"sip:1001@example.test;gr=urn:uuid:2\", \
             <sip:abc@x.invalid;transport=ws;ob>;expires=600;+sip.instance=\"<urn:uuid:1>\";\
             pub-gruu=\"sip:1001@example.test;gr=urn:uuid:1\";temp-gruu=\"sip:tgruu.7@example.test;gr\"",
        );
        let gruu = public_gruu(&resp, &ours).unwrap();
        assert_eq!(gruu.to_string(), "sip:1001@example.test;gr=urn:uuid:1");
        assert_eq!(granted_expires(&resp, &ours), Some(600));
    }

    #[test]
    fn a_grant_of_years_is_still_refreshed_within_a_day() {
        let ours: Uri = "sip:abc@x.invalid".parse().unwrap();
        let mut reg = Registration::new(&mut Rng::new(1));
        reg.want(true);
        let now = Instant::now();
        let resp = ok_with("<sip:abc@x.invalid>;expires=4294967295");
        let state = reg.on_response(&resp, None, &ours, now, &mut DigestCache::default());
        assert_eq!(
            state,
            Some(RegistrationState::Registered { expires: u32::MAX })
        );
        let wait = reg.refresh_at().unwrap() - now;
        assert!(
            wait <= Duration::from_secs(u64::from(MAX_REFRESH_SECS)),
            "{wait:?}"
        );
        assert!(
            wait >= Duration::from_secs(u64::from(MAX_REFRESH_SECS) / 2),
            "{wait:?}"
        );
    }

    #[test]
    fn no_gruu_without_a_usable_pub_gruu() {
        let ours: Uri = "sip:abc@x.invalid".parse().unwrap();
        assert_eq!(
            public_gruu(&ok_with("<sip:abc@x.invalid>;expires=600"), &ours),
            None
        );
        let no_gr = ok_with("<sip:abc@x.invalid>;pub-gruu=\"sip:1001@example.test\"");
        assert_eq!(public_gruu(&no_gr, &ours), None);
        let garbage = ok_with("<sip:abc@x.invalid>;pub-gruu=\"not a uri\"");
        assert_eq!(public_gruu(&garbage, &ours), None);
    }
}
