//! A small registrar and stateful-enough proxy for the in-memory network: digest-challenged
//! REGISTER, location lookup, Record-Route, and response routing by its own Via branch.
//! Optionally it behaves like the project's Kamailio in the two ways a restart shows: it ties
//! Contacts to the connection they came on (`flow_bound`, Kamailio's `add_contact_alias`), and
//! hands out GRUUs (RFC 5627) that it routes to a phone's latest registration (`gruu`).

mod auth;

use std::collections::HashMap;

use sip::{Message, Method, NameAddr, Request, Response};

pub use auth::Auth;

pub const DOMAIN: &str = "sip.test";
const RECORD_ROUTE: &str = "<sip:proxy.sip.test;lr>";

/// Where the proxy sends a frame: to the phone with this index.
pub type Out = Vec<(usize, String)>;

#[derive(Default)]
pub struct Proxy {
    /// user -> (phone index, contact URI)
    location: HashMap<String, (usize, String)>,
    /// contact host -> phone index, for in-dialog requests
    hosts: HashMap<String, usize>,
    /// our branch -> phone that sent the request
    pending: HashMap<String, usize>,
    /// caller's branch -> our branch (so CANCEL follows its INVITE)
    forwarded: HashMap<String, String>,
    counter: u64,
    /// Digest checks of REGISTER and new calls.
    pub auth: Auth,
    /// Requests seen, method and R-URI user, for assertions.
    pub log: Vec<String>,
    /// Users whose phones answer INVITEs with this status instead of ringing.
    pub refuse: HashMap<String, u16>,
    /// Phones (by index) that do not support REFER: the proxy answers 501 for them.
    pub no_refer: Vec<usize>,
    /// Users behind a "gateway" that sends early media (183 with SDP) before ringing.
    pub early_media: Vec<String>,
    /// Hand out a public GRUU to a REGISTER that asks (`Supported: gruu`, `+sip.instance`).
    pub gruu: bool,
    /// Tie every Contact that is not a GRUU to the connection it came on, as Kamailio's
    /// `add_contact_alias` does: requests to it go on that connection or fail (477).
    pub flow_bound: bool,
    /// phone -> its open connection (flow id).
    flows: HashMap<usize, u64>,
    /// phone -> the edge (URL) its connection goes through, if the test names one.
    edges: HashMap<usize, Option<String>>,
    next_flow: u64,
    /// GRUU instance -> (phone, flow its registration came on, registered contact).
    instances: HashMap<String, (usize, u64, String)>,
    /// user -> flow of its registration (flow_bound only).
    reg_flows: HashMap<String, u64>,
}

/// The status Kamailio answers when it cannot send on a connection that is gone.
const DEAD_FLOW: u16 = 477;

fn password_of(user: &str) -> String {
    format!("{user}pw")
}

fn reply(req: &Request, status: u16) -> Response {
    let mut resp = Response::new(status, Response::default_reason(status));
    for v in req.headers.get_all("Via") {
        resp.headers.push("Via", v.to_owned());
    }
    for name in ["From", "To", "Call-ID", "CSeq"] {
        if let Some(v) = req.headers.get(name) {
            resp.headers.push(name, v.to_owned());
        }
    }
    resp
}

/// Splits `Digest k="v", k2=v2` into pairs.
fn auth_params(value: &str) -> HashMap<String, String> {
    let rest = value.trim_start_matches("Digest").trim();
    rest.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_lowercase(),
                v.trim().trim_matches('"').to_owned(),
            )
        })
        .collect()
}

impl Proxy {
    /// A phone's connection opened, through `edge`.
    pub fn connected(&mut self, phone: usize, edge: Option<String>) {
        self.next_flow += 1;
        self.flows.insert(phone, self.next_flow);
        self.edges.insert(phone, edge);
    }

    /// A phone's connection closed.
    pub fn disconnected(&mut self, phone: usize) {
        self.flows.remove(&phone);
        self.edges.remove(&phone);
    }

    /// The server restarts: every registration, nonce and transaction is forgotten (its
    /// connections close too: the network reports that to the phones).
    pub fn restart(&mut self) {
        self.location.clear();
        self.hosts.clear();
        self.pending.clear();
        self.forwarded.clear();
        self.auth.forget_nonces();
        self.flows.clear();
        self.edges.clear();
        self.instances.clear();
        self.reg_flows.clear();
    }

