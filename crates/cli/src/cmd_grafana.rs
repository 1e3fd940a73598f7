//! `rolemap simulate` and `rolemap test` for a Grafana configuration: the
//! report of Grafana's OAuth logins.

use std::path::Path;

use rolemap_simulate::grafana::testfile::{run_test_file, GrafanaCaseReport};
use rolemap_simulate::grafana::{
    load_samples, simulate, GrafanaConfig, GrafanaOutcome, GrafanaSample,
};

use crate::args::{FailOn, SimulateArgs, SimulateOutput};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{out, CmdResult, Failure, EXIT_FAILED, EXIT_OK};

/// The table of outcomes, one row a sample; every cell shown on one line.
fn table(outcomes: &[GrafanaOutcome], color: bool) -> Shown {
    let header = ["SAMPLE", "LOGIN", "RESULT", "ROLE", "FROM", "ORGS"];
    let rows: Vec<[Shown; 6]> = outcomes
        .iter()
        .map(|o| {
            let dash = || "-".to_string();
            let mut role = o.role.clone().unwrap_or_else(dash);
            if o.server_admin == Some(true) {
                role.push_str(" + server admin");
            }
            let orgs = if o.orgs.is_empty() {
                dash()
            } else {
                o.orgs
                    .iter()
                    .map(|r| format!("{}: {}", r.org, r.role))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let result = if o.ok { "ok" } else { "login fails" };
            [
                Shown::line(&o.sample),
                Shown::line(&o.login.clone().unwrap_or_else(dash)),
                Shown::from(result),
                Shown::line(&role),
                Shown::line(o.role_source.unwrap_or("-")),
                Shown::line(&orgs),
            ]
        })
        .collect();
    let width = |s: &Shown| s.as_str().chars().count();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(width(cell));
        }
    }
    let last = header.len() - 1;
    let mut head = Shown::new();
    for (i, (h, w)) in header.iter().zip(widths).enumerate() {
        head.push(if i == last {
            h.to_string()
        } else {
            format!("{h:<w$}  ")
        });
    }
    let mut text = shown![paint(color, Paint::Bold, head), "\n"];
    for (row, o) in rows.iter().zip(outcomes) {
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            text.push(match i {
                2 => paint(color, if o.ok { Paint::Green } else { Paint::Red }, cell),
                _ => cell.clone(),
            });
            if i < last {
                text.push(" ".repeat(w - width(cell) + 2));
            }
        }
        text.push("\n");
    }
    text
}

/// Failures, each login's trace, and the hints (each once, with its samples).
fn details(outcomes: &[GrafanaOutcome], color: bool) -> Shown {
    let mut text = Shown::new();
    for o in outcomes {
        text.push(shown![
            "\n",
            paint(color, Paint::Bold, Shown::line(&o.sample))
        ]);
        if let Some(m) = &o.message {
            text.push(shown![
                ": ",
                paint(color, Paint::Red, "login fails:"),
                " ",
                m
            ]);
        }
        text.push("\n");
        for s in &o.trace {
            let what = match (&s.expression, &s.value, &s.error) {
                (Some(e), Some(v), _) => {
                    format!("`{e}` on {} = {v}: ", s.input.unwrap_or("claims"))
                }
                (Some(e), None, Some(err)) => {
                    format!("`{e}` on {}: error: {err}: ", s.input.unwrap_or("claims"))
                }
                _ => String::new(),
            };
            text.push(Shown::line(&format!(
                "  {:<12} {:<14} {what}{}",
                s.source, s.field, s.note
            )));
            text.push("\n");
        }
    }
    text.push(crate::outcome_text::hints_text(
        outcomes.iter().map(|o| (o.sample.as_str(), &o.hints[..])),
        color,
    ));
    text
}

