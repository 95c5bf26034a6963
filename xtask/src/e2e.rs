//! `cargo xtask e2e`: the app in Debian's Chromium against a real Kamailio, driven by
//! Playwright from `node --test` (tests/e2e/*.test.mjs).

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::baresip;
use crate::build;
use crate::cluster::{self, Cluster};
use crate::kamailio::{self, SIP_DOMAIN, WS_URL};
use crate::lab::{self, Lab};
use crate::restart::{RestartService, Slot};
use crate::speech;
use crate::util::{bail, cmd, output, root, run, Context, Result};
use crate::wav;

pub(crate) const HTTP_PORT: u16 = 8080;
/// Per test and per test file (node applies it to both); a hung browser or a missing UI
/// element fails the test instead of the run. A file's tests add up: the JsSIP interop file
/// holds two calls past two 45-s session refreshes each (about 100 s a call).
const TEST_TIMEOUT_MS: u32 = 300_000;

pub(crate) struct Options {
    pub(crate) grep: Option<String>,
    pub(crate) build: bool,
    /// Calls in the soak test (its own default, a short run, when `None`).
    pub(crate) soak_calls: Option<u32>,
}

/// The agents' microphone tones: -6 dBFS (a test compares what arrives with it).
const AGENT_AMP: f64 = 0.5;

/// Each agent's microphone tone, by the letter of its `SOFTPHONE_WAV_<letter>` variable: five
/// distinct tones so a five-party conference (C10) can tell everyone apart by ear. None is a
/// harmonic of another below 4 kHz, and none sits on ringback's 440+480 Hz but A's own 440.
const TONES: [(&str, f64); 5] = [
    ("A", 440.0),
    ("B", 660.0),
    ("C", 880.0),
    ("D", 1200.0),
    ("E", 1500.0),
];

/// Writes the agents' WAV fixtures; returns `(name, path)` for each: the tones by letter, and
/// `SPEECH`, the noise-suppression test's speech over noise (`SOFTPHONE_WAV_<name>`).
pub(crate) fn fixtures() -> Result<Vec<(&'static str, PathBuf)>> {
    let dir = root().join("tests/fixtures");
    let mut files = TONES
        .iter()
        .map(|&(letter, hz)| {
            let file = dir.join(format!("agent-{}-{hz}hz.wav", letter.to_lowercase()));
            // -6 dBFS, 10 s: whole numbers of cycles, so the fake microphone loops without a click
            wav::write_if_changed(&file, &wav::tone(hz, AGENT_AMP, 10))?;
            Ok((letter, file))
        })
        .collect::<Result<Vec<_>>>()?;
    let file = dir.join("agent-speech-noise.wav");
    speech::write(&file)?;
    files.push(("SPEECH", file));
    Ok(files)
}

