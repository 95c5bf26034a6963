//! `cargo xtask bench startup`: the phone's start-up beside a bare JsSIP page
//! (bench/startup/run.mjs says what is timed and how). Kamailio alone is enough: the calls
//! are browser to browser, peer to peer.

use std::fs;

use crate::build;
use crate::e2e;
use crate::kamailio::{self, Kamailio, SIP_DOMAIN, WS_URL};
use crate::setup;
use crate::util::{bail, cmd, root, run, Context, Result};

pub(crate) fn run_startup(args: &[String]) -> Result {
    let mut build_first = true;
    let mut passed = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-build" => build_first = false,
            "--rounds" | "--json" => match it.next() {
                Some(v) => passed.extend([a.clone(), v.clone()]),
                None => bail!("{a} needs a value"),
            },
            other => bail!("bench startup: unexpected argument `{other}` (--rounds N, --json FILE, --no-build)"),
        }
    }
    setup::run_setup()?;
    if build_first {
        build::run_build()?;
    }
    let dist = root().join("dist");
    let wavs = e2e::fixtures()?;
    let (wav_a, wav_b) = (wavs[0].1.clone(), wavs[1].1.clone());
    // The JsSIP page's bundle: the e2e one, built from the installed npm package.
    let e2e_dir = root().join("tests/e2e");
    e2e::bundle_jssip(&e2e_dir)?;
    let bench = root().join("bench/startup");
    let build_dir = bench.join("jssip/.build");
    fs::create_dir_all(&build_dir).context("create bench/startup/jssip/.build")?;
    fs::copy(
        e2e_dir.join("jssip/.build/jssip.js"),
        build_dir.join("jssip.js"),
    )
    .context("copy the JsSIP bundle")?;
    // Users from 2001 again: the Kamailio started here knows none.
    let run_dir = root().join("target/bench-startup");
    let _ = fs::remove_dir_all(run_dir.join("users"));
    fs::create_dir_all(&run_dir).context("create target/bench-startup")?;
    let _kamailio = Kamailio::start()?;
    run(cmd("node")
        .arg(bench.join("run.mjs"))
        .arg("--app")
        .arg(&dist)
        .args(&passed)
        .env("SOFTPHONE_WAV_A", &wav_a)
        .env("SOFTPHONE_WAV_B", &wav_b)
        .env("SOFTPHONE_WS_URL", WS_URL)
        .env("SOFTPHONE_SIP_DOMAIN", SIP_DOMAIN)
        .env("SOFTPHONE_RUN_DIR", &run_dir)
        .env(
            "SOFTPHONE_KAMAILIO_CTL",
            kamailio::run_dir().join("kamailio_ctl"),
        )
        .env("CHROMIUM", "/usr/bin/chromium"))
}
