//! Inputs the fuzz targets (`fuzz/`, `cargo xtask fuzz`) found wrong in the
//! engine, the linter and the CLI, one test each, named after what went
//! wrong. Simulator regressions live in crates/simulate/tests/robustness.rs.
//!
//! A test marked `#[ignore]` reproduces a bug not fixed yet (the reason says
//! where): run them with `cargo test -p rolemap-tests --test regressions --
//! --ignored --skip _child`, and drop the `#[ignore]` with the fix. The
//! tests named `…_child` are ignored too: they are the child processes of
//! other tests, which run them with `--ignored` (run alone they fail). Most bugs below were
//! fixed while this file was written; their tests keep them fixed.

use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use rolemap_engine::{Dialect, ErrorKind, Expression, NodeKind};
use rolemap_lint::{lint, ExprRole, LintOptions};

const DIALECTS: [Dialect; 2] = [Dialect::Pangolin, Dialect::Spec];

/// Compiles `src` on another thread; `None` when it has not finished after
/// a minute (a hang, not a slow machine: the inputs below take a few
/// milliseconds when parsing is linear, and hours when it is exponential).
fn compile_or_hang(src: String, dialect: Dialect) -> Option<Result<(), ErrorKind>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(
            Expression::compile(&src, dialect)
                .map(|_| ())
                .map_err(|e| e.kind),
        );
    });
    rx.recv_timeout(Duration::from_secs(60)).ok()
}

/// fuzz target `config` (an identifier path): unclosed `[` after names.
/// `a[b[b[b…` with 16 levels took 4.8 s (debug build), each level doubling
/// it: pest backtracks through every bracket alternative on the way to the
/// syntax error. 40 levels is 81 bytes.
#[test]
fn unclosed_brackets_after_names_do_not_hang_the_parser() {
    let src = format!("a{}", "[b".repeat(40));
    for dialect in DIALECTS {
        match compile_or_hang(src.clone(), dialect) {
            Some(r) => assert_eq!(r, Err(ErrorKind::Syntax), "{dialect}"),
            None => panic!("{dialect}: parsing {src:?} did not finish in a minute"),
        }
    }
}

/// fuzz target `eval`: `sum([z, sum([y, … sum([~c, …])])` (246 bytes) ran
/// past the fuzzer's 10 s timeout; `f([` 16 levels deep before a bad token
/// took 2.5 s (debug build), doubling with each level.
#[test]
fn nested_calls_of_lists_do_not_hang_the_parser() {
    let src = format!("{}~{}", "f([".repeat(40), "])".repeat(40));
    for dialect in DIALECTS {
        match compile_or_hang(src.clone(), dialect) {
            Some(r) => assert_eq!(r, Err(ErrorKind::Syntax), "{dialect}"),
            None => panic!("{dialect}: parsing {src:?} did not finish in a minute"),
        }
    }
}

/// fuzz target `lint`: in `("7d` the linter "repairs" the key `7d` (inside an
/// unclosed quoted name) twice, and reports the syntax error at 5..5, past
/// the end of the 4-byte source (RM015 twice, the second with an empty span).
#[test]
fn lint_spans_stay_within_the_source() {
    for src in ["(\"7d", "(\"7d ==", "a || (\"7d"] {
        for role in [ExprRole::RoleMapping, ExprRole::OrgMapping, ExprRole::Path] {
            let report = lint(
                src,
                &LintOptions {
                    role,
                    ..LintOptions::default()
                },
            );
            // Each is a syntax error (an unclosed quoted name).
            assert!(
                report.diagnostics.iter().any(|d| d.code == "RM001"),
                "{src:?} as {role}: {:?}",
                report.codes()
            );
            for d in &report.diagnostics {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= src.len(),
                    "{src:?} as {role}: {d}"
                );
            }
            let rm015 = report
                .diagnostics
                .iter()
                .filter(|d| d.code == "RM015")
                .count();
            assert!(rm015 <= 1, "{src:?} as {role}: {:?}", report.codes());
        }
    }
}

