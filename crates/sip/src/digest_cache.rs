//! Digest challenges kept for later requests (RFC 3261 §22.3, RFC 7616 §3.4): the account
//! answers a realm's last nonce up front, so a call does not wait for a 407 round trip.
//!
//! A nonce belongs to the server that issued it: one kept across a reconnect (maybe to
//! another edge, with another secret or realm) is unproven until that server challenged or
//! accepted us again, and only a proven one goes on requests that would otherwise need none
//! to be refused first. Whatever a server says of a nonce we sent, its challenge replaces
//! ours, and the request that got it answers it once (see the user agent's INVITE path).

use crate::rng::Rng;
use crate::ua::UaConfig;
use crate::{digest, DigestChallenge, DigestError, Request};

/// Which header a challenge came in, and so which header answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthHeader {
    /// 401 `WWW-Authenticate`, answered in `Authorization` (a registrar or UAS).
    Www,
    /// 407 `Proxy-Authenticate`, answered in `Proxy-Authorization`.
    Proxy,
}

impl AuthHeader {
    pub(crate) fn of_status(status: u16) -> Self {
        if status == 407 {
            Self::Proxy
        } else {
            Self::Www
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Www => "Authorization",
            Self::Proxy => "Proxy-Authorization",
        }
    }
}

#[derive(Debug)]
struct Kept {
    challenge: DigestChallenge,
    /// The nonce count of the last request that used this nonce (qop=auth).
    nc: u32,
    /// Issued, or accepted, on the current connection.
    proven: bool,
}

/// A few realms at most: one per server an account meets (registrar, proxy).
const MAX_REALMS: usize = 4;

/// The account's kept challenges, by realm.
#[derive(Debug, Default)]
pub(crate) struct DigestCache {
    kept: Vec<Kept>,
    /// The realm and header of the last challenge to a request other than REGISTER: where a
    /// new call looks first, before the registrar's.
    for_calls: Option<(String, AuthHeader)>,
}

impl DigestCache {
    /// Keeps a challenge received on the current connection, in place of its realm's last.
    pub(crate) fn keep(&mut self, challenge: DigestChallenge) {
        if let Some(k) = self
            .kept
            .iter_mut()
            .find(|k| k.challenge.realm == challenge.realm)
        {
            // The same nonce again keeps its count; a new one counts from 1 (RFC 7616 §3.4).
            if k.challenge.nonce != challenge.nonce {
                k.nc = 0;
            }
            k.challenge = challenge;
            k.proven = true;
            return;
        }
        if self.kept.len() == MAX_REALMS {
            // Room for the newest: an account meeting this many realms is passing through.
            self.kept.swap_remove(0);
        }
        self.kept.push(Kept {
            challenge,
            nc: 0,
            proven: true,
        });
    }

    /// A request other than REGISTER was challenged with `ch` in `header`: keep it, and
    /// answer that realm in that header on the next call.
    pub(crate) fn keep_for_calls(&mut self, ch: DigestChallenge, header: AuthHeader) {
        self.for_calls = Some((ch.realm.clone(), header));
        self.keep(ch);
    }

    /// The server accepted a request answering `realm`: its nonce is good on this connection.
    pub(crate) fn prove(&mut self, realm: &str) {
        if let Some(k) = self.kept.iter_mut().find(|k| k.challenge.realm == realm) {
            k.proven = true;
        }
    }

    /// The connection is gone: the next one may reach another server.
    pub(crate) fn connection_lost(&mut self) {
        for k in &mut self.kept {
            k.proven = false;
        }
    }

    /// Signed out: nothing of this account's authentication outlives it.
    pub(crate) fn clear(&mut self) {
        self.kept.clear();
        self.for_calls = None;
    }

    /// Answers `realm`'s kept challenge in `req` under `header`, counting one more use of
    /// its nonce; `Ok(false)` when nothing is kept for it.
    pub(crate) fn authorize(
        &mut self,
        req: &mut Request,
        realm: &str,
        header: AuthHeader,
        cfg: &UaConfig,
        rng: &mut Rng,
    ) -> Result<bool, DigestError> {
        let Some(k) = self.kept.iter_mut().find(|k| k.challenge.realm == realm) else {
            return Ok(false);
        };
        let cnonce = rng.token(16);
        let creds = digest::respond(
            &k.challenge,
            req.method.as_str(),
            &req.uri.to_string(),
            &cfg.auth_user,
            &cfg.password,
            &cnonce,
            k.nc + 1,
        )?;
        k.nc += 1;
        req.headers.remove("Authorization");
        req.headers.remove("Proxy-Authorization");
        req.headers.push(header.name(), creds.to_string());
        Ok(true)
    }

