//! The reference: the npm package `jmespath@0.16.0`, run by Node through
//! `tests/js/run.js`, and the comparison of its answers with the engine's
//! Pangolin dialect.

use std::path::{Path, PathBuf};
use std::process::Command;

use rolemap_compliance::json_equal;
use rolemap_engine::{Dialect, Error, Expression};
use serde_json::{json, Value as Json};

/// What to run: an expression over a document.
#[derive(Clone, Debug)]
pub struct Case {
    /// The expression.
    pub expression: String,
    /// The document searched.
    pub data: Json,
}

/// What jmespath.js answered for a case.
#[derive(Clone, Debug, PartialEq)]
pub enum JsOutcome {
    /// A JSON value (as `JSON.stringify` wrote it).
    Value(Json),
    /// `JSON.stringify` gave `undefined`: a function or `undefined`.
    Undefined,
    /// It threw.
    Error {
        /// `syntax`, `invalid-type`, `invalid-arity`, `unknown-function`,
        /// `invalid-value`, or `internal` (a crash: any error is acceptable).
        kind: String,
        /// The message of the JavaScript error.
        message: String,
    },
}

/// The `tests/` directory of the workspace.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const INSTALL: &str = "run `npm ci --prefix tests` (Node and the npm package jmespath@0.16.0 \
                       pinned in tests/package.json are needed by the differential test)";

/// Checks that Node and `tests/node_modules/jmespath` (0.16.0) are there.
pub fn check_reference() -> Result<(), String> {
    let pkg = tests_dir().join("node_modules/jmespath/package.json");
    let text =
        std::fs::read_to_string(&pkg).map_err(|e| format!("{}: {e}: {INSTALL}", pkg.display()))?;
    let meta: Json = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", pkg.display()))?;
    if meta["version"] != "0.16.0" {
        return Err(format!(
            "tests/node_modules/jmespath is version {}, not 0.16.0: {INSTALL}",
            meta["version"]
        ));
    }
    match Command::new("node").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!("`node --version` failed ({}): {INSTALL}", o.status)),
        Err(e) => Err(format!("cannot run `node`: {e}: {INSTALL}")),
    }
}

