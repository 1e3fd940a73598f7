//! Differential tests of Grafana's dialects against the real engines.
//!
//! - `grafana-11.2` against Debian's `jp` 0.2.1 (go-jmespath v0.4.0, the
//!   engine of Grafana 11.2 and earlier): jp takes one expression per run,
//!   so the cases run as separate processes, several at a time.
//! - `grafana` against the PyPI package `jmespath-community` 1.1.3 (the
//!   Python engine of the group that keeps Grafana's current engine, passing
//!   the same suites) in one process, on expressions that avoid the
//!   differences known between it and the Go engine.
//!
//! Without `jp` or the Python package the tests FAIL (cargo xtask test
//! installs both). `ROLEMAP_DIFF_SEED` and `ROLEMAP_DIFF_CASES` as in
//! `differential.rs`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rolemap_engine::Dialect;
use rolemap_tests::claims::document;
use rolemap_tests::exprgen::{expression, grafana_expression};
use rolemap_tests::goref::{disagreement, jp_path, python_path, run_jp, run_python, Case, Outcome};
use rolemap_tests::rng::Rng;

const DEFAULT_SEED: u64 = 0x4772_6166_616e_6130; // "Grafana0"

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?}: {e}")))
}

fn cases(seed: u64, count: usize, make: impl Fn(&mut Rng) -> String) -> Vec<Case> {
    (0..count)
        .map(|index| {
            let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            rng.next_u64();
            let expression = make(&mut rng);
            let data = document(&mut rng);
            Case { expression, data }
        })
        .collect()
}

