//! The table of lint rules: the one source of `RULES.md`.
//!
//! Every rule has a code, a name, a default severity, a summary and an
//! example with its fix. `RULES.md` is generated from this table
//! ([`rules_markdown`]) and a test checks that the file is up to date, that
//! every example triggers its rule and that every fix silences it.

use std::fmt::Write as _;

use crate::options::{Edition, ExprRole, GrafanaOptions, LintOptions, Target};
use crate::Severity;

/// The context an example runs in.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// The expression that triggers the rule.
    pub source: &'static str,
    /// The corrected expression (does not trigger the rule).
    pub fix: &'static str,
    /// What the expression is for.
    pub role: ExprRole,
    /// One sample claims object as JSON text; empty for none.
    pub claims: &'static str,
    /// The org's roles; empty for unknown.
    pub roles: &'static [&'static str],
    /// The Pangolin build.
    pub edition: Edition,
    /// The org id.
    pub org_id: Option<&'static str>,
    /// The dialect the example's mapping is compared with, if any.
    pub compare_with: Option<rolemap_engine::Dialect>,
    /// Grafana's settings, for a Grafana rule.
    pub grafana: Option<GrafanaExample>,
}

/// The Grafana settings of an example.
#[derive(Clone, Copy, Debug, Default)]
pub struct GrafanaExample {
    /// A groups or org path.
    pub list: bool,
    /// `role_attribute_strict`.
    pub strict: bool,
    /// `skip_org_role_sync`.
    pub skip_sync: bool,
}

impl Example {
    const fn new(source: &'static str, fix: &'static str) -> Example {
        Example {
            source,
            fix,
            role: ExprRole::RoleMapping,
            compare_with: None,
            claims: "",
            roles: &[],
            edition: Edition::Enterprise,
            org_id: None,
            grafana: None,
        }
    }
    const fn grafana(mut self, list: bool) -> Example {
        self.grafana = Some(GrafanaExample {
            list,
            strict: false,
            skip_sync: false,
        });
        self
    }
    const fn strict(mut self) -> Example {
        if let Some(g) = &mut self.grafana {
            g.strict = true;
        }
        self
    }
    const fn skip_sync(mut self) -> Example {
        if let Some(g) = &mut self.grafana {
            g.skip_sync = true;
        }
        self
    }
    const fn role(mut self, role: ExprRole) -> Example {
        self.role = role;
        self
    }
    const fn claims(mut self, claims: &'static str) -> Example {
        self.claims = claims;
        self
    }
    const fn roles(mut self, roles: &'static [&'static str]) -> Example {
        self.roles = roles;
        self
    }
    const fn edition(mut self, edition: Edition) -> Example {
        self.edition = edition;
        self
    }
    const fn compare_with(mut self, dialect: rolemap_engine::Dialect) -> Example {
        self.compare_with = Some(dialect);
        self
    }
    const fn org(mut self, id: &'static str) -> Example {
        self.org_id = Some(id);
        self.role = ExprRole::OrgMapping;
        self
    }

    /// The lint options of this example.
    pub fn options(&self) -> LintOptions {
        LintOptions {
            role: self.role,
            claims: if self.claims.is_empty() {
                Vec::new()
            } else {
                serde_json::from_slice(self.claims.as_bytes())
                    .map_or_else(|_| Vec::new(), |v| vec![v])
            },
            roles: if self.roles.is_empty() {
                None
            } else {
                Some(self.roles.iter().map(|r| r.to_string()).collect())
            },
            edition: self.edition,
            org_id: self.org_id.map(str::to_string),
            compare_with: self.compare_with,
            target: if self.grafana.is_some() {
                Target::Grafana
            } else {
                Target::Pangolin
            },
            grafana: self
                .grafana
                .map_or_else(GrafanaOptions::default, |g| GrafanaOptions {
                    list: g.list,
                    role_attribute_strict: g.strict,
                    skip_org_role_sync: g.skip_sync,
                    ..GrafanaOptions::default()
                }),
        }
    }

    fn context(&self) -> String {
        let mut parts = vec![format!("as `{}`", self.role)];
        if !self.claims.is_empty() {
            parts.push(format!("claims `{}`", self.claims));
        }
        if !self.roles.is_empty() {
            parts.push(format!("org roles `{}`", self.roles.join("`, `")));
        }
        if self.edition != Edition::Enterprise {
            parts.push(format!("edition `{}`", self.edition));
        }
        if let Some(id) = self.org_id {
            parts.push(format!("org id `{id}`"));
        }
        if let Some(g) = self.grafana {
            let what = match (g.list, self.role) {
                (true, _) => "groups_attribute_path",
                (false, ExprRole::OrgMapping) => "org_mapping",
                _ => "role_attribute_path",
            };
            parts[0] = format!("Grafana, as `{what}`");
            if g.strict {
                parts.push("role_attribute_strict = true".into());
            }
            if g.skip_sync {
                parts.push("skip_org_role_sync = true".into());
            }
        }
        parts.join(", ")
    }
}

