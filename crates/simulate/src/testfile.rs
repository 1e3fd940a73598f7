//! Mapping-test files (`rolemap test FILE...`): a config, sample users and
//! the outcome each must get, so that a CI catches a mapping that stops
//! doing what it should. TOML, JSON or YAML, chosen by extension.
//!
//! ```toml
//! config = "pangolin.toml"        # a path (relative to this file) or an inline [config] table
//! all_claims = false              # optional: ignore scopes for every case
//!
//! [[cases]]
//! name = "admins get Admin"       # optional (default: the sample's label)
//! sample = "users/alice.json"     # a claims file, JWT, JSONL or folder; or inline:
//! # claims = { sub = "1", preferred_username = "alice", groups = ["admin"] }
//! # config = "other.toml"        # optional: this case uses another config file
//! status = 201
//! message = "OIDC callback validated successfully"     # optional
//! identifier = "alice"            # optional
//! email = "alice@example.com"     # optional (display_name = ... too)
//! nulls = ["display_name"]        # optional: fields expected null (TOML has no null)
//! patch = { pangolin = { edition = "enterprise" } }  # optional: change the config for this case
//! orgs = [{ org = "home-lab", roles = ["Admin"], auto = true }]  # optional (`auto` too)
//! hints = ["role-case"]           # optional: hint codes that must be reported
//! ```
//!
//! Roles are compared as sets; `orgs`, when given, must list every
//! membership. A sample file holding several samples (JSONL, a folder) makes
//! one case per sample, each expected to get the same outcome.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use rolemap_escape::{quoted, quoted_list};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::config::Config;
use crate::error::{ConfigError, Error};
use crate::login::{Options, Simulator};
use crate::outcome::Outcome;
use crate::samples::{load_samples, Claims, Sample};
use crate::structured;

/// The config of a test file: a path or inline.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigRef {
    /// A config file, relative to the test file.
    Path(String),
    /// The config itself.
    Inline(Box<Config>),
}

impl<'de> Deserialize<'de> for ConfigRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConfigRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a config file path or an inline config table")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ConfigRef, E> {
                Ok(ConfigRef::Path(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ConfigRef, A::Error> {
                Config::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|c| ConfigRef::Inline(Box::new(c)))
            }
        }
        d.deserialize_any(V)
    }
}

/// An expected membership.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedOrg {
    /// Org id.
    pub org: String,
    /// Role names (compared as a set).
    pub roles: Vec<String>,
    /// Whether it is auto-provisioned (unchecked when absent).
    #[serde(default)]
    pub auto: Option<bool>,
}

/// A value that is present, even when it is null.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(d).map(Some)
}

/// One case of a test file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A name (default: the sample's label).
    #[serde(default)]
    pub name: Option<String>,
    /// Sample file/folder, relative to the test file.
    #[serde(default)]
    pub sample: Option<String>,
    /// Inline claims.
    #[serde(default)]
    pub claims: Option<Json>,
    /// Another config file for this case.
    #[serde(default)]
    pub config: Option<String>,
    /// Changes to the config for this case, deep-merged into it (tables
    /// merge, other values replace): `patch = { idp = { scopes = "openid" } }`.
    #[serde(default)]
    pub patch: Option<Json>,
    /// Ignore scopes for this case.
    #[serde(default)]
    pub all_claims: Option<bool>,
    /// Expected HTTP status.
    pub status: u16,
    /// Expected message.
    #[serde(default)]
    pub message: Option<String>,
    /// Expected identifier.
    #[serde(default)]
    pub identifier: Option<String>,
    /// Expected email (as stored: lower-cased when truthy); an explicit
    /// null (JSON, YAML) expects null.
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Json>,
    /// Expected name of the user (the name path's value).
    #[serde(default, deserialize_with = "present")]
    pub display_name: Option<Json>,
    /// Fields expected to be null (`email`, `display_name`, `identifier`):
    /// TOML has no null.
    #[serde(default)]
    pub nulls: Vec<String>,
    /// Expected memberships.
    #[serde(default)]
    pub orgs: Option<Vec<ExpectedOrg>>,
    /// Hint codes that must be reported.
    #[serde(default)]
    pub hints: Vec<String>,
}