/// Where the Go engine and the Python package answer differently by
/// design (each checked against the Go code: Grafana's engine does what
/// rolemap does), the name of the difference.
fn python_difference(c: &Case, reference: &Outcome) -> Option<&'static str> {
    let e = c.expression.as_str();
    let ours = rolemap_engine::search(e, Dialect::Grafana, &c.data);
    let python_error = |text: &str| matches!(reference, Outcome::Error(m) if m.contains(text));
    if ours.is_err() && !matches!(reference, Outcome::Value(_)) {
        return Some("both fail (Python finds arity errors while parsing)");
    }
    if python_error("not supported between instances") || e.contains('<') || e.contains('>') {
        return Some("ordering of non-numbers: Python compares strings or raises, Go gives null");
    }
    if python_error("'in <string>' requires") {
        return Some("contains(string, non-string): Python raises, Go gives false");
    }
    if python_error("ZeroDivisionError") {
        return Some("division by zero: Go gives an infinity or NaN");
    }
    if e.contains('%') {
        return Some("% of negative numbers: Go truncates, Python floors");
    }
    if e.contains("`Infinity`") || e.contains("`-Infinity`") || e.contains("`NaN`") {
        return Some("Infinity and NaN in literals: Python reads them, Go's JSON does not");
    }
    if ["min_by(", "max_by(", "sort_by("]
        .iter()
        .any(|f| e.contains(f))
        && ours.is_ok()
        && !matches!(reference, Outcome::Value(_))
    {
        return Some("*_by of one element: Go returns it without evaluating the key");
    }
    if ours.is_ok()
        && matches!(reference, Outcome::Error(_) | Outcome::Syntax(_))
        && (e.contains("[?") || e.contains("[]") || e.contains('*'))
    {
        return Some("flatten, filter and * projections: Go drops the error of their left side");
    }
    if e.contains("to_number(") && ours.is_err() {
        return Some("to_number(): Python's float() trims white space, Go's ParseFloat does not");
    }
    if e.contains("zip(") && matches!(reference, Outcome::Value(_)) {
        return Some("zip() of non-arrays: Go checks the types, Python does not");
    }
    if huge_integers(&c.data) {
        return Some("integers beyond 2^53: Go reads float64, Python keeps them exact");
    }
    if e.contains("contains(")
        && matches!(ours, Ok(serde_json::Value::Bool(false)))
        && *reference == Outcome::Value(serde_json::Value::Bool(true))
    {
        return Some("contains(): Python's True equals 1");
    }
    if e.contains("to_string(") && matches!(reference, Outcome::Value(_)) && ours.is_ok() {
        // Also its text inside another value (`upper(to_string(@))`).
        return Some("to_string(): Python escapes non-ASCII and keeps key order, Go sorts keys");
    }
    if e.contains("type(&") {
        return Some("type() of an expression reference: Go fails, Python gives null");
    }
    match &ours {
        Err(err) if err.message.contains("unsupported type: func") => {
            Some("to_string() of an expression reference: Go fails, Python writes its repr")
        }
        Err(err) if err.message.contains("uncomparable") => {
            Some("contains() of arrays in arrays: Go panics comparing them")
        }
        Ok(serde_json::Value::String(a)) if e.contains("to_string(") => match reference {
            Outcome::Value(serde_json::Value::String(b)) => {
                let parsed = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
                let same = match (parsed(a), parsed(b)) {
                    (Some(x), Some(y)) => rolemap_compliance::json_equal(&x, &y),
                    _ => false,
                };
                same.then_some(
                    "to_string(): Python escapes non-ASCII and keeps key order, Go sorts keys",
                )
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether `v` holds an integer that a float64 cannot hold exactly.
fn huge_integers(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n
            .as_f64()
            .is_some_and(|f| f.abs() > 9_007_199_254_740_992.0),
        serde_json::Value::Array(items) => items.iter().any(huge_integers),
        serde_json::Value::Object(m) => m.values().any(huge_integers),
        _ => false,
    }
}

/// Fails listing the disagreements, grouped by their first words.
/// `known` names the differences by design, which are counted, not failed.
fn report(
    name: &str,
    cases: &[Case],
    answers: &[Outcome],
    dialect: Dialect,
    messages: bool,
    known: impl Fn(&Case, &Outcome) -> Option<&'static str>,
) {
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut excluded: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut errors = 0;
    for (i, (c, a)) in cases.iter().zip(answers).enumerate() {
        if !matches!(a, Outcome::Value(_)) {
            errors += 1;
        }
        if let Some(why) = disagreement(c, dialect, a, messages) {
            if let Some(k) = known(c, a) {
                *excluded.entry(k).or_default() += 1;
                continue;
            }
            let category: String = why.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
            failures.entry(category).or_default().push(format!(
                "case {i}: {:?} on {}\n    {why}",
                c.expression, c.data
            ));
        }
    }
    println!(
        "{name}: {} cases, {errors} errors in the reference",
        cases.len()
    );
    let known_total: usize = excluded.values().sum();
    for (k, n) in &excluded {
        println!("  known difference, {n} cases: {k}");
    }
    assert!(
        known_total * 10 <= cases.len(),
        "{known_total} of {} cases differ by known differences: too few compared",
        cases.len()
    );
    let total: usize = failures.values().map(Vec::len).sum();
    let mut text = String::new();
    for (category, list) in &failures {
        text.push_str(&format!("\n== {category}: {} cases\n", list.len()));
        for f in list.iter().take(4) {
            text.push_str(f);
            text.push('\n');
        }
    }
    assert!(
        total == 0,
        "{total} of {} cases disagree with {name}:{text}",
        cases.len()
    );
}

/// `jp`'s answer to each case: one process per case, two per core at a time.
fn run_all_jp(jp: &std::path::Path, cases: &[Case]) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let mut answers: Vec<Option<Outcome>> = vec![None; cases.len()];
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= cases.len() {
                            return mine;
                        }
                        mine.push((i, run_jp(jp, &cases[i])));
                    }
                })
            })
            .collect();
        for h in handles {
            for (i, a) in h.join().expect("a jp thread") {
                answers[i] = Some(a);
            }
        }
    });
    answers.into_iter().map(|a| a.expect("answered")).collect()
}

