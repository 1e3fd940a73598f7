//! Differential tests: the engine's Pangolin dialect against the npm package
//! `jmespath@0.16.0` itself.
//!
//! 1. Random expressions over random claims.
//! 2. One-edit variants (`rolemap_tests::variants`): the generated
//!    expressions and every expression of the compliance suites, with one
//!    token inserted, deleted or replaced, plus jmespath.js's lenient forms
//!    written out. Whether jmespath.js accepts a text, and what it then
//!    answers or throws, must be the engine's answer too.
//!
//! - `ROLEMAP_DIFF_SEED` (decimal or 0x-hex): the seed; a default otherwise.
//! - `ROLEMAP_DIFF_CASES`: how many random cases (default 12,000).
//! - `ROLEMAP_DIFF_VARIANTS`: how many variants (default 24,000).
//! - `ROLEMAP_DIFF_CASE`: run only this case (or variant) index, as printed
//!   in a failure.
//! - `ROLEMAP_DIFF_FILE`: run the cases of this JSON file instead
//!   (`[{"expression": "...", "data": ...}, ...]`), e.g. hand-made reproductions.
//!
//! Needs Node and `npm ci --prefix tests`; without them the test FAILS.
//! Each test evaluates all its cases in one Node process running
//! `tests/js/run.js`.

use std::collections::BTreeMap;
use std::time::Instant;

use rolemap_compliance::parse_suite;
use rolemap_tests::claims::document;
use rolemap_tests::exprgen::expression;
use rolemap_tests::jsref::{compare, run_js, tests_dir, Case, JsOutcome, Verdict};
use rolemap_tests::rng::Rng;
use rolemap_tests::variants::{one_edit, tokenize, Token, LENIENT};

const DEFAULT_SEED: u64 = 0x526f_6c65_4d61_7030; // "RoleMap0"
const DEFAULT_CASES: usize = 12_000;
const DEFAULT_VARIANTS: usize = 24_000;

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    Some(parsed.unwrap_or_else(|e| panic!("{name}={text:?}: {e}")))
}

/// Case `index` of the run seeded with `seed`: independent of the others,
/// so that one case can be regenerated alone.
fn case(seed: u64, index: usize) -> Case {
    let mut rng = case_rng(seed, index);
    let expression = expression(&mut rng);
    let data = document(&mut rng);
    Case { expression, data }
}

fn case_rng(seed: u64, index: usize) -> Rng {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.next_u64();
    rng
}

/// Every case of the compliance suites (as recorded from jmespath.js), in
/// file order; the benchmarks are left out (their documents are large and
/// their expressions repeat the other suites' forms).
fn compliance_cases() -> Vec<Case> {
    let mut files = Vec::new();
    let mut stack = vec![tests_dir().join("compliance/jmespath.js-0.16.0")];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "benchmarks.json")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let cases = parse_suite(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        out.extend(cases.into_iter().map(|c| Case {
            expression: c.expression,
            data: c.given,
        }));
    }
    assert!(out.len() > 1_000, "only {} compliance cases", out.len());
    out
}

/// Variant `index`: one of the lenient forms written out (the first
/// indexes), else one edit of a compliance expression (over its document)
/// or of a generated expression (over generated claims).
fn variant(seed: u64, index: usize, compliance: &[Case]) -> Case {
    if let Some(form) = LENIENT.get(index) {
        let mut rng = case_rng(seed, index);
        return Case {
            expression: (*form).to_string(),
            data: document(&mut rng),
        };
    }
    let mut rng = case_rng(seed ^ VARIANT_SALT, index);
    let base = if rng.chance(0.4) {
        rng.pick(compliance).clone()
    } else {
        let expression = expression(&mut rng);
        Case {
            expression,
            data: document(&mut rng),
        }
    };
    Case {
        expression: one_edit(&base.expression, &mut rng),
        data: base.data,
    }
}

