//! The rules for Grafana's OAuth settings (`role_attribute_path`,
//! `groups_attribute_path`, ...), parsed and analysed in Grafana's dialect
//! (go-jmespath community v1.1.1). Grafana searches each claim source in
//! turn and retries a role search that errs or gives no string on
//! `{"groups": []}`; these rules follow from that.

use std::ops::ControlFlow;

use rolemap_engine::{Dialect, Expression, Node, NodeKind};
use serde_json::{json, Value as Json};

use super::{diag, visit};
use crate::analysis::{self, AnalysisOptions};
use crate::claims::ClaimSource;
use crate::options::{ExprRole, LintOptions};
use crate::{Diagnostic, LintReport, Outcome, Span};

/// The roles Grafana accepts.
const ROLES: [&str; 4] = ["None", "Viewer", "Editor", "Admin"];

/// Whether `s` is a role once title-cased (or `GrafanaAdmin`).
fn valid_role(s: &str) -> bool {
    s.eq_ignore_ascii_case("GrafanaAdmin") || ROLES.iter().any(|r| r.eq_ignore_ascii_case(s))
}

/// The role Grafana takes from a search result (after the retry), if any.
fn role_of(expr: &Expression, claims: &Json) -> Option<String> {
    for data in [claims, &json!({"groups": []})] {
        if let Ok(Json::String(s)) = expr.search_json(data) {
            if !s.is_empty() {
                return Some(s);
            }
        }
    }
    None
}

/// String literals the expression can give as its value (through `||`,
/// the right of `&&` and `|`).
fn result_literals<'n>(n: &'n Node, out: &mut Vec<&'n Node>) {
    match &n.kind {
        NodeKind::Or(l, r) => {
            result_literals(l, out);
            result_literals(r, out);
        }
        NodeKind::And(_, r) | NodeKind::Pipe(_, r) => result_literals(r, out),
        NodeKind::Literal {
            value: Json::String(_),
            ..
        } => out.push(n),
        _ => {}
    }
}

