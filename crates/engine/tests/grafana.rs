//! The differences between Grafana's engines and the others that change a
//! login (docs/reference/grafana-semantics.md, each checked there by
//! running the engines).

use rolemap_engine::{search, Dialect, ErrorKind, Expression};
use serde_json::{json, Value};

fn grafana(expr: &str, data: Value) -> Result<Value, ErrorKind> {
    search(expr, Dialect::Grafana, &data).map_err(|e| e.kind)
}

fn legacy(expr: &str, data: Value) -> Result<Value, ErrorKind> {
    search(expr, Dialect::GrafanaLegacy, &data).map_err(|e| e.kind)
}

#[test]
fn a_hyphen_subtracts() {
    assert_eq!(
        grafana("foo-bar", json!({"foo": 5, "bar": 2})),
        Ok(json!(3))
    );
    assert_eq!(
        grafana(
            "resource_access.my-client.roles",
            json!({"resource_access": {"my-client": {"roles": ["a"]}}})
        ),
        Ok(json!(null))
    );
    assert_eq!(legacy("foo-bar", json!({})), Err(ErrorKind::Syntax));
    assert_eq!(grafana("foo-1", json!({})), Err(ErrorKind::Syntax));
}

#[test]
fn strings_do_not_add() {
    assert_eq!(grafana("'a' + 'b'", json!({})), Ok(json!(null)));
    assert_eq!(grafana("n + 'a'", json!({"n": 1})), Ok(json!(null)));
}

#[test]
fn quoteless_backticks_are_errors() {
    assert_eq!(grafana("`admin`", json!({})), Err(ErrorKind::Syntax));
    assert_eq!(legacy("`admin`", json!({})), Err(ErrorKind::Syntax));
    assert_eq!(grafana("`\"admin\"`", json!({})), Ok(json!("admin")));
}

#[test]
fn ordering_of_non_numbers_is_null() {
    assert_eq!(grafana("`[]` < `5`", json!({})), Ok(json!(null)));
    assert_eq!(legacy("`null` < `5`", json!({})), Ok(json!(null)));
}

#[test]
fn raw_strings_and_string_slices() {
    assert_eq!(grafana(r"'\\'", json!({})), Ok(json!("\\")));
    // v0.4.0 reads `\'` as an escaped quote: the string never closes
    // (Debian's `jp` says so too).
    assert_eq!(legacy(r"'\\'", json!({})), Err(ErrorKind::Syntax));
    assert_eq!(legacy(r"'a\\b'", json!({})), Ok(json!("a\\\\b")));
    assert_eq!(grafana("'foo'[:]", json!({})), Ok(json!("foo")));
    assert_eq!(grafana("'foo'[::-1]", json!({})), Ok(json!("oof")));
    assert_eq!(legacy("'foo'[:]", json!({})), Ok(json!(null)));
}

#[test]
fn let_root_and_functions() {
    assert_eq!(
        grafana("lower(x)", json!({"x": "ADMIN"})),
        Ok(json!("admin"))
    );
    assert_eq!(
        grafana("a[?@ == $.b]", json!({"a": [1, 2], "b": 2})),
        Ok(json!([2]))
    );
    assert_eq!(
        grafana("let $x = `1` in a[?@ == $x]", json!({"a": [1, 2]})),
        Ok(json!([1]))
    );
    assert_eq!(
        legacy("lower(x)", json!({"x": "A"})),
        Err(ErrorKind::UnknownFunction)
    );
}

