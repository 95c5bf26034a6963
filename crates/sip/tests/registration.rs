//! Digest-challenged registration against a registrar that forgets its nonces when it
//! restarts (as Kamailio does): a challenge to credentials from an old nonce is answered, a
//! stale nonce is retried, and only a challenge to credentials that answered the
//! registrar's own fresh challenge means a wrong password, which is tried again later but
//! slowly.

mod common;

use std::time::Duration;

use sip::{
    DigestCredentials, Message, RegistrationError, RegistrationState, Request, Response, UaEvent,
    UserAgent,
};
use web_time::Instant;

const REALM: &str = "sip.example.test";

/// A registrar that checks digest credentials against the nonces it issued since it started.
struct Registrar {
    password: String,
    next_nonce: u32,
    /// Nonces issued since the last restart.
    issued: Vec<String>,
    /// Nonces it still knows but calls expired: a request using one gets `stale=true`.
    expired: Vec<String>,
    /// Every nonce it issues is at once expired (a broken clock): stale forever.
    always_stale: bool,
    /// Every REGISTER received, for assertions.
    seen: Vec<Request>,
}

impl Registrar {
    fn new(password: &str) -> Self {
        Self {
            password: password.into(),
            next_nonce: 0,
            issued: Vec::new(),
            expired: Vec::new(),
            always_stale: false,
            seen: Vec::new(),
        }
    }

    /// Loses every nonce, as a restarted server does.
    fn restart(&mut self) {
        self.issued.clear();
        self.expired.clear();
    }

    fn challenge(&mut self, req: &Request, stale: bool) -> Response {
        self.next_nonce += 1;
        let nonce = format!("nonce{}", self.next_nonce);
        self.issued.push(nonce.clone());
        if self.always_stale {
            self.expired.push(nonce.clone());
        }
        let mut resp = reply(req, 401);
        let stale = if stale { ", stale=true" } else { "" };
        resp.headers.push(
            "WWW-Authenticate",
            format!("Digest realm=\"{REALM}\", nonce=\"{nonce}\", qop=\"auth\"{stale}"),
        );
        resp
    }

    fn answer(&mut self, req: Request) -> Response {
        self.seen.push(req.clone());
        let creds = req
            .headers
            .get("Authorization")
            .map(|v| v.parse::<DigestCredentials>().expect("valid Authorization"));
        match creds {
            None => self.challenge(&req, false),
            Some(c) if !self.issued.contains(&c.nonce) => self.challenge(&req, false),
            Some(c) if !c.verify("REGISTER", &self.password) => self.challenge(&req, false),
            Some(c) if self.expired.contains(&c.nonce) => self.challenge(&req, true),
            Some(_) => {
                let mut ok = reply(&req, 200);
                let contact = req.headers.get("Contact").unwrap();
                ok.headers.push("Contact", format!("{contact};expires=600"));
                ok
            }
        }
    }
}

fn reply(req: &Request, status: u16) -> Response {
    let mut resp = Response::new(status, Response::default_reason(status));
    for name in ["Via", "From", "Call-ID", "CSeq"] {
        resp.headers
            .push(name, req.headers.get(name).unwrap().to_owned());
    }
    resp.headers
        .push("To", format!("{};tag=reg", req.headers.get("To").unwrap()));
    resp
}

/// Delivers everything `ua` sends to `reg` and back until quiet; returns the events.
fn exchange(ua: &mut UserAgent, reg: &mut Registrar, now: Instant) -> Vec<UaEvent> {
    let mut events = Vec::new();
    while let Some(frame) = ua.poll_transmit() {
        events.extend(std::iter::from_fn(|| ua.poll_event()));
        if frame.trim().is_empty() {
            continue; // a keep-alive ping
        }
        let Message::Request(req) = Message::parse(frame.as_bytes()).unwrap() else {
            panic!("the agent only sends requests here: {frame}");
        };
        let resp = reg.answer(req);
        ua.receive(resp.to_string().as_bytes(), now);
    }
    events.extend(std::iter::from_fn(|| ua.poll_event()));
    events
}

/// Fires every timer up to `until`, exchanging with `reg` as it goes.
fn run_until(
    ua: &mut UserAgent,
    reg: &mut Registrar,
    now: &mut Instant,
    until: Instant,
) -> Vec<UaEvent> {
    let mut events = exchange(ua, reg, *now);
    while let Some(t) = ua.poll_timeout().filter(|t| *t <= until) {
        *now = (*now).max(t);
        ua.handle_timeout(*now);
        events.extend(exchange(ua, reg, *now));
    }
    *now = until;
    events
}

