//! The bits of JavaScript semantics Pangolin's TypeScript applies to search
//! results: truthiness (`if (!x)`), `String(x)`, `String.prototype.trim`
//! and number formatting. They differ from JMESPath's own rules (in
//! JavaScript `0` and `NaN` are falsy, `[]` and `{}` are truthy).

use rolemap_engine::{Value, ValueKind};

/// JavaScript truthiness of a search result.
pub fn truthy(v: &Value<'_>) -> bool {
    match v.kind() {
        ValueKind::Null | ValueKind::Undefined => false,
        ValueKind::Bool => v.as_bool().unwrap_or(false),
        ValueKind::Number => v.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
        ValueKind::String => v.as_str().is_some_and(|s| !s.is_empty()),
        _ => true,
    }
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

/// JavaScript's `String(v)`.
pub fn to_js_string(v: &Value<'_>) -> String {
    match v.kind() {
        ValueKind::Null => "null".into(),
        ValueKind::Undefined => "undefined".into(),
        ValueKind::Bool => if v.as_bool().unwrap_or(false) {
            "true"
        } else {
            "false"
        }
        .into(),
        ValueKind::Number => number_to_string(v.as_f64().unwrap_or(f64::NAN)),
        ValueKind::String => v.as_str().unwrap_or_default().to_string(),
        ValueKind::Array => {
            // Array.prototype.join(","): null and undefined become "".
            let items = v.array_items().unwrap_or_default();
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i.kind() {
                    ValueKind::Null | ValueKind::Undefined => String::new(),
                    _ => to_js_string(i),
                })
                .collect();
            parts.join(",")
        }
        ValueKind::Object => "[object Object]".into(),
        ValueKind::Function => "function () { [native code] }".into(),
        #[allow(unreachable_patterns)]
        _ => String::new(),
    }
}

/// JavaScript's `Number.prototype.toString()` (ECMAScript Number::toString).
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // Shortest round-trip digits, as `d.ddde±x`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (a, b) = digits.split_at(n as usize);
        format!("{a}.{b}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let esign = if e >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{esign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{esign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// Whether `c` is removed by JavaScript's `String.prototype.trim`
/// (WhiteSpace and LineTerminator; note U+FEFF is, U+0085 is not).
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// JavaScript's `String.prototype.trim`.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_javascript() {
        for (x, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789.0, "123456789"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (2.5e300, "2.5e+300"),
            (f64::NAN, "NaN"),
            (-0.0, "0"),
        ] {
            assert_eq!(number_to_string(x), s, "{x}");
        }
    }

    #[test]
    fn trims_like_javascript() {
        assert_eq!(trim("\u{feff} Admin \n"), "Admin");
        assert_eq!(trim("\u{85}Admin"), "\u{85}Admin");
    }
}
