//! The 26 built-in functions, their signatures and their checks.

use std::cmp::Ordering as Ord;
use std::rc::Rc;

use serde_json::Value as Json;
use smallvec::SmallVec;

use crate::ast::Comparator;
use crate::compile::{CallOp, Op, OpKind};
use crate::error::{Error, ErrorKind};
use crate::eval::{Fail, Interp, Res, Tracer};
use crate::js;
use crate::value::{Entries, Items, Repr, Value, View};

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamType {
    /// A number.
    Number,
    /// Anything.
    Any,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// A boolean.
    Boolean,
    /// An expression reference `&expr`.
    ExprRef,
    /// `null`.
    Null,
    /// An array of numbers.
    ArrayNumber,
    /// An array of strings.
    ArrayString,
}

impl ParamType {
    /// The name jmespath.js prints.
    pub fn js_name(self) -> &'static str {
        match self {
            ParamType::Number => "number",
            ParamType::Any => "any",
            ParamType::String => "string",
            ParamType::Array => "array",
            ParamType::Object => "object",
            ParamType::Boolean => "boolean",
            ParamType::ExprRef => "expression",
            ParamType::Null => "null",
            ParamType::ArrayNumber => "Array<number>",
            ParamType::ArrayString => "Array<string>",
        }
    }

    /// A bit of its own, to test sets of types at once.
    pub(crate) const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The name for people.
    pub fn human(self) -> &'static str {
        match self {
            ParamType::Number => "a number",
            ParamType::Any => "any value",
            ParamType::String => "a string",
            ParamType::Array => "an array",
            ParamType::Object => "an object",
            ParamType::Boolean => "a boolean",
            ParamType::ExprRef => "an expression reference (&expr)",
            ParamType::Null => "null",
            ParamType::ArrayNumber => "an array of numbers",
            ParamType::ArrayString => "an array of strings",
        }
    }
}

fn is_marked(o: &crate::value::Entries<'_, '_>) -> bool {
    o.get("jmespathType")
        .is_some_and(|v| v.as_str() == Some("Expref"))
}

/// A function's signature.
#[derive(Debug)]
#[non_exhaustive]
pub struct Signature {
    /// The function's name.
    pub name: &'static str,
    /// Accepted types of each parameter.
    pub params: &'static [&'static [ParamType]],
    /// Whether the last parameter repeats.
    pub variadic: bool,
}

use ParamType as P;

macro_rules! sig {
    ($name:literal, [$($p:expr),*]) => {
        Signature { name: $name, params: &[$($p),*], variadic: false }
    };
    ($name:literal, [$($p:expr),*], variadic) => {
        Signature { name: $name, params: &[$($p),*], variadic: true }
    };
}

/// Every built-in function, in alphabetical order.
pub(crate) static SIGNATURES: [Signature; 26] = [
    sig!("abs", [&[P::Number]]),
    sig!("avg", [&[P::ArrayNumber]]),
    sig!("ceil", [&[P::Number]]),
    sig!("contains", [&[P::String, P::Array], &[P::Any]]),
    sig!("ends_with", [&[P::String], &[P::String]]),
    sig!("floor", [&[P::Number]]),
    sig!("join", [&[P::String], &[P::ArrayString]]),
    sig!("keys", [&[P::Object]]),
    sig!("length", [&[P::String, P::Array, P::Object]]),
    sig!("map", [&[P::ExprRef], &[P::Array]]),
    sig!("max", [&[P::ArrayNumber, P::ArrayString]]),
    sig!("max_by", [&[P::Array], &[P::ExprRef]]),
    sig!("merge", [&[P::Object]], variadic),
    sig!("min", [&[P::ArrayNumber, P::ArrayString]]),
    sig!("min_by", [&[P::Array], &[P::ExprRef]]),
    sig!("not_null", [&[P::Any]], variadic),
    sig!("reverse", [&[P::String, P::Array]]),
    sig!("sort", [&[P::ArrayString, P::ArrayNumber]]),
    sig!("sort_by", [&[P::Array], &[P::ExprRef]]),
    sig!("starts_with", [&[P::String], &[P::String]]),
    sig!("sum", [&[P::ArrayNumber]]),
    sig!("to_array", [&[P::Any]]),
    sig!("to_number", [&[P::Any]]),
    sig!("to_string", [&[P::Any]]),
    sig!("type", [&[P::Any]]),
    sig!("values", [&[P::Object]]),
];

/// The signature of the built-in function `name`.
pub fn signature(name: &str) -> Option<&'static Signature> {
    Func::named(name).map(Func::signature)
}

