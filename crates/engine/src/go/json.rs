//! Go's `encoding/json` as the Go engines use it: reading literals and
//! quoted names (`json.Unmarshal` into `interface{}`: every number a
//! `float64`) and writing values (`json.Marshal`: keys sorted, `<`, `>`,
//! `&`, U+2028 and U+2029 escaped, numbers as `strconv` formats a float64).

use serde_json::{Map, Value as Json};

/// A JSON text as `json.Unmarshal` reads it; `Err` is Go's message.
pub(crate) fn parse_value(text: &str) -> Result<Json, String> {
    let v: Json = serde_json::from_str(text).map_err(|e| go_error(text, &e))?;
    let v = to_go(v)?;
    Ok(if has_negative_zero(text) {
        negative_zeros(text, v)
    } else {
        v
    })
}

/// Whether the JSON text writes a `-0` integer (serde_json reads it as 0;
/// Go as the float64 -0).
fn has_negative_zero(text: &str) -> bool {
    text.contains("-0")
}

/// `v` read again with every number of the text as a float64, so that an
/// integer `-0` keeps its sign.
fn negative_zeros(text: &str, v: Json) -> Json {
    let mut floats = String::with_capacity(text.len() + 4);
    let b = text.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if c == b'\\' {
                floats.push_str(&text[i..i + 2.min(b.len() - i)]);
                i += 2;
                continue;
            }
            in_string = c != b'"';
        } else if c == b'"' {
            in_string = true;
        } else if c == b'-'
            && b.get(i + 1) == Some(&b'0')
            && !matches!(b.get(i + 2), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            floats.push_str("-0.0");
            i += 2;
            continue;
        }
        let w = text[i..].chars().next().map_or(1, char::len_utf8);
        floats.push_str(&text[i..i + w]);
        i += w;
    }
    serde_json::from_str(&floats).unwrap_or(v)
}

/// A `"quoted"` JSON string as `json.Unmarshal` reads it.
pub(crate) fn parse_string(text: &str) -> Result<String, String> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::String(s)) => Ok(s),
        Ok(_) => Err("json: cannot unmarshal into Go value of type string".into()),
        Err(e) => Err(go_error(text, &e)),
    }
}

/// `v` with every number a float64 (Go's reading of any JSON document).
pub(crate) fn to_go(v: Json) -> Result<Json, String> {
    Ok(match v {
        Json::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if !f.is_finite() {
                return Err(format!(
                    "json: cannot unmarshal number {n} into Go value of type float64"
                ));
            }
            crate::jsnum::to_json_number(f)
        }
        Json::Array(items) => Json::Array(items.into_iter().map(to_go).collect::<Result<_, _>>()?),
        Json::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, v) in m {
                out.insert(k, to_go(v)?);
            }
            Json::Object(out)
        }
        other => other,
    })
}

/// Go's message for a JSON text it cannot read (its wording; the position
/// of the offending character is serde_json's).
fn go_error(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected end of JSON input".into();
    }
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let at = (line_start + e.column().saturating_sub(1)).min(text.len());
    let c = text
        .get(at..)
        .and_then(|s| s.chars().next())
        .or_else(|| text.chars().last())
        .unwrap_or(' ');
    format!(
        "invalid character {} looking for beginning of value",
        quote_char(c)
    )
}

/// How Go's `encoding/json` quotes a character in its messages.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => {
            format!("'\\x{:02x}'", c as u32)
        }
        c => format!("'{c}'"),
    }
}

/// `json.Marshal`'s text of a Go value (`Err`: Go's message for NaN and
/// infinities, which it cannot write).
pub(crate) fn marshal(v: &Json) -> Result<String, String> {
    let mut out = String::new();
    write(v, &mut out)?;
    Ok(out)
}

fn write(v: &Json, out: &mut String) -> Result<(), String> {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&number_text(n.as_f64().unwrap_or(0.0))?),
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort_by(&mut keys, |a, b| a.cmp(b));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write(&m[k], out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A float64 as `encoding/json` writes it (the shortest digits, in
/// exponent form below 1e-6 and from 1e21: JavaScript's text too).
pub(crate) fn number_text(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", go_float(f)));
    }
    if f == 0.0 && f.is_sign_negative() {
        return Ok("-0".into());
    }
    Ok(crate::jsnum::to_js_string(f))
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits, in
    // exponent form when the exponent is below -4 or from 6 on.
    let (digits, point) = crate::jsnum::shortest_digits(f);
    let e = point - 1;
    if (-4..6).contains(&e) {
        return crate::jsnum::to_js_string(f);
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let dot = if rest.is_empty() { "" } else { "." };
    let esign = if e < 0 { '-' } else { '+' };
    format!("{sign}{first}{dot}{rest}e{esign}{:02}", e.abs())
}

pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
