//! Depth tests: deeply nested expressions and deeply nested claims give a
//! result or an error, never a stack overflow, in both dialects.
//!
//! A stack overflow aborts the whole process, so every case runs in a child
//! process (this test binary again, running only `depth_case_child` with
//! `ROLEMAP_DEPTH_CASE` set); the parent names every case that died.
//! Test threads have 2 MiB stacks, less than a main thread's 8 MiB.
//!
//! The ladders check the engine's estimate of the stack a parse needs: it
//! parses on the stack it was called on when the estimate says the text
//! fits there, so texts at every nesting up to the limit are parsed on
//! threads with 1 MiB and 8 MiB stacks.

use std::process::Command;

use rolemap_engine::{Dialect, Expression, Limits};
use serde_json::{json, Map, Value as Json};

const DEEP: usize = 100_000;
const DIALECTS: [Dialect; 4] = Dialect::ALL;

/// `open` repeated DEEP times, then `middle`, then `close` repeated.
fn nested(open: &str, middle: &str, close: &str) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * DEEP + middle.len());
    for _ in 0..DEEP {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..DEEP {
        s.push_str(close);
    }
    s
}

/// `part` joined by `sep` until the text is `len` bytes at most.
fn chain(part: &str, sep: &str, len: usize) -> String {
    let mut s = part.to_string();
    while s.len() + sep.len() + part.len() <= len {
        s.push_str(sep);
        s.push_str(part);
    }
    s
}

/// Deep expressions: over the length limit, over the depth limit, and long
/// chains that are within both but build deep trees.
fn deep_expressions() -> Vec<(String, String)> {
    let max = Limits::DEFAULT.max_expression_len;
    vec![
        ("100k (".into(), nested("(", "a", ")")),
        ("100k [".into(), nested("[", "a", "]")),
        ("100k {a:".into(), nested("{a:", "a", "}")),
        ("100k !".into(), nested("!", "a", "")),
        (
            "100k &".into(),
            format!("sort_by(@, {})", nested("&", "a", "")),
        ),
        ("100k ( unbalanced".into(), nested("(", "", "")),
        ("100k [ unbalanced".into(), nested("[", "", "")),
        ("100k a[0]".into(), format!("a{}", nested("", "", "[0]"))),
        ("100k f(".into(), nested("abs(", "a", ")")),
        ("100k '-quoted (".into(), format!("'{}'", "(".repeat(DEEP))),
        (
            "64k (".into(),
            nested("(", "a", ")")[DEEP - max / 2..DEEP + max / 2].to_string(),
        ),
        ("a.a.a… (64 KiB)".into(), chain("a", ".", max)),
        ("a|a|a… (64 KiB)".into(), chain("a", "|", max)),
        ("a||a||a… (64 KiB)".into(), chain("a", "||", max)),
        ("a&&a&&a… (64 KiB)".into(), chain("a", "&&", max)),
        ("a==a==a… (64 KiB)".into(), chain("a", "==", max)),
        (
            "a.*.*… (64 KiB)".into(),
            format!("a{}", chain(".*", "", max - 1)),
        ),
        (
            "a[*][*]… (64 KiB)".into(),
            format!("a{}", chain("[*]", "", max - 1)),
        ),
        (
            "a[][]… (64 KiB)".into(),
            format!("a{}", chain("[]", "", max - 1)),
        ),
        (
            "a[?b]… (64 KiB)".into(),
            format!("a{}", chain("[?b]", "", max - 1)),
        ),
        (
            "a[0][0]… (64 KiB)".into(),
            format!("a{}", chain("[0]", "", max - 1)),
        ),
        ("\"a\".\"a\"… (64 KiB)".into(), chain("\"a\"", ".", max)),
        ("a.b(…) calls (64 KiB)".into(), chain("a", ".abs(@)", max)),
    ]
}

/// The ladders: text opened by `open` and closed by `close`, repeated as
/// often as the depth limit allows; each opening nests `levels` levels.
/// The costliest forms per level measured, and the plain brackets.
const LADDERS: &[(&str, &str, &str, u32)] = &[
    ("(", "a", ")", 1),
    ("[", "a", "]", 1),
    ("{a:", "a", "}", 1),
    ("abs(", "a", ")", 1),
    ("!", "a", "", 1),
    ("a || (", "a", ")", 1),
    ("a | b || c && d == e.f[0].g[*] || (", "a", ")", 1),
    ("a[?b == `1` && c[0] || d] | e.f || [", "a", "]", 1),
    ("a.b[*].c | {x: (", "a", ")}", 2),
    ("let $x = a in a + b * -c // (", "$x", ")", 2),
];