/// The signatures of every built-in function, in alphabetical order.
pub fn functions() -> impl ExactSizeIterator<Item = &'static Signature> {
    SIGNATURES.iter()
}

/// The built-in functions, in the order of [`SIGNATURES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Abs,
    Avg,
    Ceil,
    Contains,
    EndsWith,
    Floor,
    Join,
    Keys,
    Length,
    Map,
    Max,
    MaxBy,
    Merge,
    Min,
    MinBy,
    NotNull,
    Reverse,
    Sort,
    SortBy,
    StartsWith,
    Sum,
    ToArray,
    ToNumber,
    ToString,
    Type,
    Values,
}

/// [`Func`]s by their index in [`SIGNATURES`].
const FUNCS: [Func; 26] = [
    Func::Abs,
    Func::Avg,
    Func::Ceil,
    Func::Contains,
    Func::EndsWith,
    Func::Floor,
    Func::Join,
    Func::Keys,
    Func::Length,
    Func::Map,
    Func::Max,
    Func::MaxBy,
    Func::Merge,
    Func::Min,
    Func::MinBy,
    Func::NotNull,
    Func::Reverse,
    Func::Sort,
    Func::SortBy,
    Func::StartsWith,
    Func::Sum,
    Func::ToArray,
    Func::ToNumber,
    Func::ToString,
    Func::Type,
    Func::Values,
];

impl Func {
    /// The function called `name`.
    pub fn named(name: &str) -> Option<Func> {
        SIGNATURES
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| FUNCS[i])
    }

    /// Its signature.
    pub fn signature(self) -> &'static Signature {
        &SIGNATURES[self as usize]
    }
}

/// The error for a call to a function that does not exist.
pub(crate) fn unknown(name: &str, span: crate::Span) -> Error {
    let near = SIGNATURES
        .iter()
        .map(|s| s.name)
        .find(|s| s.eq_ignore_ascii_case(name) || s.replace('_', "") == name.replace('_', ""));
    let hint = match near {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    };
    Error::new(
        ErrorKind::UnknownFunction,
        format!("there is no function `{name}()`{hint}"),
        span,
    )
    .with_js(format!("Unknown function: {name}()"))
}

/// The error for a call with the wrong number of arguments.
pub(crate) fn arity_error(sig: &Signature, got: usize, span: crate::Span) -> Option<Error> {
    let n = sig.params.len();
    let plural = if n == 1 { "argument" } else { "arguments" };
    let bad = if sig.variadic { got < n } else { got != n };
    if !bad {
        return None;
    }
    let (ours, theirs) = if sig.variadic {
        (
            format!("{}() takes at least {n} {plural} but got {got}", sig.name),
            format!(
                "ArgumentError: {}() takes at least{n} {plural} but received {got}",
                sig.name
            ),
        )
    } else {
        (
            format!("{}() takes {n} {plural} but got {got}", sig.name),
            format!(
                "ArgumentError: {}() takes {n} {plural} but received {got}",
                sig.name
            ),
        )
    };
    Some(Error::new(ErrorKind::InvalidArity, ours, span).with_js(theirs))
}

/// The type of `v`; with `js`, as jmespath.js tells types apart.
#[inline]
fn type_of(v: &Value<'_>, js: bool) -> Option<ParamType> {
    if let Repr::Json(j) = v.0 {
        return Some(match j {
            Json::Null => P::Null,
            Json::Bool(_) => P::Boolean,
            Json::Number(_) => P::Number,
            Json::String(_) => P::String,
            Json::Array(_) => P::Array,
            Json::Object(m) => {
                if js && is_marked(&Entries::Json(m)) {
                    P::ExprRef
                } else {
                    P::Object
                }
            }
        });
    }
    Some(match v.view() {
        // jmespath.js tells an expression reference by its `jmespathType`
        // key, so any object with that key set to "Expref" is one to it.
        View::Obj(o) if js && is_marked(&o) => P::ExprRef,
        View::Null => P::Null,
        View::Bool(_) => P::Boolean,
        View::Num(_) => P::Number,
        View::Str(_) => P::String,
        View::Arr(_) => P::Array,
        View::Obj(_) => P::Object,
        View::Ref(_) => P::ExprRef,
        View::Func(_) | View::Undef => return None,
    })
}

/// Whether `v` is a number (what `type_of` calls a number).
#[inline]
fn is_number(v: &Value<'_>) -> bool {
    matches!(v.0, Repr::Num(_) | Repr::Json(Json::Number(_)))
}