/// A whole test file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The config.
    pub config: ConfigRef,
    /// Ignore scopes for every case.
    #[serde(default)]
    pub all_claims: bool,
    /// The cases.
    pub cases: Vec<Case>,
}

/// The result of one case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// Whether the outcome is as expected.
    pub passed: bool,
    /// Expected vs actual, one line per difference (`- expected`, `+ actual`).
    pub diff: Vec<String>,
    /// The outcome.
    pub outcome: Outcome,
}

/// The results of a test file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestReport {
    /// The test file.
    pub file: PathBuf,
    /// One per case (per sample).
    pub cases: Vec<CaseReport>,
}

impl TestReport {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(|c| c.passed)
    }

    /// How many cases passed.
    pub fn passed_count(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// How many cases failed.
    pub fn failed_count(&self) -> usize {
        self.cases.len() - self.passed_count()
    }
}

impl fmt::Display for TestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.file.display())?;
        for c in &self.cases {
            writeln!(f, "  {} {}", if c.passed { "ok  " } else { "FAIL" }, c.name)?;
            for line in &c.diff {
                writeln!(f, "         {line}")?;
            }
        }
        write!(
            f,
            "{} passed, {} failed",
            self.passed_count(),
            self.failed_count()
        )
    }
}

fn invalid(path: &Path, key: String, problem: &str, fix: &str) -> Error {
    Error::Config(ConfigError::Invalid {
        path: path.to_path_buf(),
        key,
        problem: problem.into(),
        fix: fix.into(),
    })
}

/// Replaces TOML datetimes (which reach JSON as a private wrapper object)
/// with their text.
fn untoml(v: Json) -> Json {
    match v {
        Json::Object(m) => {
            if m.len() == 1 {
                if let Some(Json::String(s)) = m.get("$__toml_private_datetime") {
                    return Json::String(s.clone());
                }
            }
            Json::Object(m.into_iter().map(|(k, v)| (k, untoml(v))).collect())
        }
        Json::Array(a) => Json::Array(a.into_iter().map(untoml).collect()),
        other => other,
    }
}

/// Runs a mapping-test file.
pub fn run_test_file(path: &Path) -> Result<TestReport, Error> {
    let file: TestFile = structured::load(path)?;
    run_loaded(path, file)
}

/// A misspelt hint code would only ever fail its case: a mistake in the
/// file, not in the mapping. `Err` names the first, with the nearest code.
fn check_hint_codes(path: &Path, cases: &[Case]) -> Result<(), Error> {
    for (i, case) in cases.iter().enumerate() {
        for (j, code) in case.hints.iter().enumerate() {
            let codes = crate::HintCode::PANGOLIN;
            if !codes.iter().any(|c| c == code.as_str()) {
                let near = codes
                    .iter()
                    .map(|c| (strsim::levenshtein(c.as_str(), code), c))
                    .min_by_key(|(d, _)| *d)
                    .filter(|(d, _)| *d <= 3);
                let fix = match near {
                    Some((_, c)) => format!("did you mean `{c}`?"),
                    None => format!(
                        "use one of: {}",
                        codes
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Err(invalid(
                    path,
                    format!("cases[{i}].hints[{j}]"),
                    &format!("names no hint: `{code}`"),
                    &fix,
                ));
            }
        }
    }
    Ok(())
}

/// The samples of the `i`th case: its `sample` file(s) (relative to
/// `base`), or its inline `claims`; exactly one of the two.
fn case_samples(path: &Path, base: &Path, i: usize, case: &Case) -> Result<Vec<Sample>, Error> {
    let key = |k: &str| format!("cases[{i}].{k}");
    Ok(match (&case.sample, &case.claims) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                path,
                key("claims"),
                "is set together with `sample`",
                "keep only one of them",
            ))
        }
        (None, None) => {
            return Err(invalid(
                path,
                format!("cases[{i}]"),
                "has neither `sample` nor `claims`",
                "add `sample = \"users/alice.json\"` or inline `claims = { ... }`",
            ))
        }
        (Some(s), None) => load_samples(&base.join(s))?,
        (None, Some(c)) => {
            let claims = Claims::from_json(untoml(c.clone())).map_err(|found| {
                invalid(
                    path,
                    key("claims"),
                    &format!("is {found}, not a JSON object"),
                    "write the token's claims as a table/object",
                )
            })?;
            vec![Sample::new(
                case.name.clone().unwrap_or_else(|| format!("cases[{i}]")),
                claims,
            )]
        }
    })
}

