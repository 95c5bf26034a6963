//! Two user agents on a direct wire (no proxy), a virtual clock, and helpers to drive them.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use sip::{CallId, UaConfig, UaEvent, UserAgent};
use web_time::Instant;

pub const SDP: &str =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n";
pub const HOLD: &str =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=sendonly\r\n";

pub fn ua(user: &str, seed: u64) -> UserAgent {
    UserAgent::new(UaConfig {
        aor: format!("sip:{user}@example.test").parse().unwrap(),
        display_name: None,
        auth_user: user.into(),
        password: "pw".into(),
        register_expires: 600,
        instance_id: format!("urn:uuid:00000000-0000-4000-8000-00000000000{seed}"),
        user_agent: "test".into(),
        seed,
    })
}

/// Any number of user agents fully meshed: a frame goes to whichever agent its Request-URI
/// or top Via names (their Contact / Via hosts are unique `.invalid` names).
pub struct Wire {
    pub now: Instant,
    pub uas: Vec<UserAgent>,
    pub events: Vec<Vec<UaEvent>>,
    /// Every frame sent, in order, for assertions.
    pub trace: Vec<String>,
}

impl Wire {
    pub fn new(users: &[&str]) -> Self {
        let now = Instant::now();
        let mut uas: Vec<UserAgent> = users
            .iter()
            .enumerate()
            .map(|(i, u)| ua(u, i as u64 + 1))
            .collect();
        for u in &mut uas {
            u.transport_up(now);
        }
        Self {
            now,
            events: vec![Vec::new(); uas.len()],
            uas,
            trace: Vec::new(),
        }
    }

    fn route(&self, frame: &str) -> Option<usize> {
        let first = frame.lines().next()?;
        let host_of = |ua: &UserAgent| ua.contact_uri().host.clone();
        if first.starts_with("SIP/2.0") {
            let via = frame.lines().find(|l| l.starts_with("Via:"))?;
            return self.uas.iter().position(|u| via.contains(&host_of(u)));
        }
        // A GRUU names the agent, not its host: what a registrar routes by (RFC 5627).
        let gruu_of = |ua: &UserAgent| {
            let uri = ua.dialog_contact_uri();
            uri.params.contains("gr").then(|| uri.to_string())
        };
        self.uas.iter().position(|u| {
            first.contains(&host_of(u)) || gruu_of(u).is_some_and(|g| first.contains(&g))
        })
    }

    /// Delivers until quiet.
    pub fn pump(&mut self) {
        loop {
            let mut moved = false;
            for i in 0..self.uas.len() {
                while let Some(f) = self.uas[i].poll_transmit() {
                    moved = true;
                    self.trace.push(f.clone());
                    if let Some(to) = self.route(&f) {
                        let now = self.now;
                        self.uas[to].receive(f.as_bytes(), now);
                    }
                }
                while let Some(e) = self.uas[i].poll_event() {
                    self.events[i].push(e);
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Advances the clock through every timer up to `d`, pumping as it goes.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        loop {
            self.pump();
            let next = self.uas.iter().filter_map(UserAgent::poll_timeout).min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    let now = self.now;
                    for u in &mut self.uas {
                        if u.poll_timeout().is_some_and(|t| t <= now) {
                            u.handle_timeout(now);
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = end;
    }

    pub fn take_events(&mut self, i: usize) -> Vec<UaEvent> {
        std::mem::take(&mut self.events[i])
    }

    /// `a` calls `b`, and `b` sees the call (not answered yet): the two call ids.
    pub fn ring(&mut self, a: usize, b: usize) -> (CallId, CallId) {
        let target = self.uas[b].contact_uri();
        let ca = self.uas[a].invite(target, SDP.into(), self.now);
        self.pump();
        let cb = self
            .take_events(b)
            .into_iter()
            .find_map(|e| match e {
                UaEvent::Incoming { call, .. } => Some(call),
                _ => None,
            })
            .expect("the callee sees the call");
        (ca, cb)
    }

    /// `a` calls `b` and `b` answers: the two call ids.
    pub fn call(&mut self, a: usize, b: usize) -> (CallId, CallId) {
        let now = self.now;
        let (ca, cb) = self.ring(a, b);
        self.uas[b].answer(cb, SDP.into(), now).unwrap();
        self.pump();
        assert!(self
            .take_events(a)
            .iter()
            .any(|e| matches!(e, UaEvent::Answered { .. })));
        self.take_events(b);
        (ca, cb)
    }

    /// Answers every pending re-offer with our SDP.
    pub fn answer_reoffers(&mut self, i: usize) {
        let now = self.now;
        for e in self.take_events(i) {
            if let UaEvent::Reoffer { call, .. } = e {
                self.uas[i].answer_reoffer(call, SDP.into(), now).unwrap();
            } else {
                self.events[i].push(e);
            }
        }
    }
}
