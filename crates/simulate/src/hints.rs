//! Hints: for each failure or suspicious outcome, the cause and the fix.
//!
//! Every hint has a stable `code` (a [`HintCode`], usable in mapping-test
//! files; its documentation says when each applies), a `message` naming the
//! cause and a `fix`.

use rolemap_engine::ast::{Node, NodeKind};
use rolemap_escape::{quoted, quoted_list};
use serde_json::Value as Json;

use crate::config::{Config, Edition, Provider};
use crate::data::{Hint, HintCode, Site, SiteResult};
use crate::outcome::{Change, Decision, OrgInfo, OrgTrace, Outcome, Step, TraceValue};
use crate::samples::Claims;
use crate::scopes;

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

struct Hints(Vec<Hint>);

impl Hints {
    fn push(&mut self, code: HintCode, message: String, fix: String) {
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
    let mut hints = Hints(Vec::new());
    let h = &mut hints;
    site_hints(h, input);
    failure_hints(h, input);
    username_hints(h, input);
    stored_profile_hints(h, input);
    let outcome = input.outcome;
    // Per org (the usual steps give no hint: skipped unseen).
    for (i, step) in outcome.trace.marked() {
        if quiet_step(step, outcome.trace.info(i)) {
            continue;
        }
        let Some(t) = outcome.trace.get(i) else {
            continue;
        };
        role_hints(h, input, &t);
        org_selection_hints(h, input, &t);
    }
    setup_hints(h, input);
    hints.0
}

/// The hints of the evaluated expressions: claims they read that the token
/// lacks, and errors whose cause is known.
fn site_hints(h: &mut Hints, input: &Input<'_>) {
    let idp = &input.config.idp;
    let provider = idp.provider;
    let outcome = input.outcome;
    let failed = !outcome.succeeded();
    let configured = input.scopes;
    let mut hinted_claims: Vec<String> = Vec::new();
    // When the token has every claim the expressions read, no site gives a
    // claim hint: the per-site look-ups below are skipped.
    let all_read_claims_present = input.all_read_claims_present;

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
                    HintCode::ScopeRemovedClaim,
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
                    HintCode::MissingClaim,
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
                null_argument_hint(h, site, ast, input.claims);
            }
            if *kind == "budget-exceeded" {
                h.push(
                    HintCode::BudgetExceeded,
                    format!(
                        "the {} exceeded rolemap's evaluation budget: jmespath.js has no budget, so at this login Pangolin would go on building the result until it runs out of memory or time, rather than showing an error page",
                        site.label
                    ),
                    "rewrite the expression so that it does not multiply its input (each `[@, @][]` doubles it, nested projections multiply their sizes)".into(),
                );
            }
        }
        if site.compiled.quoted_operand {
            double_quoted_hint(h, site, ast, input.claims);
        }
    }
}

/// The hints of a login that failed on an expression's value or error.
fn failure_hints(h: &mut Hints, input: &Input<'_>) {
    let idp = &input.config.idp;
    let outcome = input.outcome;
    if let Some(e) = &outcome.error {
        match (e.step.as_str(), e.kind.as_str()) {
            ("identifier_path", "type-error") => h.push(
                HintCode::IdentifierNotString,
                format!("{} (identifier path `{}`)", e.message, idp.identifier_path),
                "point the identifier path at a string claim such as `preferred_username`, `email` or `sub` (or pick one element: `groups[0]`)".into(),
            ),
            (_, "over-limits") => h.push(
                HintCode::OverLimits,
                format!(
                    "rolemap did not check the expression of `{}`: it is over rolemap's limits (length or nesting), not jmespath.js's, so Pangolin may accept it and this login's real outcome is unknown",
                    e.step
                ),
                "split the expression or simplify it; no real mapping comes near these limits".into(),
            ),
            ("email_path", "type-error") => h.push(
                HintCode::EmailNotString,
                format!("{} (email path `{}`)", e.message, idp.email_path.as_deref().unwrap_or_default()),
                "point the email path at a string claim such as `email`".into(),
            ),
            _ => {}
        }
    }
    if outcome.status == 400 {
        h.push(
            HintCode::IdentifierMissing,
            format!(
                "the identifier path `{}` gives no value (null, \"\", false or 0) for this token",
                idp.identifier_path
            ),
            "use a claim every token has: `sub`, or `preferred_username`/`email` with the `profile`/`email` scope".into(),
        );
    }
    if let Some(e) = &outcome.swallowed_error {
        h.push(
            HintCode::EmailErrorSwallowed,
            format!(
                "the {} threw ({}); Pangolin swallows it and stores no email and no name",
                e.step.replace('_', " "),
                e.js_message.as_deref().unwrap_or(&e.message)
            ),
            format!("fix the expression `{}`", e.expression),
        );
    }
}

