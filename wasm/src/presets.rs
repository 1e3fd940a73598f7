//! The presets: the configs of `examples/` and their sample users, embedded
//! at build time by `build.rs`, so the page offers exactly the files
//! `rolemap simulate examples/<folder>/<config>.toml` reads.

use rolemap_simulate::samples::SAMPLE_EXTENSIONS;
use serde_json::Value as Json;

use crate::api::{self, failure, object};

/// Each preset: its name (the folder, plus `/<config stem>` for a config
/// other than `pangolin.toml`), the folder's files (path relative to the
/// folder, with `/`, and text; sorted by path), the config's path, and the
/// config converted to JSON by `build.rs`.
type Preset = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

fn extension(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name[i + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `a/./b/../c` -> `a/c` (paths inside a preset).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The sample files a config's `samples` list names, resolved as the
/// simulator resolves them on disk: a file, or a folder's files with a
/// sample extension (sorted by name, not recursive, hidden ones left out).
fn sample_files(
    files: &'static [(&'static str, &'static str)],
    config_path: &str,
    entries: &[String],
) -> Vec<(&'static str, &'static str)> {
    let base = match config_path.rfind('/') {
        Some(i) => &config_path[..i],
        None => "",
    };
    let mut out = Vec::new();
    for entry in entries {
        let wanted = normalize(&format!("{base}/{entry}"));
        if let Some(f) = files.iter().find(|(p, _)| *p == wanted) {
            out.push(*f);
            continue;
        }
        // `files` is sorted by path, so a folder's files come in name order
        // (no sort here: it would add about 4 KB to the module).
        let prefix = format!("{wanted}/");
        let inside = files
            .iter()
            .filter(|(p, _)| {
                p.strip_prefix(&prefix).is_some_and(|rest| {
                    !rest.contains('/')
                        && !rest.starts_with('.')
                        && SAMPLE_EXTENSIONS.contains(&extension(rest).as_str())
                })
            })
            .copied();
        out.extend(inside);
    }
    out
}

/// A preset's config (as written, as JSON, normalized) and samples
/// (`{label, path, text}`).
fn preset_json(preset: &Preset) -> Json {
    let (name, files, config_path, config_json) = *preset;
    let normalized = api::normalize_config(config_json, "json");
    let entries: Vec<String> = match api::parse_config(config_json, "json") {
        Ok(c) => c.samples,
        Err(e) => return e,
    };
    let samples: Vec<Json> = sample_files(files, config_path, &entries)
        .into_iter()
        .map(|(p, t)| {
            object(vec![
                ("label", file_name(p).into()),
                ("path", p.into()),
                ("text", t.into()),
            ])
        })
        .collect();
    let title = normalized["config"]["idp"]["name"]
        .as_str()
        .unwrap_or(name)
        .to_string();
    object(vec![
        ("ok", normalized["ok"].clone()),
        ("name", name.into()),
        ("title", title.into()),
        ("configPath", config_path.into()),
        ("configJson", config_json.into()),
        ("config", normalized["config"].clone()),
        ("error", normalized["error"].clone()),
        ("samples", samples.into()),
    ])
}

/// `examples()`: every preset, with its config as JSON, both as written
/// and normalized (see [`api::normalize_config`]), and its samples.
pub fn examples() -> Json {
    Json::Array(PRESETS.iter().map(preset_json).collect())
}

/// `simulateExample(name, options)`: a preset simulated from its files as
/// written (the agreement test compares this with `rolemap simulate`).
pub fn simulate_example(name: &str, options_json: &str) -> Json {
    let Some(found) = PRESETS.iter().find(|p| p.0 == name) else {
        return failure("preset", format!("no preset named `{name}`"));
    };
    let json = found.3;
    let preset = preset_json(found);
    if preset["ok"] != true {
        return preset;
    }
    let samples = preset["samples"].to_string();
    api::simulate(json, "json", &samples, options_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_like_the_file_system() {
        assert_eq!(normalize("./users/../users/a.json"), "users/a.json");
        assert_eq!(extension("users/a.JSON"), "json");
        assert_eq!(extension(".hidden"), "");
    }

    #[test]
    fn files_are_sorted_by_path() {
        for (name, files, _, _) in PRESETS {
            assert!(files.windows(2).all(|w| w[0].0 < w[1].0), "{name}");
        }
    }

    #[test]
    fn every_preset_parses() {
        for p in examples().as_array().into_iter().flatten() {
            assert_eq!(p["ok"], true, "{p}");
            assert!(
                p["samples"].as_array().is_some_and(|s| !s.is_empty()),
                "{p}"
            );
        }
    }
}