/// The JsSIP peer page's script: the npm package (tests/e2e/node_modules/jssip) bundled for
/// the browser, since npm ships none. esbuild takes a fraction of a second, so it runs every
/// time and the bundle always matches the installed JsSIP.
pub(crate) fn bundle_jssip(e2e: &Path) -> Result {
    let out = e2e.join("jssip/.build/jssip.js");
    run(cmd(e2e.join("node_modules/.bin/esbuild"))
        .arg(e2e.join("node_modules/jssip/lib/JsSIP.js"))
        .args([
            "--bundle",
            "--format=iife",
            "--global-name=JsSIP",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", out.display())))
}

pub(crate) fn run_e2e(opts: &Options) -> Result {
    if opts.build {
        build::run_test_build()?;
    }
    let dist = root().join(build::TEST_DIST);
    if !dist.join("index.html").exists() {
        bail!(
            "{} has no index.html: run `cargo xtask e2e` without --no-build",
            dist.display()
        );
    }
    let wavs = fixtures()?;
    let e2e = root().join("tests/e2e");
    bundle_jssip(&e2e)?;
    let run_dir = e2e.join(".run");
    // a fresh Kamailio knows no user: start test-user allocation from 2001 again
    let _ = fs::remove_dir_all(run_dir.join("users"));
    fs::create_dir_all(&run_dir).context("create tests/e2e/.run")?;
    if TcpListener::bind(("127.0.0.1", HTTP_PORT)).is_err() {
        bail!("127.0.0.1:{HTTP_PORT} is taken (is `cargo xtask dev` running?): the tests serve dist/ there");
    }

    let mut files: Vec<PathBuf> = fs::read_dir(&e2e)
        .context("read tests/e2e")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();

    let help = output(cmd("node").arg("--help")).unwrap_or_default();
    let mut node = cmd("node");
    node.current_dir(&e2e).arg("--test");
    if help.contains("--test-concurrency") {
        // one browser pair at a time: two cores, and audio checks need the CPU
        node.arg("--test-concurrency=1");
    }
    if help.contains("--test-timeout") {
        // A long soak outlasts the per-file limit: its file gets the soak test's own.
        let soak = opts
            .soak_calls
            .map_or(0, |n| 120_000 + n.saturating_mul(30_000));
        node.arg(format!("--test-timeout={}", TEST_TIMEOUT_MS.max(soak)));
    }
    if let Some(p) = &opts.grep {
        node.arg(format!("--test-name-pattern={p}"));
    }
    for (letter, file) in &wavs {
        node.env(format!("SOFTPHONE_WAV_{letter}"), file);
    }
    node.env("SOFTPHONE_DIST", &dist)
        .env("SOFTPHONE_AGENT_AMP", AGENT_AMP.to_string())
        .env("SOFTPHONE_SPEECH_PAUSE", speech::PAUSE_SECONDS.to_string())
        .env("SOFTPHONE_HTTP_PORT", HTTP_PORT.to_string())
        .env("SOFTPHONE_WS_URL", WS_URL)
        .env("SOFTPHONE_SIP_DOMAIN", SIP_DOMAIN)
        .env("SOFTPHONE_RUN_DIR", &run_dir)
        .env(
            "SOFTPHONE_KAMAILIO_CTL",
            kamailio::run_dir().join("kamailio_ctl"),
        )
        .env(
            "SOFTPHONE_KAMAILIO_RESTART",
            run_dir.join("kamailio-restart"),
        )
        .env("CHROMIUM", "/usr/bin/chromium");
    if let Some(n) = opts.soak_calls {
        node.env("SOFTPHONE_SOAK_CALLS", n.to_string());
    }

    let lab = Lab::start()?;
    node.env("SOFTPHONE_DESK_PHONE", baresip::DESK.user)
        .env("SOFTPHONE_DESK_CTRL", baresip::DESK.ctrl_addr)
        .env("SOFTPHONE_DESK_HZ", baresip::TONE_HZ.to_string())
        .env("SOFTPHONE_DESK_AMP", baresip::TONE_AMP.to_string())
        .env("SOFTPHONE_DESK_RECORDINGS", &lab.desk.recordings)
        .env("SOFTPHONE_PCMU_DESK_PHONE", baresip::PCMU_DESK.user)
        .env("SOFTPHONE_PCMU_DESK_CTRL", baresip::PCMU_DESK.ctrl_addr)
        .env("SOFTPHONE_PCMU_DESK_RECORDINGS", &lab.pcmu_desk.recordings);
    let restarts = RestartService::start(
        run_dir.join("kamailio-restart"),
        vec![Slot {
            server: Arc::clone(&lab.kamailio),
            site: kamailio::SINGLE,
            defines: lab::KAMAILIO_DEFINES,
        }],
    )?;
    // The two-edge cluster beside the lab (its own ports), for the fault-cluster tests; only
    // when a test that needs it may run.
    let wants_cluster = opts.grep.as_deref().is_none_or(|g| g.contains("fault"));
    let edges = if wants_cluster {
        let c = Cluster::start()?;
        let control = RestartService::start(run_dir.join("cluster-control"), c.slots())?;
        node.env("SOFTPHONE_CLUSTER_WS_URLS", cluster::ws_urls())
            .env("SOFTPHONE_CLUSTER_CONTROL", run_dir.join("cluster-control"))
            .env(
                "SOFTPHONE_CLUSTER_CTLS",
                cluster::EDGES
                    .iter()
                    .map(|e| e.ctl().display().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        Some((c, control))
    } else {
        None
    };
    let result = crate::tally::run_node_test(&mut node, &files, &run_dir.join("tally.tsv"));
    if result.is_err() {
        println!(
            "e2e: logs: {}, {}, {}",
            kamailio::run_dir().join("kamailio.log").display(),
            lab.desk.log.display(),
            lab.pcmu_desk.log.display()
        );
        if edges.is_some() {
            for e in cluster::EDGES {
                println!(
                    "e2e: {} log: {}",
                    e.name,
                    e.run_dir().join("kamailio.log").display()
                );
            }
        }
    }
    drop(edges);
    drop(restarts);
    drop(lab);
    result
}
