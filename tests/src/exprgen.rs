//! Random JMESPath expressions, weighted towards what role-mapping
//! expressions use (`&&`, `||`, `!`, comparators, `contains`, filters,
//! projections, raw strings, literals, quoted identifiers), with all 26
//! functions called with well-typed and ill-typed arguments, lenient forms
//! jmespath.js accepts (missing commas, trailing comma in calls), names of
//! JavaScript `Object.prototype` members as fields, and a little garbage.
//!
//! The text is built directly, so some expressions are (on purpose) not
//! valid: both engines must then agree that they are errors.

use crate::rng::Rng;

/// What a generated argument should usually evaluate to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Any,
    Num,
    Str,
    Arr,
    ArrNum,
    ArrStr,
    Obj,
    Expref,
}

/// The functions of jmespath.js with the types of their parameters
/// (`true`: the last parameter is variadic).
const FUNCTIONS: &[(&str, &[Ty], bool)] = &[
    ("abs", &[Ty::Num], false),
    ("avg", &[Ty::ArrNum], false),
    ("ceil", &[Ty::Num], false),
    ("contains", &[Ty::Arr, Ty::Any], false),
    ("ends_with", &[Ty::Str, Ty::Str], false),
    ("floor", &[Ty::Num], false),
    ("join", &[Ty::Str, Ty::ArrStr], false),
    ("keys", &[Ty::Obj], false),
    ("length", &[Ty::Any], false),
    ("map", &[Ty::Expref, Ty::Arr], false),
    ("max", &[Ty::ArrNum], false),
    ("max_by", &[Ty::Arr, Ty::Expref], false),
    ("merge", &[Ty::Obj], true),
    ("min", &[Ty::ArrStr], false),
    ("min_by", &[Ty::Arr, Ty::Expref], false),
    ("not_null", &[Ty::Any], true),
    ("reverse", &[Ty::Arr], false),
    ("sort", &[Ty::ArrStr], false),
    ("sort_by", &[Ty::Arr, Ty::Expref], false),
    ("starts_with", &[Ty::Str, Ty::Str], false),
    ("sum", &[Ty::ArrNum], false),
    ("to_array", &[Ty::Any], false),
    ("to_number", &[Ty::Any], false),
    ("to_string", &[Ty::Any], false),
    ("type", &[Ty::Any], false),
    ("values", &[Ty::Obj], false),
];

/// Field names of the generated claims (see [`crate::claims`]).
const FIELDS: &[&str] = &[
    "sub",
    "email",
    "email_verified",
    "preferred_username",
    "name",
    "groups",
    "roles",
    "realm_access",
    "resource_access",
    "age",
    "scores",
    "active",
    "nothing",
    "empty_list",
    "empty_obj",
    "empty_str",
    "unicode",
    "orgs",
    "attrs",
    "matrix",
    "mixed",
    "missing",
    "id",
    "role",
    "tags",
    "score",
    "a",
    "b",
    "foo",
];

/// Names that reach `Object.prototype` in jmespath.js.
const PROTO: &[&str] = &[
    "constructor",
    "toString",
    "__proto__",
    "hasOwnProperty",
    "valueOf",
    "isPrototypeOf",
    "toLocaleString",
    "propertyIsEnumerable",
    "__defineGetter__",
];

/// Quoted identifiers (as written in the expression).
const QUOTED: &[&str] = &[
    r#""cognito:groups""#,
    r#""my-app""#,
    r#""sub""#,
    r#""1""#,
    r#""10""#,
    r#""0""#,
    r#""groups""#,
    r#""with space""#,
    r#""a\"b""#,
    r#""\u00e9""#,
    r#""😀""#,
    r#""""#,
    r#""constructor""#,
    r#""__proto__""#,
    r#""a\\b""#,
    r#""\ud83d\ude00""#,
    r#""\n""#,
];

/// Strings for raw string literals, before quoting.
const RAW: &[&str] = &[
    "admin",
    "Admin",
    "member",
    "Member",
    "media",
    "dev",
    "ops",
    "org-admin",
    "/org/admin",
    "a",
    "b",
    "",
    " ",
    "é",
    "😀",
    "日本",
    "1",
    "10",
    "2",
    "1.5",
    "-1",
    "true",
    "null",
    "0x10",
    " 12 ",
    "user-1",
    "alice",
    "Z",
    "z",
    "@example.com",
    "user",
    "/org",
    "ad",
    "1e3",
    "Infinity",
    "-Infinity",
    "0b11",
    "0o7",
    ".5",
    "5.",
    "+5",
    "1_000",
    "\n12",
    "0X1F",
    "-0",
    "1e400",
    "ß",
];