/// The first backtick literal outside quotes whose text is not JSON: its
/// byte range and text.
fn bad_backtick(src: &str) -> Option<(usize, usize, &str)> {
    let mut quote: Option<char> = None;
    let mut start = None;
    let mut prev = '\0';
    for (i, c) in src.char_indices() {
        match (quote, start) {
            (Some(q), _) if c == q && prev != '\\' => quote = None,
            (Some(_), _) => {}
            (None, Some(s)) if c == '`' && prev != '\\' => {
                let text = &src[s + 1..i];
                if serde_json::from_str::<Json>(text.trim()).is_err() {
                    return Some((s, i + 1, text));
                }
                start = None;
            }
            (None, Some(_)) => {}
            (None, None) if c == '\'' || c == '"' => quote = Some(c),
            (None, None) if c == '`' => start = Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

/// The first unquoted `name:name` or `scheme://` outside quotes, as a span.
fn unquoted_colon_name(src: &str) -> Option<(usize, usize)> {
    let mut quote: Option<char> = None;
    let bytes = src.as_bytes();
    for (i, c) in src.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' || c == '`' => quote = Some(c),
            None if c == ':'
                && i > 0
                && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') =>
            {
                let start = src[..i]
                    .rfind(|ch: char| {
                        !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '-')
                    })
                    .map_or(0, |p| p + 1);
                let end = src[i..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || "_:/.-".contains(ch)))
                    .map_or(src.len(), |p| i + p);
                return Some((start, end));
            }
            None => {}
        }
    }
    None
}

/// Lints `src` as a Grafana setting.
pub(crate) fn run(src: &str, opts: &LintOptions, claims: &dyn ClaimSource) -> LintReport {
    let mut diags: Vec<Diagnostic> = Vec::new();
    if src.trim().is_empty() {
        // An empty setting is no setting.
        return LintReport {
            diagnostics: diags,
            outcome: None,
        };
    }
    if opts.role == ExprRole::OrgMapping && !opts.grafana.list {
        org_mapping_rules(src, opts, &mut diags);
        return LintReport {
            diagnostics: diags,
            outcome: None,
        };
    }
    let whole = Span::new(0, src.len());
    settings_rules(opts, whole, &mut diags);
    let outcome = match Expression::compile(src, Dialect::Grafana) {
        Err(e) => {
            syntax_rules(src, &e.to_string(), e.span.into(), &mut diags);
            None
        }
        Ok(expr) => {
            tree_rules(src, &expr, opts, claims, &mut diags);
            let a = analysis::analyse_from(
                expr.ast(),
                Dialect::Grafana,
                &analysis::root_abs_of(claims),
                &AnalysisOptions { org_id: None },
            );
            Some(Outcome {
                summary: a.value.to_string(),
                may_raise: a.may_raise(),
                missing: a.missing.clone(),
                value: a.value,
            })
        }
    };
    diags.sort_by_key(|d| (d.span.start, d.code));
    LintReport {
        diagnostics: diags,
        outcome,
    }
}

/// Rules on the settings around the expression.
fn settings_rules(opts: &LintOptions, whole: Span, diags: &mut Vec<Diagnostic>) {
    let g = &opts.grafana;
    if g.skip_org_role_sync && opts.role == ExprRole::RoleMapping && !g.list {
        diags.push(
            diag("RM078", whole, "skip_org_role_sync is on: Grafana never evaluates role_attribute_path (nor org_mapping), so this mapping does nothing".into(), "never evaluated")
                .with_help("turn skip_org_role_sync off, or remove the mapping"),
        );
    }
}

/// `org_mapping` (the linted text): entries `group:org[:role]` separated by
/// commas or spaces, or a JSON array.
fn org_mapping_rules(src: &str, opts: &LintOptions, diags: &mut Vec<Diagnostic>) {
    let mut at = 0;
    for entry in src.split([',', ' ']) {
        let start = at;
        at += entry.len() + 1;
        let entry = entry.trim_matches(|c| c == '[' || c == ']' || c == '"');
        let parts: Vec<&str> = entry.split(':').collect();
        if let [_, _, role] = parts.as_slice() {
            if !ROLES.contains(role) {
                let then = if opts.grafana.role_attribute_strict {
                    "under role_attribute_strict the whole org_mapping is emptied"
                } else {
                    "Grafana uses Viewer"
                };
                let span = Span::new(start, start + entry.len());
                diags.push(
                    diag("RM077", span, format!("org_mapping entry `{entry}`: `{role}` is not a role (None, Viewer, Editor, Admin, case-sensitive): {then}"), "not a role")
                        .with_help(format!("write the role as Grafana spells it, e.g. `{}:Viewer`", parts[..2].join(":"))),
                );
            }
        }
    }
}

/// Rules that explain a syntax error.
fn syntax_rules(src: &str, message: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if let Some((s, e, text)) = bad_backtick(src) {
        diags.push(
            diag("RM074", Span::new(s, e), format!("`` `{text}` `` is not JSON: both of Grafana's engines reject a backtick literal that is not JSON (jmespath.js reads it as a string), so the search fails at every login"), "not JSON")
                .with_help(format!("write the string in single quotes: '{}'", text.trim())),
        );
        return;
    }
    if let Some((s, e)) = unquoted_colon_name(src) {
        let name = &src[s..e];
        diags.push(
            diag("RM073", Span::new(s, e), format!("`{name}` must be double-quoted: unquoted, `:` or `/` is a syntax error and the search fails at every login"), "quote it")
                .with_help(format!("\"{name}\"")),
        );
        return;
    }
    diags.push(diag(
        "RM001",
        span,
        format!("the expression does not parse in Grafana's engine: {message}"),
        "here",
    ));
}

/// Rules on the parsed expression.
fn tree_rules(
    src: &str,
    expr: &Expression,
    opts: &LintOptions,
    claims: &dyn ClaimSource,
    diags: &mut Vec<Diagnostic>,
) {
    let g = &opts.grafana;
    // `my-client`: a subtraction of two fields, written without spaces.
    visit(expr.ast(), &mut |n| {
        if let NodeKind::Arithmetic {
            op: rolemap_engine::ast::ArithOp::Subtract,
            lhs,
            rhs,
        } = &n.kind
        {
            let fieldish = |x: &Node| {
                matches!(
                    x.kind,
                    NodeKind::Field { quoted: false, .. } | NodeKind::Subexpr { .. }
                )
            };
            let text = src.get(n.span.range()).unwrap_or("");
            if fieldish(lhs) && fieldish(rhs) && !text.contains(' ') {
                let l = src.get(lhs.span.range()).unwrap_or("");
                let r = src.get(rhs.span.range()).unwrap_or("");
                let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
                let left = &l[l.trim_end_matches(word).len()..];
                let right = &r[..r.len() - r.trim_start_matches(word).len()];
                let name = format!("{left}-{right}");
                let fixed = text.replacen(&name, &format!("\"{name}\""), 1);
                diags.push(
                    diag("RM073", n.span.into(), format!("`{name}` is `{l}` MINUS `{r}` in Grafana 11.3+ (null, silently) and a syntax error in 11.2 and earlier; a name with `-` must be double-quoted"), "a subtraction")
                        .with_help(format!("quote the name: {fixed}")),
                );
            }
        }
    });
    map_order_rule(expr, g.list, claims, diags);
    if g.list {
        list_rules(expr, claims, diags);
        return;
    }
    if opts.role != ExprRole::RoleMapping {
        return;
    }
    let mut literals = Vec::new();
    result_literals(expr.ast(), &mut literals);
    for lit in literals {
        let NodeKind::Literal {
            value: Json::String(s),
            ..
        } = &lit.kind
        else {
            continue;
        };
        if s.eq_ignore_ascii_case("GrafanaAdmin") {
            if !g.allow_assign_grafana_admin {
                diags.push(
                    diag("RM072", lit.span.into(), format!("`{s}` makes the user Admin, but server admin only with allow_assign_grafana_admin = true"), "only Admin")
                        .with_help("set allow_assign_grafana_admin = true, or map to 'Admin'"),
                );
            }
        } else if !valid_role(s) {
            diags.push(
                diag("RM071", lit.span.into(), format!("`{s}` is not a Grafana role even title-cased: Grafana logs \"invalid role\", reads the next source, and the user gets auto_assign_org_role (or, strict, cannot log in)"), "not a role")
                    .with_help("use 'None', 'Viewer', 'Editor', 'Admin' or 'GrafanaAdmin'"),
            );
        }
    }
    role_rules(expr, opts, diags);
}

/// The fallback that decides at the first source; strict with no role.
fn role_rules(expr: &Expression, opts: &LintOptions, diags: &mut Vec<Diagnostic>) {
    let whole: Span = expr.ast().span.into();
    let mut has_field = false;
    visit(expr.ast(), &mut |n| {
        has_field |= matches!(n.kind, NodeKind::Field { .. })
    });
    let empty = json!({});
    let on_empty = role_of(expr, &empty);
    if has_field {
        if let Some(role) = on_empty.as_ref().filter(|r| valid_role(r)) {
            let span = match &expr.ast().kind {
                NodeKind::Or(_, r) => r.span.into(),
                _ => whole,
            };
            diags.push(
                diag("RM070", span, format!("on a source that lacks the claims it tests (an ID token without groups), this gives `{role}`, a valid role: Grafana stops at the FIRST source and never reads userinfo or the access token (grafana/grafana#106686)"), "decides at the first source")
                    .with_help("drop the constant fallback so that a source without the claim gives no role, and set [users] auto_assign_org_role for everyone else"),
            );
        }
    }
    if opts.grafana.role_attribute_strict && on_empty.as_deref().is_none_or(|r| !valid_role(r)) {
        diags.push(
            diag("RM076", whole, "under role_attribute_strict, a user for whom no source gives a role cannot log in (\"IdP did not return a role attribute\"), and this mapping gives none without its claims".into(), "can give no role")
                .with_help("add a last branch with a role (`|| 'Viewer'`) if such users may log in"),
        );
    }
}

/// A groups or orgs path on the samples: an array of strings, or not.
fn list_rules(expr: &Expression, samples: &dyn ClaimSource, diags: &mut Vec<Diagnostic>) {
    let whole: Span = expr.ast().span.into();
    samples.visit(&mut |i, claims| {
        let problem = match expr.search_json(claims) {
            Ok(Json::Array(items)) if items.iter().any(|v| !v.is_string()) => {
                Some("items that are not strings (objects?), which Grafana drops")
            }
            Ok(Json::Array(_)) | Ok(Json::Null) | Err(_) => None,
            Ok(_) => Some("a value that is not an array, which Grafana takes as none"),
        };
        if let Some(p) = problem {
            diags.push(
                diag(
                    "RM075",
                    whole,
                    format!("on sample #{} it gives {p}", i + 1),
                    "not a list of strings",
                )
                .with_help(
                    "select the names, e.g. `groups[*].name`, or wrap a single value: `[group]`",
                ),
            );
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
}

/// How to make an answer independent of Go's map order (the simulator's
/// hint `map-order` gives the same advice).
const MAP_ORDER_FIX: &str =
    "do not pick by position among an object's members: name the one you mean, or sort first (`sort(keys(x))[0]`)";

/// An answer that changes with the order Go takes an object's members in,
/// on the first sample where it does (for a list of groups or orgs, a
/// change of its items, not of their order: Grafana reads them as a set).
fn map_order_rule(
    expr: &Expression,
    list: bool,
    samples: &dyn ClaimSource,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(span) = expr.map_iteration() else {
        return;
    };
    samples.visit(&mut |i, claims| {
        let Ok(first) = expr.search_json(claims) else {
            return ControlFlow::Continue(());
        };
        let Some(other) = expr.answer_in_another_map_order(claims, &first, list) else {
            return ControlFlow::Continue(());
        };
        diags.push(
            diag(
                "RM079",
                span.into(),
                format!("on sample #{} this gives {first} in the claims' own order and {other} in another: Go draws the order of an object's members at every login", i + 1),
                "order left to chance",
            )
            .with_help(MAP_ORDER_FIX),
        );
        ControlFlow::Break(())
    });
}
