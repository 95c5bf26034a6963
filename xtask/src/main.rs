//! `cargo xtask <command>`: the project's build, dev server and test runner. See README.md.

mod baresip;
mod bench;
mod bench_startup;
mod build;
mod cluster;
mod crm_server;
mod csp;
mod desk_ear;
mod e2e;
mod embed_types;
mod fuzz;
mod interop;
mod kamailio;
mod lab;
mod restart;
mod rtpengine;
mod setup;
mod size;
mod speech;
mod tally;
mod util;
mod wav;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use util::{bail, cmd, fmt_duration, root, run, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

  setup              install what is missing: Debian packages (kamailio, chromium, ...),
                     the wasm32 target, trunk, wasm-bindgen-cli, npm binaryen, e2e node modules
  build              build the app into dist/ (trunk, release, offline)
  dev                setup, the SIP lab (Kamailio, rtpengine, the baresip desk phone 1100) and
                     `trunk serve` on http://127.0.0.1:8080 (Ctrl-C stops)
  test               everything CI checks: fmt, clippy, cargo test, each fuzz target run
                     20 s (on a copy of its corpus), interop, build, e2e
  e2e [--grep P]     build, then the browser tests against the SIP lab (P: test name pattern)
  soak [--calls N]   build, then the soak test alone with N calls (default 200): what the
                     pages hold before and after, and the growth per call
      [--no-build]   (use the dist-test/ there is)
  fuzz               the fuzz step of `test` alone: each target 20 s
  interop            our SIP stack against SIPp and JsSIP through Kamailio (crates/interop)
  kamailio           run only Kamailio on loopback until Ctrl-C
      [--cluster]    two Kamailio edges instead (ws://127.0.0.1:8161 and :8162), sharing
                     registrations (DMQ), with Path and GRUU
  embed-types [--check]
                     write www/embed/softphone.d.ts from crates/embed (--check: fail if stale)
  precompress DIR    a .gz and a .br beside each text and wasm file in DIR (trunk's
                     post-build hook runs it)
  csp FILE           put the Content-Security-Policy into a built index.html (trunk's
                     post-build hook runs it)
  bench sip [ARGS]   criterion parse/print benches, then our Wasm parser vs JsSIP in node
  bench dsp [ARGS]   criterion benches of the DSP kernels (ARGS go to the bench binary)
  bench audio [ARGS] browser benchmark of the audio engine, f/a/b/c at N = 2,4,8,16 legs
                     (ARGS: --seconds S --rounds R --legs 2,4 --variants f,a --json FILE)
  bench startup [--rounds N] [--no-build]
                     build, then headless Chromium: page, sign-in, ringing and answer times
                     with and without a silent STUN server, and the page again with its code
                     cached (second visit), ours beside a bare JsSIP page: medians and ratios
";

fn main() -> ExitCode {
    util::install_signal_handler();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.0);
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> Result {
    let Some(command) = args.first() else {
        print!("{USAGE}");
        return Ok(());
    };
    let rest = &args[1..];
    match command.as_str() {
        "setup" => no_args(rest).and_then(|()| setup::run_setup()),
        "build" => no_args(rest).and_then(|()| {
            setup::run_setup()?;
            build::run_build()
        }),
        "dev" => no_args(rest).and_then(|()| dev()),
        "test" => no_args(rest).and_then(|()| test()),
        "e2e" => {
            let opts = e2e_options(rest)?;
            setup::run_setup()?;
            e2e::run_e2e(&opts)
        }
        "soak" => {
            let calls = soak_calls(rest)?;
            setup::run_setup()?;
            e2e::run_e2e(&e2e::Options {
                grep: Some("^soak:".into()),
                build: true,
                soak_calls: Some(calls),
            })
        }
        "interop" => no_args(rest).and_then(|()| {
            setup::run_setup()?;
            interop::run_interop()
        }),
        "kamailio" => match rest {
            [] => kamailio::run_foreground(false),
            [flag] if flag == "--cluster" => kamailio::run_foreground(true),
            _ => no_args(rest),
        },
        "fuzz" => no_args(rest).and_then(|()| fuzz::run_targets()),
        "bench" => bench::run_bench(rest),
        "csp" => csp::run(rest),
        "precompress" => size::run_precompress(rest),
        "embed-types" => embed_types::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn no_args(rest: &[String]) -> Result {
    if let Some(a) = rest.first() {
        bail!("unexpected argument `{a}`\n\n{USAGE}");
    }
    Ok(())
}

fn e2e_options(rest: &[String]) -> Result<e2e::Options> {
    let mut opts = e2e::Options {
        grep: None,
        build: true,
        soak_calls: None,
    };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--grep" | "-g" => match it.next() {
                Some(p) => opts.grep = Some(p.clone()),
                None => bail!("--grep needs a pattern"),
            },
            "--no-build" => opts.build = false,
            s if s.starts_with("--grep=") => opts.grep = Some(s["--grep=".len()..].to_owned()),
            other => bail!("unexpected argument `{other}`\n\n{USAGE}"),
        }
    }
    Ok(opts)
}

/// `--calls N` of `cargo xtask soak`.
fn soak_calls(rest: &[String]) -> Result<u32> {
    match rest {
        [] => Ok(200),
        [flag, n] if flag == "--calls" => match n.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("--calls takes a whole number above 0, not `{n}`"),
        },
        _ => bail!("unexpected arguments {rest:?}\n\n{USAGE}"),
    }
}

