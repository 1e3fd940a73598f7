//! The Go engines' functions: their signatures, their checks (arity, then
//! each argument's type, at the call), their results and their messages.

use std::rc::Rc;

use crate::ast::Span;
use crate::error::Error;

use super::eval::{go_error, Interp, Res};
use super::value::GoValue as V;

#[derive(Clone, Copy, PartialEq, Eq)]
enum T {
    Number,
    String,
    Array,
    Object,
    ArrayArray,
    ArrayNumber,
    ArrayString,
    Expref,
    Any,
}

impl T {
    fn go_name(self) -> &'static str {
        match self {
            T::Number => "number",
            T::String => "string",
            T::Array => "array",
            T::Object => "object",
            T::ArrayArray => "array[array]",
            T::ArrayNumber => "array[number]",
            T::ArrayString => "array[string]",
            T::Expref => "expref",
            T::Any => "any",
        }
    }

    fn accepts(self, v: &V<'_>) -> bool {
        match (self, v) {
            (T::Any, _) => true,
            (T::Number, V::Number(_)) | (T::String, V::String(_)) => true,
            (T::Array | T::ArrayArray, V::Array(_)) => true,
            (T::Object, V::Object(_)) | (T::Expref, V::ExprRef(_)) => true,
            (T::ArrayNumber, V::Array(a)) => a.iter().all(|x| matches!(x, V::Number(_))),
            (T::ArrayString, V::Array(a)) => a.iter().all(|x| matches!(x, V::String(_))),
            _ => false,
        }
    }
}

/// One parameter: the types it takes, whether it may be left out, whether
/// it repeats.
struct P(&'static [T], bool, bool);

/// The signature of `name`; `None` where the engine has no such function.
fn signature(name: &str, community: bool) -> Option<&'static [P]> {
    use T::*;
    let common: Option<&'static [P]> = match name {
        "abs" | "ceil" | "floor" => Some(&[P(&[Number], false, false)]),
        "avg" | "sum" => Some(&[P(&[ArrayNumber], false, false)]),
        "contains" => Some(&[P(&[Array, String], false, false), P(&[Any], false, false)]),
        "ends_with" | "starts_with" => {
            Some(&[P(&[String], false, false), P(&[String], false, false)])
        }
        "join" => Some(&[P(&[String], false, false), P(&[ArrayString], false, false)]),
        "keys" | "values" => Some(&[P(&[Object], false, false)]),
        "length" => Some(&[P(&[String, Array, Object], false, false)]),
        "map" => Some(&[P(&[Expref], false, false), P(&[Array], false, false)]),
        "max" | "min" => Some(&[P(&[ArrayNumber, ArrayString], false, false)]),
        "max_by" | "min_by" | "sort_by" => {
            Some(&[P(&[Array], false, false), P(&[Expref], false, false)])
        }
        "merge" => Some(&[P(&[Object], false, true)]),
        "not_null" => Some(&[P(&[Any], false, true)]),
        "reverse" => Some(&[P(&[Array, String], false, false)]),
        "sort" => Some(&[P(&[ArrayString, ArrayNumber], false, false)]),
        "to_array" | "to_number" | "to_string" | "type" => Some(&[P(&[Any], false, false)]),
        _ => None,
    };
    if common.is_some() || !community {
        return common;
    }
    match name {
        "find_first" | "find_last" => Some(&[
            P(&[String], false, false),
            P(&[String], false, false),
            P(&[Number], true, false),
            P(&[Number], true, false),
        ]),
        "from_items" => Some(&[P(&[ArrayArray], false, false)]),
        "group_by" => Some(&[P(&[Array], false, false), P(&[Expref], false, false)]),
        "items" => Some(&[P(&[Object], false, false)]),
        "lower" | "upper" => Some(&[P(&[String], false, false)]),
        "pad_left" | "pad_right" => Some(&[
            P(&[String], false, false),
            P(&[Number], false, false),
            P(&[String], true, false),
        ]),
        "replace" => Some(&[
            P(&[String], false, false),
            P(&[String], false, false),
            P(&[String], false, false),
            P(&[Number], true, false),
        ]),
        "split" => Some(&[
            P(&[String], false, false),
            P(&[String], false, false),
            P(&[Number], true, false),
        ]),
        "trim" | "trim_left" | "trim_right" => {
            Some(&[P(&[String], false, false), P(&[String], true, false)])
        }
        "zip" => Some(&[P(&[Array], false, false), P(&[Array], false, true)]),
        _ => None,
    }
}

