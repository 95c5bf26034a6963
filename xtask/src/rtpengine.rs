//! rtpengine on loopback, beside Kamailio (`-A WITH_RTPENGINE`): it bridges a browser's ICE and
//! DTLS-SRTP to plain RTP where a call has a non-browser phone on one side (the desk phone).
//! Userspace forwarding only (`--table=-1`): no kernel module, nothing outside this process.

use std::fs::{self, File};
use std::net::UdpSocket;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::util::{bail, cmd, stop_child, track, wait_ready, Context, Result};

/// Kamailio's rtpengine module talks the "ng" protocol here (tests/kamailio/kamailio.cfg).
pub(crate) const NG_ADDR: &str = "127.0.0.1:2223";
/// Media ports of rtpengine; baresip's are elsewhere (31000-31099), so they never collide.
const PORTS: (u16, u16) = (30000, 30999);

/// A running rtpengine; dropping it stops it.
pub(crate) struct Rtpengine {
    child: Child,
    pub(crate) log: PathBuf,
}

/// An ng `ping` (bencoded, after a cookie) answered by `pong`.
fn pong() -> bool {
    let Ok(s) = UdpSocket::bind("127.0.0.1:0") else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    if s.send_to(b"xtask1 d7:command4:pinge", NG_ADDR).is_err() {
        return false;
    }
    let mut buf = [0u8; 128];
    s.recv(&mut buf)
        .is_ok_and(|n| buf[..n].windows(4).any(|w| w == b"pong"))
}

impl Rtpengine {
    /// Starts rtpengine and waits (up to 10 s) until it answers an ng ping.
    pub(crate) fn start() -> Result<Self> {
        if UdpSocket::bind(NG_ADDR).is_err() {
            bail!("UDP {NG_ADDR} is taken: is another rtpengine running (`cargo xtask dev`)?");
        }
        let dir = crate::kamailio::run_dir();
        fs::create_dir_all(&dir).context(format_args!("create {}", dir.display()))?;
        let log = dir.join("rtpengine.log");
        let out = File::create(&log).context(format_args!("create {}", log.display()))?;
        let err = out.try_clone().context("dup log file")?;
        let mut c = cmd("rtpengine");
        c.args([
            "--config-file=none",
            "--foreground",
            "--log-stderr",
            "--table=-1",
            "--interface=127.0.0.1",
            "--num-threads=2",
            "--log-level=6",
        ])
        .arg(format!("--listen-ng={NG_ADDR}"))
        .arg(format!("--port-min={}", PORTS.0))
        .arg(format!("--port-max={}", PORTS.1))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0);
        let child = c.spawn().context(
            "cannot run rtpengine (install it with `cargo xtask setup`, or apt-get install rtpengine-daemon)",
        )?;
        track(child.id());
        let mut r = Self { child, log };
        // Ready once it answers an ng ping on NG_ADDR.
        wait_ready(
            "rtpengine",
            &mut r.child,
            &r.log,
            Duration::from_millis(50),
            pong,
        )?;
        Ok(r)
    }
}

impl Drop for Rtpengine {
    fn drop(&mut self) {
        stop_child(&mut self.child, Duration::from_secs(5));
        println!("rtpengine: stopped");
    }
}
