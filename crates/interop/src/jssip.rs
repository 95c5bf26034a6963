//! JsSIP (npm `jssip` in node, over Kamailio's WebSocket) as a peer:
//! `tests/interop/jssip-peer.mjs` prints events as JSON lines and takes commands on stdin.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::{password, repo_root, wait_until, ws_url, Agent};

/// A JsSIP user agent in node, registered as one test user.
pub struct JsSip {
    /// Its test user.
    pub user: u32,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// Events read but not yet taken by a test.
    pending: Vec<Value>,
    /// Everything it printed (stdout and stderr), for failure reports.
    log: Arc<Mutex<String>>,
}

impl JsSip {
    /// Starts the node peer for `user` and waits until it is registered.
    pub fn registered(user: u32) -> Self {
        let script = repo_root().join("tests/interop/jssip-peer.mjs");
        let modules = repo_root().join("tests/interop/node_modules/jssip");
        assert!(
            modules.exists(),
            "{} is missing: run `cargo xtask setup` (npm ci in tests/interop)",
            modules.display()
        );
        let mut child = Command::new("node")
            .arg(&script)
            .args(["--ws", &ws_url(), "--user", &user.to_string()])
            .args(["--password", &password(user)])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node ({e}): install Node.js >= 18"));
        let stdin = child.stdin.take().expect("piped stdin");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let log2 = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                log2.lock().unwrap().push_str(&format!("out: {line}\n"));
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = child.stderr.take().expect("piped stderr");
        let log3 = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log3.lock().unwrap().push_str(&format!("err: {line}\n"));
            }
        });
        let mut peer = Self {
            user,
            child,
            stdin,
            lines,
            pending: Vec::new(),
            log,
        };
        peer.expect(&mut [], Duration::from_secs(10), "registered");
        peer
    }

    /// Sends one command line (`call <uri>`, `hangup`, `hold`, `unhold`, `dtmf <d>`,
    /// `refer <uri>`, `answer`, `quit`).
    pub fn command(&mut self, line: &str) {
        self.log.lock().unwrap().push_str(&format!("cmd: {line}\n"));
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .unwrap_or_else(|e| panic!("JsSIP peer {} is gone ({e})", self.user));
    }

    fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            match serde_json::from_str::<Value>(&line) {
                Ok(v) => self.pending.push(v),
                Err(_) => self.log.lock().unwrap().push_str("(not JSON)\n"),
            }
        }
    }

    /// Takes the first pending event named `ev`, if any.
    pub fn take(&mut self, ev: &str) -> Option<Value> {
        self.drain();
        let i = self.pending.iter().position(|v| v["ev"] == ev)?;
        Some(self.pending.remove(i))
    }

    /// Pumps `agents` until the peer reports event `ev` (and returns it), or panics after
    /// `timeout`.
    pub fn expect(&mut self, agents: &mut [&mut Agent], timeout: Duration, ev: &str) -> Value {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("JsSIP peer {} exited ({status}) before `{ev}`", self.user);
        }
        let what = format!("JsSIP {} to report `{ev}`", self.user);
        wait_until(agents, timeout, &what, |_| self.take(ev))
    }

    /// Whether the peer reported `ev` (without waiting).
    pub fn saw(&mut self, ev: &str) -> bool {
        self.drain();
        self.pending.iter().any(|v| v["ev"] == ev)
    }

    /// Everything it printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for JsSip {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "==== JsSIP peer {} output ====\n{}==== end ====",
                self.user,
                self.log()
            );
        }
    }
}
