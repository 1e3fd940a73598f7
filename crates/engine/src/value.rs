//! Values produced by evaluation.
//!
//! A [`Value`] borrows from the searched document (and from the expression's
//! literals) wherever it can: a result that is a piece of the input is a
//! reference to it, never a copy. Values built by evaluation (multi-selects,
//! projections, function results) are reference-counted, so passing them
//! around never copies either.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use serde_json::{Map, Value as Json};

use crate::ast::Node;
use crate::compile::{ConstList, RefOp};
use crate::jsnum;
use crate::Dialect;

/// The JSON text of [`Value::to_json`], on one line.
impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// Deep equality as JMESPath's `==` decides it: numbers by value, objects
/// as maps (key order aside), arrays element by element. Two values built
/// by evaluation whose JSON would be over 16 MiB written out are not
/// compared, and are unequal.
impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        crate::eval::equal(self, other).unwrap_or(false)
    }
}

/// Serializes as [`Value::to_json`].
impl serde::Serialize for Value<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The items of an array or object built by evaluation. Built values nest
/// as deeply as the document a Go engine copied (up to 10,000 levels): they
/// are dropped on a stack with room for that.
#[derive(Debug)]
pub(crate) struct Built<T>(Vec<T>);

impl<T> std::ops::Deref for Built<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> Drop for Built<T> {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            crate::with_stack(&mut || self.0.clear());
        }
    }
}

/// The value of an expression: a JSON value, plus the few things jmespath.js
/// can produce that JSON cannot hold.
#[derive(Clone, Debug)]
pub struct Value<'a>(pub(crate) Repr<'a>);

/// Two words, one tag and one payload word of the same kind in every
/// variant (a pointer, or an integer: a number's bits), so that Rust moves
/// a `Value` as a pair of scalars, in registers, rather than copying it
/// through memory. (Strings and arrays are behind thin pointers for that;
/// booleans are two variants.)
#[derive(Clone, Debug)]
pub(crate) enum Repr<'a> {
    Null,
    False,
    True,
    /// A number, as the bits of its `f64`.
    Num(NumBits),
    /// A piece of the input or of a literal, borrowed.
    Json(&'a Json),
    Str(Rc<String>),
    Arr(Rc<Built<Value<'a>>>),
    /// An object built by evaluation, in insertion order.
    Obj(Rc<Built<(Rc<str>, Value<'a>)>>),
    /// An object built by evaluation whose JavaScript prototype was set by
    /// a `__proto__` key: `None` is a null prototype.
    ObjProto(Rc<ProtoObject<'a>>),
    /// An array of literals (a multi-select list of literals), made by one
    /// evaluation: to JavaScript's `===`, arrays of different evaluations
    /// differ (the `Rc` is the identity).
    #[allow(
        clippy::redundant_allocation,
        reason = "the allocation is the array's identity"
    )]
    Const(Rc<&'a ConstList>),
    /// A method of JavaScript's `Object.prototype` reached by a field lookup.
    Func(&'static &'static str),
    /// JavaScript's `Object.prototype` itself (`{}.__proto__`): no own
    /// enumerable keys, the methods, and a null prototype.
    ObjectPrototype,
    /// JavaScript's `undefined`.
    Undef,
    /// An expression reference (`&expr`), passed to functions.
    Ref(&'a RefOp),
}

/// The bits of an `f64` (an integer, so that [`Repr`] stays a pair of
/// scalars of one kind); shown as the number.
#[derive(Clone, Copy)]
pub(crate) struct NumBits(u64);

impl std::fmt::Debug for NumBits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", f64::from_bits(self.0))
    }
}

/// The own entries of an object and the prototype its `__proto__` key set
/// (`None`: null).
pub(crate) type ProtoObject<'a> = (Vec<(Rc<str>, Value<'a>)>, Option<Value<'a>>);

/// The type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number (in the Pangolin dialect possibly `NaN`).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// A JavaScript function, reached by looking up a field such as
    /// `constructor` on an object (Pangolin dialect). Truthy; no JSON form.
    Function,
    /// JavaScript's `undefined` (`max_by` with string keys, Pangolin dialect).
    Undefined,
    /// An expression reference `&expr`.
    ExprRef,
}

