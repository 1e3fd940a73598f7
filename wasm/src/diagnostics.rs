//! Diagnostics for the editor: `rolemap-lint`'s findings (the same rules
//! `rolemap lint` runs) with UTF-16 ranges over the text of the field as
//! the admin typed it. The linter itself handles what Pangolin does to the
//! text before parsing (`{{orgId}}` in org mappings, the mapping builder's
//! wrapper in role mappings), so its spans are over the typed text.

use rolemap_engine::{Dialect, Expression};
use rolemap_lint::{Edition, ExprRole, LintOptions};
#[cfg(feature = "grafana")]
use rolemap_lint::{GrafanaOptions, Target};
use rolemap_simulate::builder::unwrap_role_mapping;
use serde_json::Value as Json;

use crate::api::{object, pair};
use crate::utf16;

/// Options of [`lint`], from JSON (read through the JSON reader the module
/// has anyway, not a deserializer of their own).
#[derive(Default)]
struct Options {
    /// `pangolin` (default) or `spec`: with `spec`, a text the spec's
    /// grammar rejects gets one more finding.
    dialect: Option<String>,
    /// Which field the text is from: `role_mapping`, `org_mapping`,
    /// `identifier_path`, `email_path`, `name_path`.
    field: Option<String>,
    /// Sample claims (JSON objects), as Pangolin receives them.
    claims: Vec<Json>,
    /// The organization's roles, when known.
    roles: Option<Vec<String>>,
    /// `oss`, `enterprise` or `cloud`.
    edition: Option<String>,
    /// The organization id, for org mappings (`orgId`).
    org_id: Option<String>,
}

/// A JSON object's fields, taken one by one with their expected type; a
/// field of another type is an error naming it.
struct Fields(serde_json::Map<String, Json>);

impl Fields {
    fn take(&mut self, key: &str) -> Option<Json> {
        self.0.remove(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("`{key}` must be a string")),
        }
    }

    fn array(&mut self, key: &str) -> Result<Option<Vec<Json>>, String> {
        match self.take(key) {
            None => Ok(None),
            Some(Json::Array(items)) => Ok(Some(items)),
            Some(_) => Err(format!("`{key}` must be an array")),
        }
    }

    #[cfg(feature = "grafana")]
    fn flag(&mut self, key: &str) -> Result<bool, String> {
        match self.take(key) {
            None => Ok(false),
            Some(Json::Bool(b)) => Ok(b),
            Some(_) => Err(format!("`{key}` must be true or false")),
        }
    }

    fn object(value: Json, what: &str) -> Result<Fields, String> {
        match value {
            Json::Object(m) => Ok(Fields(m)),
            _ => Err(format!("{what} must be a JSON object")),
        }
    }
}

impl Options {
    fn read(text: &str) -> Result<Options, String> {
        let value: Json = serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())?;
        let mut f = Fields::object(value, "the options")?;
        let roles = match f.array("roles")? {
            None => None,
            Some(items) => Some(
                items
                    .into_iter()
                    .map(|r| match r {
                        Json::String(s) => Ok(s),
                        _ => Err("`roles` must be an array of strings".to_string()),
                    })
                    .collect::<Result<Vec<String>, String>>()?,
            ),
        };
        Ok(Options {
            dialect: f.string("dialect")?,
            field: f.string("field")?,
            claims: f.array("claims")?.unwrap_or_default(),
            roles,
            edition: f.string("edition")?,
            org_id: f.string("orgId")?,
        })
    }
}

/// What Grafana's lint rules are told (`lintGrafana`'s options): the
/// setting's key (`field`), the samples' claims (every source), and the
/// settings the rules read.
#[cfg(feature = "grafana")]
struct GrafanaLintOptions {
    field: String,
    claims: Vec<Json>,
    allow_assign_grafana_admin: bool,
    role_attribute_strict: bool,
    skip_org_role_sync: bool,
    /// `org_mapping` as written (split as Grafana splits it).
    org_mapping: String,
}

