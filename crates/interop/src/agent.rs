//! One of our user agents on a real WebSocket to Kamailio, driven by a blocking loop with
//! the real clock.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use sip::{CallId, NameAddr, RegistrationState, UaConfig, UaEvent, Uri, UserAgent};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};
use web_time::Instant;

use crate::{aor, password, wait_until, ws_url, Pump};

/// Our `sip::UserAgent` for one test user, on its own WebSocket.
pub struct Agent {
    /// The test user, e.g. 2901.
    pub user: u32,
    ua: UserAgent,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    events: VecDeque<UaEvent>,
    started: Instant,
    trace: String,
    /// (when, first line) of every frame we sent, for timing checks.
    sent: Vec<(Instant, String)>,
    /// (when, first line) of every frame we received.
    received: Vec<(Instant, String)>,
}

impl Agent {
    /// Connects user `user` (a 2xxx test user) to Kamailio over WebSocket (subprotocol
    /// `sip`). Panics with a clear message when Kamailio is not reachable.
    pub fn connect(user: u32) -> Self {
        let url = ws_url();
        let hostport = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let addr = hostport
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .unwrap_or_else(|| panic!("SOFTPHONE_WS_URL={url}: cannot resolve {hostport}"));
        let tcp = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap_or_else(|e| {
            panic!(
                "Kamailio is not reachable at {url} ({e}): start it with `cargo xtask kamailio`, \
                 or run the suite with `cargo xtask interop` (which starts it)"
            )
        });
        tcp.set_nodelay(true).ok();
        tcp.set_read_timeout(Some(Duration::from_secs(3))).ok();
        let mut req = url.as_str().into_client_request().expect("valid ws URL");
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("sip"));
        let (ws, resp) = tungstenite::client(req, MaybeTlsStream::Plain(tcp))
            .unwrap_or_else(|e| panic!("WebSocket handshake with {url} failed: {e}"));
        let proto = resp.headers().get("Sec-WebSocket-Protocol");
        assert_eq!(
            proto.and_then(|v| v.to_str().ok()),
            Some("sip"),
            "Kamailio did not accept the `sip` subprotocol"
        );
        let cfg = UaConfig {
            aor: aor(user).parse().expect("valid AOR"),
            display_name: Some(format!("Interop {user}")),
            auth_user: user.to_string(),
            password: password(user),
            register_expires: 300,
            instance_id: format!("urn:uuid:00000000-0000-4000-8000-{user:012}"),
            user_agent: "softphone-interop".to_owned(),
            seed: u64::from(user) * 7919 + u64::from(std::process::id()),
        };
        let now = Instant::now();
        let mut agent = Self {
            user,
            ua: UserAgent::new(cfg),
            ws,
            events: VecDeque::new(),
            started: now,
            trace: String::new(),
            sent: Vec::new(),
            received: Vec::new(),
        };
        if let MaybeTlsStream::Plain(s) = agent.ws.get_ref() {
            s.set_read_timeout(Some(Duration::from_millis(5))).ok();
        }
        agent.ua.transport_up(now);
        agent.flush();
        agent
    }

    /// Connects and registers (digest auth against Kamailio), waiting up to 5 s.
    pub fn registered(user: u32) -> Self {
        let mut a = Self::connect(user);
        let now = Instant::now();
        a.ua.register(now);
        a.flush();
        a.expect(Duration::from_secs(5), "registration", |e| {
            matches!(
                e,
                UaEvent::Registration(RegistrationState::Registered { .. })
            )
        });
        a
    }

    /// The user agent (call [`Agent::flush`] after driving it directly).
    pub fn ua(&mut self) -> &mut UserAgent {
        &mut self.ua
    }

    /// Drives the user agent with `f` at the current time, then sends what it queued.
    pub fn with<T>(&mut self, f: impl FnOnce(&mut UserAgent, Instant) -> T) -> T {
        let t = f(&mut self.ua, Instant::now());
        self.flush();
        t
    }

    /// Our AOR as a URI.
    pub fn uri(&self) -> Uri {
        aor(self.user).parse().expect("valid AOR")
    }

    /// Sends every queued frame and collects every event.
    pub fn flush(&mut self) {
        while let Some(frame) = self.ua.poll_transmit() {
            let first = first_line(&frame);
            self.sent.push((Instant::now(), first));
            self.log(">>> sent", &frame);
            if let Err(e) = self.ws.send(Message::text(frame)) {
                panic!(
                    "agent {}: WebSocket send failed: {e}\n{}",
                    self.user, self.trace
                );
            }
        }
        while let Some(ev) = self.ua.poll_event() {
            let _ = writeln!(
                self.trace,
                "[{:8.3}] event {ev:?}",
                self.started.elapsed().as_secs_f64()
            );
            self.events.push_back(ev);
        }
    }

    fn log(&mut self, dir: &str, frame: &str) {
        let _ = writeln!(
            self.trace,
            "[{:8.3}] {dir} ({} bytes)\n{}",
            self.started.elapsed().as_secs_f64(),
            frame.len(),
            frame.trim_end()
        );
    }

    /// Removes and returns the first queued event that `pred` accepts.
    pub fn take_event(&mut self, mut pred: impl FnMut(&UaEvent) -> bool) -> Option<UaEvent> {
        let i = self.events.iter().position(&mut pred)?;
        self.events.remove(i)
    }

    /// Pumps until an event that `pred` accepts arrives (and returns it), or panics after
    /// `timeout` naming `what`.
    pub fn expect(
        &mut self,
        timeout: Duration,
        what: &str,
        mut pred: impl FnMut(&UaEvent) -> bool,
    ) -> UaEvent {
        let what = format!("agent {}: {what}", self.user);
        wait_until(&mut [self], timeout, &what, |a| a[0].take_event(&mut pred))
    }

    /// Waits for an incoming call (`what` names it in the timeout message): its id, the caller
    /// as in From, and the SDP offer.
    pub fn expect_incoming(&mut self, timeout: Duration, what: &str) -> (CallId, NameAddr, String) {
        match self.expect(timeout, what, |e| matches!(e, UaEvent::Incoming { .. })) {
            UaEvent::Incoming {
                call, from, offer, ..
            } => (call, from, offer),
            _ => unreachable!("expect returns an event its predicate accepted"),
        }
    }

    /// Every event still queued (not taken by a test).
    pub fn pending_events(&self) -> Vec<UaEvent> {
        self.events.iter().cloned().collect()
    }

    /// When we sent, and received, frames whose first line contains `needle`.
    pub fn sent_times(&self, needle: &str) -> Vec<Instant> {
        self.sent
            .iter()
            .filter(|(_, l)| l.contains(needle))
            .map(|(t, _)| *t)
            .collect()
    }

    /// When we received frames whose first line contains `needle`.
    pub fn received_times(&self, needle: &str) -> Vec<Instant> {
        self.received
            .iter()
            .filter(|(_, l)| l.contains(needle))
            .map(|(t, _)| *t)
            .collect()
    }

    /// First lines of all frames we received, in order.
    pub fn received_lines(&self) -> Vec<String> {
        self.received.iter().map(|(_, l)| l.clone()).collect()
    }

    /// Every message sent and received so far, with times and our events.
    pub fn trace(&self) -> &str {
        &self.trace
    }
}