/// Runs an already parsed test file; `path` anchors relative paths.
pub fn run_loaded(path: &Path, file: TestFile) -> Result<TestReport, Error> {
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    // Load every config once.
    let mut configs: Vec<Config> = Vec::new();
    let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
    let main = match file.config {
        ConfigRef::Path(p) => {
            let p = base.join(p);
            let c = Config::load(&p)?;
            by_path.insert(p, 0);
            c
        }
        ConfigRef::Inline(c) => {
            let mut c = *c;
            c.source = Some(path.to_path_buf());
            c.validate()?;
            c
        }
    };
    configs.push(main);
    check_hint_codes(path, &file.cases)?;
    let mut case_config = Vec::new();
    for case in &file.cases {
        let idx = match &case.config {
            None => 0,
            Some(p) => {
                let p = base.join(p);
                match by_path.get(&p) {
                    Some(i) => *i,
                    None => {
                        configs.push(Config::load(&p)?);
                        by_path.insert(p, configs.len() - 1);
                        configs.len() - 1
                    }
                }
            }
        };
        case_config.push(idx);
    }
    // Patched configs, one per case that has a patch.
    let mut patched: Vec<Option<Config>> = Vec::new();
    for (i, (case, idx)) in file.cases.iter().zip(&case_config).enumerate() {
        patched.push(match &case.patch {
            None => None,
            Some(p) => Some(apply_patch(&configs[*idx], p, path, i)?),
        });
    }
    let simulators: Vec<Simulator<'_>> = configs.iter().map(Simulator::new).collect();
    let mut reports = Vec::new();
    for (i, (case, idx)) in file.cases.iter().zip(case_config).enumerate() {
        let samples = case_samples(path, &base, i, case)?;
        let options = Options {
            all_claims: case.all_claims.unwrap_or(file.all_claims),
            ..Options::default()
        };
        let many = samples.len() > 1;
        let own = patched[i].as_ref().map(Simulator::new);
        let simulator = own.as_ref().unwrap_or(&simulators[idx]);
        for s in &samples {
            let outcome = simulator.simulate(s, &options);
            let diff = compare(case, &outcome);
            let name = match (&case.name, many) {
                (Some(n), true) => format!("{n} ({})", s.label),
                (Some(n), false) => n.clone(),
                (None, _) => s.label.clone(),
            };
            reports.push(CaseReport {
                name,
                passed: diff.is_empty(),
                diff,
                outcome,
            });
        }
    }
    Ok(TestReport {
        file: path.to_path_buf(),
        cases: reports,
    })
}

/// Deep-merges `patch` into `base`: objects merge key by key, anything
/// else replaces.
fn merge(base: &mut Json, patch: &Json) {
    match (base, patch) {
        (Json::Object(b), Json::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, p) => *slot = p.clone(),
    }
}

fn apply_patch(config: &Config, patch: &Json, path: &Path, i: usize) -> Result<Config, Error> {
    let key = format!("cases[{i}].patch");
    let mut base = serde_json::to_value(config).map_err(|e| {
        invalid(
            path,
            key.clone(),
            &format!("cannot be applied: {e}"),
            "report this as a bug",
        )
    })?;
    merge(&mut base, &untoml(patch.clone()));
    let mut patched: Config = serde_json::from_value(base).map_err(|e| {
        invalid(
            path,
            key.clone(),
            &format!("gives an invalid config: {e}"),
            "patch only keys the config has, with values of the right type",
        )
    })?;
    patched.source = config.source.clone();
    patched.validate()?;
    Ok(patched)
}

