//! `rolemap simulate` and `rolemap test` for a Grafana configuration: the
//! report of Grafana's OAuth logins.

use std::collections::BTreeMap;
use std::path::Path;

use rolemap_simulate::grafana::testfile::{run_test_file, GrafanaCaseReport};
use rolemap_simulate::grafana::{
    load_samples, simulate, GrafanaConfig, GrafanaOutcome, GrafanaSample,
};

use crate::args::{OutputFormat, SimulateArgs};
use crate::style::{paint, Paint, Style};
use crate::{out, CmdResult, Failure, EXIT_OK};

/// The table of outcomes, one row a sample.
fn table(outcomes: &[GrafanaOutcome], color: bool) -> String {
    let header = ["SAMPLE", "LOGIN", "RESULT", "ROLE", "FROM", "ORGS"];
    let rows: Vec<[String; 6]> = outcomes
        .iter()
        .map(|o| {
            let dash = || "-".to_string();
            let mut role = o.role.clone().unwrap_or_else(dash);
            if o.server_admin == Some(true) {
                role.push_str(" + server admin");
            }
            [
                o.sample.clone(),
                o.login.clone().unwrap_or_else(dash),
                if o.ok {
                    "ok".into()
                } else {
                    "login fails".into()
                },
                role,
                o.role_source.unwrap_or("-").to_string(),
                if o.orgs.is_empty() {
                    dash()
                } else {
                    o.orgs
                        .iter()
                        .map(|r| format!("{}: {}", r.org, r.role))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let mut text = String::new();
    let head: Vec<String> = header.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    text.push_str(&paint(color, Paint::Bold, head.join("  ").trim_end()));
    text.push('\n');
    for (row, o) in rows.iter().zip(outcomes) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let padded = pad(c, w);
                match i {
                    2 => paint(color, if o.ok { Paint::Green } else { Paint::Red }, &padded),
                    _ => padded,
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// Failures, each login's trace, and the hints (each once, with its samples).
fn details(outcomes: &[GrafanaOutcome], color: bool) -> String {
    let mut text = String::new();
    for o in outcomes {
        text.push('\n');
        text.push_str(&paint(color, Paint::Bold, &o.sample));
        if let Some(m) = &o.message {
            text.push_str(&format!(
                ": {} {m}",
                paint(color, Paint::Red, "login fails:")
            ));
        }
        text.push('\n');
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
            text.push_str(&format!(
                "  {:<12} {:<14} {what}{}\n",
                s.source, s.field, s.note
            ));
        }
    }
    let mut order: Vec<(String, String, String)> = Vec::new();
    let mut samples: BTreeMap<(String, String, String), Vec<&str>> = BTreeMap::new();
    for o in outcomes {
        for h in &o.hints {
            let key = (h.code.to_string(), h.message.clone(), h.fix.clone());
            if !samples.contains_key(&key) {
                order.push(key.clone());
            }
            samples.entry(key).or_default().push(&o.sample);
        }
    }
    if !order.is_empty() {
        text.push('\n');
        text.push_str(&paint(color, Paint::Bold, "Hints:"));
        text.push('\n');
        for key in &order {
            let (code, message, fix) = key;
            let who = samples.get(key).map(|s| s.join(", ")).unwrap_or_default();
            text.push_str(&format!(
                "  {} {message}\n    {} {fix}\n    {}\n",
                paint(color, Paint::Yellow, &format!("[{code}]")),
                paint(color, Paint::Cyan, "fix:"),
                paint(color, Paint::Dim, &format!("samples: {who}")),
            ));
        }
    }
    text
}

/// The lint findings of the configuration's expressions and `org_mapping`,
/// with the samples' claims (every source).
fn lint_findings(config: &GrafanaConfig, samples: &[GrafanaSample], color: bool) -> String {
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
    let mut text = String::new();
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
            let help = d
                .help
                .map(|h| format!("\n    {} {h}", paint(color, Paint::Cyan, "fix:")))
                .unwrap_or_default();
            text.push_str(&format!(
                "  {} {key}: {}{help}\n",
                paint(color, Paint::Yellow, &format!("[{} {}]", d.code, d.name)),
                d.message
            ));
        }
    }
    if text.is_empty() {
        return text;
    }
    format!("\n{}\n{text}", paint(color, Paint::Bold, "Lint:"))
}

/// `rolemap simulate` on a Grafana configuration.
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
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&outcomes)
                .map_err(|e| Failure::input(format!("cannot write the outcomes as JSON: {e}")))?;
            out(&format!("{text}\n"))?;
        }
        OutputFormat::Text => {
            let mut text = format!(
                "{} Grafana generic OAuth ({}), {} sample(s)\n\n",
                paint(style.out, Paint::Bold, "Simulated:"),
                a.config.display(),
                samples.len()
            );
            text.push_str(&table(&outcomes, style.out));
            text.push_str(&details(&outcomes, style.out));
            text.push_str(&lint_findings(&config, &samples, style.out));
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
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
