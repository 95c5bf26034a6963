//! Interop driver: our [`sip::UserAgent`] run natively over a real WebSocket to the project's
//! Kamailio, against SIP peers no one here wrote (SIPp over UDP, JsSIP in node over
//! WebSocket). The tests in `tests/` need Kamailio (`cargo xtask interop` starts it).
//!
//! Everything is blocking and bounded: every wait has a deadline, and a test that misses one
//! panics with the full SIP trace of each of our agents and the peer's output.

mod agent;
mod jssip;
mod sipp;

use std::path::PathBuf;
use std::time::Duration;

pub use agent::Agent;
pub use jssip::JsSip;
pub use sipp::Sipp;

/// Kamailio's SIP-over-WebSocket URL: `SOFTPHONE_WS_URL`, or the project's default.
pub fn ws_url() -> String {
    std::env::var("SOFTPHONE_WS_URL").unwrap_or_else(|_| "ws://127.0.0.1:8088".to_owned())
}

/// The SIP domain of the test accounts.
pub const DOMAIN: &str = "127.0.0.1";

/// Kamailio's UDP address, where SIPp sends.
pub const KAMAILIO_UDP: &str = "127.0.0.1:5060";

/// Password of a test user (2001..2999) in tests/kamailio/kamailio.cfg.
pub fn password(user: u32) -> String {
    format!("pw{user}")
}

/// `sip:<user>@127.0.0.1`.
pub fn aor(user: u32) -> String {
    format!("sip:{user}@{DOMAIN}")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A static, valid audio SDP (our UA passes SDP through untouched; no media flows here).
/// `dir` is the RFC 3264 direction (`sendrecv`, `sendonly`, `recvonly`, `inactive`), and
/// `version` the o= version, to be raised on every new offer of a session.
pub fn sdp(dir: &str, version: u32) -> String {
    format!(
        "v=0\r\n\
         o=- 4242 {version} IN IP4 127.0.0.1\r\n\
         s=-\r\n\
         c=IN IP4 127.0.0.1\r\n\
         t=0 0\r\n\
         m=audio 40000 RTP/AVP 0 101\r\n\
         a=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\n\
         a=fmtp:101 0-16\r\n\
         a={dir}\r\n"
    )
}

/// The direction attribute of an SDP (`sendrecv` when it has none).
pub fn sdp_direction(sdp: &str) -> &'static str {
    for dir in ["sendonly", "recvonly", "inactive", "sendrecv"] {
        if sdp.lines().any(|l| l.trim() == format!("a={dir}")) {
            return dir;
        }
    }
    "sendrecv"
}

/// Something that must be kept running while a test waits: our agents.
pub trait Pump {
    /// Do pending work, blocking at most about `max` for input.
    fn pump(&mut self, max: Duration);
}

/// Pumps `agents` until `check` returns `Some`, or panics after `timeout` saying `what` did
/// not happen.
pub fn wait_until<T>(
    agents: &mut [&mut Agent],
    timeout: Duration,
    what: &str,
    mut check: impl FnMut(&mut [&mut Agent]) -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(t) = check(agents) {
            return t;
        }
        if std::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        if agents.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
        }
        let slice = Duration::from_millis(10) / agents.len().max(1) as u32;
        for a in agents.iter_mut() {
            a.pump(slice);
        }
    }
}

/// Pumps every agent until agent `who` has an event `pred` accepts, for at most `timeout`.
pub fn expect_event(
    agents: &mut [Agent],
    who: usize,
    timeout: Duration,
    what: &str,
    mut pred: impl FnMut(&sip::UaEvent) -> bool,
) -> sip::UaEvent {
    let mut all: Vec<&mut Agent> = agents.iter_mut().collect();
    let what = format!("agent #{who}: {what}");
    wait_until(&mut all, timeout, &what, |a| a[who].take_event(&mut pred))
}

/// Agent `a` calls agent `b`, who answers, until `b` has the ACK; each side's call id.
pub fn connect(
    agents: &mut [Agent],
    a: usize,
    b: usize,
    timeout: Duration,
) -> (sip::CallId, sip::CallId) {
    use sip::UaEvent;
    let target = agents[b].uri();
    let ca = agents[a].with(|ua, now| ua.invite(target, sdp("sendrecv", 1), now));
    let UaEvent::Incoming { call: cb, .. } = expect_event(agents, b, timeout, "the INVITE", |e| {
        matches!(e, UaEvent::Incoming { .. })
    }) else {
        unreachable!()
    };
    agents[b]
        .with(|ua, now| ua.answer(cb, sdp("sendrecv", 1), now))
        .unwrap();
    expect_event(
        agents,
        a,
        timeout,
        "the answer",
        |e| matches!(e, UaEvent::Answered { call, .. } if *call == ca),
    );
    expect_event(
        agents,
        b,
        timeout,
        "the ACK",
        |e| matches!(e, UaEvent::Confirmed { call } if *call == cb),
    );
    (ca, cb)
}

/// Pumps `agents` for `d` (lets messages that nobody waits for go through).
pub fn settle(agents: &mut [&mut Agent], d: Duration) {
    let end = std::time::Instant::now() + d;
    while std::time::Instant::now() < end {
        if agents.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
        }
        for a in agents.iter_mut() {
            a.pump(Duration::from_millis(5));
        }
    }
}

/// Prints one line of what a test proved.
pub fn proved(what: &str) {
    println!("PROVED: {what}");
}
