//! The parser's fast path (`crates/engine/src/fast.rs`) against the pest
//! grammar it stands in for: wherever the fast path gives a tree, pest must
//! give the same tree, spans and depths included, in both dialects.
//!
//! Inputs: every expression of the compliance suites, of the examples, of
//! the fuzz seeds, 5,000 generated expressions, and 60,000 texts that
//! differ from the short ones by one edit at a syntax-relevant place
//! (deleting or replacing a punctuation character, or inserting one), which
//! is where the two parsers could part ways. The `parse` fuzz target checks
//! the same on everything it generates.
//!
//! The fast path must also take the common case: most expressions that pest
//! accepts (a check that it is not silently bypassed).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rolemap_engine::compliance::parse_suite;
use rolemap_engine::{parse_both, Dialect};
use rolemap_tests::exprgen;
use rolemap_tests::rng::Rng;

const DIALECTS: [Dialect; 2] = [Dialect::Pangolin, Dialect::Spec];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "node_modules") {
                files(&p, out);
            }
        } else {
            out.push(p);
        }
    }
}

/// Every `"expression"` in the compliance suites.
fn compliance_expressions(out: &mut BTreeSet<String>) {
    let mut paths = Vec::new();
    files(&root().join("tests/compliance"), &mut paths);
    assert!(!paths.is_empty(), "no compliance files");
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().is_some_and(|n| n != "schema.json"))
    {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        // The suites' reader (it takes lone surrogates, as JavaScript does).
        let cases = parse_suite(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        out.extend(cases.into_iter().map(|c| c.expression));
    }
}

/// The expressions written in the examples' configs and the fuzz seeds.
fn example_and_seed_expressions(out: &mut BTreeSet<String>) {
    let mut paths = Vec::new();
    files(&root().join("examples"), &mut paths);
    assert!(!paths.is_empty(), "no examples");
    for p in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
    {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for line in text.lines() {
            if let Some((_, v)) = line.split_once('=') {
                let v = v.trim();
                if let Some(s) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                    out.insert(s.to_string());
                } else if let Ok(serde_json::Value::String(s)) = serde_json::from_str(v) {
                    out.insert(s);
                }
            }
        }
    }
    let mut seeds = Vec::new();
    files(&root().join("fuzz/seeds/parse"), &mut seeds);
    assert!(!seeds.is_empty(), "no fuzz/seeds/parse files");
    for p in seeds {
        // Seeds are bytes for the fuzzer; the UTF-8 ones are texts here.
        let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if let Ok(s) = String::from_utf8(bytes) {
            out.insert(s);
        }
    }
}

/// Checks one text in both dialects; returns how many (dialect, text)
/// pairs pest accepted and how many of those the fast path took.
fn check(src: &str, failures: &mut Vec<String>) -> (usize, usize) {
    let (mut accepted, mut fast_taken) = (0, 0);
    for dialect in DIALECTS {
        let (fast, pest) = parse_both(src, dialect);
        if pest.is_ok() {
            accepted += 1;
        }
        let Some(fast) = fast else { continue };
        fast_taken += 1;
        match pest {
            Ok(tree) => {
                let (a, b) = (format!("{fast:?}"), format!("{tree:?}"));
                if a != b {
                    failures.push(format!(
                        "{dialect}: {src:?}: the fast path gives\n  {a}\npest gives\n  {b}"
                    ));
                }
            }
            Err(e) => failures.push(format!(
                "{dialect}: {src:?}: the fast path gives a tree, pest an error: {e}"
            )),
        }
    }
    (accepted, fast_taken)
}

/// Texts one edit away from `src` at its punctuation.
fn neighbours(src: &str, out: &mut BTreeSet<String>) {
    const INSERT: &[&str] = &[
        "", ".", "[", "]", "(", ")", "{", "}", ",", ":", "@", "*", "?", "&", "|", "!", "=", "<",
        " ", "'", "`", "\"", "-", "1",
    ];
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    if chars.len() > 80 {
        return;
    }
    for &(i, c) in &chars {
        if c.is_ascii_alphanumeric() {
            continue;
        }
        let after = i + c.len_utf8();
        for ins in INSERT {
            // Replace the character with `ins` (deleting it when empty)...
            out.insert(format!("{}{ins}{}", &src[..i], &src[after..]));
            // ...and insert `ins` after it.
            out.insert(format!("{}{ins}{}", &src[..after], &src[after..]));
        }
    }
}

/// `n`, times `ROLEMAP_FAST_SCALE` when set (for longer runs by hand).
fn scale(n: usize) -> usize {
    let k: usize = std::env::var("ROLEMAP_FAST_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    n * k
}

#[test]
fn the_fast_path_gives_the_tree_pest_gives() {
    let mut corpus = BTreeSet::new();
    compliance_expressions(&mut corpus);
    example_and_seed_expressions(&mut corpus);
    let mut rng = Rng::new(0xfa57);
    let mut generated = BTreeSet::new();
    for _ in 0..scale(5_000) {
        generated.insert(exprgen::expression(&mut rng));
    }
    let mut failures = Vec::new();
    let (mut accepted, mut fast) = (0, 0);
    for src in corpus.iter().chain(&generated) {
        let (a, f) = check(src, &mut failures);
        accepted += a;
        fast += f;
    }
    // One edit away from the suites' and examples' short expressions (the
    // first 60,000 such texts in sorted order: about a minute in debug).
    let mut edited = BTreeSet::new();
    for src in corpus.iter().filter(|s| s.len() <= 40) {
        neighbours(src, &mut edited);
    }
    let edited: Vec<&String> = edited
        .iter()
        .filter(|s| !corpus.contains(*s))
        .take(scale(60_000))
        .collect();
    for src in &edited {
        check(src, &mut failures);
    }
    let shown: Vec<&String> = failures.iter().take(20).collect();
    assert!(
        failures.is_empty(),
        "{} disagreements, the first ones:\n{}",
        failures.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The common case takes the fast path (measured: see the message).
    let share = fast as f64 / accepted as f64;
    eprintln!(
        "fast path: {fast} of {accepted} accepted (dialect, text) pairs ({:.1}%), {} edited texts checked",
        share * 100.0,
        edited.len()
    );
    assert!(share > 0.9, "the fast path took only {fast} of {accepted}");
}

/// The mapping expressions people write take the fast path.
#[test]
fn mapping_expressions_take_the_fast_path() {
    for src in [
        "contains(groups, 'admin') && 'Admin' || 'Member'",
        "email",
        "realm_access.roles",
        "_a1.B_2.c.d",
        "realm_access.roles[?starts_with(@, 'pangolin-')] | [0]",
        "ends_with(email, '@acme.com')",
        "[contains(groups, 'a') && ['Admin'] || [], contains(groups, 'b') && ['Member'] || []][]",
        "preferred_username || email",
        "groups[?@ == 'admins'] | length(@) > `0`",
        "{name: name, roles: roles[*].name}",
        "\"cognito:groups\"",
        "!contains(groups, 'guest')",
        "sort_by(items, &age)[-1].name",
        "a[1:3]",
        "a[::-1]",
        "*.b",
        "a.*.c",
        "a[].b[]",
        "foo.[a, b]",
        "foo.{a: a}",
    ] {
        for dialect in DIALECTS {
            let (fast, pest) = parse_both(src, dialect);
            assert!(pest.is_ok(), "{dialect}: {src:?}: {pest:?}");
            assert!(
                fast.is_some(),
                "{dialect}: {src:?} did not take the fast path"
            );
        }
    }
}
