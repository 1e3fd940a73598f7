//! Mapping-test files for a Grafana configuration (`rolemap test`): the
//! same layout as Pangolin's, with Grafana's fields.
//!
//! ```toml
//! config = "grafana.ini"            # an .ini, .env or Helm values file, relative to this file
//!
//! [[cases]]
//! name = "alice is Admin"           # optional (default: the sample's label)
//! sample = "users/alice.json"       # a sample file or folder; or inline `claims = {...}`
//! patch = { "auth.generic_oauth" = { role_attribute_strict = "true" } }  # optional: settings for this case
//! ok = true
//! message = "..."                   # optional: what the user sees when it fails
//! login = "alice"                   # optional, like email, display_name, role, role_source, server_admin
//! orgs = [{ org = "1", role = "Admin" }]   # optional: every org role
//! groups = ["admins"]               # optional
//! hints = ["decided-at-first-source"]      # optional: hint codes that must be reported
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value as Json;

use super::config::GrafanaConfig;
use super::outcome::{GrafanaOutcome, OrgRole};
use super::settings::{is_grafana_config, Settings};
use super::sources::{load_samples, GrafanaSample};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    config: String,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ExpectedOrg {
    org: String,
    role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sample: Option<String>,
    #[serde(default)]
    claims: Option<Json>,
    #[serde(default)]
    patch: BTreeMap<String, BTreeMap<String, String>>,
    ok: bool,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    login: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    role_source: Option<String>,
    #[serde(default)]
    server_admin: Option<bool>,
    #[serde(default)]
    orgs: Option<Vec<ExpectedOrg>>,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    hints: Vec<String>,
}

/// Whether the test file at `path` (TOML) names a Grafana configuration.
pub fn is_grafana_test_file(path: &Path, text: &str) -> bool {
    let Ok(v) = toml::from_str::<toml::Value>(text) else {
        return false;
    };
    v.get("config")
        .and_then(toml::Value::as_str)
        .is_some_and(|c| is_grafana_config(&path.parent().unwrap_or(Path::new(".")).join(c)))
}

fn compare(diff: &mut Vec<String>, what: &str, want: Option<String>, got: Option<String>) {
    if let Some(w) = want {
        if Some(&w) != got.as_ref() {
            diff.push(format!("{what}: expected {w:?}, got {got:?}"));
        }
    }
}

fn check(case: &Case, o: &GrafanaOutcome) -> Vec<String> {
    let mut diff = Vec::new();
    if case.ok != o.ok {
        diff.push(format!(
            "ok: expected {}, got {} ({})",
            case.ok,
            o.ok,
            o.message.clone().unwrap_or_default()
        ));
    }
    compare(
        &mut diff,
        "message",
        case.message.clone(),
        o.message.clone(),
    );
    compare(&mut diff, "login", case.login.clone(), o.login.clone());
    compare(&mut diff, "email", case.email.clone(), o.email.clone());
    compare(&mut diff, "name", case.display_name.clone(), o.name.clone());
    compare(&mut diff, "role", case.role.clone(), o.role.clone());
    compare(
        &mut diff,
        "role_source",
        case.role_source.clone(),
        o.role_source.map(str::to_string),
    );
    if let Some(w) = case.server_admin {
        if o.server_admin != Some(w) {
            diff.push(format!(
                "server_admin: expected {w}, got {:?}",
                o.server_admin
            ));
        }
    }
    if let Some(want) = &case.orgs {
        let got: Vec<(String, String)> = o
            .orgs
            .iter()
            .map(|OrgRole { org, role }| (org.clone(), role.clone()))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|e| (e.org.clone(), e.role.clone()))
            .collect();
        if got != want {
            diff.push(format!("orgs: expected {want:?}, got {got:?}"));
        }
    }
    if let Some(want) = &case.groups {
        if want != &o.groups {
            diff.push(format!("groups: expected {want:?}, got {:?}", o.groups));
        }
    }
    for code in &case.hints {
        if !o.hints.iter().any(|h| h.code == code.as_str()) {
            let got: Vec<&str> = o.hints.iter().map(|h| h.code.as_str()).collect();
            diff.push(format!("hint `{code}` not reported (got {got:?})"));
        }
    }
    diff
}

/// One case (per sample) of a test file.
#[derive(Clone, Debug, PartialEq)]
pub struct GrafanaCaseReport {
    /// The case's name.
    pub name: String,
    /// Whether the outcome is as expected.
    pub passed: bool,
    /// What differs, one line each.
    pub diff: Vec<String>,
    /// The outcome.
    pub outcome: GrafanaOutcome,
}

/// Runs a Grafana test file: one report per case and sample.
pub fn run_test_file(path: &Path) -> Result<Vec<GrafanaCaseReport>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the file: {}",
            path.display(),
            crate::read_reason(&e)
        )
    })?;
    let file: File =
        toml::from_str(&text).map_err(|e| format!("{}: TOML error: {e}", path.display()))?;
    let base = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let settings = Settings::load(&base.join(&file.config)).map_err(|e| e.to_string())?;
    let mut cases = Vec::new();
    for (i, case) in file.cases.iter().enumerate() {
        let mut s = settings.clone();
        for (section, keys) in &case.patch {
            for (k, v) in keys {
                s.patch(section, k, v);
            }
        }
        let cfg = GrafanaConfig::new(s)?;
        let samples: Vec<GrafanaSample> = match (&case.sample, &case.claims) {
            (Some(p), _) => load_samples(&base.join(p))?,
            (None, Some(c)) => vec![GrafanaSample::from_json("claims", c.clone())?],
            (None, None) => {
                return Err(format!(
                    "{}: case {}: give `sample` or `claims`",
                    path.display(),
                    i + 1
                ))
            }
        };
        for sample in &samples {
            let o = super::simulate(&cfg, sample);
            let diff = check(case, &o);
            cases.push(GrafanaCaseReport {
                name: case.name.clone().unwrap_or_else(|| sample.label.clone()),
                passed: diff.is_empty(),
                diff,
                outcome: o,
            });
        }
    }
    Ok(cases)
}
