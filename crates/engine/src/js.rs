//! JavaScript semantics that jmespath.js inherits: relational operators on
//! any types, `String(x)`, `JSON.stringify`, `Object.prototype` lookups,
//! UTF-16 string order and an approximation of `localeCompare`.

use std::cmp::Ordering as Ord;
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use crate::ast::{Comparator, Node, NodeKind, ProjectionKind};
use crate::jsnum;
use crate::value::{Value, View};

pub(crate) use rolemap_js::OBJECT_PROTOTYPE_NAMES;

/// The methods among [`OBJECT_PROTOTYPE_NAMES`].
const PROTOTYPE_METHODS: &[&str] = OBJECT_PROTOTYPE_NAMES.split_last().expect("non-empty").1;

/// jmespath.js's test for whether a literal's text is JSON or a bare string.
pub(crate) fn looks_like_json(s: &str) -> bool {
    match s.as_bytes().first() {
        None => false,
        Some(b'[' | b'{' | b'"') => true,
        _ if matches!(s, "true" | "false" | "null") => true,
        Some(b'-' | b'0'..=b'9') => {
            serde_json::from_slice::<serde::de::IgnoredAny>(s.as_bytes()).is_ok()
        }
        _ => false,
    }
}

/// What `obj[name]` gives on a plain object that has no own `name`.
pub(crate) fn prototype_field<'a>(name: &str) -> Value<'a> {
    if let Some(m) = PROTOTYPE_METHODS.iter().find(|m| **m == name) {
        return Value::func(m);
    }
    if name == "__proto__" {
        return Value::object_prototype();
    }
    Value::null()
}

/// What `obj[name]` gives when `obj` has no own `name`: the prototype
/// chain, which a `__proto__` key may have replaced.
pub(crate) fn inherited<'a>(obj: &Value<'a>, name: &str) -> Value<'a> {
    if obj.is_object_prototype() {
        // The end of every chain: its own methods, and no prototype.
        return if name == "__proto__" {
            Value::null()
        } else {
            prototype_field(name)
        };
    }
    match obj.custom_proto() {
        None => prototype_field(name),
        Some(None) => Value::null(),
        Some(Some(proto)) if name == "__proto__" => proto.clone(),
        Some(Some(proto)) => match proto.view() {
            View::Obj(o) => o.get(name).unwrap_or_else(|| inherited(proto, name)),
            View::Arr(items) if name == "length" => Value::num(items.len() as f64),
            View::Arr(items) => match jsnum::array_index(name) {
                Some(i) => items.get(i as usize).unwrap_or_else(Value::null),
                None => prototype_field(name),
            },
            // A function's own `name` and `length` (its arity).
            View::Func(f) if name == "name" => {
                Value::string(if f == "constructor" { "Object" } else { f })
            }
            View::Func(f) if name == "length" => Value::num(match f {
                "toLocaleString" | "toString" | "valueOf" => 0.0,
                "__defineGetter__" | "__defineSetter__" => 2.0,
                _ => 1.0,
            }),
            _ => prototype_field(name),
        },
    }
}

/// `String(f)` for one of the prototype methods.
fn function_source(name: &str) -> String {
    let shown = if name == "constructor" {
        "Object"
    } else {
        name
    };
    format!("function {shown}() {{ [native code] }}")
}

