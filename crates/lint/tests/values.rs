//! possible_values on the examples of the design.

use rolemap_engine::Dialect;
use rolemap_lint::possible_values;
use serde_json::json;

fn summary(src: &str, claims: &[serde_json::Value]) -> String {
    possible_values(src, Dialect::Pangolin, claims)
        .map(|o| o.summary)
        .unwrap_or_else(|e| e.to_string())
}

#[test]
fn role_strings() {
    assert_eq!(
        summary("contains(g,'a') && 'Admin' || 'Member'", &[]),
        r#""Admin" | "Member""#
    );
    assert_eq!(
        summary("contains(groups, 'admin') && ['Admin'] || `[]`", &[]),
        r#"array of "Admin""#
    );
    let out = possible_values(
        "contains(groups, 'admin') && ['Admin'] || `[]`",
        Dialect::Pangolin,
        &[],
    )
    .expect("parses");
    let arr = out.value.array.expect("an array");
    assert!(arr.may_be_empty && arr.may_be_nonempty);
    assert!(out.may_raise, "groups may be missing");
}

#[test]
fn from_samples() {
    let c = [json!({"groups": ["admin", "media"]}), json!({"sub": "x"})];
    let out = possible_values("groups[0]", Dialect::Pangolin, &c).expect("parses");
    assert_eq!(out.summary, r#"null | "admin" | "media""#);
    assert_eq!(out.missing, vec!["groups".to_string()]);
    assert_eq!(summary("contains(groups, 'admin')", &c[..1]), "boolean");
    assert_eq!(summary("length(groups)", &c[..1]), "number");
    assert_eq!(summary("keys(@)", &c[..1]), r#"array of "groups""#);
    assert_eq!(
        summary("groups[?@ == 'admin'] | [0]", &c[..1]),
        r#"null | "admin""#
    );
}

#[test]
fn js_quirks() {
    // An Object.prototype member is a function in jmespath.js.
    assert_eq!(summary("constructor", &[json!({"a": 1})]), "function");
    assert_eq!(
        summary("constructor && 'Admin' || 'Member'", &[json!({"a": 1})]),
        r#""Admin""#
    );
    let spec = possible_values("constructor", Dialect::Spec, &[json!({"a": 1})]).expect("parses");
    assert_eq!(spec.summary, "null");
    assert_eq!(summary("'b' > 'a'", &[]), "boolean");
    assert_eq!(
        possible_values("'b' > 'a'", Dialect::Spec, &[])
            .expect("parses")
            .summary,
        "null"
    );
    assert_eq!(summary("`[]` && 'x' || 'y'", &[]), r#""y""#);
    assert_eq!(summary("'a' == 'a' && 'x' || 'y'", &[]), r#""x""#);
}

#[test]
fn syntax_error_is_an_error() {
    assert!(possible_values("a &&", Dialect::Pangolin, &[]).is_err());
}
