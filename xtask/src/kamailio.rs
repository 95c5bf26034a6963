//! Kamailio on loopback: the SIP server of `dev` and `e2e` (config: tests/kamailio/kamailio.cfg).

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{
    bail, check_interrupted, cmd, kill_group, root, stop_child, track, Context, Result,
};

pub(crate) const WS_URL: &str = "ws://127.0.0.1:8088";
pub(crate) const HEALTH_ADDR: &str = "127.0.0.1:8088";
pub(crate) const SIP_DOMAIN: &str = "127.0.0.1";

/// Where one Kamailio runs: its runtime directory (pid file, control socket, log), the
/// WebSocket address whose `/health` says it is ready, and the SIP addresses it binds. The
/// single server of `dev` and `e2e` is [`SINGLE`]; the cluster's edges are in `cluster.rs`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Site {
    /// For messages: "kamailio", "edge 1".
    pub(crate) name: &'static str,
    /// Under `target/`.
    pub(crate) run_subdir: &'static str,
    /// WebSocket and health check, `ip:port`.
    pub(crate) ws: &'static str,
    /// SIP over UDP and TCP, `ip:port`.
    pub(crate) sip: &'static str,
}

/// The one Kamailio of `cargo xtask dev` and of the browser tests.
pub(crate) const SINGLE: Site = Site {
    name: "kamailio",
    run_subdir: "kamailio-run",
    ws: HEALTH_ADDR,
    sip: "127.0.0.1:5060",
};

impl Site {
    pub(crate) fn run_dir(&self) -> PathBuf {
        root().join("target").join(self.run_subdir)
    }

    pub(crate) fn ctl(&self) -> PathBuf {
        self.run_dir().join("kamailio_ctl")
    }
}

/// A running Kamailio; dropping it stops it (SIGTERM, then SIGKILL to its process group).
pub(crate) struct Kamailio {
    child: Child,
    pub(crate) log: PathBuf,
    site: Site,
}

pub(crate) fn run_dir() -> PathBuf {
    SINGLE.run_dir()
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("valid socket address")
}