/// Whether `v` is a string (what `type_of` calls a string).
#[inline]
fn is_string(v: &Value<'_>) -> bool {
    matches!(v.0, Repr::Str(_) | Repr::Json(Json::String(_)))
}

/// Whether every element of the array `v` passes `each`.
#[inline]
fn all_items(v: &Value<'_>, json: fn(&Json) -> bool, each: fn(&Value<'_>) -> bool) -> bool {
    match v.view() {
        View::Arr(Items::Json(a)) => a.iter().all(json),
        View::Arr(Items::Own(a)) => a.iter().all(each),
        _ => false,
    }
}

/// The bit of `v`'s type (see [`type_of`]); 0 for a function or `undefined`.
#[inline]
fn type_bit(v: &Value<'_>, js: bool) -> u16 {
    type_of(v, js).map_or(0, ParamType::bit)
}

/// Checks the types of the arguments: `check[i]` is the set of types
/// argument `i` may have, 0 where it needs no check.
#[inline]
fn check_types(
    sig: &Signature,
    args: &[Value<'_>],
    nodes: &[Op],
    check: &[u16],
    js_rules: bool,
) -> Result<(), Error> {
    for (i, arg) in args.iter().enumerate() {
        let mask = check[i];
        if mask == 0 {
            continue;
        }
        let bit = type_bit(arg, js_rules);
        if mask & bit != 0 {
            continue;
        }
        if bit == P::Array.bit()
            && ((mask & P::ArrayNumber.bit() != 0 && all_items(arg, Json::is_number, is_number))
                || (mask & P::ArrayString.bit() != 0 && all_items(arg, Json::is_string, is_string)))
        {
            continue;
        }
        let types = sig.params[i.min(sig.params.len() - 1)];
        return Err(type_mismatch(sig, i, types, arg, nodes, js_rules));
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn type_mismatch(
    sig: &Signature,
    i: usize,
    types: &[ParamType],
    arg: &Value<'_>,
    nodes: &[Op],
    js_rules: bool,
) -> Error {
    let actual = type_of(arg, js_rules);
    let actual_js = actual.map_or("undefined", ParamType::js_name);
    let expected_js: Vec<&str> = types.iter().map(|t| t.js_name()).collect();
    let expected: Vec<&str> = types.iter().map(|t| t.human()).collect();
    let got = match actual {
        Some(P::Array)
            if types
                .iter()
                .any(|t| matches!(t, P::ArrayNumber | P::ArrayString)) =>
        {
            "an array with elements of other types".to_string()
        }
        Some(t) => t.human().to_string(),
        None => "a JavaScript function or undefined".to_string(),
    };
    Error::new(
        ErrorKind::InvalidType,
        format!(
            "{}() expects argument {} to be {}, but got {got}",
            sig.name,
            i + 1,
            expected.join(" or ")
        ),
        nodes.get(i).map_or(crate::Span::default(), |n| n.span),
    )
    .with_js(format!(
        "TypeError: {}() expected argument {} to be type {} but received type {actual_js} instead.",
        sig.name,
        i + 1,
        expected_js.join(",")
    ))
}

fn type_error(message: String, js: String, span: crate::Span) -> Fail {
    Box::new(Error::new(ErrorKind::InvalidType, message, span).with_js(js))
}

/// Evaluates the call `c` at `op` against `cur`.
pub(crate) fn call<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    c: &'a CallOp,
    cur: &Value<'a>,
) -> Res<'a> {
    if !T::ACTIVE {
        if let (Some(f @ (Func::Sum | Func::Avg)), [arg]) = (c.func, c.args.as_slice()) {
            if let OpKind::MultiList(items) = &arg.kind {
                return sum_of_list(it, op, c, f, arg, items, cur);
            }
        }
    }
    match c.args.as_slice() {
        [a] => {
            let a = it.eval(a, cur)?;
            apply(it, op, c, std::slice::from_ref(&a))
        }
        [a, b] => {
            let a = it.eval(a, cur)?;
            if !T::ACTIVE && c.func == Some(Func::Contains) {
                // `contains(groups, 'admin')`, the commonest mapping: the
                // literal needs no value and the subject no type check.
                if let OpKind::Literal(Json::String(needle)) = &b.kind {
                    if let Some(found) = contains_str(&a, needle) {
                        it.step(b)?;
                        return Ok(Value::bool(found));
                    }
                }
            }
            let b = it.eval(b, cur)?;
            apply(it, op, c, &[a, b])
        }
        arg_ops => {
            // Arguments live on the stack for every function of at most 3 parameters.
            let mut args: SmallVec<[Value<'a>; 3]> = SmallVec::new();
            for a in arg_ops {
                args.push(it.eval(a, cur)?);
            }
            apply(it, op, c, &args)
        }
    }
}

/// `sum([a, b, ...])` or `avg([a, b, ...])`: the list's elements are
/// evaluated as the list would evaluate them (same steps, same budget) and
/// summed as they come, without building the array. An element that is not
/// a number makes the call fail its type check as the general path would
/// (with an array holding it: the error tells only that it is an array with
/// elements of other types), once every element has been evaluated.
fn sum_of_list<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    c: &'a CallOp,
    f: Func,
    list: &'a Op,
    items: &'a [Op],
    cur: &Value<'a>,
) -> Res<'a> {
    it.step(list)?;
    if cur.is_null() || !c.arity_ok {
        // The list is null (or the call fails before looking at it).
        let list_value = if cur.is_null() {
            Value::null()
        } else {
            // Not reached: sum and avg take one argument.
            let mut vals: SmallVec<[Value<'a>; 4]> = SmallVec::new();
            it.build(items.len(), list)?;
            for item in items {
                vals.push(it.eval(item, cur)?);
            }
            Value::array_from(&mut vals)
        };
        return apply(it, op, c, &[list_value]);
    }
    it.build(items.len(), list)?;
    // The same additions, in the same order, as `Iterator::sum` over the array.
    let mut sum = std::iter::empty::<f64>().sum::<f64>();
    let mut offender = None;
    for item in items {
        let v = it.eval(item, cur)?;
        if offender.is_none() {
            match v.as_f64() {
                Some(x) => sum += x,
                None => offender = Some(v),
            }
        }
    }
    if let Some(v) = offender {
        return apply(it, op, c, &[Value::array_of(&[v])]);
    }
    Ok(if f == Func::Sum {
        Value::num(sum)
    } else if items.is_empty() && !it.rules.js_functions {
        Value::null()
    } else {
        Value::num(sum / items.len() as f64)
    })
}

/// The call `c` at `op` with its arguments evaluated.
fn apply<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    c: &'a CallOp,
    args: &[Value<'a>],
) -> Res<'a> {
    let Some(func) = c.func else {
        return Err(Box::new(unknown(&c.name, c.name_span)));
    };
    let sig = func.signature();
    if !c.arity_ok {
        if let Some(e) = arity_error(sig, args.len(), op.span) {
            return Err(Box::new(e));
        }
    }
    let js_rules = it.rules.js_functions;
    check_types(sig, args, &c.args, &c.check, js_rules)?;
    let a0 = &args[0];
    let num = |v: &Value<'_>| v.as_f64().unwrap_or(f64::NAN);
    Ok(match func {
        Func::Abs => Value::num(num(a0).abs()),
        Func::Ceil => Value::num(num(a0).ceil()),
        Func::Floor => Value::num(num(a0).floor()),
        Func::Avg => match a0.view() {
            View::Arr(items) if items.is_empty() && !js_rules => Value::null(),
            View::Arr(items) => {
                let sum: f64 = items.iter().map(|v| num(&v)).sum();
                Value::num(sum / items.len() as f64)
            }
            // Not reached: the argument is an array.
            _ => Value::num(f64::NAN),
        },
        Func::Sum => Value::num(match a0.view() {
            View::Arr(items) => items.iter().map(|v| num(&v)).sum(),
            _ => 0.0,
        }),
        Func::Contains => Value::bool(
            contains(a0, &args[1], js_rules)
                .map_err(|e| e.error("search for that in a string", c.args[1].span))?,
        ),
        Func::StartsWith => {
            let (s, p) = (a0.as_str().unwrap_or(""), args[1].as_str().unwrap_or(""));
            Value::bool(if js_rules {
                js::last_index_is_zero(s, p)
            } else {
                s.starts_with(p)
            })
        }
        Func::EndsWith => {
            let (s, p) = (a0.as_str().unwrap_or(""), args[1].as_str().unwrap_or(""));
            Value::bool(s.ends_with(p))
        }
        Func::Join => join(op, args)?,
        Func::Keys | Func::Values => entries(it, op, a0, func == Func::Keys)?,
        Func::Length => Value::num(match a0.view() {
            View::Str(s) => match it.rules.strings {
                crate::dialect::Strings::Utf16 => js::utf16_len(s),
                crate::dialect::Strings::CodePoints => s.chars().count(),
            },
            View::Arr(a) => a.len(),
            View::Obj(o) => o.len(),
            _ => 0,
        } as f64),
        Func::Map => map(it, op, args)?,
        Func::Max | Func::Min => extreme(a0, func == Func::Max, js_rules),
        Func::MaxBy | Func::MinBy => by_key(it, op, args, func == Func::MaxBy)?,
        Func::Merge => merge(it, op, args)?,
        Func::NotNull => args
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or_else(Value::null),
        Func::Reverse => reverse(it, op, a0)?,
        Func::Sort => sort(it, op, c, a0)?,
        Func::SortBy => sort_by(it, op, args)?,
        Func::ToArray => match a0.view() {
            View::Arr(_) => a0.clone(),
            _ => Value::array_of(std::slice::from_ref(a0)),
        },
        Func::ToString if !a0.fits_output(crate::MAX_OUTPUT) => {
            return Err(crate::limits::too_large(
                "to_string()'s argument",
                c.args[0].span,
            ));
        }
        Func::ToString => match a0.view() {
            View::Str(_) => a0.clone(),
            _ if js_rules => match js::stringify(a0) {
                Some(s) => Value::string(s),
                None => Value::undefined(),
            },
            _ => Value::string(js::compact_json(a0)),
        },
        Func::ToNumber => to_number(a0, js_rules),
        Func::Type => match type_of(a0, js_rules) {
            Some(t) => Value::string(match t {
                P::ExprRef => "expref",
                other => other.js_name(),
            }),
            None => Value::undefined(),
        },
    })
}