/// A primitive, as JavaScript's ToPrimitive leaves a value.
enum Prim {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

/// Why a value has no string (or primitive) form.
#[derive(Debug)]
pub(crate) enum NoPrimitive {
    /// JavaScript's `TypeError: Cannot convert object to primitive value`:
    /// an object whose own `toString` key hides the method (JSON values are
    /// never functions, so its `toString` cannot be called and `valueOf`
    /// gives the object itself).
    Hidden,
    /// JavaScript's `TypeError: Function.prototype.toString requires that
    /// 'this' be a Function`: an object whose prototype chain (set by a
    /// `__proto__` key) reaches a function before any `toString` key.
    FunctionPrototype,
    /// The value is over [`crate::MAX_OUTPUT`] written out (rolemap's
    /// bound), so neither its string form nor a deep comparison is made.
    TooLong,
}

impl NoPrimitive {
    /// As an evaluation error at `span`.
    pub(crate) fn error(self, what: &str, span: crate::Span) -> crate::Error {
        match self {
            NoPrimitive::Hidden => crate::Error::new(
                crate::ErrorKind::InvalidType,
                format!(
                    "jmespath.js cannot {what}: an object in it has a `toString` key, so JavaScript cannot turn it into a string or number"
                ),
                span,
            )
            .with_js("Cannot convert object to primitive value"),
            NoPrimitive::FunctionPrototype => crate::Error::new(
                crate::ErrorKind::InvalidType,
                format!(
                    "jmespath.js cannot {what}: an object in it has a function as its `__proto__`, and JavaScript cannot turn it into a string or number"
                ),
                span,
            )
            .with_js("Function.prototype.toString requires that 'this' be a Function"),
            NoPrimitive::TooLong => *crate::limits::too_large("the value", span),
        }
    }
}

fn to_primitive(v: &Value<'_>) -> Result<Prim, NoPrimitive> {
    Ok(match v.view() {
        View::Null => Prim::Null,
        View::Undef => Prim::Undefined,
        View::Bool(b) => Prim::Bool(b),
        View::Num(n) => Prim::Num(n),
        View::Str(s) => Prim::Str(s.to_owned()),
        _ => Prim::Str(to_js_string(v)?),
    })
}

fn prim_to_number(p: &Prim) -> f64 {
    match p {
        Prim::Undefined => f64::NAN,
        Prim::Null => 0.0,
        Prim::Bool(b) => f64::from(u8::from(*b)),
        Prim::Num(n) => *n,
        Prim::Str(s) => jsnum::string_to_number(s),
    }
}

/// `String(v)`: what JavaScript makes of a value where it wants a string
/// (an error past [`crate::MAX_OUTPUT`]).
pub(crate) fn to_js_string(v: &Value<'_>) -> Result<String, NoPrimitive> {
    if !v.fits_output(crate::MAX_OUTPUT) {
        return Err(NoPrimitive::TooLong);
    }
    string_of(v)
}

/// [`to_js_string`] of a value known to fit.
fn string_of(v: &Value<'_>) -> Result<String, NoPrimitive> {
    crate::with_stack(&mut || to_js_string_step(v))
}

fn to_js_string_step(v: &Value<'_>) -> Result<String, NoPrimitive> {
    Ok(match v.view() {
        View::Null => "null".into(),
        View::Undef => "undefined".into(),
        View::Bool(b) => b.to_string(),
        View::Num(n) => jsnum::to_js_string(n),
        View::Str(s) => s.to_owned(),
        View::Arr(items) => {
            let mut out = String::new();
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !matches!(e.view(), View::Null | View::Undef) {
                    out.push_str(&string_of(&e)?);
                }
            }
            out
        }
        View::Obj(o) if o.get("toString").is_some() => return Err(NoPrimitive::Hidden),
        View::Obj(_) => match v.custom_proto() {
            // Array.prototype.toString joins what `length` and the indices
            // reach: here the array it inherits from.
            Some(Some(p)) if matches!(p.view(), View::Arr(_)) => return to_js_string(p),
            _ => {
                inherited_to_string(v)?;
                "[object Object]".into()
            }
        },
        View::Ref(_) => "[object Object]".into(),
        View::Func(name) => function_source(name),
    })
}

/// `Ok` where an object without an own `toString` finds
/// `Object.prototype.toString` on its prototype chain; else why not.
fn inherited_to_string(v: &Value<'_>) -> Result<(), NoPrimitive> {
    match v.custom_proto() {
        None => Ok(()),
        Some(None) => Err(NoPrimitive::Hidden),
        Some(Some(p)) => match p.view() {
            View::Obj(o) if o.get("toString").is_some() => Err(NoPrimitive::Hidden),
            View::Obj(_) => inherited_to_string(p),
            // A function inherits `Function.prototype.toString`, which
            // refuses an object that is not a function.
            View::Func(_) => Err(NoPrimitive::FunctionPrototype),
            _ => Ok(()),
        },
    }
}

