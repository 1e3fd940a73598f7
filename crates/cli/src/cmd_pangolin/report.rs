//! The pieces of `rolemap pangolin check` and `apply` reports: every
//! mapping of a config linted as what it is, and expectations (a
//! mapping-test file) run against a config that came from a server.

use std::collections::HashSet;
use std::path::Path;

use rolemap_lint::{lint, Diagnostic, ExprRole, LintOptions, Severity};
use rolemap_simulate::builder::unwrap_role_mapping;
use rolemap_simulate::testfile::{run_loaded, TestFile};
use rolemap_simulate::{Config, Format, TestReport};
use serde::Serialize;
use serde_json::Value as Json;

use crate::style::{paint, Paint};
use crate::terminal::Shown;
use crate::Failure;

/// The findings for one field of the config.
#[derive(Debug, Serialize)]
pub struct LintItem {
    /// The field, `idp.identifier_path` or `orgs["acme"].role_mapping`.
    pub field: String,
    /// The org it belongs to (none for the IdP's own fields).
    pub org: Option<String>,
    /// The expression linted (a builder value's expression).
    pub expression: String,
    /// The findings not already reported for the same expression.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintItem {
    /// How many findings are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

fn present(v: Option<&String>) -> Option<&str> {
    v.map(String::as_str).filter(|s| !s.trim().is_empty())
}

/// One expression to lint, and where it is used.
struct Target {
    field: String,
    org: Option<String>,
    expression: String,
    role: ExprRole,
    roles: Option<Vec<String>>,
}

/// Every expression of `config` as what it is used for: the IdP's paths
/// and default mappings, then for each org the role and org mapping it
/// uses (its own, or the IdP's default).
fn targets(config: &Config) -> Vec<Target> {
    let idp = &config.idp;
    let target = |field: &str, expression: &str, role| Target {
        field: field.to_string(),
        org: None,
        expression: expression.to_string(),
        role,
        roles: None,
    };
    let mut out = vec![target(
        "idp.identifier_path",
        &idp.identifier_path,
        ExprRole::Path,
    )];
    for (field, v) in [
        ("idp.email_path", &idp.email_path),
        ("idp.name_path", &idp.name_path),
    ] {
        if let Some(e) = present(v.as_ref()) {
            out.push(target(field, e, ExprRole::Path));
        }
    }
    let default_role =
        present(idp.default_role_mapping.as_ref()).map(|r| unwrap_role_mapping(r).expression);
    if let Some(e) = &default_role {
        out.push(target("idp.default_role_mapping", e, ExprRole::RoleMapping));
    }
    let default_org = present(idp.default_org_mapping.as_ref()).map(str::to_string);
    if let Some(e) = &default_org {
        out.push(target("idp.default_org_mapping", e, ExprRole::OrgMapping));
    }
    for org in &config.orgs {
        let name = quote(&org.id);
        let own_role = org.stored_role_mapping().filter(|s| !s.trim().is_empty());
        let role = match own_role {
            Some(r) => Some((
                format!("orgs[{name}].role_mapping"),
                unwrap_role_mapping(&r).expression,
            )),
            None => default_role
                .clone()
                .map(|e| (format!("orgs[{name}].role_mapping (the IdP's default)"), e)),
        };
        if let Some((field, expression)) = role {
            out.push(Target {
                field,
                org: Some(org.id.clone()),
                expression,
                role: ExprRole::RoleMapping,
                roles: Some(org.roles.clone()),
            });
        }
        let org_map = match present(org.org_mapping.as_ref()) {
            Some(e) => Some((format!("orgs[{name}].org_mapping"), e.to_string())),
            None => default_org
                .clone()
                .map(|e| (format!("orgs[{name}].org_mapping (the IdP's default)"), e)),
        };
        if let Some((field, expression)) = org_map {
            out.push(Target {
                field,
                org: Some(org.id.clone()),
                expression,
                role: ExprRole::OrgMapping,
                roles: None,
            });
        }
    }
    out
}

/// Lints every expression of `config` as what it is used for (paths,
/// default mappings, each org's role and org mapping with its roles and
/// id), with `claims` as samples. A finding already reported for the same
/// expression is not repeated.
pub fn lint_config(config: &Config, claims: &[Json]) -> Vec<LintItem> {
    let edition = config.pangolin.edition.as_str().parse().unwrap_or_default();
    let mut seen: HashSet<(String, &'static str, String)> = HashSet::new();
    targets(config)
        .into_iter()
        .map(|t| {
            let opts = LintOptions {
                role: t.role,
                claims: claims.to_vec(),
                roles: t.roles,
                edition,
                org_id: t.org.clone().filter(|_| t.role == ExprRole::OrgMapping),
                ..LintOptions::default()
            };
            let diagnostics = lint(&t.expression, &opts)
                .diagnostics
                .into_iter()
                .filter(|d| seen.insert((t.expression.clone(), d.code, d.message.clone())))
                .collect();
            LintItem {
                field: t.field,
                org: t.org,
                expression: t.expression,
                diagnostics,
            }
        })
        .collect()
}

/// The lint findings as text (fields without findings left out).
pub fn lint_text(items: &[LintItem], color: bool) -> Shown {
    let mut text = Shown::new();
    for item in items.iter().filter(|i| !i.diagnostics.is_empty()) {
        text.push(shown![
            "  ",
            paint(color, Paint::Bold, &item.field),
            ": ",
            quote(&item.expression),
            "\n"
        ]);
        for d in &item.diagnostics {
            let p = match d.severity {
                Severity::Error => Paint::Red,
                Severity::Warning => Paint::Yellow,
                Severity::Info => Paint::Cyan,
            };
            let head = format!("{}[{} {}]", d.severity, d.code, d.name);
            text.push(shown!["    ", paint(color, p, head), " ", &d.message, "\n"]);
            if let Some(h) = &d.help {
                text.push(shown![
                    "      ",
                    paint(color, Paint::Cyan, "help:"),
                    " ",
                    h,
                    "\n"
                ]);
            }
        }
    }
    if text.is_empty() {
        text.push(shown!["  ", paint(color, Paint::Green, "no finding"), "\n"]);
    }
    text
}

/// `s` quoted as a JSON string: values from a server shown unambiguously.
pub fn quote(s: &str) -> String {
    rolemap_pangolin_api::quote(s)
}

/// Reads a mapping-test file and runs it with `config` in place of the
/// file's own `config` (which may be absent).
pub fn run_expectations(path: &Path, config: &Config) -> Result<TestReport, Failure> {
    let name = path.display().to_string();
    let source = crate::input::read_file(path)?;
    let format = Format::from_path(path).ok_or_else(|| {
        Failure::input(format!("{name}: cannot tell the format from the extension: name it `.toml`, `.json`, `.yaml` or `.yml`"))
    })?;
    let parsed: Result<Json, String> = match format {
        Format::Toml => toml::from_str::<toml::Value>(&source.text)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string())),
        Format::Json => serde_json::from_str(&source.text).map_err(|e| e.to_string()),
        Format::Yaml => serde_norway::from_str(&source.text).map_err(|e| e.to_string()),
    };
    let mut value =
        parsed.map_err(|e| Failure::input(format!("{name}: {format} error: {}", e.trim())))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(Failure::input(format!(
            "{name}: expected a mapping-test file (a table with `cases`)"
        )));
    };
    let config_value = serde_json::to_value(config)
        .map_err(|e| Failure::input(format!("{name}: cannot use the server's config: {e}")))?;
    obj.insert("config".into(), config_value);
    let file: TestFile = serde_json::from_value(value)
        .map_err(|e| Failure::input(format!("{name}: not a mapping-test file: {e}")))?;
    run_loaded(path, file).map_err(|e| Failure::input(e.to_string()))
}

/// The failed expectations as text.
pub fn expectations_text(report: &TestReport, color: bool) -> Shown {
    let mut text = Shown::new();
    for case in report.cases.iter().filter(|c| !c.passed) {
        text.push(shown![
            "  ",
            paint(color, Paint::Red, "FAIL"),
            " ",
            Shown::line(&case.name),
            "\n"
        ]);
        for line in &case.diff {
            text.push(shown!["      ", line, "\n"]);
        }
    }
    text.push(format!(
        "  {} passed, {} failed\n",
        report.passed_count(),
        report.failed_count()
    ));
    text
}