impl Pump for Agent {
    fn pump(&mut self, max: Duration) {
        if let MaybeTlsStream::Plain(s) = self.ws.get_ref() {
            s.set_read_timeout(Some(max.max(Duration::from_millis(1))))
                .ok();
        }
        match self.ws.read() {
            Ok(Message::Text(t)) => {
                let now = Instant::now();
                self.received.push((now, first_line(t.as_str())));
                self.log("<<< received", t.as_str());
                self.ua.receive(t.as_bytes(), now);
            }
            Ok(Message::Binary(b)) => {
                let now = Instant::now();
                let text = String::from_utf8_lossy(&b).into_owned();
                self.received.push((now, first_line(&text)));
                self.log("<<< received (binary)", &text);
                self.ua.receive(&b, now);
            }
            Ok(Message::Close(c)) => panic!(
                "agent {}: Kamailio closed the WebSocket ({c:?})\n{}",
                self.user, self.trace
            ),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!(
                "agent {}: WebSocket read failed: {e}\n{}",
                self.user, self.trace
            ),
        }
        let now = Instant::now();
        if self.ua.poll_timeout().is_some_and(|t| t <= now) {
            self.ua.handle_timeout(now);
        }
        self.flush();
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "==== SIP trace of our agent {} ====\n{}==== end of trace of {} ====",
                self.user, self.trace, self.user
            );
        }
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

fn first_line(frame: &str) -> String {
    frame.lines().next().unwrap_or_default().to_owned()
}