#[test]
fn the_type_error_of_contains_on_a_missing_claim() {
    let e = search(
        "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
        Dialect::Grafana,
        &json!({}),
    )
    .expect_err("contains() of null fails");
    assert_eq!(e.kind, ErrorKind::InvalidType);
    assert_eq!(
        e.js_message.as_deref(),
        Some(r#"invalid type for: <nil>, expected: []functions.JpType{"array", "string"}"#)
    );
    assert_eq!(
        grafana(
            "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
            json!({"groups": []})
        ),
        Ok(json!("Viewer"))
    );
}

#[test]
fn numbers_are_float64() {
    // `*` binds as tightly as a projection (20), `×` as `/` (7).
    assert_eq!(grafana("`1` / `4` * `2`", json!({})), Ok(json!(0.125)));
    assert_eq!(grafana("`1` / `4` \u{d7} `2`", json!({})), Ok(json!(0.5)));
    assert_eq!(grafana("`7` // `2`", json!({})), Ok(json!(3)));
    assert_eq!(grafana("to_string(`1e21`)", json!({})), Ok(json!("1e+21")));
    assert_eq!(
        grafana("`1` / `0`", json!({})).expect_err("+Inf has no JSON"),
        ErrorKind::Runtime
    );
}

#[test]
fn repeated_values_end_with_a_budget_error() {
    let mut e = "@".to_string();
    for _ in 0..40 {
        e.push_str(" | [@, @]");
    }
    for d in [Dialect::Grafana, Dialect::GrafanaLegacy] {
        for text in [
            e.clone(),
            format!("({e}) == ({e})"),
            format!("to_string({e})"),
        ] {
            let r = search(&text, d, &json!({})).map_err(|e| e.kind);
            assert_eq!(r, Err(ErrorKind::BudgetExceeded), "{d}: {text}");
        }
    }
    let mut flat = "@".to_string();
    for _ in 0..40 {
        flat.push_str(" | [@, @][]");
    }
    assert_eq!(grafana(&flat, json!(1)), Err(ErrorKind::BudgetExceeded));
}

/// A `let` after a `.` is the whole right side (go-jmespath reads `let` there
/// as a name): its canonical form writes it bare, since `.(` does not parse,
/// and that form reads back to the same tree. Found by the fuzz target `parse`.
#[test]
fn a_let_after_a_dot_prints_as_it_parses() {
    for (text, canonical) in [
        ("$a. let $a = 'x' in $a", "$a.let $a = 'x' in $a"),
        (
            "let $a = a in b[*].[a, $a. let $a = 'sha\\\\ow' in $a]",
            "let $a = a in b[*].[a, $a.let $a = 'sha\\\\ow' in $a]",
        ),
        ("(a.let $x = b in $x).c", "(a.let $x = b in $x).c"),
    ] {
        let expr = Expression::compile(text, Dialect::Grafana).expect(text);
        assert_eq!(expr.canonical(), canonical, "{text}");
        let again = Expression::compile(&expr.canonical(), Dialect::Grafana).expect(canonical);
        assert_eq!(again.canonical(), canonical, "{text}");
    }
}

/// go-jmespath v0.4.0 calls any node, a string by its text: a call whose
/// name is not an identifier is written as a quoted name in parentheses,
/// which reads back as the same call (`th(` written bare would not parse).
/// Found by the fuzz target `parse`.
#[test]
fn a_call_on_a_string_prints_as_it_parses() {
    for (dialect, text, canonical) in [
        (
            Dialect::GrafanaLegacy,
            "lgth('th('('')')('')')",
            "lgth((\"th(\")(''), ')(', ')')",
        ),
        (Dialect::GrafanaLegacy, "'g'(a)", "g(a)"),
        // A node that holds no name: written as one that holds a value of
        // the same Go type (see the next test).
        (Dialect::GrafanaLegacy, "@(foo)", "[0](foo)"),
        (Dialect::Pangolin, "(\"a b\")(x)", "(\"a b\")(x)"),
    ] {
        let expr = Expression::compile(text, dialect).expect(text);
        assert_eq!(expr.canonical(), canonical, "{dialect}: {text}");
        let again = Expression::compile(&expr.canonical(), dialect).expect(canonical);
        assert_eq!(again.canonical(), canonical, "{dialect}: {text}");
        assert_eq!(again.ast().kind, expr.ast().kind, "{dialect}: {text}");
    }
}

/// go-jmespath v0.4.0 calls a node that holds no name by the value it
/// holds, and panics on it when it evaluates the call: the message names
/// the value's Go type (as `jp`, built on v0.4.0, prints it). The canonical
/// form calls a node that holds the same type, also right after a
/// projection, where `.(` would not parse; and a name that only looks like
/// such a type is a name (an unknown function). Found by the fuzz target
/// `parse` (`lenfo[][1]('é')`).
#[test]
fn a_call_on_a_node_that_holds_no_name() {
    let data = json!({"a": [{"b": [1]}], "lenfo": [[1]]});
    for (text, canonical, message) in [
        ("lenfo[][1]('é')", "lenfo[][0]('é')", "is nil,"),
        ("a[1]('x')", "[0]('x')", "is nil,"),
        ("a[].b[0]('x').c", "a[][0]('x').c", "is nil,"),
        ("a[?b][0](x)", "a[?b][0](x)", "is nil,"),
        ("(`null`)(x)", "[0](x)", "is nil,"),
        ("(`1`)('x')", "(`0`)('x')", "is float64,"),
        ("(`true`)(x)", "(`true`)(x)", "is bool,"),
        ("(`[1]`)(x)", "(`[]`)(x)", "is []interface {},"),
        ("(`{}`)(x)", "(`{}`)(x)", "is map[string]interface {},"),
        ("(a == b)('x')", "(@ == @)('x')", "is jmespath.tokType,"),
        (
            "(\"\\u0000nil\")(x)",
            "(\"\\u0000nil\")(x)",
            "unknown function: \u{0}nil",
        ),
    ] {
        let expr = Expression::compile(text, Dialect::GrafanaLegacy).expect(text);
        assert_eq!(expr.canonical(), canonical, "{text}");
        let again = Expression::compile(canonical, Dialect::GrafanaLegacy).expect(canonical);
        assert_eq!(again.ast().kind, expr.ast().kind, "{text}");
        for e in [&expr, &again] {
            let err = e.search(&data).expect_err(text);
            assert!(err.message.contains(message), "{text}: {}", err.message);
        }
    }
}

/// Go's `encoding/json` decodes at most 10,000 levels of nesting, so
/// Grafana never evaluates a deeper document: deeper is a budget error.
/// (The values are forgotten: serde_json drops them by recursion.)
#[test]
fn a_document_nested_deeper_than_encoding_json_decodes_is_an_error() {
    fn nested(depth: usize) -> Value {
        let mut v = json!(1);
        for _ in 0..depth {
            v = Value::Array(vec![v]);
        }
        v
    }
    for d in [Dialect::Grafana, Dialect::GrafanaLegacy] {
        let e = Expression::compile("length(@)", d).expect("compiles");
        let within = nested(10_000);
        assert_eq!(e.search_json(&within).expect("within"), json!(1), "{d}");
        std::mem::forget(within);
        let deeper = nested(10_001);
        let err = e.search_json(&deeper).expect_err("deeper");
        std::mem::forget(deeper);
        assert_eq!(err.kind, ErrorKind::BudgetExceeded, "{d}");
        assert!(
            err.message.contains("10001 levels deep") && err.message.contains("at most 10000"),
            "{d}: {}",
            err.message
        );
    }
}

/// Go iterates maps in an order it leaves to chance: for a map of at most
/// 8 members, a rotation of the order they were inserted in (a document's
/// own), that order most often. Where an expression takes an object's
/// members (`*`, `keys`, `values`, `items`, `merge`), rolemap answers in
/// insertion order, and in any rotation asked for; one that picks by
/// position gives another answer in another rotation.
#[test]
fn the_members_of_an_object_come_in_an_order_go_leaves_to_chance() {
    use rolemap_engine::MapOrder::{Inserted, Rotated};
    let data = json!({"b": {"role": "Viewer"}, "a": {"role": "Admin"}, "c": {"role": "Editor"}});
    let cases = [
        (
            Dialect::Grafana,
            "keys(@)",
            json!(["b", "a", "c"]),
            json!(["a", "c", "b"]),
        ),
        (
            Dialect::Grafana,
            "values(@)[0].role",
            json!("Viewer"),
            json!("Admin"),
        ),
        (Dialect::Grafana, "items(@)[-1][0]", json!("c"), json!("b")),
        (
            Dialect::Grafana,
            "*.role | [0]",
            json!("Viewer"),
            json!("Admin"),
        ),
        // merge takes @'s members from the second (a, c, b, then z), keys its
        // result's from the second too.
        (
            Dialect::Grafana,
            "keys(merge(@, {z: `1`}))",
            json!(["b", "a", "c", "z"]),
            json!(["c", "b", "z", "a"]),
        ),
        (Dialect::GrafanaLegacy, "keys(@)[0]", json!("b"), json!("a")),
        (
            Dialect::GrafanaLegacy,
            "@.*.role | join(',', @)",
            json!("Viewer,Admin,Editor"),
            json!("Admin,Editor,Viewer"),
        ),
    ];
    for (dialect, text, inserted, rotated) in cases {
        let e = Expression::compile(text, dialect).expect("compiles");
        assert!(e.map_iteration().is_some(), "{text}");
        assert_eq!(e.search_json(&data).expect("an answer"), inserted, "{text}");
        assert_eq!(
            e.search_json_in(&data, Inserted).expect("an answer"),
            inserted,
            "{text}"
        );
        // Every map here has 3 or 4 members: 12 members in is where each starts.
        assert_eq!(
            e.search_json_in(&data, Rotated(12)).expect("an answer"),
            inserted,
            "{text}"
        );
        assert_eq!(
            e.search_json_in(&data, Rotated(1)).expect("an answer"),
            rotated,
            "{text}"
        );
    }
    // Where the first member-taking node is.
    let e = Expression::compile("a || keys(@)[0]", Dialect::Grafana).expect("compiles");
    let at = e.map_iteration().expect("keys(@)");
    assert_eq!((at.start, at.end), (5, 12));
    // Objects are written with their keys sorted, as encoding/json does,
    // whatever the order they were built in.
    let e = Expression::compile("{z: a, y: b}", Dialect::Grafana).expect("compiles");
    let written =
        serde_json::to_string(&e.search_json(&data).expect("an answer")).expect("an answer");
    assert_eq!(written, r#"{"y":{"role":"Viewer"},"z":{"role":"Admin"}}"#);
    // Order that does not show: the same answer in every rotation.
    let e = Expression::compile("contains(keys(@), 'b') && 'Admin'", Dialect::Grafana)
        .expect("compiles");
    assert!(e.map_iteration().is_some());
    for n in 0..3 {
        assert_eq!(
            e.search_json_in(&data, Rotated(n)).expect("an answer"),
            json!("Admin")
        );
    }
    // No map iterated, or an engine whose order is fixed.
    for (dialect, text) in [
        (Dialect::Grafana, "a.role"),
        (Dialect::Grafana, "[*].role"),
        (Dialect::Pangolin, "keys(@)[0]"),
        (Dialect::Spec, "*.role | [0]"),
    ] {
        let e = Expression::compile(text, dialect).expect("compiles");
        assert_eq!(e.map_iteration(), None, "{text} in {dialect:?}");
        let answer = e.search_json(&data).expect("an answer");
        assert_eq!(
            e.search_json_in(&data, Rotated(1)).expect("an answer"),
            answer
        );
    }
}

/// A large decoded object keeps its document's order and finds each of
/// its members (its index is built by one sort).
#[test]
fn a_large_object_keeps_its_order_and_finds_its_members() {
    let names: Vec<String> = (0..20_000u32)
        .map(|i| format!("k{}_{i}", i.wrapping_mul(2_654_435_761) % 1_000_003))
        .collect();
    let mut object = serde_json::Map::new();
    for (i, name) in names.iter().enumerate() {
        object.insert(name.clone(), json!(i));
    }
    let data = Value::Object(object);
    let keys = Expression::compile("keys(@)", Dialect::Grafana)
        .expect("compiles")
        .search_json(&data)
        .expect("an answer");
    let expected: Vec<Value> = data
        .as_object()
        .expect("an object")
        .keys()
        .map(|k| json!(k))
        .collect();
    assert_eq!(keys, Value::Array(expected));
    for (i, name) in names.iter().enumerate().step_by(997) {
        let e = Expression::compile(&format!("\"{name}\""), Dialect::Grafana).expect("compiles");
        let i = u32::try_from(i).expect("fits");
        assert_eq!(e.search_json(&data).expect("an answer"), json!(i), "{name}");
    }
}
