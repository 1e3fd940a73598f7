//! Hints: for each failure or suspicious outcome, the cause and the fix.
//!
//! Every hint has a stable `code` (usable in mapping-test files), a
//! `message` naming the cause and a `fix`. The codes:
//!
//! | code | when |
//! |---|---|
//! | `scope-removed-claim` | an expression reads a claim the configured scopes do not release |
//! | `missing-claim` | an expression reads a claim the token does not have, and it mattered |
//! | `null-argument` | `contains(groups, ..)` (or `starts_with`/`ends_with`) threw on a missing claim |
//! | `double-quoted-string` | `"admin"` in double quotes is a field lookup, not a string |
//! | `identifier-missing` | the identifier path gives a falsy value (HTTP 400) |
//! | `identifier-not-string` | the identifier is an array, number, object... (HTTP 500) |
//! | `email-not-string` | a truthy non-string email (HTTP 500) |
//! | `email-error-swallowed` | the email/name path threw; Pangolin stores no email nor name |
//! | `unprovisioned` | auto provisioning is off and the user does not exist or has no org |
//! | `user-other-idp` | a user with this username exists, but is a local user or one of another IdP: not found |
//! | `same-user` | two samples' identifiers are equal once lower-cased: one Pangolin user, the later login re-syncs it |
//! | `email-erased` | a successful login stores no e-mail (the path gives nothing), erasing a stored one |
//! | `name-erased` | likewise for the name |
//! | `username-mismatch` | an existing user's username differs from the lower-cased identifier |
//! | `role-case` | a role name differs only in case from an org role |
//! | `role-whitespace` | before 1.17, a role name with spaces around it |
//! | `role-array-before-1-17` | before 1.17, an array result becomes `String(array)` |
//! | `org-id-in-role-mapping` | `{{orgId}}` left in a role mapping (no substitution there) |
//! | `oss-first-role-only` | only the first role name is kept (open source, an unlicensed enterprise install, a cloud plan without full RBAC) |
//! | `org-mapping-not-boolean` | an org mapping gave a truthy value that is neither `true` nor the org id |
//! | `no-role-mapping` | an org has no role mapping (policy nor default) |
//! | `no-orgs` | auto provisioning is on but there is no org |
//! | `builder-apostrophes` | a builder value with two or more `'`, misread by jmespath 0.16.0 |
//! | `auto-membership-removed` | an auto-provisioned membership no longer matched and is removed |
//! | `manual-membership-untouched` | a mapping matched an org where the user was added by hand: roles not updated |
//! | `entra-groups-overage` | Entra ID sent a groups overage claim instead of `groups` |
//! | `budget-exceeded` | an expression exceeded rolemap's evaluation budget (it multiplies its input) |
//! | `over-limits` | an expression is over rolemap's length or nesting limits: not checked, the real outcome is unknown |

use rolemap_engine::ast::{Node, NodeKind};
use rolemap_escape::{quoted, quoted_list};
use serde::Serialize;
use serde_json::Value as Json;

use crate::config::{Config, Edition, Provider};
use crate::login::Compiled;
use crate::outcome::{Change, Decision, OrgInfo, Outcome, Step, TraceValue};
use crate::samples::Claims;
use crate::scopes;

/// A cause and its fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hint {
    /// Stable identifier of the kind of hint.
    pub code: &'static str,
    /// The cause.
    pub message: String,
    /// The fix.
    pub fix: String,
}

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.message, self.fix)
    }
}

/// Which expression a site is, as hints name it (`the {label} reads it`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Label<'s> {
    Identifier,
    Email,
    Name,
    /// The org mapping of the org with this id.
    OrgMapping(&'s str),
    /// The role mapping of the org with this id.
    RoleMapping(&'s str),
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Identifier => f.write_str("identifier path"),
            Label::Email => f.write_str("email path"),
            Label::Name => f.write_str("name path"),
            Label::OrgMapping(org) => write!(f, "org mapping of `{org}`"),
            Label::RoleMapping(org) => write!(f, "role mapping of `{org}`"),
        }
    }
}

/// An expression evaluated during the login.
pub(crate) struct Site<'s> {
    pub label: Label<'s>,
    pub compiled: &'s Compiled,
    pub result: SiteResult,
}

