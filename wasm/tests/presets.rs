//! The presets `build.rs` makes from `examples/` (the site's
//! `examples.json`): each loads, names its samples in the order the
//! command reads them, and simulates the same as written and as the page
//! holds it.

use rolemap_wasm::api;
use serde_json::Value as Json;

/// What `build.rs` wrote for the page.
const PRESETS: &str = include_str!(concat!(env!("OUT_DIR"), "/presets.json"));

fn presets() -> Vec<Json> {
    match serde_json::from_str::<Json>(PRESETS) {
        Ok(Json::Array(items)) => items,
        other => panic!("presets.json is not an array: {other:?}"),
    }
}

fn preset(name: &str) -> Json {
    presets()
        .into_iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no preset {name}"))
}

#[test]
fn every_preset_loads_with_its_samples_sorted_by_path() {
    let all = presets();
    assert!(all.iter().any(|p| p["target"] == "pangolin"));
    assert!(all.iter().any(|p| p["target"] == "grafana"));
    for p in &all {
        assert_eq!(p["ok"], true, "{p}");
        let paths: Vec<&str> = p["samples"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["path"].as_str())
            .collect();
        assert!(!paths.is_empty(), "{}: no samples", p["name"]);
        assert!(paths.windows(2).all(|w| w[0] < w[1]), "{}", p["name"]);
    }
}

#[test]
fn a_pangolin_preset_simulates_as_written_and_as_the_page_holds_it() {
    let p = preset("pocket-id");
    assert_eq!(p["title"], "Pocket ID", "{p}");
    let samples = p["samples"].to_string();
    let written = api::simulate(
        p["configJson"].as_str().unwrap_or(""),
        "json",
        &samples,
        "{}",
    );
    assert_eq!(written["ok"], true, "{written}");
    let held = api::simulate(&p["config"].to_string(), "json", &samples, "{}");
    assert_eq!(held["outcomes"], written["outcomes"]);
}

#[test]
fn a_grafana_preset_carries_its_ini_and_users() {
    let p = preset("grafana-keycloak");
    assert_eq!(p["target"], "grafana", "{p}");
    assert_eq!(p["configPath"], "grafana.ini", "{p}");
    assert!(p["configText"]
        .as_str()
        .is_some_and(|t| t.contains("[auth.generic_oauth]")));
    assert_eq!(p["samples"][0]["path"], "users/alice.json", "{p}");
    assert_eq!(p["samples"][0]["label"], "alice.json", "{p}");
}
