//! Every example's mapping-test file (`examples/<idp>/expect.toml`) passes,
//! and every example config loads with its samples.

use std::path::{Path, PathBuf};

use rolemap_simulate::{run_test_file, Config};

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    dirs.retain(|p| p.is_dir());
    dirs.sort();
    // One folder per provider (every_provider_has_an_example names them).
    assert!(dirs.len() >= 10, "{}: {dirs:?}", root.display());
    dirs
}

#[test]
fn every_provider_has_an_example() {
    let names: Vec<String> = example_dirs()
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for want in [
        "pocket-id",
        "authentik",
        "keycloak",
        "authelia",
        "zitadel",
        "kanidm",
        "entra-id",
        "google",
        "okta",
        "github-dex",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "examples/{want} missing (have {names:?})"
        );
    }
}

#[test]
fn every_expect_file_passes() {
    let mut failures = Vec::new();
    for dir in example_dirs() {
        let expect = dir.join("expect.toml");
        match run_test_file(&expect) {
            Ok(report) if report.passed() && report.cases.len() >= 3 => {}
            Ok(report) => failures.push(report.to_string()),
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_config_loads_with_its_samples() {
    for dir in example_dirs() {
        let mut configs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a folder entry").path())
            .collect();
        configs.retain(|p| {
            p.extension().is_some_and(|e| e == "toml")
                && p.file_name().is_some_and(|n| n != "expect.toml")
        });
        assert!(!configs.is_empty(), "{} has no config", dir.display());
        for c in configs {
            let config = Config::load(&c).unwrap_or_else(|e| panic!("{e}"));
            let samples = config.load_samples().unwrap_or_else(|e| panic!("{e}"));
            assert!(
                samples.len() >= 3,
                "{}: {} samples",
                c.display(),
                samples.len()
            );
        }
    }
}