/// `join(glue, strings)`: the array's strings (others skipped) with `glue`
/// between them.
fn join<'a>(op: &Op, args: &[Value<'a>]) -> Res<'a> {
    let glue = args[0].as_str().unwrap_or("");
    let mut out = String::new();
    if let View::Arr(items) = args[1].view() {
        let glue_bytes = glue.len() as u64 * items.len() as u64;
        if !args[1].fits_output(crate::MAX_OUTPUT.saturating_sub(glue_bytes)) {
            return Err(crate::limits::too_large("join()'s result", op.span));
        }
        let mut first = true;
        for v in items.iter() {
            if let Some(s) = v.as_str() {
                if !first {
                    out.push_str(glue);
                }
                first = false;
                out.push_str(s);
            }
        }
    }
    Ok(Value::string(out))
}

/// `map(&expr, array)`: `expr` applied to each element.
fn map<'a, T: Tracer<'a>>(it: &mut Interp<'a, '_, T>, op: &'a Op, args: &[Value<'a>]) -> Res<'a> {
    let expr = args[0].expref_op();
    let View::Arr(items) = args[1].view() else {
        // Not reached: the argument is an array.
        return Ok(Value::array(Vec::new()));
    };
    it.build(items.len(), op)?;
    let mut out: SmallVec<[Value<'a>; 16]> = SmallVec::new();
    out.reserve_exact(items.len());
    for v in items.iter() {
        out.push(match expr {
            Some(e) => it.eval(e, &v)?,
            None => Value::null(),
        });
    }
    Ok(Value::array_from(&mut out))
}

