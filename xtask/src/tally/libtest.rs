//! What libtest (the harness of `cargo test`) prints: the summary line each test binary ends
//! with, and a `... ignored` line naming each test it did not run.
//!
//! Why these lines and not libtest's JSON (`-- -Z unstable-options --format json`): the JSON
//! needs `RUSTC_BOOTSTRAP=1`, and `cargo test` gives its environment to rustc and the build
//! scripts as well as to the test binaries. proc-macro2, thiserror and anyhow watch that
//! variable (`rerun-if-env-changed`) and probe for nightly features when it is set, so the
//! test build would differ from the clippy and app builds and flipping it would rebuild most
//! of the tree. The JSON format is unstable besides. The summary line has read the same for
//! years and already counts all five outcomes libtest has:
//! `test result: ok. 12 passed; 0 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s`.

use super::Counts;

/// One line of libtest's output that the tally needs.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line<'a> {
    /// A test binary's (or the doc tests') totals.
    Summary(Counts),
    /// `test name ... ignored` or `test name ... ignored, reason`.
    Ignored {
        name: &'a str,
        reason: Option<&'a str>,
    },
}

pub(super) fn read(line: &str) -> Option<Line<'_>> {
    let line = line.trim_end();
    if let Some(rest) = line.strip_prefix("test result: ") {
        return summary(rest).map(Line::Summary);
    }
    let (name, outcome) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
    if outcome == "ignored" {
        return Some(Line::Ignored { name, reason: None });
    }
    let reason = outcome.strip_prefix("ignored, ")?;
    Some(Line::Ignored {
        name,
        reason: Some(reason),
    })
}

/// `ok. 12 passed; 0 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s`
fn summary(rest: &str) -> Option<Counts> {
    let (_verdict, parts) = rest.split_once(". ")?;
    let mut c = Counts::default();
    let mut seen = false;
    for part in parts.split(';') {
        let Some((n, what)) = part.trim().split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else {
            continue;
        };
        let slot = match what {
            "passed" => &mut c.passed,
            "failed" => &mut c.failed,
            "ignored" => &mut c.ignored,
            "filtered out" => &mut c.filtered_out,
            // benchmarks run by the harness; ours are criterion's, outside libtest
            _ => continue,
        };
        *slot = n;
        seen = true;
    }
    seen.then_some(c)
}

#[cfg(test)]
mod tests {
    use super::{read, Counts, Line};

    #[test]
    fn reads_a_summary_with_every_count() {
        let line = "test result: ok. 12 passed; 0 failed; 3 ignored; 0 measured; \
                    2 filtered out; finished in 0.01s";
        assert_eq!(
            read(line),
            Some(Line::Summary(Counts {
                passed: 12,
                ignored: 3,
                filtered_out: 2,
                ..Counts::default()
            }))
        );
    }

    #[test]
    fn reads_a_failed_summary() {
        let line = "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; \
                    0 filtered out; finished in 1.20s\n";
        assert_eq!(
            read(line),
            Some(Line::Summary(Counts {
                passed: 3,
                failed: 2,
                ..Counts::default()
            }))
        );
    }

    #[test]
    fn reads_ignored_tests_with_and_without_a_reason() {
        assert_eq!(
            read("test digest::tests::slow_case ... ignored"),
            Some(Line::Ignored {
                name: "digest::tests::slow_case",
                reason: None
            })
        );
        assert_eq!(
            read("test crates/sip/src/lib.rs - (line 12) ... ignored, needs Kamailio"),
            Some(Line::Ignored {
                name: "crates/sip/src/lib.rs - (line 12)",
                reason: Some("needs Kamailio")
            })
        );
    }

    #[test]
    fn passes_over_everything_else() {
        for line in [
            "test digest::tests::rfc_example ... ok",
            "test digest::tests::broken ... FAILED",
            "test crates/sip/src/lib.rs - (line 40) - compile ... ok",
            "running 14 tests",
            "test result: something else entirely",
            "a test printed: test result: ok. 1 passed; 0 failed",
            "",
        ] {
            assert_eq!(read(line), None, "{line:?}");
        }
    }
}