#[cfg(feature = "grafana")]
impl GrafanaLintOptions {
    fn read(text: &str) -> Result<GrafanaLintOptions, String> {
        let value: Json = serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())?;
        let mut f = Fields::object(value, "the options")?;
        Ok(GrafanaLintOptions {
            field: f.string("field")?.unwrap_or_default(),
            claims: f.array("claims")?.unwrap_or_default(),
            allow_assign_grafana_admin: f.flag("allowAssignGrafanaAdmin")?,
            role_attribute_strict: f.flag("roleAttributeStrict")?,
            skip_org_role_sync: f.flag("skipOrgRoleSync")?,
            org_mapping: f.string("orgMapping")?.unwrap_or_default(),
        })
    }

    /// The linter's options: what the setting's expression must give (as
    /// `rolemap simulate` lints the settings of `GrafanaConfig::expressions`):
    /// a role, an array of strings (`list`), a string, or `org_mapping`'s
    /// entries.
    fn lint_options(self) -> LintOptions {
        let (role, list) = match self.field.as_str() {
            "role_attribute_path" => (ExprRole::RoleMapping, false),
            "groups_attribute_path" | "org_attribute_path" => (ExprRole::Path, true),
            "org_mapping" => (ExprRole::OrgMapping, false),
            _ => (ExprRole::Path, false),
        };
        LintOptions {
            target: Target::Grafana,
            role,
            claims: self.claims,
            grafana: GrafanaOptions {
                list,
                allow_assign_grafana_admin: self.allow_assign_grafana_admin,
                role_attribute_strict: self.role_attribute_strict,
                skip_org_role_sync: self.skip_org_role_sync,
                org_mapping: rolemap_simulate::grafana::config::split_list(&self.org_mapping),
            },
            ..LintOptions::default()
        }
    }
}

/// The expression Pangolin evaluates for a field's text, and the byte
/// offset of that expression in the text.
pub fn evaluated_text(text: &str, field: &str) -> (String, usize) {
    match field {
        // An identifier of the same length as `{{orgId}}`, so positions hold.
        "org_mapping" => (text.replace("{{orgId}}", "orgId____"), 0),
        "role_mapping" => {
            let unwrapped = unwrap_role_mapping(text);
            let offset = if unwrapped.from_builder {
                text.rfind(unwrapped.expression.as_str()).unwrap_or(0)
            } else {
                text.find(unwrapped.expression.as_str()).unwrap_or(0)
            };
            (unwrapped.expression, offset)
        }
        _ => (text.to_string(), 0),
    }
}

/// `unwrapRoleMapping(text)`: `{ok, expression, fromBuilder, offset,
/// range}`: the expression Pangolin evaluates for a stored role mapping.
pub fn unwrap(text: &str) -> Json {
    let unwrapped = unwrap_role_mapping(text);
    let (_, offset) = evaluated_text(text, "role_mapping");
    let end = offset + unwrapped.expression.len();
    object(vec![
        ("ok", true.into()),
        ("expression", unwrapped.expression.into()),
        ("fromBuilder", unwrapped.from_builder.into()),
        ("malformed", unwrapped.malformed.into()),
        ("offset", offset.into()),
        ("range", pair(utf16::range(text, offset, end))),
    ])
}

/// A lint report as the page reads it: `{ok, diagnostics}`.
fn report_json(text: &str, report: &rolemap_lint::LintReport, mut extra: Vec<Json>) -> Json {
    let mut diagnostics: Vec<Json> = report
        .diagnostics
        .iter()
        .map(|d| {
            diagnostic(
                text,
                [d.code, d.name, d.severity.as_str()],
                d.message.clone(),
                d.label.as_str().into(),
                d.help.clone().into(),
                [d.span.start, d.span.end],
            )
        })
        .collect();
    diagnostics.append(&mut extra);
    object(vec![
        ("ok", true.into()),
        ("diagnostics", diagnostics.into()),
    ])
}

/// `lint(text, options)`: `{ok, diagnostics}` for a Pangolin field, each
/// diagnostic with its byte `span` and UTF-16 `range` in `text`.
pub fn lint(text: &str, options_json: &str) -> Json {
    let options = match Options::read(options_json) {
        Ok(o) => o,
        Err(e) => return crate::api::failure("options", format!("lint options: {e}")),
    };
    let field = options.field.as_deref().unwrap_or("role_mapping");
    let role = match field {
        "org_mapping" => ExprRole::OrgMapping,
        "identifier_path" | "email_path" | "name_path" | "path" => ExprRole::Path,
        _ => ExprRole::RoleMapping,
    };
    let lint_options = LintOptions {
        role,
        claims: options.claims,
        roles: options.roles,
        edition: options
            .edition
            .as_deref()
            .and_then(|e| e.parse::<Edition>().ok())
            .unwrap_or_default(),
        org_id: options.org_id,
        ..LintOptions::default()
    };
    let report = rolemap_lint::lint(text, &lint_options);
    let mut extra = Vec::new();
    let spec = options
        .dialect
        .as_deref()
        .and_then(|d| d.parse::<Dialect>().ok())
        == Some(Dialect::Spec);
    if spec && !report.has_errors() {
        let (expr, offset) = evaluated_text(text, field);
        if let Err(e) = Expression::compile(&expr, Dialect::Spec) {
            let (start, end) = (offset + e.span.start, offset + e.span.end);
            extra.push(diagnostic(
                text,
                [e.kind.as_str(), "spec-syntax", "error"],
                format!("the JMESPath spec rejects this: {}", e.message),
                "spec".into(),
                Json::Null,
                [start, end],
            ));
        }
    }
    report_json(text, &report, extra)
}