/// `merge(objects...)`: their enumerable entries, a later key replacing an
/// earlier one.
fn merge<'a, T: Tracer<'a>>(it: &mut Interp<'a, '_, T>, op: &'a Op, args: &[Value<'a>]) -> Res<'a> {
    let mut out = crate::value::ObjectBuilder::new(it.rules.prototype_fields, 0);
    for arg in args.iter() {
        for (k, v) in enumerable(arg, it.rules.js_key_order) {
            out.set(k, v)
                .map_err(|e| Box::new(crate::Error { span: op.span, ..e }))?;
        }
    }
    it.build(out.len(), op)?;
    Ok(out.finish())
}

/// `sort(array)`: jmespath.js sorts by string form in UTF-16 order, the
/// spec numbers or strings in their order.
fn sort<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    c: &'a CallOp,
    a0: &Value<'a>,
) -> Res<'a> {
    let mut items = a0.array_items().unwrap_or_default();
    it.build(items.len(), op)?;
    if it.rules.js_functions {
        if !a0.fits_output(crate::MAX_OUTPUT) {
            return Err(crate::limits::too_large(
                "sort()'s argument",
                c.args[0].span,
            ));
        }
        // Array.prototype.sort without a comparator: by string form, UTF-16 order.
        let mut keyed: Vec<(String, Value<'a>)> = items
            .into_iter()
            .map(|v| (js::to_js_string(&v).unwrap_or_default(), v))
            .collect();
        crate::sort::sort_by(&mut keyed, |a, b| js::utf16_cmp(&a.0, &b.0));
        items = keyed.into_iter().map(|(_, v)| v).collect();
    } else {
        crate::sort::sort_by(&mut items, spec_order);
    }
    Ok(Value::array(items))
}