impl ValueKind {
    /// The JMESPath type name (`type()`), or what jmespath.js says for the others.
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool => "boolean",
            ValueKind::Number => "number",
            ValueKind::String => "string",
            ValueKind::Array => "array",
            ValueKind::Object => "object",
            ValueKind::Function => "function",
            ValueKind::Undefined => "undefined",
            ValueKind::ExprRef => "expref",
        }
    }
}

/// What [`Value::fits_output`] counts for each value.
const OUTPUT_PER_VALUE: u64 = 16;

/// Every this many levels, the walk of [`output_within`] makes sure enough
/// stack is left.
const OUTPUT_STACK_CHECK_EVERY: u32 = 32;

/// Adds `n` to `used`; whether that stays within `max`.
fn add(used: &mut u64, n: usize, max: u64) -> bool {
    *used += n as u64;
    *used <= max
}

/// Adds what the parts of `v` take written out to `used` (`v` itself is
/// counted by its caller); `false` as soon as that is over `max`. Walks by
/// reference and allocates nothing.
fn output_within(v: &Value<'_>, used: &mut u64, max: u64, depth: u32) -> bool {
    // Values nest as deeply as the input and the expression make them.
    if depth % OUTPUT_STACK_CHECK_EVERY == OUTPUT_STACK_CHECK_EVERY - 1 {
        return crate::with_stack(&mut || output_parts(v, used, max, depth));
    }
    output_parts(v, used, max, depth)
}

fn output_parts(v: &Value<'_>, used: &mut u64, max: u64, depth: u32) -> bool {
    let per = OUTPUT_PER_VALUE as usize;
    let entries = match &v.0 {
        Repr::Json(Json::String(s)) => return add(used, s.len(), max),
        Repr::Str(s) => return add(used, s.len(), max),
        Repr::Json(Json::Array(a)) => {
            return add(used, per * a.len(), max)
                && a.iter().all(|e| {
                    matches!(e, Json::Null | Json::Bool(_) | Json::Number(_))
                        || output_within(&Value::json(e), used, max, depth + 1)
                })
        }
        Repr::Json(Json::Object(m)) => {
            return m.iter().all(|(k, e)| {
                add(used, per + k.len(), max)
                    && output_within(&Value::json(e), used, max, depth + 1)
            })
        }
        // Literals: as long as the expression at most.
        Repr::Const(c) => return add(used, per * c.values.len(), max),
        Repr::Arr(items) => {
            return add(used, per * items.len(), max)
                && items.iter().all(|e| {
                    matches!(e.0, Repr::Null | Repr::False | Repr::True | Repr::Num(_))
                        || output_within(e, used, max, depth + 1)
                })
        }
        Repr::Obj(o) => &o[..],
        Repr::ObjProto(o) => &o.0[..],
        _ => return true,
    };
    entries
        .iter()
        .all(|(k, e)| add(used, per + k.len(), max) && output_within(e, used, max, depth + 1))
}

/// The elements of an array value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Items<'v, 'a> {
    Json(&'a [Json]),
    Own(&'v [Value<'a>]),
}

