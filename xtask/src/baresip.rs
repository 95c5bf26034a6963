//! The desk phones: baresip, a SIP phone that is not a browser (plain RTP, G.711, UDP), as
//! accounts 1100 and 1101 of tests/kamailio/kamailio.cfg. Each answers every call by itself,
//! plays a known tone from a WAV file, records what it hears (one `dump-<time>-dec.wav` per
//! call, up to its first hold; and what its player plays, on through re-INVITEs, in the
//! `heard-<ms>.raw` files of xtask/src/desk_ear.rs) and is driven over its TCP control socket
//! (netstring-framed JSON) by the e2e tests.
//! 1100 speaks PCMU and PCMA and meets the browser's PCMU as it is; 1101 speaks PCMU only and
//! Kamailio has rtpengine transcode its calls to Opus on the browser side.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::desk_ear::Ear;
use crate::util::{bail, cmd, stop_child, track, wait_ready, Context, Result};

/// One desk phone: its account and where it listens. Instances sit two ports apart (baresip
/// takes the port after its SIP port too) and have media ports of their own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Desk {
    pub(crate) user: &'static str,
    pub(crate) password: &'static str,
    pub(crate) ctrl_addr: &'static str,
    sip_addr: &'static str,
    rtp_ports: &'static str,
    /// baresip's `audio_codecs` for the account.
    codecs: &'static str,
}

/// The desk phone of demos and most tests: G.711 both laws, no transcoding needed.
pub(crate) const DESK: Desk = Desk {
    user: "1100",
    password: "1100pw",
    ctrl_addr: "127.0.0.1:4444",
    sip_addr: "127.0.0.1:5090",
    rtp_ports: "31000-31099",
    codecs: "PCMU,PCMA",
};

/// A plain phone with PCMU alone: its calls are transcoded (Opus on the browser side).
pub(crate) const PCMU_DESK: Desk = Desk {
    user: "1101",
    password: "1101pw",
    ctrl_addr: "127.0.0.1:4446",
    sip_addr: "127.0.0.1:5092",
    rtp_ports: "31100-31199",
    codecs: "PCMU",
};

/// The tone it plays: 1 kHz, away from the agents' 440/660/880 Hz and their harmonics.
pub(crate) const TONE_HZ: u32 = 1000;
/// Its amplitude (of full scale), as the agents' fixtures: a test compares levels with it.
pub(crate) const TONE_AMP: f64 = 0.5;
/// G.711 is 8 kHz mono, and aufile takes only the rate and channels of `ausrc_*`.
pub(crate) const TONE_RATE: u32 = 8000;
/// aufile ends the call when the file ends: ten minutes is longer than any test or demo call.
pub(crate) const TONE_SECONDS: u32 = 600;

/// baresip 1.0's configuration: no sound card (its player is the ALSA PCM of `asoundrc`, which
/// the ear reads), G.711 only, DNS pinned to loopback (it resolves nothing anyway).
fn config(desk: &Desk, tone: &Path, recordings: &Path) -> String {
    format!(
        "poll_method\t\tepoll\n\
         sip_listen\t\t{sip}\n\
         dns_server\t\t127.0.0.1:53\n\
         rtp_ports\t\t{rtp}\n\
         audio_path\t\t/usr/share/baresip\n\
         audio_player\t\talsa,{EAR_PCM}\n\
         audio_alert\t\talsa,null\n\
         audio_source\t\taufile,{tone}\n\
         ausrc_srate\t\t{TONE_RATE}\n\
         auplay_srate\t\t{TONE_RATE}\n\
         ausrc_channels\t\t1\n\
         auplay_channels\t\t1\n\
         audio_buffer\t\t20-160\n\
         module_path\t\t/usr/lib/baresip/modules\n\
         module\t\t\tg711.so\n\
         module\t\t\taufile.so\n\
         module\t\t\talsa.so\n\
         module\t\t\tsndfile.so\n\
         module\t\t\tctrl_tcp.so\n\
         module_app\t\taccount.so\n\
         module_app\t\tcontact.so\n\
         module_app\t\tmenu.so\n\
         snd_path\t\t{recordings}\n\
         ctrl_tcp_listen\t\t{ctrl}\n",
        sip = desk.sip_addr,
        rtp = desk.rtp_ports,
        ctrl = desk.ctrl_addr,
        tone = tone.display(),
        recordings = recordings.display(),
    )
}

