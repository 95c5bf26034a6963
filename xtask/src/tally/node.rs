//! What `tests/tally/reporter.mjs` writes for each test `node --test` ran:
//! `<outcome>\t<"file: name">`, the name JSON-quoted so that it stays on one line.

use std::path::PathBuf;

use crate::util::root;

/// The outcomes node's test runner has, named as in its summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Pass,
    Fail,
    Skip,
    /// Ran, but neither its pass nor its failure counts.
    Todo,
    /// Timed out, or still running when its parent ended.
    Cancelled,
}

/// The reporter module, passed to `node --test-reporter=`.
pub(super) fn reporter() -> PathBuf {
    root().join("tests/tally/reporter.mjs")
}

pub(super) fn read(line: &str) -> Option<(Outcome, &str)> {
    let (outcome, name) = line.trim_end().split_once('\t')?;
    let outcome = match outcome {
        "pass" => Outcome::Pass,
        "fail" => Outcome::Fail,
        "skip" => Outcome::Skip,
        "todo" => Outcome::Todo,
        "cancelled" => Outcome::Cancelled,
        _ => return None,
    };
    Some((outcome, name))
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::{read, reporter, Outcome};
    use crate::tally::Tally;
    use crate::util::root;

    #[test]
    fn reads_each_outcome() {
        let name = r#""call.test.mjs: B hears \"A\"""#;
        for (word, outcome) in [
            ("pass", Outcome::Pass),
            ("fail", Outcome::Fail),
            ("skip", Outcome::Skip),
            ("todo", Outcome::Todo),
            ("cancelled", Outcome::Cancelled),
        ] {
            assert_eq!(read(&format!("{word}\t{name}\n")), Some((outcome, name)));
        }
        assert_eq!(read("passed\t\"x\""), None);
        assert_eq!(read("pass \"x\""), None);
        assert_eq!(read("ℹ pass 7"), None);
    }

    /// The reporter, run by the node on this machine over one test of each outcome, must count
    /// what node's own summary counts: a node that reports differently fails here, not by
    /// quietly miscounting the e2e tests.
    #[test]
    fn reporter_counts_what_node_counts() {
        let dir = root().join("tests/tally");
        let tap = std::env::temp_dir().join(format!("xtask-tally-{}.tap", std::process::id()));
        let out = Command::new("node")
            .current_dir(&dir)
            .arg("--test")
            .arg(format!("--test-reporter={}", reporter().display()))
            .arg("--test-reporter-destination=stdout")
            .arg("--test-reporter=tap")
            .arg(format!("--test-reporter-destination={}", tap.display()))
            .arg("outcomes.mjs")
            .output()
            .expect("node runs (cargo xtask setup installs it)");
        let ours = String::from_utf8_lossy(&out.stdout);
        let theirs = std::fs::read_to_string(&tap).expect("node wrote its TAP report");
        let _ = std::fs::remove_file(&tap);

        let mut tally = Tally::default();
        for line in ours.lines() {
            let (outcome, name) = read(line).unwrap_or_else(|| panic!("unreadable: {line:?}"));
            tally.node(outcome, name);
        }
        // node's TAP report ends with `# pass 2`, `# fail 2`, ... for the whole run
        let node_says = |key: &str| -> u64 {
            theirs
                .lines()
                .find_map(|l| l.strip_prefix(&format!("# {key} "))?.trim().parse().ok())
                .unwrap_or_else(|| panic!("no `# {key}` in node's report:\n{theirs}"))
        };
        let c = tally.counts;
        let counted = [
            ("pass", c.passed),
            ("fail", c.failed),
            ("skipped", c.skipped),
            ("todo", c.todo),
            ("cancelled", c.cancelled),
        ];
        for (key, n) in counted {
            assert_eq!(n, node_says(key), "{key}");
        }
        // and outcomes.mjs has one of each, so none of them is counted as nothing
        assert!(counted.iter().all(|&(_, n)| n > 0), "{counted:?}");
        let not_run: Vec<_> = tally.not_run.iter().map(|n| n.why).collect();
        assert_eq!(not_run, ["skipped", "cancelled", "cancelled", "skipped"]);
    }
}