/// Strings for string arrays that exercise ordering (`sort`, `min`, `max`,
/// `localeCompare`): case, accents, digits, punctuation, non-BMP.
const ORDERED: &[&str] = &[
    "a", "A", "b", "B", "z", "Z", "é", "E", "e", "ß", "ss", "_", "-", " ", "1", "10", "9", "😀",
    "😁", "日本", "\\u00e9", "aa", "a-b", "a_b", "Ω", "ω", "", "\\ud7ff", "\\uffff", "ä", "ﬀ",
    "\\u0301e", "admin", "Admin", "ADMIN", "@", "~", "{", "|",
];

/// Quoteless backtick literal texts (jmespath.js reads them as strings).
const QUOTELESS: &[&str] = &[
    "Admin",
    "admin",
    "1.2.3",
    "admin-role",
    " Admin",
    "foo bar",
    "a\\nb",
    "\\\\",
    "é",
    "😀",
    "1-2",
    "-",
    "--1",
    "tru",
    "nul",
    "\\u00e9",
    "a\\\"b",
    "a\"b",
    "+1",
    ".5",
    "",
    "a\\`b",
    "Infinity",
    "NaN",
    "0x10",
    "1e",
    "ADMIN",
];

/// JSON backtick literal texts.
const JSON_LITERALS: &[&str] = &[
    "\"admin\"",
    "\"Admin\"",
    "\"\"",
    "1",
    "0",
    "-1",
    "1.5",
    "1.0",
    "-2.5",
    "1e3",
    "1e21",
    "12345678901234567890",
    "0.1",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[1, 2, 3]",
    "[10, 9, 1]",
    "[\"b\", \"a\", \"B\"]",
    "[1, \"a\", null]",
    "{\"a\": 1, \"b\": [2]}",
    "{\"1\": \"x\", \"b\": 2, \"0\": 3}",
    "[[1, 2], [3]]",
    "\"a\\u00e9\"",
    "\"😀\"",
    " \"padded\"",
    "[{\"a\": 1}, {\"a\": 2}]",
    "{\"a\": {\"b\": \"c\"}}",
    "-0",
    "[0.5, 2]",
    "\"with \\` backtick\"",
    "{a}",
    "[1,",
    "01",
    "\"unterminated",
    "1.",
    "[1 2]",
];

/// A generator of expression text.
pub struct ExprGen<'r> {
    rng: &'r mut Rng,
}

impl<'r> ExprGen<'r> {
    /// A generator drawing from `rng`.
    pub fn new(rng: &'r mut Rng) -> ExprGen<'r> {
        ExprGen { rng }
    }

    /// One top-level expression.
    pub fn expression(&mut self) -> String {
        let d = self.rng.range(1, 4) as u32;
        match self.rng.weighted(&[22, 18, 14, 22, 5, 6, 4, 4, 3, 2, 2]) {
            0 => self.mapping(d),
            1 => self.cond(d),
            2 => self.path(d),
            3 => self.call(d),
            4 => self.multi(d),
            5 => self.pipe(d),
            6 => self.any(d),
            7 => self.lenient(d),
            8 => self.proto(d),
            9 => self.garbage(d),
            _ => self.ordering(),
        }
    }

    /// String ordering: `min`/`max` (`localeCompare` in jmespath.js),
    /// `sort`/`sort_by` (UTF-16 code units) and comparators (JavaScript `<`).
    fn ordering(&mut self) -> String {
        let n = self.rng.range(2, 4);
        let items: Vec<String> = (0..n)
            .map(|_| format!("\"{}\"", self.rng.pick(ORDERED)))
            .collect();
        let list = format!("`[{}]`", items.join(", "));
        match self.rng.below(6) {
            0 | 1 => format!("min({list})"),
            2 => format!("max({list})"),
            3 => format!("sort({list})"),
            4 => format!("sort_by({list}, &@)"),
            _ => format!("{list}[0] < {list}[1]"),
        }
    }

    fn ws(&mut self) -> &'static str {
        self.rng
            .pick::<&str>(&[" ", " ", " ", " ", " ", " ", "", "", "  ", "\n", "\t"])
    }

