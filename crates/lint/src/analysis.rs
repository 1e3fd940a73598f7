//! Abstract interpretation: what an expression can possibly return.
//!
//! Every node is evaluated over [`Abs`], a set of possible values: `null`,
//! `true`, `false`, numbers, strings (a finite set of known strings, or any
//! string), arrays (with what their elements can be), objects (with what
//! their known fields can be) and the two JavaScript-only results of
//! jmespath.js (a prototype function, `undefined`). Field lookups read the
//! sample claims when there are some (the union over all samples; a key
//! absent from one sample may be missing), else they can be anything.
//!
//! The analysis also records, per node, the possible values and whether a
//! function call may raise a type error; the lint rules read these facts.
//!
//! Sets and maps are filled with `extend` or `insert`, not `collect`
//! (collecting into a B-tree sorts first): the WebAssembly playground holds
//! no instantiation of the standard library's sort for their types.

use std::fmt;
use std::ops::ControlFlow;

use indexmap::IndexMap;
use rolemap_engine::ast::{Comparator, KeyValue, LiteralForm, ProjectionKind};
use rolemap_engine::{signature, Dialect, Error, Expression, Node, NodeKind, ParamType};
use rolemap_sorted::{SortedMap, SortedSet};
use serde::Serialize;
use serde_json::Value as Json;

use crate::claims::ClaimSource;

/// More known strings than this and a set becomes "any string".
const MAX_STRINGS: usize = 64;
/// Nesting deeper than this in sample claims is read as "anything".
const MAX_JSON_DEPTH: usize = 32;

/// The names jmespath.js finds on every object through `Object.prototype`.
pub use rolemap_js::OBJECT_PROTOTYPE_NAMES as PROTOTYPE_NAMES;

/// The strings a value can be.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "values")]
pub enum Strings {
    /// No string at all.
    #[default]
    None,
    /// One of these strings.
    Known(SortedSet<String>),
    /// Any string.
    Any,
}

impl Strings {
    fn union(&mut self, other: &Strings) {
        match (&mut *self, other) {
            (_, Strings::None) | (Strings::Any, _) => {}
            (Strings::None, o) => *self = o.clone(),
            (Strings::Known(_), Strings::Any) => *self = Strings::Any,
            (Strings::Known(a), Strings::Known(b)) => {
                a.extend(b.iter().cloned());
                if a.len() > MAX_STRINGS {
                    *self = Strings::Any;
                }
            }
        }
    }

    fn one(s: &str) -> Strings {
        Strings::Known(SortedSet::from([s.to_string()]))
    }

    /// Whether no string is possible.
    pub fn is_none(&self) -> bool {
        matches!(self, Strings::None)
    }

    fn may_be_empty(&self) -> bool {
        match self {
            Strings::None => false,
            Strings::Known(s) => s.contains(""),
            Strings::Any => true,
        }
    }

    fn without_empty(&self) -> Strings {
        match self {
            Strings::Known(s) => {
                let mut kept = SortedSet::new();
                kept.extend(s.iter().filter(|s| !s.is_empty()).cloned());
                let s = kept;
                if s.is_empty() {
                    Strings::None
                } else {
                    Strings::Known(s)
                }
            }
            other => other.clone(),
        }
    }
}

/// What the arrays a value can be hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArrayInfo {
    /// What an element can be; `None` when nothing is known (any JSON).
    pub elements: Option<Abs>,
    /// Whether the array may be empty.
    pub may_be_empty: bool,
    /// Whether the array may have elements.
    pub may_be_nonempty: bool,
    /// The most elements it can have, when known.
    pub max_len: Option<usize>,
    /// The fewest elements it has (0 when nothing is known).
    pub min_len: usize,
}

impl ArrayInfo {
    fn union(&mut self, other: &ArrayInfo) {
        self.elements = match (self.elements.take(), &other.elements) {
            (Some(mut a), Some(b)) => {
                a.union(b);
                Some(a)
            }
            _ => None,
        };
        self.may_be_empty |= other.may_be_empty;
        self.may_be_nonempty |= other.may_be_nonempty;
        self.max_len = match (self.max_len, other.max_len) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
        self.min_len = self.min_len.min(other.min_len);
    }

    /// What an element can be (any JSON when unknown).
    pub fn element(&self) -> Abs {
        self.elements.clone().unwrap_or_else(Abs::any_json)
    }
}

/// What the objects a value can be hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectInfo {
    /// Known fields and what their values can be.
    pub fields: SortedMap<String, Abs>,
    /// Known fields that some of the objects lack.
    pub maybe_absent: SortedSet<String>,
    /// Whether other, unknown fields may exist.
    pub open: bool,
    /// Whether the object may be `{}`.
    pub may_be_empty: bool,
}

impl ObjectInfo {
    fn union(&mut self, other: &ObjectInfo) {
        let mut keys = SortedSet::new();
        keys.extend(self.fields.keys().chain(other.fields.keys()).cloned());
        for k in keys {
            match (self.fields.get_mut(&k), other.fields.get(&k)) {
                (Some(a), Some(b)) => a.union(b),
                (Some(a), None) => {
                    if other.open {
                        *a = Abs::any_json();
                    }
                    self.maybe_absent.insert(k);
                }
                (None, Some(b)) => {
                    let v = if self.open {
                        Abs::any_json()
                    } else {
                        b.clone()
                    };
                    self.fields.insert(k.clone(), v);
                    self.maybe_absent.insert(k);
                }
                (None, None) => {}
            }
        }
        self.maybe_absent.extend(other.maybe_absent.iter().cloned());
        self.open |= other.open;
        self.may_be_empty |= other.may_be_empty;
    }
}