/// `reverse(string | array)`: jmespath.js reverses a string's UTF-16 code
/// units, the spec its code points.
fn reverse<'a, T: Tracer<'a>>(it: &mut Interp<'a, '_, T>, op: &'a Op, a0: &Value<'a>) -> Res<'a> {
    Ok(match a0.view() {
        View::Str(s) if it.rules.strings == crate::dialect::Strings::Utf16 => {
            // UTF-16 code units reversed: a surrogate pair becomes two lone
            // surrogates, which a Rust string holds as U+FFFD each.
            let mut units: Vec<u16> = s.encode_utf16().collect();
            units.reverse();
            Value::string(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{fffd}'))
                    .collect::<String>(),
            )
        }
        View::Str(s) => Value::string(s.chars().rev().collect::<String>()),
        View::Arr(items) => {
            it.build(items.len(), op)?;
            let mut v: Vec<Value<'a>> = items.iter().collect();
            v.reverse();
            Value::array(v)
        }
        _ => Value::null(),
    })
}

/// `to_number(value)`: a number as it is, a string read as jmespath.js
/// (JavaScript's `Number`) or the spec (a JSON number) reads it, else null.
fn to_number<'a>(a0: &Value<'a>, js_rules: bool) -> Value<'a> {
    match a0.view() {
        View::Num(_) => a0.clone(),
        View::Str(s) if js_rules => {
            let n = crate::jsnum::string_to_number(s);
            if n.is_nan() {
                Value::null()
            } else {
                Value::num(n)
            }
        }
        View::Str(s) => match serde_json::from_slice::<serde_json::Number>(s.trim().as_bytes()) {
            Ok(n) => Value::num(n.as_f64().unwrap_or(f64::NAN)),
            Err(_) => Value::null(),
        },
        _ => Value::null(),
    }
}

/// `keys(object)` (`keys`) or `values(object)`, in the dialect's key order.
fn entries<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    a0: &Value<'a>,
    keys: bool,
) -> Res<'a> {
    Ok(match a0.view() {
        View::Obj(o) => {
            let entries = o.ordered(it.rules.js_key_order);
            it.build(entries.len(), op)?;
            Value::array(
                entries
                    .into_iter()
                    .map(|(k, v)| if keys { Value::string(k) } else { v })
                    .collect(),
            )
        }
        _ => Value::null(),
    })
}

/// The spec's order of two numbers or two strings.
fn spec_order(a: &Value<'_>, b: &Value<'_>) -> Ord {
    match (a.view(), b.view()) {
        (View::Num(x), View::Num(y)) => x.partial_cmp(&y).unwrap_or(Ord::Equal),
        (View::Str(x), View::Str(y)) => x.cmp(y),
        _ => Ord::Equal,
    }
}

/// `contains(subject, search)`.
fn contains(
    subject: &Value<'_>,
    search: &Value<'_>,
    js_rules: bool,
) -> Result<bool, js::NoPrimitive> {
    // The common case (`contains(groups, 'admin')`): a string searched in an
    // array of the input (or of literals), or in a string.
    if let Some(found) = search
        .as_str()
        .and_then(|needle| contains_str(subject, needle))
    {
        return Ok(found);
    }
    Ok(match subject.view() {
        // A string searched for anything else: `indexOf` turns its argument
        // into a string; the spec finds nothing.
        View::Str(s) if js_rules => s.contains(js::to_js_string(search)?.as_str()),
        View::Arr(items) => {
            for e in items.iter() {
                let found = if js_rules {
                    strict_equal(&e, search)
                } else {
                    crate::eval::equal(&e, search).ok_or(js::NoPrimitive::TooLong)?
                };
                if found {
                    return Ok(true);
                }
            }
            false
        }
        _ => false,
    })
}

/// `contains(subject, needle)` for a string needle, where the subject is
/// a string or an array of the input: `None` for any other subject (the
/// general path then checks its type and compares by the dialect's rules).
/// Strings are equal under both dialects' rules.
#[inline]
fn contains_str(subject: &Value<'_>, needle: &str) -> Option<bool> {
    match subject.view() {
        View::Arr(Items::Json(items)) => Some(
            items
                .iter()
                .any(|e| matches!(e, Json::String(s) if s == needle)),
        ),
        View::Str(s) => Some(s.contains(needle)),
        _ => None,
    }
}

