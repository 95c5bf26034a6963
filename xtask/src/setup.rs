//! `cargo xtask setup`: installs what the build and the tests need, skipping what is there.
//! Safe to run again and again; CI runs it on a fresh Debian 12 machine.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::util::{bail, cmd, fmt_duration, node_tools_bin, output, root, run, Context, Result};

/// Debian packages: the SIP server, SIPp for the interop tests, rtpengine (WebRTC to plain RTP)
/// and baresip (the desk phone) for the interop lab, the test browser, curl for humans, g++ for
/// libFuzzer (libfuzzer-sys compiles it when `cargo xtask test` builds the fuzz targets),
/// espeak-ng for the speech the noise-suppression tests make at test time.
const APT_PACKAGES: &[&str] = &[
    "kamailio",
    "kamailio-websocket-modules",
    "kamailio-extra-modules",
    "kamailio-utils-modules",
    "sip-tester",
    "rtpengine-daemon",
    "baresip-core",
    "chromium",
    "chromium-driver",
    "curl",
    "g++",
    "espeak-ng",
];

/// Trunk 0.22 needs a newer rustc than Debian's machines here have.
pub(crate) const TRUNK_VERSION: &str = "0.21.14";
/// binaryen from npm: Debian's binaryen 108 silently breaks current wasm-bindgen output.
pub(crate) const BINARYEN_VERSION: &str = "132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub(crate) fn run_setup() -> Result {
    let t0 = Instant::now();
    println!("setup: checking tools (installs only what is missing)");
    apt()?;
    rust_components()?;
    trunk()?;
    wasm_bindgen()?;
    wasm_opt()?;
    e2e_node_modules()?;
    interop_node_modules()?;
    println!("setup: ready ({})", fmt_duration(t0.elapsed()));
    Ok(())
}

fn ok(what: &str) {
    println!("  ok       {what}");
}

fn installing(what: &str) -> Instant {
    println!("  install  {what}");
    Instant::now()
}

fn installed(what: &str, t: Instant) {
    println!("  done     {what} in {}", fmt_duration(t.elapsed()));
}

// ---- Debian packages ---------------------------------------------------------------------------

fn dpkg_installed(pkg: &str) -> bool {
    output(cmd("dpkg-query").args(["-W", "-f=${Status}", pkg]))
        .is_some_and(|s| s == "install ok installed")
}

fn node_major() -> Option<u32> {
    let v = output(cmd("node").arg("--version"))?;
    v.trim_start_matches('v').split('.').next()?.parse().ok()
}

fn apt() -> Result {
    if output(cmd("dpkg-query").arg("--version")).is_none() {
        println!("  skip     apt (not a Debian system): install the equivalents of {APT_PACKAGES:?}, Node.js >= 18 and npm yourself");
        return Ok(());
    }
    let mut missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    // Node.js may come from elsewhere (NodeSource, nvm); take Debian's only when there is none.
    if node_major().is_none_or(|m| m < 18) {
        missing.push("nodejs");
    }
    if output(cmd("npm").arg("--version")).is_none() {
        missing.push("npm");
    }
    if missing.is_empty() {
        ok("apt packages (kamailio + websocket modules, sip-tester, rtpengine, baresip, chromium, chromium-driver, curl, g++, espeak-ng, node, npm)");
        return Ok(());
    }
    let what = format!("apt packages: {}", missing.join(" "));
    let t = installing(&what);
    let sudo = if output(cmd("id").arg("-u")).as_deref() == Some("0") {
        None
    } else if output(cmd("sudo").arg("--version")).is_some() {
        Some("sudo")
    } else {
        bail!(
            "need root to install {}: run as root, or install them first",
            missing.join(" ")
        );
    };
    let apt_get = |args: &[&str]| {
        let mut c = match sudo {
            Some(s) => {
                let mut c = cmd(s);
                c.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                c
            }
            None => cmd("apt-get"),
        };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    run(&mut apt_get(&["update"]))?;
    let mut install = apt_get(&["install", "-y", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install)?;
    installed(&what, t);
    Ok(())
}

// ---- Rust --------------------------------------------------------------------------------------

fn rust_components() -> Result {
    let targets = output(cmd("rustup").args(["target", "list", "--installed"]));
    match targets {
        None => {
            let sysroot = output(cmd("rustc").args(["--print", "sysroot"])).unwrap_or_default();
            if Path::new(&sysroot)
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .exists()
            {
                ok(&format!("rust target {WASM_TARGET} (no rustup)"));
            } else {
                bail!("no rustup, and rustc has no {WASM_TARGET} target: install Rust with rustup");
            }
        }
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => {
            ok(&format!("rust target {WASM_TARGET}"));
        }
        Some(_) => {
            let t = installing(&format!("rust target {WASM_TARGET}"));
            run(cmd("rustup").args(["target", "add", WASM_TARGET]))?;
            installed(WASM_TARGET, t);
        }
    }
    for (component, probe) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        if output(cmd("cargo").args([probe, "--version"])).is_some() {
            ok(&format!("rust component {component}"));
        } else {
            let t = installing(&format!("rust component {component}"));
            run(cmd("rustup").args(["component", "add", component]))?;
            installed(component, t);
        }
    }
    Ok(())
}

fn trunk() -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    if output(cmd("trunk").arg("--version")).as_deref() == Some(want.as_str()) {
        ok(&want);
        return Ok(());
    }
    let t = installing(&format!(
        "{want} (cargo install, about 7 minutes on 2 cores)"
    ));
    run(cmd("cargo").args(["install", "trunk", "--locked", "--version", TRUNK_VERSION]))?;
    installed(&want, t);
    Ok(())
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly, or trunk tries to
/// download one (and fails offline).
pub(crate) fn locked_wasm_bindgen() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).context("read Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen")
        .ok_or_else(|| "Cargo.lock has no wasm-bindgen package".into())
}

