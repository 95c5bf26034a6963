//! Paths, child processes and signals shared by the subcommands.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

/// The error of a subcommand: a message for the person at the terminal.
pub(crate) struct Error(pub(crate) String);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

pub(crate) type Result<T = ()> = std::result::Result<T, Error>;

/// `return Err(format!(...).into())`
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::util::Error(format!($($arg)*)))
    };
}
pub(crate) use bail;

/// Adds context to an I/O error.
pub(crate) trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|e| Error(format!("{what}: {e}")))
    }
}

/// The repository root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

/// Project-local tools (npm's binaryen), ignored by git.
pub(crate) fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// Where npm puts binaryen's `wasm-opt`.
pub(crate) fn node_tools_bin() -> PathBuf {
    tools_dir().join("node/node_modules/.bin")
}

fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

/// PATH for every child: the npm `wasm-opt` first (trunk must not find Debian's binaryen 108,
/// which breaks wasm-bindgen output), then cargo's bin directory (trunk, wasm-bindgen).
pub(crate) fn tool_path() -> OsString {
    let mut dirs = vec![node_tools_bin(), cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).expect("PATH entries contain no ':'")
}

/// A command that runs in the repository root with the tool PATH.
pub(crate) fn cmd(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

/// A command as a person would type it (without the environment `Command`'s Debug shows).
pub(crate) fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains(|ch: char| ch.is_whitespace() || ch == '"') {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

/// Runs a command to completion with inherited stdio; fails on a non-zero exit.
pub(crate) fn run(c: &mut Command) -> Result {
    eprintln!("$ {}", describe(c));
    let mut child = c
        .spawn()
        .context(format_args!("cannot start {}", describe(c)))?;
    track(child.id());
    let status = child.wait();
    untrack(child.id());
    let status = status.context("wait")?;
    check_interrupted()?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(c));
    }
    Ok(())
}

/// Stdout of a command if it ran and succeeded (stderr is dropped); None otherwise.
pub(crate) fn output(c: &mut Command) -> Option<String> {
    let out = c.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

// ---- signals ---------------------------------------------------------------------------------

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static CHILDREN: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// On SIGINT/SIGTERM/SIGHUP: remember it and pass SIGTERM to the children we wait for, so that
/// `cargo xtask` always gets to stop Kamailio. (On Ctrl-C the terminal signals the children in
/// our process group as well.)
pub(crate) fn install_signal_handler() {
    let res = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        let pids = CHILDREN.lock().map(|c| c.clone()).unwrap_or_default();
        for pid in pids {
            terminate(pid);
        }
    });
    if let Err(e) = res {
        eprintln!("warning: cannot install the Ctrl-C handler: {e}");
    }
}

pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

pub(crate) fn check_interrupted() -> Result {
    if interrupted() {
        bail!("interrupted");
    }
    Ok(())
}

/// Registers a child to receive SIGTERM when we are interrupted.
pub(crate) fn track(pid: u32) {
    if let Ok(mut c) = CHILDREN.lock() {
        c.push(pid);
    }
}

pub(crate) fn untrack(pid: u32) {
    if let Ok(mut c) = CHILDREN.lock() {
        c.retain(|&p| p != pid);
    }
}

fn pid_of(pid: u32) -> Pid {
    Pid::from_raw(i32::try_from(pid).expect("pid fits in i32"))
}

/// Kills a child started with `process_group(0)` and every process of its group at once
/// (SIGKILL: no clean shutdown, as when a server crashes), and reaps it.
pub(crate) fn kill_group(child: &mut Child) {
    let _ = killpg(pid_of(child.id()), Signal::SIGKILL);
    let _ = child.kill();
    let _ = child.wait();
    untrack(child.id());
}

/// Sends SIGTERM to a process.
pub(crate) fn terminate(pid: u32) {
    let _ = kill(pid_of(pid), Signal::SIGTERM);
}

/// SIGTERM, then SIGKILL to the whole process group after `grace` (for children started with
/// `process_group(0)`, so no grandchild survives).
pub(crate) fn stop_child(child: &mut Child, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        untrack(child.id());
        return;
    }
    terminate(child.id());
    let end = Instant::now() + grace;
    while Instant::now() < end {
        if matches!(child.try_wait(), Ok(Some(_))) {
            untrack(child.id());
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = killpg(pid_of(child.id()), Signal::SIGKILL);
    let _ = child.kill();
    let _ = child.wait();
    untrack(child.id());
}

/// Formats a duration as `1m02s` or `3.4s`.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 60.0 {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    } else {
        format!("{s:.1}s")
    }
}

/// Waits until a service we started answers `ready()`, polling every `every`, for at most
/// 10 s. Fails with the end of its log if it exits first, and stops it if it never answers.
pub(crate) fn wait_ready(
    what: &str,
    child: &mut Child,
    log: &Path,
    every: Duration,
    mut ready: impl FnMut() -> bool,
) -> Result<Duration> {
    let t0 = Instant::now();
    loop {
        if ready() {
            let took = t0.elapsed();
            println!(
                "{what}: ready in {} ms (pid {}, log {})",
                took.as_millis(),
                child.id(),
                log.display()
            );
            return Ok(took);
        }
        if let Ok(Some(status)) = child.try_wait() {
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            bail!("{what} exited ({status}) during start-up; its log:\n{tail}");
        }
        if t0.elapsed() > Duration::from_secs(10) {
            stop_child(child, Duration::from_secs(2));
            bail!("{what} was not ready within 10 s; log {}", log.display());
        }
        check_interrupted()?;
        std::thread::sleep(every);
    }
}
