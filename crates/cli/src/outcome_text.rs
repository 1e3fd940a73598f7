//! Pangolin's login outcomes as text: the table, the details of failed
//! logins, the hints (shared with Grafana's report) and the server log.

use std::collections::BTreeMap;

use rolemap_simulate::{Hint, Outcome};

use crate::style::{paint, Paint};
use crate::terminal::Shown;

/// A short word for an HTTP status of the login.
pub fn status_word(o: &Outcome) -> String {
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

/// What went wrong in a failed login: the status and message, what the
/// browser shows, the expression that failed (lines after the first
/// indented by four spaces; ends with a newline).
pub fn failure_detail(o: &Outcome) -> String {
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
    detail
}

/// What went wrong for each failed login, and the hints, grouped so that a
/// hint shared by several samples is printed once.
pub fn details(outcomes: &[Outcome], color: bool) -> Shown {
    let mut text = Shown::new();
    // Identical failures (same status, message and error) are shown once.
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for o in outcomes.iter().filter(|o| !o.succeeded()) {
        let detail = failure_detail(o);
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
    text.push(hints_text(
        outcomes.iter().map(|o| (o.sample.as_str(), &o.hints[..])),
        color,
    ));
    text
}

/// The hints of many logins, each printed once with the samples that got
/// it (in the order first seen): shared by both targets' text reports.
pub fn hints_text<'a>(
    logins: impl IntoIterator<Item = (&'a str, &'a [Hint])>,
    color: bool,
) -> Shown {
    let mut text = Shown::new();
    let mut hints: BTreeMap<(&str, &str, &str), Vec<&str>> = BTreeMap::new();
    let mut order: Vec<(&str, &str, &str)> = Vec::new();
    for (sample, list) in logins {
        for h in list {
            let key = (h.code.as_str(), h.message.as_str(), h.fix.as_str());
            let samples = hints.entry(key).or_default();
            if samples.is_empty() {
                order.push(key);
            }
            samples.push(sample);
        }
    }
    if order.is_empty() {
        return text;
    }
    text.push(shown!["\n", paint(color, Paint::Bold, "Hints:"), "\n"]);
    for key in &order {
        let samples = hints.get(key).map(|s| s.join(", ")).unwrap_or_default();
        let (code, message, fix) = *key;
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
    text
}

/// Per login, the lines Pangolin 1.22.0's server log has about it; of the
/// first `outcomes.len()` logins when `total` is more.
pub fn server_log(outcomes: &[Outcome], total: usize, color: bool) -> Shown {
    let heading = if total > outcomes.len() {
        format!(
            "Pangolin 1.22.0's log (debug level), per login, of the first {} of {total} logins:",
            outcomes.len()
        )
    } else {
        "Pangolin 1.22.0's log (debug level), per login:".to_string()
    };
    let mut text = shown!["\n", paint(color, Paint::Bold, heading), "\n"];
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
