//! `rolemap lint`: diagnostics from rolemap-lint, drawn with miette, and
//! what the expression can give.

use std::collections::BTreeSet;

use rolemap_lint::{lint_with_claims, Abs, Edition, ExprRole, LintOptions, LintReport, Severity};
use serde_json::json;

use crate::args::{DenyLevel, DialectArg, EditionArg, LintArgs, LintAs, OutputFormat};
use crate::cmd_eval::pretty;
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{out, CmdResult, EXIT_FAILED, EXIT_OK};

fn role(a: LintAs) -> ExprRole {
    match a {
        LintAs::RoleMapping => ExprRole::RoleMapping,
        LintAs::OrgMapping => ExprRole::OrgMapping,
        LintAs::Path => ExprRole::Path,
    }
}

fn edition(e: EditionArg) -> Edition {
    match e {
        EditionArg::Oss => Edition::Oss,
        EditionArg::Enterprise => Edition::Enterprise,
        EditionArg::Cloud => Edition::Cloud,
    }
}

/// Role names a role mapping can give, as Pangolin normalises the result
/// (strings trimmed, arrays of strings): `None` when not a finite set.
fn role_names(v: &Abs) -> (Option<BTreeSet<String>>, bool) {
    let mut names = BTreeSet::new();
    let mut finite = true;
    let mut add = |a: &Abs, names: &mut BTreeSet<String>| {
        if a.may_be_string() {
            match a.known_strings() {
                Some(s) => names.extend(
                    s.iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty()),
                ),
                None => finite = false,
            }
        }
    };
    add(v, &mut names);
    if let Some(arr) = &v.array {
        match &arr.elements {
            Some(e) => add(e, &mut names),
            None => finite = false,
        }
    }
    // Can it give no role at all?
    let maybe_none = v.null
        || v.true_
        || v.false_
        || v.number
        || v.object.is_some()
        || v.function
        || v.undefined
        || v.array.as_ref().is_some_and(|a| a.may_be_empty)
        || v.known_strings()
            .is_some_and(|s| s.iter().any(|s| s.trim().is_empty()));
    (finite.then_some(names), maybe_none)
}

/// The "this mapping can give" line.
fn can_give(a: &LintArgs, report: &LintReport) -> Option<String> {
    let outcome = report.outcome.as_ref()?;
    let raise = if outcome.may_raise {
        ", or a type error (HTTP 500 for the whole login)"
    } else {
        ""
    };
    Some(match a.as_ {
        LintAs::RoleMapping => {
            let (names, maybe_none) = role_names(&outcome.value);
            let none = if maybe_none { ", or no role" } else { "" };
            match names {
                Some(n) if n.is_empty() => format!("this mapping can give: no role name{raise}"),
                Some(n) => {
                    let list: Vec<String> = n.iter().map(|s| format!("'{s}'")).collect();
                    format!("this mapping can give: {}{none}{raise}", list.join(", "))
                }
                None => format!(
                    "this mapping can give: role names taken from the claims ({}){raise}",
                    outcome.summary
                ),
            }
        }
        LintAs::OrgMapping => format!("this mapping can give: {}{raise}", outcome.summary),
        LintAs::Path => format!("this path can give: {}{raise}", outcome.summary),
    })
}

/// Runs `rolemap lint`.
pub fn run(a: &LintArgs, style: Style) -> CmdResult {
    let claims = crate::claims::ClaimFiles::open(&a.claims)?;
    let opts = LintOptions {
        role: role(a.as_),
        roles: (!a.roles.is_empty()).then(|| a.roles.clone()),
        edition: edition(a.edition),
        org_id: a.org_id.clone(),
        compare_with: a.compare_with.map(DialectArg::dialect),
        ..LintOptions::default()
    };
    let report = lint_with_claims(&a.expr, &opts, &claims);
    let deny_warnings = a.deny == Some(DenyLevel::Warnings);
    let failing = report.diagnostics.iter().any(|d| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    });
    let possible = can_give(a, &report);
    match a.output {
        OutputFormat::Json => {
            let v = json!({
                "expression": a.expr,
                "as": role(a.as_).name(),
                "diagnostics": report.diagnostics,
                "outcome": report.outcome,
                "can_give": possible,
                "failed": failing,
            });
            out(&Shown::json(&format!("{}\n", pretty(&v))))?;
        }
        OutputFormat::Text => {
            let mut text = Shown::new();
            let name = match a.as_ {
                LintAs::RoleMapping => "role mapping",
                LintAs::OrgMapping => "org mapping",
                LintAs::Path => "path",
            };
            // rolemap_lint::render escapes every text it draws.
            text.push(Shown::already_escaped(rolemap_lint::render(
                &report.diagnostics,
                &a.expr,
                name,
                style.out,
            )));
            let count = |s: Severity| {
                report
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == s)
                    .count()
            };
            let (e, w, i) = (
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info),
            );
            if let Some(p) = &possible {
                text.push(shown![paint(style.out, Paint::Cyan, p), "\n"]);
            }
            let summary = if report.diagnostics.is_empty() {
                paint(style.out, Paint::Green, "no finding")
            } else {
                let mut s = format!("{e} error(s), {w} warning(s), {i} note(s)");
                if report.diagnostics.len() > rolemap_lint::MAX_DRAWN {
                    s.push_str(" (`--output json` lists them all)");
                }
                paint(
                    style.out,
                    if failing { Paint::Red } else { Paint::Yellow },
                    s,
                )
            };
            text.push(shown![summary, "\n"]);
            out(&text)?;
        }
    }
    Ok(if failing { EXIT_FAILED } else { EXIT_OK })
}
