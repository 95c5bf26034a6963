//! The in-memory network of the scenario tests: phones, a registrar/proxy, latency and a
//! virtual clock. Media is played by the test: offers and answers come back at once.
#![allow(dead_code, unreachable_pub)]

mod proxy;

use std::collections::VecDeque;
use std::time::Duration;

use phone::{
    Command, Input, Instant, LineState, MediaAction, MixMatrix, Output, Phone, PhoneConfig,
    PhoneView, RegStatus,
};
use sip::UaConfig;

pub use proxy::{Proxy, DOMAIN};

pub struct Agent {
    pub user: String,
    pub phone: Phone,
    /// Media actions the engine asked for, in order.
    pub media: Vec<MediaAction>,
    /// The last matrix the engine sent to the mixer.
    pub mix: MixMatrix,
}

enum Hop {
    ToProxy(usize),
    ToPhone(usize),
}

pub struct Net {
    pub now: Instant,
    pub agents: Vec<Agent>,
    pub proxy: Proxy,
    pub latency: Duration,
    in_flight: VecDeque<(Instant, Hop, String)>,
    /// Frames to drop on the way to the proxy: (phone, substring).
    pub drop_next: Vec<(usize, String)>,
}

impl Net {
    pub fn new(users: &[&str]) -> Self {
        let now = Instant::now();
        let agents = users
            .iter()
            .enumerate()
            .map(|(i, user)| Agent {
                user: (*user).to_owned(),
                phone: Phone::new(PhoneConfig::new(UaConfig {
                    aor: format!("sip:{user}@{DOMAIN}").parse().unwrap(),
                    display_name: Some(format!("Agent {user}")),
                    auth_user: (*user).to_owned(),
                    password: format!("{user}pw"),
                    register_expires: 600,
                    instance_id: format!("urn:uuid:00000000-0000-4000-8000-00000000000{i}"),
                    user_agent: "softphone-test".into(),
                    seed: 1000 + i as u64,
                })),
                media: Vec::new(),
                mix: MixMatrix::silent(phone::MIX_PORTS),
            })
            .collect();
        Self {
            now,
            agents,
            proxy: Proxy::default(),
            latency: Duration::from_millis(20),
            in_flight: VecDeque::new(),
            drop_next: Vec::new(),
        }
    }

    /// All agents connect and sign in; returns once every one is registered.
    pub fn sign_in_all(&mut self) {
        for i in 0..self.agents.len() {
            self.input(i, Input::TransportUp);
            self.command(i, Command::SignIn);
        }
        self.settle();
        for a in &self.agents {
            assert_eq!(
                a.phone.view().registration,
                RegStatus::Registered,
                "{}",
                a.user
            );
        }
    }

    pub fn input(&mut self, i: usize, input: Input) {
        let now = self.now;
        self.agents[i].phone.handle(input, now);
        self.drain(i);
    }

    pub fn command(&mut self, i: usize, cmd: Command) {
        self.input(i, Input::Command(cmd));
    }

    pub fn view(&self, i: usize) -> PhoneView {
        self.agents[i].phone.view()
    }

    pub fn state(&self, i: usize) -> Option<LineState> {
        self.view(i).line.map(|l| l.state)
    }

    /// Delivers everything in flight and fires timers until `limit` of virtual time passes
    /// with nothing left to do.
    pub fn run_for(&mut self, limit: Duration) {
        let end = self.now + limit;
        loop {
            let next_frame = self.in_flight.iter().map(|(t, _, _)| *t).min();
            let next_timer = self
                .agents
                .iter()
                .filter_map(|a| a.phone.poll_timeout())
                .min();
            let Some(next) = [next_frame, next_timer].into_iter().flatten().min() else {
                break;
            };
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            self.deliver_due();
            for i in 0..self.agents.len() {
                if self.agents[i]
                    .phone
                    .poll_timeout()
                    .is_some_and(|t| t <= self.now)
                {
                    let now = self.now;
                    self.agents[i].phone.handle_timeout(now);
                    self.drain(i);
                }
            }
        }
        self.now = self.now.max(end);
    }

    /// Delivers what is in flight (a second of virtual time at most; no long timers).
    pub fn settle(&mut self) {
        self.run_for(Duration::from_secs(1));
    }

    fn deliver_due(&mut self) {
        while let Some(pos) = self.in_flight.iter().position(|(t, _, _)| *t <= self.now) {
            let (_, hop, frame) = self.in_flight.remove(pos).unwrap();
            match hop {
                Hop::ToProxy(from) => {
                    for (to, out) in self.proxy.handle(from, &frame) {
                        self.in_flight
                            .push_back((self.now + self.latency, Hop::ToPhone(to), out));
                    }
                }
                Hop::ToPhone(to) => self.input(to, Input::Frame(frame.into_bytes())),
            }
        }
    }

    fn drain(&mut self, i: usize) {
        let now = self.now;
        while let Some(out) = self.agents[i].phone.poll_output() {
            match out {
                Output::Transmit(frame) => {
                    let dropped = self
                        .drop_next
                        .iter()
                        .position(|(p, s)| *p == i && frame.contains(s.as_str()));
                    if let Some(d) = dropped {
                        self.drop_next.remove(d);
                        continue;
                    }
                    self.in_flight
                        .push_back((now + self.latency, Hop::ToProxy(i), frame));
                }
                Output::Media(action) => {
                    let reply = match &action {
                        MediaAction::CreateOffer { line, .. } => Some((*line, "offer")),
                        MediaAction::CreateAnswer { line, .. } => Some((*line, "answer")),
                        _ => None,
                    };
                    if let MediaAction::Mix(m) = &action {
                        self.agents[i].mix = m.clone();
                    }
                    self.agents[i].media.push(action);
                    if let Some((line, kind)) = reply {
                        let sdp = format!(
                            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns={kind} of {}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n",
                            self.agents[i].user
                        );
                        self.agents[i]
                            .phone
                            .handle(Input::LocalSdp { line, sdp }, now);
                    }
                }
                Output::ViewChanged => {}
                _ => {}
            }
        }
    }

    /// Who-hears-whom between two agents in a two-party call: does `listener` hear `talker`?
    /// The talker's mic (port 0) must reach its leg (port 1), and the listener's leg must
    /// reach its speaker (port 0).
    pub fn hears(&self, listener: usize, talker: usize) -> bool {
        self.agents[talker].mix.hears(1, 0) && self.agents[listener].mix.hears(0, 1)
    }
}