/// fuzz target `parse`: the raw string `'\\'` prints as the JSON literal
/// `` `"\\\\"` ``. Same value, so the canonical form is faithful; but the
/// trees differ in `LiteralForm` (Raw vs Json), which `Node` equality
/// compares, so `parse(print(ast)) == ast` does not hold for it (the fuzz
/// target compares trees up to literal forms).
#[test]
fn raw_strings_with_backslashes_print_to_the_same_value() {
    for src in ["'\\\\'", "'a\\\\'", "'\\\\\\''", "['\\\\', `\"\\\\\"`]"] {
        for dialect in DIALECTS {
            let expr = Expression::compile(src, dialect)
                .unwrap_or_else(|e| panic!("{dialect}: {src:?} parses (it did when found): {e}"));
            let canonical = expr.canonical();
            let again = Expression::compile(&canonical, dialect)
                .unwrap_or_else(|e| panic!("{dialect}: {canonical:?} (from {src:?}): {e}"));
            assert_eq!(again.canonical(), canonical, "{dialect}: not idempotent");
            let data = serde_json::json!({});
            assert_eq!(
                expr.search_json(&data).ok(),
                again.search_json(&data).ok(),
                "{dialect}: {src:?} and {canonical:?} differ"
            );
            // The raw strings alone (not the list) are one literal each.
            if src.starts_with('\'') {
                let (NodeKind::Literal { value: a, .. }, NodeKind::Literal { value: b, .. }) =
                    (&expr.ast().kind, &again.ast().kind)
                else {
                    panic!("{dialect}: {src:?} and {canonical:?} are not both literals");
                };
                assert_eq!(a, b, "{dialect}: {src:?}");
            }
        }
    }
}

/// Runs in the child of the next test (ignored otherwise): compiles
/// `ROLEMAP_DEPTH_CHILD` levels of parentheses, then of brackets, on this
/// (2 MiB) test thread.
#[test]
#[ignore = "the child process of expressions_within_the_depth_limit_parse_on_a_2_mib_stack"]
fn depth_child() {
    let n = std::env::var("ROLEMAP_DEPTH_CHILD").expect(
        "ROLEMAP_DEPTH_CHILD (a depth), set by expressions_within_the_depth_limit_parse_on_a_2_mib_stack, which runs this test",
    );
    let n: usize = n.parse().expect("a depth");
    for dialect in DIALECTS {
        for src in [
            format!("{}a{}", "(".repeat(n), ")".repeat(n)),
            format!("{}{}", "[".repeat(n), "]".repeat(n)),
        ] {
            let r = Expression::compile(&src, dialect).map(|_| ());
            println!("DEPTH {dialect} {} {:?}", &src[..1], r.map_err(|e| e.kind));
        }
    }
}

/// Found writing tests/tests/budget.rs: 150 nested parentheses or brackets,
/// within `Limits::DEFAULT.max_depth` (200), overflow a 2 MiB thread stack
/// while parsing (debug build; SIGABRT); 100 levels parse. A 2 MiB stack is
/// what Rust gives spawned threads (test threads, rayon workers); wasm32's
/// default stack is 1 MiB.
#[test]
fn expressions_within_the_depth_limit_parse_on_a_2_mib_stack() {
    let exe = std::env::current_exe().expect("test binary");
    for n in [150, 200] {
        let out = Command::new(&exe)
            .args([
                "--exact",
                "depth_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ROLEMAP_DEPTH_CHILD", n.to_string())
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stdout.matches("DEPTH ").count() == 4,
            "{n} levels: the child died ({}):\n{stdout}\n{}",
            out.status,
            stderr.lines().take(5).collect::<Vec<_>>().join("\n")
        );
    }
}

/// fuzz target `parse`: in jmespath.js `[ ]` (with a space) is an empty
/// multi-select list, `[]` a flatten; the printer writes `[ ]` as `[]`, so
/// `rolemap fmt 'a | [ ]'` changes what the expression gives.
#[test]
fn the_empty_multiselect_list_keeps_its_meaning_when_printed() {
    let data = serde_json::json!([1, [2]]);
    for src in ["[ ]", "a | [ ]", "@ | [ ]"] {
        let expr = Expression::compile(src, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} parses in jmespath.js: {e}"));
        let canonical = expr.canonical();
        let again = Expression::compile(&canonical, Dialect::Pangolin).expect("canonical parses");
        assert_eq!(
            expr.search_json(&data).ok(),
            again.search_json(&data).ok(),
            "{src:?} printed as {canonical:?}"
        );
    }
}

/// fuzz target `parse` (minimized): the unterminated raw string `'``\`,
/// which jmespath.js reads as a string, prints as the JSON literal
/// `` `"\`\`\\"` ``, which does not parse.
#[test]
fn raw_strings_with_backticks_print_to_text_that_parses() {
    for src in ["'``\\", "'``\\'", "'a`|`b\\\\'"] {
        let expr = Expression::compile(src, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} parses in jmespath.js: {e}"));
        let canonical = expr.canonical();
        if let Err(e) = Expression::compile(&canonical, Dialect::Pangolin) {
            panic!("{src:?} printed as {canonical:?}, which does not parse: {e}");
        }
    }
}