fn type_error(p: &P, arg: &V<'_>, community: bool, span: Span) -> Error {
    let types: Vec<String> = p.0.iter().map(|t| format!("\"{}\"", t.go_name())).collect();
    let (word, pkg) = if community {
        ("invalid", "functions.JpType")
    } else {
        ("Invalid", "jmespath.jpType")
    };
    go_error(
        format!(
            "{word} type for: {}, expected: []{pkg}{{{}}}",
            if arg.fits_output() {
                arg.go_v()
            } else {
                "(a value over 16 MiB written out)".to_string()
            },
            types.join(", ")
        ),
        span,
    )
}

fn check(name: &str, sig: &[P], args: &[V<'_>], community: bool, span: Span) -> Result<(), Error> {
    let variadic = sig.iter().any(|p| p.2);
    if !community {
        if !variadic {
            if sig.len() != args.len() {
                return Err(go_error("incorrect number of args", span));
            }
        } else if args.len() < sig.len() {
            return Err(go_error("Invalid arity.", span));
        } else {
            // v0.4.0 checks no type of a variadic function's arguments.
            return Ok(());
        }
        for (p, a) in sig.iter().zip(args) {
            if !p.0.iter().any(|t| t.accepts(a)) {
                return Err(type_error(p, a, false, span));
            }
        }
        return Ok(());
    }
    let min = sig.iter().filter(|p| !p.1).count();
    let count = args.len();
    if count < min {
        let (more, only) = if variadic {
            ("or more ", "only ")
        } else {
            ("", "")
        };
        let report = if count == 0 {
            "none ".to_string()
        } else {
            format!("{only}{count} ")
        };
        let plural = if min > 1 { "s" } else { "" };
        return Err(go_error(
            format!("invalid arity, the function '{name}' expects {min} argument{plural} {more}but {report}were supplied"),
            span,
        ));
    }
    if !variadic && count > sig.len() {
        return Err(go_error(
            format!(
                "invalid arity, the function '{name}' expects at most {} arguments but {count} were supplied",
                sig.len()
            ),
            span,
        ));
    }
    for (i, p) in sig.iter().enumerate() {
        if let Some(a) = args.get(i) {
            if !p.0.iter().any(|t| t.accepts(a)) {
                return Err(type_error(p, a, true, span));
            }
        }
    }
    if let Some(last) = sig.last().filter(|p| p.2) {
        for a in &args[sig.len() - 1..] {
            if !last.0.iter().any(|t| t.accepts(a)) {
                return Err(type_error(last, a, true, span));
            }
        }
    }
    Ok(())
}

/// Calls `name` with evaluated arguments.
pub(crate) fn call<'a>(
    it: &mut Interp<'a, '_>,
    name: &str,
    args: Vec<V<'a>>,
    span: Span,
) -> Res<'a> {
    let community = it.rules.community;
    let Some(sig) = signature(name, community) else {
        return Err(go_error(format!("unknown function: {name}"), span));
    };
    check(name, sig, &args, community, span)?;
    let err = |m: &str| Err(go_error(m.to_string(), span));
    let num = |i: usize| match args.get(i) {
        Some(V::Number(n)) => *n,
        _ => 0.0,
    };
    let text = |i: usize| -> Rc<str> {
        match args.get(i) {
            Some(V::String(s)) => Rc::clone(s),
            _ => Rc::from(""),
        }
    };
    let arr = |i: usize| -> Rc<Vec<V<'a>>> {
        match args.get(i) {
            Some(V::Array(a)) => Rc::clone(a),
            _ => Rc::new(Vec::new()),
        }
    };
    Ok(match name {
        "abs" => V::Number(num(0).abs()),
        "ceil" => V::Number(num(0).ceil()),
        "floor" => V::Number(num(0).floor()),
        "avg" => {
            let a = arr(0);
            if a.is_empty() && community {
                V::Nil
            } else {
                V::Number(numbers(&a).iter().fold(0.0, |t, n| t + n) / a.len() as f64)
            }
        }
        // Go sums from +0 (Rust's `sum` of floats starts from -0).
        "sum" => V::Number(numbers(&arr(0)).iter().fold(0.0, |t, n| t + n)),
        "contains" => return contains(&args[0], &args[1], span),
        "ends_with" => V::Bool(text(0).ends_with(&*text(1))),
        "starts_with" => V::Bool(text(0).starts_with(&*text(1))),
        "join" => {
            let parts: Vec<Rc<str>> = arr(1)
                .iter()
                .map(|v| match v {
                    V::String(s) => Rc::clone(s),
                    _ => Rc::from(""),
                })
                .collect();
            let parts: Vec<&str> = parts.iter().map(|s| &**s).collect();
            V::str(&parts.join(&*text(0)))
        }
        "keys" | "values" | "items" => entries(name, &args[0], it.map_rotation),
        "length" => V::Number(match &args[0] {
            V::String(s) => s.chars().count() as f64,
            V::Array(a) => a.len() as f64,
            V::Object(m) => m.len() as f64,
            _ => return err("could not compute length()"),
        }),
        "map" => {
            let V::ExprRef(e) = args[0] else {
                return Ok(V::Nil);
            };
            let mut out = Vec::new();
            for item in arr(1).iter() {
                out.push(it.eval(e, item)?);
            }
            V::array(out)
        }
        "max" | "min" => extreme(&arr(0), name == "max"),
        "max_by" | "min_by" => return extreme_by(it, &arr(0), &args[1], name == "max_by", span),
        "sort_by" => return sort_by(it, arr(0), &args[1], span),
        "merge" => return merge(&args, community, it.map_rotation, span),
        "not_null" => args.iter().find(|a| !a.is_nil()).cloned().unwrap_or(V::Nil),
        "reverse" => match &args[0] {
            V::String(s) => V::str(&s.chars().rev().collect::<String>()),
            _ => V::array(arr(0).iter().rev().cloned().collect()),
        },
        "sort" => sort(&arr(0)),
        "to_array" => match &args[0] {
            V::Array(_) => args[0].clone(),
            other => V::array(vec![other.clone()]),
        },
        "to_number" => match &args[0] {
            V::Number(n) => V::Number(*n),
            V::String(s) => parse_float(s).map_or(V::Nil, V::Number),
            V::ExprRef(_) => return err("unknown type"),
            _ => V::Nil,
        },
        "to_string" => return to_string(&args[0], community, span),
        "type" => V::str(match &args[0] {
            V::Number(_) => "number",
            V::String(_) => "string",
            V::Array(_) => "array",
            V::Object(_) => "object",
            V::Nil => "null",
            V::Bool(_) => "boolean",
            V::ExprRef(_) => return err("unknown type"),
        }),
        _ => return super::strings::call(it, name, &args, span),
    })
}