/// The ALSA PCM its player writes into: the ear's FIFO (xtask/src/desk_ear.rs), over `null`.
const EAR_PCM: &str = "deskear";

/// ALSA reads `~/.asoundrc`; baresip runs with HOME at its directory so that this is it.
fn asoundrc(fifo: &Path) -> String {
    format!(
        "pcm.{EAR_PCM} {{\n\ttype file\n\tslave.pcm \"null\"\n\tfile \"{}\"\n\tformat \"raw\"\n}}\n",
        fifo.display()
    )
}

/// Its account line (baresip's `accounts` format). It registers every 10 s, so a restarted
/// Kamailio (the fault tests) knows it again within seconds, as a real desk phone with a
/// short interval would.
fn accounts(desk: &Desk) -> String {
    format!(
        "<sip:{user}@127.0.0.1;transport=udp>;auth_pass={password};regint=10;\
         answermode=auto;audio_codecs={codecs}\n",
        user = desk.user,
        password = desk.password,
        codecs = desk.codecs,
    )
}

/// A running desk phone; dropping it stops it.
pub(crate) struct DeskPhone {
    child: Child,
    user: &'static str,
    pub(crate) log: PathBuf,
    pub(crate) recordings: PathBuf,
    /// Dropped after the child is stopped (Drop below): its player's end of the FIFO closes.
    _ear: Ear,
}

/// One control command; the text of its response (None when baresip does not answer).
pub(crate) fn command(desk: &Desk, name: &str, params: &str) -> Option<String> {
    let addr: SocketAddr = desk.ctrl_addr.parse().ok()?;
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let json = format!(r#"{{"command":"{name}","params":"{params}","token":"xtask"}}"#);
    s.write_all(format!("{}:{json},", json.len()).as_bytes())
        .ok()?;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    // Events may come first; the response carries our token.
    while !String::from_utf8_lossy(&got).contains(r#""token":"xtask""#) {
        let n = s.read(&mut buf).ok().filter(|n| *n > 0)?;
        got.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&got).into_owned())
}

impl DeskPhone {
    /// Writes its configuration and tone under `dir`, starts it and waits (up to 10 s) until
    /// Kamailio has taken its registration.
    pub(crate) fn start(desk: Desk, dir: &Path, tone: &Path) -> Result<Self> {
        let ctrl = desk.ctrl_addr;
        if TcpStream::connect_timeout(&ctrl.parse().expect("address"), Duration::from_millis(200))
            .is_ok()
        {
            bail!("{ctrl} is taken: is another baresip running (`cargo xtask dev`)?");
        }
        let recordings = dir.join("recordings");
        let _ = fs::remove_dir_all(&recordings);
        fs::create_dir_all(&recordings).context(format_args!("create {}", recordings.display()))?;
        fs::write(dir.join("config"), config(&desk, tone, &recordings))
            .context("write baresip config")?;
        fs::write(dir.join("accounts"), accounts(&desk)).context("write baresip accounts")?;
        let fifo = dir.join("ear.fifo");
        fs::write(dir.join(".asoundrc"), asoundrc(&fifo)).context("write baresip .asoundrc")?;
        let ear = Ear::start(&fifo, &recordings)?;
        let log = dir.join("baresip.log");
        let out = File::create(&log).context(format_args!("create {}", log.display()))?;
        let err = out.try_clone().context("dup log file")?;
        let mut c = cmd("baresip");
        c.env("HOME", dir)
            .arg("-f")
            .arg(dir)
            .args(["-n", "127.0.0.1"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = c.spawn().context(
            "cannot run baresip (install it with `cargo xtask setup`, or apt-get install baresip-core)",
        )?;
        track(child.id());
        let mut phone = Self {
            child,
            user: desk.user,
            log,
            recordings,
            _ear: ear,
        };
        // Ready once `reginfo` lists the account with "OK": the registrar answered 200.
        wait_ready(
            "baresip (desk phone registered)",
            &mut phone.child,
            &phone.log,
            Duration::from_millis(100),
            || command(&desk, "reginfo", "").is_some_and(|r| r.contains("OK")),
        )?;
        Ok(phone)
    }
}

impl Drop for DeskPhone {
    fn drop(&mut self) {
        stop_child(&mut self.child, Duration::from_secs(5));
        println!("baresip {}: stopped", self.user);
    }
}