    /// The phone whose open connection is `flow`.
    fn open_flow(&self, flow: u64) -> Option<usize> {
        self.flows
            .iter()
            .find_map(|(p, f)| (*f == flow).then_some(*p))
    }

    /// Ties a message's Contact to the connection of `from` (flow_bound, not a GRUU).
    fn alias_contact(&self, from: usize, headers: &mut sip::Headers) {
        let Some(flow) = self.flows.get(&from).filter(|_| self.flow_bound) else {
            return;
        };
        let Ok(mut contacts) = headers.contacts() else {
            return;
        };
        let Some(first) = contacts.first_mut() else {
            return;
        };
        if first.uri.params.contains("gr") {
            return;
        }
        first.uri.params.set("alias", Some(&flow.to_string()));
        headers.set("Contact", first.to_string());
    }

    /// How many `method` requests the proxy has seen.
    pub fn count(&self, method: &str) -> usize {
        self.log.iter().filter(|l| l.starts_with(method)).count()
    }

    pub fn handle(&mut self, from: usize, frame: &str) -> Out {
        if frame.trim().is_empty() {
            // An RFC 5626 keep-alive ping; this registrar does not do outbound, so no pong.
            self.log.push("PING".into());
            return vec![];
        }
        match Message::parse(frame.as_bytes()).expect("phones send valid SIP") {
            Message::Request(req) => self.request(from, req),
            Message::Response(mut resp) => {
                self.alias_contact(from, &mut resp.headers);
                self.response(resp)
            }
        }
    }

    fn request(&mut self, from: usize, mut req: Request) -> Out {
        let user = req.uri.user.clone().unwrap_or_default();
        self.log.push(format!("{} {}", req.method, user));
        if req.method == Method::Register {
            return self.register(from, &req);
        }
        self.alias_contact(from, &mut req.headers);
        let in_dialog = req.headers.to().is_ok_and(|t| t.tag().is_some());
        if req.method == Method::Invite && !in_dialog {
            if let Some(challenge) = self.check_call(from, &req) {
                return challenge;
            }
        }
        let to_contact = self.hosts.contains_key(&req.uri.host.to_lowercase());
        let alias = req
            .uri
            .params
            .value("alias")
            .and_then(|f| f.parse::<u64>().ok());
        let gruu = req.uri.params.value("gr").map(str::to_owned);
        let dest = if let Some(flow) = alias {
            req.uri.params.remove("alias");
            req.headers.remove("Route");
            match self.open_flow(flow) {
                Some(phone) => Some(phone),
                None => return self.unreachable(from, &req),
            }
        } else if let Some(instance) = gruu {
            // Kamailio's lookup() of a GRUU: the contact its instance registered last.
            req.headers.remove("Route");
            match self.instances.get(&instance).cloned() {
                Some((phone, flow, contact)) => {
                    if self.flow_bound && self.open_flow(flow) != Some(phone) {
                        return self.unreachable(from, &req);
                    }
                    req.uri = contact.parse().expect("stored contact parses");
                    Some(phone)
                }
                None => None,
            }
        } else if in_dialog || to_contact || req.headers.get("Route").is_some() {
            let routes: Vec<String> = req.headers.get_all("Route").map(str::to_owned).collect();
            req.headers.remove("Route");
            for r in routes.iter().filter(|r| !r.contains("proxy.sip.test")) {
                req.headers.push("Route", r.clone());
            }
            self.hosts.get(&req.uri.host.to_lowercase()).copied()
        } else {
            match self.location.get(&user).cloned() {
                Some((idx, contact)) => {
                    let flow = self.reg_flows.get(&user).copied();
                    if self.flow_bound && flow.and_then(|f| self.open_flow(f)) != Some(idx) {
                        return self.unreachable(from, &req);
                    }
                    req.uri = contact.parse().expect("stored contact parses");
                    Some(idx)
                }
                None => None,
            }
        };
        let Some(dest) = dest else {
            if req.method == Method::Ack {
                return vec![];
            }
            return vec![(from, reply(&req, 404).to_string())];
        };
        if req.method == Method::Refer && self.no_refer.contains(&dest) {
            return vec![(from, reply(&req, 501).to_string())];
        }
        if req.method == Method::Invite && !in_dialog {
            if let Some(status) = self.refuse.get(&user) {
                let mut resp = reply(&req, *status);
                let to = req.headers.to().unwrap().with_tag("refused");
                resp.headers.set("To", to.to_string());
                return vec![(from, resp.to_string())];
            }
            req.headers.push_front("Record-Route", RECORD_ROUTE);
            if self.early_media.contains(&user) {
                let mut early = reply(&req, 183);
                let to = req.headers.to().unwrap().with_tag("gw-early");
                early.headers.set("To", to.to_string());
                early.headers.push("Contact", "<sip:gw@gw.sip.test>");
                early.headers.push("Content-Type", "application/sdp");
                early.body = b"v=0\r\no=- 9 9 IN IP4 127.0.0.1\r\ns=early 99 0 of gw\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n".to_vec();
                let mut out = self.forward(from, dest, req);
                out.insert(0, (from, early.to_string()));
                return out;
            }
        }
        self.forward(from, dest, req)
    }

