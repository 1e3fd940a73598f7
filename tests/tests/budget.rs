//! The evaluation budget ([`Limits`]): an expression that multiplies its
//! input stops with `budget-exceeded` instead of eating the machine, and the
//! bounds on expression length, expression depth and JSON depth give clear
//! errors, in the engine, the CLI and the simulator.
//!
//! Memory is measured, not timed: the exponential case runs in a child
//! process (this test binary again, running only `exponential_child` with
//! `ROLEMAP_BUDGET_CHILD` set) that reports its peak resident set (`VmHWM`
//! of /proc/self/status); the CLI runs under `ulimit -v` (200 MB of address
//! space, so an allocation beyond it aborts the process). Times are printed,
//! never asserted.

mod rolemap_bin;

use std::process::Command;
use std::time::Instant;

use rolemap_engine::{Dialect, ErrorKind, Expression, Limits};
use serde_json::{json, Value as Json};

const DIALECTS: [Dialect; 2] = [Dialect::Pangolin, Dialect::Spec];
const MAX_RSS_KB: u64 = 200 * 1024;

/// `[@,@][]` 40 times: over `[1]`, 2^40 elements if nothing stopped it.
fn exponential() -> String {
    "[@,@][]".repeat(40)
}

/// The peak resident set of this process, in kB.
fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs in the child process of the next test (ignored otherwise):
/// evaluates the exponential expression in the dialect named by
/// `ROLEMAP_BUDGET_CHILD` and prints `RESULT kind hwm_kb ms`.
#[test]
#[ignore = "the child process of exponential_expansion_stops_with_budget_exceeded_in_little_memory"]
fn exponential_child() {
    let dialect = std::env::var("ROLEMAP_BUDGET_CHILD").expect(
        "ROLEMAP_BUDGET_CHILD (a dialect), set by exponential_expansion_stops_with_budget_exceeded_in_little_memory, which runs this test",
    );
    let dialect: Dialect = dialect.parse().expect("a dialect");
    let data = json!([1]);
    let expr = Expression::compile(&exponential(), dialect).expect("it parses");
    let start = Instant::now();
    let result = expr.search(&data).map(|v| v.to_json());
    let ms = start.elapsed().as_millis();
    let kind = match &result {
        Ok(_) => "ok",
        Err(e) => e.kind.as_str(),
    };
    let hwm = vm_hwm_kb().map_or_else(|| "unknown".to_string(), |k| k.to_string());
    println!("RESULT {kind} {hwm} {ms}");
}