/// Version of package `name` in the text of a Cargo.lock.
pub(crate) fn lock_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{name}\"") {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_owned);
        }
    }
    None
}

fn wasm_bindgen() -> Result {
    let version = locked_wasm_bindgen()?;
    let want = format!("wasm-bindgen {version}");
    if output(cmd("wasm-bindgen").arg("--version")).as_deref() == Some(want.as_str()) {
        ok(&format!("{want} (= Cargo.lock)"));
        return Ok(());
    }
    let t = installing(&format!(
        "wasm-bindgen-cli {version} (cargo install, about 2-4 minutes)"
    ));
    // Not --locked: wasm-bindgen-cli's own lock pins a webpki-roots release that the registry
    // no longer serves (see the shared NOTES).
    run(cmd("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))?;
    installed(&want, t);
    Ok(())
}

fn npm_wasm_opt_ok() -> Option<String> {
    let v = output(cmd(node_tools_bin().join("wasm-opt")).arg("--version"))?;
    v.contains(&format!("version {BINARYEN_VERSION}"))
        .then_some(v)
}

fn wasm_opt() -> Result {
    if let Some(v) = npm_wasm_opt_ok() {
        ok(&format!("{v} (npm binaryen, .tools/node)"));
        return Ok(());
    }
    let what = format!("binaryen@{BINARYEN_VERSION} from npm into .tools/node");
    let t = installing(&what);
    let dir = crate::util::tools_dir().join("node");
    fs::create_dir_all(&dir).context("create .tools/node")?;
    fs::write(
        dir.join("package.json"),
        format!(
            "{{\n  \"private\": true,\n  \"description\": \"written by cargo xtask setup\",\n  \"dependencies\": {{ \"binaryen\": \"{BINARYEN_VERSION}.0.0\" }}\n}}\n"
        ),
    )
    .context("write .tools/node/package.json")?;
    run(cmd("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir))?;
    match npm_wasm_opt_ok() {
        Some(v) => println!("  {v}"),
        None => bail!(
            "{} does not report version {BINARYEN_VERSION}",
            node_tools_bin().join("wasm-opt").display()
        ),
    }
    installed(&what, t);
    Ok(())
}

// ---- e2e node modules --------------------------------------------------------------------------

/// `"name": "version"` in a JSON text (good enough for package.json files we write).
fn json_string(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// playwright-core, and JsSIP with esbuild for the JsSIP peer page: `npm ci` in tests/e2e
/// when node_modules does not hold the locked versions.
fn e2e_node_modules() -> Result {
    let e2e = root().join("tests/e2e");
    let manifest =
        fs::read_to_string(e2e.join("package.json")).context("read tests/e2e/package.json")?;
    let mut wanted = Vec::new();
    let mut current = true;
    for name in ["playwright-core", "jssip", "esbuild"] {
        let want = json_string(&manifest, name)
            .ok_or_else(|| format!("tests/e2e/package.json: no {name}"))?;
        let have = fs::read_to_string(e2e.join(format!("node_modules/{name}/package.json")))
            .ok()
            .and_then(|m| json_string(&m, "version"));
        current &= have.as_deref() == Some(want.as_str());
        wanted.push(format!("{name} {want}"));
    }
    let wanted = wanted.join(", ");
    if current {
        ok(&format!("tests/e2e node modules ({wanted})"));
        return Ok(());
    }
    let what = format!("tests/e2e node modules (npm ci, {wanted})");
    let t = installing(&what);
    run(cmd("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&e2e))?;
    installed(&what, t);
    Ok(())
}

/// JsSIP and ws for the interop tests (crates/interop): `npm ci` in tests/interop when
/// node_modules does not hold the locked JsSIP.
fn interop_node_modules() -> Result {
    let dir = root().join("tests/interop");
    let manifest =
        fs::read_to_string(dir.join("package.json")).context("read tests/interop/package.json")?;
    let want = json_string(&manifest, "jssip").ok_or("tests/interop/package.json: no jssip")?;
    let have = fs::read_to_string(dir.join("node_modules/jssip/package.json"))
        .ok()
        .and_then(|m| json_string(&m, "version"));
    let ws = dir.join("node_modules/ws/package.json").exists();
    if have.as_deref() == Some(want.as_str()) && ws {
        ok(&format!("tests/interop node modules (jssip {want}, ws)"));
        return Ok(());
    }
    let what = format!("tests/interop node modules (npm ci, jssip {want}, ws)");
    let t = installing(&what);
    run(cmd("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))?;
    installed(&what, t);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_locked_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "leptos"), None);
    }

    #[test]
    fn reads_a_json_string() {
        let json = "{ \"dependencies\": {\n    \"playwright-core\" : \"1.61.1\"\n  } }";
        assert_eq!(
            json_string(json, "playwright-core").as_deref(),
            Some("1.61.1")
        );
        assert_eq!(json_string(json, "nothing"), None);
    }
}