/// Whether `expression` has a form whose difference from jmespath.js is
/// known and listed in README.md ("Known differences from jmespath.js that
/// remain"); the variants skip exactly these:
/// - a multi-select hash key `__proto__` whose value is an expression
///   reference (`{__proto__: &a}`, parentheses allowed): jmespath.js makes
///   the reference's parse-tree node the object's prototype;
/// - an index or slice number that jmespath.js reads as NaN (`-` not
///   followed by a digit: `[-]`, `[--1]`, `[::-]`, `[:1 -]`), a syntax
///   error here.
fn known_difference(expression: &str) -> bool {
    let tokens = tokenize(expression);
    let text = |i: usize| tokens.get(i).map_or("", |t| t.text.as_str());
    nan_index(&tokens)
        || (0..tokens.len()).any(|i| {
            if !matches!(text(i), "__proto__" | "\"__proto__\"") || text(i + 1) != ":" {
                return false;
            }
            let mut j = i + 2;
            while text(j) == "(" {
                j += 1;
            }
            text(j).starts_with('&')
        })
}

/// Whether a number that jmespath.js reads as NaN is in an index or a
/// slice: right after `[`, or after a `:` or a number inside `[ ]`.
fn nan_index(tokens: &[Token]) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut prev = "";
    for t in tokens {
        let t = t.text.as_str();
        let nan = t.starts_with('-') && !t[1..].starts_with(|c: char| c.is_ascii_digit());
        let in_brackets = open.last() == Some(&"[");
        let after_number = prev.starts_with(|c: char| c == '-' || c.is_ascii_digit());
        if nan && (prev == "[" || (in_brackets && (prev == ":" || after_number))) {
            return true;
        }
        match t {
            "[" | "[?" | "{" | "(" => open.push(if t == "[?" { "(" } else { t }),
            "]" | "}" | ")" => {
                open.pop();
            }
            _ => {}
        }
        prev = t;
    }
    false
}

/// Separates the variants' random streams from the random cases'.
const VARIANT_SALT: u64 = 0x5661_7269_616e_7473; // "Variants"

/// Reads `ROLEMAP_DIFF_FILE`'s cases, if it is set.
fn file_cases() -> Option<Vec<Case>> {
    let file = std::env::var("ROLEMAP_DIFF_FILE").ok()?;
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    println!("running the {} cases of {file}", list.len());
    Some(
        list.into_iter()
            .map(|c| Case {
                expression: c["expression"].as_str().unwrap_or_default().to_string(),
                data: c["data"].clone(),
            })
            .collect(),
    )
}

/// The indexes to run: all `count`, or the one `ROLEMAP_DIFF_CASE` names.
fn indexes(count: usize) -> Vec<usize> {
    match env_number("ROLEMAP_DIFF_CASE") {
        Some(i) => vec![i as usize],
        None => (0..count).collect(),
    }
}