/// `contains`: a substring of a string (anything else in a string: false),
/// or an element `==` in Go (which panics on two arrays or two objects).
fn contains<'a>(subject: &V<'a>, el: &V<'a>, span: Span) -> Res<'a> {
    Ok(V::Bool(match subject {
        V::String(s) => matches!(el, V::String(e) if s.contains(&**e)),
        V::Array(a) => {
            // In order: a match before an uncomparable pair ends the loop.
            for item in a.iter() {
                if let Some(why) = uncomparable(item, el) {
                    return Err(go_error(why, span));
                }
                if !matches!(item, V::Array(_) | V::Object(_)) && item.deep_equal(el) {
                    return Ok(V::Bool(true));
                }
            }
            false
        }
        _ => false,
    }))
}

/// `to_string`: a string as it is, anything else as `json.Marshal` writes it.
fn to_string<'a>(v: &V<'a>, community: bool, span: Span) -> Res<'a> {
    if let V::String(_) = v {
        return Ok(v.clone());
    }
    if !v.fits_output() {
        return Err(*crate::limits::too_large("to_string()'s argument", span));
    }
    let mut text = String::new();
    v.marshal(community, &mut text)
        .map_err(|m| go_error(m, span))?;
    Ok(V::str(&text))
}

/// Go panics comparing two values of the same uncomparable type with `==`.
fn uncomparable(a: &V<'_>, b: &V<'_>) -> Option<String> {
    match (a, b) {
        (V::Array(_), V::Array(_)) | (V::Object(_), V::Object(_)) => Some(format!(
            "runtime error: comparing uncomparable type {}",
            a.go_type(true)
        )),
        _ => None,
    }
}

fn numbers(a: &[V<'_>]) -> Vec<f64> {
    a.iter()
        .map(|v| match v {
            V::Number(n) => *n,
            _ => 0.0,
        })
        .collect()
}

fn extreme<'a>(a: &[V<'a>], max: bool) -> V<'a> {
    let Some(first) = a.first() else {
        return V::Nil;
    };
    let mut best = first.clone();
    for item in &a[1..] {
        let better = match (item, &best) {
            (V::Number(x), V::Number(y)) => {
                if max {
                    x > y
                } else {
                    x < y
                }
            }
            (V::String(x), V::String(y)) => {
                if max {
                    x > y
                } else {
                    x < y
                }
            }
            _ => false,
        };
        if better {
            best = item.clone();
        }
    }
    best
}