impl<'v, 'a> Items<'v, 'a> {
    pub fn len(&self) -> usize {
        match self {
            Items::Json(a) => a.len(),
            Items::Own(a) => a.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> Option<Value<'a>> {
        match self {
            Items::Json(a) => a.get(i).map(Value::json),
            Items::Own(a) => a.get(i).cloned(),
        }
    }
    pub fn iter(self) -> ItemsIter<'v, 'a> {
        match self {
            Items::Json(a) => ItemsIter::Json(a.iter()),
            Items::Own(a) => ItemsIter::Own(a.iter()),
        }
    }
}

/// The elements of an array value, one by one.
#[derive(Clone, Debug)]
pub(crate) enum ItemsIter<'v, 'a> {
    Json(std::slice::Iter<'a, Json>),
    Own(std::slice::Iter<'v, Value<'a>>),
}

impl<'a> Iterator for ItemsIter<'_, 'a> {
    type Item = Value<'a>;
    #[inline]
    fn next(&mut self) -> Option<Value<'a>> {
        match self {
            ItemsIter::Json(it) => it.next().map(Value::json),
            ItemsIter::Own(it) => it.next().cloned(),
        }
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ItemsIter::Json(it) => it.size_hint(),
            ItemsIter::Own(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for ItemsIter<'_, '_> {}

/// The entries of an object value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Entries<'v, 'a> {
    Json(&'a Map<String, Json>),
    Own(&'v [(Rc<str>, Value<'a>)]),
}

impl<'v, 'a> Entries<'v, 'a> {
    pub fn len(&self) -> usize {
        match self {
            Entries::Json(m) => m.len(),
            Entries::Own(m) => m.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        match self {
            Entries::Json(m) => json_get(m, key).map(Value::json),
            Entries::Own(m) => m.iter().find(|(k, _)| &**k == key).map(|(_, v)| v.clone()),
        }
    }
    /// Entries in insertion order.
    pub fn iter(self) -> impl Iterator<Item = (&'v str, Value<'a>)> + 'v
    where
        'a: 'v,
    {
        let (j, o) = match self {
            Entries::Json(m) => (Some(m.iter()), None),
            Entries::Own(m) => (None, Some(m.iter())),
        };
        j.into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), Value::json(v)))
            .chain(o.into_iter().flatten().map(|(k, v)| (&**k, v.clone())))
    }
    /// Entries in the order the dialect lists them: with `js_order`,
    /// integer-like keys first, ascending, as JavaScript lists properties.
    pub fn ordered(self, js_order: bool) -> Vec<(&'v str, Value<'a>)>
    where
        'a: 'v,
    {
        let mut all: Vec<_> = self.iter().collect();
        if js_order && all.iter().any(|(k, _)| jsnum::array_index(k).is_some()) {
            // Stable: non-index keys keep insertion order after the index keys.
            crate::sort::sort_by_key(&mut all, |(k, _)| match jsnum::array_index(k) {
                Some(i) => (0, i),
                None => (1, 0),
            });
        }
        all
    }
}

/// Most entries of an object searched key by key, rather than through its
/// hash index (hashing a key costs more than comparing it with that many keys).
const LINEAR_LOOKUP_MAX: usize = 32;

/// `m[key]`.
#[inline]
pub(crate) fn json_get<'m>(m: &'m Map<String, Json>, key: &str) -> Option<&'m Json> {
    if m.len() <= LINEAR_LOOKUP_MAX {
        m.iter().find(|(k, _)| key_eq(k, key)).map(|(_, v)| v)
    } else {
        m.get(key)
    }
}

/// `m[key]` if `key` is where `hint` says (the position where `key` was
/// found the last time: objects of one shape, the claims of one identity
/// provider, keep their keys in the same order); `None` says nothing more,
/// and [`json_get_missed`] looks further.
#[inline(always)]
pub(crate) fn json_get_at_hint<'m>(
    m: &'m Map<String, Json>,
    key: &str,
    hint: &AtomicU32,
) -> Option<&'m Json> {
    let at = hint.load(Relaxed) as usize;
    match m.iter().nth(at) {
        Some((k, v)) if key_eq(k, key) => Some(v),
        _ => None,
    }
}

/// `m[key]` where the hint missed; the hint remembers where it is.
#[inline]
pub(crate) fn json_get_missed<'m>(
    m: &'m Map<String, Json>,
    key: &str,
    hint: &AtomicU32,
) -> Option<&'m Json> {
    if m.len() <= LINEAR_LOOKUP_MAX {
        let found = m.iter().enumerate().find(|(_, (k, _))| key_eq(k, key));
        let (i, (_, v)) = found?;
        hint.store(i as u32, Relaxed);
        Some(v)
    } else {
        json_get_hashed(m, key)
    }
}

/// `m[key]` in a large object, by its hash table (not inlined: the small
/// objects' lookups stay small).
#[inline(never)]
fn json_get_hashed<'m>(m: &'m Map<String, Json>, key: &str) -> Option<&'m Json> {
    m.get(key)
}

/// String equality: short keys compared inline, byte by byte, longer ones
/// after their first byte.
#[inline(always)]
fn key_eq(k: &str, key: &str) -> bool {
    let (k, key) = (k.as_bytes(), key.as_bytes());
    if k.len() != key.len() {
        return false;
    }
    if k.len() <= 8 {
        return k.iter().zip(key).all(|(a, b)| a == b);
    }
    k[0] == key[0] && k == key
}

