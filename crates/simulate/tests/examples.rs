//! Every example's mapping-test file (`examples/<idp>/expect.toml`, for
//! Pangolin or Grafana) passes, and every example config loads with its
//! samples.

use std::path::{Path, PathBuf};

use rolemap_simulate::{grafana, run_test_file, Config};

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
        "grafana-keycloak",
        "grafana-authentik",
        "grafana-authelia",
        "grafana-entra-id",
        "grafana-okta",
        "grafana-zitadel",
        "grafana-pocket-id",
        "grafana-gitlab",
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
        let text = std::fs::read_to_string(&expect).unwrap_or_default();
        if grafana::testfile::is_grafana_test_file(&expect, &text) {
            match grafana::testfile::run_test_file(&expect) {
                Ok(cases) if cases.iter().all(|c| c.passed) && cases.len() >= 3 => {}
                Ok(cases) => failures.push(format!("{}: {cases:#?}", expect.display())),
                Err(e) => failures.push(e),
            }
            continue;
        }
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
                && !p.to_string_lossy().ends_with("expect.toml")
                || grafana::is_grafana_config(p)
        });
        assert!(!configs.is_empty(), "{} has no config", dir.display());
        for c in configs {
            if grafana::is_grafana_config(&c) {
                grafana::GrafanaConfig::load(&c).unwrap_or_else(|e| panic!("{e}"));
                let samples =
                    grafana::load_samples(&dir.join("users")).unwrap_or_else(|e| panic!("{e}"));
                assert!(
                    samples.len() >= 2,
                    "{}: {} samples",
                    c.display(),
                    samples.len()
                );
                continue;
            }
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
