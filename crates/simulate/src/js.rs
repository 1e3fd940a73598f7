//! The bits of JavaScript semantics Pangolin's TypeScript applies to search
//! results: truthiness (`if (!x)`), `String(x)`, `String.prototype.trim`
//! and number formatting. They differ from JMESPath's own rules (in
//! JavaScript `0` and `NaN` are falsy, `[]` and `{}` are truthy).

use rolemap_engine::{Value, ValueKind};

/// JavaScript truthiness of a search result.
pub fn truthy(v: &Value<'_>) -> bool {
    v.is_js_truthy()
}

/// The name of a value's type, as the simulator reports it.
pub fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Null => "null",
        ValueKind::Bool => "boolean",
        ValueKind::Number => "number",
        ValueKind::String => "string",
        ValueKind::Array => "array",
        ValueKind::Object => "object",
        ValueKind::Function => "function",
        ValueKind::Undefined => "undefined",
        #[allow(unreachable_patterns)]
        _ => "expression",
    }
}

/// JavaScript's `String(v)` (empty where JavaScript would throw).
pub fn to_js_string(v: &Value<'_>) -> String {
    v.to_js_string().unwrap_or_default()
}

/// `String.prototype.toLowerCase` (see [`rolemap_js::js_lowercase`]).
pub fn to_lower(s: &str) -> String {
    rolemap_js::js_lowercase(s)
}

/// A search result as JSON (a string without the general conversion).
pub fn to_json(v: &Value<'_>) -> serde_json::Value {
    match v.as_str() {
        Some(s) => serde_json::Value::String(s.to_owned()),
        None => v.to_json(),
    }
}

/// JavaScript's `String.prototype.trim`.
pub fn trim(s: &str) -> &str {
    rolemap_js::js_trim(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_like_javascript() {
        let v = serde_json::json!([1.0, null, [2.5e300, "a"], {"k": 1}, 1e21, 0.0000001]);
        let s = to_js_string(&Value::json(&v));
        assert_eq!(s, "1,,2.5e+300,a,[object Object],1e+21,1e-7");
        let zero = serde_json::json!(0);
        assert!(!truthy(&Value::json(&zero)));
        let empty = serde_json::json!([]);
        assert!(truthy(&Value::json(&empty)));
    }

    #[test]
    fn lower_cases_like_before() {
        for s in ["Alice", "ÀLICE", "user1@Example.COM", "", "İ", "ΣΑΣ"] {
            assert_eq!(to_lower(s), s.to_lowercase());
        }
        let v = serde_json::json!(["a", 1, "b", null, {"k": "v"}, 1.5e300]);
        for item in v.as_array().into_iter().flatten() {
            assert_eq!(to_json(&Value::json(item)), Value::json(item).to_json());
        }
    }

    #[test]
    fn trims_like_javascript() {
        assert_eq!(trim("\u{feff} Admin \n"), "Admin");
        assert_eq!(trim("\u{85}Admin"), "\u{85}Admin");
    }
}