    /// The next hop's connection is gone: Kamailio's 477 (nothing for an ACK).
    fn unreachable(&self, from: usize, req: &Request) -> Out {
        if req.method == Method::Ack {
            return vec![];
        }
        vec![(from, reply(req, DEAD_FLOW).to_string())]
    }

    fn forward(&mut self, from: usize, dest: usize, mut req: Request) -> Out {
        let theirs = req
            .headers
            .top_via()
            .ok()
            .and_then(|v| v.branch().map(str::to_owned))
            .unwrap_or_default();
        let ours = match (req.method.clone(), self.forwarded.get(&theirs)) {
            (Method::Cancel | Method::Ack, Some(b)) => b.clone(),
            _ => {
                self.counter += 1;
                format!("z9hG4bKproxy{}", self.counter)
            }
        };
        self.forwarded.insert(theirs, ours.clone());
        self.pending.insert(ours.clone(), from);
        req.headers
            .push_front("Via", format!("SIP/2.0/WS proxy.sip.test;branch={ours}"));
        vec![(dest, req.to_string())]
    }

    fn response(&mut self, mut resp: Response) -> Out {
        let vias: Vec<String> = resp.headers.get_all("Via").map(str::to_owned).collect();
        let Some(top) = vias.first() else {
            return vec![];
        };
        let branch = top
            .split("branch=")
            .nth(1)
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("");
        let Some(&origin) = self.pending.get(branch) else {
            return vec![];
        };
        resp.headers.remove("Via");
        for v in &vias[1..] {
            resp.headers.push("Via", v.clone());
        }
        vec![(origin, resp.to_string())]
    }

    fn register(&mut self, from: usize, req: &Request) -> Out {
        let to = req.headers.to().expect("REGISTER has To");
        let user = to.uri.user.clone().unwrap_or_default();
        if let Some(challenge) = self.check_register(from, req) {
            return challenge;
        }
        let contact: NameAddr = req.headers.contacts().unwrap().remove(0);
        let expires = req.headers.expires().unwrap().unwrap_or(600);
        let mut resp = reply(req, 200);
        if expires == 0 {
            self.location.remove(&user);
        } else {
            self.hosts.insert(contact.uri.host.to_lowercase(), from);
            self.location
                .insert(user.clone(), (from, contact.uri.to_string()));
            let flow = self.flows.get(&from).copied().unwrap_or_default();
            self.reg_flows.insert(user.clone(), flow);
            let mut c = contact.clone();
            c.params.set("expires", Some(&expires.to_string()));
            let asks = req
                .headers
                .values("Supported")
                .iter()
                .any(|t| t.eq_ignore_ascii_case("gruu"));
            let instance = contact.params.value("+sip.instance").map(|v| {
                v.trim_matches(|c| c == '"' || c == '<' || c == '>')
                    .to_owned()
            });
            if let (true, true, Some(instance)) = (self.gruu, asks, instance) {
                self.instances
                    .insert(instance.clone(), (from, flow, contact.uri.to_string()));
                c.params.set(
                    "pub-gruu",
                    Some(&format!("\"sip:{user}@{DOMAIN};gr={instance}\"")),
                );
            }
            resp.headers.push("Contact", c.to_string());
        }
        let to_tagged = to.with_tag("reg");
        resp.headers.set("To", to_tagged.to_string());
        vec![(from, resp.to_string())]
    }
}