/// GET /health on `ws` (`ip:port`) answers 200.
pub(crate) fn healthy_at(ws: &str) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr(ws), Duration::from_millis(300)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
    let get = format!("GET /health HTTP/1.1\r\nHost: {ws}\r\nConnection: close\r\n\r\n");
    if s.write_all(get.as_bytes()).is_err() {
        return false;
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    while n < 12 {
        match s.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    let head = String::from_utf8_lossy(&buf[..n]);
    head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200")
}

/// Fails with a clear message when the site's ports are taken.
fn check_ports_free(site: &Site) -> Result {
    let pidfile = site.run_dir().join("kamailio.pid");
    let hint = format!(
        "is `cargo xtask dev` or another Kamailio running? (last pid file: {})",
        pidfile.display()
    );
    if TcpStream::connect_timeout(&addr(site.ws), Duration::from_millis(300)).is_ok() {
        bail!("something already listens on {}: {hint}", site.ws);
    }
    if TcpListener::bind(site.sip).is_err() {
        bail!("TCP {} is taken: {hint}", site.sip);
    }
    if UdpSocket::bind(site.sip).is_err() {
        bail!("UDP {} is taken: {hint}", site.sip);
    }
    Ok(())
}

impl Kamailio {
    /// Starts Kamailio in the background and waits (up to 10 s) until /health answers.
    pub(crate) fn start() -> Result<Self> {
        Self::start_with(&[])
    }

    /// [`start`](Self::start) with `-A` defines of the config, such as `WITH_RTPENGINE`.
    pub(crate) fn start_with(defines: &[&str]) -> Result<Self> {
        Self::start_at(SINGLE, defines)
    }

    /// Starts the Kamailio of `site` with the config's `-A` defines.
    pub(crate) fn start_at(site: Site, defines: &[&str]) -> Result<Self> {
        check_ports_free(&site)?;
        let dir = site.run_dir();
        fs::create_dir_all(&dir).context(format_args!("create {}", dir.display()))?;
        for stale in ["kamailio.pid", "kamailio_ctl"] {
            let _ = fs::remove_file(dir.join(stale));
        }
        let log = dir.join("kamailio.log");
        let out = File::create(&log).context(format_args!("create {}", log.display()))?;
        let err = out.try_clone().context("dup log file")?;
        let cfg = root().join("tests/kamailio/kamailio.cfg");
        let mut c = cmd("kamailio");
        c.arg("-DD") // foreground, children still forked
            .arg("-E") // log to stderr (the log file)
            .arg("-f")
            .arg(&cfg)
            .arg("-Y")
            .arg(&dir)
            .arg("-P")
            .arg(dir.join("kamailio.pid"))
            .args(["-m", "64", "-M", "8", "-A"])
            .arg(format!("CTL_SOCKET=\"unix:{}\"", site.ctl().display()));
        for d in defines {
            c.args(["-A", d]);
        }
        c.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            // its own process group: we stop it ourselves, also after Ctrl-C, and can kill
            // every one of its processes if it does not stop
            .process_group(0);
        let child = c.spawn().context(
            "cannot run kamailio (install it with `cargo xtask setup`, or apt-get install kamailio kamailio-websocket-modules)",
        )?;
        track(child.id());
        let mut k = Self { child, log, site };
        let t0 = Instant::now();
        loop {
            if healthy_at(site.ws) {
                println!(
                    "{}: ready in {} ms (pid {}, log {})",
                    site.name,
                    t0.elapsed().as_millis(),
                    k.child.id(),
                    k.log.display()
                );
                return Ok(k);
            }
            if let Ok(Some(status)) = k.child.try_wait() {
                bail!(
                    "{} exited ({status}) during start-up; end of {}:\n{}",
                    site.name,
                    k.log.display(),
                    k.log_tail(30)
                );
            }
            if t0.elapsed() > Duration::from_secs(10) {
                let tail = k.log_tail(30);
                k.stop();
                bail!(
                    "{} did not answer http://{}/health within 10 s; end of {}:\n{tail}",
                    site.name,
                    site.ws,
                    k.log.display()
                );
            }
            check_interrupted()?;
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last `n` lines of Kamailio's log.
    pub(crate) fn log_tail(&self, n: usize) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// Whether the process is still running.
    pub(crate) fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub(crate) fn stop(&mut self) {
        stop_child(&mut self.child, Duration::from_secs(5));
    }

    /// Kills every process of this Kamailio at once (SIGKILL), as a crash would: its
    /// registrations and nonces are gone, its WebSocket connections drop. Its log is kept
    /// beside the next one as `kamailio.log.<n>`.
    pub(crate) fn crash(&mut self, n: u32) {
        kill_group(&mut self.child);
        let _ = fs::rename(&self.log, self.log.with_extension(format!("log.{n}")));
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        self.stop();
        println!("{}: stopped", self.site.name);
    }
}

/// The accounts of tests/kamailio/kamailio.cfg, for humans.
pub(crate) fn print_accounts() {
    println!("  SIP server (WebSocket): {WS_URL}");
    println!("  demo accounts:          sip:1001@{SIP_DOMAIN} / 1001pw   (also 1002/1002pw, 1003/1003pw, 1004/1004pw)");
    println!("  test accounts:          sip:2001@{SIP_DOMAIN} / pw2001   (any 2001..2999, password pw<user>)");
    println!(
        "  desk phone:             call {} (baresip over UDP through rtpengine: answers by itself, plays {} Hz)",
        crate::baresip::DESK.user,
        crate::baresip::TONE_HZ
    );
    println!(
        "  PCMU-only desk phone:   call {} (the same, G.711 PCMU alone: rtpengine transcodes it to Opus)",
        crate::baresip::PCMU_DESK.user,
    );
}

/// `cargo xtask kamailio`: run it in the foreground until Ctrl-C.
pub(crate) fn run_foreground(cluster: bool) -> Result {
    if cluster {
        return crate::cluster::run_foreground();
    }
    let mut k = Kamailio::start()?;
    print_accounts();
    println!("  Ctrl-C stops it");
    while k.running() && !crate::util::interrupted() {
        std::thread::sleep(Duration::from_millis(200));
    }
    if !k.running() {
        bail!("kamailio exited; end of its log:\n{}", k.log_tail(30));
    }
    Ok(())
}
