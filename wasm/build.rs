//! Embeds the presets of `examples/` into the module: writes
//! `$OUT_DIR/examples.rs`, which defines `PRESETS`, one per config file
//! (a TOML or JSON file with an `[idp]` table): the folder's name (plus the
//! config's name when it is not `pangolin.toml`), the folder's sample files
//! (`include_str!`, paths relative to the folder, sorted by path), the
//! config's path and the config converted to JSON.
//!
//! The conversion to JSON happens here, at build time, so that the module
//! needs no TOML parser: the simulator reads the JSON with its own schema
//! and checks.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Extensions of the files embedded as they are (samples, JSON configs).
/// TOML files are read here: configs are embedded as JSON, mapping-test
/// files (`expect.toml`) are left out.
const EMBEDDED: &[&str] = &["json", "jwt", "jsonl", "txt"];

/// Extensions of the files that may be configs.
const CONFIGS: &[&str] = &["toml", "json"];

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

/// The file as JSON when it is a simulation config (has an `idp` table).
fn as_config(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
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
        serde_json::to_string_pretty(&value).ok()
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
    let mut code = String::new();
    let mut presets = String::from("static PRESETS: &[Preset] = &[\n");
    for (n, folder) in folders.iter().enumerate() {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files = Vec::new();
        files_under(folder, EMBEDDED, &mut files);
        // By the path the module names them by (`/`-separated, relative to
        // the folder): `presets::sample_files` relies on this order.
        files.sort_by_key(|f| relative(f, folder));
        let mut candidates = Vec::new();
        files_under(folder, CONFIGS, &mut candidates);
        candidates.sort();
        if files.is_empty() && candidates.is_empty() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", folder.display());
        let _ = writeln!(code, "static FILES_{n}: &[(&str, &str)] = &[");
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
            let abs = file.canonicalize().unwrap_or_else(|_| file.clone());
            let _ = writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                relative(file, folder),
                abs.display().to_string()
            );
        }
        code.push_str("];\n");
        // pangolin.toml first, then the other configs by name.
        let mut configs: Vec<(String, String)> = candidates
            .iter()
            .filter_map(|f| as_config(f).map(|json| (relative(f, folder), json)))
            .collect();
        configs.sort_by_key(|(p, _)| (!p.starts_with("pangolin."), p.clone()));
        for (path, json) in configs {
            let stem = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
            let preset = if stem == "pangolin" {
                name.clone()
            } else {
                format!("{name}/{stem}")
            };
            let _ = writeln!(presets, "    ({preset:?}, FILES_{n}, {path:?}, {json:?}),");
        }
    }
    presets.push_str("];\n");
    code.push_str(&presets);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
