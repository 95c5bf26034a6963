//! Counts what the test runners report, so `cargo xtask test` ends with one line that sums
//! every runner: `tests: N passed, M failed`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::util::{bail, check_interrupted, track, untrack, Context, Result};

static TOTAL: Mutex<(u64, u64)> = Mutex::new((0, 0));

/// Runs a test runner like `util::run`, echoing its stdout line by line and adding up the
/// passed/failed counts of its summary lines.
pub(crate) fn run_counted(c: &mut Command) -> Result {
    eprintln!("$ {c:?}");
    let mut child = c
        .stdout(Stdio::piped())
        .spawn()
        .context(format_args!("cannot start {c:?}"))?;
    track(child.id());
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
            println!("{line}");
            count(&line);
        }
    }
    let status = child.wait();
    untrack(child.id());
    let status = status.context("wait")?;
    check_interrupted()?;
    if !status.success() {
        bail!("`{c:?}` failed ({status})");
    }
    Ok(())
}

/// Reads `test result: ok. 12 passed; 0 failed; ...` (cargo test) and `ℹ pass 7` /
/// `ℹ fail 0` (node --test).
fn count(line: &str) {
    let (passed, failed) = parse(line);
    if passed + failed > 0 {
        if let Ok(mut t) = TOTAL.lock() {
            t.0 += passed;
            t.1 += failed;
        }
    }
}

fn number_before(text: &str, word: &str) -> u64 {
    text.split(';')
        .filter_map(|part| part.trim().strip_suffix(word))
        .find_map(|n| n.trim().rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

fn parse(line: &str) -> (u64, u64) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        return (number_before(rest, "passed"), number_before(rest, "failed"));
    }
    let node = |key: &str| {
        line.strip_prefix("ℹ ")
            .and_then(|l| l.strip_prefix(key))
            .and_then(|n| n.trim().parse().ok())
    };
    (node("pass ").unwrap_or(0), node("fail ").unwrap_or(0))
}

/// `tests: N passed, M failed`, summed over every runner so far.
pub(crate) fn line() -> String {
    let (p, f) = TOTAL.lock().map(|t| *t).unwrap_or_default();
    format!("tests: {p} passed, {f} failed")
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_cargo_and_node_summaries() {
        assert_eq!(
            parse("test result: ok. 14 passed; 0 failed; 0 ignored; 0 measured"),
            (14, 0)
        );
        assert_eq!(
            parse("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            (3, 2)
        );
        assert_eq!(parse("ℹ pass 7"), (7, 0));
        assert_eq!(parse("ℹ fail 1"), (0, 1));
        assert_eq!(parse("✔ something passed"), (0, 0));
    }
}
