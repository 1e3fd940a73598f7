//! Collects the presets of `examples/` into `$OUT_DIR/presets.json`, one
//! per config file, as the page reads them (`cargo xtask playground`
//! copies the file to the site as `examples.json`, which the page fetches):
//! Pangolin's (a TOML or JSON file with an `[idp]` table) and Grafana's (a
//! `grafana.ini`, or another `.ini` file). Each is `{ok, name, target,
//! title, configPath, samples: [{label, path, text}], ...}`: the folder's
//! name (plus the config's name when it is not `pangolin.toml` or
//! `grafana.ini`), `pangolin` or `grafana`, the config's path in the folder
//! and the sample users the command line reads for it (a Pangolin config's
//! `samples`, a Grafana config's `users` folder). A Pangolin preset adds
//! `configJson` (the config as written, converted to JSON), `config` (read
//! by the simulator, role mappings of the mapping builder replaced by the
//! value Pangolin stores: what the page edits) and `error` (why it does not
//! load); a Grafana one adds `configText` (the INI as written). Grafana's
//! env files and Helm values stay in the command line: the page's form
//! edits INI, and the module has no YAML reader.
//!
//! The presets are data beside the module, made here with the simulator's
//! own reader, so that the module needs neither a TOML parser nor the
//! config's serializer.

use std::path::{Path, PathBuf};

use rolemap_simulate::samples::{GRAFANA_SAMPLE_EXTENSIONS, SAMPLE_EXTENSIONS};
use rolemap_simulate::Config;
use serde_json::{json, Value as Json};

/// The folder of a Grafana example's sample users (a Grafana config names
/// no samples; `rolemap simulate grafana.ini users` reads this folder).
const GRAFANA_SAMPLES: &str = "users";

/// The files directly in `dir` (or `dir` itself when it is a file) with
/// one of `exts`, hidden ones left out, sorted by name: the sample files
/// the simulator reads for a path.
fn sample_files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        p.is_file() && !name.starts_with('.') && exts.contains(&ext.as_str())
    });
    files.sort();
    files
}

/// `{label, path, text}` of each sample file (`path` relative to the
/// example's folder, with `/`).
fn samples_json(files: &[PathBuf], folder: &Path) -> Json {
    files
        .iter()
        .map(|f| {
            println!("cargo:rerun-if-changed={}", f.display());
            let text = std::fs::read_to_string(f).unwrap_or_else(|e| {
                println!("cargo:warning={}: {e}", f.display());
                String::new()
            });
            let label = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            json!({"label": label, "path": relative(f, folder), "text": text})
        })
        .collect()
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

/// A Pangolin preset of the config `file` (a TOML or JSON file with an
/// `idp` table), or `None` when the file is no such config.
fn pangolin_preset(name: &str, file: &Path, folder: &Path) -> Option<Json> {
    let text = std::fs::read_to_string(file).ok()?;
    let ext = file.extension()?.to_str()?.to_ascii_lowercase();
    let written: Json = match ext.as_str() {
        "toml" => match toml::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                println!("cargo:warning={}: {e}", file.display());
                return None;
            }
        },
        "json" => serde_json::from_str(&text).ok()?,
        _ => return None,
    };
    if !written.get("idp").is_some_and(Json::is_object) {
        return None;
    }
    let config_json = serde_json::to_string_pretty(&written).ok()?;
    let mut preset = json!({
        "name": name,
        "target": "pangolin",
        "title": name,
        "configPath": relative(file, folder),
        "configJson": config_json,
        "config": null,
        "error": null,
        "samples": [],
    });
    match Config::load(file) {
        Ok(mut config) => {
            for org in &mut config.orgs {
                if org.role_mapping_builder.is_some() {
                    org.role_mapping = org.stored_role_mapping();
                    org.role_mapping_builder = None;
                }
            }
            let files: Vec<PathBuf> = config
                .sample_paths()
                .iter()
                .flat_map(|p| sample_files(p, SAMPLE_EXTENSIONS))
                .collect();
            preset["ok"] = true.into();
            if let Some(title) = &config.idp.name {
                preset["title"] = title.as_str().into();
            }
            preset["config"] = serde_json::to_value(&config).unwrap_or(Json::Null);
            preset["samples"] = samples_json(&files, folder);
        }
        Err(e) => {
            preset["ok"] = false.into();
            preset["error"] = json!({"kind": "config", "message": e.to_string()});
        }
    }
    Some(preset)
}

/// A Grafana preset of the INI file `file`: its text as written and the
/// sample users of the folder's `users`.
fn grafana_preset(name: &str, file: &Path, folder: &Path) -> Option<Json> {
    let text = std::fs::read_to_string(file).ok()?;
    let files = sample_files(&folder.join(GRAFANA_SAMPLES), GRAFANA_SAMPLE_EXTENSIONS);
    Some(json!({
        "ok": true,
        "name": name,
        "target": "grafana",
        "title": name,
        "configPath": relative(file, folder),
        "configText": text,
        "samples": samples_json(&files, folder),
    }))
}

/// The configs of an example's folder (not recursive), `pangolin.toml` and
/// `grafana.ini` first, then the others by name.
fn configs(folder: &Path) -> Vec<PathBuf> {
    let main = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name == "grafana.ini" || name.starts_with("pangolin.")
    };
    let mut files = sample_files(folder, &["toml", "json", "ini"]);
    files.sort_by_key(|p| (!main(p), p.clone()));
    files
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
        println!("cargo:rerun-if-changed={}", folder.display());
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for file in configs(folder) {
            println!("cargo:rerun-if-changed={}", file.display());
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let preset_name = if stem == "pangolin" || stem == "grafana" {
                name.clone()
            } else {
                format!("{name}/{stem}")
            };
            let is_ini = file.extension().is_some_and(|e| e == "ini");
            let preset = if is_ini {
                grafana_preset(&preset_name, &file, folder)
            } else {
                pangolin_preset(&preset_name, &file, folder)
            };
            presets.extend(preset);
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("presets.json");
    if let Err(e) = std::fs::write(&out, Json::Array(presets).to_string()) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
