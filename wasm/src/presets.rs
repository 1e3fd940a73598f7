//! The presets: the configs of `examples/` and their sample users, which
//! the page fetches as `examples.json` (written by `build.rs`, copied to the
//! site by `cargo xtask playground`) and hands to [`examples`], so the page
//! offers exactly the files `rolemap simulate examples/<folder>/<config>.toml`
//! (or `rolemap simulate examples/<folder>/grafana.ini examples/<folder>/users`)
//! reads. They are data beside the module, not inside it.

use rolemap_simulate::samples::{GRAFANA_SAMPLE_EXTENSIONS, SAMPLE_EXTENSIONS};
use serde_json::Value as Json;

use crate::api::{self, failure, object};

/// The folder of a Grafana example's sample users (a Grafana config names
/// no samples; `rolemap simulate grafana.ini users` reads this folder).
const GRAFANA_SAMPLES: &str = "users";

/// A preset as `examples.json` holds it: its name (the folder, plus
/// `/<config stem>` for a config other than `pangolin.toml` or
/// `grafana.ini`), its target (`pangolin` or `grafana`), the config's path,
/// the config's text (Pangolin's converted to JSON by `build.rs`, Grafana's
/// INI as written), and the folder's files (path relative to the folder,
/// with `/`, and text; sorted by path).
struct Preset<'a> {
    name: &'a str,
    grafana: bool,
    config_path: &'a str,
    config: &'a str,
    files: Vec<(&'a str, &'a str)>,
}

impl<'a> Preset<'a> {
    fn read(v: &'a Json) -> Option<Self> {
        let files = v["files"]
            .as_array()?
            .iter()
            .map(|f| Some((f[0].as_str()?, f[1].as_str()?)))
            .collect::<Option<Vec<_>>>()?;
        let grafana = match v["target"].as_str()? {
            "pangolin" => false,
            "grafana" => true,
            _ => return None,
        };
        Some(Preset {
            name: v["name"].as_str()?,
            grafana,
            config_path: v["configPath"].as_str()?,
            config: v["config"].as_str()?,
            files,
        })
    }
}

/// The presets of `examples.json`'s text.
fn read_presets(text: &str) -> Result<Vec<Json>, Json> {
    match serde_json::from_slice::<Json>(text.as_bytes()) {
        Ok(Json::Array(items)) if items.iter().all(|p| Preset::read(p).is_some()) => Ok(items),
        _ => Err(failure(
            "presets",
            "examples.json is not a list of presets: rebuild the playground (`cargo xtask playground`)",
        )),
    }
}

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
fn sample_files<'a>(
    files: &[(&'a str, &'a str)],
    config_path: &str,
    entries: &[String],
    extensions: &[&str],
) -> Vec<(&'a str, &'a str)> {
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
                        && extensions.contains(&extension(rest).as_str())
                })
            })
            .copied();
        out.extend(inside);
    }
    out
}

/// A preset's samples as the page holds them (`{label, path, text}`).
fn samples_json(files: Vec<(&str, &str)>) -> Json {
    files
        .into_iter()
        .map(|(p, t)| {
            object(vec![
                ("label", file_name(p).into()),
                ("path", p.into()),
                ("text", t.into()),
            ])
        })
        .collect::<Vec<Json>>()
        .into()
}

/// A Grafana preset: its INI text as written and the sample users of its
/// `users` folder (the module that reads them is the Grafana one).
fn grafana_preset_json(preset: &Preset<'_>) -> Json {
    let entries = [GRAFANA_SAMPLES.to_string()];
    let files = sample_files(
        &preset.files,
        preset.config_path,
        &entries,
        GRAFANA_SAMPLE_EXTENSIONS,
    );
    object(vec![
        ("ok", true.into()),
        ("name", preset.name.into()),
        ("target", "grafana".into()),
        ("title", preset.name.into()),
        ("configPath", preset.config_path.into()),
        ("configText", preset.config.into()),
        ("samples", samples_json(files)),
    ])
}