fn registrations(events: &[UaEvent]) -> Vec<RegistrationState> {
    events
        .iter()
        .filter_map(|e| match e {
            UaEvent::Registration(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn credentials(req: &Request) -> Option<DigestCredentials> {
    req.headers.get("Authorization").map(|v| v.parse().unwrap())
}

const REGISTERED: RegistrationState = RegistrationState::Registered { expires: 600 };
const WRONG: RegistrationState = RegistrationState::Failed(RegistrationError::WrongCredentials);

/// `alice` (password `pw`) registered with `reg`: one challenge, then 200.
fn registered(reg: &mut Registrar) -> (UserAgent, Instant) {
    let now = Instant::now();
    let mut ua = common::ua("alice", 1);
    ua.transport_up(now);
    ua.register(now);
    let events = exchange(&mut ua, reg, now);
    assert_eq!(
        registrations(&events),
        [RegistrationState::Registering, REGISTERED]
    );
    assert_eq!(reg.seen.len(), 2);
    (ua, now)
}

#[test]
fn after_a_registrar_restart_the_new_challenge_is_answered() {
    let mut reg = Registrar::new("pw");
    let (mut ua, mut now) = registered(&mut reg);
    now += Duration::from_secs(60);
    ua.transport_down(now);
    reg.restart();
    now += Duration::from_millis(1400);
    ua.transport_up(now);
    let events = exchange(&mut ua, &mut reg, now);
    assert_eq!(
        registrations(&events),
        [
            RegistrationState::Failed(RegistrationError::TransportDown),
            RegistrationState::Registering,
            REGISTERED
        ]
    );
    // The first REGISTER on the new connection still used the old nonce; the registrar no
    // longer knew it and challenged; the answer used the new nonce, counted from 1.
    let [.., old, new] = &reg.seen[..] else {
        panic!()
    };
    assert_eq!(credentials(old).unwrap().nonce, "nonce1");
    let new = credentials(new).unwrap();
    assert_eq!((new.nonce.as_str(), new.nc), ("nonce2", Some(1)));
    assert_eq!(reg.seen.len(), 4);
}

#[test]
fn a_refresh_the_restarted_registrar_challenges_is_answered() {
    let mut reg = Registrar::new("pw");
    let (mut ua, mut now) = registered(&mut reg);
    reg.restart();
    let until = now + Duration::from_secs(600);
    let events = run_until(&mut ua, &mut reg, &mut now, until);
    assert!(!registrations(&events).contains(&WRONG), "{events:?}");
    assert_eq!(
        ua.poll_timeout().map(|t| t > now),
        Some(true),
        "still refreshing"
    );
    // The refresh at 540 s: old nonce, challenge, new nonce.
    assert_eq!(reg.seen.len(), 4);
    assert_eq!(credentials(&reg.seen[3]).unwrap().nonce, "nonce2");
}

#[test]
fn a_stale_challenge_to_fresh_credentials_is_retried_with_the_new_nonce() {
    let mut reg = Registrar::new("pw");
    let now = Instant::now();
    let mut ua = common::ua("alice", 1);
    ua.transport_up(now);
    ua.register(now);
    // The REGISTER goes out and is challenged with nonce1; the registrar calls nonce1
    // expired before the answer arrives.
    let first = ua.poll_transmit().unwrap();
    let Message::Request(first) = Message::parse(first.as_bytes()).unwrap() else {
        panic!()
    };
    let challenge = reg.answer(first);
    reg.expired.push("nonce1".into());
    ua.receive(challenge.to_string().as_bytes(), now);
    let events = exchange(&mut ua, &mut reg, now);
    assert_eq!(registrations(&events).last(), Some(&REGISTERED));
    let nonces: Vec<_> = reg
        .seen
        .iter()
        .map(|r| credentials(r).map(|c| c.nonce))
        .collect();
    assert_eq!(
        nonces,
        [None, Some("nonce1".into()), Some("nonce2".into())],
        "the stale challenge was answered once, with its new nonce"
    );
}

#[test]
fn a_wrong_password_fails_after_one_retry_and_is_tried_again_slowly() {
    let mut reg = Registrar::new("not-pw");
    let mut now = Instant::now();
    let mut ua = common::ua("alice", 1);
    ua.transport_up(now);
    ua.register(now);
    let events = exchange(&mut ua, &mut reg, now);
    assert_eq!(
        registrations(&events),
        [RegistrationState::Registering, WRONG]
    );
    assert_eq!(reg.seen.len(), 2, "one challenge, one refused answer");
    let failed_at = now;

    // A reconnect during the back-off does not try again at once: that would hammer a
    // registrar that bans addresses for failed attempts.
    now += Duration::from_secs(100);
    ua.transport_down(now);
    ua.transport_up(now);
    let events = exchange(&mut ua, &mut reg, now);
    assert_eq!(reg.seen.len(), 2, "nothing sent on the reconnect");
    assert_eq!(registrations(&events).last(), Some(&WRONG));

    // The retry timer tries once more after five minutes: still refused.
    let events = run_until(
        &mut ua,
        &mut reg,
        &mut now,
        failed_at + Duration::from_secs(299),
    );
    assert_eq!(reg.seen.len(), 2, "{events:?}");
    let events = run_until(
        &mut ua,
        &mut reg,
        &mut now,
        failed_at + Duration::from_secs(301),
    );
    assert_eq!(reg.seen.len(), 4);
    assert_eq!(registrations(&events).last(), Some(&WRONG));

    // Once the registrar takes the password (fixed on the server), the next try succeeds.
    reg.password = "pw".into();
    let events = run_until(
        &mut ua,
        &mut reg,
        &mut now,
        failed_at + Duration::from_secs(602),
    );
    assert_eq!(registrations(&events).last(), Some(&REGISTERED));
}

#[test]
fn a_registrar_that_calls_every_nonce_stale_does_not_loop_us() {
    let mut reg = Registrar::new("pw");
    reg.always_stale = true;
    let now = Instant::now();
    let mut ua = common::ua("alice", 1);
    ua.transport_up(now);
    ua.register(now);
    let events = exchange(&mut ua, &mut reg, now);
    assert_eq!(registrations(&events).last(), Some(&WRONG));
    // No credentials, then an answer to each of three challenges.
    assert_eq!(reg.seen.len(), 4);
}