/// A lint rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The code, e.g. `RM010`.
    pub code: &'static str,
    /// The kebab-case name.
    pub name: &'static str,
    /// The usual severity (some findings of a rule are raised or lowered).
    pub severity: Severity,
    /// What the rule finds and why it matters.
    pub summary: &'static str,
    /// An expression it flags and its fix.
    pub example: Example,
}

const fn r(
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    example: Example,
) -> Rule {
    Rule {
        code,
        name,
        severity,
        summary,
        example,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

const POCKET: &str = r#"{"sub":"u1","email":"alice@example.com","groups":["admin","media"]}"#;
const NO_GROUPS: &str = r#"{"sub":"u1","email":"alice@example.com"}"#;

/// Defines [`RULES`] and [`IDS`] from one list of `r(code, name, severity,
/// summary, example)`.
macro_rules! rules {
    ($(r($code:literal, $name:literal, $severity:ident, $summary:literal, $example:expr)),* $(,)?) => {
        /// Every rule, ordered by code.
        pub static RULES: &[Rule] = &[$(r($code, $name, $severity, $summary, $example)),*];

        /// Every rule's code, name and severity: what the checks need. Kept
        /// apart from [`RULES`] so that a build that only runs the checks
        /// (the WebAssembly playground) does not carry the summaries and
        /// examples.
        static IDS: &[(&str, &str, Severity)] = &[$(($code, $name, $severity)),*];
    };
}

rules! {
    r("RM001", "syntax", E,
      "The expression does not parse as jmespath.js 0.16.0 parses it: Pangolin answers HTTP 500 at every login. Also reported, with its own help, for an expression beyond rolemap's limits (64 KiB of text, 200 levels of nesting), which rolemap cannot check but jmespath.js may accept.",
      Example::new("contains(groups, 'admin') && 'Admin' ||", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM002", "unknown-function", E,
      "No built-in function has this name. jmespath.js raises the error only when the call is reached, so the mistake can hide until a user takes that branch.",
      Example::new("contains(groups, 'admin') && 'Admin' || lower('Member')", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM003", "arity", E,
      "A function is called with the wrong number of arguments (an error when the call is reached).",
      Example::new("contains('admin') && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM004", "sample-fails", E,
      "Run on a sample, the expression fails where the analysis of all samples at once saw nothing: Pangolin answers HTTP 500 at that user's login. A warning when it only goes past rolemap's limits (16 MiB written out, 10 million steps), which jmespath.js does not have.",
      Example::new("contains(groups[::0], 'admin') && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(r#"{"groups":["admin"]}"#)),
    r("RM010", "double-quoted-string", W,
      "`\"admin\"` in double quotes is a FIELD lookup, not a string: it is null, so the comparison or `contains` is silently false (or the role is null). Strings take single quotes.",
      Example::new("contains(groups, \"admin\") && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM011", "unknown-claim", W,
      "The claim is absent from every sample token, so it is always null (a typo, a claim only in the access token or userinfo, or a scope not requested).",
      Example::new("contains(grops || `[]`, 'admin') && 'Admin' || 'Member'", "contains(groups || `[]`, 'admin') && 'Admin' || 'Member'").claims(POCKET)),
    r("RM012", "missing-claim-type-error", W,
      "A typed function (`contains`, `starts_with`, `ends_with`, `join`, ...) gets a claim that may be missing: on null it raises a type error and the WHOLE login fails with HTTP 500, instead of falling through to `||`. An error when a sample lacks the claim.",
      Example::new("contains(groups, 'admin') && 'Admin' || 'Member'", "contains(groups || `[]`, 'admin') && 'Admin' || 'Member'").claims(NO_GROUPS)),
    r("RM013", "wrong-argument-type", E,
      "A sample shows the argument with a type the function rejects: a type error and HTTP 500 at login.",
      Example::new("contains(email_verified, 'admin') && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(r#"{"email_verified":true,"groups":["admin"]}"#)),
    r("RM014", "contains-on-string", W,
      "`contains` on a string is a substring test: `contains('superadmins', 'admin')` is true.",
      Example::new("contains(role, 'admin') && 'Admin' || 'Member'", "role == 'admin' && 'Admin' || 'Member'").claims(r#"{"role":"superadmins"}"#)),
    r("RM015", "unquoted-special-key", E,
      "A key with `-`, `:`, `/`, `.` or a leading digit must be written in double quotes; unquoted it does not parse (or reads as something else).",
      Example::new("contains(resource_access.my-app.roles, 'admin') && 'Admin' || 'Member'", "contains(resource_access.\"my-app\".roles, 'admin') && 'Admin' || 'Member'")),
    r("RM020", "and-without-fallback", W,
      "`a && 'Role'` with no `|| fallback`: when `a` is false the mapping yields false (or null) and the user gets no role, so the org is skipped.",
      Example::new("contains(groups, 'admin') && 'Admin'", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(POCKET)),
    r("RM021", "non-string-role", W,
      "A role mapping must yield a string or an array of strings; booleans, numbers, objects and null mean no role (the org is skipped), and non-string array elements are dropped.",
      Example::new("contains(groups, 'admin')", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(POCKET)),
    r("RM022", "unknown-role", W,
      "A role name the mapping can yield does not exist in the organization (matched exactly and case-sensitively); a name differing only in case is an error.",
      Example::new("contains(groups, 'admin') && 'admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(POCKET).roles(&["Admin", "Member"])),
    r("RM023", "several-roles-oss", W,
      "The mapping can yield several role names, but the open-source build keeps only the first.",
      Example::new("['Admin', 'Member']", "'Admin'").edition(Edition::Oss)),
    r("RM024", "blank-role", E,
      "The role mapping can yield strings or arrays, but never a role name: Pangolin trims role names and drops blank ones, so blank strings and empty arrays mean no role, and the org is skipped at every login.",
      Example::new("contains(groups, 'admin') && ' ' || ''", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM030", "org-id-in-role-mapping", E,
      "`{{orgId}}` is substituted in org mappings only; in a role mapping it stays as is (a parse error unquoted, the literal text `{{orgId}}` quoted).",
      Example::new("contains(groups, '{{orgId}}') && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM031", "org-id-placeholder-quoting", E,
      "`{{orgId}}` is replaced by the org id as TEXT before parsing, so it must be inside single quotes: unquoted it does not parse (`Expecting an identifier token, got: Lbrace`), in double quotes it becomes a field lookup.",
      Example::new("contains(groups, {{orgId}})", "contains(groups, '{{orgId}}')").org("home-lab").claims(POCKET)),
    r("RM032", "org-mapping-matches-every-org", I,
      "`'{{orgId}}'` alone evaluates to the org id for every org, so the IdP's users join EVERY organization of the server (only the orgs linked to the IdP on Pangolin Cloud).",
      Example::new("'{{orgId}}'", "contains(groups, '{{orgId}}')").role(ExprRole::OrgMapping)),
    r("RM033", "org-mapping-non-match-value", W,
      "An org mapping keeps the org only if it yields exactly `true` or exactly the org id; other truthy values (a non-empty array, `'yes'`, a number) mean \"not this org\".",
      Example::new("groups[?@ == 'home-lab']", "contains(groups, 'home-lab')").org("home-lab").claims(r#"{"groups":["home-lab"]}"#)),
    r("RM034", "org-mapping-constant-mismatch", W,
      "The org mapping is a string constant that is not this org's id: the org never matches.",
      Example::new("'home_lab'", "'home-lab'").org("home-lab")),
    r("RM040", "path-non-string", W,
      "An identifier or email path must yield a string: null or another falsy value is HTTP 400 (`User identifier not found in the ID token`), a truthy non-string is HTTP 500.",
      Example::new("groups", "email").role(ExprRole::Path).claims(POCKET)),
    r("RM050", "js-string-ordering", W,
      "jmespath.js applies `<`, `<=`, `>`, `>=` to any types with JavaScript rules (strings compare by code units, null < 1); the spec gives null unless both sides are numbers.",
      Example::new("level >= '2' && 'Admin' || 'Member'", "to_number(level) >= `2` && 'Admin' || 'Member'").claims(r#"{"level":"10"}"#)),
    r("RM051", "quoteless-literal", W,
      "A backtick literal that is not JSON (`` `Admin` ``) is read as a string by jmespath.js only; the spec rejects it.",
      Example::new("contains(groups, 'admin') && `Admin` || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM052", "raw-string-escape", E,
      "jmespath.js unescapes only the FIRST `\\'` of a raw string; a second one stays as a backslash and a quote.",
      Example::new("contains(groups, 'o\\'brien\\'s') && 'Admin' || 'Member'", "contains(groups, `\"o'brien's\"`) && 'Admin' || 'Member'")),
    r("RM053", "lenient-syntax", W,
      "jmespath.js accepts malformed syntax the spec rejects (a missing comma, a trailing comma); the expression means something other tools will not agree on.",
      Example::new("contains(groups 'admin') && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM054", "starts-with-last-occurrence", I,
      "jmespath.js's `starts_with` tests whether the LAST occurrence of the prefix is at the start: `starts_with('abab', 'ab')` is false.",
      Example::new("starts_with(group, 'ab') && 'Admin' || 'Member'", "ends_with(reverse(group), 'ba') && 'Admin' || 'Member'").claims(r#"{"group":"abab"}"#)),
    r("RM055", "prototype-field", W,
      "A field named like a JavaScript `Object.prototype` member (`constructor`, `toString`, `__proto__`, ...) is a function (or `{}`) in jmespath.js when the claim is absent, and truthy.",
      Example::new("constructor && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'").claims(POCKET)),
    r("RM056", "sort-numbers-as-strings", W,
      "jmespath.js sorts numbers by their string forms: `sort([10, 9, 1])` is `[1, 10, 9]`.",
      Example::new("sort(levels)[0]", "sort_by(levels, &@)[0]").role(ExprRole::Path).claims(r#"{"levels":[10,9,1]}"#)),
    r("RM057", "carriage-return", E,
      "jmespath.js does not accept a carriage return (`\\r`, Windows line endings) as white space.",
      Example::new("contains(groups, 'admin')\r\n&& 'Admin' || 'Member'", "contains(groups, 'admin')\n&& 'Admin' || 'Member'")),
    r("RM058", "dangling-dot", E,
      "A `.` with nothing usable after it (`a.`, `a.[]`, `a.[?b]`), or empty `()`: jmespath.js accepts it when the mapping is saved and fails with HTTP 500 for every login whose evaluation reaches it.",
      Example::new("contains(groups, 'admin') && 'Admin' || 'Member'.", "contains(groups, 'admin') && 'Admin' || 'Member'")),
    r("RM059", "dialect-difference", I,
      "On a sample token, jmespath.js (Pangolin) and the JMESPath spec (jmespath.org) answer differently.",
      Example::new("max_by(groups, &name).name || 'Member'", "max_by(groups, &length(name)).name || 'Member'").claims(r#"{"groups":[{"name":"a"}]}"#)),
    r("RM060", "grafana-difference", I,
      "Grafana (11.3 and later, go-jmespath community v1.1.1) cannot parse the mapping or answers differently on a sample token: worth knowing before the mapping moves between Pangolin and Grafana.",
      Example::new("contains(groups, `admin`) && 'Admin' || 'Member'", "contains(groups, 'admin') && 'Admin' || 'Member'").compare_with(rolemap_engine::Dialect::Grafana)),
    r("RM070", "grafana-fallback-decides-first-source", W,
      "Grafana: the role mapping gives a valid role even on a source without the claims it tests (a constant fallback such as `|| 'Viewer'`, or the retry on `{\"groups\": []}`), so the role is decided at the first source (the ID token) and userinfo or the access token, where the claims may be, is never read (grafana/grafana#106686).",
      Example::new("contains(groups[*], 'admin') && 'Admin' || 'Viewer'", "contains(groups[*], 'admin') && 'Admin'").grafana(false)),
    r("RM071", "grafana-invalid-role", W,
      "Grafana: a result that is not a role after title-casing (`'Denied'`, `'super-admin'`, `'admin '`): Grafana logs \"invalid role\", tries the next source, then gives auto_assign_org_role (Viewer by default).",
      Example::new("contains(groups[*], 'admin') && 'Admin' || 'Denied'", "contains(groups[*], 'admin') && 'Admin'").grafana(false)),
    r("RM072", "grafana-admin-not-allowed", W,
      "Grafana: `'GrafanaAdmin'` makes the user server admin only with `allow_assign_grafana_admin = true`; without it the user is only Admin.",
      Example::new("contains(groups[*], 'root') && 'GrafanaAdmin'", "contains(groups[*], 'root') && 'Admin'").grafana(false)),
    r("RM073", "grafana-unquoted-special-key", E,
      "Grafana: a claim name with `-`, `:` or `/` unquoted: `my-client` is a SUBTRACTION in Grafana 11.3+ (null, silently) and a syntax error before; `custom:groups` and `https://x/roles` are syntax errors. Double-quote the name.",
      Example::new("contains(resource_access.my-client.roles[*], 'admin') && 'Admin'", "contains(resource_access.\"my-client\".roles[*], 'admin') && 'Admin'").grafana(false)),
    r("RM074", "grafana-backtick-literal", E,
      "Grafana: a backtick literal that is not JSON (`` `admin` ``) is a syntax error in both of Grafana's engines: the search fails at every login. Strings take single quotes.",
      Example::new("contains(groups[*], `admin`) && 'Admin'", "contains(groups[*], 'admin') && 'Admin'").grafana(false)),
    r("RM075", "grafana-groups-not-strings", W,
      "Grafana: a groups or org path must give an array of strings: non-string items (objects) are dropped and any other value is no groups, with no error (grafana/grafana#78977).",
      Example::new("groups", "groups[*].name").role(ExprRole::Path).claims(r#"{"groups":[{"name":"admins"}]}"#).grafana(true)),
    r("RM076", "grafana-strict-without-role", W,
      "Grafana: under `role_attribute_strict` a mapping that can give no role makes the login fail (\"IdP did not return a role attribute\").",
      Example::new("contains(groups[*], 'admin') && 'Admin'", "contains(groups[*], 'admin') && 'Admin' || 'Viewer'").grafana(false).strict()),
    r("RM077", "grafana-org-mapping-invalid-role", W,
      "Grafana: an `org_mapping` entry `group:org:role` whose role is not `None`, `Viewer`, `Editor` or `Admin` (case-sensitive) is Viewer; under `role_attribute_strict` the whole mapping is emptied.",
      Example::new("admins:1:admin editors:2", "admins:1:Admin editors:2").grafana(false).role(ExprRole::OrgMapping)),
    r("RM078", "grafana-skip-org-role-sync", W,
      "Grafana: `skip_org_role_sync` is on beside a role mapping: Grafana never evaluates it.",
      Example::new("contains(groups[*], 'admin') && 'Admin'", "").grafana(false).skip_sync()),
    r("RM079", "grafana-map-order", W,
      "Grafana: on a sample token the answer changes with the order Go takes an object's members in (`*`, `keys`, `values`, `items`), which Go draws at every search: one login gives one answer, the next another. rolemap answers in the claims' own order, the one Go takes most often.",
      Example::new("contains(resource_access.*.roles | [0], 'admin') && 'Admin'", "contains(resource_access.grafana.roles, 'admin') && 'Admin'").claims(r#"{"resource_access":{"grafana":{"roles":["admin"]},"account":{"roles":["view-profile"]}}}"#).grafana(false)),
}

/// The rule with this code (or name).
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The name and severity of the rule with this code (from [`IDS`], not
/// [`RULES`]: see there).
pub(crate) fn name_and_severity(code: &str) -> Option<(&'static str, Severity)> {
    IDS.iter()
        .find(|(c, _, _)| *c == code)
        .map(|&(_, name, severity)| (name, severity))
}

/// `RULES.md`, generated from [`RULES`].
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# Lint rules\n\n\
         Generated from `crates/lint/src/registry.rs` (a test checks it is up to date;\n\
         regenerate with `UPDATE_RULES=1 cargo test -p rolemap-lint --test rules_doc`).\n\n\
         | code | name | severity |\n|---|---|---|\n",
    );
    for r in RULES {
        let _ = writeln!(out, "| {} | `{}` | {} |", r.code, r.name, r.severity);
    }
    for r in RULES {
        let _ = write!(
            out,
            "\n## {} `{}` ({})\n\n{}\n\nExample ({}):\n\n```jmespath\n{}\n```\n\nFix:\n\n```jmespath\n{}\n```\n",
            r.code,
            r.name,
            r.severity,
            r.summary,
            r.example.context(),
            r.example.source.replace('\r', "\\r"),
            r.example.fix
        );
    }
    out
}