/// A set of values an expression may produce.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Abs {
    /// `null` is possible.
    pub null: bool,
    /// `true` is possible.
    #[serde(rename = "true")]
    pub true_: bool,
    /// `false` is possible.
    #[serde(rename = "false")]
    pub false_: bool,
    /// A number is possible.
    pub number: bool,
    /// Which strings are possible.
    pub strings: Strings,
    /// Which arrays are possible.
    pub array: Option<Box<ArrayInfo>>,
    /// Which objects are possible.
    pub object: Option<Box<ObjectInfo>>,
    /// A JavaScript function (an `Object.prototype` method) is possible.
    pub function: bool,
    /// JavaScript `undefined` is possible.
    pub undefined: bool,
}

impl Abs {
    /// No value at all (the expression never produces a value).
    pub fn nothing() -> Abs {
        Abs::default()
    }

    /// Only `null`.
    pub fn null() -> Abs {
        Abs {
            null: true,
            ..Abs::default()
        }
    }

    /// `true` or `false`.
    pub fn boolean() -> Abs {
        Abs {
            true_: true,
            false_: true,
            ..Abs::default()
        }
    }

    /// Any number.
    pub fn number() -> Abs {
        Abs {
            number: true,
            ..Abs::default()
        }
    }

    /// Any string.
    pub fn any_string() -> Abs {
        Abs {
            strings: Strings::Any,
            ..Abs::default()
        }
    }

    /// Exactly this string.
    pub fn string(s: &str) -> Abs {
        Abs {
            strings: Strings::one(s),
            ..Abs::default()
        }
    }

    /// An array whose elements are described by `elements` (`None`: unknown).
    pub fn array_of(elements: Option<Abs>, may_be_empty: bool, max_len: Option<usize>) -> Abs {
        let nonempty = elements.as_ref().is_none_or(|e| !e.is_nothing());
        Abs {
            array: Some(Box::new(ArrayInfo {
                elements,
                may_be_empty: may_be_empty || !nonempty,
                may_be_nonempty: nonempty && max_len != Some(0),
                max_len,
                min_len: 0,
            })),
            ..Abs::default()
        }
    }

    /// An object with unknown content.
    pub fn any_object() -> Abs {
        Abs {
            object: Some(Box::new(ObjectInfo {
                fields: SortedMap::new(),
                maybe_absent: SortedSet::new(),
                open: true,
                may_be_empty: true,
            })),
            ..Abs::default()
        }
    }

    /// Any JSON value.
    pub fn any_json() -> Abs {
        let mut a = Abs {
            null: true,
            true_: true,
            false_: true,
            number: true,
            strings: Strings::Any,
            ..Abs::any_object()
        };
        a.array = Abs::array_of(None, true, None).array;
        a
    }

    /// Whether this is "any JSON value": nothing is known.
    pub fn is_any_json(&self) -> bool {
        *self == Abs::any_json()
    }

    /// The values of one JSON document, exactly (strings, keys, shapes).
    pub fn from_json(v: &Json) -> Abs {
        Abs::from_json_depth(v, 0)
    }

    fn from_json_depth(v: &Json, depth: usize) -> Abs {
        if depth > MAX_JSON_DEPTH {
            return Abs::any_json();
        }
        match v {
            Json::Null => Abs::null(),
            Json::Bool(true) => Abs {
                true_: true,
                ..Abs::default()
            },
            Json::Bool(false) => Abs {
                false_: true,
                ..Abs::default()
            },
            Json::Number(_) => Abs::number(),
            Json::String(s) => Abs::string(s),
            Json::Array(items) => {
                let mut elements = Abs::nothing();
                for item in items {
                    elements.union(&Abs::from_json_depth(item, depth + 1));
                }
                Abs {
                    array: Some(Box::new(ArrayInfo {
                        elements: Some(elements),
                        may_be_empty: items.is_empty(),
                        may_be_nonempty: !items.is_empty(),
                        max_len: Some(items.len()),
                        min_len: items.len(),
                    })),
                    ..Abs::default()
                }
            }
            Json::Object(map) => Abs {
                object: Some(Box::new(ObjectInfo {
                    fields: {
                        let mut fields = SortedMap::new();
                        fields.extend(
                            map.iter()
                                .map(|(k, v)| (k.clone(), Abs::from_json_depth(v, depth + 1))),
                        );
                        fields
                    },
                    maybe_absent: SortedSet::new(),
                    open: false,
                    may_be_empty: map.is_empty(),
                })),
                ..Abs::default()
            },
        }
    }

    /// Adds every value of `other`.
    pub fn union(&mut self, other: &Abs) {
        self.null |= other.null;
        self.true_ |= other.true_;
        self.false_ |= other.false_;
        self.number |= other.number;
        self.strings.union(&other.strings);
        match (&mut self.array, &other.array) {
            (Some(a), Some(b)) => a.union(b),
            (None, Some(b)) => self.array = Some(b.clone()),
            _ => {}
        }
        match (&mut self.object, &other.object) {
            (Some(a), Some(b)) => a.union(b),
            (None, Some(b)) => self.object = Some(b.clone()),
            _ => {}
        }
        self.function |= other.function;
        self.undefined |= other.undefined;
    }