/// A preset's config (as written, as JSON, normalized) and samples
/// (`{label, path, text}`).
fn preset_json(preset: &Preset<'_>) -> Json {
    if preset.grafana {
        return grafana_preset_json(preset);
    }
    let normalized = api::normalize_config(preset.config, "json");
    let entries: Vec<String> = match api::parse_config(preset.config, "json") {
        Ok(c) => c.samples,
        Err(e) => return e,
    };
    let files = sample_files(
        &preset.files,
        preset.config_path,
        &entries,
        SAMPLE_EXTENSIONS,
    );
    let title = normalized["config"]["idp"]["name"]
        .as_str()
        .unwrap_or(preset.name)
        .to_string();
    object(vec![
        ("ok", normalized["ok"].clone()),
        ("name", preset.name.into()),
        ("target", "pangolin".into()),
        ("title", title.into()),
        ("configPath", preset.config_path.into()),
        ("configJson", preset.config.into()),
        ("config", normalized["config"].clone()),
        ("error", normalized["error"].clone()),
        ("samples", samples_json(files)),
    ])
}

/// `examples(presets)`: every preset of `examples.json`'s text, with its
/// config as JSON, both as written and normalized (see
/// [`api::normalize_config`]), and its samples.
pub fn examples(presets: &str) -> Json {
    match read_presets(presets) {
        Ok(items) => Json::Array(
            items
                .iter()
                .filter_map(Preset::read)
                .map(|p| preset_json(&p))
                .collect(),
        ),
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `build.rs` wrote for the page.
    const PRESETS: &str = include_str!(concat!(env!("OUT_DIR"), "/presets.json"));

    #[test]
    fn paths_resolve_like_the_file_system() {
        assert_eq!(normalize("./users/../users/a.json"), "users/a.json");
        assert_eq!(extension("users/a.JSON"), "json");
        assert_eq!(extension(".hidden"), "");
    }

    #[test]
    fn files_are_sorted_by_path() {
        let items = read_presets(PRESETS).expect("presets.json");
        for p in items.iter().filter_map(Preset::read) {
            assert!(p.files.windows(2).all(|w| w[0].0 < w[1].0), "{}", p.name);
        }
    }

    #[test]
    fn every_preset_parses() {
        let all = examples(PRESETS);
        assert!(all.as_array().is_some_and(|a| !a.is_empty()), "{all}");
        for p in all.as_array().into_iter().flatten() {
            assert_eq!(p["ok"], true, "{p}");
            assert!(
                p["samples"].as_array().is_some_and(|s| !s.is_empty()),
                "{p}"
            );
        }
    }

    #[test]
    fn grafana_presets_carry_their_ini_and_users() {
        let all = examples(PRESETS);
        let keycloak = all
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "grafana-keycloak");
        let Some(p) = keycloak else {
            panic!("no grafana-keycloak preset: {all}");
        };
        assert_eq!(p["target"], "grafana", "{p}");
        assert_eq!(p["configPath"], "grafana.ini", "{p}");
        assert!(p["configText"]
            .as_str()
            .is_some_and(|t| t.contains("[auth.generic_oauth]")));
        assert_eq!(p["samples"][0]["path"], "users/alice.json", "{p}");
    }

    #[test]
    fn a_preset_simulates_as_written_and_as_the_page_holds_it() {
        let all = examples(PRESETS);
        let Some(p) = all
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "pocket-id")
        else {
            panic!("no pocket-id preset: {all}");
        };
        let samples = p["samples"].to_string();
        let config = p["configJson"].as_str().unwrap_or("");
        let written = api::simulate(config, "json", &samples, "{}");
        assert_eq!(written["ok"], true, "{written}");
        let held = api::simulate(&p["config"].to_string(), "json", &samples, "{}");
        assert_eq!(held["outcomes"], written["outcomes"]);
    }

    #[test]
    fn bad_presets_text_is_an_error() {
        for text in ["", "{}", "[1]", r#"[{"name": "x"}]"#] {
            let r = examples(text);
            assert_eq!(r["ok"], false, "{text}: {r}");
            assert_eq!(r["error"]["kind"], "presets", "{text}: {r}");
        }
    }
}
