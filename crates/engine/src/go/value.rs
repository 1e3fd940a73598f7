//! Go values as the Go engines see a JSON document: `nil`, `bool`,
//! `float64`, `string`, `[]interface{}`, `map[string]interface{}` (members
//! in the order they were inserted: see [`GoMap::members`]; `encoding/json` and
//! `fmt` write them sorted by key), plus expression references.

use std::rc::Rc;

use serde_json::Value as Json;

use crate::ast::Node;
use crate::sorted::SortedMap;

/// A Go `map[string]interface{}`: its members in the order they were
/// inserted (a decoded document's own order), and an index of them by
/// key. Assigning to a key already there keeps its place, as in Go.
#[derive(Clone, Debug, Default)]
pub(crate) struct GoMap<'a> {
    entries: Vec<(Rc<str>, GoValue<'a>)>,
    /// Each key's place in `entries`, in ascending key order.
    index: SortedMap<Rc<str>, usize>,
}

impl<'a> GoMap<'a> {
    pub(crate) fn new() -> GoMap<'a> {
        GoMap::default()
    }

    /// The map of `entries`, whose keys are all different (a decoded
    /// object's): indexed by one sort, where inserting them one by one
    /// would shift the index's vector for each (a 100,000-member object
    /// took 0.9 s).
    fn from_unique(entries: Vec<(Rc<str>, GoValue<'a>)>) -> GoMap<'a> {
        let mut order: Vec<usize> = (0..entries.len()).collect();
        crate::sort::sort_indices(&mut order, &mut |a, b| entries[a].0.cmp(&entries[b].0));
        let mut index = SortedMap::new();
        // In ascending order, each key goes last.
        for at in order {
            index.insert(Rc::clone(&entries[at].0), at);
        }
        GoMap { entries, index }
    }

    /// Sets `key` to `value`; a new key goes last.
    pub(crate) fn insert(&mut self, key: Rc<str>, value: GoValue<'a>) {
        match self.index.get(&*key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.index.insert(Rc::clone(&key), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&GoValue<'a>> {
        self.index.get(key).map(|&at| &self.entries[at].1)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut GoValue<'a>> {
        let at = *self.index.get(key)?;
        Some(&mut self.entries[at].1)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The members in insertion order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&Rc<str>, &GoValue<'a>)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The members sorted by key, as `encoding/json` and `fmt` write a map.
    pub(crate) fn sorted(&self) -> impl Iterator<Item = (&Rc<str>, &GoValue<'a>)> {
        self.index.values().map(|&at| {
            let (k, v) = &self.entries[at];
            (k, v)
        })
    }

    /// The members in the order Go's iteration takes them when it starts
    /// `rotation` members in. A Go map of at most 8 members lives in one
    /// bucket of 8 slots, filled in insertion order, and an iteration
    /// starts at a random slot and wraps around: the order is a rotation of
    /// the insertion order, and the insertion order itself (rotation 0) in
    /// 9 − n of 8 iterations (Debian's `jp`, 200 runs of `keys(@)` on 4
    /// members: 115 in insertion order, 29, 29 and 27 in the three other
    /// rotations). A larger map spreads its members over buckets by a hash
    /// seeded at random: any order, of which these are some.
    pub(crate) fn members(
        &self,
        rotation: usize,
    ) -> impl Iterator<Item = (&Rc<str>, &GoValue<'a>)> {
        let start = if self.is_empty() {
            0
        } else {
            rotation % self.len()
        };
        let (before, after) = self.entries.split_at(start);
        after.iter().chain(before).map(|(k, v)| (k, v))
    }
}

/// A Go value.
#[derive(Clone, Debug)]
pub(crate) enum GoValue<'a> {
    Nil,
    Bool(bool),
    Number(f64),
    String(Rc<str>),
    Array(Rc<Vec<GoValue<'a>>>),
    Object(Rc<GoMap<'a>>),
    /// `&expr`: a function of one value.
    ExprRef(&'a Node),
}

impl<'a> GoValue<'a> {
    pub(crate) fn from_json(v: &Json) -> GoValue<'a> {
        match v {
            Json::Null => GoValue::Nil,
            Json::Bool(b) => GoValue::Bool(*b),
            Json::Number(n) => GoValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => GoValue::String(Rc::from(s.as_str())),
            Json::Array(items) => {
                GoValue::Array(Rc::new(items.iter().map(Self::from_json).collect()))
            }
            Json::Object(m) => GoValue::Object(Rc::new(GoMap::from_unique(
                m.iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Self::from_json(v)))
                    .collect(),
            ))),
        }
    }

    /// The JSON of the value; `Err` is `encoding/json`'s message for what
    /// it cannot write (NaN, infinities, and in the community engine an
    /// expression reference, a Go func; v0.4.0's is a struct with no
    /// exported fields: `{}`).
    pub(crate) fn to_json(&self, community: bool) -> Result<Json, String> {
        Ok(match self {
            GoValue::Nil => Json::Null,
            GoValue::Bool(b) => Json::Bool(*b),
            GoValue::Number(f) => {
                super::json::number_text(*f)?;
                crate::jsnum::to_json_number(*f)
            }
            GoValue::String(s) => Json::String(s.to_string()),
            GoValue::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|v| v.to_json(community))
                    .collect::<Result<_, _>>()?,
            ),
            GoValue::Object(m) => {
                let mut out = serde_json::Map::with_capacity(m.len());
                for (k, v) in m.sorted() {
                    out.insert(k.to_string(), v.to_json(community)?);
                }
                Json::Object(out)
            }
            GoValue::ExprRef(_) if !community => Json::Object(serde_json::Map::new()),
            GoValue::ExprRef(_) => {
                return Err(
                    "json: unsupported type: func(interface {}) (interface {}, error)".into(),
                )
            }
        })
    }

    /// `json.Marshal`'s text of the value (keys sorted, `-0` kept).
    pub(crate) fn marshal(&self, community: bool, out: &mut String) -> Result<(), String> {
        match self {
            GoValue::Number(f) => out.push_str(&super::json::number_text(*f)?),
            GoValue::String(s) => super::json::write_string(s, out),
            GoValue::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.marshal(community, out)?;
                }
                out.push(']');
            }
            GoValue::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.sorted().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    super::json::write_string(k, out);
                    out.push(':');
                    v.marshal(community, out)?;
                }
                out.push('}');
            }
            other => out.push_str(&super::json::marshal(&other.to_json(community)?)?),
        }
        Ok(())
    }

    pub(crate) fn str(s: &str) -> GoValue<'a> {
        GoValue::String(Rc::from(s))
    }

    pub(crate) fn array(items: Vec<GoValue<'a>>) -> GoValue<'a> {
        GoValue::Array(Rc::new(items))
    }

    /// Whether the value, written out, stays within `budget` (16 per value
    /// plus the bytes of its strings and keys, as [`crate::MAX_OUTPUT`]
    /// counts): values share their parts, so `[@, @]` repeated stands for
    /// far more than memory holds. Stops as soon as the budget is spent.
    pub(crate) fn fits(&self, budget: &mut u64) -> bool {
        let cost = 16
            + match self {
                GoValue::String(s) => s.len() as u64,
                _ => 0,
            };
        if *budget < cost {
            return false;
        }
        *budget -= cost;
        match self {
            GoValue::Array(items) => items.iter().all(|v| v.fits(budget)),
            GoValue::Object(m) => m.iter().all(|(k, v)| {
                let k = k.len() as u64;
                if *budget < k {
                    return false;
                }
                *budget -= k;
                v.fits(budget)
            }),
            _ => true,
        }
    }

    /// [`GoValue::fits`] within [`crate::MAX_OUTPUT`].
    pub(crate) fn fits_output(&self) -> bool {
        self.fits(&mut crate::MAX_OUTPUT.clone())
    }

    /// JMESPath's falsiness as the Go engines test it (`util.IsFalse`).
    pub(crate) fn is_false(&self) -> bool {
        match self {
            GoValue::Nil => true,
            GoValue::Bool(b) => !b,
            GoValue::String(s) => s.is_empty(),
            GoValue::Array(a) => a.is_empty(),
            GoValue::Object(m) => m.is_empty(),
            GoValue::Number(_) | GoValue::ExprRef(_) => false,
        }
    }

    pub(crate) fn is_nil(&self) -> bool {
        matches!(self, GoValue::Nil)
    }

    /// `reflect.DeepEqual` of two values.
    pub(crate) fn deep_equal(&self, other: &GoValue<'_>) -> bool {
        match (self, other) {
            (GoValue::Nil, GoValue::Nil) => true,
            (GoValue::Bool(a), GoValue::Bool(b)) => a == b,
            (GoValue::Number(a), GoValue::Number(b)) => a == b,
            (GoValue::String(a), GoValue::String(b)) => a == b,
            (GoValue::Array(a), GoValue::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.deep_equal(y))
            }
            (GoValue::Object(a), GoValue::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.deep_equal(w)))
            }
            _ => false,
        }
    }

    /// The Go type name (`%T`) as panics name it.
    pub(crate) fn go_type(&self, community: bool) -> &'static str {
        match self {
            GoValue::Nil => "<nil>",
            GoValue::Bool(_) => "bool",
            GoValue::Number(_) => "float64",
            GoValue::String(_) => "string",
            GoValue::Array(_) => "[]interface {}",
            GoValue::Object(_) => "map[string]interface {}",
            GoValue::ExprRef(_) if community => "func(interface {}) (interface {}, error)",
            GoValue::ExprRef(_) => "jmespath.expRef",
        }
    }

    /// Go's `%v` of the value (what the engines' type errors show).
    pub(crate) fn go_v(&self) -> String {
        let mut out = String::new();
        self.write_v(&mut out);
        out
    }

    fn write_v(&self, out: &mut String) {
        match self {
            GoValue::Nil => out.push_str("<nil>"),
            GoValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            GoValue::Number(f) => out.push_str(&super::json::go_float(*f)),
            GoValue::String(s) => out.push_str(s),
            GoValue::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.write_v(out);
                }
                out.push(']');
            }
            GoValue::Object(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.sorted().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_v(out);
                }
                out.push(']');
            }
            GoValue::ExprRef(_) => out.push_str("0x0"),
        }
    }
}
