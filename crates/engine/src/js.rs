//! JavaScript semantics that jmespath.js inherits: relational operators on
//! any types, `String(x)`, `JSON.stringify`, `Object.prototype` lookups,
//! UTF-16 string order and an approximation of `localeCompare`.

use std::cmp::Ordering as Ord;
use std::fmt::Write as _;

use serde_json::{json, Map, Value as Json};

use crate::ast::{Comparator, Node, NodeKind, ProjectionKind};
use crate::jsnum;
use crate::value::{Value, View};

/// The properties every JavaScript object inherits from `Object.prototype`.
const PROTOTYPE_METHODS: [&str; 11] = [
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// What `obj[name]` gives on a plain object that has no own `name`.
pub(crate) fn prototype_field<'a>(name: &str) -> Value<'a> {
    if let Some(m) = PROTOTYPE_METHODS.iter().find(|m| **m == name) {
        return Value::func(m);
    }
    if name == "__proto__" {
        // Object.prototype: an object with no own enumerable properties.
        return Value::object(Vec::new());
    }
    Value::null()
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

fn to_primitive(v: &Value<'_>) -> Prim {
    match v.view() {
        View::Null => Prim::Null,
        View::Undef => Prim::Undefined,
        View::Bool(b) => Prim::Bool(b),
        View::Num(n) => Prim::Num(n),
        View::Str(s) => Prim::Str(s.to_owned()),
        _ => Prim::Str(to_js_string(v)),
    }
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

/// `String(v)`: what JavaScript makes of a value where it wants a string.
pub(crate) fn to_js_string(v: &Value<'_>) -> String {
    match v.view() {
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
                    out.push_str(&to_js_string(&e));
                }
            }
            out
        }
        View::Obj(_) | View::Ref(_) => "[object Object]".into(),
        View::Func(name) => function_source(name),
    }
}

/// JavaScript's `<`, `<=`, `>`, `>=` on any two values.
pub(crate) fn relational(op: Comparator, l: &Value<'_>, r: &Value<'_>) -> bool {
    let (a, b) = (to_primitive(l), to_primitive(r));
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
    match op {
        Comparator::Lt => less(&a, &b) == Some(true),
        Comparator::Gt => less(&b, &a) == Some(true),
        Comparator::Le => less(&b, &a) == Some(false),
        Comparator::Ge => less(&a, &b) == Some(false),
        Comparator::Eq | Comparator::Ne => false,
    }
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
    write_json(v, &mut out).then_some(out)
}

fn write_json(v: &Value<'_>, out: &mut String) -> bool {
    stacker::maybe_grow(crate::STACK_RED_ZONE, crate::STACK_GROWTH, || write_json_step(v, out))
}

fn write_json_step(v: &Value<'_>, out: &mut String) -> bool {
    match v.view() {
        View::Null => out.push_str("null"),
        View::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        View::Num(n) => {
            if n.is_finite() {
                out.push_str(&jsnum::to_js_string(n))
            } else {
                out.push_str("null")
            }
        }
        View::Str(s) => write_json_string(s, out),
        View::Arr(items) => {
            out.push('[');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_json(&e, out) {
                    out.push_str("null");
                }
            }
            out.push(']');
        }
        View::Obj(entries) => {
            out.push('{');
            let mut first = true;
            for (k, e) in entries.ordered(true) {
                if e.is_json_undefined() {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_json_string(k, out);
                out.push(':');
                write_json(&e, out);
            }
            out.push('}');
        }
        View::Ref(node) => {
            let tree = expref_json(node);
            return write_json(&Value::json(&tree), out);
        }
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
/// Node uses it: case- and accent-insensitive first, then lower case before
/// upper case, punctuation before digits before letters.
pub(crate) fn locale_cmp(a: &str, b: &str) -> Ord {
    fn primary(c: char) -> (u32, u32) {
        const PUNCT: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
        if c.is_whitespace() {
            return (0, c as u32);
        }
        if let Some(i) = PUNCT.find(c) {
            return (1, i as u32);
        }
        if let Some(d) = c.to_digit(10) {
            return (2, d);
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let base = match lower {
            'à'..='å' => 'a',
            'ç' => 'c',
            'è'..='ë' => 'e',
            'ì'..='ï' => 'i',
            'ñ' => 'n',
            'ò'..='ö' => 'o',
            'ù'..='ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        };
        if base.is_ascii_lowercase() {
            return (3, base as u32);
        }
        (4, base as u32)
    }
    let pa = a.chars().map(primary);
    let pb = b.chars().map(primary);
    match pa.cmp(pb) {
        Ord::Equal => {}
        other => return other,
    }
    // Accents (secondary), then case: lower before upper (tertiary).
    let strip = |s: &str| -> Vec<u32> {
        s.chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c) as u32)
            .collect()
    };
    match strip(a).cmp(&strip(b)) {
        Ord::Equal => {}
        other => return other,
    }
    let case = |s: &str| -> Vec<bool> { s.chars().map(char::is_uppercase).collect() };
    case(a).cmp(&case(b))
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

/// A node as jmespath.js's parser builds it.
fn ast_json(node: &Node) -> Json {
    let t = |ty: &str, children: Vec<Json>| json!({"type": ty, "children": children});
    match &node.kind {
        NodeKind::Identity => json!({"type": "Identity"}),
        NodeKind::Current => json!({"type": "Current"}),
        NodeKind::Field { name, .. } => json!({"type": "Field", "name": name}),
        NodeKind::Literal { value, .. } => json!({"type": "Literal", "value": value}),
        NodeKind::Subexpr { lhs, rhs } => t("Subexpression", vec![ast_json(lhs), ast_json(rhs)]),
        NodeKind::Index { lhs, index } => t(
            "IndexExpression",
            vec![ast_json(lhs), json!({"type": "Index", "value": index})],
        ),
        NodeKind::Projection { kind, lhs, rhs } => {
            let (l, r) = (ast_json(lhs), ast_json(rhs));
            match kind {
                ProjectionKind::List => t("Projection", vec![l, r]),
                ProjectionKind::Values => t("ValueProjection", vec![l, r]),
                ProjectionKind::Flatten => t("Projection", vec![t("Flatten", vec![l]), r]),
                ProjectionKind::Filter(c) => t("FilterProjection", vec![l, r, ast_json(c)]),
                ProjectionKind::Slice(s) => {
                    let slice = json!({"type": "Slice", "children": [s.start, s.stop, s.step]});
                    t("Projection", vec![t("IndexExpression", vec![l, slice]), r])
                }
            }
        }
        NodeKind::MultiList(items) => t("MultiSelectList", items.iter().map(ast_json).collect()),
        NodeKind::MultiHash(kvs) => t(
            "MultiSelectHash",
            kvs.iter()
                .map(|kv| json!({"type": "KeyValuePair", "name": kv.key, "value": ast_json(&kv.value)}))
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
            json!({"type": "Comparator", "name": name, "children": [ast_json(lhs), ast_json(rhs)]})
        }
        NodeKind::Call { name, args, .. } => {
            let mut m = Map::new();
            m.insert("type".into(), "Function".into());
            if name != "undefined" {
                m.insert("name".into(), name.clone().into());
            }
            m.insert("children".into(), args.iter().map(ast_json).collect());
            Json::Object(m)
        }
        NodeKind::ExprRef(e) => t("ExpressionReference", vec![ast_json(e)]),
    }
}