    /// Whether no value is possible.
    pub fn is_nothing(&self) -> bool {
        *self == Abs::default()
    }

    /// Whether a value other than `null` is possible.
    pub fn may_be_non_null(&self) -> bool {
        !self.without_null().is_nothing()
    }

    /// The same set without `null`.
    pub fn without_null(&self) -> Abs {
        Abs {
            null: false,
            ..self.clone()
        }
    }

    /// Whether a truthy value is possible.
    pub fn may_be_truthy(&self) -> bool {
        !self.truthy().is_nothing()
    }

    /// Whether a falsy value is possible.
    pub fn may_be_falsy(&self) -> bool {
        !self.falsy().is_nothing()
    }

    /// The truthy values of the set (jmespath.js: `undefined` and functions
    /// are truthy, `0` is truthy).
    pub fn truthy(&self) -> Abs {
        let mut t = self.clone();
        t.null = false;
        t.false_ = false;
        t.strings = self.strings.without_empty();
        t.array = match &self.array {
            Some(a) if a.may_be_nonempty => Some(Box::new(ArrayInfo {
                may_be_empty: false,
                min_len: a.min_len.max(1),
                ..(**a).clone()
            })),
            _ => None,
        };
        t.object = match &self.object {
            Some(o) if o.open || !o.fields.is_empty() => Some(Box::new(ObjectInfo {
                may_be_empty: false,
                ..(**o).clone()
            })),
            _ => None,
        };
        t
    }

    /// The falsy values of the set.
    pub fn falsy(&self) -> Abs {
        let mut f = Abs {
            null: self.null,
            false_: self.false_,
            ..Abs::default()
        };
        if self.strings.may_be_empty() {
            f.strings = Strings::one("");
        }
        if self.array.as_ref().is_some_and(|a| a.may_be_empty) {
            f.array = Abs::array_of(Some(Abs::nothing()), true, Some(0)).array;
        }
        if self.object.as_ref().is_some_and(|o| o.may_be_empty) {
            f.object = Some(Box::new(ObjectInfo {
                fields: SortedMap::new(),
                maybe_absent: SortedSet::new(),
                open: false,
                may_be_empty: true,
            }));
        }
        f
    }

    /// Whether a string is possible.
    pub fn may_be_string(&self) -> bool {
        !self.strings.is_none()
    }

    /// The known strings, if the set of strings is finite.
    pub fn known_strings(&self) -> Option<&SortedSet<String>> {
        match &self.strings {
            Strings::Known(s) => Some(s),
            _ => None,
        }
    }

    /// The parts of the set that are not strings, as type names.
    pub fn non_string_kinds(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.null {
            out.push("null");
        }
        if self.true_ || self.false_ {
            out.push("boolean");
        }
        if self.number {
            out.push("number");
        }
        if self.array.is_some() {
            out.push("array");
        }
        if self.object.is_some() {
            out.push("object");
        }
        if self.function {
            out.push("function");
        }
        if self.undefined {
            out.push("undefined");
        }
        out
    }

    /// The parts of the set matching the parameter type (and the rest).
    fn split(&self, t: ParamType) -> (Abs, Abs) {
        let mut yes = Abs::nothing();
        let mut no = self.clone();
        match t {
            ParamType::Any => return (self.clone(), Abs::nothing()),
            ParamType::Null => {
                yes.null = no.null;
                no.null = false;
            }
            ParamType::Boolean => {
                yes.true_ = no.true_;
                yes.false_ = no.false_;
                no.true_ = false;
                no.false_ = false;
            }
            ParamType::Number => {
                yes.number = no.number;
                no.number = false;
            }
            ParamType::String => yes.strings = std::mem::take(&mut no.strings),
            ParamType::Object => yes.object = no.object.take(),
            ParamType::Array => yes.array = no.array.take(),
            ParamType::ArrayNumber | ParamType::ArrayString => {
                if let Some(a) = &self.array {
                    let elem = a.element();
                    let (ok, bad) = elem.split(if t == ParamType::ArrayNumber {
                        ParamType::Number
                    } else {
                        ParamType::String
                    });
                    // Arrays with only matching elements (or none) are accepted.
                    if !ok.is_nothing() || a.may_be_empty {
                        yes.array = Some(Box::new(ArrayInfo {
                            elements: Some(ok),
                            ..(**a).clone()
                        }));
                    }
                    if bad.is_nothing() {
                        no.array = None;
                    }
                }
            }
            ParamType::ExprRef => {}
            // A type this linter does not know yet: everything may match
            // (no false alarm).
            _ => return (self.clone(), Abs::nothing()),
        }
        (yes, no)
    }
}