/// JavaScript's `===`: primitives by value, arrays and objects by identity.
fn strict_equal(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a.view(), b.view()) {
        (View::Arr(_) | View::Obj(_), View::Arr(_) | View::Obj(_)) => match (&a.0, &b.0) {
            (Repr::Json(x), Repr::Json(y)) => std::ptr::eq(*x, *y),
            (Repr::Const(x), Repr::Const(y)) => Rc::ptr_eq(x, y),
            (Repr::Arr(x), Repr::Arr(y)) => Rc::ptr_eq(x, y),
            (Repr::Obj(x), Repr::Obj(y)) => Rc::ptr_eq(x, y),
            (Repr::ObjProto(x), Repr::ObjProto(y)) => Rc::ptr_eq(x, y),
            _ => false,
        },
        // Not two arrays or objects: never over the bound.
        _ => crate::eval::equal(a, b) == Some(true),
    }
}

/// `max`/`min` of numbers or strings.
fn extreme<'a>(arr: &Value<'a>, max: bool, js_rules: bool) -> Value<'a> {
    let items = arr.array_items().unwrap_or_default();
    let Some(first) = items.first() else {
        return Value::null();
    };
    if let View::Num(_) = first.view() {
        let nums = items.iter().map(|v| v.as_f64().unwrap_or(f64::NAN));
        let r = if js_rules && items.iter().any(|v| v.as_f64().is_some_and(f64::is_nan)) {
            f64::NAN
        } else if max {
            nums.fold(f64::NEG_INFINITY, f64::max)
        } else {
            nums.fold(f64::INFINITY, f64::min)
        };
        // Return the element itself where it exists, to keep its JSON form.
        return items
            .iter()
            .find(|v| v.as_f64() == Some(r))
            .cloned()
            .unwrap_or_else(|| Value::num(r));
    }
    let mut best = first.clone();
    for v in &items[1..] {
        let (b, c) = (best.as_str().unwrap_or(""), v.as_str().unwrap_or(""));
        let ord = if js_rules {
            js::locale_cmp(c, b)
        } else {
            c.cmp(b)
        };
        let better = if max {
            ord == Ord::Greater
        } else {
            ord == Ord::Less
        };
        if better {
            best = v.clone();
        }
    }
    best
}

/// The key of `v` under the expression reference of a `*_by` function.
fn key_of<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    expr: Option<&'a Op>,
    v: &Value<'a>,
) -> Res<'a> {
    match expr {
        Some(e) => it.eval(e, v),
        None => Ok(Value::null()),
    }
}

