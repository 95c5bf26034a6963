//! Counts what the test runners report, so `cargo xtask test` ends with one line that sums
//! every runner: `tests: 242 passed, 0 failed, 3 ignored, 1 skipped, 0 cancelled — 4 not run`.
//! Every outcome a runner knows is counted and the tests that did not run are named, so a
//! green run cannot hide a test that was never exercised.
//!
//! Each runner is read from output meant for machines: libtest's summary lines
//! (`libtest.rs` says why not its JSON) and our own reporter for `node --test` (`node.rs`).

mod libtest;
mod node;

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::ops::AddAssign;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{LazyLock, Mutex};

use crate::util::{bail, check_interrupted, describe, run, track, untrack, Context, Result};

/// How many not-run tests the report names before it only counts them.
const NAMED_MAX: usize = 20;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    /// libtest: `#[ignore]`d, or an `ignore` doc test.
    pub(crate) ignored: u64,
    /// libtest: left out by a name filter.
    pub(crate) filtered_out: u64,
    /// node: `skip`.
    pub(crate) skipped: u64,
    /// node: `todo`, which runs but counts neither way.
    pub(crate) todo: u64,
    /// node: timed out, or cut short when its parent ended.
    pub(crate) cancelled: u64,
}

impl Counts {
    /// Tests that exist but did not run to the end.
    fn not_run(&self) -> u64 {
        self.ignored + self.filtered_out + self.skipped + self.cancelled
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.ignored += o.ignored;
        self.filtered_out += o.filtered_out;
        self.skipped += o.skipped;
        self.todo += o.todo;
        self.cancelled += o.cancelled;
    }
}

/// A test that did not run (to the end), and why.
#[derive(Debug)]
struct NotRun {
    why: &'static str,
    name: String,
}

#[derive(Debug, Default)]
struct Tally {
    counts: Counts,
    not_run: Vec<NotRun>,
    /// Runners that failed without reporting a failed test (a build error, a crashed test
    /// binary, a node that could not load a reporter): without this, the last line would
    /// read `0 failed` under a failed run.
    failed_silently: Vec<String>,
}

static TOTAL: LazyLock<Mutex<Tally>> = LazyLock::new(Mutex::default);

impl Tally {
    fn libtest(&mut self, line: libtest::Line<'_>) {
        match line {
            libtest::Line::Summary(c) => self.counts += c,
            libtest::Line::Ignored { name, reason } => self.not_run.push(NotRun {
                why: "ignored",
                name: match reason {
                    Some(r) => format!("{name} ({r})"),
                    None => name.to_owned(),
                },
            }),
        }
    }

    fn node(&mut self, outcome: node::Outcome, name: &str) {
        let c = &mut self.counts;
        let (slot, why) = match outcome {
            node::Outcome::Pass => (&mut c.passed, None),
            node::Outcome::Fail => (&mut c.failed, None),
            node::Outcome::Todo => (&mut c.todo, None),
            node::Outcome::Skip => (&mut c.skipped, Some("skipped")),
            node::Outcome::Cancelled => (&mut c.cancelled, Some("cancelled")),
        };
        *slot += 1;
        if let Some(why) = why {
            self.not_run.push(NotRun {
                why,
                name: name.to_owned(),
            });
        }
    }

    /// Adds one runner's tally to the total.
    fn add_to_total(self, runner: String, succeeded: bool) {
        let Ok(mut t) = TOTAL.lock() else { return };
        if !succeeded && self.counts.failed + self.counts.cancelled == 0 {
            t.failed_silently.push(runner);
        }
        t.counts += self.counts;
        t.not_run.extend(self.not_run);
    }
}

/// Runs `cargo test ...` like `util::run`, echoing its stdout line by line and counting what
/// libtest reports there.
pub(crate) fn run_cargo_test(c: &mut Command) -> Result {
    eprintln!("$ {}", describe(c));
    let mut child = c
        .stdout(Stdio::piped())
        .spawn()
        .context(format_args!("cannot start {}", describe(c)))?;
    track(child.id());
    let mut tally = Tally::default();
    if let Some(out) = child.stdout.take() {
        // by bytes: a test that prints invalid UTF-8 must not stop the reading (and leave
        // the child blocked on a full pipe)
        for line in BufReader::new(out).split(b'\n').map_while(|l| l.ok()) {
            let line = String::from_utf8_lossy(&line);
            println!("{line}");
            if let Some(l) = libtest::read(&line) {
                tally.libtest(l);
            }
        }
    }
    let status = child.wait();
    untrack(child.id());
    let status = status.context("wait")?;
    // `cargo test -p interop`, without the arguments for the test binaries
    let runner = describe(c)
        .split(" -- ")
        .next()
        .unwrap_or_default()
        .to_owned();
    tally.add_to_total(runner, status.success());
    check_interrupted()?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(c));
    }
    Ok(())
}