impl fmt::Display for Abs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if self.null {
            parts.push("null".into());
        }
        match (self.true_, self.false_) {
            (true, true) => parts.push("boolean".into()),
            (true, false) => parts.push("true".into()),
            (false, true) => parts.push("false".into()),
            _ => {}
        }
        if self.number {
            parts.push("number".into());
        }
        match &self.strings {
            Strings::None => {}
            Strings::Any => parts.push("string".into()),
            Strings::Known(s) => parts.extend(s.iter().map(|s| Json::from(s.as_str()).to_string())),
        }
        if let Some(a) = &self.array {
            let elem = match &a.elements {
                None => "any".to_string(),
                Some(e) if e.is_nothing() => "nothing".to_string(),
                Some(e) => e.to_string(),
            };
            if !a.may_be_nonempty {
                parts.push("[]".into());
            } else if elem.contains(" | ") {
                parts.push(format!("array of ({elem})"));
            } else {
                parts.push(format!("array of {elem}"));
            }
        }
        if let Some(o) = &self.object {
            if !o.open && o.fields.is_empty() {
                parts.push("{}".into());
            } else {
                parts.push("object".into());
            }
        }
        if self.function {
            parts.push("function".into());
        }
        if self.undefined {
            parts.push("undefined".into());
        }
        if parts.is_empty() {
            f.write_str("nothing")
        } else {
            f.write_str(&parts.join(" | "))
        }
    }
}

/// A possible type error found by the analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeIssue {
    /// The function called.
    pub function: String,
    /// Index of the argument (0-based).
    pub arg: usize,
    /// What the argument can be that the function rejects.
    pub rejected: String,
    /// Whether the argument can be nothing else (the call always fails when reached).
    pub always: bool,
    /// Whether `null` is among the rejected values.
    pub null: bool,
}

/// The result of [`possible_values`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// What the expression can return.
    pub value: Abs,
    /// `value` for people, e.g. `"Admin" | "Member"`.
    pub summary: String,
    /// Whether evaluation may raise a type error.
    pub may_raise: bool,
    /// Claim paths that may be missing (read as `null`).
    pub missing: Vec<String>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)?;
        if self.may_raise {
            f.write_str(" (or a type error)")?;
        }
        Ok(())
    }
}

/// What the analysis learned about one node (over every way it was reached).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The node's possible values.
    pub value: Abs,
    /// What the node's input (current value) could be.
    pub input: Abs,
    /// For field lookups: the key may be absent from an object.
    pub may_be_absent: bool,
    /// For field lookups: the key was found in some object.
    pub found: bool,
    /// For field lookups: keys of the (closed) objects it was looked up in.
    pub siblings: SortedSet<String>,
    /// For field lookups: it was looked up on an object that may have
    /// unknown keys.
    pub open: bool,
    /// Evaluated with the root claims as input.
    pub at_root: bool,
    /// For calls: the possible type errors.
    pub type_issues: Vec<TypeIssue>,
}

/// The analysis of a whole expression.
#[derive(Debug, Default)]
pub struct Analysis {
    facts: IndexMap<usize, Facts>,
    /// What the whole expression can return.
    pub value: Abs,
    /// Missing claim paths.
    pub missing: Vec<String>,
}

fn key(n: &Node) -> usize {
    n as *const Node as usize
}

impl Analysis {
    /// The facts of `node` (a node of the analysed tree), if it was reached.
    pub fn facts(&self, node: &Node) -> Option<&Facts> {
        self.facts.get(&key(node))
    }

    /// Whether some call may raise a type error.
    pub fn may_raise(&self) -> bool {
        self.facts.values().any(|f| !f.type_issues.is_empty())
    }
}

/// Options of an analysis.
#[derive(Clone, Debug, Default)]
pub struct AnalysisOptions<'a> {
    /// Replace `{{orgId}}` in string literals with this (org mappings).
    pub org_id: Option<&'a str>,
}

/// Analyses the tree `ast` in `dialect` against the sample claims (none:
/// the claims are an object with unknown content).
pub fn analyse(ast: &Node, dialect: Dialect, claims: &[Json], opts: &AnalysisOptions) -> Analysis {
    analyse_from(ast, dialect, &root_abs(claims), opts)
}

/// [`analyse`] with the claims object as `root` (see [`root_abs`]).
pub fn analyse_from(ast: &Node, dialect: Dialect, root: &Abs, opts: &AnalysisOptions) -> Analysis {
    let mut it = Interp {
        dialect,
        facts: IndexMap::new(),
        org_id: opts.org_id,
        missing: SortedSet::new(),
    };
    let value = it.eval(ast, root, true);
    Analysis {
        facts: it.facts,
        value,
        missing: it.missing.into_iter().collect(),
    }
}

/// What the claims object can be.
pub fn root_abs(claims: &[Json]) -> Abs {
    root_abs_of(&claims)
}

/// What the claims object can be, over the samples of `claims` (read once).
pub fn root_abs_of(claims: &dyn ClaimSource) -> Abs {
    if claims.is_empty() {
        return Abs::any_object();
    }
    let mut root = Abs::nothing();
    claims.visit(&mut |_, c| {
        root.union(&Abs::from_json(c));
        ControlFlow::Continue(())
    });
    root
}

/// What the expression `src` can return in `dialect` over the sample
/// `claims` (none: any claims).
///
/// ```
/// use rolemap_engine::Dialect;
/// let out = rolemap_lint::possible_values(
///     "contains(g, 'a') && 'Admin' || 'Member'", Dialect::Pangolin, &[]).expect("parses");
/// assert_eq!(out.summary, r#""Admin" | "Member""#);
/// ```
pub fn possible_values(src: &str, dialect: Dialect, claims: &[Json]) -> Result<Outcome, Error> {
    let expr = Expression::compile(src, dialect)?;
    let a = analyse(expr.ast(), dialect, claims, &AnalysisOptions::default());
    Ok(Outcome {
        summary: a.value.to_string(),
        may_raise: a.may_raise(),
        missing: a.missing.clone(),
        value: a.value,
    })
}

