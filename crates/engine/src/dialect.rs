//! Dialects: which real engine's answers to reproduce.
//!
//! Every behaviour in which the dialects differ is one field of [`Rules`],
//! and [`Dialect::rules`] is the one table that sets them. Parser and
//! evaluator consult a field; they never ask which dialect they run.

use std::fmt;
use std::str::FromStr;

/// A JMESPath engine whose answers to reproduce exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// The JMESPath specification and its official compliance suite.
    Spec,
    /// The npm package `jmespath@0.16.0`, the engine Pangolin runs, quirks included.
    #[default]
    Pangolin,
    /// Grafana 11.3 and later: the Go module
    /// `github.com/jmespath-community/go-jmespath` v1.1.1, quirks included.
    Grafana,
    /// Grafana 11.2 and earlier: the Go module `github.com/jmespath/go-jmespath`
    /// v0.4.0 (also the engine of Debian's `jp`).
    GrafanaLegacy,
}

impl Dialect {
    /// All dialects.
    pub const ALL: [Dialect; 4] = [
        Dialect::Spec,
        Dialect::Pangolin,
        Dialect::Grafana,
        Dialect::GrafanaLegacy,
    ];

    /// The dialect's name as used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Spec => "spec",
            Dialect::Pangolin => "pangolin",
            Dialect::Grafana => "grafana",
            Dialect::GrafanaLegacy => "grafana-11.2",
        }
    }

    /// A one-line description of the engine reproduced.
    pub fn engine(self) -> &'static str {
        match self {
            Dialect::Spec => "the JMESPath specification",
            Dialect::Pangolin => "jmespath.js 0.16.0 (Pangolin)",
            Dialect::Grafana => "go-jmespath community 1.1.1 (Grafana 11.3 and later)",
            Dialect::GrafanaLegacy => "go-jmespath 0.4.0 (Grafana 11.2 and earlier)",
        }
    }

    /// Whether the engine's numbers are IEEE doubles, printed as JavaScript
    /// prints them (`1.0` is `1`, `1e21` is `1e+21`; Go's `encoding/json`
    /// writes every float64 with the same text); otherwise JSON numbers,
    /// integers staying integers.
    pub fn has_double_numbers(self) -> bool {
        self.rules().numbers == Numbers::JsDouble
    }

    /// Whether the engine is a Go module (Grafana's): its failures are Go
    /// errors rather than thrown JavaScript exceptions.
    pub fn is_go(self) -> bool {
        self.rules().go.is_some()
    }

    /// The table of behaviours of this dialect.
    pub(crate) fn rules(self) -> &'static Rules {
        match self {
            Dialect::Spec => &SPEC,
            Dialect::Pangolin => &PANGOLIN,
            Dialect::Grafana => &GRAFANA,
            Dialect::GrafanaLegacy => &GRAFANA_LEGACY,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "spec" | "jmespath" => Ok(Dialect::Spec),
            "pangolin" | "jmespath.js" | "js" => Ok(Dialect::Pangolin),
            "grafana" | "grafana-11.3" | "go-jmespath-community" => Ok(Dialect::Grafana),
            "grafana-11.2" | "grafana-legacy" | "go-jmespath" | "jp" => Ok(Dialect::GrafanaLegacy),
            other => Err(format!(
                "unknown dialect `{other}`: expected `pangolin`, `grafana`, `grafana-11.2` or `spec`"
            )),
        }
    }
}

/// How `'raw strings'` are unescaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawEscapes {
    /// Every `\'` becomes `'`; every other backslash stays.
    AllQuotes,
    /// Only the FIRST `\'` becomes `'` (`str.replace("\\'", "'")` in JavaScript).
    FirstQuoteOnly,
}

/// How `` `literals` `` are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralJson {
    /// Strict JSON (every `` \` `` unescaped, surrounding whitespace ignored).
    Strict,
    /// jmespath.js: leading whitespace trimmed, the first `` \` `` unescaped,
    /// and text that does not look like JSON is read as a string
    /// (`` `Admin` `` is `"Admin"`).
    JsLegacy,
}

/// When function names and argument counts are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallChecks {
    /// When the expression is compiled.
    Compile,
    /// Only when the call is evaluated (so `` `false` && nope() `` is `false`).
    Evaluation,
}

/// How `<`, `<=`, `>`, `>=` compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordering {
    /// Numbers only; anything else gives `null`.
    NumbersOnly,
    /// JavaScript's relational operators on any types (`'b' > 'a'`, `null < 1`).
    JavaScript,
}

/// What a string is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strings {
    /// Unicode code points.
    CodePoints,
    /// UTF-16 code units (`length('😀')` is 2).
    Utf16,
}

/// How numbers behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// JSON numbers: integers stay integers, printed as serde_json prints them.
    Json,
    /// IEEE doubles printed as JavaScript prints them (`1.0` is `1`, `1e21` is `1e+21`).
    JsDouble,
}

