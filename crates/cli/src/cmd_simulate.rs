//! `rolemap simulate`: Pangolin's OIDC login for sample users.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rolemap_simulate::{Config, Hint, Options, Outcome, Simulator};

use crate::args::{FailOn, SimulateArgs, SimulateOutput};
use crate::claims::{FirstLogins, Samples};
use crate::report::{Summary, SCREENFUL};
use crate::stream::{self, Sink};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, Failure, EXIT_FAILED, EXIT_OK};

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

/// Where the logins go as they are simulated.
enum Output {
    /// The table, while the run fits a screen; then the summary only.
    Text {
        first: Vec<Outcome>,
        summary: Box<Summary>,
    },
    /// One JSON array, written an element at a time.
    Json { sink: Sink, written: usize },
    /// One compact JSON object a line.
    Jsonl { sink: Sink },
}

impl Output {
    fn new(format: SimulateOutput) -> Output {
        match format {
            SimulateOutput::Text => Output::Text {
                first: Vec::new(),
                summary: Box::default(),
            },
            SimulateOutput::Json => Output::Json {
                sink: Sink::stdout(),
                written: 0,
            },
            SimulateOutput::Jsonl => Output::Jsonl {
                sink: Sink::stdout(),
            },
        }
    }

    fn add(&mut self, o: Outcome) -> Result<(), Failure> {
        let json_failure =
            |e: serde_json::Error| Failure::input(format!("cannot write the outcome as JSON: {e}"));
        match self {
            Output::Text { first, summary } => {
                summary.add(&o);
                if first.len() <= SCREENFUL {
                    first.push(o);
                }
            }
            Output::Json { sink, written } => {
                let text = serde_json::to_string_pretty(&o).map_err(json_failure)?;
                // The array's own indentation (strings hold no raw newline).
                let head = if *written == 0 { "[\n  " } else { ",\n  " };
                let element = format!("{head}{}", text.replace('\n', "\n  "));
                sink.write(&Shown::json(&element))?;
                *written += 1;
            }
            Output::Jsonl { sink } => {
                let mut text = serde_json::to_string(&o).map_err(json_failure)?;
                text.push('\n');
                sink.write(&Shown::json(&text))?;
            }
        }
        Ok(())
    }

    /// Writes what is buffered (the end of a batch).
    fn flush(&mut self) -> Result<(), Failure> {
        match self {
            Output::Text { .. } => Ok(()),
            Output::Json { sink, .. } | Output::Jsonl { sink } => sink.flush(),
        }
    }
}

/// A progress line on stderr, shown when stderr is a terminal and the run
/// has taken more than a second.
struct Progress {
    started: Instant,
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            started: Instant::now(),
            bar: None,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn update(&mut self, done: usize) {
        if !self.enabled || self.started.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {human_pos} logins simulated ({per_sec})")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done as u64);
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `rolemap simulate`.
pub fn run(a: &SimulateArgs, style: Style) -> CmdResult {
    if rolemap_simulate::grafana::is_grafana_config(&a.config) {
        return crate::cmd_grafana::simulate_cmd(a, style);
    }
    let config = Config::load(&a.config).map_err(|e| Failure::input(e.to_string()))?;
    let mut samples = if a.claims.is_empty() {
        if config.samples.is_empty() {
            return Err(Failure::input(format!(
                "{}: no sample users: give claim files after the config, or list them in the config's `samples`",
                a.config.display()
            )));
        }
        Samples::loaded(
            config
                .load_samples()
                .map_err(|e| Failure::input(e.to_string()))?,
        )
    } else {
        Samples::from_paths(&a.claims)
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
    let simulator = Simulator::new(&config);
    let mut output = Output::new(a.output);
    let mut progress = Progress::new();
    let mut first_logins = FirstLogins::default();
    let (mut failed, mut hinted, mut done) = (false, false, 0);
    let overlap = a.claims.iter().all(|p| stream::never_waits(p));
    let result = stream::pipeline(
        overlap,
        || samples.next_batch(),
        |item| {
            let (place, sample) = item.sample();
            (place, sample.map(|s| simulator.simulate(&s, &options)))
        },
        |outcomes| {
            for (place, outcome) in outcomes {
                let mut outcome = outcome?;
                first_logins.mark(place, &mut outcome);
                failed |= !outcome.succeeded();
                hinted |= !outcome.hints.is_empty();
                done += 1;
                output.add(outcome)?;
            }
            progress.update(done);
            output.flush()
        },
    );
    progress.finish();
    if let Err(f) = result {
        // What was written stays readable up to the bad input.
        output.flush()?;
        return Err(f);
    }
    match output {
        Output::Json { mut sink, written } => {
            sink.write(&Shown::from(if written == 0 { "[]\n" } else { "\n]\n" }))?;
            sink.flush()?;
        }
        Output::Jsonl { mut sink } => sink.flush()?,
        Output::Text { first, summary } => {
            out(&text_report(&config, &first, &summary, a.log, style))?;
        }
    }
    let fails = match a.fail_on {
        Some(FailOn::Failure) => failed,
        Some(FailOn::Hint) => failed || hinted,
        None => false,
    };
    Ok(if fails { EXIT_FAILED } else { EXIT_OK })
}

/// The text report: the table of every login while they fit a screen, the
/// summary beyond; with `log`, the server log of the logins in the table
/// (the first [`SCREENFUL`] in a summary).
fn text_report(
    config: &Config,
    first: &[Outcome],
    summary: &Summary,
    log: bool,
    style: Style,
) -> Shown {
    let mut text = Shown::new();
    let edition = config.pangolin.edition.as_str();
    text.push(paint(style.out, Paint::Bold, "Simulated:"));
    text.push(format!(
        " IdP `{}`, Pangolin {} ({edition}), {} org(s), {} sample(s)\n",
        config.idp.display_name(),
        config.pangolin.version,
        config.orgs.len(),
        summary.total
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
    if summary.total <= SCREENFUL {
        text.push(table(first, style.out));
        text.push(details(first, style.out));
    } else {
        text.push(summary.render(style.out));
    }
    if log {
        let shown = first.get(..SCREENFUL).unwrap_or(first);
        text.push(server_log(shown, summary.total, style.out));
    }
    text
}
