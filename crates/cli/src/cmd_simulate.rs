//! `rolemap simulate`: Pangolin's OIDC login for sample users.

use std::collections::BTreeMap;

use rolemap_simulate::{Config, Options, Outcome, Sample, Simulator};

use crate::args::{OutputFormat, SimulateArgs};
use crate::style::{paint, Paint, Style};
use crate::{err, out, CmdResult, Failure, EXIT_OK};

/// A short word for an HTTP status of the login.
fn status_word(o: &Outcome) -> String {
    let word = match o.status {
        201 => "ok",
        400 => "no identifier",
        401 if o.message.contains("unprovisioned") => "unprovisioned",
        401 => "no org matched",
        500 => "error page",
        _ => "",
    };
    format!("{} {word}", o.status).trim_end().to_string()
}

/// The memberships of an outcome: `home-lab: Admin, Member; lab2: Member (manual)`.
fn memberships(o: &Outcome) -> String {
    if o.orgs.is_empty() {
        return "-".to_string();
    }
    o.orgs
        .iter()
        .map(|m| {
            let roles = if m.roles.is_empty() {
                "(no role)".to_string()
            } else {
                m.roles.join(", ")
            };
            let manual = if m.auto { "" } else { " (manual)" };
            format!("{}: {roles}{manual}", m.org)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Pads `s` to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The table of outcomes, one row a sample.
pub fn table(outcomes: &[Outcome], color: bool) -> String {
    let header = ["SAMPLE", "IDENTIFIER", "STATUS", "ORGS AND ROLES"];
    let rows: Vec<[String; 4]> = outcomes
        .iter()
        .map(|o| {
            [
                o.sample.clone(),
                o.identifier.clone().unwrap_or_else(|| "-".into()),
                status_word(o),
                memberships(o),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
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
                if i == 2 {
                    let p = if o.succeeded() {
                        Paint::Green
                    } else {
                        Paint::Red
                    };
                    paint(color, p, &padded)
                } else {
                    padded
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// What went wrong for each failed login, and the hints, grouped so that a
/// hint shared by several samples is printed once.
pub fn details(outcomes: &[Outcome], color: bool) -> String {
    let mut text = String::new();
    // Identical failures (same status, message and error) are shown once.
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for o in outcomes.iter().filter(|o| !o.succeeded()) {
        let mut detail = format!("HTTP {} {}\n", o.status, o.message);
        if let Some(shown) = &o.shown {
            detail.push_str(&format!("    the browser shows: {shown}\n"));
        }
        if let Some(e) = &o.error {
            let js = e
                .js_message
                .as_ref()
                .map(|j| format!("\n    Pangolin logs: {j}"))
                .unwrap_or_default();
            detail.push_str(&format!(
                "    {} failed: `{}`: {}{js}\n",
                e.step, e.expression, e.message
            ));
        }
        match groups.iter_mut().find(|(d, _)| *d == detail) {
            Some((_, samples)) => samples.push(&o.sample),
            None => groups.push((detail, vec![&o.sample])),
        }
    }
    if !groups.is_empty() {
        text.push('\n');
        text.push_str(&paint(color, Paint::Bold, "Failed logins:"));
        text.push('\n');
        for (detail, samples) in &groups {
            text.push_str(&format!(
                "  {}: {detail}",
                paint(color, Paint::Red, &samples.join(", "))
            ));
        }
    }
    // hint -> samples
    let mut hints: BTreeMap<(String, String, String), Vec<&str>> = BTreeMap::new();
    let mut order: Vec<(String, String, String)> = Vec::new();
    for o in outcomes {
        for h in &o.hints {
            let key = (h.code.to_string(), h.message.clone(), h.fix.clone());
            if !hints.contains_key(&key) {
                order.push(key.clone());
            }
            hints.entry(key).or_default().push(&o.sample);
        }
    }
    if !order.is_empty() {
        text.push('\n');
        text.push_str(&paint(color, Paint::Bold, "Hints:"));
        text.push('\n');
        for key in &order {
            let samples = hints.get(key).map(|s| s.join(", ")).unwrap_or_default();
            let (code, message, fix) = key;
            text.push_str(&format!(
                "  {} {message}\n    {} {fix}\n    {}\n",
                paint(color, Paint::Yellow, &format!("[{code}]")),
                paint(color, Paint::Cyan, "fix:"),
                paint(color, Paint::Dim, &format!("samples: {samples}")),
            ));
        }
    }
    text
}

/// Per login, the lines Pangolin 1.22.0's server log has about it.
pub fn server_log(outcomes: &[Outcome], color: bool) -> String {
    let mut text = String::new();
    text.push('\n');
    text.push_str(&paint(
        color,
        Paint::Bold,
        "Pangolin 1.22.0's log (debug level), per login:",
    ));
    text.push('\n');
    for o in outcomes {
        text.push_str(&format!("  {}\n", paint(color, Paint::Bold, &o.sample)));
        for line in o.server_log() {
            text.push_str(&format!("    {line}\n"));
        }
    }
    text
}

/// Runs `rolemap simulate`.
pub fn run(a: &SimulateArgs, style: Style) -> CmdResult {
    if rolemap_simulate::grafana::is_grafana_config(&a.config) {
        return crate::cmd_grafana::simulate_cmd(a, style);
    }
    let config = Config::load(&a.config).map_err(|e| Failure::input(e.to_string()))?;
    let samples: Vec<Sample> = if a.claims.is_empty() {
        if config.samples.is_empty() {
            return Err(Failure::input(format!(
                "{}: no sample users: give claim files after the config, or list them in the config's `samples`",
                a.config.display()
            )));
        }
        config
            .load_samples()
            .map_err(|e| Failure::input(e.to_string()))?
    } else {
        let mut all = Vec::new();
        for p in &a.claims {
            all.extend(crate::input::load_claims(p)?);
        }
        all
    };
    let options = Options {
        all_claims: a.all_claims,
        ..Options::default()
    };
    for w in config.warnings() {
        err(&format!("warning: {}: {w}\n", a.config.display()));
    }
    let outcomes = Simulator::new(&config).simulate_all(&samples, &options);
    match a.output {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&outcomes)
                .map_err(|e| Failure::input(format!("cannot write the outcomes as JSON: {e}")))?;
            out(&format!("{text}\n"))?;
        }
        OutputFormat::Text => {
            let mut text = String::new();
            let edition = config.pangolin.edition.as_str();
            text.push_str(&format!(
                "{} IdP `{}`, Pangolin {} ({edition}), {} org(s), {} sample(s)\n",
                paint(style.out, Paint::Bold, "Simulated:"),
                config.idp.display_name(),
                config.pangolin.version,
                config.orgs.len(),
                samples.len()
            ));
            if let Some(url) = config.callback_url() {
                text.push_str(&format!(
                    "{} {url}\n",
                    paint(
                        style.out,
                        Paint::Bold,
                        "Callback URL to register at the IdP:"
                    )
                ));
            }
            text.push('\n');
            text.push_str(&table(&outcomes, style.out));
            text.push_str(&details(&outcomes, style.out));
            if a.log {
                text.push_str(&server_log(&outcomes, style.out));
            }
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
}