struct Interp<'o> {
    dialect: Dialect,
    facts: IndexMap<usize, Facts>,
    org_id: Option<&'o str>,
    missing: SortedSet<String>,
}

fn claim_path(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Field { name, quoted } => Some(if *quoted || !is_plain_key(name) {
            Json::from(&**name).to_string()
        } else {
            name.to_string()
        }),
        NodeKind::Subexpr { lhs, rhs } => {
            Some(format!("{}.{}", claim_path(lhs)?, claim_path(rhs)?))
        }
        _ => None,
    }
}

/// Whether `name` can be written without double quotes.
pub fn is_plain_key(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Interp<'_> {
    fn record(&mut self, node: &Node, input: &Abs, value: &Abs, at_root: bool) -> &mut Facts {
        let f = self.facts.entry(key(node)).or_default();
        f.value.union(value);
        f.input.union(input);
        f.at_root |= at_root;
        f
    }

    fn eval(&mut self, node: &Node, cur: &Abs, at_root: bool) -> Abs {
        let v = self.eval_inner(node, cur, at_root);
        self.record(node, cur, &v, at_root);
        v
    }

    fn eval_inner(&mut self, node: &Node, cur: &Abs, at_root: bool) -> Abs {
        match &node.kind {
            NodeKind::Identity | NodeKind::Current => cur.clone(),
            NodeKind::Field { name, .. } => self.field(node, name, cur, at_root),
            NodeKind::Literal { value, form } => match (value, form, self.org_id) {
                (Json::String(s), LiteralForm::Raw, Some(id)) if s.contains("{{orgId}}") => {
                    Abs::string(&s.replace("{{orgId}}", id))
                }
                _ => Abs::from_json(value),
            },
            NodeKind::Subexpr { lhs, rhs } => {
                let l = self.eval(lhs, cur, at_root);
                let mut out = if l.may_be_non_null() {
                    self.eval(rhs, &l.without_null(), false)
                } else {
                    Abs::nothing()
                };
                if l.null {
                    out.null = true;
                }
                if matches!(lhs.kind, NodeKind::Field { .. } | NodeKind::Subexpr { .. })
                    && at_root
                    && out.null
                {
                    if let Some(p) = claim_path(node) {
                        self.missing.insert(p);
                    }
                }
                out
            }
            NodeKind::Index { lhs, index } => {
                let l = self.eval(lhs, cur, at_root);
                element(&l, *index)
            }
            NodeKind::Projection { kind, lhs, rhs } => {
                self.projection(kind, lhs, rhs, cur, at_root)
            }
            NodeKind::MultiList(items) => self.multi_list(items, cur, at_root),
            NodeKind::MultiHash(kvs) => self.multi_hash(kvs, cur, at_root),
            NodeKind::Not(e) => {
                let v = self.eval(e, cur, at_root);
                Abs {
                    true_: v.may_be_falsy(),
                    false_: v.may_be_truthy(),
                    ..Abs::default()
                }
            }
            NodeKind::And(l, r) => {
                let lv = self.eval(l, cur, at_root);
                let mut out = lv.falsy();
                if lv.may_be_truthy() {
                    out.union(&self.eval(r, cur, at_root));
                }
                out
            }
            NodeKind::Or(l, r) => {
                let lv = self.eval(l, cur, at_root);
                let mut out = lv.truthy();
                if lv.may_be_falsy() {
                    out.union(&self.eval(r, cur, at_root));
                }
                out
            }
            NodeKind::Compare { op, lhs, rhs } => {
                let l = self.eval(lhs, cur, at_root);
                let r = self.eval(rhs, cur, at_root);
                compare(*op, &l, &r, self.dialect)
            }
            NodeKind::Pipe(l, r) => {
                let lv = self.eval(l, cur, at_root);
                self.eval(r, &lv, false)
            }
            NodeKind::Call { name, args, .. } => self.call(node, name, args, cur, at_root),
            NodeKind::ExprRef(e) => {
                // Evaluated by the function, element by element.
                let _ = self.eval(e, &Abs::any_json(), false);
                Abs::nothing()
            }
            // A `.` with nothing after it: evaluating it always fails.
            NodeKind::Missing => Abs::nothing(),
            // Grafana's engine: arithmetic gives a number, or null where
            // an operand is not a number.
            NodeKind::Arithmetic { lhs, rhs, .. } => {
                let _ = self.eval(lhs, cur, at_root);
                let _ = self.eval(rhs, cur, at_root);
                let mut out = Abs::number();
                out.union(&Abs::null());
                out
            }
            NodeKind::Unary { operand, .. } => {
                let _ = self.eval(operand, cur, at_root);
                let mut out = Abs::number();
                out.union(&Abs::null());
                out
            }
            NodeKind::Root | NodeKind::Variable(_) => Abs::any_json(),
            NodeKind::Let { bindings, body } => {
                for b in bindings {
                    let _ = self.eval(b, cur, at_root);
                }
                self.eval(body, cur, at_root)
            }
            NodeKind::Assign { rhs, .. } => {
                let _ = self.eval(rhs, cur, at_root);
                Abs::nothing()
            }
            // A node this linter does not know yet: any value (no false alarm).
            _ => Abs::any_json(),
        }
    }

    /// `[a, b, ...]`: an array of their values, or null of null.
    fn multi_list(&mut self, items: &[Node], cur: &Abs, at_root: bool) -> Abs {
        let mut elements = Abs::nothing();
        for item in items {
            let v = if cur.may_be_non_null() {
                self.eval(item, &cur.without_null(), at_root)
            } else {
                Abs::nothing()
            };
            elements.union(&v);
        }
        let mut out = if cur.may_be_non_null() {
            Abs::array_of(Some(elements), items.is_empty(), Some(items.len()))
        } else {
            Abs::nothing()
        };
        out.null |= cur.null;
        out
    }

    /// `{k: a, ...}`: an object of their values, or null of null.
    fn multi_hash(&mut self, kvs: &[KeyValue], cur: &Abs, at_root: bool) -> Abs {
        let mut fields = SortedMap::new();
        for kv in kvs {
            let v = if cur.may_be_non_null() {
                self.eval(&kv.value, &cur.without_null(), at_root)
            } else {
                Abs::nothing()
            };
            fields.insert(kv.key.to_string(), v);
        }
        let mut out = Abs::nothing();
        if cur.may_be_non_null() {
            out.object = Some(Box::new(ObjectInfo {
                may_be_empty: fields.is_empty(),
                fields,
                maybe_absent: SortedSet::new(),
                open: false,
            }));
        }
        out.null |= cur.null;
        out
    }

    fn field(&mut self, node: &Node, name: &str, cur: &Abs, at_root: bool) -> Abs {
        let mut out = Abs::nothing();
        let mut absent = false;
        let mut found = false;
        let mut open = false;
        let mut siblings = SortedSet::new();
        if !cur.without_object().is_nothing() {
            out.null = true;
        }
        if let Some(o) = &cur.object {
            match o.fields.get(name) {
                Some(v) => {
                    found = true;
                    out.union(v);
                    if o.maybe_absent.contains(name) {
                        absent = true;
                    }
                }
                None if o.open => {
                    open = true;
                    absent = true;
                    out.union(&Abs::any_json());
                }
                None => absent = true,
            }
            if !o.open {
                siblings.extend(o.fields.keys().cloned());
            }
            if absent {
                if self.dialect == Dialect::Pangolin && PROTOTYPE_NAMES.contains(&name) {
                    if name == "__proto__" {
                        out.union(&Abs {
                            object: Some(Box::new(ObjectInfo {
                                fields: SortedMap::new(),
                                maybe_absent: SortedSet::new(),
                                open: false,
                                may_be_empty: true,
                            })),
                            ..Abs::default()
                        });
                    } else {
                        out.function = true;
                    }
                } else {
                    out.null = true;
                }
            }
        }
        if at_root && absent {
            self.missing
                .insert(claim_path(node).unwrap_or_else(|| name.to_string()));
        }
        let f = self.facts.entry(key(node)).or_default();
        f.may_be_absent |= absent;
        f.found |= found;
        f.open |= open;
        f.siblings.extend(siblings);
        out
    }

    fn projection(
        &mut self,
        kind: &ProjectionKind,
        lhs: &Node,
        rhs: &Node,
        cur: &Abs,
        at_root: bool,
    ) -> Abs {
        let base = self.eval(lhs, cur, at_root);
        let (elements, may_be_empty, max_len, applies) = match kind {
            ProjectionKind::Values => match &base.object {
                Some(o) => {
                    let mut e = Abs::nothing();
                    for v in o.fields.values() {
                        e.union(v);
                    }
                    if o.open {
                        e = Abs::any_json();
                    }
                    (
                        Some(e),
                        o.may_be_empty || !o.maybe_absent.is_empty(),
                        None,
                        true,
                    )
                }
                None => (None, true, None, false),
            },
            ProjectionKind::Flatten => match &base.array {
                Some(a) => {
                    let e = a.element();
                    let mut flat = e.without_array();
                    let mut inner_max = Some(1);
                    let mut inner_empty = false;
                    if let Some(inner) = &e.array {
                        flat.union(&inner.element());
                        inner_max = inner.max_len;
                        inner_empty = inner.may_be_empty;
                    }
                    let max = match (a.max_len, inner_max) {
                        (Some(a), Some(b)) => Some(a.saturating_mul(b.max(1))),
                        _ => None,
                    };
                    (Some(flat), a.may_be_empty || inner_empty, max, true)
                }
                None => (None, true, None, false),
            },
            ProjectionKind::List | ProjectionKind::Slice(_) => match &base.array {
                Some(a) => (
                    Some(a.element()),
                    a.may_be_empty || matches!(kind, ProjectionKind::Slice(_)),
                    a.max_len,
                    true,
                ),
                None => (None, true, None, false),
            },
            ProjectionKind::Filter(cond) => match &base.array {
                Some(a) => {
                    let e = a.element();
                    let c = self.eval(cond, &e, false);
                    let keep = c.may_be_truthy();
                    let e = match equality_with_current(cond) {
                        Some(lit) => Abs::from_json(lit),
                        None => e,
                    };
                    (
                        Some(if keep { e } else { Abs::nothing() }),
                        true,
                        a.max_len,
                        true,
                    )
                }
                None => (None, true, None, false),
            },
            // A projection this linter does not know yet: of any elements.
            _ => (None, true, None, true),
        };
        let mut out = Abs::nothing();
        if applies {
            let e = elements.unwrap_or_else(Abs::any_json);
            let mapped = if e.is_nothing() {
                Abs::nothing()
            } else {
                self.eval(rhs, &e, false)
            };
            let kept = mapped.without_null();
            out = Abs::array_of(Some(kept), may_be_empty || mapped.null, max_len);
        }
        let other = match kind {
            ProjectionKind::Values => base.without_object(),
            _ => base.without_array(),
        };
        if !other.is_nothing() {
            out.null = true;
        }
        out
    }

    fn call(&mut self, node: &Node, name: &str, args: &[Node], cur: &Abs, at_root: bool) -> Abs {
        let values: Vec<Abs> = args
            .iter()
            .map(|a| match &a.kind {
                NodeKind::ExprRef(_) => Abs::nothing(),
                _ => self.eval(a, cur, at_root),
            })
            .collect();
        let Some(sig) = signature(name) else {
            return Abs::nothing();
        };
        let fixed = sig.params.len();
        if args.len() < fixed || (!sig.variadic && args.len() > fixed) {
            return Abs::nothing();
        }
        // jmespath.js checks the types of the fixed parameters only.
        let checked = if self.dialect == Dialect::Pangolin {
            fixed
        } else {
            args.len()
        };
        let (valid, issues) = check_arguments(name, sig.params, args, &values, checked);
        let never = valid
            .iter()
            .zip(args)
            .any(|(v, a)| v.is_nothing() && !matches!(a.kind, NodeKind::ExprRef(_)));
        if !issues.is_empty() {
            self.facts
                .entry(key(node))
                .or_default()
                .type_issues
                .extend(issues);
        }
        if never {
            return Abs::nothing();
        }
        self.result(sig.name, args, &values, &valid)
    }

    /// What the call of `func` gives, from its arguments' `values` and the
    /// part of each its parameter accepts (`valid`).
    fn result(&mut self, func: &str, args: &[Node], values: &[Abs], valid: &[Abs]) -> Abs {
        let a0 = valid.first().cloned().unwrap_or_default();
        let elem_of = |a: &Abs| a.array.as_ref().map_or(Abs::nothing(), |x| x.element());
        let js = self.dialect == Dialect::Pangolin;
        match func {
            "abs" | "ceil" | "floor" | "length" | "sum" => Abs::number(),
            "avg" => {
                let mut r = Abs::number();
                if !js && a0.array.as_ref().is_some_and(|a| a.may_be_empty) {
                    r.null = true;
                }
                r
            }
            "contains" | "starts_with" | "ends_with" => Abs::boolean(),
            "join" => Abs::any_string(),
            "to_string" => {
                let mut r = Abs {
                    strings: a0.strings.clone(),
                    ..Abs::default()
                };
                if !a0.without_strings().is_nothing() {
                    r.strings = Strings::Any;
                }
                r
            }
            "to_number" => {
                let mut r = Abs::number();
                if a0.may_be_string() || !a0.without_strings().without_number().is_nothing() {
                    r.null = true;
                }
                r
            }
            "type" => {
                let mut s = SortedSet::new();
                for k in a0.kinds() {
                    s.insert(k.to_string());
                }
                Abs {
                    strings: Strings::Known(s),
                    undefined: a0.function || a0.undefined,
                    ..Abs::default()
                }
            }
            "keys" => {
                let mut e = Abs::nothing();
                if let Some(o) = &a0.object {
                    e.strings = if o.open {
                        Strings::Any
                    } else {
                        let mut keys = SortedSet::new();
                        keys.extend(o.fields.keys().cloned());
                        Strings::Known(keys)
                    };
                }
                Abs::array_of(Some(e), true, None)
            }
            "values" => {
                let mut e = Abs::nothing();
                if let Some(o) = &a0.object {
                    for v in o.fields.values() {
                        e.union(v);
                    }
                    if o.open {
                        e = Abs::any_json();
                    }
                }
                Abs::array_of(Some(e), true, None)
            }
            "to_array" => {
                let mut r = Abs::nothing();
                if let Some(a) = &a0.array {
                    r.array = Some(a.clone());
                }
                let rest = a0.without_array();
                if !rest.is_nothing() {
                    r.union(&Abs::array_of(Some(rest), false, Some(1)));
                }
                r
            }
            "not_null" => {
                let mut r = Abs::nothing();
                let mut all_null = true;
                for v in values {
                    r.union(&v.without_null());
                    all_null &= v.null;
                }
                r.null = all_null;
                r
            }
            "reverse" | "sort" => a0,
            "merge" => Abs::any_object(),
            "max" | "min" => {
                let mut r = elem_of(&a0);
                r.null = true;
                r
            }
            "max_by" | "min_by" => {
                let mut r = elem_of(&a0);
                r.null = true;
                r.undefined |= js;
                r
            }
            "sort_by" => a0,
            "map" => {
                let arr = valid.get(1).cloned().unwrap_or_default();
                let e = elem_of(&arr);
                let mapped = match args.first().map(|a| &a.kind) {
                    Some(NodeKind::ExprRef(inner)) if !e.is_nothing() => {
                        self.eval(inner, &e, false)
                    }
                    _ => Abs::nothing(),
                };
                let max = arr.array.as_ref().and_then(|a| a.max_len);
                Abs::array_of(Some(mapped), true, max)
            }
            _ => Abs::any_json(),
        }
    }
}

