//! `rolemap test`: mapping-test files and JMESPath compliance-suite files.

use std::path::Path;

use rolemap_compliance::{parse_suite, run_case};
use rolemap_engine::Dialect;

use crate::args::TestArgs;
use crate::input;
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, Failure, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// The results of one file.
struct FileResult {
    passed: usize,
    failed: usize,
    /// One entry per failure, already formatted (may span lines).
    failures: Vec<String>,
}

/// Whether a file is a compliance-suite file: a JSON array at the top.
fn is_suite(path: &Path, text: &str) -> bool {
    let json_ext = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    json_ext && text.trim_start().starts_with('[')
}

fn run_suite(name: &str, text: &str, dialect: Dialect) -> Result<FileResult, Failure> {
    let cases = parse_suite(text).map_err(|e| {
        // serde_json's position, when the suite is not JSON, is in the message.
        Failure::input(format!("{name}: not a JMESPath compliance-suite file: {e}"))
    })?;
    let mut r = FileResult {
        passed: 0,
        failed: 0,
        failures: Vec::new(),
    };
    for case in &cases {
        match run_case(case, dialect) {
            Ok(()) => r.passed += 1,
            Err(why) => {
                r.failed += 1;
                r.failures.push(format!(
                    "{name} group {} case {}: `{}`: {why}",
                    case.group, case.index, case.expression
                ));
            }
        }
    }
    Ok(r)
}

fn run_mapping_tests(path: &Path, text: &str) -> Result<FileResult, Failure> {
    if rolemap_simulate::grafana::testfile::is_grafana_test_file(path, text) {
        let (passed, failed, failures) = crate::cmd_grafana::test_file(path)?;
        return Ok(FileResult {
            passed,
            failed,
            failures,
        });
    }
    let report =
        rolemap_simulate::run_test_file(path).map_err(|e| Failure::input(e.to_string()))?;
    let mut r = FileResult {
        passed: report.passed_count(),
        failed: report.failed_count(),
        failures: Vec::new(),
    };
    for case in report.cases.iter().filter(|c| !c.passed) {
        let mut text = format!("{}: {}", path.display(), case.name);
        for line in &case.diff {
            text.push_str(&format!("\n      {line}"));
        }
        r.failures.push(text);
    }
    Ok(r)
}

/// Runs `rolemap test`.
pub fn run(a: &TestArgs, style: Style) -> CmdResult {
    let dialect = a.dialect.dialect();
    let (mut passed, mut failed, mut unreadable) = (0usize, 0usize, 0usize);
    for path in &a.files {
        let name = path.display().to_string();
        let result = input::read_file(path).and_then(|source| {
            if is_suite(path, &source.text) {
                run_suite(&name, &source.text, dialect)
            } else {
                run_mapping_tests(path, &source.text)
            }
        });
        match result {
            Ok(r) => {
                passed += r.passed;
                failed += r.failed;
                let mut text = Shown::new();
                for f in &r.failures {
                    text.push(shown![paint(style.out, Paint::Red, "FAIL"), " ", f, "\n"]);
                }
                let total = r.passed + r.failed;
                if r.failed == 0 {
                    let cases = if total == 1 { "case" } else { "cases" };
                    text.push(shown![
                        paint(style.out, Paint::Green, "ok"),
                        format!("   {name} ({total} {cases})\n"),
                    ]);
                } else {
                    text.push(shown![
                        paint(style.out, Paint::Red, "FAIL"),
                        format!(" {name} ({} of {total} cases failed)\n", r.failed),
                    ]);
                }
                out(&text)?;
            }
            Err(f) => {
                unreadable += 1;
                err(&shown![
                    paint(style.err, Paint::Red, "error:"),
                    " ",
                    &f.message,
                    "\n"
                ]);
            }
        }
    }
    let mut summary = format!("{passed} passed, {failed} failed");
    if unreadable > 0 {
        summary.push_str(&format!("\n{unreadable} file(s) could not be read"));
    }
    out(&shown![summary, "\n"])?;
    Ok(if unreadable > 0 {
        EXIT_USAGE
    } else if failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}