/// The lint findings of the configuration's expressions and `org_mapping`,
/// with the samples' claims (every source).
fn lint_findings(config: &GrafanaConfig, samples: &[GrafanaSample], color: bool) -> Shown {
    use rolemap_lint::{lint, ExprRole, GrafanaOptions, LintOptions, Target};
    let claims: Vec<serde_json::Value> = samples
        .iter()
        .flat_map(|s| [&s.id_token, &s.userinfo, &s.access_token])
        .filter_map(|c| c.clone())
        .collect();
    let base = GrafanaOptions {
        allow_assign_grafana_admin: config.allow_grafana_admin,
        role_attribute_strict: config.strict,
        skip_org_role_sync: config.skip_org_role_sync,
        org_mapping: config.org_mapping.clone(),
        list: false,
    };
    use rolemap_simulate::grafana::config::ExprKind;
    let items = config.expressions().into_iter().map(|(key, text, kind)| {
        let (role, list) = match kind {
            ExprKind::Role => (ExprRole::RoleMapping, false),
            ExprKind::List => (ExprRole::Path, true),
            ExprKind::Text => (ExprRole::Path, false),
            ExprKind::OrgMapping => (ExprRole::OrgMapping, false),
        };
        (key, text, role, list)
    });
    let mut text = Shown::new();
    for (key, source, role, list) in items {
        let opts = LintOptions {
            target: Target::Grafana,
            role,
            claims: claims.clone(),
            grafana: GrafanaOptions {
                list,
                ..base.clone()
            },
            ..LintOptions::default()
        };
        for d in lint(&source, &opts).diagnostics {
            text.push(shown![
                "  ",
                paint(color, Paint::Yellow, format!("[{} {}]", d.code, d.name)),
                " ",
                Shown::line(key),
                ": ",
                &d.message
            ]);
            if let Some(h) = &d.help {
                text.push(shown!["\n    ", paint(color, Paint::Cyan, "fix:"), " ", h]);
            }
            text.push("\n");
        }
    }
    if text.is_empty() {
        return text;
    }
    shown!["\n", paint(color, Paint::Bold, "Lint:"), "\n", text]
}

/// `v` as JSON text (indented when `pretty`).
fn as_json<T: serde::Serialize + ?Sized>(v: &T, pretty: bool) -> Result<String, Failure> {
    let text = if pretty {
        serde_json::to_string_pretty(v)
    } else {
        serde_json::to_string(v)
    };
    text.map_err(|e| Failure::input(format!("cannot write the outcomes as JSON: {e}")))
}

/// `rolemap simulate` on a Grafana configuration (`--fail-on` as for
/// Pangolin: a failed login, or also a hint, exits 1).
pub fn simulate_cmd(a: &SimulateArgs, style: Style) -> CmdResult {
    let config = GrafanaConfig::load(&a.config).map_err(Failure::input)?;
    if a.claims.is_empty() {
        return Err(Failure::input(format!(
            "{}: no sample users: give sample files after the config (claims, or {{\"id_token\": ..., \"userinfo\": ...}})",
            a.config.display()
        )));
    }
    let mut samples = Vec::new();
    for p in &a.claims {
        samples.extend(load_samples(p).map_err(Failure::input)?);
    }
    let outcomes: Vec<GrafanaOutcome> = samples.iter().map(|s| simulate(&config, s)).collect();
    match a.output {
        SimulateOutput::Json => {
            out(&Shown::json(&format!("{}\n", as_json(&outcomes, true)?)))?;
        }
        SimulateOutput::Jsonl => {
            let mut text = Shown::new();
            for o in &outcomes {
                text.push(Shown::json(&format!("{}\n", as_json(o, false)?)));
            }
            out(&text)?;
        }
        SimulateOutput::Text => {
            let mut text = shown![
                paint(style.out, Paint::Bold, "Simulated:"),
                Shown::line(&format!(
                    " Grafana generic OAuth ({}), {} sample(s)",
                    a.config.display(),
                    samples.len()
                )),
                "\n\n"
            ];
            text.push(table(&outcomes, style.out));
            text.push(details(&outcomes, style.out));
            text.push(lint_findings(&config, &samples, style.out));
            out(&text)?;
        }
    }
    let failed = outcomes.iter().any(|o| !o.ok);
    let hinted = outcomes.iter().any(|o| !o.hints.is_empty());
    let fails = match a.fail_on {
        Some(FailOn::Failure) => failed,
        Some(FailOn::Hint) => failed || hinted,
        None => false,
    };
    Ok(if fails { EXIT_FAILED } else { EXIT_OK })
}

/// The cases of a Grafana test file: (passed, failed, failure texts).
pub fn test_file(path: &Path) -> Result<(usize, usize, Vec<String>), Failure> {
    let cases: Vec<GrafanaCaseReport> = run_test_file(path).map_err(Failure::input)?;
    let passed = cases.iter().filter(|c| c.passed).count();
    let failures = cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            let mut text = format!("{}: {}", path.display(), c.name);
            for line in &c.diff {
                text.push_str(&format!("\n      {line}"));
            }
            text
        })
        .collect();
    Ok((passed, cases.len() - passed, failures))
}