/// Kamailio plus `trunk serve`, until Ctrl-C or until trunk exits.
fn dev() -> Result {
    setup::run_setup()?;
    build::check_index_html()?;
    build::check_trunk_toml()?;
    run(cmd("cargo").args(["fetch", "--quiet"]))?;
    let _lab = lab::Lab::start()?;
    crm_server::start()?;
    println!();
    println!(
        "softphone: http://127.0.0.1:{} (after trunk's first build)",
        e2e::HTTP_PORT
    );
    println!(
        "  embedded in the example CRM (another origin): {}/example-crm.html",
        crm_server::origin()
    );
    kamailio::print_accounts();
    println!("  Ctrl-C stops trunk and Kamailio");
    println!();
    let mut serve = build::trunk("serve");
    serve.args([
        "--address",
        "127.0.0.1",
        "--port",
        &e2e::HTTP_PORT.to_string(),
        // The phone's embed.json, from the CRM server: it allows that origin in development.
        "--proxy-backend",
        &format!("{}{}", crm_server::origin(), crm_server::DEV_EMBED_JSON),
        "--proxy-rewrite",
        "/embed.json",
        // The page carries its own policy (xtask/src/csp.rs), which allows trunk's nonce; no
        // header beside it. (A bare --disable-csp means false in trunk 0.21.)
        "--disable-csp=true",
    ]);
    serve.env(csp::DEV_ENV, "1");
    // trunk stays in our process group: Ctrl-C reaches it directly
    let mut child = serve
        .spawn()
        .map_err(|e| util::Error(format!("cannot start trunk: {e}")))?;
    util::track(child.id());
    let status = child.wait();
    util::untrack(child.id());
    if util::interrupted() {
        println!("dev: stopping");
        return Ok(());
    }
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => bail!("trunk serve exited ({s})"),
        Err(e) => bail!("trunk serve: {e}"),
    }
}

/// What CI runs: every check in order, stopping at the first failure.
/// `web`'s wasm-bindgen tests in headless Chromium (the runner is set in
/// .cargo/config.toml; the browser's flags in tests/wasm/webdriver.json).
fn wasm_tests() -> Result {
    let mut c = cmd("cargo");
    c.args([
        "test",
        "--no-fail-fast",
        "-p",
        "web",
        "--target",
        "wasm32-unknown-unknown",
    ])
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    .env(
        "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
        root().join("tests/wasm/webdriver.json"),
    );
    tally::run_cargo_test(&mut c)
}

fn test() -> Result {
    type Step = (&'static str, Box<dyn Fn() -> Result>);
    let cargo = |args: &'static [&'static str]| -> Box<dyn Fn() -> Result> {
        Box::new(move || run(cmd("cargo").args(args)))
    };
    let steps: Vec<Step> = vec![
        ("setup", Box::new(setup::run_setup)),
        ("fmt", cargo(&["fmt", "--all", "--check"])),
        (
            "clippy (native)",
            // web and app too: their native build runs the CRM routing and state tests, and
            // some lints (large_enum_variant) only fire with 64-bit pointers.
            cargo(&[
                "clippy",
                "--all-targets",
                "--workspace",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        (
            "clippy (wasm32)",
            cargo(&[
                "clippy",
                "-p",
                "dsp",
                "--features",
                "dsp/denoise",
                "-p",
                "web",
                "-p",
                "app",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        (
            "embed types up to date",
            Box::new(|| embed_types::run(&["--check".to_owned()])),
        ),
        (
            "cargo test",
            // --no-fail-fast: a failing test binary must not leave the others unrun and
            // uncounted
            Box::new(|| tally::run_cargo_test(cmd("cargo").args(["test", "--no-fail-fast"]))),
        ),
        (
            "cargo test (dsp with noise suppression)",
            // The suppressor is behind dsp's `denoise` feature (std crates; the worklet's build
            // turns it on), so the plain `cargo test` does not build it.
            Box::new(|| {
                tally::run_cargo_test(cmd("cargo").args([
                    "test",
                    "--no-fail-fast",
                    "-p",
                    "dsp",
                    "--features",
                    "denoise",
                ]))
            }),
        ),
        ("wasm tests (Chromium)", Box::new(wasm_tests)),
        ("fuzz targets (20 s each)", Box::new(fuzz::run_targets)),
        ("interop", Box::new(interop::run_interop)),
        ("build", Box::new(build::run_build)),
        ("page size within budget", Box::new(size::check_budget)),
        ("build (test hooks)", Box::new(build::run_test_build)),
        (
            "e2e",
            Box::new(|| {
                e2e::run_e2e(&e2e::Options {
                    grep: None,
                    build: false,
                    soak_calls: None,
                })
            }),
        ),
    ];
    let total = Instant::now();
    let mut done: Vec<(&str, Duration)> = Vec::new();
    let n = steps.len();
    for (i, (name, step)) in steps.iter().enumerate() {
        println!("\n==> [{}/{n}] {name}", i + 1);
        let t = Instant::now();
        let result = step();
        let took = t.elapsed();
        match result {
            Ok(()) => {
                println!("<== {name}: ok ({})", fmt_duration(took));
                done.push((name, took));
            }
            Err(e) => {
                summary(&done, Some((name, took)), total.elapsed());
                return Err(e);
            }
        }
    }
    summary(&done, None, total.elapsed());
    Ok(())
}

fn summary(done: &[(&str, Duration)], failed: Option<(&str, Duration)>, total: Duration) {
    println!("\nxtask test summary:");
    for (name, took) in done {
        println!("  ok    {name:<25} {}", fmt_duration(*took));
    }
    if let Some((name, took)) = failed {
        println!("  FAIL  {name:<25} {}", fmt_duration(took));
    }
    let verdict = if failed.is_some() { "FAILED" } else { "passed" };
    println!("  {verdict} in {}", fmt_duration(total));
    println!("{}", tally::report());
}