/// JavaScript's `<`, `<=`, `>`, `>=` on any two values.
pub(crate) fn relational(
    op: Comparator,
    l: &Value<'_>,
    r: &Value<'_>,
) -> Result<bool, NoPrimitive> {
    // Two numbers or two strings: no conversion (the general path below
    // gives the same answers: NaN compares false, strings by UTF-16 units).
    match (l.view(), r.view()) {
        (View::Num(a), View::Num(b)) => {
            return Ok(match op {
                Comparator::Lt => a < b,
                Comparator::Le => a <= b,
                Comparator::Gt => a > b,
                Comparator::Ge => a >= b,
                Comparator::Eq | Comparator::Ne => false,
            })
        }
        (View::Str(a), View::Str(b)) => {
            let ord = utf16_cmp(a, b);
            return Ok(match op {
                Comparator::Lt => ord == Ord::Less,
                Comparator::Le => ord != Ord::Greater,
                Comparator::Gt => ord == Ord::Greater,
                Comparator::Ge => ord != Ord::Less,
                Comparator::Eq | Comparator::Ne => false,
            });
        }
        _ => {}
    }
    relational_general(op, l, r)
}

/// [`relational`] without its shortcuts: ToPrimitive, then IsLessThan.
fn relational_general(op: Comparator, l: &Value<'_>, r: &Value<'_>) -> Result<bool, NoPrimitive> {
    let (a, b) = (to_primitive(l)?, to_primitive(r)?);
    // IsLessThan(x, y): Some(true/false), or None when NaN is involved.
    let less = |x: &Prim, y: &Prim| -> Option<bool> {
        if let (Prim::Str(x), Prim::Str(y)) = (x, y) {
            return Some(utf16_cmp(x, y) == Ord::Less);
        }
        let (x, y) = (prim_to_number(x), prim_to_number(y));
        if x.is_nan() || y.is_nan() {
            None
        } else {
            Some(x < y)
        }
    };
    Ok(match op {
        Comparator::Lt => less(&a, &b) == Some(true),
        Comparator::Gt => less(&b, &a) == Some(true),
        Comparator::Le => less(&b, &a) == Some(false),
        Comparator::Ge => less(&a, &b) == Some(false),
        Comparator::Eq | Comparator::Ne => false,
    })
}

