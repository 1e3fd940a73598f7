//! The scenario table: every step of Pangolin's login flow, one TOML file per
//! step in `tests/scenarios/`, each a mapping-test file with inline config
//! and claims (plus YAML and JSON files using the samples in `tests/data/`).

use std::path::{Path, PathBuf};

use rolemap_simulate::run_test_file;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    files.retain(|p| {
        p.extension()
            .is_some_and(|e| e == "toml" || e == "yaml" || e == "json")
    });
    files.sort();
    files
}

#[test]
fn every_scenario_passes() {
    let files = scenario_files();
    assert!(files.len() >= 11, "scenario files missing: {files:?}");
    let mut failures = Vec::new();
    let mut total = 0;
    for f in &files {
        match run_test_file(f) {
            Ok(report) => {
                total += report.cases.len();
                if !report.passed() {
                    failures.push(report.to_string());
                }
            }
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(total >= 80, "only {total} scenario cases ran");
}