/// What the Go engines (Grafana's) do differently from each other. Their
/// texts are parsed and evaluated by `crate::go`, a port of their own
/// algorithm: they lex first and parse by binding powers, with leniencies
/// of their own (optional commas in calls), and their evaluator works on
/// Go values (`float64` numbers, maps). Without the feature `grafana` no
/// Go engine reads them.
#[derive(Debug)]
#[cfg_attr(not(feature = "grafana"), allow(dead_code))]
pub struct GoRules {
    /// The community engine (v1.1.1): its syntax (the grammar's entry rule
    /// `go_community`, not `go_legacy`: arithmetic, `*` that multiplies
    /// after an operand, `$`, `let`, variables, `\\` in raw strings, a third
    /// `:` in a slice is an error), string slices, fifteen more functions,
    /// `avg([])` is `null` (v0.4.0: NaN), and its messages (`TOKStar`, not
    /// `tStar`; `invalid type for`, not `Invalid`).
    pub community: bool,
    /// Anything can be called (v0.4.0: `f(a)(b)` is `f(b)`, `'g'(a)` calls
    /// `g`, and a node that holds no name fails when the call is
    /// evaluated); the community engine calls names only.
    pub call_on_any_node: bool,
    /// `nil.b` is `nil` without evaluating `b` (v0.4.0 evaluates it on
    /// `nil`: `missing.type(@)` is `"null"`).
    pub nil_stops_subexpression: bool,
    /// `[a, b]` and `{k: a}` on `nil` are `nil` (v0.4.0), not built.
    pub multiselect_of_nil_is_nil: bool,
}

/// The behaviours in which dialects differ: the one place that decides them.
#[derive(Debug)]
pub struct Rules {
    /// jmespath.js's lenient parser: missing commas, a trailing comma in a
    /// call, `(a b)`, `[ ]`, a fourth `:` in a slice, runs of numbers in a
    /// slice (`[:1 2]`), unterminated strings, `1-2` read as `1`, a call on
    /// something that is not a name (`("f")(x)` included), a `.` followed by
    /// nothing usable (`a.`, `a.[]`, `a.[?b]`) and empty parentheses `()`,
    /// both failing only when evaluated.
    pub lenient_syntax: bool,
    /// Whether `\r` is white space (jmespath.js rejects it).
    pub cr_is_whitespace: bool,
    /// In a call's arguments and in parentheses, jmespath.js takes a bare `@`
    /// as a whole argument: `f(@.a)` is a syntax error, `f(@[0])` is `f(@, [0])`.
    pub bare_current_argument: bool,
    /// Raw string unescaping.
    pub raw_escapes: RawEscapes,
    /// Literal reading.
    pub literal_json: LiteralJson,
    /// When calls are checked.
    pub call_checks: CallChecks,
    /// Ordering comparisons.
    pub ordering: Ordering,
    /// String model.
    pub strings: Strings,
    /// Number model.
    pub numbers: Numbers,
    /// A field lookup on an object that lacks the key reaches JavaScript's
    /// `Object.prototype` (`constructor` is a function, `__proto__` is `{}`).
    pub prototype_fields: bool,
    /// Objects list integer-like keys first, ascending (JavaScript's property order).
    pub js_key_order: bool,
    /// Functions behave as in jmespath.js 0.16.0: `sort` compares string forms,
    /// `max`/`min` of strings use `localeCompare`, `max_by`/`min_by` give
    /// `undefined` for string keys, `contains` uses `indexOf`, `to_number`
    /// uses unary `+`, `avg([])` is `NaN`.
    pub js_functions: bool,
    /// Errors carry the message jmespath.js throws.
    pub js_messages: bool,
    /// A Go engine parses and evaluates (decided once, when compiling).
    pub go: Option<&'static GoRules>,
    /// An expression reference evaluated outside a function's arguments is
    /// jmespath.js's syntax-tree node marked `jmespathType: "Expref"`: an
    /// object whose fields, values and equality are the node's
    /// (`(&a).name` is `"a"`); function type checks still see `expression`.
    pub expref_objects: bool,
}

/// The specification: also what the Go engines' tables start from.
static SPEC: Rules = SPEC_FIELDS;

static PANGOLIN: Rules = Rules {
    lenient_syntax: true,
    cr_is_whitespace: false,
    bare_current_argument: true,
    raw_escapes: RawEscapes::FirstQuoteOnly,
    literal_json: LiteralJson::JsLegacy,
    call_checks: CallChecks::Evaluation,
    ordering: Ordering::JavaScript,
    strings: Strings::Utf16,
    numbers: Numbers::JsDouble,
    prototype_fields: true,
    js_key_order: true,
    js_functions: true,
    js_messages: true,
    go: None,
    expref_objects: true,
};

/// What the Go engines share with the spec's table (their own differences
/// are in [`GoRules`]): numbers are `float64`, written as `encoding/json`
/// writes them (the same text as JavaScript's for every double).
static GRAFANA: Rules = Rules {
    numbers: Numbers::JsDouble,
    call_checks: CallChecks::Evaluation,
    go: Some(&GoRules {
        community: true,
        call_on_any_node: false,
        nil_stops_subexpression: true,
        multiselect_of_nil_is_nil: false,
    }),
    ..SPEC_FIELDS
};

static GRAFANA_LEGACY: Rules = Rules {
    numbers: Numbers::JsDouble,
    call_checks: CallChecks::Evaluation,
    go: Some(&GoRules {
        community: false,
        call_on_any_node: true,
        nil_stops_subexpression: false,
        multiselect_of_nil_is_nil: true,
    }),
    ..SPEC_FIELDS
};

/// The specification's rules, as a constant the other tables can start
/// from (`..SPEC_FIELDS`).
const SPEC_FIELDS: Rules = Rules {
    lenient_syntax: false,
    cr_is_whitespace: true,
    bare_current_argument: false,
    raw_escapes: RawEscapes::AllQuotes,
    literal_json: LiteralJson::Strict,
    call_checks: CallChecks::Compile,
    ordering: Ordering::NumbersOnly,
    strings: Strings::CodePoints,
    numbers: Numbers::Json,
    prototype_fields: false,
    js_key_order: false,
    js_functions: false,
    js_messages: false,
    go: None,
    expref_objects: false,
};
