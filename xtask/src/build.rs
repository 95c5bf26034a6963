//! `cargo xtask build`: the browser app into dist/ with trunk, offline.

use std::fs;
use std::process::Command;

use crate::setup::{locked_wasm_bindgen, BINARYEN_VERSION};
use crate::util::{bail, cmd, root, run, Context, Result};

/// A trunk command: offline, no update check, the npm `wasm-opt` first on PATH.
pub(crate) fn trunk(subcommand: &str) -> Command {
    let mut c = cmd("trunk");
    c.env("TRUNK_SKIP_VERSION_CHECK", "true")
        .args([subcommand, "--release", "--offline"]);
    c
}

/// `key = "value"` in the text of a TOML file (good enough for our Trunk.toml).
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|r| r.split('"').next())
            .unwrap_or(v);
        (k.trim() == key).then(|| v.to_owned())
    })
}

/// Trunk.toml must pin the tools we installed, or trunk tries to download others.
pub(crate) fn check_trunk_toml() -> Result {
    let toml = fs::read_to_string(root().join("Trunk.toml")).context("read Trunk.toml")?;
    let locked = locked_wasm_bindgen()?;
    match toml_string(&toml, "wasm_bindgen") {
        Some(v) if v == locked => {}
        Some(v) => bail!(
            "Trunk.toml has [tools] wasm_bindgen = \"{v}\" but Cargo.lock has wasm-bindgen {locked}: \
             set it to \"{locked}\" in Trunk.toml (and run `cargo xtask setup` to install that CLI)"
        ),
        None => bail!("Trunk.toml lacks [tools] wasm_bindgen = \"{locked}\""),
    }
    let want_opt = format!("version_{BINARYEN_VERSION}");
    if toml_string(&toml, "wasm_opt").as_deref() != Some(want_opt.as_str()) {
        bail!("Trunk.toml must have [tools] wasm_opt = \"{want_opt}\" (the npm binaryen setup installs)");
    }
    Ok(())
}

pub(crate) fn check_index_html() -> Result {
    if !root().join("index.html").exists() {
        bail!("index.html (trunk's entry point, see README) does not exist yet");
    }
    Ok(())
}

/// The build a deployment serves: `dist/`, with no test hooks.
pub(crate) fn run_build() -> Result {
    build_into("dist", None)
}

/// The browser tests' build: `dist-test/`, with the `test-hooks` feature (the audio probe
/// and a raw microphone), so that `dist/` never carries them.
pub(crate) const TEST_DIST: &str = "dist-test";

pub(crate) fn run_test_build() -> Result {
    build_into(TEST_DIST, Some("test-hooks"))
}

fn build_into(dist: &str, features: Option<&str>) -> Result {
    check_index_html()?;
    check_trunk_toml()?;
    // trunk's `cargo metadata` wants the crates of every platform in the cache
    run(cmd("cargo").args(["fetch", "--quiet"]))?;
    let mut trunk = trunk("build");
    trunk.args(["--dist", dist]);
    if let Some(f) = features {
        trunk.args(["--features", f]);
    }
    run(&mut trunk)?;
    // The probe exposes what the agent hears to the page: it must be in the test build and
    // nowhere else.
    let hooks = mentions(&root().join(dist), PROBE_NAME)?;
    if hooks != features.is_some() {
        bail!(
            "{dist}/: the test hooks ({PROBE_NAME}) are {} but should {}",
            if hooks { "in it" } else { "missing" },
            if features.is_some() {
                "be there"
            } else {
                "never ship"
            }
        );
    }
    println!("build: {}", root().join(dist).display());
    if features.is_none() {
        crate::size::report(&root().join(dist))?;
    }
    Ok(())
}

/// The global the test build's audio probe installs (crates/web/src/probe.rs).
const PROBE_NAME: &str = "softphoneProbe";

/// Whether any file directly in `dir` contains `needle`.
fn mentions(dir: &std::path::Path, needle: &str) -> Result<bool> {
    for entry in fs::read_dir(dir).context(format_args!("read {}", dir.display()))? {
        let path = entry.context("read dist entry")?.path();
        if path.is_file() {
            let bytes = fs::read(&path).context(format_args!("read {}", path.display()))?;
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_trunk_toml_values() {
        let t = "[tools]\nwasm_bindgen = \"0.2.130\"\nwasm_opt=\"version_132\" # npm\n";
        assert_eq!(toml_string(t, "wasm_bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(toml_string(t, "wasm_opt").as_deref(), Some("version_132"));
        assert_eq!(toml_string(t, "dist"), None);
    }

    #[test]
    fn trunk_toml_matches_cargo_lock() {
        check_trunk_toml().unwrap();
    }
}