/// A uniform view of a value, whatever its representation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum View<'v, 'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'v str),
    Arr(Items<'v, 'a>),
    Obj(Entries<'v, 'a>),
    Func(&'static str),
    Undef,
    Ref(&'a Node),
}

impl<'a> Value<'a> {
    /// Whether this value, written out in full, stays within `max`
    /// (counted as [`crate::MAX_OUTPUT`] counts). Values share their
    /// parts, so this walks the value as if written out, but stops as soon
    /// as it is over: at most about `max / 16` values, however much the
    /// value stands for.
    pub(crate) fn fits_output(&self, max: u64) -> bool {
        let mut used = OUTPUT_PER_VALUE;
        output_within(self, &mut used, max, 0)
    }

    /// Whether this value was built by evaluation as an array or object
    /// (and may share its parts), not borrowed from the input.
    pub(crate) fn is_built_container(&self) -> bool {
        matches!(self.0, Repr::Arr(_) | Repr::Obj(_) | Repr::ObjProto(_))
    }

    /// `null`
    pub const NULL: Value<'static> = Value(Repr::Null);

    /// A borrowed JSON value.
    pub fn json(v: &'a Json) -> Value<'a> {
        Value(Repr::Json(v))
    }

    pub(crate) fn null() -> Value<'a> {
        Value(Repr::Null)
    }
    pub(crate) fn bool(b: bool) -> Value<'a> {
        Value(if b { Repr::True } else { Repr::False })
    }
    pub(crate) fn num(n: f64) -> Value<'a> {
        Value(Repr::Num(NumBits(n.to_bits())))
    }
    pub(crate) fn string(s: impl Into<String>) -> Value<'a> {
        Value(Repr::Str(Rc::new(s.into())))
    }
    pub(crate) fn array(items: Vec<Value<'a>>) -> Value<'a> {
        Value(Repr::Arr(Rc::new(Built(items))))
    }
    /// An array of copies of `items` (for items gathered on the stack).
    pub(crate) fn array_of(items: &[Value<'a>]) -> Value<'a> {
        Value::array(items.to_vec())
    }
    /// An array of the elements gathered in `buf` (copied from the stack, or
    /// taking over the heap buffer it spilled to).
    pub(crate) fn array_from<A: smallvec::Array<Item = Value<'a>>>(
        buf: &mut smallvec::SmallVec<A>,
    ) -> Value<'a> {
        if buf.spilled() {
            Value::array(std::mem::take(buf).into_vec())
        } else {
            Value::array_of(buf)
        }
    }
    pub(crate) fn object(entries: Vec<(Rc<str>, Value<'a>)>) -> Value<'a> {
        Value(Repr::Obj(Rc::new(Built(entries))))
    }
    /// An owned copy of a JSON value (for JSON made during evaluation).
    pub(crate) fn from_json_owned(j: Json) -> Value<'a> {
        match j {
            Json::Null => Value::null(),
            Json::Bool(b) => Value::bool(b),
            Json::Number(n) => Value::num(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Value::string(s),
            Json::Array(a) => Value::array(a.into_iter().map(Value::from_json_owned).collect()),
            Json::Object(m) => Value::object(
                m.into_iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Value::from_json_owned(v)))
                    .collect(),
            ),
        }
    }

    /// The prototype set by a `__proto__` key: `Some(None)` for null,
    /// `None` for a plain object (whose prototype is `Object.prototype`).
    pub(crate) fn custom_proto(&self) -> Option<Option<&Value<'a>>> {
        match &self.0 {
            Repr::ObjProto(o) => Some(o.1.as_ref()),
            _ => None,
        }
    }

    pub(crate) fn object_prototype() -> Value<'a> {
        Value(Repr::ObjectPrototype)
    }

    /// Whether this is JavaScript's `Object.prototype`.
    pub(crate) fn is_object_prototype(&self) -> bool {
        matches!(self.0, Repr::ObjectPrototype)
    }

    pub(crate) fn func(name: &'static &'static str) -> Value<'a> {
        Value(Repr::Func(name))
    }
    pub(crate) fn undefined() -> Value<'a> {
        Value(Repr::Undef)
    }
    pub(crate) fn expref(r: &'a RefOp) -> Value<'a> {
        Value(Repr::Ref(r))
    }

    /// The expression an expression reference refers to.
    pub(crate) fn expref_op(&self) -> Option<&'a crate::compile::Op> {
        match self.0 {
            Repr::Ref(r) => Some(&r.body),
            _ => None,
        }
    }

    /// A uniform view of this value.
    #[inline]
    pub(crate) fn view(&self) -> View<'_, 'a> {
        match &self.0 {
            Repr::Null => View::Null,
            Repr::False => View::Bool(false),
            Repr::True => View::Bool(true),
            Repr::Num(n) => View::Num(f64::from_bits(n.0)),
            Repr::Json(j) => match j {
                Json::Null => View::Null,
                Json::Bool(b) => View::Bool(*b),
                Json::Number(n) => View::Num(n.as_f64().unwrap_or(f64::NAN)),
                Json::String(s) => View::Str(s),
                Json::Array(a) => View::Arr(Items::Json(a)),
                Json::Object(m) => View::Obj(Entries::Json(m)),
            },
            Repr::Str(s) => View::Str(s),
            Repr::Arr(a) => View::Arr(Items::Own(a)),
            Repr::Const(c) => View::Arr(Items::Json(&c.values)),
            Repr::Obj(o) => View::Obj(Entries::Own(o)),
            Repr::ObjProto(o) => View::Obj(Entries::Own(&o.0)),
            Repr::ObjectPrototype => View::Obj(Entries::Own(&[])),
            Repr::Func(f) => View::Func(f),
            Repr::Undef => View::Undef,
            Repr::Ref(r) => View::Ref(&r.node),
        }
    }

    /// The value's type.
    pub fn kind(&self) -> ValueKind {
        match self.view() {
            View::Null => ValueKind::Null,
            View::Bool(_) => ValueKind::Bool,
            View::Num(_) => ValueKind::Number,
            View::Str(_) => ValueKind::String,
            View::Arr(_) => ValueKind::Array,
            View::Obj(_) => ValueKind::Object,
            View::Func(_) => ValueKind::Function,
            View::Undef => ValueKind::Undefined,
            View::Ref(_) => ValueKind::ExprRef,
        }
    }

    /// Whether the value is `null`.
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self.0, Repr::Null | Repr::Json(Json::Null))
    }

    /// Truthiness as JMESPath (and jmespath.js) define it: `null`, `false`,
    /// `""`, `[]` and `{}` are false; everything else is true (`0` and
    /// jmespath.js's functions, `NaN` and `undefined` included).
    #[inline]
    pub fn is_truthy(&self) -> bool {
        if let Repr::Json(j) = self.0 {
            return match j {
                Json::Null => false,
                Json::Bool(b) => *b,
                Json::Number(_) => true,
                Json::String(s) => !s.is_empty(),
                Json::Array(a) => !a.is_empty(),
                Json::Object(m) => !m.is_empty(),
            };
        }
        match self.view() {
            View::Null => false,
            View::Bool(b) => b,
            View::Num(_) | View::Func(_) | View::Ref(_) | View::Undef => true,
            View::Str(s) => !s.is_empty(),
            View::Arr(a) => !a.is_empty(),
            View::Obj(o) => !o.is_empty(),
        }
    }

    /// JavaScript's `String(v)`, as Pangolin's TypeScript applies it to a
    /// result (`[1, null]` is `"1,"`, `{}` is `"[object Object]"`); `None`
    /// where JavaScript throws (an object with a `toString` key).
    pub fn to_js_string(&self) -> Option<String> {
        crate::js::to_js_string(self).ok()
    }

    /// JavaScript's truthiness (`if (x)` in Pangolin's TypeScript): unlike
    /// JMESPath's, `0`, `NaN` and `undefined` are false and `[]`, `{}` true.
    pub fn is_js_truthy(&self) -> bool {
        match self.view() {
            View::Null | View::Undef => false,
            View::Bool(b) => b,
            View::Num(n) => n != 0.0 && !n.is_nan(),
            View::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self.view() {
            View::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.view() {
            View::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self.view() {
            View::Num(n) => Some(n),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn array_items(&self) -> Option<Vec<Value<'a>>> {
        match self.view() {
            View::Arr(a) => Some(a.iter().collect()),
            _ => None,
        }
    }

    /// The value as JSON, as `JSON.stringify` would write it in the
    /// Pangolin dialect: `NaN` is `null`; a function or `undefined` is `null`
    /// at the top level and in arrays, and left out of objects. Numbers are
    /// written as the JSON they came from where they came from the input.
    pub fn to_json(&self) -> Json {
        self.to_json_with(false)
    }

    /// The value as JSON as `dialect`'s engine gives it: as
    /// [`Value::to_json`], and in the dialects whose numbers are doubles
    /// ([`Dialect::has_double_numbers`]) every number normalised to what a
    /// double prints as, and object keys in JavaScript's order.
    pub fn to_json_as(&self, dialect: Dialect) -> Json {
        self.to_json_with(dialect.has_double_numbers())
    }

    /// As [`Value::to_json`], with every number normalised to what a
    /// JavaScript double prints as, and object keys in JavaScript's order
    /// when `js` is set.
    pub(crate) fn to_json_with(&self, js: bool) -> Json {
        self.to_json_opt(js).unwrap_or(Json::Null)
    }

    fn to_json_opt(&self, js: bool) -> Option<Json> {
        // Values can nest as deeply as the input: grow the stack, never overflow it.
        crate::with_stack(&mut || self.to_json_step(js))
    }

    /// The borrowed JSON behind this value, if it is a piece of the input.
    pub(crate) fn as_json_ref(&self) -> Option<&'a Json> {
        match self.0 {
            Repr::Json(j) => Some(j),
            _ => None,
        }
    }

    fn to_json_step(&self, js: bool) -> Option<Json> {
        if let (false, Repr::Json(j)) = (js, &self.0) {
            // Scalars of the input keep their exact JSON (numbers as written).
            if !matches!(j, Json::Array(_) | Json::Object(_)) {
                return Some((*j).clone());
            }
        }
        Some(match self.view() {
            View::Null => Json::Null,
            View::Bool(b) => Json::Bool(b),
            View::Num(n) => jsnum::to_json_number(n),
            View::Str(s) => Json::String(s.to_owned()),
            View::Arr(a) => Json::Array(
                a.iter()
                    .map(|v| v.to_json_opt(js).unwrap_or(Json::Null))
                    .collect(),
            ),
            View::Obj(o) => {
                let mut m = Map::with_capacity(o.len());
                for (k, v) in o.ordered(js) {
                    if let Some(j) = v.to_json_opt(js) {
                        m.insert(k.to_owned(), j);
                    }
                }
                Json::Object(m)
            }
            View::Func(_) | View::Undef => return None,
            View::Ref(node) if js => crate::js::expref_json(node),
            View::Ref(_) => Json::Null,
        })
    }

    /// As [`Value::to_json_with`], but at most about `max_nodes` JSON nodes:
    /// past that, arrays end with a string `"… N more"` and objects with a
    /// key `"…"`. For showing values, never for computing with them.
    pub(crate) fn to_json_preview(&self, js: bool, max_nodes: usize) -> Json {
        let mut budget = max_nodes;
        self.preview(js, &mut budget)
    }

    fn preview(&self, js: bool, budget: &mut usize) -> Json {
        *budget = budget.saturating_sub(1);
        crate::with_stack(&mut || match self.view() {
            View::Arr(items) => {
                let mut out = Vec::new();
                for (i, v) in items.iter().enumerate() {
                    if *budget == 0 {
                        out.push(Json::String(format!("… {} more", items.len() - i)));
                        break;
                    }
                    out.push(v.preview(js, budget));
                }
                Json::Array(out)
            }
            View::Obj(entries) => {
                let mut m = Map::new();
                let all = entries.ordered(js);
                let n = all.len();
                for (i, (k, v)) in all.into_iter().enumerate() {
                    if *budget == 0 {
                        m.insert("…".into(), Json::String(format!("{} more", n - i)));
                        break;
                    }
                    if !v.is_json_undefined() {
                        m.insert(k.to_owned(), v.preview(js, budget));
                    }
                }
                Json::Object(m)
            }
            _ => self.to_json_with(js),
        })
    }

    /// Whether `JSON.stringify` would give `undefined` for this value.
    pub fn is_json_undefined(&self) -> bool {
        matches!(self.0, Repr::Func(_) | Repr::Undef)
    }
}

/// Builds an object as JavaScript's `obj[key] = value` does: with
/// `js_proto`, a `__proto__` key sets the prototype (to an object or null)
/// or is ignored, and is never an own key.
pub(crate) struct ObjectBuilder<'a> {
    entries: Vec<(Rc<str>, Value<'a>)>,
    proto: Option<Option<Value<'a>>>,
    js_proto: bool,
}

impl<'a> ObjectBuilder<'a> {
    pub fn new(js_proto: bool, capacity: usize) -> Self {
        ObjectBuilder {
            entries: Vec::with_capacity(capacity),
            proto: None,
            js_proto,
        }
    }

    /// Whether `Object.prototype` (where the `__proto__` setter lives) is
    /// on this object's prototype chain.
    fn reaches_object_prototype(&self) -> bool {
        fn chain(v: &Value<'_>) -> bool {
            match v.custom_proto() {
                None => true,
                Some(None) => false,
                Some(Some(p)) => chain(p),
            }
        }
        match &self.proto {
            None => true,
            Some(None) => false,
            Some(Some(p)) => chain(p),
        }
    }

    /// Sets `key` as JavaScript's `obj[key] = value` in strict mode does;
    /// an error where the prototype chain makes the key read-only.
    pub fn set(&mut self, key: Rc<str>, value: Value<'a>) -> Result<(), crate::Error> {
        if self.js_proto && &*key == "__proto__" && self.reaches_object_prototype() {
            match value.view() {
                View::Null => self.proto = Some(None),
                View::Obj(_) | View::Arr(_) | View::Func(_) | View::Ref(_) => {
                    self.proto = Some(Some(value))
                }
                _ => {}
            }
            return Ok(());
        }
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => {
                if let Some(Some(p)) = &self.proto {
                    read_only_in_chain(p, &key)?;
                }
                self.entries.push((key, value));
            }
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn finish(self) -> Value<'a> {
        match self.proto {
            None => Value(Repr::Obj(Rc::new(Built(self.entries)))),
            Some(proto) => Value(Repr::ObjProto(Rc::new((self.entries, proto)))),
        }
    }
}

/// An error where `key` is read-only on the prototype chain from `proto`:
/// a function there (set by a `__proto__` key) has its own `length` and
/// `name`, the `Object` constructor (`constructor`) its `prototype`, and
/// `Function.prototype` throwing `arguments` and `caller` accessors.
fn read_only_in_chain(proto: &Value<'_>, key: &str) -> Result<(), crate::Error> {
    let mut p = proto;
    loop {
        match p.view() {
            View::Obj(o) if o.get(key).is_some() => return Ok(()),
            View::Obj(_) => match p.custom_proto() {
                Some(Some(next)) => p = next,
                _ => return Ok(()),
            },
            View::Func(name) => {
                let js = match key {
                    "length" | "name" => format!(
                        "Cannot assign to read only property '{key}' of object '[object Object]'"
                    ),
                    "prototype" if name == "constructor" => format!(
                        "Cannot assign to read only property '{key}' of object '[object Object]'"
                    ),
                    "arguments" | "caller" => "'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them".to_string(),
                    _ => return Ok(()),
                };
                return Err(crate::Error::new(
                    crate::ErrorKind::InvalidType,
                    format!("jmespath.js cannot set the key `{key}`: the object's `__proto__` is a function, whose `{key}` is read-only"),
                    crate::Span::at(0),
                )
                .with_js(js));
            }
            _ => return Ok(()),
        }
    }
}

impl<'a> From<&'a Json> for Value<'a> {
    fn from(v: &'a Json) -> Self {
        Value::json(v)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_and_results_are_two_words() {
        assert_eq!(std::mem::size_of::<super::Value<'_>>(), 16);
        assert_eq!(std::mem::size_of::<crate::eval::Res<'_>>(), 16);
        // Numbers show as numbers, not as their bits.
        assert_eq!(format!("{:?}", super::Value::num(1.5)), "Value(Num(1.5))");
    }
}
