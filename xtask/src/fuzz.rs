//! The fuzz targets (`fuzz/`, a cargo-fuzz crate outside the workspace) built, not run, so a
//! change to `sip` that breaks one fails `cargo xtask test` instead of the next fuzzing session.
//!
//! A plain `cargo build`, not `cargo fuzz build`: cargo-fuzz would be one more tool to install,
//! and it adds nightly-only flags (sanitizers, coverage instrumentation) that a stable
//! toolchain refuses without RUSTC_BOOTSTRAP. Without them the binaries are the same code,
//! uninstrumented: enough to prove the targets compile and link against libFuzzer, which
//! libfuzzer-sys builds from its C++ source with the system's g++ (setup installs it).

use std::env;
use std::path::PathBuf;

use crate::util::{cmd, root, run, Result};

pub(crate) fn build_targets() -> Result {
    let manifest = root().join("fuzz/Cargo.toml");
    let manifest = manifest.to_string_lossy();
    // The one step that may need the network: it resolves fuzz/Cargo.lock again when `sip`
    // gained a dependency, and downloads what the cache lacks. The build then runs offline.
    run(cmd("cargo").args(["fetch", "--manifest-path", &manifest]))?;
    run(cmd("cargo")
        .args(["build", "--offline", "--bins", "--manifest-path", &manifest])
        .arg("--target-dir")
        .arg(target_dir()))
}

/// `fuzz-build` under the main build's target directory. Apart from the main build because
/// the fuzz crate is a workspace of its own, with its own lock: its artifacts can then be
/// cached or wiped without touching the main build's.
fn target_dir() -> PathBuf {
    // children run in the repository root, so that is where cargo reads a relative path from
    let main =
        env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |d| root().join(d));
    main.join("fuzz-build")
}