/// The part of each argument its parameter accepts (for the first
/// `checked`; the rest as they are), and the arguments a type error can
/// reject.
fn check_arguments(
    name: &str,
    params: &[&[ParamType]],
    args: &[Node],
    values: &[Abs],
    checked: usize,
) -> (Vec<Abs>, Vec<TypeIssue>) {
    let fixed = params.len();
    let mut issues = Vec::new();
    let mut valid: Vec<Abs> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let types = params
            .get(i.min(fixed.saturating_sub(1)))
            .copied()
            .unwrap_or(&[]);
        if types.contains(&ParamType::ExprRef) {
            valid.push(Abs::nothing());
            if !matches!(args.get(i).map(|a| &a.kind), Some(NodeKind::ExprRef(_))) {
                issues.push(TypeIssue {
                    function: name.to_string(),
                    arg: i,
                    rejected: v.to_string(),
                    always: true,
                    null: v.null,
                });
            }
            continue;
        }
        let mut ok = Abs::nothing();
        let mut rest = v.clone();
        for t in types {
            let (y, n) = rest.split(*t);
            ok.union(&y);
            rest = n;
        }
        if i < checked && !rest.is_nothing() {
            issues.push(TypeIssue {
                function: name.to_string(),
                arg: i,
                rejected: rest.to_string(),
                always: ok.is_nothing(),
                null: rest.null,
            });
        }
        valid.push(if i < checked { ok } else { v.clone() });
    }
    (valid, issues)
}

