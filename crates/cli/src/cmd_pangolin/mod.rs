//! `rolemap pangolin pull | check | apply`: a live Pangolin's mappings
//! through its integration API (rolemap-pangolin-api), checked with the
//! linter and the simulator before anything is saved.

mod apply;
mod report;

use std::io::{BufRead, IsTerminal};
use std::time::{Duration, SystemTime};

use rolemap_pangolin_api::convert::{self, Assumptions, Origin, TextFormat};
use rolemap_pangolin_api::read::{self, Snapshot};
use rolemap_pangolin_api::{ApiError, ApiKey, Client, ClientOptions, Endpoint};
use rolemap_simulate::{
    Config, Edition, Options, Outcome, PangolinVersion, Provider, Sample, Simulator,
};
use serde_json::{json, Value as Json};

use crate::args::{
    CheckArgs, ConnectArgs, EditionArg, OutputFormat, PangolinArgs, PangolinCommand, PullArgs,
    ServerArgs,
};
use crate::style::{paint, Paint, Style};
use crate::terminal::Shown;
use crate::{err, out, CmdResult, Failure, EXIT_FAILED, EXIT_OK};
use report::{expectations_text, lint_config, lint_text, quote, run_expectations, LintItem};

/// Runs `rolemap pangolin ...`.
pub fn run(a: &PangolinArgs, style: Style) -> CmdResult {
    match &a.command {
        PangolinCommand::Pull(a) => pull(a, style),
        PangolinCommand::Check(a) => check(a, style),
        PangolinCommand::Apply(a) => apply::run(a, style),
    }
}

/// An API error as a failure (exit 2: usage, connection, auth, server).
fn api(e: ApiError) -> Failure {
    Failure::input(e.to_string())
}

fn connect(c: &ConnectArgs) -> Result<Client, Failure> {
    let endpoint = Endpoint::parse(&c.url).map_err(api)?;
    let key = ApiKey::load(c.api_key_file.as_deref()).map_err(api)?;
    let options = ClientOptions {
        timeout: Duration::from_secs(c.timeout),
        retries: c.retries,
        ca_cert: c.ca_cert.clone(),
        page_size: c.page_size,
    };
    Client::new(endpoint, key, options).map_err(api)
}

fn assumptions(s: &ServerArgs) -> Result<Assumptions, Failure> {
    let version = match &s.pangolin_version {
        Some(v) => Some(
            v.parse::<PangolinVersion>()
                .map_err(|e| Failure::input(format!("--pangolin-version: {e}")))?,
        ),
        None => None,
    };
    let edition = match s.edition {
        None | Some(EditionArg::Oss) => Edition::Oss,
        Some(EditionArg::Enterprise) => Edition::Enterprise,
        Some(EditionArg::Cloud) => Edition::Cloud,
    };
    let provider = match &s.provider {
        Some(p) => Some(serde_json::from_value::<Provider>(json!(p)).map_err(|_| {
            Failure::input(format!(
                "--provider {}: not a provider rolemap knows: use pocket-id, authentik, keycloak, authelia, zitadel, kanidm, entra-id, google, okta, dex or generic",
                quote(p)
            ))
        })?),
        None => None,
    };
    Ok(Assumptions {
        version,
        edition,
        provider,
    })
}

/// The IdP to use: `--idp`, else asked for on a terminal, else an error
/// naming the IdPs.
fn choose_idp(client: &Client, idp: Option<u64>) -> Result<u64, Failure> {
    if let Some(id) = idp {
        return Ok(id);
    }
    let idps = read::list_idps(client).map_err(api)?;
    let list: Vec<String> = idps
        .iter()
        .map(|i| format!("{} {}", i.idp_id, quote(&i.name)))
        .collect();
    if idps.is_empty() {
        return Err(Failure::input(
            "the server has no IdP: create one in Server Admin > Identity Providers first",
        ));
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !interactive {
        return Err(Failure::input(format!(
            "--idp is needed (not on a terminal, so not asked): the server has {}",
            list.join(", ")
        )));
    }
    err(&shown!["IdPs on ", client.endpoint().base(), ":\n"]);
    for l in &list {
        err(&shown!["  ", Shown::line(l), "\n"]);
    }
    loop {
        err(&Shown::from("Which IdP (id)? "));
        let mut line = String::new();
        let n = std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::input(format!("cannot read the answer: {e}")))?;
        if n == 0 {
            return Err(Failure::input("no IdP chosen: pass --idp ID"));
        }
        match line.trim().parse::<u64>() {
            Ok(id) if idps.iter().any(|i| i.idp_id == id) => return Ok(id),
            _ => err(&shown!["not one of: ", Shown::line(&list.join(", ")), "\n"]),
        }
    }
}