/// What the evaluation gave.
pub(crate) enum SiteResult {
    Value {
        truthy: bool,
    },
    Error {
        kind: &'static str,
        js_message: Option<String>,
    },
}

/// Everything the hints look at.
pub(crate) struct Input<'a> {
    pub config: &'a Config,
    /// The IdP's scopes, parsed.
    pub scopes: &'a scopes::Scopes,
    pub original: &'a Claims,
    pub claims: &'a Claims,
    /// Whether the (filtered) claims have every claim the config's
    /// expressions read ([`root_fields`] of each).
    pub all_read_claims_present: bool,
    /// The evaluations recorded: all of them, or only the failed ones when
    /// no other can give a hint (`all_read_claims_present` and no
    /// expression with a double-quoted operand).
    pub sites: &'a [Site<'a>],
    pub outcome: &'a Outcome,
    /// Per role mapping stored by the builder, the values jmespath 0.16.0
    /// misreads ([`crate::builder::RoleMappingBuilder::misread_values`], non-empty ones).
    pub misread: &'a [Vec<String>],
}

/// Every hint code the simulator reports (what a test file's `hints` may
/// name).
pub const HINT_CODES: &[&str] = &[
    "auto-membership-removed",
    "budget-exceeded",
    "builder-apostrophes",
    "double-quoted-string",
    "email-erased",
    "email-error-swallowed",
    "email-not-string",
    "entra-groups-overage",
    "identifier-missing",
    "identifier-not-string",
    "manual-membership-untouched",
    "missing-claim",
    "name-erased",
    "no-orgs",
    "no-role-mapping",
    "null-argument",
    "org-id-in-role-mapping",
    "org-mapping-not-boolean",
    "oss-first-role-only",
    "over-limits",
    "role-array-before-1-17",
    "role-case",
    "role-whitespace",
    "same-user",
    "scope-removed-claim",
    "unprovisioned",
    "user-other-idp",
    "username-mismatch",
];

struct Hints(Vec<Hint>);

impl Hints {
    fn push(&mut self, code: &'static str, message: String, fix: String) {
        debug_assert!(HINT_CODES.contains(&code), "{code} is not in HINT_CODES");
        if !self
            .0
            .iter()
            .any(|h| h.code == code && h.message == message)
        {
            self.0.push(Hint { code, message, fix });
        }
    }
}

/// The top-level claims an expression reads from the token.
pub fn root_fields(node: &Node) -> Vec<&str> {
    let mut out = Vec::new();
    collect_root_fields(node, &mut out);
    out
}

fn collect_root_fields<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
    match &node.kind {
        NodeKind::Field { name, .. } if !out.contains(&&**name) => out.push(name),
        NodeKind::Subexpr { lhs, .. }
        | NodeKind::Index { lhs, .. }
        | NodeKind::Projection { lhs, .. }
        | NodeKind::Pipe(lhs, _) => collect_root_fields(lhs, out),
        NodeKind::MultiList(items) | NodeKind::Call { args: items, .. } => {
            for i in items {
                collect_root_fields(i, out);
            }
        }
        NodeKind::MultiHash(kvs) => {
            for kv in kvs {
                collect_root_fields(&kv.value, out);
            }
        }
        NodeKind::Not(e) => collect_root_fields(e, out),
        NodeKind::And(a, b) | NodeKind::Or(a, b) => {
            collect_root_fields(a, out);
            collect_root_fields(b, out);
        }
        NodeKind::Compare { lhs, rhs, .. } => {
            collect_root_fields(lhs, out);
            collect_root_fields(rhs, out);
        }
        _ => {}
    }
}

/// The first field of a path (`groups` in `groups`, `groups[0]`, `a.b`).
fn path_root(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Field { name, .. } => Some(name),
        NodeKind::Subexpr { lhs, .. } | NodeKind::Index { lhs, .. } => path_root(lhs),
        _ => None,
    }
}