impl Abs {
    fn without_array(&self) -> Abs {
        Abs {
            array: None,
            ..self.clone()
        }
    }

    fn without_object(&self) -> Abs {
        Abs {
            object: None,
            ..self.clone()
        }
    }

    fn without_strings(&self) -> Abs {
        Abs {
            strings: Strings::None,
            ..self.clone()
        }
    }

    fn without_number(&self) -> Abs {
        Abs {
            number: false,
            ..self.clone()
        }
    }

    /// The JMESPath type names of the possible values (`type()` answers).
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.null {
            out.push("null");
        }
        if self.true_ || self.false_ {
            out.push("boolean");
        }
        if self.number {
            out.push("number");
        }
        if self.may_be_string() {
            out.push("string");
        }
        if self.array.is_some() {
            out.push("array");
        }
        if self.object.is_some() {
            out.push("object");
        }
        out
    }

    /// The one value of the set, if it holds exactly one JSON value.
    pub fn single(&self) -> Option<Json> {
        let mut found: Option<Json> = None;
        let mut count = 0;
        if self.null {
            count += 1;
            found = Some(Json::Null);
        }
        if self.true_ {
            count += 1;
            found = Some(Json::Bool(true));
        }
        if self.false_ {
            count += 1;
            found = Some(Json::Bool(false));
        }
        match &self.strings {
            Strings::None => {}
            Strings::Known(s) if s.len() == 1 => {
                count += 1;
                found = s.iter().next().map(|s| Json::from(s.as_str()));
            }
            _ => count += 2,
        }
        if self.number
            || self.array.is_some()
            || self.object.is_some()
            || self.function
            || self.undefined
        {
            count += 2;
        }
        if count == 1 {
            found
        } else {
            None
        }
    }
}

