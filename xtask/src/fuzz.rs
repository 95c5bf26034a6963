//! The fuzz targets (`fuzz/`, a cargo-fuzz crate outside the workspace) built and each run
//! for [`RUN_SECS`], so a change to `sip` that crashes one, or stops it running at all (a
//! harness that trips over something new the user agent sends), fails `cargo xtask test`
//! instead of the next fuzzing session.
//!
//! A plain `cargo build`, not `cargo fuzz build`: cargo-fuzz would be one more tool to install,
//! and its sanitizers are nightly-only flags that a stable toolchain refuses without
//! RUSTC_BOOTSTRAP. The coverage instrumentation libFuzzer needs to make progress is plain
//! LLVM passes, which stable accepts; the crates under test forbid `unsafe`, so AddressSanitizer
//! would add little here. libfuzzer-sys builds libFuzzer from its C++ source with the
//! system's g++ (setup installs it).
//!
//! Each run works on a copy of `fuzz/corpus/<target>` under `target/fuzz-run/`, where its new
//! inputs and any crash artifact go: the committed corpus stays as it is.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::util::{
    bail, check_interrupted, cmd, describe, output, root, run, track, untrack, Context, Result,
};

/// How long each target runs.
const RUN_SECS: u32 = 20;
/// One input taking longer than this is a hang, reported as a failure.
const INPUT_TIMEOUT_SECS: u32 = 10;

/// What cargo-fuzz passes for coverage, minus its nightly-only sanitizer flags.
const INSTRUMENT: &str = "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions \
    -Coverflow-checks";

pub(crate) fn run_targets() -> Result {
    let manifest = root().join("fuzz/Cargo.toml");
    let manifest_text = fs::read_to_string(&manifest).context("read fuzz/Cargo.toml")?;
    let targets = bin_names(&manifest_text);
    if targets.is_empty() {
        bail!("fuzz/Cargo.toml names no [[bin]] targets");
    }
    let manifest = manifest.to_string_lossy();
    let host = host_triple()?;
    // The one step that may need the network: it resolves fuzz/Cargo.lock again when `sip`
    // gained a dependency, and downloads what the cache lacks. The build then runs offline.
    run(cmd("cargo").args(["fetch", "--manifest-path", &manifest]))?;
    // An explicit --target keeps RUSTFLAGS off build scripts and proc macros, as cargo-fuzz
    // does: they need no instrumentation.
    run(cmd("cargo")
        .args(["build", "--offline", "--release", "--bins"])
        .args(["--manifest-path", &manifest, "--target", &host])
        .arg("--target-dir")
        .arg(build_dir())
        .env("RUSTFLAGS", INSTRUMENT))?;
    let bins = build_dir().join(&host).join("release");
    for target in &targets {
        run_one(target, &bins.join(target))?;
    }
    Ok(())
}

/// Runs one target on a fresh copy of its corpus for [`RUN_SECS`].
fn run_one(target: &str, bin: &Path) -> Result {
    let dir = run_dir().join(target);
    let corpus = dir.join("corpus");
    if dir.exists() {
        fs::remove_dir_all(&dir).context(format_args!("clear {}", dir.display()))?;
    }
    fs::create_dir_all(&corpus).context(format_args!("create {}", corpus.display()))?;
    let seeds = root().join("fuzz/corpus").join(target);
    if let Ok(entries) = fs::read_dir(&seeds) {
        for e in entries.flatten().filter(|e| e.path().is_file()) {
            fs::copy(e.path(), corpus.join(e.file_name()))
                .context(format_args!("copy {}", e.path().display()))?;
        }
    }
    let log = dir.join("log.txt");
    let log_file = fs::File::create(&log).context(format_args!("create {}", log.display()))?;
    let mut c = cmd(bin);
    c.arg(&corpus)
        .arg(format!("-max_total_time={RUN_SECS}"))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECS}"))
        .arg(format!("-artifact_prefix={}/", dir.display()))
        .arg("-print_final_stats=1")
        .stdout(Stdio::null())
        .stderr(log_file);
    eprintln!("$ {} 2> {}", describe(&c), log.display());
    let mut child = c
        .spawn()
        .context(format_args!("cannot start {}", bin.display()))?;
    track(child.id());
    let status = child.wait();
    untrack(child.id());
    let status = status.context("wait")?;
    check_interrupted()?;
    let text = fs::read_to_string(&log).unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "fuzz target {target} failed ({status}); the input is in {}, the log in {}:\n{}",
            dir.display(),
            log.display(),
            tail.join("\n")
        );
    }
    let stat = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim_start_matches(':').trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    // The last status line's `ft:` is how much behaviour the run reached: a harness that
    // stops early shows it as a small count.
    let features = text
        .lines()
        .rev()
        .find_map(|l| l.split("ft: ").nth(1))
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("?");
    eprintln!(
        "fuzz {target}: {} runs in {RUN_SECS} s, {features} coverage features, no crash",
        stat("stat::number_of_executed_units"),
    );
    Ok(())
}

/// The `name`s of the `[[bin]]` sections of the fuzz crate's manifest.
fn bin_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if let Some(v) = line.strip_prefix("name").filter(|_| in_bin) {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            names.push(v.to_owned());
        }
    }
    names
}

fn host_triple() -> Result<String> {
    let info = output(cmd("rustc").arg("-vV")).ok_or("`rustc -vV` failed")?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "`rustc -vV` names no host".into())
}

/// The main build's target directory.
fn target_root() -> PathBuf {
    // children run in the repository root, so that is where cargo reads a relative path from
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |d| root().join(d))
}

/// `fuzz-build` under the main build's target directory. Apart from the main build because
/// the fuzz crate is a workspace of its own, with its own lock: its artifacts can then be
/// cached or wiped without touching the main build's.
fn build_dir() -> PathBuf {
    target_root().join("fuzz-build")
}

/// Where the runs keep their corpus copies, logs and artifacts.
fn run_dir() -> PathBuf {
    target_root().join("fuzz-run")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bin_names() {
        let toml = "[package]\nname = \"sip-fuzz\"\n\n[[bin]]\nname = \"message\"\npath = \"a.rs\"\n\n[workspace]\nmembers = [\".\"]\n\n[[bin]]\nname=\"sdp\"\n";
        assert_eq!(bin_names(toml), ["message", "sdp"]);
    }
}