/// How to get a missing claim into the ID token.
fn claim_fix(provider: Provider, configured: &scopes::Scopes, claim: &str) -> String {
    if let Some(scope) = scopes::required_scope(provider, claim) {
        if configured.has(scope) && provider == Provider::Authelia {
            return format!("the `{scope}` scope is requested, but since Authelia 4.39 the ID token carries only the minimal claims: add a claims policy (identity_providers.oidc.claims_policies) with `id_token: [{claim}]` and use it for the Pangolin client");
        }
        if configured.has(scope) {
            return format!("the `{scope}` scope is requested, yet the token has no `{claim}`: check that the user has one at the IdP, or guard the expression (`{claim} || ''`)");
        }
        let extra = match (provider, claim) {
            (Provider::Authelia, _) => " and, since Authelia 4.39, a claims policy that puts it in the ID token (not only userinfo)",
            (Provider::Okta, "groups") => " and a groups claim (filter) on the Okta app",
            (Provider::Kanidm, "groups") => " and a scope map granting `groups` to the client",
            _ => "",
        };
        return format!("add the `{scope}` scope to the IdP's scopes in Pangolin{extra}");
    }
    match (provider, claim) {
        (Provider::Keycloak, "groups") => "add a Group Membership mapper with \"Add to ID token\" on the client (turn off \"Full group path\" to get plain names)".into(),
        (Provider::Keycloak, "realm_access" | "resource_access") => "Keycloak puts roles in the ACCESS token by default: turn on \"Add to ID token\" on the role mappers of the `roles` client scope".into(),
        (Provider::EntraId, "groups") => "set `groupMembershipClaims` in the app registration's manifest (or add a groups claim under Token configuration)".into(),
        (Provider::EntraId, "roles") => "define app roles on the app registration and assign them to the user".into(),
        (Provider::Google, "groups") => "Google sends no groups: map on `hd` (hosted domain) or the email domain instead".into(),
        (Provider::Zitadel, c) if c.starts_with("urn:zitadel") => "turn on \"Assert Roles on Authentication\" and \"User roles inside ID Token\" for the app".into(),
        _ => format!("make the IdP put `{claim}` in the ID token (Pangolin reads only the ID token, never userinfo), or map on a claim the token has"),
    }
}

fn json_truthy(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
        Json::Number(_) => true,
    }
}