/// The literal `v` of a filter condition `@ == v` (or `v == @`): the
/// elements kept are equal to it.
fn equality_with_current(cond: &Node) -> Option<&Json> {
    let NodeKind::Compare {
        op: Comparator::Eq,
        lhs,
        rhs,
    } = &cond.kind
    else {
        return None;
    };
    let is_cur = |n: &Node| matches!(n.kind, NodeKind::Current | NodeKind::Identity);
    match (&lhs.kind, &rhs.kind) {
        (_, NodeKind::Literal { value, .. }) if is_cur(lhs) => Some(value),
        (NodeKind::Literal { value, .. }, _) if is_cur(rhs) => Some(value),
        _ => None,
    }
}

fn compare(op: Comparator, l: &Abs, r: &Abs, dialect: Dialect) -> Abs {
    if op.is_ordering() {
        if dialect == Dialect::Pangolin {
            return Abs::boolean();
        }
        let mut out = Abs::nothing();
        if l.number && r.number {
            out = Abs::boolean();
        }
        if !l.without_number().is_nothing() || !r.without_number().is_nothing() {
            out.null = true;
        }
        return out;
    }
    if l.is_nothing() || r.is_nothing() {
        return Abs::nothing();
    }
    if let (Some(a), Some(b)) = (l.single(), r.single()) {
        let eq = a == b;
        let res = if op == Comparator::Eq { eq } else { !eq };
        return Abs {
            true_: res,
            false_: !res,
            ..Abs::default()
        };
    }
    Abs::boolean()
}

/// `l[index]`: the element of an array `l` may be, null where the index may
/// be out of range or `l` may be something else.
fn element(l: &Abs, index: i64) -> Abs {
    let mut out = Abs::nothing();
    if let Some(a) = &l.array {
        out = a.element();
        if !a.may_be_nonempty {
            out = Abs::nothing();
        }
        // Out of range, unless every array is long enough.
        let within = match usize::try_from(index) {
            Ok(i) => i < a.min_len,
            Err(_) => usize::try_from(index.unsigned_abs()).is_ok_and(|i| i <= a.min_len),
        };
        if !within {
            out.null = true;
        }
    }
    if !l.without_array().is_nothing() {
        out.null = true;
    }
    out
}
