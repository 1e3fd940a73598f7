//! `rolemap simulate`: Pangolin's OIDC login for sample users.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rolemap_simulate::{Config, Options, Outcome, Simulator};

use crate::args::{FailOn, SimulateArgs, SimulateOutput};
use crate::claims::Samples;
use crate::report::{Summary, SCREENFUL};
use crate::stream::{self, Sink};
use crate::style::{paint, Paint, Style};
use crate::{out, CmdResult, Failure, EXIT_FAILED, EXIT_OK};

/// A short word for an HTTP status of the login.
pub fn status_word(o: &Outcome) -> String {
    let word = match o.status {
        200 => "ok",
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
pub fn details(outcomes: &[Outcome], color: bool) -> String {
    let mut text = String::new();
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
                sink.write(if *written == 0 { "[\n" } else { ",\n" })?;
                // The array's own indentation (strings hold no raw newline).
                for (i, line) in text.split('\n').enumerate() {
                    sink.write(if i == 0 { "  " } else { "\n  " })?;
                    sink.write(line)?;
                }
                *written += 1;
            }
            Output::Jsonl { sink } => {
                let mut text = serde_json::to_string(&o).map_err(json_failure)?;
                text.push('\n');
                sink.write(&text)?;
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
    let simulator = Simulator::new(&config);
    let mut output = Output::new(a.output);
    let mut progress = Progress::new();
    let (mut failed, mut hinted, mut done) = (false, false, 0);
    let overlap = a.claims.iter().all(|p| stream::never_waits(p));
    let result = stream::pipeline(
        overlap,
        || samples.next_batch(),
        |item| item.sample().map(|s| simulator.simulate(&s, &options)),
        |outcomes| {
            for outcome in outcomes {
                let outcome = outcome?;
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
            sink.write(if written == 0 { "[]\n" } else { "\n]\n" })?;
            sink.flush()?;
        }
        Output::Jsonl { mut sink } => sink.flush()?,
        Output::Text { first, summary } => {
            out(&text_report(&config, &first, &summary, style))?;
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
/// summary beyond.
fn text_report(config: &Config, first: &[Outcome], summary: &Summary, style: Style) -> String {
    let mut text = String::new();
    let edition = config.pangolin.edition.as_str();
    text.push_str(&format!(
        "{} IdP `{}`, Pangolin {} ({edition}), {} org(s), {} sample(s)\n",
        paint(style.out, Paint::Bold, "Simulated:"),
        config.idp.display_name(),
        config.pangolin.version,
        config.orgs.len(),
        summary.total
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
    if summary.total <= SCREENFUL {
        text.push_str(&table(first, style.out));
        text.push_str(&details(first, style.out));
    } else {
        text.push_str(&summary.render(style.out));
    }
    text
}
