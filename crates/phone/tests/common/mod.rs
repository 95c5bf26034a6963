//! The in-memory network of the scenario tests: phones, a registrar/proxy, latency and a
//! virtual clock. Media is played by the test: offers and answers come back at once.
#![allow(dead_code, unreachable_pub)]

pub mod one_edge;
mod proxy;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use phone::{
    Command, Input, Instant, LineId, LineState, LineView, MediaAction, MixMatrix, Output, Phone,
    PhoneConfig, PhoneView, RegStatus, Tone,
};
use sip::UaConfig;

pub use proxy::{Proxy, DOMAIN};

/// The conference tests' cast: the host and three others.
pub const H: usize = 0;
pub const B: usize = 1;
pub const C: usize = 2;
pub const D: usize = 3;

pub struct Agent {
    pub user: String,
    /// Its place in the network (seeds its randomness).
    pub index: usize,
    pub phone: Phone,
    /// Media actions the engine asked for, in order.
    pub media: Vec<MediaAction>,
    /// The last matrix the engine sent to the mixer.
    pub mix: MixMatrix,
    /// line -> mixer port, from the engine's media actions.
    pub ports: HashMap<LineId, usize>,
    /// The edge proxy this phone's socket is open to (or opening).
    pub edge: Option<String>,
    /// The engine said signing out is over.
    pub signed_out: bool,
    /// This agent's "browser" offers RFC 4733 telephone-events in its SDP.
    pub telephone_event: bool,
}

fn ua_config(i: usize, user: &str) -> UaConfig {
    UaConfig {
        aor: format!("sip:{user}@{DOMAIN}").parse().unwrap(),
        display_name: Some(format!("Agent {user}")),
        auth_user: user.to_owned(),
        password: format!("{user}pw"),
        register_expires: 600,
        instance_id: format!("urn:uuid:00000000-0000-4000-8000-00000000000{i}"),
        user_agent: "softphone-test".into(),
        seed: 1000 + i as u64,
    }
}

impl Agent {
    /// The account this agent signs in with.
    pub fn phone_cfg(&self) -> UaConfig {
        ua_config(self.index, &self.user)
    }
}

/// One end of a media leg: (agent, mixer port).
pub type End = (usize, usize);

enum Hop {
    ToProxy(usize),
    ToPhone(usize),
    /// The phone's socket opened (true) or closed (false).
    Link(usize, bool),
}

pub struct Net {
    pub now: Instant,
    pub agents: Vec<Agent>,
    pub proxy: Proxy,
    pub latency: Duration,
    in_flight: VecDeque<(Instant, Hop, String)>,
    /// Frames to drop on the way to the proxy: (phone, substring).
    pub drop_next: Vec<(usize, String)>,
    /// Media legs between two agents' mixer ports, paired through the SDP they exchanged.
    pub links: HashSet<(End, End)>,
    /// Agents whose WebSocket is down: nothing reaches them.
    pub down: HashSet<usize>,
    /// Edge proxies (in front of the one shared registrar, as a Kamailio cluster sharing
    /// its location table) that refuse connections: url -> dead.
    pub dead_edges: HashSet<String>,
    /// Every connection attempt: (agent, url, when).
    pub connects: Vec<(usize, String, Instant)>,
    /// Every frame delivered to a phone, in order: (agent, frame), to craft variants of.
    pub delivered: Vec<(usize, String)>,
}

impl Net {
    pub fn new(users: &[&str]) -> Self {
        let now = Instant::now();
        let agents = users
            .iter()
            .enumerate()
            .map(|(i, user)| Agent {
                user: (*user).to_owned(),
                index: i,
                phone: Phone::new(PhoneConfig::new(ua_config(i, user))),
                media: Vec::new(),
                mix: MixMatrix::silent(phone::MIX_PORTS),
                ports: HashMap::new(),
                edge: None,
                signed_out: false,
                telephone_event: false,
            })
            .collect();
        Self {
            now,
            agents,
            proxy: Proxy::default(),
            latency: Duration::from_millis(20),
            in_flight: VecDeque::new(),
            drop_next: Vec::new(),
            links: HashSet::new(),
            down: HashSet::new(),
            dead_edges: HashSet::new(),
            connects: Vec::new(),
            delivered: Vec::new(),
        }
    }

    /// Replaces agent `i`'s engine with one for `cfg` (same account), e.g. with edges.
    pub fn configure(&mut self, i: usize, f: impl FnOnce(&mut PhoneConfig)) {
        let mut cfg = PhoneConfig::new(self.agents[i].phone_cfg());
        f(&mut cfg);
        self.agents[i].phone = Phone::new(cfg);
    }