fn show_org(org: &str, roles: &BTreeSet<&str>, auto: Option<bool>) -> String {
    let auto = match auto {
        Some(true) => " (auto)",
        Some(false) => " (manual)",
        None => "",
    };
    let roles: Vec<&str> = roles.iter().copied().collect();
    format!("{org} {}{auto}", quoted_list(&roles))
}

/// The differences between the expected memberships `orgs` and the
/// outcome's: `-` lines expected, `+` lines got.
fn compare_orgs(orgs: &[ExpectedOrg], outcome: &Outcome, diff: &mut Vec<String>) {
    let expected: BTreeMap<&str, (BTreeSet<&str>, Option<bool>)> = orgs
        .iter()
        .map(|o| {
            (
                o.org.as_str(),
                (o.roles.iter().map(String::as_str).collect(), o.auto),
            )
        })
        .collect();
    let actual: BTreeMap<&str, (BTreeSet<&str>, bool)> = outcome
        .orgs
        .iter()
        .map(|m| {
            (
                m.org,
                (m.roles.iter().map(String::as_str).collect(), m.auto),
            )
        })
        .collect();
    for (org, (roles, auto)) in &expected {
        match actual.get(org) {
            None => diff.push(format!(
                "- {}   (expected, missing)",
                show_org(org, roles, *auto)
            )),
            Some((aroles, aauto)) => {
                if aroles != roles || auto.is_some_and(|a| a != *aauto) {
                    diff.push(format!("- {}", show_org(org, roles, *auto)));
                    diff.push(format!("+ {}", show_org(org, aroles, Some(*aauto))));
                }
            }
        }
    }
    for (org, (roles, auto)) in &actual {
        if !expected.contains_key(org) {
            diff.push(format!(
                "+ {}   (unexpected)",
                show_org(org, roles, Some(*auto))
            ));
        }
    }
}

