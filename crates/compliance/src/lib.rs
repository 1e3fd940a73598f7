//! Runs JMESPath compliance-suite files: JSON arrays of
//! `{"given": ..., "cases": [{"expression": ..., "result": ...} | {..., "error": kind}]}`.
//!
//! An expected error of a kind the suites do not define (`internal`:
//! jmespath.js crashed with a native JavaScript error; `runtime`,
//! `undefined-variable`: what the Go engines' answer files read from their
//! messages) accepts any error.
//!
//! Internal to rolemap: the tests, `rolemap test` and the linter's
//! comparisons of two engines' answers ([`json_equal`]) share it.

#![forbid(unsafe_code)]

use rolemap_engine::{Dialect, Expression};
use serde_json::Value as Json;

/// One case of a suite file.
#[derive(Clone, Debug)]
pub struct Case {
    /// Index of the group in the file.
    pub group: usize,
    /// Index of the case in its group.
    pub index: usize,
    /// The document searched.
    pub given: Json,
    /// The expression.
    pub expression: String,
    /// What is expected.
    pub expect: Expect,
}

/// The expected outcome of a case.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// This value.
    Result(Json),
    /// An error of this kind (`internal`: any error).
    Error(String),
}

/// Why a suite file could not be read.
#[derive(Debug)]
pub struct SuiteError(pub String);

impl std::fmt::Display for SuiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SuiteError {}

/// Reads the cases of a suite file's text. Benchmark entries (`bench`) with
/// no expected outcome are left out.
pub fn parse_suite(text: &str) -> Result<Vec<Case>, SuiteError> {
    let groups: Json = serde_json::from_str(&escape_lone_surrogates(text))
        .map_err(|e| SuiteError(format!("not JSON: {e}")))?;
    let groups = groups
        .as_array()
        .ok_or_else(|| SuiteError("a suite file is a JSON array of groups".into()))?;
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let given = group.get("given").cloned().unwrap_or(Json::Null);
        let cases = group
            .get("cases")
            .and_then(Json::as_array)
            .ok_or_else(|| SuiteError(format!("group {g} has no `cases` array")))?;
        for (i, case) in cases.iter().enumerate() {
            let expression = case
                .get("expression")
                .and_then(Json::as_str)
                .ok_or_else(|| SuiteError(format!("group {g} case {i} has no `expression`")))?;
            let expect = if let Some(r) = case.get("result") {
                Expect::Result(r.clone())
            } else if let Some(e) = case.get("error").and_then(Json::as_str) {
                Expect::Error(e.to_string())
            } else {
                continue;
            };
            out.push(Case {
                group: g,
                index: i,
                given: given.clone(),
                expression: expression.to_string(),
                expect,
            });
        }
    }
    Ok(out)
}

/// jmespath.js can produce strings holding lone UTF-16 surrogates, which
/// serde_json rejects; such escapes are read as U+FFFD, which is also what
/// this engine produces for them.
fn escape_lone_surrogates(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\ud") && !text.contains("\\uD") {
        return text.into();
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let hex = |at: usize| -> Option<u32> {
        let s = text.get(at..at + 4)?;
        u32::from_str_radix(s, 16).ok()
    };
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'u') {
            if let Some(u) = hex(i + 2) {
                let is_high = (0xD800..0xDC00).contains(&u);
                let is_low = (0xDC00..0xE000).contains(&u);
                let next_low = b.get(i + 6) == Some(&b'\\')
                    && b.get(i + 7) == Some(&b'u')
                    && hex(i + 8).is_some_and(|v| (0xDC00..0xE000).contains(&v));
                if is_high && next_low {
                    out.push_str(&text[i..i + 12]);
                    i += 12;
                    continue;
                }
                if is_high || is_low {
                    out.push_str("\\ufffd");
                    i += 6;
                    continue;
                }
            }
            out.push_str(&text[i..i + 2]);
            i += 2;
            continue;
        }
        if b[i] == b'\\' {
            // Any other escape: copy both characters, so `\\ud..` stays text.
            let next = text[i + 1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&text[i..i + 1 + next]);
            i += 1 + next;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8();
    }
    out.into()
}

/// The error kinds the compliance suites define.
const SUITE_KINDS: [&str; 5] = [
    "syntax",
    "invalid-type",
    "invalid-arity",
    "unknown-function",
    "invalid-value",
];

/// Runs one case; `Err` says what differed.
pub fn run_case(case: &Case, dialect: Dialect) -> Result<(), String> {
    let got =
        Expression::compile(&case.expression, dialect).and_then(|e| e.search_json(&case.given));
    match (&case.expect, got) {
        (Expect::Result(want), Ok(v)) if json_equal(want, &v) => Ok(()),
        (Expect::Result(want), Ok(v)) => Err(format!("expected {want}, got {v}")),
        (Expect::Result(want), Err(e)) => Err(format!(
            "expected {want}, got {} error: {}",
            e.kind, e.message
        )),
        (Expect::Error(kind), Err(e))
            if !SUITE_KINDS.contains(&kind.as_str()) || kind == e.kind.as_str() =>
        {
            Ok(())
        }
        (Expect::Error(kind), Err(e)) => Err(format!(
            "expected a {kind} error, got a {} error: {}",
            e.kind, e.message
        )),
        (Expect::Error(kind), Ok(v)) => Err(format!("expected a {kind} error, got {v}")),
    }
}

/// JSON equality with numbers compared as numbers (`1` equals `1.0`) and
/// objects compared as maps.
pub fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
