//! The count of passed and failed tests over every part of `cargo xtask
//! test`, for its last line (`N passed, N failed`).
//!
//! A part's output is echoed as it comes and read for the counts its
//! runner prints: cargo's `test result: ok. 36 passed; 1 failed; ...`
//! and node's test runner's `# pass 5` / `# fail 0` (TAP) or `ℹ pass 5`
//! (spec). A part that prints no count (a fuzz target, a build) counts as
//! one test: passed when it exits with success.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::root;

/// Passed and failed tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
}

impl Tally {
    /// Adds `other`.
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }

    /// One part that printed no count: one test.
    pub fn of(result: &Result<(), String>) -> Tally {
        match result {
            Ok(()) => Tally {
                passed: 1,
                failed: 0,
            },
            Err(_) => Tally {
                passed: 0,
                failed: 1,
            },
        }
    }

    /// The summary line.
    pub fn line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// The number before `word` in `text` (`36 passed` -> 36).
fn count_before(text: &str, word: &str) -> Option<usize> {
    let i = text.find(word)?;
    text.get(..i)?.split_whitespace().last()?.parse().ok()
}

/// The counts one line of a runner's output adds.
pub fn parse_line(line: &str) -> Option<Tally> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        return Some(Tally {
            passed: count_before(rest, " passed")?,
            failed: count_before(rest, " failed")?,
        });
    }
    let rest = line
        .strip_prefix("# ")
        .or_else(|| line.strip_prefix("ℹ "))?;
    let n = |word: &str| {
        rest.strip_prefix(word)
            .and_then(|n| n.trim().parse::<usize>().ok())
    };
    if let Some(p) = n("pass ") {
        return Some(Tally {
            passed: p,
            failed: 0,
        });
    }
    n("fail ").map(|f| Tally {
        passed: 0,
        failed: f,
    })
}

/// Runs `program args` in the repository root, its stdout echoed and
/// counted; `Err` when it fails. A failure with no failed test counted
/// (a build error) counts as one failed test.
pub fn run_counted(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Tally, Result<(), String>) {
    eprintln!("+ {program} {}", args.join(" "));
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root()).stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let r = Err(format!("cannot run `{program}`: {e}"));
            return (Tally::of(&r), r);
        }
    };
    let mut tally = Tally::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(t) = parse_line(&line) {
                tally.add(t);
            }
        }
    }
    let result = match child.wait() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{program} {}` failed ({s})", args.join(" "))),
        Err(e) => Err(format!("`{program}`: {e}")),
    };
    if result.is_err() && tally.failed == 0 {
        tally.failed = 1;
    }
    (tally, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runners_counts_are_read() {
        let t = |passed, failed| Some(Tally { passed, failed });
        assert_eq!(
            parse_line("test result: ok. 36 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.64s"),
            t(36, 0)
        );
        assert_eq!(
            parse_line("test result: FAILED. 36 passed; 1 failed; 0 ignored"),
            t(36, 1)
        );
        assert_eq!(parse_line("# pass 5"), t(5, 0));
        assert_eq!(parse_line("# fail 2"), t(0, 2));
        assert_eq!(parse_line("ℹ pass 7"), t(7, 0));
        assert_eq!(parse_line("test a ... ok"), None);
        assert_eq!(parse_line("# tests 5"), None);
    }

    #[test]
    fn a_failed_part_without_counts_is_one_failure() {
        let mut all = Tally::default();
        all.add(Tally::of(&Ok(())));
        all.add(Tally::of(&Err("the fuzz target `eval` failed".into())));
        all.add(Tally {
            passed: 10,
            failed: 0,
        });
        assert_eq!(all.line(), "11 passed, 1 failed");
    }
}