/// Computes the hints of one simulated login.
pub(crate) fn collect(input: &Input<'_>) -> Vec<Hint> {
    let mut h = Hints(Vec::new());
    let config = input.config;
    let idp = &config.idp;
    let provider = idp.provider;
    let outcome = input.outcome;
    let failed = !outcome.succeeded();
    let configured = input.scopes;
    let mut hinted_claims: Vec<String> = Vec::new();
    // When the token has every claim the expressions read, no site gives a
    // claim hint: the per-site look-ups below are skipped.
    let all_read_claims_present = input.all_read_claims_present;

    // Claims read by the expressions that were evaluated.
    for site in input.sites {
        let Some(ast) = site.compiled.ast() else {
            continue;
        };
        let mattered = failed
            || match &site.result {
                SiteResult::Error { .. } => true,
                SiteResult::Value { truthy, .. } => !truthy,
            };
        let fields = if all_read_claims_present {
            Vec::new()
        } else {
            root_fields(ast)
        };
        for field in fields {
            if input.claims.get(field).is_some() || hinted_claims.iter().any(|c| c == field) {
                continue;
            }
            if let Some(r) = outcome.removed_claims.iter().find(|r| r.claim == field) {
                hinted_claims.push(field.to_string());
                h.push(
                    "scope-removed-claim",
                    format!(
                        "the ID token has no `{field}` claim: the scopes `{}` do not release it (the {} reads it)",
                        idp.scopes, site.label
                    ),
                    format!(
                        "add the `{}` scope to the IdP's scopes in Pangolin (or simulate with --all-claims to ignore scopes)",
                        r.scope
                    ),
                );
            } else if mattered && input.original.get(field).is_none() {
                hinted_claims.push(field.to_string());
                h.push(
                    "missing-claim",
                    format!(
                        "the ID token has no `{field}` claim (the {} reads it)",
                        site.label
                    ),
                    claim_fix(provider, configured, field),
                );
            }
        }
        if let SiteResult::Error { kind, js_message } = &site.result {
            let null_arg = js_message
                .as_deref()
                .is_some_and(|m| m.contains("received type null"))
                || *kind == "invalid-type";
            if null_arg {
                null_argument_hint(&mut h, site, ast, input.claims);
            }
            if *kind == "budget-exceeded" {
                h.push(
                    "budget-exceeded",
                    format!(
                        "the {} exceeded rolemap's evaluation budget: jmespath.js has no budget, so at this login Pangolin would go on building the result until it runs out of memory or time, rather than showing an error page",
                        site.label
                    ),
                    "rewrite the expression so that it does not multiply its input (each `[@, @][]` doubles it, nested projections multiply their sizes)".into(),
                );
            }
        }
        if site.compiled.quoted_operand {
            double_quoted_hint(&mut h, site, ast, input.claims);
        }
    }

    if let Some(e) = &outcome.error {
        match (e.step.as_str(), e.kind.as_str()) {
            ("identifier_path", "type-error") => h.push(
                "identifier-not-string",
                format!("{} (identifier path `{}`)", e.message, idp.identifier_path),
                "point the identifier path at a string claim such as `preferred_username`, `email` or `sub` (or pick one element: `groups[0]`)".into(),
            ),
            (_, "over-limits") => h.push(
                "over-limits",
                format!(
                    "rolemap did not check the expression of `{}`: it is over rolemap's limits (length or nesting), not jmespath.js's, so Pangolin may accept it and this login's real outcome is unknown",
                    e.step
                ),
                "split the expression or simplify it; no real mapping comes near these limits".into(),
            ),
            ("email_path", "type-error") => h.push(
                "email-not-string",
                format!("{} (email path `{}`)", e.message, idp.email_path.as_deref().unwrap_or_default()),
                "point the email path at a string claim such as `email`".into(),
            ),
            _ => {}
        }
    }
    if outcome.status == 400 {
        h.push(
            "identifier-missing",
            format!(
                "the identifier path `{}` gives no value (null, \"\", false or 0) for this token",
                idp.identifier_path
            ),
            "use a claim every token has: `sub`, or `preferred_username`/`email` with the `profile`/`email` scope".into(),
        );
    }
    if let Some(e) = &outcome.swallowed_error {
        h.push(
            "email-error-swallowed",
            format!(
                "the {} threw ({}); Pangolin swallows it and stores no email and no name",
                e.step.replace('_', " "),
                e.js_message.as_deref().unwrap_or(&e.message)
            ),
            format!("fix the expression `{}`", e.expression),
        );
    }

    username_hints(&mut h, input);
    stored_profile_hints(&mut h, input);

    // Per org (the usual steps give no hint: skipped unseen).
    for (i, step) in outcome.trace.marked() {
        if quiet_step(step, outcome.trace.info(i)) {
            continue;
        }
        let Some(t) = outcome.trace.get(i) else {
            continue;
        };
        let org = if t.missing.is_empty() {
            None
        } else {
            config.org(t.org)
        };
        for m in t.missing {
            if let Some(r) = org.and_then(|o| {
                o.roles
                    .iter()
                    .find(|r| crate::js::to_lower(r) == crate::js::to_lower(m) && *r != m)
            }) {
                h.push(
                    "role-case",
                    format!("the role mapping gives `{m}` but the org `{}` has the role `{r}`: role names are matched case-sensitively", t.org),
                    format!("write '{r}' in the role mapping"),
                );
            } else if let Some(r) = org.and_then(|o| {
                o.roles
                    .iter()
                    .find(|r| r.as_str() == crate::js::trim(m) && *r != m)
            }) {
                h.push(
                    "role-whitespace",
                    format!("the role name {} has spaces around it; before 1.17 Pangolin does not trim role names", quoted(m)),
                    format!("write '{r}' without spaces, or upgrade to Pangolin 1.17 or later"),
                );
            }
        }
        if !config.pangolin.version.normalises_roles() && t.role_mapping_type == Some("array") {
            h.push(
                "role-array-before-1-17",
                format!("the role mapping of `{}` gives an array; Pangolin {} uses `String(result)` as ONE role name (`['Admin', 'Member']` becomes \"Admin,Member\")", t.org, config.pangolin.version),
                "return a single string, or upgrade to Pangolin 1.17 or later (arrays of role names)".into(),
            );
        }
        if t.role_mapping.is_some_and(|r| r.contains("{{orgId}}")) {
            h.push(
                "org-id-in-role-mapping",
                format!("the role mapping of `{}` contains `{{{{orgId}}}}`, which is only replaced in org mappings", t.org),
                "move the org test into the org mapping (e.g. `contains(groups, '{{orgId}}')`) and keep role names in the role mapping".into(),
            );
        }
        if !t.dropped.is_empty() {
            let (who, fix) = match config.pangolin.edition {
                Edition::Oss => ("the open-source edition", "put the role that matters first, or run a licensed enterprise install (all roles are assigned)".to_string()),
                Edition::Enterprise => ("an unlicensed enterprise install", "put the role that matters first, or add a valid license (`license = true`)".to_string()),
                Edition::Cloud => ("an org whose plan lacks full RBAC", format!("put the role that matters first, or move `{}` to a plan with full RBAC (tier1, tier2, tier3 or enterprise)", t.org)),
            };
            h.push(
                "oss-first-role-only",
                format!(
                    "{who} keeps only the first role name ({}) for `{}`, before it looks for the names in the org; dropped: {}",
                    quoted(t.roles.first().map_or("", String::as_str)),
                    t.org,
                    quoted_list(t.dropped)
                ),
                fix,
            );
        }
        if t.org_matched == Some(false) {
            let function = t.org_mapping_type == Some("function");
            let truthy = match &t.org_mapping_value {
                Some(TraceValue::Bool(b)) => *b,
                Some(TraceValue::Str(s)) => !s.is_empty(),
                Some(TraceValue::Json(v)) => json_truthy(v),
                None => false,
            };
            if function || truthy {
                let v = t
                    .org_mapping_value
                    .as_ref()
                    .map_or(Json::Null, TraceValue::to_json);
                let v = &v;
                let near = v.as_str().filter(|s| {
                    crate::js::to_lower(crate::js::trim(s)) == crate::js::to_lower(t.org)
                });
                let (message, fix) = match near {
                    Some(s) => (
                        format!("the org mapping of `{}` gives {}, which differs from the org id `{}` in case or spaces: only an exact match selects the org", t.org, quoted(s), t.org),
                        format!("return exactly '{}' (or `true`)", t.org),
                    ),
                    None => (
                        format!(
                            "the org mapping of `{}` gives {}, which is truthy but neither `true` nor the org id: the org is NOT selected",
                            t.org,
                            if function { "a JavaScript function".to_string() } else { v.to_string() }
                        ),
                        "make it return a boolean (e.g. `contains(groups, 'x')`) or the org id (`'{{orgId}}'`)".into(),
                    ),
                };
                h.push("org-mapping-not-boolean", message, fix);
            }
        }
        if t.decision == Decision::NoRoleMapping {
            h.push(
                "no-role-mapping",
                format!("the org `{}` has no role mapping and the IdP has no default role mapping: the org is skipped", t.org),
                "set a default role mapping (e.g. 'Member') or a role mapping in the org's policy".into(),
            );
        }
        match t.change {
            Some(Change::Removed) => h.push(
                "auto-membership-removed",
                format!("the auto-provisioned membership in `{}` no longer matches and is removed", t.org),
                "if the user must keep it, fix the mappings or add the membership by hand (manual memberships are never removed)".into(),
            ),
            Some(Change::ManualUntouched) if t.decision == Decision::Member => {
                let manual = input
                    .config
                    .user(outcome.identifier.as_deref().unwrap_or_default())
                    .and_then(|u| u.manual_orgs.iter().find(|m| *m.org == *t.org));
                if manual.is_some_and(|m| m.roles != t.kept) {
                    h.push(
                        "manual-membership-untouched",
                        format!("the mappings give {} in `{}`, but the user was added there by hand: Pangolin keeps the manual roles", quoted_list(t.kept), t.org),
                        "change the roles by hand, or remove the manual membership so auto provisioning manages it".into(),
                    );
                }
            }
            _ => {}
        }
    }
    if idp.auto_provision && config.orgs.is_empty() {
        h.push(
            "no-orgs",
            "auto provisioning is on but the config lists no org".into(),
            "add the server's orgs as [[orgs]] entries".into(),
        );
    }
    if config.pangolin.edition == Edition::Cloud
        && failed
        && !outcome.trace.is_empty()
        && outcome.trace.marked().count() == outcome.trace.len()
        && outcome
            .trace
            .marked()
            .all(|(_, s)| matches!(s, Step::NotLinked { .. }))
    {
        h.push(
            "no-orgs",
            "cloud edition: no org is linked to this identity provider".into(),
            "link the org to the IdP (an org policy), or set `linked = true`".into(),
        );
    }
    for bad in input.misread {
        h.push(
            "builder-apostrophes",
            format!("the mapping builder writes each `'` as `\\'`, but jmespath 0.16.0 unescapes only the first one: {} are misread", quoted_list(bad)),
            "avoid values with two or more apostrophes, or write the role mapping by hand with `` `\"...\"` `` JSON literals".into(),
        );
    }
    if provider == Provider::EntraId
        && input.original.get("groups").is_none()
        && input
            .original
            .get("_claim_names")
            .and_then(|c| c.get("groups"))
            .is_some()
    {
        h.push(
            "entra-groups-overage",
            "the user is in too many groups (over 200): Entra ID sent `_claim_names` instead of `groups`".into(),
            "map on app roles (`roles`) instead, or limit the groups claim to groups assigned to the application".into(),
        );
    }
    h.0
}