fn now_utc() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

fn pull(a: &PullArgs, _style: Style) -> CmdResult {
    let assumed = assumptions(&a.server)?;
    let format = match &a.out {
        None => TextFormat::Toml,
        Some(path) => match rolemap_simulate::Format::from_path(path) {
            Some(rolemap_simulate::Format::Toml) => TextFormat::Toml,
            Some(rolemap_simulate::Format::Yaml) => TextFormat::Yaml,
            _ => {
                return Err(Failure::input(format!(
                    "-o {}: name the file `.toml`, `.yaml` or `.yml` (the header is a comment, which JSON has not)",
                    path.display()
                )))
            }
        },
    };
    let client = connect(&a.connect)?;
    let idp = choose_idp(&client, a.idp)?;
    let snapshot = read::snapshot(&client, idp).map_err(api)?;
    let config = convert::to_config(&snapshot, &assumed);
    let origin = Origin {
        url: client.endpoint().base().to_string(),
        when: now_utc(),
    };
    let text = convert::render(&config, format, &origin, &assumed, &snapshot)
        .map_err(|e| Failure::input(format!("cannot write the config: {e}")))?;
    match &a.out {
        None => out(&Shown::from(text))?,
        Some(path) => {
            std::fs::write(path, text.as_bytes())
                .map_err(|e| Failure::input(format!("{}: cannot write: {e}", path.display())))?;
            err(&Shown::from(format!(
                "wrote {}: IdP {} {}, {} org(s), {} policy(ies), pangolin.version {}{}\n",
                path.display(),
                snapshot.idp.id,
                quote(&snapshot.idp.name),
                snapshot.orgs.len(),
                snapshot.policies.len(),
                config.pangolin.version,
                if assumed.version.is_none() {
                    " (assumed: pass --pangolin-version)"
                } else {
                    ""
                }
            )));
        }
    }
    Ok(EXIT_OK)
}

/// The samples of `--claims` (else `fallback`'s).
fn samples(
    claims: &[std::path::PathBuf],
    fallback: Option<&Config>,
) -> Result<Vec<Sample>, Failure> {
    if claims.is_empty() {
        return match fallback {
            Some(c) => c.load_samples().map_err(|e| Failure::input(e.to_string())),
            None => Ok(Vec::new()),
        };
    }
    let mut all = Vec::new();
    for p in claims {
        all.extend(crate::input::load_claims(p)?);
    }
    Ok(all)
}

fn claims_json(samples: &[Sample]) -> Vec<Json> {
    samples.iter().map(|s| s.claims.as_json().clone()).collect()
}

/// The failed logins of `outcomes` that no passing expectation expects
/// (same sample, same status).
fn unexpected_failures<'a>(
    outcomes: &'a [Outcome],
    expect: Option<&rolemap_simulate::TestReport>,
) -> Vec<&'a Outcome> {
    outcomes
        .iter()
        .filter(|o| !o.succeeded())
        .filter(|o| {
            !expect.is_some_and(|r| {
                r.cases.iter().any(|c| {
                    c.passed && c.outcome.sample == o.sample && c.outcome.status == o.status
                })
            })
        })
        .collect()
}

fn server_line(client: &Client, s: &Snapshot, config: &Config, server: &ServerArgs) -> String {
    let assumed = match (server.pangolin_version.is_none(), server.edition.is_none()) {
        (false, false) => "",
        (true, false) => " (version assumed: the API does not tell it; pass --pangolin-version)",
        (false, true) => " (edition assumed: the API does not tell it; pass --edition)",
        (true, true) => {
            " (assumed: the API does not tell them; pass --pangolin-version and --edition)"
        }
    };
    format!(
        "IdP {} {} at {}: {} org(s), {} policy(ies); Pangolin {} {}{assumed}",
        s.idp.id,
        quote(&s.idp.name),
        client.endpoint().base(),
        s.orgs.len(),
        s.policies.len(),
        config.pangolin.version,
        config.pangolin.edition.as_str(),
    )
}

