//! Kamailio kills and restarts on request of the browser tests (`fault.test.mjs`,
//! `fault-cluster.test.mjs`): a test writes `request.json` into the directory named by
//! `SOFTPHONE_KAMAILIO_RESTART` (or `SOFTPHONE_CLUSTER_CONTROL`); xtask carries it out and
//! answers with `done.json` (`{"killedAt": <epoch ms>, "readyAt": <epoch ms>}`, or
//! `{"error": "..."}`). A request:
//!
//! - `{"downMs": 1400}`: kill every server (SIGKILL), start each again with the same
//!   configuration and ports after that pause;
//! - `{"action": "kill", "edges": [1]}`: kill only (the servers listed, counted from 1);
//! - `{"action": "start", "edges": [1]}`: start servers that are down;
//! - `{"action": "restart", "edges": [1, 2], "downMs": 1400}`: kill, pause, start.
//!
//! xtask, not the test, owns the processes, so a server started by a test is stopped at the
//! end of the run like the first one.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::kamailio::{Kamailio, Site};
use crate::util::{Context, Result};

/// The longest pause a test may ask for: a typo must not leave the run without a server.
const MAX_DOWN: Duration = Duration::from_secs(30);

/// One server the service may kill and start: where it runs and its `-A` defines.
pub(crate) struct Slot {
    pub(crate) server: Arc<Mutex<Option<Kamailio>>>,
    pub(crate) site: Site,
    pub(crate) defines: &'static [&'static str],
}

pub(crate) struct RestartService {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// The digits after `"key":` in a request file.
fn number_after(text: &str, key: &str) -> Option<u64> {
    let after = text.split(&format!("\"{key}\"")).nth(1)?;
    let digits: String = after
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The pause asked for in a request file: `{"downMs": 1400}`.
fn down_of(text: &str) -> Option<Duration> {
    number_after(text, "downMs").map(|ms| Duration::from_millis(ms).min(MAX_DOWN))
}

#[derive(Debug, PartialEq, Eq)]
enum Action {
    Kill,
    Start,
    Restart(Duration),
}

/// What a request file asks, and of which servers (indices into the slots).
fn request_of(text: &str, slots: usize) -> std::result::Result<(Action, Vec<usize>), String> {
    let action = match text.split("\"action\"").nth(1) {
        None => "restart",
        Some(rest) => {
            let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            let word: String = rest
                .trim_start_matches('"')
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            match word.as_str() {
                "kill" => "kill",
                "start" => "start",
                "restart" => "restart",
                _ => return Err(format!("unknown action in {text:?}")),
            }
        }
    };
    let which: Vec<usize> = match text.split("\"edges\"").nth(1) {
        None => (0..slots).collect(),
        Some(rest) => {
            let list = rest
                .split(']')
                .next()
                .unwrap_or("")
                .trim_start_matches(|c: char| c == ':' || c.is_whitespace() || c == '[');
            let mut v = Vec::new();
            for n in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                match n.parse::<usize>() {
                    Ok(k) if (1..=slots).contains(&k) => v.push(k - 1),
                    _ => return Err(format!("no server {n:?} (1..={slots})")),
                }
            }
            v
        }
    };
    let action = match action {
        "kill" => Action::Kill,
        "start" => Action::Start,
        _ => Action::Restart(down_of(text).ok_or_else(|| format!("no downMs in {text:?}"))?),
    };
    Ok((action, which))
}

fn kill(slot: &Slot, n: u32) {
    if let Ok(mut server) = slot.server.lock() {
        if let Some(k) = server.as_mut() {
            k.crash(n);
        }
        *server = None;
    }
    println!("{}: killed by a fault test", slot.site.name);
}

fn start(slot: &Slot) -> std::result::Result<(), String> {
    let Ok(mut server) = slot.server.lock() else {
        return Err("kamailio lock poisoned".into());
    };
    if server.is_none() {
        *server = Some(Kamailio::start_at(slot.site, slot.defines).map_err(|e| e.0)?);
    }
    Ok(())
}

fn carry_out(slots: &[Slot], action: &Action, which: &[usize], n: u32) -> String {
    let killed_at = epoch_ms();
    if matches!(action, Action::Kill | Action::Restart(_)) {
        for &i in which {
            kill(&slots[i], n);
        }
    }
    if let Action::Restart(down) = action {
        println!("kamailio: {} ms down for a restart test", down.as_millis());
        std::thread::sleep(*down);
    }
    if matches!(action, Action::Start | Action::Restart(_)) {
        for &i in which {
            if let Err(e) = start(&slots[i]) {
                return format!("{{\"error\": {e:?}}}");
            }
        }
    }
    format!("{{\"killedAt\": {killed_at}, \"readyAt\": {}}}", epoch_ms())
}

fn answer(dir: &Path, json: &str) {
    let tmp = dir.join("done.json.tmp");
    if fs::write(&tmp, json).is_ok() {
        let _ = fs::rename(&tmp, dir.join("done.json"));
    }
}

impl RestartService {
    /// Watches `dir` for requests about the servers in `slots`.
    pub(crate) fn start(dir: PathBuf, slots: Vec<Slot>) -> Result<Self> {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).context(format_args!("create {}", dir.display()))?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let request = dir.join("request.json");
            let mut n = 0;
            while !flag.load(Ordering::Relaxed) {
                if let Ok(text) = fs::read_to_string(&request) {
                    let _ = fs::remove_file(&request);
                    let _ = fs::remove_file(dir.join("done.json"));
                    n += 1;
                    let json = match request_of(&text, slots.len()) {
                        Ok((action, which)) => carry_out(&slots, &action, &which, n),
                        Err(e) => format!("{{\"error\": {e:?}}}"),
                    };
                    answer(&dir, &json);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for RestartService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pause() {
        assert_eq!(
            down_of(r#"{"downMs": 1400}"#),
            Some(Duration::from_millis(1400))
        );
        assert_eq!(down_of(r#"{"downMs":99999999}"#), Some(MAX_DOWN));
        assert_eq!(down_of("{}"), None);
    }

    #[test]
    fn reads_the_request() {
        let restart = Action::Restart(Duration::from_millis(1400));
        assert_eq!(
            request_of(r#"{"downMs": 1400}"#, 2),
            Ok((restart, vec![0, 1]))
        );
        assert_eq!(
            request_of(r#"{"action": "kill", "edges": [1]}"#, 2),
            Ok((Action::Kill, vec![0]))
        );
        assert_eq!(
            request_of(r#"{"action":"start","edges":[2, 1]}"#, 2),
            Ok((Action::Start, vec![1, 0]))
        );
        assert!(request_of(r#"{"action": "kill", "edges": [3]}"#, 2).is_err());
        assert!(request_of(r#"{"action": "explode"}"#, 2).is_err());
        assert!(request_of(r#"{"action": "restart"}"#, 2).is_err());
    }
}