/// Stack sizes the ladders run on.
const LADDER_STACKS: [usize; 2] = [1 << 20, 8 << 20];

/// How deeply the Go engines' documents may nest: as deeply as Go's
/// `encoding/json` decodes (deeper is an error in the Grafana dialects).
const GO_DEEP: usize = 10_000;

/// A shape of deep value: arrays, objects or both, nested `.1` times.
type Shape = (&'static str, usize);

/// The deep values searched: past every bound, at the Go engines' one, and
/// one that the Go engines' estimate of the stack a search needs lets run on
/// the test thread's stack.
const SHAPES: [Shape; 7] = [
    ("array", DEEP),
    ("object", DEEP),
    ("mixed", DEEP),
    ("array", GO_DEEP),
    ("object", GO_DEEP),
    ("mixed", GO_DEEP),
    ("mixed", 150),
];

/// A value of `shape`, built iteratively.
fn deep_value((shape, depth): Shape) -> Json {
    let mut v = json!("leaf");
    for i in 0..depth {
        v = match (shape, i % 2) {
            ("array", _) | ("mixed", 0) => Json::Array(vec![v]),
            _ => {
                let mut m = Map::new();
                m.insert("a".to_string(), v);
                Json::Object(m)
            }
        };
    }
    v
}

/// Expressions evaluated over deep values: lookups, and every operation
/// that walks a whole value (equality, JSON output, sorting, merging…).
const OVER_DEEP_VALUES: &[&str] = &[
    "@",
    "a",
    "a.a.a",
    "[0][0][0]",
    "@ == @",
    "@ != `1`",
    "[@] == [@]",
    "contains([@], @)",
    "to_string(@)",
    "type(@)",
    "length(@)",
    "keys(@)",
    "values(@)",
    "merge(@, @)",
    "[@, @][]",
    "@[]",
    "@.*",
    "@[*]",
    "not_null(@)",
    "to_array(@)",
    "reverse([@, @])",
    "sort_by([@, @], &to_string(@))",
    "max_by([@], &length(@))",
    "{x: @}",
    "@ < @",
    "@ && 'yes' || 'no'",
    "!@",
    "[?@]",
];

/// One case of the depth test.
enum DepthCase {
    /// Compile (and evaluate, if it compiles) a deep expression.
    Expression(String, String, Dialect),
    /// Compile a ladder at every nesting up to the limit, on a thread with
    /// a stack of the given size.
    Ladder(usize, Dialect, usize),
    /// Build and drop a deep value (serde_json's own recursive `Drop`).
    Drop(Shape),
    /// Evaluate an expression over a deep value; `json`: also convert the
    /// result to JSON (`search_json`).
    OverValue(&'static str, Shape, Dialect, bool),
}

impl DepthCase {
    fn name(&self) -> String {
        match self {
            DepthCase::Expression(name, _, d) => format!("compile+search {name} ({d})"),
            DepthCase::Ladder(i, d, stack) => format!(
                "compile {:?} nested 1 to {} levels on a {} KiB stack ({d})",
                LADDERS[*i].0,
                Limits::DEFAULT.max_depth,
                stack / 1024
            ),
            DepthCase::Drop((shape, depth)) => format!("drop a {depth}-deep {shape} value"),
            DepthCase::OverValue(e, (shape, depth), d, json) => format!(
                "{} {e:?} over a {depth}-deep {shape} ({d})",
                if *json { "search_json" } else { "search" }
            ),
        }
    }
}

fn cases() -> Vec<DepthCase> {
    let mut out = Vec::new();
    for (name, text) in deep_expressions() {
        for d in DIALECTS {
            out.push(DepthCase::Expression(name.clone(), text.clone(), d));
        }
    }
    for i in 0..LADDERS.len() {
        for d in DIALECTS {
            for stack in LADDER_STACKS {
                out.push(DepthCase::Ladder(i, d, stack));
            }
        }
    }
    out.push(DepthCase::Drop(("array", DEEP)));
    out.push(DepthCase::Drop(("object", DEEP)));
    for shape in SHAPES {
        for e in OVER_DEEP_VALUES {
            for d in DIALECTS {
                for json in [false, true] {
                    out.push(DepthCase::OverValue(e, shape, d, json));
                }
            }
        }
    }
    out
}

/// Runs one case (in the child process).
fn run_case(case: &DepthCase, values: &mut Vec<(Shape, Json)>) {
    match case {
        DepthCase::Expression(_, text, d) => {
            // Compile and, if it compiles, evaluate: a result or an error is fine.
            if let Ok(e) = Expression::compile(text, *d) {
                let data = json!({"a": [1, {"b": true}], "b": 1});
                let _ = e.search(&data).map(|v| v.to_json_as(Dialect::Pangolin));
            }
        }
        DepthCase::Ladder(i, d, stack) => {
            let (open, middle, close, levels) = LADDERS[*i];
            let (d, max) = (*d, Limits::DEFAULT.max_depth);
            std::thread::Builder::new()
                .stack_size(*stack)
                .spawn(move || {
                    for n in 1..=(max / levels) as usize {
                        let text = format!("{}{middle}{}", open.repeat(n), close.repeat(n));
                        let _ = Expression::compile(&text, d);
                    }
                })
                .expect("a thread")
                .join()
                .expect("the ladder's thread ends");
        }
        DepthCase::Drop(shape) => drop(deep_value(*shape)),
        DepthCase::OverValue(text, shape, d, json) => {
            if !values.iter().any(|(s, _)| s == shape) {
                values.push((*shape, deep_value(*shape)));
            }
            let data = &values.iter().find(|(s, _)| s == shape).expect("built").1;
            let e = Expression::compile(text, *d).expect("the expression compiles");
            if *json {
                // The result may be a 100k-deep serde_json::Value: leaked,
                // as serde_json's recursive Drop overflows (see the drop cases).
                let _ = e.search_json(data).map(std::mem::forget);
            } else {
                let _ = e.search(data).map(|v| v.is_truthy());
            }
        }
    }
}

/// In the child process of the next test (ignored otherwise): runs the
/// cases from `ROLEMAP_DEPTH_FROM` on, announcing each on stdout first, so
/// that the parent knows which one killed the process.
#[test]
#[ignore = "the child process of deep_expressions_and_claims_never_overflow_the_stack"]
fn depth_case_child() {
    let from = std::env::var("ROLEMAP_DEPTH_FROM").expect(
        "ROLEMAP_DEPTH_FROM (a case index), set by deep_expressions_and_claims_never_overflow_the_stack, which runs this test",
    );
    let from: usize = from.parse().expect("a case index");
    let only = std::env::var("ROLEMAP_DEPTH_ONLY").is_ok();
    let mut values = Vec::new();
    for (index, case) in cases().iter().enumerate().skip(from) {
        println!("CASE {index}");
        std::io::Write::flush(&mut std::io::stdout()).expect("stdout");
        run_case(case, &mut values);
        if only {
            break;
        }
    }
    // The deep values are leaked: dropping them overflows (serde_json).
    std::mem::forget(values);
    println!("DONE");
}

#[test]
fn deep_expressions_and_claims_never_overflow_the_stack() {
    // serde_json refuses to parse text nested deeper than 128.
    let text = format!("{}{}", "[".repeat(DEEP), "]".repeat(DEEP));
    assert!(serde_json::from_str::<Json>(&text).is_err());

    let exe = std::env::current_exe().expect("the test binary");
    let all = cases();
    let mut died = Vec::new();
    let mut known = Vec::new();
    let mut from = 0;
    while from < all.len() {
        let out = Command::new(&exe)
            .args([
                "depth_case_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ROLEMAP_DEPTH_FROM", from.to_string())
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if out.status.success() && stdout.contains("DONE") {
            break;
        }
        let last = stdout
            .lines()
            .filter_map(|l| l.split_once("CASE ").map(|(_, n)| n))
            .filter_map(|n| n.trim().parse::<usize>().ok())
            .next_back()
            .unwrap_or_else(|| {
                panic!(
                    "the child died before any case ({}): {stdout}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why = if stderr.contains("overflowed its stack") {
            "stack overflow".to_string()
        } else {
            format!("{}: {}", out.status, stderr.lines().last().unwrap_or(""))
        };
        let name = all[last].name();
        // serde_json's recursive Drop is not the engine's: reported, not failed.
        if matches!(all[last], DepthCase::Drop(_)) {
            known.push(format!("{name}: {why}"));
        } else {
            died.push(format!("case {last}: {name}: {why}"));
        }
        from = last + 1;
    }
    for k in &known {
        println!("note (serde_json, not the engine): {k}");
    }
    assert!(
        died.is_empty(),
        "{} of {} depth cases died (rerun one alone: ROLEMAP_DEPTH_FROM=N ROLEMAP_DEPTH_ONLY=1 \
         cargo test -p rolemap-tests --test depth depth_case_child -- --exact --nocapture):\n{}",
        died.len(),
        all.len(),
        died.join("\n")
    );
}