/// Runs every case through jmespath.js in one Node process; `dir` receives
/// the case and answer files.
pub fn run_js(cases: &[Case], dir: &Path) -> Result<Vec<JsOutcome>, String> {
    check_reference()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let input = dir.join("cases.json");
    let output = dir.join("answers.json");
    let list: Vec<Json> = cases
        .iter()
        .map(|c| json!({"expression": c.expression, "data": c.data}))
        .collect();
    let text = serde_json::to_string(&list).map_err(|e| e.to_string())?;
    std::fs::write(&input, text).map_err(|e| format!("{}: {e}", input.display()))?;
    let script = tests_dir().join("js/run.js");
    let out = Command::new("node")
        .arg(&script)
        .arg(&input)
        .arg(&output)
        .output()
        .map_err(|e| format!("cannot run node: {e}: {INSTALL}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed ({}): {}\n{INSTALL}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text =
        std::fs::read_to_string(&output).map_err(|e| format!("{}: {e}", output.display()))?;
    let answers: Vec<Json> =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", output.display()))?;
    if answers.len() != cases.len() {
        return Err(format!(
            "{} answers for {} cases",
            answers.len(),
            cases.len()
        ));
    }
    answers.into_iter().map(outcome).collect()
}

/// The key `run.js` writes numbers under (with their JavaScript text).
const NUMBER_KEY: &str = "\u{0}n";

/// Reads numbers written as `{"\u0000n": text}` exactly (serde_json's own
/// float parsing may be one unit in the last place off).
fn decode_numbers(v: Json) -> Result<Json, String> {
    Ok(match v {
        Json::Object(m) if m.len() == 1 && m.contains_key(NUMBER_KEY) => {
            let text = m[NUMBER_KEY].as_str().unwrap_or_default();
            let x: f64 = text.parse().map_err(|e| format!("number {text:?}: {e}"))?;
            serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
        }
        Json::Object(m) => Json::Object(
            m.into_iter()
                .map(|(k, v)| Ok((k, decode_numbers(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        Json::Array(a) => Json::Array(
            a.into_iter()
                .map(decode_numbers)
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    })
}

fn outcome(answer: Json) -> Result<JsOutcome, String> {
    if let Some(v) = answer.get("result") {
        return Ok(JsOutcome::Value(decode_numbers(v.clone())?));
    }
    if answer.get("undefined").is_some() {
        return Ok(JsOutcome::Undefined);
    }
    match (answer.get("error"), answer.get("message")) {
        (Some(Json::String(kind)), Some(Json::String(message))) => Ok(JsOutcome::Error {
            kind: kind.clone(),
            message: message.clone(),
        }),
        _ => Err(format!("unreadable answer {answer}")),
    }
}

/// What the engine answered, in the terms of [`JsOutcome`].
pub fn ours(expression: &str, data: &Json) -> Result<JsOutcome, Error> {
    let expr = Expression::compile(expression, Dialect::Pangolin)?;
    let v = expr.search(data)?;
    Ok(if v.is_json_undefined() {
        JsOutcome::Undefined
    } else {
        JsOutcome::Value(v.to_json_as(Dialect::Pangolin))
    })
}

/// How the engine's answer compares with jmespath.js's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Same answer (and same message for runtime errors).
    Agree,
    /// Same answer, but the message of a syntax error differs (reported, not a failure).
    ParseMessage {
        /// jmespath.js's message.
        js: String,
        /// The engine's `js_message` (or `message` when it has none).
        ours: String,
    },
    /// Different answers: `category` names the kind of difference, `detail` says what.
    Disagree {
        /// A short name grouping similar differences, e.g. `value/value`.
        category: String,
        /// Both answers.
        detail: String,
    },
}

fn show(o: &Result<JsOutcome, Error>) -> String {
    match o {
        Ok(JsOutcome::Value(v)) => v.to_string(),
        Ok(JsOutcome::Undefined) => "undefined".to_string(),
        Ok(JsOutcome::Error { kind, message }) => format!("{kind} error {message:?}"),
        Err(e) => format!(
            "{} error {:?} (js_message {:?})",
            e.kind, e.message, e.js_message
        ),
    }
}

fn short(o: &Result<JsOutcome, Error>) -> &'static str {
    match o {
        Ok(JsOutcome::Value(_)) => "value",
        Ok(JsOutcome::Undefined) => "undefined",
        Ok(JsOutcome::Error { .. }) => "error",
        Err(_) => "error",
    }
}

/// Compares the engine's answer for a case with jmespath.js's.
pub fn compare(case: &Case, js: &JsOutcome) -> Verdict {
    let got = ours(&case.expression, &case.data);
    let js_shown = show(&Ok(js.clone()));
    let disagree = |category: String| Verdict::Disagree {
        detail: format!("jmespath.js: {js_shown}; ours: {}", show(&got)),
        category,
    };
    match (js, &got) {
        (JsOutcome::Value(want), Ok(JsOutcome::Value(have))) if json_equal(want, have) => {
            Verdict::Agree
        }
        (JsOutcome::Undefined, Ok(JsOutcome::Undefined)) => Verdict::Agree,
        (JsOutcome::Error { kind, .. }, Err(_)) if kind == "internal" => Verdict::Agree,
        (JsOutcome::Error { kind, message }, Err(e)) if kind == e.kind.as_str() => {
            let ours = e.js_message.clone().unwrap_or_else(|| e.message.clone());
            if ours == *message {
                Verdict::Agree
            } else if kind == "syntax" {
                Verdict::ParseMessage {
                    js: message.clone(),
                    ours,
                }
            } else {
                disagree(format!("{kind} message"))
            }
        }
        (JsOutcome::Error { kind, .. }, Err(e)) => {
            disagree(format!("js {kind} error / ours {} error", e.kind))
        }
        (JsOutcome::Error { kind, .. }, Ok(_)) => {
            disagree(format!("js {kind} error / ours {}", short(&got)))
        }
        (_, Err(e)) => disagree(format!(
            "js {} / ours {} error",
            short(&Ok(js.clone())),
            e.kind
        )),
        _ => disagree(format!(
            "js {} / ours {}",
            short(&Ok(js.clone())),
            short(&got)
        )),
    }
}