    fn comma(&mut self) -> &'static str {
        self.rng.pick::<&str>(&[", ", ", ", ", ", ",", " ,", ",\n"])
    }

    /// `cond && 'Role' || 'Other'` and its relatives.
    fn mapping(&mut self, d: u32) -> String {
        let c = self.cond(d);
        match self.rng.below(5) {
            0 | 1 => format!("{c} && {} || {}", self.role(), self.role()),
            2 => format!("{c} && {}", self.role()),
            3 => {
                let c2 = self.cond(d.saturating_sub(1));
                format!(
                    "{c} && {} || {c2} && {} || {}",
                    self.role(),
                    self.role(),
                    self.role()
                )
            }
            _ => format!(
                "({c}) && {} || {}",
                self.any(d.saturating_sub(1)),
                self.role()
            ),
        }
    }

    fn role(&mut self) -> String {
        match self.rng.weighted(&[6, 2, 1, 1]) {
            0 => self.raw_string(),
            1 => format!(
                "`{}`",
                self.rng
                    .pick(&["Admin", "Member", "\"Admin\"", "1", "null"])
            ),
            2 => self.path(0),
            _ => self.literal(),
        }
    }

    /// Something usually used for its truthiness.
    fn cond(&mut self, d: u32) -> String {
        if d == 0 {
            return match self.rng.below(4) {
                0 => format!("contains({}, {})", self.field_path(), self.raw_string()),
                1 => self.field_path(),
                2 => format!("{} == {}", self.field_path(), self.literal()),
                _ => format!("!{}", self.field_path()),
            };
        }
        let e = d - 1;
        match self.rng.weighted(&[20, 18, 8, 10, 10, 8, 4, 3, 4]) {
            0 => self.compare(e),
            1 => {
                let f = *self
                    .rng
                    .pick(&["contains", "contains", "starts_with", "ends_with"]);
                let (a, b) = if f == "contains" {
                    (self.arg(Ty::Arr, e), self.arg(Ty::Any, e))
                } else {
                    (self.arg(Ty::Str, e), self.arg(Ty::Str, e))
                };
                format!("{f}({a}{}{b})", self.comma())
            }
            2 => format!("!{}", self.atomish(e)),
            3 => format!(
                "{}{}&&{}{}",
                self.cond(e),
                self.ws(),
                self.ws(),
                self.cond(e)
            ),
            4 => format!(
                "{}{}||{}{}",
                self.cond(e),
                self.ws(),
                self.ws(),
                self.cond(e)
            ),
            5 => format!("({})", self.cond(e)),
            6 => format!("!({})", self.cond(e)),
            7 => self.path(e),
            _ => format!(
                "length({}) {} `{}`",
                self.arg(Ty::Arr, e),
                self.comparator(),
                self.rng.range(-1, 3)
            ),
        }
    }

    fn comparator(&mut self) -> &'static str {
        self.rng
            .pick::<&str>(&["==", "==", "!=", "<", "<=", ">", ">="])
    }

    fn compare(&mut self, d: u32) -> String {
        let op = self.comparator();
        let lhs = match self.rng.below(4) {
            0 | 1 => self.field_path(),
            2 => self.any(d),
            _ => self.arg(Ty::Num, d),
        };
        let rhs = match self.rng.below(4) {
            0 | 1 => self.literal(),
            2 => self.any(d),
            _ => self.field_path(),
        };
        let (w1, w2) = (self.ws(), self.ws());
        format!("{lhs}{w1}{op}{w2}{rhs}")
    }

    /// A primary that binds tightly enough to be an operand of `!`.
    fn atomish(&mut self, d: u32) -> String {
        match self.rng.below(5) {
            0 => self.field_path(),
            1 => self.call(d),
            2 => format!("({})", self.any(d)),
            3 => self.literal(),
            _ => self.path(d),
        }
    }

    /// A field name: mostly claims, sometimes quoted or a prototype member.
    fn name(&mut self) -> String {
        match self.rng.weighted(&[80, 12, 4]) {
            0 => (*self.rng.pick(FIELDS)).to_string(),
            1 => (*self.rng.pick(QUOTED)).to_string(),
            _ => (*self.rng.pick(PROTO)).to_string(),
        }
    }

    /// A plain dotted path to a claim.
    fn field_path(&mut self) -> String {
        let known: &[&str] = &[
            "groups",
            "sub",
            "email",
            "preferred_username",
            "realm_access.roles",
            "resource_access.\"my-app\".roles",
            "\"cognito:groups\"",
            "roles",
            "age",
            "active",
            "email_verified",
            "orgs[0].name",
            "orgs[*].role",
            "attrs.\"1\"",
            "nothing",
            "missing",
            "scores",
            "unicode",
            "empty_list",
            "empty_obj",
            "resource_access.*.roles[]",
            "groups[0]",
            "groups[-1]",
            "@",
            "name",
            "mixed",
            "attrs.b",
        ];
        if self.rng.chance(0.75) {
            (*self.rng.pick(known)).to_string()
        } else {
            let n = self.rng.range(1, 3);
            (0..n).map(|_| self.name()).collect::<Vec<_>>().join(".")
        }
    }

    /// A path with projections, filters, indexes and slices.
    fn path(&mut self, d: u32) -> String {
        let mut s = match self.rng.weighted(&[10, 2, 1, 1, 1]) {
            0 => self.name(),
            1 => "@".to_string(),
            2 if d > 0 => format!("({})", self.any(d - 1)),
            3 if d > 0 => self.multi(d - 1),
            _ => self.field_path(),
        };
        let n = self.rng.range(0, 3);
        for _ in 0..n {
            let part = self.postfix(d.saturating_sub(1));
            s.push_str(&part);
        }
        s
    }

    fn postfix(&mut self, d: u32) -> String {
        match self.rng.weighted(&[10, 6, 5, 4, 5, 4, 2, 3, 1, 1]) {
            0 => format!(".{}", self.name()),
            1 => format!("[{}]", self.rng.range(-3, 3)),
            2 => "[*]".to_string(),
            3 => "[]".to_string(),
            4 => format!("[?{}]", self.filter_cond(d)),
            5 => format!("[{}]", self.slice()),
            6 => ".*".to_string(),
            7 => format!(".{}", self.name()),
            8 if d > 0 => format!(".{}", self.multi(d - 1)),
            _ => format!(
                ".{}",
                self.rng.pick(&["length(@)", "to_string(@)", "type(@)"])
            ),
        }
    }

    fn filter_cond(&mut self, d: u32) -> String {
        match self.rng.below(6) {
            0 => format!("@ == {}", self.raw_string()),
            1 => format!("contains(@, {})", self.raw_string()),
            2 => format!("{} {} {}", self.name(), self.comparator(), self.literal()),
            3 => format!("starts_with(@, {})", self.raw_string()),
            4 => self.name(),
            _ => self.cond(d),
        }
    }

    fn slice(&mut self) -> String {
        let part = |rng: &mut Rng| {
            if rng.chance(0.5) {
                String::new()
            } else {
                rng.range(-3, 3).to_string()
            }
        };
        let a = part(self.rng);
        let b = part(self.rng);
        match self.rng.below(4) {
            0 => format!("{a}:{b}"),
            1 => format!("{a}:{b}:"),
            2 => format!(
                "{a}:{b}:{}",
                self.rng.pick(&["-1", "2", "-2", "1", "3", "0"])
            ),
            _ => format!(":{b}"),
        }
    }

    /// A raw string literal, escapes included.
    fn raw_string(&mut self) -> String {
        let body = match self.rng.weighted(&[70, 8, 5, 5, 4, 3, 3, 2]) {
            0 => (*self.rng.pick(RAW)).to_string(),
            1 => "it\\'s".to_string(),
            2 => "a\\'b\\'c".to_string(),
            3 => "a\\\\b".to_string(),
            4 => "\\\\".to_string(),
            5 => "x\\y".to_string(),
            6 => "\\'\\'".to_string(),
            _ => "\"q\" `b`".to_string(),
        };
        format!("'{body}'")
    }

    /// A literal: raw string, JSON or quoteless backtick literal.
    fn literal(&mut self) -> String {
        match self.rng.weighted(&[40, 30, 20]) {
            0 => self.raw_string(),
            1 => format!("`{}`", self.rng.pick(JSON_LITERALS)),
            _ => format!("`{}`", self.rng.pick(QUOTELESS)),
        }
    }

    /// Something of any type.
    fn any(&mut self, d: u32) -> String {
        if d == 0 {
            return match self.rng.below(3) {
                0 => self.field_path(),
                1 => self.literal(),
                _ => self.name(),
            };
        }
        let e = d - 1;
        match self.rng.weighted(&[6, 4, 6, 6, 3, 2, 2, 1, 1]) {
            0 => self.path(e),
            1 => self.literal(),
            2 => self.cond(e),
            3 => self.call(e),
            4 => self.multi(e),
            5 => self.pipe(e),
            6 => format!("({})", self.any(e)),
            7 => "@".to_string(),
            _ => self.proto(e),
        }
    }

    /// A multi-select list or hash.
    fn multi(&mut self, d: u32) -> String {
        let n = self.rng.range(1, 3);
        if self.rng.chance(0.5) {
            let items: Vec<String> = (0..n).map(|_| self.any(d)).collect();
            format!("[{}]", items.join(", "))
        } else {
            let keys = [
                "a",
                "role",
                "org",
                "\"my-app\"",
                "b",
                "name",
                "constructor",
                "\"1\"",
                "x",
                "__proto__",
            ];
            let items: Vec<String> = (0..n)
                .map(|_| format!("{}: {}", self.rng.pick(&keys), self.any(d)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }

    fn pipe(&mut self, d: u32) -> String {
        let a = self.any(d);
        let b = match self.rng.below(3) {
            0 => self.path(d),
            1 => self.call(d),
            _ => self.any(d),
        };
        format!("{a}{}|{}{b}", self.ws(), self.ws())
    }

    /// An argument of (usually) type `ty`.
    fn arg(&mut self, ty: Ty, d: u32) -> String {
        let ty = if self.rng.chance(0.15) {
            *self.rng.pick(&[
                Ty::Any,
                Ty::Num,
                Ty::Str,
                Ty::Arr,
                Ty::ArrNum,
                Ty::Obj,
                Ty::Expref,
            ])
        } else {
            ty
        };
        let deeper = d > 0 && self.rng.chance(0.3);
        match ty {
            Ty::Any => self.any(d),
            Ty::Num if deeper => {
                let f =
                    *self
                        .rng
                        .pick(&["abs", "ceil", "floor", "to_number", "length", "sum", "avg"]);
                let t = match f {
                    "length" => Ty::Arr,
                    "sum" | "avg" => Ty::ArrNum,
                    "to_number" => Ty::Str,
                    _ => Ty::Num,
                };
                format!("{f}({})", self.arg(t, d - 1))
            }
            Ty::Num => (*self.rng.pick(&[
                "age",
                "`1.5`",
                "`-2`",
                "`0`",
                "`3`",
                "orgs[0].score",
                "orgs[0].id",
                "`1e21`",
                "length(groups)",
                "`-0.5`",
                "scores[0]",
                "`10`",
                "`null`",
                "avg(`[]`)",
            ]))
            .to_string(),
            Ty::Str if deeper => match self.rng.below(3) {
                0 => format!("to_string({})", self.any(d - 1)),
                1 => format!(
                    "join({}, {})",
                    self.raw_string(),
                    self.arg(Ty::ArrStr, d - 1)
                ),
                _ => format!("{}[0]", self.arg(Ty::ArrStr, d - 1)),
            },
            Ty::Str => match self.rng.below(4) {
                0 | 1 => self.raw_string(),
                2 => format!("`{}`", self.rng.pick(QUOTELESS)),
                _ => (*self.rng.pick(&[
                    "sub",
                    "email",
                    "preferred_username",
                    "groups[0]",
                    "name",
                    "unicode",
                    "orgs[0].name",
                    "empty_str",
                    "`\"x\"`",
                ]))
                .to_string(),
            },
            Ty::Arr if deeper => match self.rng.below(4) {
                0 => self.path(d - 1),
                1 => self.multi(d - 1),
                2 => format!("{}[?{}]", self.field_path(), self.filter_cond(d - 1)),
                _ => self.call(d - 1),
            },
            Ty::Arr => (*self.rng.pick(&[
                "groups",
                "roles",
                "realm_access.roles",
                "resource_access.\"my-app\".roles",
                "\"cognito:groups\"",
                "orgs",
                "orgs[*].name",
                "mixed",
                "matrix[]",
                "`[]`",
                "`[1, \"a\", null]`",
                "scores",
                "empty_list",
                "unicode",
                "sub",
                "@",
                "orgs[*].tags[]",
                "attrs.*",
                "groups[::-1]",
                "`[[1], [2, 3]]`",
            ]))
            .to_string(),
            Ty::ArrNum if deeper => match self.rng.below(3) {
                0 => format!(
                    "map(&{}, {})",
                    self.rng.pick(&["length(@)", "score", "id", "abs(@)"]),
                    self.arg(Ty::Arr, d - 1)
                ),
                1 => format!(
                    "[{}, {}]",
                    self.arg(Ty::Num, d - 1),
                    self.arg(Ty::Num, d - 1)
                ),
                _ => format!("sort({})", self.arg(Ty::ArrNum, d - 1)),
            },
            Ty::ArrNum => (*self.rng.pick(&[
                "scores",
                "`[1, 2.5, -3]`",
                "orgs[*].score",
                "orgs[*].id",
                "`[10, 9, 1]`",
                "`[]`",
                "[age, `1`]",
                "`[0.1, 0.2]`",
                "`[1e21, 1]`",
            ]))
            .to_string(),
            Ty::ArrStr if deeper => match self.rng.below(3) {
                0 => format!("keys({})", self.arg(Ty::Obj, d - 1)),
                1 => format!("sort({})", self.arg(Ty::ArrStr, d - 1)),
                _ => format!(
                    "{}[?{}]",
                    self.arg(Ty::ArrStr, d - 1),
                    self.filter_cond(d - 1)
                ),
            },
            Ty::ArrStr if self.rng.chance(0.3) => {
                let n = self.rng.below(5);
                let items: Vec<String> = (0..n)
                    .map(|_| format!("\"{}\"", self.rng.pick(ORDERED)))
                    .collect();
                format!("`[{}]`", items.join(", "))
            }
            Ty::ArrStr => (*self.rng.pick(&[
                "groups",
                "roles",
                "realm_access.roles",
                "orgs[*].name",
                "`[\"b\", \"a\", \"B\"]`",
                "keys(@)",
                "\"cognito:groups\"",
                "`[]`",
                "`[\"😀\", \"é\", \"z\", \"\\ud7ff\"]`",
                "[sub, email]",
            ]))
            .to_string(),
            Ty::Obj if deeper => match self.rng.below(2) {
                0 => self.multi(d - 1),
                _ => format!(
                    "merge({}, {})",
                    self.arg(Ty::Obj, d - 1),
                    self.arg(Ty::Obj, d - 1)
                ),
            },
            Ty::Obj => (*self.rng.pick(&[
                "@",
                "realm_access",
                "resource_access",
                "attrs",
                "empty_obj",
                "orgs[0]",
                "{a: sub}",
                "`{\"x\": 1}`",
                "resource_access.\"my-app\"",
                "`{\"1\": 1, \"0\": 0}`",
            ]))
            .to_string(),
            Ty::Expref => {
                let body = match self.rng.below(3) {
                    0 => (*self.rng.pick(&[
                        "id",
                        "name",
                        "score",
                        "@",
                        "role",
                        "length(@)",
                        "to_number(id)",
                        "to_string(@)",
                        "tags[0]",
                        "missing",
                        "[id]",
                    ]))
                    .to_string(),
                    1 => self.name(),
                    _ => self.any(d),
                };
                format!("&{body}")
            }
        }
    }

    /// A function call: any of the 26 functions (sometimes with the wrong
    /// number of arguments), an unknown function, or a prototype member.
    fn call(&mut self, d: u32) -> String {
        let (name, params, variadic) = match self.rng.weighted(&[95, 3, 2]) {
            0 => *self.rng.pick(FUNCTIONS),
            1 => (
                *self
                    .rng
                    .pick(&["nope", "lower", "upper", "items", "group_by"]),
                &[Ty::Any][..],
                false,
            ),
            _ => (
                *self
                    .rng
                    .pick(&["constructor", "toString", "hasOwnProperty", "__proto__"]),
                &[Ty::Any][..],
                false,
            ),
        };
        let mut types: Vec<Ty> = params.to_vec();
        // Element type variety for the polymorphic array functions.
        for t in &mut types {
            if matches!(name, "max" | "min" | "sort") && *t == Ty::ArrStr && self.rng.chance(0.5) {
                *t = Ty::ArrNum;
            }
        }
        if variadic {
            for _ in 0..self.rng.below(3) {
                // jmespath.js type-checks only the first variadic argument.
                let t = if self.rng.chance(0.4) {
                    Ty::Any
                } else {
                    params[params.len() - 1]
                };
                types.push(t);
            }
        }
        match self.rng.weighted(&[92, 4, 4]) {
            0 => {}
            1 => {
                types.pop();
            }
            _ => types.push(Ty::Any),
        }
        let args: Vec<String> = types.iter().map(|&t| self.arg(t, d)).collect();
        let sep = self.comma();
        format!("{name}({})", args.join(sep))
    }

    /// Forms only jmespath.js accepts (or only almost accepts): missing
    /// commas between arguments, list items and hash entries, a trailing
    /// comma in a call, and the number and slice oddities.
    fn lenient(&mut self, d: u32) -> String {
        match self.rng.below(10) {
            0 => format!("contains({} {})", self.arg(Ty::Arr, d), self.raw_string()),
            1 | 2 => {
                let a = self.lenient_item(d);
                let b = self.lenient_next(d);
                format!("[{a} {b}]")
            }
            3 => format!("{{x: {} y: {}}}", self.any(d), self.any(d)),
            4 => {
                let c = self.call(d);
                format!("{},)", c.trim_end_matches(')'))
            }
            5 => format!("({} {})", self.field_path(), self.lenient_next(d)),
            6 => format!(
                "{}[{}-{}]",
                self.field_path(),
                self.rng.range(0, 3),
                self.rng.range(0, 3)
            ),
            7 => format!("{}[:::]", self.field_path()),
            8 => {
                let f = *self
                    .rng
                    .pick(&["not_null", "contains", "to_array", "length"]);
                let a = self.lenient_item(d);
                let b = self.lenient_next(d);
                format!("{f}({a} {b})")
            }
            _ => format!(
                "starts_with({} {},)",
                self.arg(Ty::Str, d),
                self.raw_string()
            ),
        }
    }

    /// The item before a missing comma: often a projection.
    fn lenient_item(&mut self, d: u32) -> String {
        match self.rng.below(4) {
            0 => format!(
                "{}{}",
                self.field_path(),
                self.rng.pick(&["[*]", "[]", ".*", "[?@]", "[1:]"])
            ),
            1 => self.field_path(),
            2 => format!("({})", self.any(d)),
            _ => self.any(d),
        }
    }

    /// The item after a missing comma, starting with any kind of token.
    fn lenient_next(&mut self, d: u32) -> String {
        match self.rng.below(11) {
            0 => self.raw_string(),
            1 => self.literal(),
            2 => format!("{{k: {}}}", self.field_path()),
            3 => format!("!{}", self.field_path()),
            4 => format!("({})", self.field_path()),
            5 => "*".to_string(),
            6 => format!("&{}", self.field_path()),
            7 => "@".to_string(),
            8 => format!("[{}]", self.field_path()),
            9 => (*self.rng.pick(QUOTED)).to_string(),
            _ => self.any(d),
        }
    }

    /// Prototype member names as fields.
    fn proto(&mut self, d: u32) -> String {
        let p = *self.rng.pick(PROTO);
        match self.rng.below(7) {
            0 => format!("{p} && {} || {}", self.role(), self.role()),
            1 => format!("type({p})"),
            2 => format!("{}.{p}", self.field_path()),
            3 => format!("[{p}, {}]", self.any(d)),
            4 => format!("{{k: {p}}}"),
            5 => format!("{p} == {}", self.literal()),
            _ => format!("not_null({p}, {})", self.any(d)),
        }
    }

    /// Malformed or borderline text.
    fn garbage(&mut self, d: u32) -> String {
        let base = self.any(d);
        match self.rng.below(14) {
            0 => format!("{base}."),
            12 => format!("\"{}\"({base})", self.rng.pick(&["abs", "length", "x"])),
            13 => format!(
                "{{{}: {base}}}",
                self.rng.pick(&["__proto__", "constructor", "toString"])
            ),
            1 => format!("{base}.."),
            2 => format!("{base} = {}", self.literal()),
            3 => format!("{{{{orgId}}}} == {base}"),
            4 => format!("({base}"),
            5 => format!("{base}]"),
            6 => format!("{base}.|| {}", self.field_path()),
            7 => format!("{base} @"),
            8 => format!("{base}[?]"),
            9 if self.rng.chance(0.3) => String::new(),
            9 => {
                let next = *self.rng.pick(&[
                    "'x'", "(b)", "@", "!b", "&b", "|| b", "&& b", "`1`", "[0]", "| b", "== b",
                ]);
                let lhs = *self.rng.pick(&[
                    "foo",
                    "missing",
                    "@",
                    "groups[*]",
                    "orgs[]",
                    "attrs.*",
                    "nothing[*]",
                    "`false` && foo",
                    "empty_list[*]",
                ]);
                format!("{lhs}.{next}")
            }
            10 => format!("{base} #"),
            _ => {
                let cut = self.rng.below(base.len() + 1);
                let mut cut = cut;
                while !base.is_char_boundary(cut) {
                    cut -= 1;
                }
                base[..cut].to_string()
            }
        }
    }
}

/// One expression from `rng`.
pub fn expression(rng: &mut Rng) -> String {
    ExprGen::new(rng).expression()
}

/// One expression for Grafana's engines: a third of them [`expression`]'s,
/// the rest built from what only the community engine has (arithmetic on
/// numbers, unary signs, `$`, `let` and variables, its fifteen functions)
/// combined with ordinary paths. `python_safe` leaves out what the PyPI
/// package `jmespath-community` answers differently from the Go engine
/// (`+` on strings, `a-b` with names, string slices, legacy backtick
/// literals), so that it can serve as a second opinion.
pub fn grafana_expression(rng: &mut Rng, python_safe: bool) -> String {
    if rng.below(3) == 0 {
        loop {
            let e = expression(rng);
            if !python_safe || python_comparable(&e) {
                return e;
            }
        }
    }
    let mut g = ExprGen::new(rng);
    g.grafana(2, python_safe)
}

/// Whether a generated expression avoids the known differences between the
/// Go and Python community engines (see [`grafana_expression`]).
fn python_comparable(e: &str) -> bool {
    let b = e.as_bytes();
    // Slices (of strings or arrays alike), signs next to names, backtick
    // text that is not JSON, and leniencies jmespath.js alone has.
    !e.contains(':')
        && !e.contains('-')
        && !e.contains('+')
        && !b
            .windows(2)
            .any(|w| w[0] == b'`' && w[1].is_ascii_alphabetic())
}

const GO_NUMBERS: &[&str] = &["`0`", "`1`", "`2`", "`3`", "`-4`", "`2.5`", "`10`", "`1e3`"];
const GO_STRINGS: &[&str] = &[
    "'Admin'",
    "'a,b,c'",
    "'  pad  '",
    "'x-y'",
    "''",
    "'ÄÖ'",
    "'grafana'",
];
/// Strings on which the Go and Python engines agree: ASCII (Go pads and
/// finds by bytes, Python by code points) and not empty (Go splits `''`
/// into `[]`, Python into `['']`).
const PY_STRINGS: &[&str] = &[
    "'Admin'",
    "'a,b,c'",
    "'  pad  '",
    "'x-y'",
    "'grafana'",
    "'a-b-a'",
];

impl ExprGen<'_> {
    fn go_number(&mut self, d: u32, python_safe: bool) -> String {
        match self.rng.below(if d == 0 { 2 } else { 6 }) {
            0 | 1 => self.rng.pick(GO_NUMBERS).to_string(),
            2 => format!("length({})", self.go_string(0, python_safe)),
            3 => {
                let ops = if python_safe {
                    &["+", "-", "*", "/", "%", "//"][..]
                } else {
                    &[
                        "+", "-", "*", "/", "%", "//", "\u{d7}", "\u{f7}", "\u{2212}",
                    ][..]
                };
                let op = *self.rng.pick(ops);
                let l = self.go_number(d - 1, python_safe);
                let r = self.go_number(d - 1, python_safe);
                format!("{l} {op} {r}")
            }
            4 => format!("-{}", self.go_number(d - 1, python_safe)),
            _ => format!("({})", self.go_number(d - 1, python_safe)),
        }
    }

    fn go_string(&mut self, d: u32, python_safe: bool) -> String {
        match self.rng.below(if d == 0 { 1 } else { 4 }) {
            0 if python_safe => self.rng.pick(PY_STRINGS).to_string(),
            0 => self.rng.pick(GO_STRINGS).to_string(),
            1 => format!("lower({})", self.go_string(d - 1, python_safe)),
            2 => format!("upper({})", self.go_string(d - 1, python_safe)),
            _ => format!("trim({})", self.go_string(d - 1, python_safe)),
        }
    }

    /// A path; without slices where the Python engine is the reference.
    fn go_path(&mut self, d: u32, python_safe: bool) -> String {
        loop {
            let p = self.path(d);
            if !python_safe || python_comparable(&p) {
                return p;
            }
        }
    }

    /// A Grafana-only form.
    fn grafana(&mut self, d: u32, py: bool) -> String {
        let s = self.go_string(1, py);
        let n = self.go_number(2, py);
        let p = |g: &mut Self| g.go_path(d, py);
        match self.rng.below(if py { 16 } else { 19 }) {
            0 => n,
            1 => format!(
                "{n} {} {}",
                self.rng.pick(&["==", "<", ">=", "!="]),
                self.go_number(1, py)
            ),
            2 => {
                let (a, b) = (p(self), p(self));
                format!("let $x = {a} in {}", b.replacen('@', "$x", 1))
            }
            3 => format!("let $x = {n} in [$x, $x * `2`]"),
            4 => format!("{}[?@ != $.{}]", p(self), self.name()),
            5 => format!("$.{}", self.name()),
            6 => format!("split({s}, {})", self.rng.pick(&["','", "'-'", "'a'"])),
            7 => format!(
                "replace({s}, 'a', 'b'{})",
                if self.rng.chance(0.5) { ", `1`" } else { "" }
            ),
            8 => format!(
                "{}({s}, `{}`{})",
                self.rng.pick(&["pad_left", "pad_right"]),
                self.rng.range(0, 9),
                if self.rng.chance(0.5) { ", '*'" } else { "" }
            ),
            9 => format!("{}({s}, 'a')", self.rng.pick(&["find_first", "find_last"])),
            10 => format!(
                "{}({s}{})",
                self.rng.pick(&["trim", "trim_left", "trim_right"]),
                if self.rng.chance(0.5) { ", ' x'" } else { "" }
            ),
            11 => format!("items({})", p(self)),
            12 => format!("from_items(items({}))", p(self)),
            13 => format!("zip({}, {})", p(self), p(self)),
            14 => format!("{}({})", self.rng.pick(&["lower", "upper"]), p(self)),
            15 => format!(
                "{} && {s} || {}",
                self.grafana(d.saturating_sub(1), py),
                self.go_string(0, py)
            ),
            // Go and Python disagree on what `group_by` does with keys
            // that are not strings.
            16 => format!("group_by({}, &{})", p(self), self.name()),
            17 => format!("{}-{}", self.name(), self.name()),
            _ => format!("{s}[{}:{}]", self.rng.range(-3, 3), self.rng.range(-3, 3)),
        }
    }
}
