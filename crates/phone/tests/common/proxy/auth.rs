//! Digest checks as the project's Kamailio makes them: REGISTER answers a 401 challenge in
//! `Authorization`; a new call (an out-of-dialog INVITE) from a local user answers a 407
//! one in `Proxy-Authorization`. A nonce is good until the server calls it expired (then
//! `stale=true`), forgets it (a restart), or, with `edge_secrets`, on another edge than the
//! one that issued it; with qop=auth each use must count higher than the last (RFC 7616).

use std::collections::HashMap;

use sip::{DigestCredentials, Request};

use super::{password_of, reply, Out, Proxy, DOMAIN};

/// Why a request's credentials do not pass.
enum Check {
    /// None, or none this server can use: challenge afresh.
    Missing,
    /// A nonce this server issued but now calls expired: challenge with `stale=true`.
    Stale,
    Good,
}

/// Credentials a request carried, as the server read them.
#[derive(Debug, Clone)]
pub struct Presented {
    pub user: String,
    pub method: String,
    pub realm: String,
    pub nonce: String,
    pub nc: u32,
    pub cnonce: String,
}

/// What the proxy checks and remembers of digest authentication.
#[derive(Default)]
pub struct Auth {
    /// Challenge new calls from local users (Kamailio's `proxy_challenge`).
    pub calls: bool,
    /// A server that challenges every new call whatever it carries: the phone must give up
    /// after answering once, not loop.
    pub refuse_calls: bool,
    /// Each edge (by URL) has a secret of its own: its nonces are good there only.
    pub edge_secrets: bool,
    /// The realm an edge (by URL) challenges in; `DOMAIN` for the others.
    pub realms: HashMap<String, String>,
    /// Every challenge sent: "401 REGISTER 1001", "407 INVITE 1002 stale" (status, method,
    /// R-URI user, whether it said `stale=true`).
    pub challenges: Vec<String>,
    /// Every set of credentials received, in order.
    pub presented: Vec<Presented>,
    next: u64,
    /// nonce -> (the edge that issued it, expired, the highest nc used with it).
    nonces: HashMap<String, (Option<String>, bool, u32)>,
}

impl Auth {
    /// Every nonce issued so far expires (the server's nonce lifetime passes).
    pub fn expire_nonces(&mut self) {
        for n in self.nonces.values_mut() {
            n.1 = true;
        }
    }

    /// The server forgets every nonce (a new secret): they are refused, not stale.
    pub fn forget_nonces(&mut self) {
        self.nonces.clear();
    }

    fn realm(&self, edge: Option<&String>) -> String {
        edge.and_then(|e| self.realms.get(e))
            .cloned()
            .unwrap_or_else(|| DOMAIN.to_owned())
    }

    fn check(
        &mut self,
        creds: Option<&str>,
        method: &str,
        user: &str,
        edge: Option<&String>,
    ) -> Check {
        let Some(c) = creds.and_then(|v| v.parse::<DigestCredentials>().ok()) else {
            return Check::Missing;
        };
        self.presented.push(Presented {
            user: c.username.clone(),
            method: method.to_owned(),
            realm: c.realm.clone(),
            nonce: c.nonce.clone(),
            nc: c.nc.unwrap_or(0),
            cnonce: c.cnonce.clone().unwrap_or_default(),
        });
        let realm = self.realm(edge);
        let edge_secrets = self.edge_secrets;
        let Some((issuer, expired, last_nc)) = self.nonces.get_mut(&c.nonce) else {
            return Check::Missing;
        };
        if (edge_secrets && issuer.as_ref() != edge) || c.realm != realm {
            return Check::Missing;
        }
        if c.username != user || !c.verify(method, &password_of(user)) {
            return Check::Missing;
        }
        let nc = c.nc.unwrap_or(0);
        if nc <= *last_nc {
            // A replayed nonce count.
            return Check::Missing;
        }
        *last_nc = nc;
        if *expired {
            Check::Stale
        } else {
            Check::Good
        }
    }

    /// A fresh challenge to `req` in `status` (401 or 407), its nonce issued by `edge`.
    fn challenge(
        &mut self,
        req: &Request,
        status: u16,
        edge: Option<&String>,
        stale: bool,
    ) -> String {
        self.next += 1;
        let nonce = format!("n{}", self.next);
        self.nonces.insert(nonce.clone(), (edge.cloned(), false, 0));
        let mut resp = reply(req, status);
        let to = req
            .headers
            .to()
            .expect("requests carry To")
            .with_tag("auth");
        resp.headers.set("To", to.to_string());
        let header = if status == 407 {
            "Proxy-Authenticate"
        } else {
            "WWW-Authenticate"
        };
        let stale = if stale { ", stale=true" } else { "" };
        resp.headers.push(
            header,
            format!(
                "Digest realm=\"{}\", nonce=\"{nonce}\", qop=\"auth\", algorithm=MD5{stale}",
                self.realm(edge)
            ),
        );
        let user = match req.uri.user.clone() {
            Some(user) => user,
            None => req
                .headers
                .to()
                .ok()
                .and_then(|t| t.uri.user)
                .unwrap_or_default(),
        };
        let said = if stale.is_empty() { "" } else { " stale" };
        self.challenges
            .push(format!("{status} {} {user}{said}", req.method));
        resp.to_string()
    }
}

impl Proxy {
    /// The 401 for a REGISTER whose credentials do not pass, else `None`.
    pub(super) fn check_register(&mut self, from: usize, req: &Request) -> Option<Out> {
        let to = req.headers.to().expect("REGISTER has To");
        let user = to.uri.user.clone().unwrap_or_default();
        self.check_request(from, req, 401, "Authorization", &user)
    }

    /// The 407 for a new call from a local user whose credentials do not pass, else `None`.
    pub(super) fn check_call(&mut self, from: usize, req: &Request) -> Option<Out> {
        if !self.auth.calls {
            return None;
        }
        let caller = req.headers.from().expect("INVITE has From");
        let user = caller.uri.user.clone().unwrap_or_default();
        if self.auth.refuse_calls {
            let edge = self.edges.get(&from).cloned().flatten();
            return Some(vec![(
                from,
                self.auth.challenge(req, 407, edge.as_ref(), false),
            )]);
        }
        self.check_request(from, req, 407, "Proxy-Authorization", &user)
    }

    fn check_request(
        &mut self,
        from: usize,
        req: &Request,
        status: u16,
        header: &str,
        user: &str,
    ) -> Option<Out> {
        let edge = self.edges.get(&from).cloned().flatten();
        let method = req.method.as_str().to_owned();
        let stale = match self
            .auth
            .check(req.headers.get(header), &method, user, edge.as_ref())
        {
            Check::Good => return None,
            Check::Missing => false,
            Check::Stale => true,
        };
        Some(vec![(
            from,
            self.auth.challenge(req, status, edge.as_ref(), stale),
        )])
    }
}