/// Runs `node --test` (options already given) on `files`: node's own report on stdout for
/// people, ours into `results` (see `tests/tally/reporter.mjs`), counted once node is done.
pub(crate) fn run_node_test(node: &mut Command, files: &[PathBuf], results: &Path) -> Result {
    // if node dies before writing, an earlier run's results must not be counted again
    let _ = fs::remove_file(results);
    node.arg("--test-reporter=spec")
        .arg("--test-reporter-destination=stdout")
        .arg(format!("--test-reporter={}", node::reporter().display()))
        .arg(format!("--test-reporter-destination={}", results.display()))
        .args(files);
    let result = run(node);
    let mut tally = Tally::default();
    for line in fs::read_to_string(results).unwrap_or_default().lines() {
        if let Some((outcome, name)) = node::read(line) {
            tally.node(outcome, name);
        }
    }
    tally.add_to_total("node --test".to_owned(), result.is_ok());
    result
}

/// The end of `cargo xtask test`: the tests that did not run, then one line summing every
/// runner so far.
pub(crate) fn report() -> String {
    let Ok(t) = TOTAL.lock() else {
        return "tests: (tally lost: a runner panicked while counting)".to_owned();
    };
    let mut s = String::new();
    if !t.not_run.is_empty() {
        s.push_str("tests that did not run to the end:\n");
        for n in t.not_run.iter().take(NAMED_MAX) {
            let _ = writeln!(s, "  {:<9} {}", n.why, n.name);
        }
        if t.not_run.len() > NAMED_MAX {
            let _ = writeln!(s, "  ... and {} more", t.not_run.len() - NAMED_MAX);
        }
    }
    s.push_str(&last_line(&t.counts, &t.failed_silently));
    s
}

fn last_line(c: &Counts, failed_silently: &[String]) -> String {
    let mut s = format!(
        "tests: {} passed, {} failed, {} ignored, {} skipped, {} cancelled",
        c.passed, c.failed, c.ignored, c.skipped, c.cancelled
    );
    // outcomes only some runs have, shown when they happen
    if c.todo > 0 {
        let _ = write!(s, ", {} todo", c.todo);
    }
    if c.filtered_out > 0 {
        let _ = write!(s, ", {} filtered out", c.filtered_out);
    }
    let mut notes = Vec::new();
    if c.not_run() > 0 {
        notes.push(format!("{} not run", c.not_run()));
    }
    for runner in failed_silently {
        notes.push(format!("`{runner}` failed with no failing test reported"));
    }
    if !notes.is_empty() {
        s.push_str(" — ");
        s.push_str(&notes.join("; "));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{last_line, libtest, Counts, Tally};

    #[test]
    fn a_clean_run_says_nothing_more() {
        let c = Counts {
            passed: 242,
            ..Counts::default()
        };
        assert_eq!(
            last_line(&c, &[]),
            "tests: 242 passed, 0 failed, 0 ignored, 0 skipped, 0 cancelled"
        );
    }

    #[test]
    fn says_how_many_did_not_run() {
        let c = Counts {
            passed: 242,
            ignored: 3,
            skipped: 1,
            todo: 2,
            filtered_out: 5,
            ..Counts::default()
        };
        assert_eq!(
            last_line(&c, &[]),
            "tests: 242 passed, 0 failed, 3 ignored, 1 skipped, 0 cancelled, 2 todo, \
             5 filtered out — 9 not run"
        );
    }

    #[test]
    fn a_runner_that_failed_without_a_failing_test_is_named() {
        let c = Counts {
            passed: 10,
            ignored: 1,
            ..Counts::default()
        };
        assert_eq!(
            last_line(&c, &["cargo test --no-fail-fast".to_owned()]),
            "tests: 10 passed, 0 failed, 1 ignored, 0 skipped, 0 cancelled — 1 not run; \
             `cargo test --no-fail-fast` failed with no failing test reported"
        );
    }

    #[test]
    fn sums_a_cargo_test_run() {
        let out = "\
running 2 tests
test a ... ok
test b ... ignored, slow
test result: ok. 1 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 1 test
test c ... FAILED
test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        let mut t = Tally::default();
        out.lines()
            .filter_map(libtest::read)
            .for_each(|l| t.libtest(l));
        assert_eq!(
            last_line(&t.counts, &[]),
            "tests: 1 passed, 1 failed, 1 ignored, 0 skipped, 0 cancelled — 1 not run"
        );
        assert_eq!(t.not_run[0].name, "b (slow)");
    }
}