    /// The edge at `url` dies: it refuses new connections and drops the open ones.
    pub fn kill_edge(&mut self, url: &str) {
        self.dead_edges.insert(url.to_owned());
        for i in 0..self.agents.len() {
            if self.agents[i].edge.as_deref() == Some(url) {
                self.agents[i].edge = None;
                self.input(i, Input::TransportDown);
            }
        }
    }

    /// Four agents, 1001 (the host, [`H`]) to 1004.
    pub fn four() -> Self {
        Self::new(&["1001", "1002", "1003", "1004"])
    }

    /// Every ordered pair of distinct agents among the first `n`: everybody hears everybody.
    pub fn all_pairs(n: usize) -> Vec<(usize, usize)> {
        (0..n)
            .flat_map(|l| (0..n).filter(move |&t| t != l).map(move |t| (l, t)))
            .collect()
    }

    /// The proxy behind `url` restarts (a crash and a start): it forgets every registration,
    /// nonce and transaction, every phone connected through it loses its socket, and it
    /// refuses connections for `down`.
    pub fn restart_proxy(&mut self, url: &str, down: Duration) {
        self.proxy.restart();
        self.kill_edge(url);
        self.run_for(down);
        self.dead_edges.remove(url);
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
        match input {
            Input::TransportDown => {
                self.down.insert(i);
                self.proxy.disconnected(i);
            }
            Input::TransportUp => {
                self.down.remove(&i);
                self.proxy.connected(i, self.agents[i].edge.clone());
            }
            Input::Frame(_) if self.down.contains(&i) => return,
            _ => {}
        }
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
                Hop::ToPhone(to) => {
                    self.delivered.push((to, frame.clone()));
                    self.input(to, Input::Frame(frame.into_bytes()));
                }
                Hop::Link(i, up) => {
                    let input = if up {
                        Input::TransportUp
                    } else {
                        self.agents[i].edge = None;
                        Input::TransportDown
                    };
                    self.input(i, input);
                }
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
                Output::Media(action) => self.media(i, action, now),
                Output::ViewChanged => {}
                Output::Connect { url } => {
                    self.connects.push((i, url.clone(), now));
                    let up = !self.dead_edges.contains(&url);
                    if up {
                        self.agents[i].edge = Some(url);
                    }
                    self.in_flight
                        .push_back((now + self.latency, Hop::Link(i, up), String::new()));
                }
                Output::Disconnect => {
                    self.in_flight.push_back((
                        now + self.latency,
                        Hop::Link(i, false),
                        String::new(),
                    ));
                }
                Output::SignedOut => self.agents[i].signed_out = true,
                _ => {}
            }
        }
    }

    /// Plays the browser: SDP comes back at once, tagged with who made it on which port so
    /// that the two ends of every leg can be paired.
    fn media(&mut self, i: usize, action: MediaAction, now: Instant) {
        let user = self.agents[i].user.clone();
        let te = if self.agents[i].telephone_event {
            "a=rtpmap:101 telephone-event/8000\r\n"
        } else {
            ""
        };
        let sdp_dir = |kind: &str, port: usize, dir: &str| {
            format!(
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns={kind} {i} {port} of {user}\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 101\r\n{te}a={dir}\r\n"
            )
        };
        let sdp = |kind: &str, port: usize| sdp_dir(kind, port, "sendrecv");
        let reply = match &action {
            MediaAction::CreateOffer { line, port } => {
                self.agents[i].ports.insert(*line, *port);
                Some((*line, sdp("offer", *port)))
            }
            MediaAction::CreateAnswer { line, port, offer } => {
                self.agents[i].ports.insert(*line, *port);
                if let Some(from) = sdp_end(offer) {
                    self.links.insert((from, (i, *port)));
                }
                Some((*line, sdp("answer", *port)))
            }
            MediaAction::RestartIce { line } => {
                let port = self.agents[i].ports[line];
                Some((*line, sdp("offer", port)))
            }
            // What a browser answers (RFC 3264 §6.1), from its transceiver's direction.
            MediaAction::AnswerReoffer { line, offer, hold } => {
                let port = self.agents[i].ports[line];
                let theirs = ["sendonly", "recvonly", "inactive"]
                    .into_iter()
                    .find(|d| offer.contains(&format!("a={d}")))
                    .unwrap_or("sendrecv");
                let dir = match (theirs, *hold) {
                    ("inactive", _) | ("sendonly", true) => "inactive",
                    ("sendonly", false) => "recvonly",
                    ("recvonly", _) | (_, true) => "sendonly",
                    _ => "sendrecv",
                };
                Some((*line, sdp_dir("answer", port, dir)))
            }
            MediaAction::Close { line, .. } => {
                if let Some(port) = self.agents[i].ports.remove(line) {
                    self.links
                        .retain(|(a, b)| *a != (i, port) && *b != (i, port));
                }
                None
            }
            MediaAction::Mix(m) => {
                self.agents[i].mix = m.clone();
                None
            }
            _ => None,
        };
        self.agents[i].media.push(action);
        if let Some((line, sdp)) = reply {
            self.agents[i]
                .phone
                .handle(Input::LocalSdp { line, sdp }, now);
        }
    }

    /// The ends linked to `end`.
    fn peers_of(&self, end: End) -> Vec<End> {
        self.links
            .iter()
            .filter_map(|(a, b)| {
                if *a == end {
                    Some(*b)
                } else if *b == end {
                    Some(*a)
                } else {
                    None
                }
            })
            .collect()
    }

    /// Does `listener` hear `talker`'s microphone, through every mixer on the way?
    pub fn hears(&self, listener: usize, talker: usize) -> bool {
        let mut seen = HashSet::new();
        let mut queue = vec![(talker, 0usize)];
        while let Some((agent, input)) = queue.pop() {
            if !seen.insert((agent, input)) {
                continue;
            }
            let mix = &self.agents[agent].mix;
            for out in 0..mix.gains.len() {
                if !mix.hears(out, input) {
                    continue;
                }
                if out == 0 {
                    if agent == listener && !(agent == talker && input == 0) {
                        return true;
                    }
                    continue;
                }
                for (peer, port) in self.peers_of((agent, out)) {
                    queue.push((peer, port));
                }
            }
        }
        false
    }

    /// The tone `listener` hears: its own, or one played into a leg that reaches it.
    pub fn tone_heard(&self, listener: usize) -> Option<Tone> {
        let own = self.agents[listener]
            .mix
            .tone(0)
            .or(self.agents[listener].mix.ringer);
        own.or_else(|| {
            let mix = &self.agents[listener].mix;
            (1..mix.gains.len())
                .filter(|&p| mix.hears(0, p))
                .flat_map(|p| self.peers_of((listener, p)))
                .find_map(|(a, q)| self.agents[a].mix.tone(q))
        })
    }

    /// Asserts that exactly these (listener, talker) pairs hear each other among `agents`.
    pub fn assert_hearing(&self, agents: &[usize], pairs: &[(usize, usize)]) {
        for &l in agents {
            assert!(!self.hears(l, l), "{} hears itself", self.agents[l].user);
            for &t in agents {
                if l == t {
                    continue;
                }
                let expected = pairs.contains(&(l, t));
                assert_eq!(
                    self.hears(l, t),
                    expected,
                    "{} {} {}",
                    self.agents[l].user,
                    if expected {
                        "should hear"
                    } else {
                        "must not hear"
                    },
                    self.agents[t].user
                );
            }
        }
    }

    /// Live lines of agent `i`.
    pub fn lines(&self, i: usize) -> Vec<LineView> {
        self.view(i)
            .lines
            .into_iter()
            .filter(|l| !matches!(l.state, LineState::Ended(_)))
            .collect()
    }

    /// Agent `i`'s live line whose peer is `user`.
    pub fn line_to(&self, i: usize, user: &str) -> LineView {
        self.lines(i)
            .into_iter()
            .find(|l| l.peer.contains(user))
            .unwrap_or_else(|| {
                panic!(
                    "{} has no line to {user}: {:?}",
                    self.agents[i].user,
                    self.lines(i)
                )
            })
    }

    /// Everyone signs in; `h` calls `b`, consults `c` and merges: a three-party conference.
    pub fn merge_three(&mut self, h: usize, b: usize, c: usize) {
        self.sign_in_all();
        self.call(h, b);
        self.call(h, c);
        self.command(h, Command::Merge);
        self.settle();
    }

    /// Everyone signs in; `h` calls the first party and adds the others by single-step
    /// conference, each answering.
    pub fn single_step_conference(&mut self, h: usize, parties: &[usize]) {
        self.sign_in_all();
        self.call(h, parties[0]);
        for &p in &parties[1..] {
            let user = self.agents[p].user.clone();
            self.command(h, Command::DialConference(user));
            self.settle();
            self.command(p, Command::Answer);
            self.settle();
        }
    }

    /// Agent `a` calls agent `b` and `b` answers; every other call of `a` goes on hold.
    pub fn call(&mut self, a: usize, b: usize) {
        let user = self.agents[b].user.clone();
        self.command(a, Command::Dial(user));
        self.settle();
        self.command(b, Command::Answer);
        self.settle();
        assert_eq!(
            self.line_to(a, &self.agents[b].user.clone()).state,
            LineState::Connected
        );
    }
}

/// The (agent, port) an SDP made by this harness names.
fn sdp_end(sdp: &str) -> Option<End> {
    let s = sdp.lines().find_map(|l| l.strip_prefix("s="))?;
    let mut f = s.split(' ').skip(1);
    Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
}
