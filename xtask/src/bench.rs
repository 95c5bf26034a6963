//! `cargo xtask bench dsp|audio`: the audio engine's benchmarks.
//!
//! - `dsp`: the criterion benches of the DSP kernels, natively (`cargo bench -p dsp`), with the
//!   noise suppressor (`--features denoise`: alone per frame, and the worklet's whole quantum
//!   at N = 2, 8, 16 legs with it on and off).
//! - `audio`: the browser benchmark of issue 5 (bench/audio/run.mjs): headless Chromium renders
//!   60 s in an `OfflineAudioContext` for a copy-only worklet (f), our Wasm worklet (a), the
//!   same work in JavaScript (b), native Web Audio nodes (c) and our worklet with the
//!   microphone's noise suppressor on (d), at N = 2, 4, 8, 16 legs.
//!   Before that it builds dsp.wasm with and without simd128 and checks (bench/audio/
//!   simd-check.mjs) that both give the same samples bit for bit.
//! - `startup`: xtask/src/bench_startup.rs.

use std::path::PathBuf;

use crate::setup;
use crate::util::{bail, cmd, root, run, Result};

pub(crate) fn run_bench(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("dsp") => {
            let mut c = cmd("cargo");
            // The workspace's release profile (which benches inherit) optimises for size, and
            // "z" leaves the kernels' inner loops uninlined; measure them as the Trunk hook
            // builds them.
            c.args(["bench", "-p", "dsp", "--features", "denoise"])
                .args(["--config", "profile.release.package.dsp.opt-level=3"]);
            if args.len() > 1 {
                c.arg("--").args(&args[1..]);
            }
            run(&mut c)
        }
        Some("audio") => audio(&args[1..]),
        Some("sip") => {
            // Native parse/print throughput (criterion), then the same corpus parsed by our
            // parser compiled to Wasm and by JsSIP, side by side in one node process.
            let mut c = cmd("cargo");
            c.args(["bench", "-p", "sip"]);
            if args.len() > 1 {
                c.arg("--").args(&args[1..]);
            }
            run(&mut c)?;
            run(cmd("sh").arg(root().join("bench/sip/run.sh")))
        }
        Some("startup") => crate::bench_startup::run_startup(&args[1..]),
        Some(other) => bail!("unknown benchmark `{other}`: sip, dsp, audio or startup"),
        None => bail!("bench what? sip, dsp, audio or startup"),
    }
}

/// Builds dsp.wasm into `target/<dir>`, with or without simd128, at opt-level 3 and with the
/// noise suppressor (as the Trunk pre_build hook does for the app, in `target/dsp`).
fn build_dsp(dir: &str, simd: bool) -> Result<PathBuf> {
    let target_dir = root().join("target").join(dir);
    let mut c = cmd("cargo");
    c.current_dir(root())
        .args([
            "build",
            "-p",
            "dsp",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "denoise",
        ])
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["--config", "profile.release.package.dsp.opt-level=3"]);
    if simd {
        c.env("RUSTFLAGS", "-C target-feature=+simd128 -C strip=symbols");
    } else {
        c.env("RUSTFLAGS", "-C strip=symbols");
    }
    run(&mut c)?;
    Ok(target_dir.join("wasm32-unknown-unknown/release/dsp.wasm"))
}

fn audio(args: &[String]) -> Result {
    setup::run_setup()?;
    let scalar = build_dsp("dsp-scalar", false)?;
    let simd = build_dsp("dsp", true)?;
    let bench = root().join("bench/audio");
    run(cmd("node")
        .arg(bench.join("simd-check.mjs"))
        .arg(&scalar)
        .arg(&simd))?;
    run(cmd("node")
        .arg(bench.join("run.mjs"))
        .arg("--dsp")
        .arg(&simd)
        .args(args))
}
