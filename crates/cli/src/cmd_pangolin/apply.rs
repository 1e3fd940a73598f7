//! `rolemap pangolin apply FILE`: the difference between a config's
//! mappings and the server's, in expressions and in the sample users'
//! logins; refused on a lint error or a failed expectation; otherwise
//! saved, then pulled again so that what is reported as saved is what the
//! server holds.

use rolemap_pangolin_api::apply::apply as apply_plan;
use rolemap_pangolin_api::convert::{self, Assumptions};
use rolemap_pangolin_api::logins::{self, LoginChange};
use rolemap_pangolin_api::read::{self, Snapshot};
use rolemap_pangolin_api::{plan, Change, Client, Plan};
use rolemap_simulate::{Config, Options, Outcome, Sample, Simulator, TestReport};
use serde_json::{json, Value as Json};

use super::report::{expectations_text, lint_config, lint_text, quote, run_expectations, LintItem};
use super::{api, claims_json, connect, samples};
use crate::args::{ApplyArgs, OutputFormat};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{out, CmdResult, Failure, EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// The config a login on `server` uses, with what only the file knows
/// (edition, version, provider, existing users, samples).
fn as_config(file: &Config, server: &Snapshot) -> Config {
    let assumed = Assumptions {
        version: Some(file.pangolin.version.clone()),
        edition: file.pangolin.edition,
        provider: Some(file.idp.provider),
    };
    let mut c = convert::to_config(server, &assumed);
    c.pangolin = file.pangolin.clone();
    c.users = file.users.clone();
    c.samples = file.samples.clone();
    c.source = file.source.clone();
    c
}

fn simulate(config: &Config, samples: &[Sample]) -> Vec<Outcome> {
    Simulator::new(config).simulate_all(samples, &Options::default())
}

/// Everything decided before anything is written.
struct Review {
    plan: Plan,
    lint: Vec<LintItem>,
    logins: Vec<LoginChange>,
    samples: usize,
    expect: Option<TestReport>,
    refused: Vec<String>,
}

fn review(a: &ApplyArgs, file: &Config, server: &Snapshot) -> Result<Review, Failure> {
    let samples = samples(&a.claims, Some(file))?;
    let plan = plan(file, server, a.prune)
        .map_err(|e| Failure::input(format!("{}: {e}", a.file.display())))?;
    let before = as_config(file, server);
    let after = as_config(file, &plan.expected(server));
    let lint = lint_config(&after, &claims_json(&samples));
    let logins = logins::compare(&simulate(&before, &samples), &simulate(&after, &samples));
    let expect = match &a.expect {
        Some(p) => Some(run_expectations(p, &after)?),
        None => None,
    };
    let mut refused = Vec::new();
    // The file's values: the IdP's fields and the orgs it lists.
    for item in &lint {
        let from_file = item.org.as_ref().is_none_or(|o| file.org(o).is_some());
        if from_file && item.errors() > 0 {
            refused.push(format!("{}: {} lint error(s)", item.field, item.errors()));
        }
    }
    if let Some(r) = &expect {
        for c in r.cases.iter().filter(|c| !c.passed) {
            refused.push(format!("expectation {} fails", quote(&c.name)));
        }
    }
    Ok(Review {
        plan,
        lint,
        logins,
        samples: samples.len(),
        expect,
        refused,
    })
}

fn show(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::String(s) => quote(s),
        other => other.to_string(),
    }
}

fn change_text(c: &Change) -> Shown {
    let mut text = shown!["  ", c.summary(), "\n"];
    for f in c.fields() {
        let line = match c {
            Change::UpdateIdp { .. } | Change::UpdatePolicy { .. } => {
                format!("{}: {} -> {}", f.key, show(&f.before), show(&f.after))
            }
            Change::CreatePolicy { .. } => format!("{}: {}", f.key, show(&f.after)),
            Change::DeletePolicy { .. } => format!("{}: {} (deleted)", f.key, show(&f.before)),
        };
        text.push(shown!["      ", line, "\n"]);
    }
    text
}

