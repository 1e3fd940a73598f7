//! Collects the presets of `examples/` into `$OUT_DIR/presets.json`, one
//! per config file: Pangolin's (a TOML or JSON file with an `[idp]` table)
//! and Grafana's (a `grafana.ini`, or another `.ini` file):
//! `[{name, target, configPath, config, files: [[path, text], ...]}]`, with
//! the folder's name (plus the config's name when it is not
//! `pangolin.toml` or `grafana.ini`), `pangolin` or `grafana`, the config's
//! path, its text (Pangolin's converted to JSON), and the folder's sample
//! files (paths relative to the folder, with `/`, sorted by path). Grafana's
//! env files and Helm values stay in the command line: the module reads
//! INI only in its form (an env file has no INI text to edit) and has no
//! YAML reader.
//!
//! The file is data beside the module, not inside it: `cargo xtask
//! playground` copies it to the site as `examples.json`, which the page
//! fetches and hands to the module (2 KB less gzipped WebAssembly); the
//! crate's own tests read it from `OUT_DIR`. The conversion to JSON happens
//! here, at build time, so that the module needs no TOML parser: the
//! simulator reads the JSON with its own schema and checks.

use std::path::{Path, PathBuf};

/// Extensions of the files collected as they are (samples, JSON configs).
/// TOML files are read here: configs are collected as JSON, mapping-test
/// files (`expect.toml`) are left out.
const EMBEDDED: &[&str] = &["json", "jwt", "jsonl", "txt"];

/// Extensions of the files that may be configs.
const CONFIGS: &[&str] = &["toml", "json", "ini"];

fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            files_under(&path, exts, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
}

/// The file's target and text when it is a simulation config: Pangolin's
/// (has an `idp` table; as JSON), or Grafana's (an INI file, as written).
fn as_config(path: &Path) -> Option<(&'static str, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ext == "ini" {
        return Some(("grafana", text));
    }
    let value: serde_json::Value = match ext.as_str() {
        "toml" => match toml::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                println!("cargo:warning={}: {e}", path.display());
                return None;
            }
        },
        "json" => serde_json::from_str(&text).ok()?,
        _ => return None,
    };
    if value.get("idp").is_some_and(serde_json::Value::is_object) {
        serde_json::to_string_pretty(&value)
            .ok()
            .map(|json| ("pangolin", json))
    } else {
        None
    }
}

fn relative(file: &Path, base: &Path) -> String {
    file.strip_prefix(base)
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let examples = manifest.join("../examples");
    println!("cargo:rerun-if-changed={}", examples.display());
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&examples)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    let mut presets = Vec::new();
    for folder in &folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut paths = Vec::new();
        files_under(folder, EMBEDDED, &mut paths);
        let mut candidates = Vec::new();
        files_under(folder, CONFIGS, &mut candidates);
        candidates.sort();
        if paths.is_empty() && candidates.is_empty() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", folder.display());
        let mut files = Vec::new();
        for file in &paths {
            println!("cargo:rerun-if-changed={}", file.display());
            match std::fs::read_to_string(file) {
                Ok(text) => files.push((relative(file, folder), text)),
                Err(e) => println!("cargo:warning={}: {e}", file.display()),
            }
        }
        // By the path the module names them by: `presets::sample_files`
        // relies on this order.
        files.sort();
        // pangolin.toml (or grafana.ini) first, then the other configs by name.
        let mut configs: Vec<(String, &str, String)> = candidates
            .iter()
            .filter_map(|f| as_config(f).map(|(target, text)| (relative(f, folder), target, text)))
            .collect();
        let is_main = |path: &str| path == "grafana.ini" || path.starts_with("pangolin.");
        configs.sort_by_key(|(p, _, _)| (!is_main(p), p.clone()));
        for (path, target, text) in configs {
            let stem = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
            let preset = if is_main(&path) {
                name.clone()
            } else {
                format!("{name}/{stem}")
            };
            presets.push(serde_json::json!({
                "name": preset,
                "target": target,
                "configPath": path,
                "config": text,
                "files": files,
            }));
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("presets.json");
    let text = serde_json::Value::Array(presets).to_string();
    if let Err(e) = std::fs::write(&out, text) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