/// The differences between a case's expectations and an outcome.
pub fn compare(case: &Case, outcome: &Outcome) -> Vec<String> {
    let mut diff = Vec::new();
    if case.status != outcome.status {
        let note = if case.status == 200 && outcome.succeeded() {
            " (Pangolin answers 201 Created on success, never 200)"
        } else {
            ""
        };
        diff.push(format!(
            "status: expected {}, got {}{note}",
            case.status, outcome.status
        ));
    }
    if let Some(m) = &case.message {
        if *m != outcome.message {
            diff.push(format!(
                "message: expected {}, got {}",
                quoted(m),
                quoted(&outcome.message)
            ));
        }
    }
    if let Some(id) = &case.identifier {
        if Some(id) != outcome.identifier.as_ref() {
            let got = match &outcome.identifier {
                Some(actual) => quoted(actual),
                None => "no identifier".to_string(),
            };
            diff.push(format!("identifier: expected {}, got {got}", quoted(id)));
        }
    }
    if let Some(email) = &case.email {
        if *email != outcome.email {
            diff.push(format!("email: expected {email}, got {}", outcome.email));
        }
    }
    if let Some(name) = &case.display_name {
        if *name != outcome.name {
            diff.push(format!("name: expected {name}, got {}", outcome.name));
        }
    }
    for field in &case.nulls {
        let actual = match field.as_str() {
            "email" => outcome.email.clone(),
            "display_name" | "name" => outcome.name.clone(),
            "identifier" => outcome.identifier.clone().map_or(Json::Null, Json::String),
            other => {
                diff.push(format!(
                    "nulls: unknown field `{other}` (use email, display_name or identifier)"
                ));
                continue;
            }
        };
        if !actual.is_null() {
            diff.push(format!("{field}: expected null, got {actual}"));
        }
    }
    if let Some(orgs) = &case.orgs {
        compare_orgs(orgs, outcome, &mut diff);
    }
    for code in &case.hints {
        if !outcome.hints.iter().any(|h| h.code == code.as_str()) {
            let got = if outcome.hints.is_empty() {
                "no hint was reported".to_string()
            } else {
                let codes: Vec<String> = outcome
                    .hints
                    .iter()
                    .map(|h| format!("`{}`", h.code))
                    .collect();
                format!("reported: {}", codes.join(", "))
            };
            diff.push(format!("hint `{code}`: expected, not reported ({got})"));
        }
    }
    if !diff.is_empty() && !outcome.succeeded() {
        diff.push(format!(
            "  (actual: {} {})",
            outcome.status, outcome.message
        ));
        if let Some(e) = &outcome.error {
            diff.push(format!(
                "  (error in {}: {})",
                e.step,
                e.js_message.as_deref().unwrap_or(&e.message)
            ));
        }
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use serde_json::json;

    const CONFIG: &str = r#"
[idp]
scopes = "openid profile email groups"
identifier_path = "preferred_username"
auto_provision = true
default_role_mapping = "'Member'"

[[orgs]]
id = "home-lab"
roles = ["Member"]
"#;

    fn outcome(claims: Json) -> Outcome {
        let config = Config::parse(CONFIG, Format::Toml, Path::new("inline.toml"))
            .expect("the config parses");
        let claims = Claims::from_json(claims).expect("an object");
        Simulator::new(&config).simulate(&Sample::new("alice", claims), &Options::default())
    }

    fn case(v: Json) -> Case {
        serde_json::from_value(v).expect("a case")
    }

    /// Values are shown quoted (`"alice"`, `["Admin"]`, as the hints show them),
    /// never as Rust's debug output (`Some("alice")`, `None`).
    #[test]
    fn diffs_show_values_not_rust_debug_output() {
        let alice = outcome(json!({"sub": "1", "preferred_username": "alice"}));
        let expect = case(json!({
            "status": 201,
            "identifier": "ALICE",
            "message": "Welcome",
            "orgs": [{"org": "home-lab", "roles": ["Admin"]}],
            "hints": ["role-case"],
        }));
        assert_eq!(
            compare(&expect, &alice),
            vec![
                "message: expected \"Welcome\", got \"OIDC callback validated successfully\""
                    .to_string(),
                "identifier: expected \"ALICE\", got \"alice\"".to_string(),
                "- home-lab [\"Admin\"]".to_string(),
                "+ home-lab [\"Member\"] (auto)".to_string(),
                "hint `role-case`: expected, not reported (no hint was reported)".to_string(),
            ]
        );
    }

    #[test]
    fn a_missing_identifier_is_named_as_such() {
        let nobody = outcome(json!({"sub": "1"}));
        assert_eq!(nobody.identifier, None);
        let expect = case(json!({"status": 400, "identifier": "alice", "hints": ["role-case"]}));
        let diff = compare(&expect, &nobody);
        assert_eq!(
            diff.first().map(String::as_str),
            Some("identifier: expected \"alice\", got no identifier"),
            "{diff:#?}"
        );
        let hint = diff.get(1).map(String::as_str).unwrap_or_default();
        assert!(
            hint.starts_with("hint `role-case`: expected, not reported (reported: `"),
            "{diff:#?}"
        );
        assert!(
            diff.iter()
                .all(|l| !l.contains("Some(") && !l.contains("None")),
            "{diff:#?}"
        );
    }

    /// A hint code the simulator never reports is a mistake in the file: an
    /// error naming the case and the nearest code, not a failed case.
    #[test]
    fn misspelt_hint_codes_are_errors() {
        let file: TestFile = toml::from_str(&format!(
            "[config]\n{}\n[[cases]]\nstatus = 201\nclaims = {{ sub = \"1\" }}\nhints = [\"role-case\", \"role-cas\"]\n",
            CONFIG.replace("[idp]", "[config.idp]").replace("[[orgs]]", "[[config.orgs]]")
        ))
        .expect("the test file parses");
        let text = match run_loaded(Path::new("expect.toml"), file) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        assert!(text.contains("cases[0].hints[1]"), "{text}");
        assert!(text.contains("did you mean `role-case`?"), "{text}");
    }
}