fn logins_text(r: &Review, color: bool) -> Shown {
    let head = format!("Logins that change once saved ({} sample(s)):", r.samples);
    let mut text = shown!["\n", paint(color, Paint::Bold, head), "\n"];
    if r.logins.is_empty() {
        text.push("  none\n");
    }
    for l in &r.logins {
        let verdict = l.verdict();
        let p = if verdict == "starts failing" {
            Paint::Red
        } else {
            Paint::Green
        };
        text.push(shown![
            "  ",
            Shown::line(&l.sample),
            format!(": HTTP {} -> {} ", l.before.0, l.after.0),
            paint(color, p, verdict),
            "\n"
        ]);
        if l.after.0 >= 300 {
            text.push(shown!["      then: ", &l.after.1, "\n"]);
        }
        for g in &l.gained {
            text.push(shown!["      + ", Shown::line(g), "\n"]);
        }
        for g in &l.lost {
            text.push(shown!["      - ", Shown::line(g), "\n"]);
        }
    }
    text
}

fn review_text(a: &ApplyArgs, r: &Review, color: bool) -> Shown {
    let mut text = Shown::new();
    if r.plan.is_empty() {
        text.push("Changes: none (the server holds the file's mappings)\n");
    } else {
        let head = format!("Changes ({}):", r.plan.changes.len());
        text.push(shown![paint(color, Paint::Bold, head), "\n"]);
        for c in &r.plan.changes {
            text.push(change_text(c));
        }
    }
    for n in &r.plan.notes {
        text.push(shown!["  note: ", n, "\n"]);
    }
    if r.samples > 0 {
        text.push(logins_text(r, color));
    }
    if r.lint.iter().any(|i| !i.diagnostics.is_empty()) {
        text.push(shown![
            "\n",
            paint(color, Paint::Bold, "Lint (as saved):"),
            "\n",
            lint_text(&r.lint, color)
        ]);
    }
    if let (Some(e), Some(p)) = (&r.expect, &a.expect) {
        let head = format!("Expectations ({}):", p.display());
        text.push(shown![
            "\n",
            paint(color, Paint::Bold, head),
            "\n",
            expectations_text(e, color)
        ]);
    }
    text
}

/// The outcome of the writes and of the pull after them.
struct Saved {
    made: Vec<String>,
    failed: Option<(String, String)>,
    not_made: Vec<String>,
    /// What still differs on the server after the pull (None: the pull failed).
    remaining: Option<Vec<String>>,
    pull_error: Option<String>,
}

fn save(client: &Client, a: &ApplyArgs, file: &Config, r: &Review) -> Saved {
    let report = apply_plan(client, a.idp, &r.plan);
    let summaries: Vec<String> = r.plan.changes.iter().map(Change::summary).collect();
    let made = summaries[..report.done].to_vec();
    let (failed, not_made) = match &report.failed {
        Some((i, e)) => (
            Some((summaries[*i].clone(), e.to_string())),
            summaries[*i..].to_vec(),
        ),
        None => (None, Vec::new()),
    };
    let (remaining, pull_error) = match read::snapshot(client, a.idp) {
        Ok(now) => match plan(file, &now, a.prune) {
            Ok(p) => (Some(p.changes.iter().map(Change::summary).collect()), None),
            Err(e) => (None, Some(e.to_string())),
        },
        Err(e) => (None, Some(e.to_string())),
    };
    Saved {
        made,
        failed,
        not_made,
        remaining,
        pull_error,
    }
}

