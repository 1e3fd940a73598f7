//! Parsing only what an expression reads: when an expression looks at the
//! document only through named top-level fields (`groups`, `email`,
//! `realm_access.roles[0]`), every other member of a JSON object is
//! checked by the same parser but not built.
//!
//! What holds: [`parse_object`] accepts exactly the texts
//! `serde_json::from_str::<Value>` accepts, fails with the same error, and
//! gives the same members for the fields kept (the last of duplicate keys,
//! in the position of the first), so the expression's answer is the same.

use std::fmt;

use rolemap_engine::ast::{Node, NodeKind};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

/// The top-level fields an expression reads from the document it is given,
/// or `None` when it may look at the document as a whole (`@`, `*`, `[0]`,
/// `keys(@)`...).
pub fn root_fields(node: &Node) -> Option<Vec<String>> {
    let mut out = Vec::new();
    collect(node, &mut out).then_some(out)
}

/// Adds the fields `node`, evaluated against the document, reads; `false`
/// when it may read the document otherwise.
fn collect(node: &Node, out: &mut Vec<String>) -> bool {
    match &node.kind {
        NodeKind::Field { name, .. } => {
            if !out.iter().any(|f| **f == **name) {
                out.push(name.to_string());
            }
            true
        }
        NodeKind::Literal { .. } | NodeKind::Missing | NodeKind::ExprRef(_) => true,
        NodeKind::Identity | NodeKind::Current => false,
        // The right sides run on what the left side gives, not on the document.
        NodeKind::Subexpr { lhs, .. }
        | NodeKind::Index { lhs, .. }
        | NodeKind::Projection { lhs, .. }
        | NodeKind::Pipe(lhs, _) => collect(lhs, out),
        NodeKind::MultiList(items) | NodeKind::Call { args: items, .. } => {
            items.iter().all(|i| collect(i, out))
        }
        NodeKind::MultiHash(kvs) => kvs.iter().all(|kv| collect(&kv.value, out)),
        NodeKind::Not(e) => collect(e, out),
        NodeKind::And(a, b) | NodeKind::Or(a, b) => collect(a, out) && collect(b, out),
        NodeKind::Compare { lhs, rhs, .. } => collect(lhs, out) && collect(rhs, out),
        // The Go engines' forms, and any the engine adds later: taken as
        // reading the whole document.
        _ => false,
    }
}

/// Parses `text` as serde_json does; when it is an object, only the members
/// named in `fields` are built.
pub fn parse_object(text: &str, fields: &[String]) -> Result<Json, serde_json::Error> {
    if !text.trim_start().starts_with('{') {
        return serde_json::from_str(text);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de.deserialize_any(Members { fields })?;
    de.end()?;
    Ok(value)
}

/// Builds the object, keeping the members named in `fields`.
struct Members<'f> {
    fields: &'f [String],
}

impl<'de> Visitor<'de> for Members<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::with_capacity(self.fields.len());
        while let Some(key) = map.next_key_seed(Key {
            fields: self.fields,
        })? {
            match key {
                Some(name) => {
                    let value: Json = map.next_value()?;
                    out.insert(name, value);
                }
                None => {
                    map.next_value::<Checked>()?;
                }
            }
        }
        Ok(Json::Object(out))
    }
}

/// A member's name: `Some` when it is one of `fields`.
struct Key<'f> {
    fields: &'f [String],
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.fields.iter().any(|f| f == v).then(|| v.to_string()))
    }
}

/// A value parsed (numbers and strings as `Value` parses them, so with the
/// same errors) and dropped without being built.
struct Checked;

impl<'de> de::Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Checked, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_key::<Checked>()?.is_some() {
            map.next_value::<Checked>()?;
        }
        Ok(Checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolemap_engine::{Dialect, Expression};

    fn fields(expr: &str) -> Option<Vec<String>> {
        let e = Expression::compile(expr, Dialect::Pangolin).ok()?;
        root_fields(e.ast())
    }

    #[test]
    fn fields_read_from_the_document() {
        let docs = Some(vec!["groups".to_string()]);
        assert_eq!(
            fields("contains(groups, 'admin') && 'Admin' || 'Member'"),
            docs
        );
        assert_eq!(
            fields("realm_access.roles[?starts_with(@, 'p')] | [0]"),
            Some(vec!["realm_access".to_string()])
        );
        assert_eq!(
            fields("[email, name]"),
            Some(vec!["email".into(), "name".into()])
        );
        assert_eq!(
            fields("sort_by(users, &age)[0]"),
            Some(vec!["users".into()])
        );
        for whole in [
            "@",
            "keys(@)",
            "*.a",
            "[0]",
            "[?a]",
            "length(@) > `1`",
            "a || @",
        ] {
            assert_eq!(fields(whole), None, "{whole}");
        }
    }

    #[test]
    fn same_members_and_errors_as_a_full_parse() {
        let keep = ["b".to_string(), "d".to_string()];
        let ok = r#"{"a": [1, {"x": "\u00e9"}], "b": 2, "c": 1.5e3, "b": {"k": true}, "d": null}"#;
        let full: Json = serde_json::from_str(ok).unwrap_or_default();
        let lazy = parse_object(ok, &keep).unwrap_or_default();
        assert_eq!(lazy["b"], full["b"]);
        assert_eq!(lazy["d"], full["d"]);
        assert!(lazy.get("a").is_none());
        for bad in [
            r#"{"a": 1e400, "b": 1}"#,
            r#"{"a": "\ud800x", "b": 1}"#,
            "{\"a\": \"tab\there\"}",
            r#"{"a": [1,], "b": 1}"#,
            r#"{"a": 1} x"#,
            r#"{"a": tru}"#,
            r#"{"a": "\q"}"#,
            &format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200)),
        ] {
            let full = serde_json::from_str::<Json>(bad)
                .err()
                .map(|e| e.to_string());
            let lazy = parse_object(bad, &keep).err().map(|e| e.to_string());
            assert!(full.is_some(), "{bad}");
            assert_eq!(lazy, full, "{bad}");
        }
    }
}