#[test]
fn exponential_expansion_stops_with_budget_exceeded_in_little_memory() {
    let exe = std::env::current_exe().expect("test binary");
    for dialect in DIALECTS {
        let out = Command::new(&exe)
            .args([
                "--exact",
                "exponential_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ROLEMAP_BUDGET_CHILD", dialect.to_string())
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
            .unwrap_or_else(|| {
                panic!(
                    "{dialect}: the child died ({}):\n{stdout}\n{}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], "budget-exceeded", "{dialect}: {line}");
        println!(
            "{dialect}: `[@,@][]` x40 over [1]: budget-exceeded after {} ms, peak RSS {} kB",
            fields[2], fields[1]
        );
        // The peak comes from /proc/self/status (Linux): without it this
        // test cannot check memory, and fails.
        let kb: u64 = fields[1].parse().unwrap_or_else(|_| {
            panic!(
                "{dialect}: peak RSS {:?}: needs Linux's /proc/self/status (VmHWM)",
                fields[1]
            )
        });
        assert!(kb < MAX_RSS_KB, "{dialect}: peak RSS {kb} kB");
    }
}

#[test]
fn each_evaluation_limit_stops_with_budget_exceeded() {
    let many: Json = (0..10_000).map(|i| json!({"a": i})).collect();
    let steps = Limits::DEFAULT.with_max_steps(1_000);
    let built = Limits::DEFAULT.with_max_built(1_000);
    for dialect in DIALECTS {
        for (limits, src, what) in [
            (steps, "[?a > `5`].a | length(@)", "steps"),
            (built, "[*].a", "array elements"),
            (built, "[*].{b: a, c: a}", "array elements"),
        ] {
            let expr = Expression::compile_with(src, dialect, limits).expect("it parses");
            let e = expr.search(&many).expect_err("over the budget");
            assert_eq!(e.kind, ErrorKind::BudgetExceeded, "{dialect} {src}: {e}");
            assert!(e.message.contains(what), "{dialect} {src}: {e}");
            // The same expression within the default limits works.
            Expression::compile(src, dialect)
                .and_then(|x| x.search_json(&many))
                .unwrap_or_else(|e| panic!("{dialect} {src}: {e}"));
        }
    }
}

/// `[@, @, ...]` (ten) repeated `times` after `groups`: 10^times copies of
/// the groups, held in a few hundred bytes because values share their parts.
fn shared(times: usize) -> String {
    format!("groups{}", "|[@,@,@,@,@,@,@,@,@,@]".repeat(times))
}

/// A string of 9 x 2^times bytes (`["admin"]` doubled `times` times by `join`).
fn doubled(times: usize) -> String {
    format!("groups|to_string(@){}", "|[@,@]|join('',@)".repeat(times))
}

#[test]
fn values_that_share_their_parts_stop_at_the_output_bound() {
    let data = json!({"groups": ["admin"]});
    let over = |src: &str, dialect: Dialect, what: &str| {
        let expr = Expression::compile(src, dialect).expect("it parses");
        let e = expr.search(&data).expect_err(src);
        assert_eq!(e.kind, ErrorKind::BudgetExceeded, "{dialect} {src}: {e}");
        assert!(e.message.contains(what), "{dialect} {src}: {e}");
        assert!(e.message.contains("16 MiB"), "{dialect} {src}: {e}");
    };
    for dialect in DIALECTS {
        // A result of 10^8 values; the expression built only 80 of them.
        over(&shared(8), dialect, "the result");
        // Strings: `to_string` and `join` of values that stand for too much.
        over(
            &format!("to_string({})", shared(8)),
            dialect,
            "to_string()'s argument",
        );
        over(&doubled(22), dialect, "join()'s result");
        over(
            &format!(
                "length({})",
                "|[@,@]|to_string(@)".repeat(16).replacen('|', "groups|", 1)
            ),
            dialect,
            "to_string()'s argument",
        );
        // Deep equality of two such values walks both.
        over(
            &format!("({a}) == ({a})", a = shared(8)),
            dialect,
            "a value compared",
        );
        if dialect == Dialect::Spec {
            // So does the spec's `contains` (jmespath.js's compares identities).
            over(
                &format!("contains([({a})], ({a}))", a = shared(8)),
                dialect,
                "the value",
            );
        }
        // What only passes through such a value is fine, as in jmespath.js.
        let src = format!("length({})", shared(8));
        let expr = Expression::compile(&src, dialect).expect("it parses");
        assert_eq!(expr.search_json(&data).expect(&src), json!(10), "{dialect}");
        // Below the bound, all is as before: 10^5 copies written out, each
        // level 10 x the one below plus brackets and commas (`["admin"]` is 9).
        let src = shared(5);
        let v = Expression::compile(&src, dialect)
            .and_then(|e| e.search_json(&data))
            .expect(&src);
        let len = (0..5).fold(9, |len, _| 10 * len + 11);
        assert_eq!(v.to_string().len(), len, "{dialect}");
    }
    // jmespath.js's `sort` writes each element as a string.
    over(
        &format!(
            "{}|[@,@,@,@,@,@,@,@,@,@,@,@,@,@,@,@,@,@,@,@]|sort(@)",
            doubled(17)
        ),
        Dialect::Pangolin,
        "sort()'s argument",
    );
}

#[test]
fn the_cli_stops_values_that_share_their_parts_within_200_mb() {
    let dir = std::env::temp_dir().join(format!("rolemap-shared-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let claims = dir.join("claims.json");
    std::fs::write(&claims, r#"{"groups": ["admin"]}"#).expect("write");
    let claims = claims.display().to_string();
    let strings = format!(
        "length({})",
        "|[@,@]|to_string(@)".repeat(16).replacen('|', "groups|", 1)
    );
    for (args, code) in [
        (vec!["eval", strings.as_str(), &claims], 1),
        (vec!["eval", &shared(8), &claims], 1),
        (vec!["explain", &shared(8), &claims], 1),
        (
            vec![
                "lint",
                "--as",
                "role-mapping",
                &shared(8),
                "--claims",
                &claims,
            ],
            0,
        ),
    ] {
        let start = Instant::now();
        let r = rolemap_bin::run_in(&dir, &args, b"", Some("ulimit -v 204800;"));
        println!(
            "rolemap {}: exit {} after {:?}",
            args[0],
            r.code,
            start.elapsed()
        );
        assert!(!r.panicked(), "{args:?}: {}", r.stderr);
        assert_eq!(r.code, code, "{args:?}: {}\n{}", r.stdout, r.stderr);
        if code == 1 {
            assert!(r.stderr.contains("16 MiB"), "{args:?}: {}", r.stderr);
        }
    }
}

#[test]
fn overlong_and_overdeep_expressions_are_rejected_clearly() {
    let max = Limits::DEFAULT.max_expression_len;
    let long = format!("a{}", " || a".repeat(max / 5 + 1));
    assert!(long.len() > max);
    let deep = format!("{}a{}", "(".repeat(201), ")".repeat(201));
    let deep_brackets = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let deep_not = format!("{}a", "!".repeat(300));
    for dialect in DIALECTS {
        let e = Expression::compile(&long, dialect).expect_err("too long");
        assert!(
            e.message.contains("bytes long") && e.message.contains(&max.to_string()),
            "{dialect}: {e}"
        );
        for src in [&deep, &deep_brackets, &deep_not] {
            let e = Expression::compile(src, dialect).expect_err("too deep");
            assert!(
                e.message.contains("nests deeper than 200"),
                "{dialect}: {e}"
            );
        }
        // Within the limits it is fine (deeper ones: see
        // regressions.rs, `expressions_within_the_depth_limit_parse_on_a_2_mib_stack`).
        let within = format!("{}a{}", "(".repeat(60), ")".repeat(60));
        Expression::compile(&within, dialect).unwrap_or_else(|e| panic!("{dialect}: {e}"));
    }
}

#[test]
fn json_input_nesting_is_bounded_by_serde_json() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = serde_json::from_str::<Json>(&deep).expect_err("over serde_json's 128 levels");
    assert!(e.to_string().contains("recursion limit"), "{e}");
    let ok = format!("{}{}", "[".repeat(120), "]".repeat(120));
    let doc: Json = serde_json::from_str(&ok).expect("within the limit");
    for dialect in DIALECTS {
        // Deep documents evaluate without overflowing the stack.
        for src in [
            "@",
            "[][][][][]",
            "to_string(@)",
            "length(@)",
            "@ == @",
            "sort_by([@], &to_string(@))",
        ] {
            let _ = Expression::compile(src, dialect).map(|x| x.search_json(&doc));
        }
    }
}

#[test]
fn the_cli_reports_budget_exceeded_within_200_mb() {
    let dir = std::env::temp_dir().join(format!("rolemap-budget-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let one = dir.join("one.json");
    std::fs::write(&one, "[1]").expect("write");
    let one = one.display().to_string();
    let expr = exponential();
    for cmd in ["eval", "explain"] {
        for dialect in ["pangolin", "spec"] {
            let start = Instant::now();
            let r = rolemap_bin::run_in(
                &dir,
                &[cmd, "--dialect", dialect, &expr, &one],
                b"",
                Some("ulimit -v 204800;"),
            );
            println!(
                "rolemap {cmd} --dialect {dialect}: exit {} after {:?}",
                r.code,
                start.elapsed()
            );
            assert!(!r.panicked(), "{cmd} {dialect}: {}", r.stderr);
            assert_eq!(r.code, 1, "{cmd} {dialect}: {}", r.stderr);
            assert!(
                r.stderr.contains("budget-exceeded"),
                "{cmd} {dialect}: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains("1000000"),
                "{cmd} {dialect}: {}",
                r.stderr
            );
        }
    }
    let r = rolemap_bin::run_in(
        &dir,
        &["eval", "-o", "json", &expr, &one],
        b"",
        Some("ulimit -v 204800;"),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("budget-exceeded"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );

    // The simulator: the login fails, naming the budget.
    let config = dir.join("budget.toml");
    std::fs::write(
        &config,
        format!(
            "[idp]\nidentifier_path = \"preferred_username\"\nauto_provision = true\n\
             default_role_mapping = \"{expr} && 'Member'\"\n\n[[orgs]]\nid = \"home-lab\"\nroles = [\"Member\"]\n"
        ),
    )
    .expect("write");
    let alice = dir.join("alice.json");
    std::fs::write(
        &alice,
        r#"{"preferred_username": "alice", "groups": ["a"]}"#,
    )
    .expect("write");
    let (config, alice) = (config.display().to_string(), alice.display().to_string());
    let r = rolemap_bin::run_in(
        &dir,
        &["simulate", &config, &alice],
        b"",
        Some("ulimit -v 204800;"),
    );
    assert!(!r.panicked(), "{}", r.stderr);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("budget"),
        "simulate names the budget:\n{}",
        r.stdout
    );
    let r = rolemap_bin::run_in(
        &dir,
        &["simulate", "-o", "json", &config, &alice],
        b"",
        Some("ulimit -v 204800;"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out: Json = serde_json::from_str(&r.stdout).expect("JSON output");
    assert_eq!(out[0]["error"]["kind"], "budget-exceeded", "{out:#}");

    // Over-long and over-deep expressions, and over-deep JSON input: exit 2, clear.
    let long = format!(
        "a{}",
        " || a".repeat(Limits::DEFAULT.max_expression_len / 5 + 1)
    );
    let r = rolemap_bin::run_in(&dir, &["eval", &long, &one], b"", None);
    let head: String = r.stderr.chars().take(300).collect();
    assert_eq!(r.code, 2, "{head}");
    assert!(r.stderr.contains("bytes long"), "{head}");
    let deep = format!("{}a{}", "(".repeat(300), ")".repeat(300));
    let r = rolemap_bin::run_in(&dir, &["eval", &deep, &one], b"", None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nests deeper"), "{}", r.stderr);
    let deep_json = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let r = rolemap_bin::run_in(&dir, &["eval", "@"], deep_json.as_bytes(), None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("recursion limit"), "{}", r.stderr);
    assert!(r.stderr.contains("<stdin>"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