/// `lintGrafana(text, options)`: `{ok, diagnostics}` for a
/// Grafana setting's text (`options`: `{field, claims,
/// allowAssignGrafanaAdmin, roleAttributeStrict, skipOrgRoleSync,
/// orgMapping}`, `field` the setting's key).
#[cfg(feature = "grafana")]
pub fn lint_grafana(text: &str, options_json: &str) -> Json {
    let options = match GrafanaLintOptions::read(options_json) {
        Ok(o) => o,
        Err(e) => return crate::api::failure("options", format!("lint options: {e}")),
    };
    let report = rolemap_lint::lint(text, &options.lint_options());
    report_json(text, &report, Vec::new())
}

/// One diagnostic as the page reads it: `{code, name, severity, message,
/// label, help, span, range}`, `span` in bytes of `text`.
fn diagnostic(
    text: &str,
    [code, name, severity]: [&str; 3],
    message: String,
    label: Json,
    help: Json,
    [start, end]: [usize; 2],
) -> Json {
    object(vec![
        ("code", code.into()),
        ("name", name.into()),
        ("severity", severity.into()),
        ("message", message.into()),
        ("label", label),
        ("help", help),
        ("span", pair([start, end])),
        ("range", pair(utf16::range(text, start, end))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn double_quoted_strings_are_flagged_at_their_place() {
        let d = lint(
            r#"contains(groups, "admin")"#,
            r#"{"field": "role_mapping"}"#,
        );
        let diags = d["diagnostics"].as_array().cloned().unwrap_or_default();
        let rm010 = diags.iter().find(|x| x["code"] == "RM010");
        assert!(rm010.is_some(), "{d}");
        assert_eq!(
            rm010.map(|x| x["range"].clone()),
            Some(json!([17, 24])),
            "{d}"
        );
    }

    #[test]
    fn ranges_count_utf16_units() {
        let d = lint(r#"'é' == "ü""#, r#"{"field": "role_mapping"}"#);
        for x in d["diagnostics"].as_array().into_iter().flatten() {
            let s = x["span"][0].as_u64().unwrap_or(0);
            let r = x["range"][0].as_u64().unwrap_or(0);
            assert!(r <= s, "{d}");
        }
    }

    #[test]
    fn bad_options_are_an_error_naming_the_field() {
        for (options, says) in [
            ("[]", "JSON object"),
            (r#"{"field": 1}"#, "`field`"),
            (r#"{"claims": {}}"#, "`claims`"),
            (r#"{"roles": [1]}"#, "`roles`"),
            ("{", "EOF"),
        ] {
            let d = lint("a", options);
            assert_eq!(d["error"]["kind"], "options", "{options}: {d}");
            let message = d["error"]["message"].as_str().unwrap_or("");
            assert!(message.contains(says), "{options}: {d}");
        }
        let d = lint(
            "a",
            r#"{"orgId": "x", "roles": ["Admin"], "dialect": null}"#,
        );
        assert_eq!(d["ok"], true, "{d}");
    }

    #[cfg(feature = "grafana")]
    #[test]
    fn grafana_settings_get_grafanas_rules() {
        let options = r#"{"field": "role_attribute_path"}"#;
        let d = lint_grafana(
            "contains(groups[*], 'admin') && 'Admin' || 'Denied'",
            options,
        );
        let codes: Vec<&str> = d["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["code"].as_str())
            .collect();
        assert!(codes.contains(&"RM071"), "{d}");
        let d = lint_grafana(
            "a:1:Denied",
            r#"{"field": "org_mapping", "orgMapping": "a:1:Denied"}"#,
        );
        assert_eq!(d["ok"], true, "{d}");
        let d = lint_grafana("a", r#"{"field": "org_mapping", "skipOrgRoleSync": 1}"#);
        assert_eq!(d["error"]["kind"], "options", "{d}");
    }

    #[test]
    fn builder_values_are_checked_after_the_separator() {
        let stored =
            "__PANGOLIN_ROLE_MAP_BUILDER_V1__\n{\"claimPath\":\"groups\",\"rules\":[]}\n---\n[a ||";
        let u = unwrap(stored);
        assert_eq!(u["expression"], "[a ||");
        assert_eq!(u["fromBuilder"], true);
        let d = lint(stored, r#"{"field": "role_mapping"}"#);
        let start = d["diagnostics"][0]["span"][0].as_u64().unwrap_or(0) as usize;
        assert!(start >= stored.len() - 5, "{d}");
    }
}