/// Orders strings by UTF-16 code units, as JavaScript compares strings.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> Ord {
    // Code point order and UTF-16 order agree except between supplementary
    // characters and U+E000..U+FFFF: compare code units only when needed.
    if a.is_ascii() || b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `s.lastIndexOf(p) === 0` (jmespath.js's `starts_with`): `p` is at the
/// start of `s` and nowhere after it.
pub(crate) fn last_index_is_zero(s: &str, p: &str) -> bool {
    if p.is_empty() {
        // `lastIndexOf("")` is the length.
        return s.is_empty();
    }
    if !s.starts_with(p) {
        return false;
    }
    // Any later occurrence starts on a character boundary after the first character.
    let first = s.chars().next().map_or(0, char::len_utf8);
    let rest = &s[first..];
    if rest.len() < p.len() {
        return true;
    }
    if rest.len() <= 64 {
        let p = p.as_bytes();
        !rest.as_bytes().windows(p.len()).any(|w| w == p)
    } else {
        !rest.contains(p)
    }
}

/// Length of a string in UTF-16 code units.
pub(crate) fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// `JSON.stringify(v)`; `None` where it gives `undefined`.
pub(crate) fn stringify(v: &Value<'_>) -> Option<String> {
    let mut out = String::new();
    write_json(v, true, &mut out).then_some(out)
}

/// Compact JSON as the spec's engines write it (numbers as they came).
pub(crate) fn compact_json(v: &Value<'_>) -> String {
    let mut out = String::new();
    write_json(v, false, &mut out);
    out
}

/// Writes `v` as compact JSON; `false` where JavaScript has no JSON for it.
/// With `js`, numbers and key order are JavaScript's.
fn write_json(v: &Value<'_>, js: bool, out: &mut String) -> bool {
    crate::with_stack(&mut || write_json_step(v, js, out))
}

fn write_json_step(v: &Value<'_>, js: bool, out: &mut String) -> bool {
    if let (false, Some(serde_json::Value::Number(n))) = (js, v.as_json_ref()) {
        // A number of the input keeps its own text (`1.0`, big integers).
        let _ = write!(out, "{n}");
        return true;
    }
    match v.view() {
        View::Null => out.push_str("null"),
        View::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        View::Num(n) if js => {
            if n.is_finite() {
                out.push_str(&jsnum::to_js_string(n))
            } else {
                out.push_str("null")
            }
        }
        View::Num(n) => {
            let _ = write!(out, "{}", jsnum::to_json_number(n));
        }
        View::Str(s) => write_json_string(s, out),
        View::Arr(items) => {
            out.push('[');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(&e, js, out) {
                    out.push_str("null");
                }
            }
            out.push(']');
        }
        View::Obj(entries) => {
            out.push('{');
            let mut first = true;
            for (k, e) in entries.ordered(js) {
                if e.is_json_undefined() {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_json_string(k, out);
                out.push(':');
                write_json(&e, js, out);
            }
            out.push('}');
        }
        View::Ref(node) if js => {
            let tree = expref_json(node);
            return write_json(&Value::json(&tree), js, out);
        }
        View::Ref(_) => out.push_str("null"),
        View::Func(_) | View::Undef => return false,
    }
    true
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An approximation of `a.localeCompare(b)` under ICU's root collation, as
/// Node uses it: case- and accent-insensitive first (white space, then
/// punctuation, then other symbols such as emoji, then digits, then Latin
/// letters, then other scripts by code point; combining marks ignored; `ß`
/// and ligatures expanded), then accents, then lower case before upper case.
/// Exact for ASCII; an approximation elsewhere (no full Unicode collation
/// tables are shipped).
pub(crate) fn locale_cmp(a: &str, b: &str) -> Ord {
    let (pa, pb) = (collation_keys(a), collation_keys(b));
    let primary = |k: &[(u32, u32, u32, bool)]| {
        k.iter()
            .filter(|x| x.0 != IGNORABLE)
            .map(|x| (x.0, x.1))
            .collect::<Vec<_>>()
    };
    match primary(&pa).cmp(&primary(&pb)) {
        Ord::Equal => {}
        other => return other,
    }
    // Accents (secondary: each element's accent, marks in their place),
    // then case: lower before upper (tertiary).
    let secondary = |k: &[(u32, u32, u32, bool)]| k.iter().map(|x| x.2).collect::<Vec<_>>();
    match secondary(&pa).cmp(&secondary(&pb)) {
        Ord::Equal => {}
        other => return other,
    }
    let tertiary = |k: &[(u32, u32, u32, bool)]| k.iter().map(|x| x.3).collect::<Vec<_>>();
    tertiary(&pa).cmp(&tertiary(&pb))
}

/// The class of a combining mark: no primary weight, only an accent.
const IGNORABLE: u32 = u32::MAX;

/// (class, primary weight, accent, upper case) for each collation element.
fn collation_keys(s: &str) -> Vec<(u32, u32, u32, bool)> {
    const PUNCT: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~";
    let mut out: Vec<(u32, u32, u32, bool)> = Vec::with_capacity(s.len());
    for c in s.chars() {
        let upper = crate::char_properties(c).0;
        let lower = crate::lowercase_char(c);
        if ('\u{300}'..='\u{36f}').contains(&c) {
            // A combining mark: ignorable at the primary level, an accent of
            // the previous letter at the secondary level (`e\u{301}` is `é`).
            match out.last_mut() {
                Some(last) if last.0 != IGNORABLE && last.2 == 0 => last.2 = c as u32,
                _ => out.push((IGNORABLE, 0, c as u32, false)),
            }
            continue;
        }
        let expanded: &str = match lower {
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            'ﬀ' => "ff",
            'ﬁ' => "fi",
            'ﬂ' => "fl",
            'ﬃ' => "ffi",
            'ﬄ' => "ffl",
            'ﬆ' | 'ﬅ' => "st",
            'ǅ' | 'ǆ' | 'Ǆ' => "dž",
            'ⅰ' => "i",
            'ⅱ' => "ii",
            'ⅲ' => "iii",
            'ⅳ' => "iv",
            'ⅴ' => "v",
            'ⅵ' => "vi",
            'ⅶ' => "vii",
            'ⅷ' => "viii",
            'ⅸ' => "ix",
            'ⅹ' => "x",
            _ => "",
        };
        if !expanded.is_empty() {
            for e in expanded.chars() {
                let (base, accent) = if e == 'ž' { ('z', 1) } else { (e, 1) };
                out.push((5, base as u32, accent, upper));
            }
            continue;
        }
        // Precomposed Latin letters: base letter and its combining accent.
        const GRAVE: u32 = 0x300;
        const ACUTE: u32 = 0x301;
        const CIRCUMFLEX: u32 = 0x302;
        const TILDE: u32 = 0x303;
        const DIAERESIS: u32 = 0x308;
        let vowel = |i: u32| [GRAVE, ACUTE, CIRCUMFLEX, DIAERESIS][i as usize % 4];
        let (base, accent) = match lower {
            'à' => ('a', GRAVE),
            'á' => ('a', ACUTE),
            'â' => ('a', CIRCUMFLEX),
            'ã' => ('a', TILDE),
            'ä' => ('a', DIAERESIS),
            'å' => ('a', 0x30A),
            'ç' => ('c', 0x327),
            'è'..='ë' => ('e', vowel(lower as u32 - 'è' as u32)),
            'ì'..='ï' => ('i', vowel(lower as u32 - 'ì' as u32)),
            'ñ' => ('n', TILDE),
            'ò' => ('o', GRAVE),
            'ó' => ('o', ACUTE),
            'ô' => ('o', CIRCUMFLEX),
            'õ' => ('o', TILDE),
            'ö' => ('o', DIAERESIS),
            'ø' => ('o', 0x338),
            'ù'..='ü' => ('u', vowel(lower as u32 - 'ù' as u32)),
            'ý' => ('y', ACUTE),
            'ÿ' => ('y', DIAERESIS),
            other => (other, 0),
        };
        let digit = match base {
            '¹' => Some(1),
            '²' => Some(2),
            '³' => Some(3),
            _ => base.to_digit(10),
        };
        let cp = base as u32;
        let (_, space, alphanumeric) = crate::char_properties(base);
        let key = if space {
            (0, cp)
        } else if let Some(i) = PUNCT.find(base) {
            (1, i as u32)
        } else if matches!(base, '$' | '¢' | '£' | '¤' | '¥' | '€') {
            (3, cp)
        } else if let Some(d) = digit {
            (4, d)
        } else if base.is_ascii_lowercase() {
            (5, cp)
        } else if alphanumeric {
            (6, cp)
        } else if (0xD7B0..=0xF8FF).contains(&cp)
            || (0xFFF0..=0xFFFF).contains(&cp)
            || base.is_control()
        {
            // Unassigned, private use and specials: implicit weights, last.
            (7, cp)
        } else {
            // Other symbols (emoji, arrows, ...): after punctuation, before
            // currency and digits.
            (2, cp)
        };
        out.push((key.0, key.1, accent, upper));
    }
    out
}

/// jmespath.js's numeric type codes, which its `sort_by`/`max_by` messages print.
pub(crate) fn type_code(v: &Value<'_>) -> &'static str {
    match v.view() {
        View::Num(_) => "0",
        View::Str(_) => "2",
        View::Arr(_) => "3",
        View::Obj(_) => "4",
        View::Bool(_) => "5",
        View::Ref(_) => "6",
        View::Null => "7",
        View::Func(_) | View::Undef => "undefined",
    }
}

/// The object jmespath.js returns for an expression reference evaluated
/// outside a function call: its own syntax-tree node, marked
/// `jmespathType: "Expref"`.
pub(crate) fn expref_json(node: &Node) -> Json {
    let mut v = ast_json(node);
    if let Json::Object(m) = &mut v {
        m.insert("jmespathType".into(), Json::String("Expref".into()));
    }
    v
}

/// The JSON object of `fields`, in order (one call instead of `json!`'s
/// insert and fallible `to_value` per field: smaller code).
fn object(fields: Vec<(&str, Json)>) -> Json {
    Json::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A node as jmespath.js's parser builds it.
fn ast_json(node: &Node) -> Json {
    let t = |ty: &str, children: Vec<Json>| {
        object(vec![("type", ty.into()), ("children", children.into())])
    };
    match &node.kind {
        NodeKind::Identity => object(vec![("type", "Identity".into())]),
        NodeKind::Current => object(vec![("type", "Current".into())]),
        NodeKind::Field { name, .. } => {
            object(vec![("type", "Field".into()), ("name", (&**name).into())])
        }
        NodeKind::Literal { value, .. } => {
            object(vec![("type", "Literal".into()), ("value", value.clone())])
        }
        NodeKind::Subexpr { lhs, rhs } => t("Subexpression", vec![ast_json(lhs), ast_json(rhs)]),
        NodeKind::Index { lhs, index } => t(
            "IndexExpression",
            vec![
                ast_json(lhs),
                object(vec![("type", "Index".into()), ("value", (*index).into())]),
            ],
        ),
        NodeKind::Projection { kind, lhs, rhs } => {
            let (l, r) = (ast_json(lhs), ast_json(rhs));
            match kind {
                ProjectionKind::List => t("Projection", vec![l, r]),
                ProjectionKind::Values => t("ValueProjection", vec![l, r]),
                ProjectionKind::Flatten => t("Projection", vec![t("Flatten", vec![l]), r]),
                ProjectionKind::Filter(c) => t("FilterProjection", vec![l, r, ast_json(c)]),
                ProjectionKind::Slice(s) => {
                    let slice = t("Slice", vec![s.start.into(), s.stop.into(), s.step.into()]);
                    t("Projection", vec![t("IndexExpression", vec![l, slice]), r])
                }
            }
        }
        NodeKind::MultiList(items) => t("MultiSelectList", items.iter().map(ast_json).collect()),
        NodeKind::MultiHash(kvs) => t(
            "MultiSelectHash",
            kvs.iter()
                .map(|kv| {
                    object(vec![
                        ("type", "KeyValuePair".into()),
                        ("name", (&*kv.key).into()),
                        ("value", ast_json(&kv.value)),
                    ])
                })
                .collect(),
        ),
        NodeKind::Not(e) => t("NotExpression", vec![ast_json(e)]),
        NodeKind::And(l, r) => t("AndExpression", vec![ast_json(l), ast_json(r)]),
        NodeKind::Or(l, r) => t("OrExpression", vec![ast_json(l), ast_json(r)]),
        NodeKind::Pipe(l, r) => t("Pipe", vec![ast_json(l), ast_json(r)]),
        NodeKind::Compare { op, lhs, rhs } => {
            let name = match op {
                Comparator::Eq => "EQ",
                Comparator::Ne => "NE",
                Comparator::Lt => "LT",
                Comparator::Le => "LTE",
                Comparator::Gt => "GT",
                Comparator::Ge => "GTE",
            };
            object(vec![
                ("type", "Comparator".into()),
                ("name", name.into()),
                ("children", vec![ast_json(lhs), ast_json(rhs)].into()),
            ])
        }
        NodeKind::Call { name, args, .. } => {
            let mut m = Map::new();
            m.insert("type".into(), "Function".into());
            if &**name != "undefined" {
                m.insert("name".into(), (&**name).into());
            }
            m.insert("children".into(), args.iter().map(ast_json).collect());
            Json::Object(m)
        }
        NodeKind::ExprRef(e) => t("ExpressionReference", vec![ast_json(e)]),
        // jmespath.js has `undefined` there, which JSON leaves out.
        // jmespath.js has no such nodes (the Go engines' forms).
        NodeKind::Missing
        | NodeKind::Arithmetic { .. }
        | NodeKind::Unary { .. }
        | NodeKind::Root
        | NodeKind::Variable(_)
        | NodeKind::Let { .. }
        | NodeKind::Assign { .. } => Json::Null,
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    #[test]
    fn relational_shortcuts_agree_with_the_general_path() {
        let nums = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
        ];
        let strs = [
            "", "a", "b", "ab", "B", "é", "\u{ffff}", "😀", "\u{e000}", "10", "9",
        ];
        let mut values: Vec<Value<'_>> = nums.iter().map(|n| Value::num(*n)).collect();
        values.extend(strs.iter().map(|s| Value::string(*s)));
        for l in &values {
            for r in &values {
                for op in [
                    Comparator::Lt,
                    Comparator::Le,
                    Comparator::Gt,
                    Comparator::Ge,
                ] {
                    assert_eq!(
                        relational(op, l, r).ok(),
                        relational_general(op, l, r).ok(),
                        "{l:?} {op:?} {r:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn last_index_is_zero_is_last_index_of() {
        let words = [
            "", "a", "aa", "aaa", "ab", "aba", "abab", "ba", "é", "éé", "éa", "aé", "😀", "😀😀",
        ];
        let long = "pangolin-".repeat(20);
        let mut all: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        all.push(long.clone());
        all.push(format!("{long}x"));
        all.push("pangolin-".into());
        for s in &all {
            for p in &all {
                assert_eq!(
                    last_index_is_zero(s, p),
                    s.rfind(p.as_str()) == Some(0),
                    "{s:?} {p:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    /// Answers of `a.localeCompare(b)` recorded from Node 20.
    #[test]
    fn locale_compare_matches_node() {
        let cases: &[(&str, &str, i8)] = &[
            ("~", "\u{e9}", -1),
            ("\"b", "\u{df}a", -1),
            ("e\u{301}b", "\u{ffff}a", -1),
            ("\u{ffff}", "=", 1),
            ("Zb", "\u{2177}a", 1),
            (" ", "\u{b2}", -1),
            ("\u{c9}b", "}a", 1),
            ("\u{65e5}", "$", 1),
            (",b", "\u{1f601}a", -1),
            ("\u{e9}b", "\u{ffff}a", -1),
            ("\u{3c9}b", "?a", 1),
            ("0b", "\u{c9}a", -1),
            ("\u{1f601}", "e\u{301}", -1),
            ("@b", "\u{3a9}a", -1),
            ("zb", "\u{3c9}a", -1),
            ("-", "\u{65e5}", -1),
            ("\u{fb00}", ",", 1),
            ("\u{df}", "~", 1),
            (" ", "\u{672c}", -1),
            ("\\b", "\u{c9}a", -1),
            ("-b", "\u{fc}a", -1),
            ("\u{672c}b", ",a", 1),
            ("\u{df}", "\u{1c5}", 1),
            ("9", "\u{df}", -1),
            ("\u{c9}", "=", 1),
            ("\u{672c}", "\u{e9}", 1),
            (":b", "\u{fc}a", -1),
            ("*", "\u{fc}", -1),
            ("\u{d7ff}b", "\u{2177}a", 1),
            ("\u{d7ff}b", "\u{65e5}a", 1),
            ("9b", "\u{672c}a", -1),
            ("\u{3c9}b", "za", 1),
            ("\u{3c9}", "]", 1),
            ("e\u{301}", "\u{3a9}", -1),
            ("Zb", "\u{c9}a", 1),
            ("*b", "\u{ffff}a", -1),
            ("Z", "\u{ffff}", -1),
            ("\u{672c}", "{", 1),
            ("?b", "\u{e9}a", -1),
            ("+", "\u{fc}", -1),
            ("\\b", "=a", -1),
            ("_b", "\u{d7ff}a", -1),
            ("=b", "\u{2177}a", -1),
            (" ", "b", -1),
            ("|", "ss", -1),
            ("[b", "Ba", -1),
            ("|b", ":a", 1),
            ("\u{3a9}b", "e\u{301}a", 1),
            ("\u{1f601}", "^", 1),
            (".", ")", -1),
            ("9", "b", -1),
            ("~", "e\u{301}", -1),
            ("|b", "Ssa", -1),
            ("\u{df}b", "=a", 1),
            (".b", "\u{3c9}a", -1),
            ("@", "@", 0),
            ("0", "~", 1),
            (">b", "{a", 1),
            ("\u{672c}b", "=a", 1),
            ("z", "'", 1),
        ];
        for (a, b, want) in cases {
            let got = match super::locale_cmp(a, b) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            };
            assert_eq!(got, *want, "{a:?} vs {b:?}");
        }
    }
}
