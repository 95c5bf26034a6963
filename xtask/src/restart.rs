//! Kamailio restarts on request of the browser tests (`fault.test.mjs`): a test writes
//! `request.json` (`{"downMs": 1400}`) into the directory named by
//! `SOFTPHONE_KAMAILIO_RESTART`; xtask kills the server (SIGKILL), starts it again with the
//! same configuration and ports after that pause, and answers with `done.json`
//! (`{"killedAt": <epoch ms>, "readyAt": <epoch ms>}`, or `{"error": "..."}`). xtask, not the
//! test, owns the process, so the server that runs after a restart is stopped at the end of
//! the run like the first one.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::kamailio::Kamailio;
use crate::util::{Context, Result};

/// The longest pause a test may ask for: a typo must not leave the run without a server.
const MAX_DOWN: Duration = Duration::from_secs(30);

pub(crate) struct RestartService {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// The pause asked for in a request file: `{"downMs": 1400}`.
fn down_of(text: &str) -> Option<Duration> {
    let after = text.split("\"downMs\"").nth(1)?;
    let digits: String = after
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let ms: u64 = digits.parse().ok()?;
    Some(Duration::from_millis(ms).min(MAX_DOWN))
}

fn restart(server: &Mutex<Option<Kamailio>>, defines: &[&str], down: Duration, n: u32) -> String {
    let Ok(mut slot) = server.lock() else {
        return r#"{"error": "kamailio lock poisoned"}"#.into();
    };
    if let Some(k) = slot.as_mut() {
        k.crash(n);
    }
    *slot = None;
    let killed_at = epoch_ms();
    println!(
        "kamailio: killed for a restart test ({} ms down)",
        down.as_millis()
    );
    std::thread::sleep(down);
    match Kamailio::start_with(defines) {
        Ok(k) => {
            *slot = Some(k);
            format!("{{\"killedAt\": {killed_at}, \"readyAt\": {}}}", epoch_ms())
        }
        Err(e) => format!("{{\"error\": {:?}}}", e.0),
    }
}

fn answer(dir: &Path, json: &str) {
    let tmp = dir.join("done.json.tmp");
    if fs::write(&tmp, json).is_ok() {
        let _ = fs::rename(&tmp, dir.join("done.json"));
    }
}

impl RestartService {
    /// Watches `dir` for restart requests for the server in `server`.
    /// `defines`: the `-A` defines the server was started with, used again on restart.
    pub(crate) fn start(
        dir: PathBuf,
        server: Arc<Mutex<Option<Kamailio>>>,
        defines: &'static [&'static str],
    ) -> Result<Self> {
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
                    let json = match down_of(&text) {
                        Some(down) => restart(&server, defines, down, n),
                        None => format!("{{\"error\": \"no downMs in {text:?}\"}}"),
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
}
