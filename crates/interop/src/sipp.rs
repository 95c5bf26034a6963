//! SIPp (Debian `sip-tester`) peers over UDP through Kamailio, one process per scenario.

use std::fs;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use crate::{password, repo_root, wait_until, Agent, KAMAILIO_UDP};

/// A running SIPp scenario; dropping it kills it.
pub struct Sipp {
    name: String,
    child: Child,
    dir: PathBuf,
}

impl Sipp {
    /// Starts `tests/interop/sipp/<scenario>.xml` as test user `user` on UDP `port`, for one
    /// call (`-m 1`), with a 30 s overall timeout. `-s` is `service` (the user the scenario
    /// calls, or itself for a UAS), `-au/-ap` are `user`'s credentials, and `[from_user]` is
    /// `user`.
    pub fn start(scenario: &str, user: u32, port: u16, service: u32) -> Self {
        let file = repo_root().join(format!("tests/interop/sipp/{scenario}.xml"));
        assert!(file.exists(), "no scenario {}", file.display());
        let dir = std::env::temp_dir().join(format!(
            "softphone-interop-{}-{scenario}-{port}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create SIPp run dir");
        let stdout = fs::File::create(dir.join("screen.log")).expect("create screen.log");
        let mut cmd = Command::new("sipp");
        cmd.arg(KAMAILIO_UDP)
            .arg("-sf")
            .arg(&file)
            .args(["-m", "1", "-i", "127.0.0.1", "-t", "u1"])
            .args(["-p", &port.to_string()])
            .args(["-s", &service.to_string()])
            .args(["-au", &user.to_string(), "-ap", &password(user)])
            .args(["-key", "from_user", &user.to_string()])
            .args(["-timeout", "30s", "-timeout_error", "-nostdin"])
            .args(["-trace_msg", "-trace_err"])
            .arg("-message_file")
            .arg(dir.join("messages.log"))
            .arg("-error_file")
            .arg(dir.join("errors.log"))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped());
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot run sipp ({e}): install Debian's sip-tester (`cargo xtask setup`)")
        });
        Self {
            name: format!("sipp {scenario} (user {user}, udp {port})"),
            child,
            dir,
        }
    }

    /// Registers `user`'s Contact `sip:<user>@127.0.0.1:<port>` at Kamailio (digest auth),
    /// so that calls to `sip:<user>@127.0.0.1` reach a SIPp UAS started on that port.
    pub fn register(user: u32, port: u16) {
        let mut reg = Self::start("register", user, port, user);
        let status = reg.wait(&mut [], Duration::from_secs(10));
        assert!(
            status.success(),
            "SIPp could not register {user}: {status}\n{}",
            reg.logs()
        );
    }

    /// Pumps `agents` until SIPp exits (or panics after `timeout`); returns its status.
    pub fn wait(&mut self, agents: &mut [&mut Agent], timeout: Duration) -> ExitStatus {
        let what = format!("{} to finish", self.name);
        let child = &mut self.child;
        wait_until(agents, timeout, &what, |_| child.try_wait().ok().flatten())
    }

    /// Pumps `agents` until SIPp exits, and panics unless it exited 0 (every call of the
    /// scenario succeeded).
    pub fn expect_success(&mut self, agents: &mut [&mut Agent], timeout: Duration) {
        let status = self.wait(agents, timeout);
        assert!(
            status.success(),
            "{} failed: {status}\n{}",
            self.name,
            self.logs()
        );
    }

    /// SIPp's message and error logs.
    pub fn logs(&self) -> String {
        let read = |f: &str| fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!(
            "==== {}: messages ====\n{}==== errors ====\n{}==== screen ====\n{}",
            self.name,
            read("messages.log"),
            read("errors.log"),
            read("screen.log")
        )
    }
}

impl Drop for Sipp {
    fn drop(&mut self) {
        let running = matches!(self.child.try_wait(), Ok(None));
        if running {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!("{}", self.logs());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