/// Whether the per-org hints have nothing to say of `step`: an org whose
/// mapping gave `false`, or a membership with one of the org's roles, that
/// auto provisioning did not remove or leave to a manual membership, and
/// whose role mapping has no `{{orgId}}`.
fn quiet_step(step: &Step, info: Option<&OrgInfo>) -> bool {
    match step {
        Step::NotLinked { change } | Step::OrgFalse { change } => {
            !matches!(change, Some(Change::Removed))
        }
        Step::Member { change, .. } => {
            !matches!(change, Some(Change::Removed | Change::ManualUntouched))
                && !info.is_some_and(|i| i.role_mapping_has_org_id)
        }
        Step::Full(_) => false,
    }
}

fn null_argument_hint(h: &mut Hints, site: &Site<'_>, ast: &Node, claims: &Claims) {
    let src = &site.compiled.text;
    ast.walk(&mut |n: &Node| {
        let NodeKind::Call { name, args, .. } = &n.kind else {
            return;
        };
        let fallback = match &**name {
            "contains" => "`[]`",
            "starts_with" | "ends_with" => "''",
            _ => return,
        };
        let Some(arg) = args.first() else { return };
        let Some(root) = path_root(arg) else { return };
        if claims.get(root).is_some_and(|v| !v.is_null()) {
            return;
        }
        let (Some(call_text), Some(arg_text)) = (src.get(n.span.range()), src.get(arg.span.range()))
        else {
            return;
        };
        let rel_start = arg.span.start.saturating_sub(n.span.start);
        let rel_end = arg.span.end.saturating_sub(n.span.start);
        let (Some(before), Some(after)) = (call_text.get(..rel_start), call_text.get(rel_end..)) else {
            return;
        };
        let fixed = format!("{before}{arg_text} || {fallback}{after}");
        h.push(
            "null-argument",
            format!(
                "`{call_text}` in the {} throws on a missing `{root}` claim (a type error), so the whole login fails instead of falling through to `||`",
                site.label
            ),
            format!("write `{fixed}` so a missing claim counts as empty"),
        );
    });
}