fn check(a: &CheckArgs, style: Style) -> CmdResult {
    let assumed = assumptions(&a.server)?;
    let samples = samples(&a.claims, None)?;
    let client = connect(&a.connect)?;
    let snapshot = read::snapshot(&client, a.idp).map_err(api)?;
    let config = convert::to_config(&snapshot, &assumed);
    let lint = lint_config(&config, &claims_json(&samples));
    let outcomes = Simulator::new(&config).simulate_all(&samples, &Options::default());
    let expect = match &a.expect {
        Some(path) => Some(run_expectations(path, &config)?),
        None => None,
    };
    let unexpected = unexpected_failures(&outcomes, expect.as_ref());
    let lint_errors: usize = lint.iter().map(LintItem::errors).sum();
    let failed_expect = expect.as_ref().map_or(0, |r| r.failed_count());
    let mut reasons = Vec::new();
    if lint_errors > 0 {
        reasons.push(format!("{lint_errors} lint error(s)"));
    }
    if !unexpected.is_empty() {
        reasons.push(format!(
            "{} failed login(s) the expectations do not expect",
            unexpected.len()
        ));
    }
    if failed_expect > 0 {
        reasons.push(format!("{failed_expect} failed expectation(s)"));
    }
    let failed = !reasons.is_empty();
    match a.output {
        OutputFormat::Json => {
            let v = json!({
                "server": {"url": client.endpoint().base(), "idp": {"id": snapshot.idp.id, "name": snapshot.idp.name}},
                "pangolin": {"version": config.pangolin.version.to_string(), "version_assumed": assumed.version.is_none(), "edition": config.pangolin.edition.as_str()},
                "lint": lint,
                "logins": outcomes,
                "unexpected_failures": unexpected.iter().map(|o| &o.sample).collect::<Vec<_>>(),
                "expectations": expect.as_ref().map(|r| json!({"file": r.file, "passed": r.passed_count(), "failed": r.failed_count(), "cases": r.cases.iter().map(|c| json!({"name": c.name, "passed": c.passed, "diff": c.diff})).collect::<Vec<_>>()})),
                "failed": failed,
                "reasons": reasons,
            });
            out(&Shown::json(&format!("{}\n", crate::cmd_eval::pretty(&v))))?;
        }
        OutputFormat::Text => {
            let c = style.out;
            let mut text = shown![
                paint(c, Paint::Bold, "Checked:"),
                " ",
                server_line(&client, &snapshot, &config, &a.server),
                "\n\n",
                paint(c, Paint::Bold, "Lint:"),
                "\n",
                lint_text(&lint, c),
            ];
            if !samples.is_empty() {
                let head = format!("Logins ({} sample(s)):", samples.len());
                text.push(shown!["\n", paint(c, Paint::Bold, head), "\n"]);
                text.push(crate::outcome_text::table(&outcomes, c));
                text.push(crate::outcome_text::details(&outcomes, c));
            }
            if let (Some(r), Some(p)) = (&expect, &a.expect) {
                let head = format!("Expectations ({}):", p.display());
                text.push(shown!["\n", paint(c, Paint::Bold, head), "\n"]);
                text.push(expectations_text(r, c));
            }
            if !unexpected.is_empty() {
                let names: Vec<&str> = unexpected.iter().map(|o| o.sample.as_str()).collect();
                text.push(shown![
                    "\nFailed logins no expectation expects: ",
                    Shown::line(&names.join(", ")),
                    "\n"
                ]);
            }
            text.push("\n");
            text.push(if failed {
                paint(c, Paint::Red, format!("FAILED: {}", reasons.join(", ")))
            } else {
                paint(
                    c,
                    Paint::Green,
                    "OK: no lint error, every login and expectation as expected",
                )
            });
            text.push("\n");
            out(&text)?;
        }
    }
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}
