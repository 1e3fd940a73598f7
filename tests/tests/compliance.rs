//! The compliance suites, case by case.
//!
//! - `Dialect::Spec` against the official JMESPath suite
//!   (`tests/compliance/official/`, copied from the jmespath.test repository).
//! - `Dialect::Pangolin` against what the npm package jmespath@0.16.0 really
//!   answers for every case of the official and community suites
//!   (`tests/compliance/jmespath.js-0.16.0/`, recorded by running the package).
//!
//! Every failing case is named with its file, group and index.

use std::path::{Path, PathBuf};

use rolemap_compliance::{parse_suite, run_case};
use rolemap_engine::Dialect;

fn suite_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "schema.json")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no suite files under {}", dir.display());
    out
}

fn run(dir: &str, dialect: Dialect) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("compliance")
        .join(dir);
    let mut failures = Vec::new();
    let mut count = 0;
    for file in suite_files(&root) {
        let text = std::fs::read_to_string(&file).expect("readable suite file");
        let cases = parse_suite(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for case in cases {
            count += 1;
            if let Err(why) = run_case(&case, dialect) {
                failures.push(format!(
                    "{name} group {} case {}: {:?}: {why}",
                    case.group, case.index, case.expression
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} {dialect} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}

#[test]
fn spec_dialect_passes_the_official_suite() {
    let n = run("official", Dialect::Spec);
    assert_eq!(
        n, 892,
        "the official suite has 892 cases besides benchmarks"
    );
}

#[test]
fn pangolin_dialect_answers_as_jmespath_js_on_the_official_suite() {
    run("jmespath.js-0.16.0/official", Dialect::Pangolin);
}

#[test]
fn pangolin_dialect_answers_as_jmespath_js_on_the_community_suite() {
    run("jmespath.js-0.16.0/community", Dialect::Pangolin);
}

// `Dialect::Grafana` against what go-jmespath community v1.1.1 (Grafana's
// engine) really answers for every case of both suites
// (`tests/compliance/go-jmespath-community-1.1.1/`, recorded by running the
// Go module; its README says how and where it departs from its own suite).

#[test]
fn grafana_dialect_answers_as_go_jmespath_community_on_the_official_suite() {
    let n = run("go-jmespath-community-1.1.1/official", Dialect::Grafana);
    assert_eq!(
        n, 908,
        "every recorded case of the official suite, benchmarks included"
    );
}

#[test]
fn grafana_dialect_answers_as_go_jmespath_community_on_the_community_suite() {
    let n = run("go-jmespath-community-1.1.1/community", Dialect::Grafana);
    assert_eq!(n, 1074, "every recorded case of the community suite");
}