/// The hints of an org's role names: ones the org lacks but nearly has,
/// results older releases misread, and roles an edition drops.
fn role_hints(h: &mut Hints, input: &Input<'_>, t: &OrgTrace<'_>) {
    let config = input.config;
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
                HintCode::RoleCase,
                format!("the role mapping gives `{m}` but the org `{}` has the role `{r}`: role names are matched case-sensitively", t.org),
                format!("write '{r}' in the role mapping"),
            );
        } else if let Some(r) = org.and_then(|o| {
            o.roles
                .iter()
                .find(|r| r.as_str() == crate::js::trim(m) && *r != m)
        }) {
            h.push(
                HintCode::RoleWhitespace,
                format!("the role name {} has spaces around it; before 1.17 Pangolin does not trim role names", quoted(m)),
                format!("write '{r}' without spaces, or upgrade to Pangolin 1.17 or later"),
            );
        }
    }
    if !config.pangolin.version.normalises_roles() && t.role_mapping_type == Some("array") {
        h.push(
            HintCode::RoleArrayBefore117,
            format!("the role mapping of `{}` gives an array; Pangolin {} uses `String(result)` as ONE role name (`['Admin', 'Member']` becomes \"Admin,Member\")", t.org, config.pangolin.version),
            "return a single string, or upgrade to Pangolin 1.17 or later (arrays of role names)".into(),
        );
    }
    if t.role_mapping.is_some_and(|r| r.contains("{{orgId}}")) {
        h.push(
            HintCode::OrgIdInRoleMapping,
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
            HintCode::OssFirstRoleOnly,
            format!(
                "{who} keeps only the first role name ({}) for `{}`, before it looks for the names in the org; dropped: {}",
                quoted(t.roles.first().map_or("", String::as_str)),
                t.org,
                quoted_list(t.dropped)
            ),
            fix,
        );
    }
}

/// The hints of whether an org was selected and what became of the
/// membership.
fn org_selection_hints(h: &mut Hints, input: &Input<'_>, t: &OrgTrace<'_>) {
    let outcome = input.outcome;
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
            let near = v
                .as_str()
                .filter(|s| crate::js::to_lower(crate::js::trim(s)) == crate::js::to_lower(t.org));
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
            h.push(HintCode::OrgMappingNotBoolean, message, fix);
        }
    }
    if t.decision == Decision::NoRoleMapping {
        h.push(
            HintCode::NoRoleMapping,
            format!("the org `{}` has no role mapping and the IdP has no default role mapping: the org is skipped", t.org),
            "set a default role mapping (e.g. 'Member') or a role mapping in the org's policy".into(),
        );
    }
    match t.change {
        Some(Change::Removed) => h.push(
            HintCode::AutoMembershipRemoved,
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
                    HintCode::ManualMembershipUntouched,
                    format!("the mappings give {} in `{}`, but the user was added there by hand: Pangolin keeps the manual roles", quoted_list(t.kept), t.org),
                    "change the roles by hand, or remove the manual membership so auto provisioning manages it".into(),
                );
            }
        }
        _ => {}
    }
}

/// The hints of the setup rather than of one expression: no org, builder
/// values jmespath 0.16.0 misreads, Entra ID's groups overage.
fn setup_hints(h: &mut Hints, input: &Input<'_>) {
    let config = input.config;
    let idp = &config.idp;
    let outcome = input.outcome;
    let failed = !outcome.succeeded();
    let provider = idp.provider;
    if idp.auto_provision && config.orgs.is_empty() {
        h.push(
            HintCode::NoOrgs,
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
            HintCode::NoOrgs,
            "cloud edition: no org is linked to this identity provider".into(),
            "link the org to the IdP (an org policy), or set `linked = true`".into(),
        );
    }
    for bad in input.misread {
        h.push(
            HintCode::BuilderApostrophes,
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
            HintCode::EntraGroupsOverage,
            "the user is in too many groups (over 200): Entra ID sent `_claim_names` instead of `groups`".into(),
            "map on app roles (`roles`) instead, or limit the groups claim to groups assigned to the application".into(),
        );
    }
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
            HintCode::NullArgument,
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
                        HintCode::DoubleQuotedString,
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
            HintCode::EmailErased,
            "e-mail",
            &config.idp.email_path,
            &outcome.email,
            user.and_then(|u| u.email.as_deref()),
        ),
        (
            HintCode::NameErased,
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
            HintCode::Unprovisioned,
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
            HintCode::UserOtherIdp,
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
                HintCode::UsernameMismatch,
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
                    HintCode::UsernameMismatch,
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