/// Whether `ast` has an operand [`double_quoted_hint`] looks at: a
/// double-quoted field as a function's second or later argument, or on the
/// right of a comparison.
pub(crate) fn has_quoted_operand(ast: &Node) -> bool {
    let mut found = false;
    ast.walk(&mut |n: &Node| {
        let quoted = |c: &Node| matches!(c.kind, NodeKind::Field { quoted: true, .. });
        found |= match &n.kind {
            NodeKind::Call { args, .. } => args.iter().skip(1).any(quoted),
            NodeKind::Compare { rhs, .. } => quoted(rhs),
            _ => false,
        };
    });
    found
}

fn double_quoted_hint(h: &mut Hints, site: &Site<'_>, ast: &Node, claims: &Claims) {
    ast.walk(&mut |n: &Node| {
        let candidates: Vec<&Node> = match &n.kind {
            NodeKind::Call { args, .. } => args.iter().skip(1).collect(),
            NodeKind::Compare { rhs, .. } => vec![rhs],
            _ => return,
        };
        for c in candidates {
            if let NodeKind::Field { name, quoted: true } = &c.kind {
                if claims.get(name).is_none() {
                    h.push(
                        "double-quoted-string",
                        format!(
                            "`\"{name}\"` in the {} is a field lookup (null), not a string",
                            site.label
                        ),
                        format!("write the string in single quotes: '{name}'"),
                    );
                }
            }
        }
    });
}

