//! `rolemap explain` trees, snapshotted (crates/cli/tests/snapshots/).

mod common;

use common::rolemap;

/// Self-contained claims (the examples may change; these snapshots must not).
const ALICE: &str = r#"{"preferred_username": "alice", "groups": ["admin", "media"]}"#;
const BOB: &str = r#"{"preferred_username": "bob", "groups": ["media"]}"#;

/// The tree for `expr` over `input` (a file, or `-` with `stdin`).
fn explain(expr: &str, input: &str, stdin: &str, code: i32) -> String {
    let r = rolemap(&["explain", "--color", "never", expr, input], stdin);
    r.code(code);
    format!(
        "$ rolemap explain {expr:?} {input}\n{}{}",
        r.stdout, r.stderr
    )
}

#[test]
fn documented_role_mapping_admin() {
    insta::assert_snapshot!(explain(
        "contains(groups, 'admin') && 'Admin' || 'Member'",
        "-",
        ALICE,
        0
    ));
}

#[test]
fn documented_role_mapping_member() {
    insta::assert_snapshot!(explain(
        "contains(groups, 'admin') && 'Admin' || 'Member'",
        "-",
        BOB,
        0
    ));
}

#[test]
fn builder_expression_with_projection() {
    insta::assert_snapshot!(explain(
        "[contains(groups, 'admin') && ['Admin'] || [], contains(groups, 'media') && ['Member', 'Viewer'] || []][]",
        "-",
        ALICE,
        0
    ));
}

#[test]
fn org_mapping_filter() {
    insta::assert_snapshot!(explain(
        "groups[?starts_with(@, 'org-')] | contains(@, 'org-home-lab')",
        "-",
        r#"{"groups": ["org-home-lab", "staff", "org-media"]}"#,
        0
    ));
}

#[test]
fn missing_claim_type_error() {
    insta::assert_snapshot!(explain(
        "contains(groups, 'admin') && 'Admin' || 'Member'",
        "-",
        r#"{"sub": "1"}"#,
        1
    ));
}

#[test]
fn function_result_is_undefined() {
    insta::assert_snapshot!(explain("constructor && 'Admin'", "-", r#"{}"#, 0));
}