fn saved_text(s: &Saved, color: bool) -> Shown {
    let mut text = Shown::new();
    for m in &s.made {
        text.push(shown!["  made: ", m, "\n"]);
    }
    if let Some((what, why)) = &s.failed {
        text.push(shown![
            "  ",
            paint(color, Paint::Red, "FAILED:"),
            " ",
            what,
            ": ",
            why,
            "\n"
        ]);
        for n in s.not_made.iter().skip(1) {
            text.push(shown!["  not made: ", n, "\n"]);
        }
    }
    match (&s.remaining, &s.pull_error) {
        (Some(rest), _) if rest.is_empty() => text.push(shown![
            paint(
                color,
                Paint::Green,
                "Pulled again: the server holds the file's mappings."
            ),
            "\n"
        ]),
        (Some(rest), _) => {
            text.push(shown![
                paint(
                    color,
                    Paint::Red,
                    "Pulled again: the server does NOT hold these of the file's mappings:"
                ),
                "\n"
            ]);
            for r in rest {
                text.push(shown!["  still to do: ", r, "\n"]);
            }
        }
        (None, Some(e)) => text.push(shown!["Could not pull again to confirm: ", e, "\n"]),
        (None, None) => {}
    }
    text
}

/// Runs `rolemap pangolin apply`.
pub fn run(a: &ApplyArgs, style: Style) -> CmdResult {
    let file = Config::load(&a.file).map_err(|e| Failure::input(e.to_string()))?;
    let client = connect(&a.connect)?;
    let server = read::snapshot(&client, a.idp).map_err(api)?;
    let r = review(a, &file, &server)?;
    let c = style.out;
    let head = format!(
        "Apply {} to IdP {} {} at {}{}",
        a.file.display(),
        server.idp.id,
        quote(&server.idp.name),
        client.endpoint().base(),
        if file.idp.id == a.idp {
            String::new()
        } else {
            format!(
                " (the file says idp.id = {}: --idp {} is used)",
                file.idp.id, a.idp
            )
        }
    );
    let mode = if !r.refused.is_empty() {
        "refused"
    } else if r.plan.is_empty() {
        "nothing"
    } else if a.dry_run {
        "dry-run"
    } else {
        "save"
    };
    let saved = (mode == "save").then(|| save(&client, a, &file, &r));
    let code = match &saved {
        _ if mode == "refused" => EXIT_FAILED,
        Some(s) if s.failed.is_some() || s.pull_error.is_some() => EXIT_USAGE,
        Some(s) if s.remaining.as_ref().is_some_and(|x| !x.is_empty()) => EXIT_FAILED,
        _ => EXIT_OK,
    };
    match a.output {
        OutputFormat::Json => {
            let v = json!({
                "file": a.file,
                "server": {"url": client.endpoint().base(), "idp": {"id": server.idp.id, "name": server.idp.name}},
                "plan": r.plan,
                "logins": r.logins,
                "lint": r.lint,
                "expectations": r.expect.as_ref().map(|e| json!({"passed": e.passed_count(), "failed": e.failed_count(), "cases": e.cases.iter().map(|c| json!({"name": c.name, "passed": c.passed, "diff": c.diff})).collect::<Vec<_>>()})),
                "refused": r.refused,
                "result": mode,
                "saved": saved.as_ref().map(|s| json!({
                    "made": s.made,
                    "failed": s.failed.as_ref().map(|(w, e)| json!({"change": w, "error": e})),
                    "not_made": s.not_made,
                    "remaining": s.remaining,
                    "pull_error": s.pull_error,
                })),
            });
            out(&Shown::json(&format!("{}\n", crate::cmd_eval::pretty(&v))))?;
        }
        OutputFormat::Text => {
            let mut text = shown![
                paint(c, Paint::Bold, head),
                "\n\n",
                review_text(a, &r, c),
                "\n"
            ];
            match mode {
                "refused" => {
                    text.push(shown![
                        paint(c, Paint::Red, "Refused, nothing was written:"),
                        "\n"
                    ]);
                    for why in &r.refused {
                        text.push(shown!["  - ", why, "\n"]);
                    }
                }
                "nothing" => text.push("Nothing to change.\n"),
                "dry-run" => text.push("Dry run: nothing was written.\n"),
                _ => {
                    if let Some(s) = &saved {
                        text.push(shown![
                            paint(c, Paint::Bold, "Saved:"),
                            "\n",
                            saved_text(s, c)
                        ]);
                    }
                }
            }
            out(&text)?;
        }
    }
    Ok(code)
}
