//! Differential test: the engine's Pangolin dialect against the npm package
//! `jmespath@0.16.0` itself, on random expressions over random claims.
//!
//! - `ROLEMAP_DIFF_SEED` (decimal or 0x-hex): the seed; a default otherwise.
//! - `ROLEMAP_DIFF_CASES`: how many cases (default 12,000).
//! - `ROLEMAP_DIFF_CASE`: run only this case index (as printed in a failure).
//! - `ROLEMAP_DIFF_FILE`: run the cases of this JSON file instead
//!   (`[{"expression": "...", "data": ...}, ...]`), e.g. hand-made reproductions.
//!
//! Needs Node and `npm ci --prefix tests`; without them the test FAILS.
//! Every case is evaluated by one Node process running `tests/js/run.js`.

use std::collections::BTreeMap;
use std::time::Instant;

use rolemap_tests::claims::document;
use rolemap_tests::exprgen::expression;
use rolemap_tests::jsref::{compare, run_js, Case, Verdict};
use rolemap_tests::rng::Rng;

const DEFAULT_SEED: u64 = 0x526f_6c65_4d61_7030; // "RoleMap0"
const DEFAULT_CASES: usize = 12_000;

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
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.next_u64();
    let expression = expression(&mut rng);
    let data = document(&mut rng);
    Case { expression, data }
}

#[test]
fn pangolin_dialect_agrees_with_jmespath_js_on_random_expressions() {
    let seed = env_number("ROLEMAP_DIFF_SEED").unwrap_or(DEFAULT_SEED);
    let count = env_number("ROLEMAP_DIFF_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let only = env_number("ROLEMAP_DIFF_CASE").map(|n| n as usize);
    println!("differential test: ROLEMAP_DIFF_SEED={seed:#x}, {count} cases");

    let indexes: Vec<usize> = match only {
        Some(i) => vec![i],
        None => (0..count).collect(),
    };
    let mut cases: Vec<Case> = indexes.iter().map(|&i| case(seed, i)).collect();
    let mut indexes = indexes;
    if let Ok(file) = std::env::var("ROLEMAP_DIFF_FILE") {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        cases = list
            .into_iter()
            .map(|c| Case {
                expression: c["expression"].as_str().unwrap_or_default().to_string(),
                data: c["data"].clone(),
            })
            .collect();
        indexes = (0..cases.len()).collect();
        println!("running the {} cases of {file}", cases.len());
    }

    let started = Instant::now();
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("differential-{seed:x}"));
    let answers = run_js(&cases, &dir).unwrap_or_else(|e| panic!("{e}"));
    let js_time = started.elapsed();

    let started = Instant::now();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut parse_messages: Vec<String> = Vec::new();
    let mut errors = 0;
    for ((index, c), js) in indexes.iter().zip(&cases).zip(&answers) {
        if matches!(js, rolemap_tests::jsref::JsOutcome::Error { .. }) {
            errors += 1;
        }
        let repro = format!(
            "case {index}: expression {:?} data {}\n    repro: ROLEMAP_DIFF_SEED={seed:#x} ROLEMAP_DIFF_CASE={index} cargo test -p rolemap-tests --test differential",
            c.expression, c.data
        );
        match compare(c, js) {
            Verdict::Agree => {}
            Verdict::ParseMessage { js, ours } => {
                parse_messages.push(format!(
                    "{:?}: jmespath.js {js:?}, ours {ours:?}",
                    c.expression
                ));
            }
            Verdict::Disagree { category, detail } => {
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
    if !parse_messages.is_empty() {
        println!(
            "note: {} syntax errors whose message differs from jmespath.js's (reported, not failed); first ones:",
            parse_messages.len()
        );
        for m in parse_messages.iter().take(10) {
            println!("  {m}");
        }
    }
    if !failures.is_empty() {
        let total: usize = failures.values().map(Vec::len).sum();
        let mut report = format!(
            "{total} of {} cases disagree with jmespath.js (ROLEMAP_DIFF_SEED={seed:#x}):\n",
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
