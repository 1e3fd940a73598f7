//! What a user of the crate gets from a [`Value`]: its JSON text
//! (`Display`), JMESPath's equality (`PartialEq`), serde's serialization,
//! and its JSON as each dialect's engine gives it (`to_json_as`).

use rolemap_engine::{Dialect, Expression, Value};
use serde_json::{json, Value as Json};

/// Searches `data` with `source` in `dialect` and hands the value to `check`.
fn with_value(source: &str, dialect: Dialect, data: &Json, check: impl FnOnce(Value<'_>)) {
    let expr = Expression::compile(source, dialect).expect("compiles");
    check(expr.search(data).expect("evaluates"));
}

#[test]
fn display_and_serialize_write_the_json_of_to_json() {
    let data = json!({"a": [1, 2.5, "x", null, true, {"k": "v"}]});
    for dialect in [Dialect::Pangolin, Dialect::Spec] {
        with_value("a", dialect, &data, |v| {
            assert_eq!(v.to_string(), r#"[1,2.5,"x",null,true,{"k":"v"}]"#);
            assert_eq!(serde_json::to_value(&v).ok(), Some(v.to_json()));
            assert_eq!(serde_json::to_string(&v).ok(), Some(v.to_string()));
        });
    }
    // A value jmespath.js has and JSON does not (a function): `null`.
    with_value("o.constructor", Dialect::Pangolin, &json!({"o": {}}), |v| {
        assert!(v.is_json_undefined());
        assert_eq!(v.to_string(), "null");
    });
}

#[test]
fn equality_is_jmespaths() {
    let data = json!({"int": 1, "float": 1.0, "o1": {"a": 1, "b": 2}, "o2": {"b": 2, "a": 1.0},
                      "l1": [1, 2], "l2": [2, 1], "s": "1"});
    let expr = |s: &str| Expression::compile(s, Dialect::Spec).expect("compiles");
    let (int, float, o1, o2, l1, l2, s) = (
        expr("int"),
        expr("float"),
        expr("o1"),
        expr("o2"),
        expr("l1"),
        expr("l2"),
        expr("s"),
    );
    fn get<'a>(e: &'a Expression, data: &'a Json) -> Value<'a> {
        e.search(data).expect("evaluates")
    }
    assert_eq!(get(&int, &data), get(&float, &data), "numbers by value");
    assert_eq!(get(&o1, &data), get(&o2, &data), "objects as maps");
    assert_ne!(get(&l1, &data), get(&l2, &data), "arrays in order");
    assert_ne!(get(&int, &data), get(&s, &data), "a number is not a string");
    // A value built by evaluation equals the same JSON read from the input.
    let built = expr("[int, `2`]");
    assert_eq!(get(&built, &data), get(&l1, &data));
    assert_eq!(get(&built, &data), Value::json(&json!([1, 2])));
}

#[test]
fn to_json_as_gives_each_dialects_numbers_and_key_order() {
    let data = json!({"n": 1.0, "o": {"b": 1, "10": 2, "a": 3, "2": 4}});
    // jmespath.js: doubles (1.0 is 1) and integer-like keys first, ascending.
    with_value("n", Dialect::Pangolin, &data, |v| {
        assert_eq!(v.to_json_as(Dialect::Pangolin).to_string(), "1");
        assert_eq!(v.to_json_as(Dialect::Spec).to_string(), "1.0");
    });
    with_value("o", Dialect::Pangolin, &data, |v| {
        assert_eq!(
            v.to_json_as(Dialect::Pangolin).to_string(),
            r#"{"2":4,"10":2,"b":1,"a":3}"#
        );
        assert_eq!(
            v.to_json_as(Dialect::Spec).to_string(),
            r#"{"b":1,"10":2,"a":3,"2":4}"#
        );
    });
}
