//! `rolemap simulate`: Pangolin's OIDC login for sample users.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rolemap_simulate::{Config, Options, Outcome, Simulator};

use crate::args::{FailOn, SimulateArgs, SimulateOutput};
use crate::claims::{FirstLogins, Samples};
use crate::outcome_text::{details, server_log, table};
use crate::report::{Summary, SCREENFUL};
use crate::stream::{self, Sink};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, Failure, EXIT_FAILED, EXIT_OK};

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
