//! Diagnostics for the editor: `rolemap-lint`'s findings (the same rules
//! `rolemap lint` runs) with UTF-16 ranges over the text of the field as
//! the admin typed it. The linter itself handles what Pangolin does to the
//! text before parsing (`{{orgId}}` in org mappings, the mapping builder's
//! wrapper in role mappings), so its spans are over the typed text.

use rolemap_engine::{Dialect, Expression};
use rolemap_lint::{Edition, ExprRole, GrafanaOptions, LintOptions, Target};
use rolemap_simulate::builder::unwrap_role_mapping;
use serde_json::Value as Json;

use crate::api::{object, pair, to_json};
use crate::utf16;

/// Options of [`lint`], from JSON.
#[derive(Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
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
    /// The organization id, for org mappings.
    org_id: Option<String>,
    /// `pangolin` (default) or `grafana`: with `grafana`, `field` is the
    /// setting's key (`role_attribute_path`, `groups_attribute_path`, ...).
    target: Option<String>,
    /// Grafana's settings the rules read (with `target: "grafana"`).
    grafana: GrafanaSettings,
}

/// The settings of `[auth.generic_oauth]` that Grafana's lint rules read.
#[derive(Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct GrafanaSettings {
    allow_assign_grafana_admin: bool,
    role_attribute_strict: bool,
    skip_org_role_sync: bool,
    /// `org_mapping` as written (split as Grafana splits it).
    org_mapping: String,
}

/// What a Grafana setting's expression must give (as `rolemap simulate`
/// lints the settings of `GrafanaConfig::expressions`): a role, an array of
/// strings (`list`), a string, or `org_mapping`'s entries.
fn grafana_role(key: &str) -> (ExprRole, bool) {
    match key {
        "role_attribute_path" => (ExprRole::RoleMapping, false),
        "groups_attribute_path" | "org_attribute_path" => (ExprRole::Path, true),
        "org_mapping" => (ExprRole::OrgMapping, false),
        _ => (ExprRole::Path, false),
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

/// `lint(text, options)`: `{ok, diagnostics, outcome}`, each diagnostic
/// with its byte `span` and UTF-16 `range` in `text`; `outcome` is what the
/// expression can return (absent when it does not parse).
pub fn lint(text: &str, options_json: &str) -> Json {
    let options: Options = match serde_json::from_slice(options_json.as_bytes()) {
        Ok(o) => o,
        Err(e) => return crate::api::failure("options", format!("lint options: {e}")),
    };
    let grafana = options.target.as_deref() == Some("grafana");
    let field = options.field.as_deref().unwrap_or("role_mapping");
    let (role, list) = match field {
        _ if grafana => grafana_role(field),
        "org_mapping" => (ExprRole::OrgMapping, false),
        "identifier_path" | "email_path" | "name_path" | "path" => (ExprRole::Path, false),
        _ => (ExprRole::RoleMapping, false),
    };
    let settings = options.grafana;
    #[cfg(feature = "grafana")]
    let org_mapping = rolemap_simulate::grafana::config::split_list(&settings.org_mapping);
    // Without Grafana's rules a Grafana setting gets no findings.
    #[cfg(not(feature = "grafana"))]
    let org_mapping = Vec::new();
    let lint_options = LintOptions {
        target: if grafana {
            Target::Grafana
        } else {
            Target::Pangolin
        },
        role,
        claims: options.claims,
        roles: options.roles,
        edition: options
            .edition
            .as_deref()
            .and_then(|e| e.parse::<Edition>().ok())
            .unwrap_or_default(),
        org_id: options.org_id,
        grafana: GrafanaOptions {
            list,
            allow_assign_grafana_admin: settings.allow_assign_grafana_admin,
            role_attribute_strict: settings.role_attribute_strict,
            skip_org_role_sync: settings.skip_org_role_sync,
            org_mapping,
        },
        ..LintOptions::default()
    };
    let report = rolemap_lint::lint(text, &lint_options);
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
    let spec = options
        .dialect
        .as_deref()
        .and_then(|d| d.parse::<Dialect>().ok())
        == Some(Dialect::Spec);
    if spec && !report.has_errors() {
        let (expr, offset) = evaluated_text(text, options.field.as_deref().unwrap_or(""));
        if let Err(e) = Expression::compile(&expr, Dialect::Spec) {
            let (start, end) = (offset + e.span.start, offset + e.span.end);
            diagnostics.push(diagnostic(
                text,
                [e.kind.as_str(), "spec-syntax", "error"],
                format!("the JMESPath spec rejects this: {}", e.message),
                "spec".into(),
                Json::Null,
                [start, end],
            ));
        }
    }
    object(vec![
        ("ok", true.into()),
        ("diagnostics", diagnostics.into()),
        ("outcome", to_json(&report.outcome)),
    ])
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

    #[cfg(feature = "grafana")]
    #[test]
    fn grafana_settings_get_grafanas_rules() {
        let options = r#"{"target": "grafana", "field": "role_attribute_path"}"#;
        let d = lint(
            "contains(groups[*], 'admin') && 'Admin' || 'Denied'",
            options,
        );
        let codes: Vec<&str> = d["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["code"].as_str())
            .collect();
        assert!(codes.iter().any(|c| c.starts_with("RM07")), "{d}");
        let d = lint(
            "groups",
            r#"{"target": "grafana", "field": "groups_attribute_path", "grafana": {"orgMapping": "a:1:Denied"}}"#,
        );
        assert_eq!(d["ok"], true, "{d}");
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
