//! `cargo xtask embed-types [--check]`: `www/embed/softphone.d.ts` from the Rust types of the
//! embedding API (crates/embed, its `embed-ts` tool). `--check` (part of `cargo xtask test`)
//! fails when the file in the repository is not what the types generate, so the SDK's types
//! cannot drift from what the phone parses.

use std::fs;
use std::process::Stdio;

use crate::util::{bail, cmd, root, Context, Result};

const FILE: &str = "www/embed/softphone.d.ts";

pub(crate) fn run(args: &[String]) -> Result {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask embed-types [--check]"),
    };
    let out = cmd("cargo")
        .args([
            "run",
            "-q",
            "-p",
            "embed",
            "--features",
            "ts",
            "--bin",
            "embed-ts",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("run embed-ts")?;
    if !out.status.success() {
        bail!("embed-ts failed ({})", out.status);
    }
    let path = root().join(FILE);
    if check {
        let committed = fs::read(&path).unwrap_or_default();
        if committed != out.stdout {
            bail!("{FILE} is stale: run `cargo xtask embed-types` and commit it");
        }
        println!("embed-types: {FILE} is up to date");
    } else {
        fs::write(&path, &out.stdout).context(format_args!("write {FILE}"))?;
        println!("embed-types: wrote {FILE}");
    }
    Ok(())
}
