//! `rolemap simulate`: Pangolin's OIDC login for sample users.

use std::collections::BTreeMap;

use rolemap_simulate::{Config, Options, Outcome, Sample, Simulator};

use crate::args::{OutputFormat, SimulateArgs};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
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

/// The table of outcomes, one row a sample. Cells are escaped before they
/// are measured, padded and coloured.
pub fn table(outcomes: &[Outcome], color: bool) -> Shown {
    let header = ["SAMPLE", "IDENTIFIER", "STATUS", "ORGS AND ROLES"];
    let rows: Vec<[Shown; 4]> = outcomes
        .iter()
        .map(|o| {
            [
                Shown::line(&o.sample),
                Shown::line(o.identifier.as_deref().unwrap_or("-")),
                Shown::line(&status_word(o)),
                Shown::line(&memberships(o)),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.as_str().chars().count());
        }
    }
    let mut text = Shown::new();
    let head: Vec<String> = header.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    text.push(paint(color, Paint::Bold, head.join("  ").trim_end()));
    text.push("\n");
    for (row, o) in rows.iter().zip(outcomes) {
        let last = row.len() - 1;
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            // Padded after escaping (escaping it again changes nothing).
            let padded = pad(c.as_str(), w);
            let cell = Shown::from(if i == last {
                padded.trim_end()
            } else {
                &padded
            });
            if i == 2 {
                let p = if o.succeeded() {
                    Paint::Green
                } else {
                    Paint::Red
                };
                text.push(paint(color, p, cell));
            } else {
                text.push(cell);
            }
            if i < last {
                text.push("  ");
            }
        }
        text.push("\n");
    }
    text
}

/// What went wrong for each failed login, and the hints, grouped so that a
/// hint shared by several samples is printed once.
pub fn details(outcomes: &[Outcome], color: bool) -> Shown {
    let mut text = Shown::new();
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
        text.push("\n");
        text.push(paint(color, Paint::Bold, "Failed logins:"));
        text.push("\n");
        for (detail, samples) in &groups {
            text.push(shown![
                "  ",
                paint(color, Paint::Red, Shown::line(&samples.join(", "))),
                ": ",
                detail
            ]);
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
        text.push("\n");
        text.push(paint(color, Paint::Bold, "Hints:"));
        text.push("\n");
        for key in &order {
            let samples = hints.get(key).map(|s| s.join(", ")).unwrap_or_default();
            let (code, message, fix) = key;
            text.push(shown![
                "  ",
                paint(color, Paint::Yellow, format!("[{code}]")),
                " ",
                message,
                "\n    ",
                paint(color, Paint::Cyan, "fix:"),
                " ",
                fix,
                "\n    ",
                paint(
                    color,
                    Paint::Dim,
                    Shown::line(&format!("samples: {samples}"))
                ),
                "\n",
            ]);
        }
    }
    text
}

/// Per login, the lines Pangolin 1.22.0's server log has about it.
pub fn server_log(outcomes: &[Outcome], color: bool) -> Shown {
    let mut text = shown![
        "\n",
        paint(
            color,
            Paint::Bold,
            "Pangolin 1.22.0's log (debug level), per login:"
        ),
        "\n"
    ];
    for o in outcomes {
        text.push(shown![
            "  ",
            paint(color, Paint::Bold, Shown::line(&o.sample)),
            "\n"
        ]);
        for line in o.server_log() {
            text.push(shown!["    ", Shown::line(&line), "\n"]);
        }
    }
    text
}

/// Runs `rolemap simulate`.
pub fn run(a: &SimulateArgs, style: Style) -> CmdResult {
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
        err(&Shown::from(format!(
            "warning: {}: {w}\n",
            a.config.display()
        )));
    }
    let outcomes = Simulator::new(&config).simulate_all(&samples, &options);
    match a.output {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&outcomes)
                .map_err(|e| Failure::input(format!("cannot write the outcomes as JSON: {e}")))?;
            out(&Shown::json(&format!("{text}\n")))?;
        }
        OutputFormat::Text => {
            let mut text = Shown::new();
            let edition = config.pangolin.edition.as_str();
            text.push(paint(style.out, Paint::Bold, "Simulated:"));
            text.push(format!(
                " IdP `{}`, Pangolin {} ({edition}), {} org(s), {} sample(s)\n",
                config.idp.display_name(),
                config.pangolin.version,
                config.orgs.len(),
                samples.len()
            ));
            if let Some(url) = config.callback_url() {
                text.push(shown![
                    paint(
                        style.out,
                        Paint::Bold,
                        "Callback URL to register at the IdP:"
                    ),
                    " ",
                    url,
                    "\n"
                ]);
            }
            text.push("\n");
            text.push(table(&outcomes, style.out));
            text.push(details(&outcomes, style.out));
            if a.log {
                text.push(server_log(&outcomes, style.out));
            }
            out(&text)?;
        }
    }
    Ok(EXIT_OK)
}