/// fuzz target `parse`: an expression reference of an expression reference,
/// `& &a`, prints as `&&a`, which lexes as `&&` and does not parse (both
/// dialects; `rolemap fmt 'sort_by(@, & &a)'` gives `sort_by(@, &&a)`).
#[test]
fn nested_expression_references_print_to_text_that_parses() {
    for src in ["& &a", "sort_by(@, & &a)", "& & &a"] {
        for dialect in DIALECTS {
            let expr = Expression::compile(src, dialect)
                .unwrap_or_else(|e| panic!("{dialect}: {src:?} parses (it did when found): {e}"));
            let canonical = expr.canonical();
            if let Err(e) = Expression::compile(&canonical, dialect) {
                panic!("{dialect}: {src:?} printed as {canonical:?}, which does not parse: {e}");
            }
        }
    }
}

/// fuzz target `eval` (after the fixes above, minimized by hand): unclosed
/// calls of expression references, `f(&f(&f(&…`, still parse in time
/// exponential in their depth on the way to the syntax error: 16 levels
/// (48 bytes) took 4.3 s in a debug build, doubling with each level.
#[test]
fn unclosed_calls_of_expression_references_do_not_hang_the_parser() {
    for src in ["f(&".repeat(40), "&D(".repeat(40), "&D(ov.b".repeat(40)] {
        for dialect in DIALECTS {
            match compile_or_hang(src.clone(), dialect) {
                Some(r) => assert_eq!(r, Err(ErrorKind::Syntax), "{dialect}"),
                None => panic!("{dialect}: parsing {src:?} did not finish in a minute"),
            }
        }
    }
}

/// fuzz target `parse` (after the dangling-dot support, and again in CI): jmespath.js accepts
/// `a[*].b[*]..`; the printer writes it as `a[*].(b[*].).`, which parses to
/// another tree and prints as `undefined(b[*].).` the next time.
#[test]
fn dangling_dots_after_projections_print_to_the_same_tree() {
    for src in [
        "a[*].b[*]..",
        "a[*].b[*]...",
        "a[*]..",
        // CI's fuzz pass, 2026-11-26: printed as "a[*].(b[?`\"*\"`].).".
        "a[*].b[?`*`]..",
        "a[*].b[?`*`]...c",
        "b[?x]..c",
        "a.b[]..c[0]",
        "*.b[?x]..",
    ] {
        let expr = Expression::compile(src, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} parses in jmespath.js: {e}"));
        let canonical = expr.canonical();
        let again = Expression::compile(&canonical, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} printed as {canonical:?}: {e}"));
        assert_eq!(again.ast(), expr.ast(), "{src:?} printed as {canonical:?}");
        assert_eq!(
            again.canonical(),
            canonical,
            "{src:?}: printing is not idempotent"
        );
    }
}

/// proptest `printing_round_trips` (CI, 2026-11-27): the multi-select list
/// `[(*)]` (one item, a bare `*`) was printed as `[*]`, a projection.
#[test]
fn a_multi_select_list_of_a_bare_star_prints_to_the_same_tree() {
    for src in [
        "[(*)]",
        "a.[(*)]",
        "a[*].[(*)]",
        "[(*), b]",
        "[*, b]",
        "{a: [(*)]}",
    ] {
        for dialect in DIALECTS {
            let expr = Expression::compile(src, dialect)
                .unwrap_or_else(|e| panic!("{dialect}: {src:?}: {e}"));
            let canonical = expr.canonical();
            let again = Expression::compile(&canonical, dialect)
                .unwrap_or_else(|e| panic!("{dialect}: {src:?} printed as {canonical:?}: {e}"));
            assert_eq!(
                again.ast(),
                expr.ast(),
                "{dialect}: {src:?} printed as {canonical:?}"
            );
        }
    }
}

/// fuzz target `parse` (a 7-minute run from an empty corpus): 215 bytes of
/// unclosed `[` and `&` (`[&l|[K[&l|[K\r&lK...`) made pest backtrack for
/// 6 s in the spec dialect (doubling with each level). pest now has a call
/// budget: such text is a syntax error at once.
#[test]
fn backtracking_brackets_and_exprefs_do_not_hang_the_parser() {
    let found = include_str!("../../fuzz/seeds/parse/backtracking-brackets-and-exprefs");
    for (src, dialect) in [found.to_string(), format!("{}.[", "[&l|[K\r".repeat(40))]
        .into_iter()
        .flat_map(|s| DIALECTS.map(|d| (s.clone(), d)))
    {
        match compile_or_hang(src.clone(), dialect) {
            Some(r) => assert_eq!(r, Err(ErrorKind::Syntax), "{dialect}: {src:?}"),
            None => panic!("{dialect}: parsing {src:?} did not finish in a minute"),
        }
    }
}

