//! The playground's Grafana target: Grafana's generic OAuth login
//! simulated on a `grafana.ini` (or `.env`) text and sample users, with the
//! same code `rolemap simulate grafana.ini ...` runs. Built only into the
//! Grafana module (cargo feature `grafana`), which the page loads when the
//! Grafana target is chosen.

use std::path::Path;

use rolemap_simulate::grafana::config::boolean;
use rolemap_simulate::grafana::{ini, simulate, GrafanaConfig, GrafanaSample, Settings, Source};
use serde_json::Value as Json;

use crate::api::{failure, object, to_json, SampleText};

/// The configuration of `text`, read as the file `file_name` (an INI file,
/// or an env file when the name says so; never YAML, which the module has
/// no reader for).
fn config(text: &str, file_name: &str) -> Result<GrafanaConfig, Json> {
    let settings = Settings::parse_plain(Path::new(file_name), text)
        .map_err(|e| failure("config", format!("{file_name}: {e}")))?;
    GrafanaConfig::new(settings).map_err(|e| failure("config", e))
}

/// The samples as Grafana's login reads them (claims, a JWT, or an object
/// of `id_token`, `userinfo`, `access_token`).
fn samples(samples_json: &str) -> Result<Vec<GrafanaSample>, Json> {
    SampleText::read_all(samples_json)?
        .iter()
        .map(|s| GrafanaSample::from_text(&s.label, &s.text).map_err(|e| failure("sample", e)))
        .collect()
}

/// `simulateGrafana(config, fileName, samples)`: each sample's login,
/// `{ok, outcomes}`, the outcomes as `rolemap simulate --output json`
/// writes them.
pub fn simulate_grafana(config_text: &str, file_name: &str, samples_json: &str) -> Json {
    let cfg = match config(config_text, file_name) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let samples = match samples(samples_json) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let outcomes: Vec<Json> = samples
        .iter()
        .map(|s| to_json(&simulate(&cfg, s)))
        .collect();
    object(vec![("ok", true.into()), ("outcomes", outcomes.into())])
}

/// `readGrafanaIni(text)`: the sections of an INI text as Grafana reads
/// them, `{ok, sections: [{name, entries: [{key, raw, value, flag,
/// line}]}]}`, each value as written (`raw`), as Grafana sees it, and as
/// a boolean setting reads it (`flag`).
pub fn read_ini(text: &str) -> Json {
    match ini::parse(text) {
        Ok(sections) => {
            let sections: Vec<Json> = sections
                .iter()
                .map(|s| {
                    let entries: Vec<Json> = s
                        .entries
                        .iter()
                        .map(|e| {
                            object(vec![
                                ("key", e.key.as_str().into()),
                                ("raw", e.raw.as_str().into()),
                                ("value", e.value.as_str().into()),
                                ("flag", boolean(Some(&e.value)).into()),
                                ("line", e.line.into()),
                            ])
                        })
                        .collect();
                    object(vec![
                        ("name", s.name.as_str().into()),
                        ("entries", entries.into()),
                    ])
                })
                .collect();
            object(vec![("ok", true.into()), ("sections", sections.into())])
        }
        Err(e) => failure("config", format!("grafana.ini: {e}")),
    }
}

/// `grafanaSources(label, text)`: the claim sources of one sample,
/// `{ok, sources: [{source, claims}], dropped: [{source, reason}]}`, in the
/// order the login reads them.
pub fn sources(label: &str, text: &str) -> Json {
    let sample = match GrafanaSample::from_text(label, text) {
        Ok(s) => s,
        Err(e) => return failure("sample", e),
    };
    let present: Vec<Json> = [Source::IdToken, Source::Userinfo, Source::AccessToken]
        .into_iter()
        .filter_map(|src| {
            sample.source(src).map(|claims| {
                object(vec![
                    ("source", src.name().into()),
                    ("claims", claims.clone()),
                ])
            })
        })
        .collect();
    let dropped: Vec<Json> = sample
        .dropped
        .iter()
        .map(|(src, why)| {
            object(vec![
                ("source", src.name().into()),
                ("reason", why.as_str().into()),
            ])
        })
        .collect();
    object(vec![
        ("ok", true.into()),
        ("sources", present.into()),
        ("dropped", dropped.into()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    const INI: &str = "[auth.generic_oauth]\nenabled = true\nrole_attribute_path = contains(groups[*], 'admin') && 'Admin' || 'Viewer'\n";

    fn sample(label: &str, text: &str) -> String {
        serde_json::json!([{ "label": label, "text": text }]).to_string()
    }

    #[test]
    fn a_login_is_simulated_as_the_command_does() {
        let r = simulate_grafana(
            INI,
            "grafana.ini",
            &sample("alice.json", r#"{"sub": "1", "groups": ["admin"]}"#),
        );
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["outcomes"][0]["target"], "grafana", "{r}");
        assert_eq!(r["outcomes"][0]["role"], "Admin", "{r}");
        assert_eq!(r["outcomes"][0]["role_source"], "id_token", "{r}");
        // No groups in the ID token: the retry on {"groups": []} gives the
        // fallback at the first source (grafana/grafana#106686).
        let r = simulate_grafana(
            INI,
            "grafana.ini",
            &sample(
                "bob.json",
                r#"{"id_token": {"sub": "2"}, "userinfo": {"groups": ["admin"]}}"#,
            ),
        );
        assert_eq!(r["outcomes"][0]["role"], "Viewer", "{r}");
        assert_eq!(r["outcomes"][0]["role_source"], "id_token", "{r}");
    }

    #[test]
    fn bad_input_is_an_error_naming_it() {
        let r = simulate_grafana("[auth.generic_oauth", "grafana.ini", "[]");
        assert_eq!(r["error"]["kind"], "config", "{r}");
        assert!(
            r["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("line 1")),
            "{r}"
        );
        let r = simulate_grafana(INI, "grafana.ini", &sample("x.json", "{"));
        assert_eq!(r["error"]["kind"], "sample", "{r}");
        let r = simulate_grafana(INI, "grafana.ini", "{}");
        assert_eq!(r["error"]["kind"], "samples", "{r}");
    }

    #[test]
    fn ini_values_come_as_written_and_as_read() {
        let r = read_ini("[auth.generic_oauth]\nrole_attribute_path = \"'Admin'\" ; comment\n");
        let entry = &r["sections"][1]["entries"][0];
        assert_eq!(entry["key"], "role_attribute_path", "{r}");
        assert_eq!(entry["raw"], "\"'Admin'\" ; comment", "{r}");
        assert_eq!(entry["value"], "'Admin'", "{r}");
        assert_eq!(entry["flag"], false, "{r}");
        let r = read_ini("[auth.generic_oauth]\nrole_attribute_strict = True\n");
        assert_eq!(r["sections"][1]["entries"][0]["flag"], true, "{r}");
        assert_eq!(read_ini("[x")["ok"], false);
    }

    #[test]
    fn sources_come_in_the_order_the_login_reads_them() {
        let r = sources(
            "a.json",
            r#"{"access_token": {"b": 2}, "id_token": {"a": 1}}"#,
        );
        assert_eq!(r["sources"][0]["source"], "id_token", "{r}");
        assert_eq!(r["sources"][1]["source"], "access_token", "{r}");
        assert_eq!(r["sources"][1]["claims"]["b"], 2, "{r}");
    }
}