fn extreme_by<'a>(
    it: &mut Interp<'a, '_>,
    a: &[V<'a>],
    e: &V<'a>,
    max: bool,
    span: Span,
) -> Res<'a> {
    let V::ExprRef(e) = e else { return Ok(V::Nil) };
    match a.len() {
        0 => return Ok(V::Nil),
        1 => return Ok(a[0].clone()),
        _ => {}
    }
    let start = it.eval(e, &a[0])?;
    let mut best_item = a[0].clone();
    match start {
        V::Number(mut best) => {
            for item in &a[1..] {
                let V::Number(c) = it.eval(e, item)? else {
                    return Err(go_error("invalid type, must be number", span));
                };
                if if max { c > best } else { c < best } {
                    best = c;
                    best_item = item.clone();
                }
            }
        }
        V::String(mut best) => {
            for item in &a[1..] {
                let V::String(c) = it.eval(e, item)? else {
                    return Err(go_error("invalid type, must be string", span));
                };
                if if max { c > best } else { c < best } {
                    best = c;
                    best_item = item.clone();
                }
            }
        }
        _ => return Err(go_error("invalid type, must be number of string", span)),
    }
    Ok(best_item)
}

fn sort_by<'a>(it: &mut Interp<'a, '_>, a: Rc<Vec<V<'a>>>, e: &V<'a>, span: Span) -> Res<'a> {
    let V::ExprRef(e) = e else { return Ok(V::Nil) };
    if a.len() < 2 {
        return Ok(V::Array(a));
    }
    let mut keyed = Vec::with_capacity(a.len());
    for item in a.iter() {
        keyed.push((it.eval(e, item)?, item.clone()));
    }
    let numeric = match keyed[0].0 {
        V::Number(_) => true,
        V::String(_) => false,
        _ => return Err(go_error("invalid type, must be number of string", span)),
    };
    let fits = keyed
        .iter()
        .all(|(k, _)| matches!((k, numeric), (V::Number(_), true) | (V::String(_), false)));
    if !fits {
        return Err(go_error("error in sort_by comparison", span));
    }
    crate::sort::sort_by(&mut keyed, |(x, _), (y, _)| match (x, y) {
        (V::Number(p), V::Number(q)) => p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal),
        (V::String(p), V::String(q)) => p.cmp(q),
        _ => std::cmp::Ordering::Equal,
    });
    Ok(V::array(keyed.into_iter().map(|(_, v)| v).collect()))
}

fn sort<'a>(a: &[V<'a>]) -> V<'a> {
    let mut items = a.to_vec();
    // sort.Float64Slice puts NaN first; strings compare by bytes.
    crate::sort::sort_by(&mut items, |x, y| match (x, y) {
        (V::Number(p), V::Number(q)) => match (p.is_nan(), q.is_nan()) {
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            _ => p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal),
        },
        (V::String(p), V::String(q)) => p.cmp(q),
        _ => std::cmp::Ordering::Equal,
    });
    V::array(items)
}

/// Go's `strconv.ParseFloat(s, 64)` where it succeeds (decimal forms,
/// `inf`, `infinity`, `nan` in any case); out of range is a failure.
/// (Through the engine's own decimal reader: the WebAssembly module
/// carries one float parser.)
fn parse_float(s: &str) -> Option<f64> {
    if !crate::jsnum::is_rust_float(s) {
        return None;
    }
    let negative = s.starts_with('-');
    let body = s.trim_start_matches(['+', '-']);
    let f = if body.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        f64::INFINITY
    } else {
        let f = crate::jsnum::parse_decimal(body);
        if f.is_infinite() || f.is_nan() {
            return None;
        }
        f
    };
    Some(if negative { -f } else { f })
}

/// `merge`: v0.4.0 checks no argument's type, and panics on one that is
/// not an object.
fn merge<'a>(args: &[V<'a>], community: bool, rotation: usize, span: Span) -> Res<'a> {
    let mut out = super::value::GoMap::new();
    for a in args {
        match a {
            V::Object(m) => {
                for (k, v) in m.members(rotation) {
                    out.insert(Rc::clone(k), v.clone());
                }
            }
            other => {
                let ty = if other.is_nil() {
                    "nil"
                } else {
                    other.go_type(community)
                };
                return Err(go_error(
                    format!(
                        "interface conversion: interface {{}} is {ty}, not map[string]interface {{}}"
                    ),
                    span,
                ));
            }
        }
    }
    Ok(V::Object(Rc::new(out)))
}

/// `keys`, `values` and `items` of an object, in the order Go's iteration
/// takes its members when it starts `rotation` members in.
fn entries<'a>(name: &str, object: &V<'a>, rotation: usize) -> V<'a> {
    let V::Object(m) = object else {
        return V::Nil;
    };
    let entry = |(k, v): (&Rc<str>, &V<'a>)| match name {
        "keys" => V::String(Rc::clone(k)),
        "values" => v.clone(),
        _ => V::array(vec![V::String(Rc::clone(k)), v.clone()]),
    };
    V::array(m.members(rotation).map(entry).collect())
}