#[test]
fn grafana_legacy_dialect_agrees_with_debian_jp() {
    let jp = jp_path().unwrap_or_else(|e| panic!("{e}"));
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("ROLEMAP_DIFF_CASES").map_or(5_000, |n| n as usize);
    // Ordinary expressions and Grafana's forms (syntax errors to v0.4.0).
    let cases = cases(seed, count, |rng| {
        if rng.below(4) == 0 {
            grafana_expression(rng, false)
        } else {
            expression(rng)
        }
    });
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| !c.expression.contains('\0'))
        .collect();
    let started = Instant::now();
    let answers = run_all_jp(&jp, &cases);

    println!(
        "jp: {} cases in {:.1}s, ROLEMAP_DIFF_SEED={seed:#x}",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    report(
        "jp 0.2.1 (go-jmespath v0.4.0)",
        &cases,
        &answers,
        Dialect::GrafanaLegacy,
        true,
        |_, _| None,
    );
}

#[test]
fn grafana_dialect_agrees_with_jmespath_community_python() {
    let python = python_path().unwrap_or_else(|e| panic!("{e}"));
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("ROLEMAP_DIFF_CASES").map_or(5_000, |n| n as usize);
    let cases = cases(seed, count, |rng| grafana_expression(rng, true));
    let started = Instant::now();
    let answers = run_python(&python, &cases);
    println!(
        "jmespath-community: {} cases in {:.1}s, ROLEMAP_DIFF_SEED={seed:#x}",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    report(
        "jmespath-community 1.1.3 (Python)",
        &cases,
        &answers,
        Dialect::Grafana,
        false,
        python_difference,
    );
}

/// A quoted name with what `encoding/json` reads in a string, good and bad:
/// escapes of every kind, `\\u` escapes of surrogates paired and not,
/// short or non-hex `\\u` escapes, control characters and non-ASCII text.
fn quoted_name(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a", "b", "é", "✓", "\\n", "\\t", "\\/", "\\\\", "\\\"", "\\b", "\\f", "\\x", "\\q",
        "\\u00e9", "\\uD83D", "\\uDE00", "\\udbff", "\\uDC00", "\\uFFFD", "\\u12", "\\u00zz",
        "\\U0041", "\t", "\u{1}", "\u{7f}", " ",
    ];
    let mut name = String::from("\"");
    for _ in 0..rng.below(4) + 1 {
        name.push_str(rng.pick::<&str>(PIECES));
    }
    name.push('"');
    if rng.chance(0.3) {
        name.push_str(".b");
    }
    name
}

/// `encoding/json`'s reading of quoted names (each a JSON string that Go
/// decodes: its escapes, its syntax messages, U+FFFD for a surrogate that
/// pairs with none) against go-jmespath v0.4.0 in `jp`, messages included;
/// the document has the keys those names read.
#[test]
fn quoted_names_read_as_encoding_json_reads_them() {
    let jp = jp_path().unwrap_or_else(|e| panic!("{e}"));
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let data = serde_json::json!({
        "a": {"b": 1}, "\u{fffd}": 2, "\u{fffd}\u{fffd}": {"b": 3}, "\u{1f600}": 4, "é": 5,
        "a\u{fffd}": 6, "\n": 7, "/": 8, "\\": 9, "\"": 10, "\u{fffd}a": {"b": 11},
    });
    let cases: Vec<Case> = (0..1_000u64)
        .map(|index| {
            let mut rng = Rng::new(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5155_4f54);
            rng.next_u64();
            Case {
                expression: quoted_name(&mut rng),
                data: data.clone(),
            }
        })
        .collect();
    let answers = run_all_jp(&jp, &cases);
    let errors = answers
        .iter()
        .filter(|a| !matches!(a, Outcome::Value(_)))
        .count();
    let values = answers
        .iter()
        .filter(|a| matches!(a, Outcome::Value(v) if !v.is_null()))
        .count();
    // Both kinds are compared, not only one.
    assert!(
        errors >= 100 && values >= 50,
        "{errors} errors, {values} values found"
    );
    report(
        "jp 0.2.1 (go-jmespath v0.4.0)",
        &cases,
        &answers,
        Dialect::GrafanaLegacy,
        true,
        |_, _| None,
    );
}