#[test]
fn pangolin_dialect_agrees_with_jmespath_js_on_random_expressions() {
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("ROLEMAP_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    println!("differential test: ROLEMAP_DIFF_SEED={seed:#x}, {count} cases");
    let mut indexes = indexes(count);
    let mut cases: Vec<Case> = indexes.iter().map(|&i| case(seed, i)).collect();
    if let Some(list) = file_cases() {
        indexes = (0..list.len()).collect();
        cases = list;
    }
    check_all(
        &cases,
        &indexes,
        &format!("differential-{seed:x}"),
        &format!("ROLEMAP_DIFF_SEED={seed:#x}"),
        "pangolin_dialect_agrees_with_jmespath_js_on_random_expressions",
    );
}

#[test]
fn pangolin_dialect_agrees_with_jmespath_js_on_one_edit_variants() {
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("ROLEMAP_DIFF_VARIANTS").map_or(DEFAULT_VARIANTS, |n| n as usize);
    assert!(
        count >= LENIENT.len(),
        "ROLEMAP_DIFF_VARIANTS={count}: at least the {} lenient forms",
        LENIENT.len()
    );
    println!("one-edit variants: ROLEMAP_DIFF_SEED={seed:#x}, {count} variants");
    let compliance = compliance_cases();
    let indexes = indexes(count);
    let (indexes, cases): (Vec<usize>, Vec<Case>) = indexes
        .iter()
        .map(|&i| (i, variant(seed, i, &compliance)))
        .filter(|(_, c)| !known_difference(&c.expression))
        .unzip();
    if count == DEFAULT_VARIANTS && env_number("ROLEMAP_DIFF_CASE").is_none() {
        assert!(
            cases.len() >= 20_000,
            "only {} variants left after the known differences",
            cases.len()
        );
    }
    check_all(
        &cases,
        &indexes,
        &format!("variants-{seed:x}"),
        &format!("ROLEMAP_DIFF_SEED={seed:#x} ROLEMAP_DIFF_VARIANTS={count}"),
        "pangolin_dialect_agrees_with_jmespath_js_on_one_edit_variants",
    );
}

/// Runs `cases` through jmespath.js (one Node process, files in the
/// target directory's `dir`) and the engine; panics with every
/// disagreement, each with a one-line repro (`env` and `test` rebuild it).
fn check_all(cases: &[Case], indexes: &[usize], dir: &str, env: &str, test: &str) {
    let started = Instant::now();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let answers = run_js(cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    let js_time = started.elapsed();

    let started = Instant::now();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut parse_messages: Vec<String> = Vec::new();
    let mut errors = 0;
    let mut syntax_errors = 0;
    for ((index, c), js) in indexes.iter().zip(cases).zip(&answers) {
        if let JsOutcome::Error { kind, .. } = js {
            errors += 1;
            syntax_errors += usize::from(kind == "syntax");
        }
        match compare(c, js) {
            Verdict::Agree => {}
            Verdict::ParseMessage { js, ours } => {
                parse_messages.push(format!(
                    "{:?}: jmespath.js {js:?}, ours {ours:?}",
                    c.expression
                ));
            }
            Verdict::Disagree { category, detail } => {
                let repro = format!(
                    "case {index}: expression {:?} data {}\n    repro: {env} ROLEMAP_DIFF_CASE={index} cargo test -p rolemap-tests --test differential {test}",
                    c.expression, c.data
                );
                failures
                    .entry(category)
                    .or_default()
                    .push(format!("{repro}\n    {detail}"));
            }
        }
    }
    let rust_time = started.elapsed();
    println!(
        "{} cases ({errors} errors in jmespath.js): node {:.1}s, engine {:.1}s",
        cases.len(),
        js_time.as_secs_f64(),
        rust_time.as_secs_f64()
    );
    println!(
        "syntax errors: {syntax_errors} in jmespath.js, {} with jmespath.js's message",
        syntax_errors - parse_messages.len()
    );
    if !parse_messages.is_empty() {
        println!(
            "note: {} syntax errors whose message differs from jmespath.js's (reported, not failed); first ones:",
            parse_messages.len()
        );
        for m in parse_messages.iter().take(10) {
            println!("  {m}");
        }
        let file = dir.join("parse-messages.txt");
        if std::fs::write(&file, parse_messages.join("\n")).is_ok() {
            println!("all of them: {}", file.display());
        }
    }
    if !failures.is_empty() {
        let total: usize = failures.values().map(Vec::len).sum();
        let mut report = format!(
            "{total} of {} cases disagree with jmespath.js ({env}):\n",
            cases.len()
        );
        for (category, list) in &failures {
            report.push_str(&format!("\n== {category}: {} cases\n", list.len()));
            for f in list.iter().take(5) {
                report.push_str(&format!("  {f}\n"));
            }
        }
        let all: Vec<String> = failures
            .iter()
            .flat_map(|(category, list)| list.iter().map(move |f| format!("[{category}] {f}")))
            .collect();
        let file = dir.join("failures.txt");
        match std::fs::write(&file, all.join("\n")) {
            Ok(()) => report.push_str(&format!("\nall failures: {}\n", file.display())),
            Err(e) => report.push_str(&format!("\n(cannot write {}: {e})\n", file.display())),
        }
        panic!("{report}");
    }
}
