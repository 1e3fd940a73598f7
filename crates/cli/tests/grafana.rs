//! The Grafana dialects on the command line: `--dialect grafana` (Grafana
//! 11.3 and later) and `--dialect grafana-11.2`, and lint's comparison.

mod common;

use common::rolemap;

const CLAIMS: &str =
    r#"{"resource_access": {"my-client": {"roles": ["admin"]}}, "foo": 5, "bar": 2}"#;

#[test]
fn eval_answers_as_grafanas_engines() {
    let r = rolemap(&["eval", "--dialect", "grafana", "foo-bar", "-"], CLAIMS);
    r.code(0);
    assert_eq!(r.stdout.trim(), "3");
    let r = rolemap(
        &[
            "eval",
            "--dialect",
            "grafana",
            "resource_access.my-client.roles",
            "-",
        ],
        CLAIMS,
    );
    r.code(0);
    assert_eq!(r.stdout.trim(), "null");
    let r = rolemap(
        &["eval", "--dialect", "grafana-11.2", "foo-bar", "-"],
        CLAIMS,
    );
    assert!(r.stderr.contains("syntax error"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("go-jmespath 0.4.0 (Grafana 11.2 and earlier) fails with: SyntaxError"),
        "{}",
        r.stderr
    );
}

#[test]
fn explain_shows_let_and_arithmetic() {
    let r = rolemap(
        &[
            "explain",
            "--dialect",
            "grafana",
            "let $x = foo in $x - bar",
            "-",
        ],
        CLAIMS,
    );
    r.code(0);
    assert!(r.stdout.contains("variable → 5"), "{}", r.stdout);
    assert!(r.stdout.contains("result: 3"), "{}", r.stdout);
}

#[test]
fn lint_notes_what_grafana_reads_otherwise() {
    let expr = "contains(groups, `admin`) && 'Admin' || 'Member'";
    let r = rolemap(&["lint", "--as", "role-mapping", expr], "");
    assert!(!r.stdout.contains("RM060"), "{}", r.stdout);
    let r = rolemap(
        &[
            "lint",
            "--as",
            "role-mapping",
            "--compare-with",
            "grafana",
            expr,
        ],
        "",
    );
    assert!(
        r.stdout.contains("RM060 grafana-difference"),
        "{}",
        r.stdout
    );
}