/// `max_by`/`min_by`.
fn by_key<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    args: &[Value<'a>],
    max: bool,
) -> Res<'a> {
    let name = if max { "max_by" } else { "min_by" };
    let items = args[0].array_items().unwrap_or_default();
    let expr = args[1].expref_op();
    if it.rules.js_functions {
        // jmespath.js: compare each key with `>`/`<` against a running best
        // that starts at -Infinity/+Infinity; string keys never win.
        let mut best_key = Value::num(if max {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
        let mut best = Value::undefined();
        for v in &items {
            let k = key_of(it, expr, v)?;
            if !matches!(k.view(), View::Num(_) | View::Str(_)) {
                return Err(type_error(
                    format!(
                        "{name}() needs the expression to give numbers or strings, but it gave {}",
                        k.kind().name()
                    ),
                    format!(
                        "TypeError: expected one of 0,2, received {}",
                        js::type_code(&k)
                    ),
                    op.span,
                ));
            }
            let op = if max { Comparator::Gt } else { Comparator::Lt };
            if js::relational(op, &k, &best_key).unwrap_or(false) {
                best_key = k;
                best = v.clone();
            }
        }
        return Ok(best);
    }
    let mut best: Option<(Value<'a>, Value<'a>)> = None;
    let mut kind = None;
    for v in &items {
        let k = key_of(it, expr, v)?;
        let kk = k.kind();
        if !matches!(kk, crate::ValueKind::Number | crate::ValueKind::String)
            || kind.is_some_and(|t| t != kk)
        {
            return Err(Box::new(Error::new(
                ErrorKind::InvalidType,
                format!("{name}() needs the expression to give all numbers or all strings, but it gave {}", kk.name()),
                op.span,
            )));
        }
        kind = Some(kk);
        let better = match &best {
            None => true,
            Some((bk, _)) => {
                let ord = spec_order(&k, bk);
                if max {
                    ord == Ord::Greater
                } else {
                    ord == Ord::Less
                }
            }
        };
        if better {
            best = Some((k, v.clone()));
        }
    }
    Ok(best.map_or_else(Value::null, |(_, v)| v))
}

/// `sort_by`.
fn sort_by<'a, T: Tracer<'a>>(
    it: &mut Interp<'a, '_, T>,
    op: &'a Op,
    args: &[Value<'a>],
) -> Res<'a> {
    let items = args[0].array_items().unwrap_or_default();
    it.build(items.len(), op)?;
    if items.is_empty() {
        return Ok(args[0].clone());
    }
    let expr = args[1].expref_op();
    let mut keyed = Vec::with_capacity(items.len());
    let mut required = None;
    for v in items {
        let k = key_of(it, expr, &v)?;
        let kind = k.kind();
        match required {
            None => {
                if !matches!(kind, crate::ValueKind::Number | crate::ValueKind::String) {
                    return Err(type_error(
                        format!("sort_by() needs the expression to give numbers or strings, but it gave {}", kind.name()),
                        "TypeError".to_string(),
                        op.span,
                    ));
                }
                required = Some(k.clone());
            }
            Some(ref r) if r.kind() != kind => {
                return Err(type_error(
                    format!(
                        "sort_by() needs the expression to give all {}s, but it also gave {}",
                        r.kind().name(),
                        kind.name()
                    ),
                    format!(
                        "TypeError: expected {}, received {}",
                        js::type_code(r),
                        js::type_code(&k)
                    ),
                    op.span,
                ));
            }
            Some(_) => {}
        }
        keyed.push((k, v));
    }
    let js_rules = it.rules.js_functions;
    crate::sort::sort_by(&mut keyed, |(a, _), (b, _)| {
        if js_rules {
            if js::relational(Comparator::Gt, a, b).unwrap_or(false) {
                Ord::Greater
            } else if js::relational(Comparator::Lt, a, b).unwrap_or(false) {
                Ord::Less
            } else {
                Ord::Equal
            }
        } else {
            spec_order(a, b)
        }
    });
    Ok(Value::array(keyed.into_iter().map(|(_, v)| v).collect()))
}

/// The enumerable properties `for (key in v)` visits: own ones, then (in
/// the Pangolin dialect) those inherited from a prototype set by `__proto__`.
fn enumerable<'a>(v: &Value<'a>, js_order: bool) -> Vec<(Rc<str>, Value<'a>)> {
    match v.view() {
        View::Obj(o) => {
            let mut out: Vec<(Rc<str>, Value<'a>)> = o
                .ordered(js_order)
                .into_iter()
                .map(|(k, v)| (Rc::from(k), v))
                .collect();
            if let Some(Some(proto)) = v.custom_proto() {
                for (k, pv) in enumerable(proto, js_order) {
                    if !out.iter().any(|(kk, _)| *kk == k) {
                        out.push((k, pv));
                    }
                }
            }
            out
        }
        View::Ref(node) if js_order => {
            // A reference is jmespath.js's own syntax-tree object.
            let tree = js::expref_json(node);
            match tree {
                serde_json::Value::Object(m) => m
                    .into_iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Value::from_json_owned(v)))
                    .collect(),
                _ => Vec::new(),
            }
        }
        // jmespath.js checks only merge's first argument; a later string or
        // array contributes its indices.
        View::Arr(items) if js_order => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Rc::from(i.to_string()), v))
            .collect(),
        View::Str(s) if js_order => s
            .encode_utf16()
            .enumerate()
            .map(|(i, u)| {
                let c = char::from_u32(u32::from(u)).unwrap_or('\u{fffd}');
                (Rc::from(i.to_string()), Value::string(c.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::{search, Dialect};

    /// jmespath.js's `contains` finds arrays by identity (`indexOf`, `===`):
    /// an array of literals is a new array at each evaluation. The answers
    /// are node's, with jmespath@0.16.0.
    #[test]
    fn arrays_of_literals_are_new_at_each_evaluation() {
        let cases = [
            ("map(&['a'], [`1`,`2`]) | contains(@, [0])", true),
            ("map(&['a'], [`1`,`2`]) | contains([[0]], [1])", false),
            ("contains(map(&['a'], [`1`,`2`]), ['a'])", false),
            ("[['a']] | contains(@, [0])", true),
            ("[['a'], ['a']] | contains([[0]], [1])", false),
        ];
        for (src, want) in cases {
            let got = search(src, Dialect::Pangolin, &serde_json::json!({}));
            assert_eq!(got.ok(), Some(serde_json::json!(want)), "{src}");
        }
    }
}