/// A successful auto-provisioned login writes `email || null` and
/// `name || null` over the user's stored values.
fn stored_profile_hints(h: &mut Hints, input: &Input<'_>) {
    let config = input.config;
    let outcome = input.outcome;
    if !config.idp.auto_provision || !outcome.succeeded() {
        return;
    }
    let user = outcome.identifier.as_deref().and_then(|i| config.user(i));
    for (code, field, path, value, stored) in [
        (
            "email-erased",
            "e-mail",
            &config.idp.email_path,
            &outcome.email,
            user.and_then(|u| u.email.as_deref()),
        ),
        (
            "name-erased",
            "name",
            &config.idp.name_path,
            &outcome.name,
            user.and_then(|u| u.name.as_deref()),
        ),
    ] {
        let Some(path) = path.as_deref().filter(|p| !p.is_empty()) else {
            continue;
        };
        if !value.is_null() {
            continue;
        }
        let message = match stored {
            Some(old) if !old.is_empty() => format!(
                "the {field} path `{path}` gives nothing for this user, so this login erases the stored {field} {}: Pangolin writes `{field} || null` at every login",
                quoted(old)
            ),
            _ => format!(
                "the {field} path `{path}` gives nothing for this user: Pangolin stores no {field}, and erases a stored one at every login"
            ),
        };
        h.push(
            code,
            message,
            format!("make the path give the user's {field} (a claim the token has, e.g. `{path} || <another claim>`)"),
        );
    }
}

fn username_hints(h: &mut Hints, input: &Input<'_>) {
    let config = input.config;
    let outcome = input.outcome;
    let Some(identifier) = outcome.identifier.as_deref() else {
        return;
    };
    if outcome.message.starts_with("User with username") {
        h.push(
            "unprovisioned",
            format!("auto provisioning is off and no Pangolin user `{identifier}` with an org membership exists"),
            format!("create the user `{identifier}` in Pangolin and add it to an org, or turn on auto provisioning"),
        );
    }
    if outcome.existing_user || config.users.is_empty() {
        return;
    }
    if let Some(u) = config.other_user(identifier) {
        let whose = match u.idp {
            crate::config::UserIdp::Id(id) => format!("a user of the IdP {id}"),
            _ => "a local user".to_string(),
        };
        h.push(
            "user-other-idp",
            format!("the existing user `{identifier}` is {whose}, not of this IdP ({}): Pangolin looks users up by username AND IdP, so this login does not find them", config.idp.id),
            if config.idp.auto_provision {
                format!("expect a second user `{identifier}` (usernames can repeat across IdPs), or remove the other user")
            } else {
                format!("create `{identifier}` as a user of this IdP and add it to an org")
            },
        );
        return;
    }
    for u in &config.users {
        if crate::js::to_lower(&u.identifier) == identifier {
            h.push(
                "username-mismatch",
                format!("the existing user `{}` differs from the lower-cased identifier `{identifier}`: Pangolin looks the user up by exact username", u.identifier),
                format!("rename the Pangolin user to `{identifier}`"),
            );
            return;
        }
    }
    for u in &config.users {
        let wanted = crate::js::to_lower(&u.identifier);
        for (claim, v) in input.original.as_map() {
            if v.as_str().is_some_and(|s| crate::js::to_lower(s) == wanted) {
                h.push(
                    "username-mismatch",
                    format!(
                        "the existing user `{}` matches the claim `{claim}`, but the identifier path `{}` gives `{identifier}`: Pangolin looks the user up by the identifier",
                        u.identifier, config.idp.identifier_path
                    ),
                    format!(
                        "set the identifier path to `{claim}`, or rename the Pangolin user to `{identifier}`"
                    ),
                );
                return;
            }
        }
    }
}
