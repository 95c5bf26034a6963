//! `cargo run -p app --features prerender --bin shell -- <index.html>`: writes the page's built-in sign-in screen
//! (`app::shell`) into the built page, in place of the mark index.html leaves for it. Trunk's
//! post-build hook runs it before the CSP hashes the page's inline scripts (Trunk.toml).

use std::process::ExitCode;

const MARK: &str = "<!-- shell -->";

/// The script that brings the screen to life; inlined so that it runs before the first paint.
const SCRIPT: &str = include_str!("../../../../www/shell.js");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: shell <index.html>");
        return ExitCode::FAILURE;
    };
    let html = match std::fs::read_to_string(path) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("shell: read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if html.matches(MARK).count() != 1 {
        eprintln!("shell: {path} must hold {MARK} once, where the screen goes");
        return ExitCode::FAILURE;
    }
    let out = html.replace(MARK, &app::shell::body(SCRIPT));
    if let Err(e) = std::fs::write(path, out) {
        eprintln!("shell: write {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!("shell: the sign-in screen written into {path}");
    ExitCode::SUCCESS
}