    /// Credentials for a new call (an out-of-dialog INVITE) from a proven nonce: the realm
    /// calls were last challenged in, else the registrar's (`registrar`), in
    /// `Proxy-Authorization` as a proxy checks a registered user's requests.
    pub(crate) fn authorize_call(
        &mut self,
        req: &mut Request,
        registrar: Option<&str>,
        cfg: &UaConfig,
        rng: &mut Rng,
    ) -> bool {
        let proven = |realm: &str| {
            self.kept
                .iter()
                .any(|k| k.proven && k.challenge.realm == realm)
        };
        let choice = match &self.for_calls {
            Some((realm, header)) if proven(realm) => Some((realm.clone(), *header)),
            _ => registrar
                .filter(|r| proven(r))
                .map(|r| (r.to_owned(), AuthHeader::Proxy)),
        };
        choice.is_some_and(|(realm, header)| {
            self.authorize(req, &realm, header, cfg, rng) == Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DigestCredentials, Method};

    fn cfg() -> UaConfig {
        UaConfig {
            aor: "sip:1001@r".parse().unwrap(),
            display_name: None,
            auth_user: "1001".into(),
            password: "pw".into(),
            register_expires: 600,
            instance_id: "urn:uuid:1".into(),
            user_agent: "t".into(),
            seed: 1,
        }
    }

    fn challenge(realm: &str, nonce: &str) -> DigestChallenge {
        format!("Digest realm=\"{realm}\", nonce=\"{nonce}\", qop=\"auth\"")
            .parse()
            .unwrap()
    }

    fn invite() -> Request {
        Request::new(Method::Invite, "sip:1002@r".parse().unwrap())
    }

    fn sent(req: &Request, header: &str) -> DigestCredentials {
        req.headers.get(header).unwrap().parse().unwrap()
    }

    #[test]
    fn counts_every_use_of_a_nonce_and_restarts_with_a_new_one() {
        let (mut cache, mut rng, cfg) = (DigestCache::default(), Rng::new(1), cfg());
        cache.keep(challenge("r", "n1"));
        cache.keep(challenge("other", "o1"));
        let mut ncs = Vec::new();
        let mut cnonces = Vec::new();
        for _ in 0..3 {
            let mut req = invite();
            assert!(cache.authorize_call(&mut req, Some("r"), &cfg, &mut rng));
            let c = sent(&req, "Proxy-Authorization");
            assert!(c.verify("INVITE", "pw"));
            ncs.push(c.nc.unwrap());
            cnonces.push(c.cnonce.unwrap());
        }
        assert_eq!(ncs, [1, 2, 3]);
        cnonces.dedup();
        assert_eq!(cnonces.len(), 3, "a fresh cnonce each time");
        cache.keep(challenge("r", "n1"));
        let mut req = invite();
        assert!(cache.authorize_call(&mut req, Some("r"), &cfg, &mut rng));
        let c = sent(&req, "Proxy-Authorization");
        assert_eq!(c.nc, Some(4), "the same nonce again keeps its count");
        cache.keep(challenge("r", "n2"));
        let mut req = invite();
        assert!(cache.authorize_call(&mut req, Some("r"), &cfg, &mut rng));
        assert_eq!(sent(&req, "Proxy-Authorization").nc, Some(1));
    }

    #[test]
    fn calls_answer_the_realm_and_header_they_were_challenged_in() {
        let (mut cache, mut rng, cfg) = (DigestCache::default(), Rng::new(1), cfg());
        cache.keep(challenge("registrar", "n1"));
        cache.keep_for_calls(challenge("uas", "n2"), AuthHeader::Www);
        let mut req = invite();
        assert!(cache.authorize_call(&mut req, Some("registrar"), &cfg, &mut rng));
        assert!(req.headers.get("Proxy-Authorization").is_none());
        assert_eq!(sent(&req, "Authorization").realm, "uas");
    }

    #[test]
    fn nothing_unproven_goes_on_a_call_and_nothing_outlives_sign_out() {
        let (mut cache, mut rng, cfg) = (DigestCache::default(), Rng::new(1), cfg());
        cache.keep_for_calls(challenge("r", "n1"), AuthHeader::Proxy);
        cache.connection_lost();
        let mut req = invite();
        assert!(!cache.authorize_call(&mut req, Some("r"), &cfg, &mut rng));
        assert!(req.headers.get("Proxy-Authorization").is_none());
        // A REGISTER may still try it: the registrar says whether it still holds.
        assert_eq!(
            cache.authorize(&mut req, "r", AuthHeader::Www, &cfg, &mut rng),
            Ok(true)
        );
        cache.prove("r");
        let mut req = invite();
        assert!(cache.authorize_call(&mut req, None, &cfg, &mut rng));
        cache.clear();
        let mut req = invite();
        assert!(!cache.authorize_call(&mut req, Some("r"), &cfg, &mut rng));
        assert_eq!(
            cache.authorize(&mut req, "r", AuthHeader::Www, &cfg, &mut rng),
            Ok(false)
        );
    }

    #[test]
    fn keeps_a_few_realms_and_always_the_newest() {
        let mut cache = DigestCache::default();
        for i in 0..=MAX_REALMS {
            cache.keep(challenge(&format!("r{i}"), "n"));
        }
        assert_eq!(cache.kept.len(), MAX_REALMS);
        let newest = format!("r{MAX_REALMS}");
        assert!(cache.kept.iter().any(|k| k.challenge.realm == newest));
    }
}