/// Review of the Pangolin dialect against jmespath.js's parser: a `.`
/// followed by the tokens `[]` or `[?` is a `.` followed by nothing (the
/// tokens are the next postfix), and `()` is an expression of nothing;
/// jmespath.js parses both and fails only where it evaluates them. The spec
/// rejects them. Answers as `node` with jmespath@0.16.0 gives them.
#[test]
fn dangling_dots_before_flatten_or_filter_and_empty_parentheses_parse_as_jmespath_js() {
    let data = serde_json::json!({"groups": ["a"], "foo": [{"a": 1}], "scores": [0, 1, 2, 3]});
    let answers = [
        ("`true` || foo.[?a==`1`]", Some(serde_json::json!(true))),
        ("`false` && ()", Some(serde_json::json!(false))),
        ("`false` && &()", Some(serde_json::json!(false))),
        ("scores[:1 2]", Some(serde_json::json!([0, 1]))),
        ("scores[1:2 3:]", Some(serde_json::json!([1, 2]))),
        ("(&a).name", Some(serde_json::json!("a"))),
        ("groups.[] || 'Member'", None),
        ("groups.[?@]", None),
        ("()", None),
        ("&()", None),
    ];
    for (src, want) in answers {
        let expr = Expression::compile(src, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} must parse: {e}"));
        let got = expr.search_json(&data);
        match want {
            Some(v) => assert_eq!(got.ok(), Some(v), "{src:?}"),
            None => assert!(got.is_err(), "{src:?} must fail when evaluated: {got:?}"),
        }
        // Every form here but an expression reference's field is leniency.
        if src != "(&a).name" {
            assert!(
                Expression::compile(src, Dialect::Spec).is_err(),
                "spec: {src:?}"
            );
        }
        let canonical = expr.canonical();
        let again = Expression::compile(&canonical, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} printed as {canonical:?}: {e}"));
        assert_eq!(again.ast(), expr.ast(), "{src:?} printed as {canonical:?}");
    }
    for src in [
        "groups.[]",
        "a.[?b]",
        "().a",
        "[()]",
        "a.[][0]",
        "(\"length\")(groups)",
    ] {
        let expr = Expression::compile(src, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} must parse: {e}"));
        let canonical = expr.canonical();
        let again = Expression::compile(&canonical, Dialect::Pangolin)
            .unwrap_or_else(|e| panic!("{src:?} printed as {canonical:?}: {e}"));
        assert_eq!(again.ast(), expr.ast(), "{src:?} printed as {canonical:?}");
        assert!(
            Expression::compile(src, Dialect::Spec).is_err(),
            "spec: {src:?}"
        );
    }
}

/// differential one-edit variants: `{__proto__: valueOf} < 'a'` gave
/// `false`; jmespath.js throws, as JavaScript turns the object into a
/// primitive with the `toString` of `Function.prototype`, which refuses an
/// object that is not a function.
#[test]
fn an_object_whose_prototype_is_a_function_has_no_primitive_value() {
    for src in [
        "{__proto__: valueOf} < 'a'",
        "{__proto__: {__proto__: constructor}} >= `1`",
        "[{__proto__: toString}] < `1`",
    ] {
        let expr = Expression::compile(src, Dialect::Pangolin).expect("parses");
        let e = expr
            .search_json(&serde_json::json!({}))
            .expect_err("jmespath.js throws");
        assert_eq!(
            e.js_message.as_deref(),
            Some("Function.prototype.toString requires that 'this' be a Function"),
            "{src:?}"
        );
    }
}

/// differential one-edit variants: `{__proto__: constructor, name: x}` gave
/// an object; jmespath.js (strict mode) throws, as the prototype is the
/// `Object` function, whose own `name` is read-only.
#[test]
fn keys_read_only_on_a_function_prototype_cannot_be_set() {
    for (src, fails) in [
        ("{__proto__: constructor, name: `1`}", true),
        ("{__proto__: valueOf, length: `1`}", true),
        ("{__proto__: constructor, prototype: `1`}", true),
        ("{__proto__: {__proto__: toString}, caller: `1`}", true),
        ("{__proto__: valueOf, prototype: `1`}", false),
        ("{__proto__: toString, apply: `1`}", false),
        ("{name: `1`, __proto__: valueOf}", false),
    ] {
        let expr = Expression::compile(src, Dialect::Pangolin).expect("parses");
        let got = expr.search_json(&serde_json::json!({}));
        assert_eq!(got.is_err(), fails, "{src:?}: {got:?}");
    }
}
