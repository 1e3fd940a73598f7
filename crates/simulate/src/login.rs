//! The login flow of Pangolin's OIDC callback (`validateOidcCallback`),
//! step by step:
//!
//! 1. `identifier = search(claims, identifierPath)`: falsy (JavaScript
//!    truthiness: `null`, `""`, `false`, `0`) -> 400; truthy non-string ->
//!    `.toLowerCase()` throws -> 500; an expression error -> 500; else
//!    lower-cased.
//! 2. email then name, in ONE try that swallows errors (an email error
//!    leaves the name null too); a truthy email is lower-cased after the
//!    try, so a truthy non-string email -> 500.
//! 3. Auto provisioning off: the user must exist (username equal to the
//!    identifier) with at least one membership, else 401; nothing is mapped.
//! 4. Auto provisioning on, for every org (cloud: linked orgs only):
//!    org mapping = policy || default, `{{orgId}}` replaced, kept when the
//!    result is exactly `true` or the org id; role mapping = policy ||
//!    default (empty: skipped), builder unwrap, evaluate, normalise (since
//!    1.17; before, `String(result)` of any truthy result), open source keeps
//!    the first role, names matched case-sensitively against the org's
//!    roles. Any expression error aborts the login with 500.
//! 5. No org matched: a user with manual memberships logs in with those,
//!    anyone else gets 401 (auto memberships removed).
//! 6. Success: manual memberships untouched, auto ones replaced, added or
//!    removed.
//!
//! Every distinct expression text is compiled once per [`Simulator`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use rolemap_engine::{Dialect, Expression, Value, ValueKind};
use serde_json::Value as Json;

use crate::builder::{unwrap_role_mapping, Unwrapped};
use crate::config::{Config, Edition, ExistingUser, OrgSettings};
use crate::hints::{self, Label, Site, SiteResult};
use crate::js;
use crate::outcome::{
    msg_no_policies, msg_shown, msg_unprovisioned, Change, Decision, ExprFailure, MappingSource,
    Membership, OrgTrace, Outcome, TraceValue, MSG_ERROR, MSG_NO_IDENTIFIER, MSG_SUCCESS,
};
use crate::samples::{Claims, Sample};
use crate::scopes::{self, RemovedClaim, Scopes};

/// How to simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Ignore the scopes: every claim of the sample reaches Pangolin
    /// (`--all-claims`).
    pub all_claims: bool,
    /// Simulate in parallel when there are more samples than this.
    pub parallel_threshold: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            all_claims: false,
            parallel_threshold: 64,
        }
    }
}

/// An expression compiled once: the result of compiling, kept so that a
/// syntax error surfaces only when Pangolin would reach the expression.
pub(crate) struct Compiled {
    /// The expression text, shared with the traces that show it.
    pub text: Arc<str>,
    pub result: Result<Expression, EngineFailure>,
    /// Whether the double-quoted-string hint can apply to it (see
    /// [`hints::has_quoted_operand`]), found once rather than per sample.
    pub quoted_operand: bool,
}

/// An engine error, kept in a form that can be cloned.
#[derive(Clone, Debug)]
pub(crate) struct EngineFailure {
    pub kind: &'static str,
    pub message: String,
    pub js_message: Option<String>,
    pub span: [usize; 2],
}

impl EngineFailure {
    fn from_engine(e: &rolemap_engine::Error) -> EngineFailure {
        EngineFailure {
            kind: e.kind.as_str(),
            message: e.message.clone(),
            js_message: e.js_message.clone(),
            span: [e.span.start, e.span.end],
        }
    }

    fn into_failure(self, step: &str, expression: &str) -> ExprFailure {
        ExprFailure {
            step: step.to_string(),
            expression: expression.to_string(),
            kind: self.kind.to_string(),
            message: self.message,
            js_message: self.js_message,
            span: self.span,
        }
    }
}

impl Compiled {
    pub(crate) fn ast(&self) -> Option<&rolemap_engine::ast::Node> {
        self.result.as_ref().ok().map(Expression::ast)
    }

    fn eval<'a>(&'a self, claims: &'a Json) -> Result<Value<'a>, EngineFailure> {
        match &self.result {
            Ok(expr) => expr
                .search(claims)
                .map_err(|e| EngineFailure::from_engine(&e)),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The expressions of one org, resolved and compiled.
struct OrgPlan<'c> {
    org: &'c OrgSettings,
    /// The org id, shared by the traces.
    id: Arc<str>,
    /// The trace's reason when the org mapping gives `false` (the usual
    /// "not matched"), built once.
    reason_false: Arc<str>,
    /// Per role of the org, the trace's reason when the user gets just that
    /// role (`mapped to ["Member"]`), built once.
    reason_member: Vec<Arc<str>>,
    org_mapping: Option<(MappingSource, Arc<Compiled>)>,
    role_mapping: Option<RolePlan>,
}

struct RolePlan {
    source: MappingSource,
    unwrapped: Unwrapped,
    compiled: Arc<Compiled>,
}

/// A config prepared for simulation: every distinct expression compiled
/// once, reusable for any number of samples (and shareable across threads).
pub struct Simulator<'c> {
    config: &'c Config,
    distinct: usize,
    scopes: Scopes,
    identifier: Arc<Compiled>,
    email: Option<Arc<Compiled>>,
    name: Option<Arc<Compiled>>,
    orgs: Vec<OrgPlan<'c>>,
    /// The claims any compiled expression reads (for the hints' shortcut).
    read_claims: Vec<String>,
    /// Per role mapping stored by the builder, the values jmespath 0.16.0
    /// misreads (only the non-empty lists; the same for every sample).
    misread: Vec<Vec<String>>,
}

/// `a || b` on optional strings: the first non-empty one.
fn or_else<'a>(
    policy: Option<&'a str>,
    default: Option<&'a str>,
) -> (MappingSource, Option<&'a str>) {
    match (policy, default) {
        (Some(p), _) if !p.is_empty() => (MappingSource::Policy, Some(p)),
        (_, Some(d)) if !d.is_empty() => (MappingSource::Default, Some(d)),
        _ => (MappingSource::None, None),
    }
}

impl<'c> Simulator<'c> {
    /// Compiles every expression of `config` once.
    pub fn new(config: &'c Config) -> Simulator<'c> {
        let mut cache: HashMap<String, Arc<Compiled>> = HashMap::new();
        let mut compile = |text: &str| -> Arc<Compiled> {
            if let Some(c) = cache.get(text) {
                return Arc::clone(c);
            }
            let result = Expression::compile(text, Dialect::Pangolin)
                .map_err(|e| EngineFailure::from_engine(&e));
            let c = Arc::new(Compiled {
                text: Arc::from(text),
                quoted_operand: result
                    .as_ref()
                    .is_ok_and(|e| hints::has_quoted_operand(e.ast())),
                result,
            });
            cache.insert(text.to_string(), Arc::clone(&c));
            c
        };
        let idp = &config.idp;
        let identifier = compile(&idp.identifier_path);
        let email = idp
            .email_path
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(&mut compile);
        let name = idp
            .name_path
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(&mut compile);
        let mut orgs = Vec::new();
        for org in &config.orgs {
            let (source, text) = or_else(
                org.org_mapping.as_deref(),
                idp.default_org_mapping.as_deref(),
            );
            let org_mapping = text.map(|t| (source, compile(&t.replace("{{orgId}}", &org.id))));
            let stored = org.stored_role_mapping();
            let (source, text) = or_else(stored.as_deref(), idp.default_role_mapping.as_deref());
            let role_mapping = text.map(|t| {
                let unwrapped = unwrap_role_mapping(t);
                let compiled = compile(&unwrapped.expression);
                RolePlan {
                    source,
                    unwrapped,
                    compiled,
                }
            });
            orgs.push(OrgPlan {
                org,
                id: Arc::from(org.id.as_str()),
                reason_false: Arc::from(not_matched_reason("false", &org.id)),
                reason_member: org
                    .roles
                    .iter()
                    .map(|r| Arc::from(format!("mapped to {:?}", [r])))
                    .collect(),
                org_mapping,
                role_mapping,
            });
        }
        let mut read_claims: Vec<String> = Vec::new();
        for c in cache.values() {
            for field in c.ast().map(hints::root_fields).unwrap_or_default() {
                if !read_claims.iter().any(|f| f == field) {
                    read_claims.push(field.to_string());
                }
            }
        }
        let misread = orgs
            .iter()
            .filter_map(|p| p.role_mapping.as_ref())
            .filter_map(|r| r.unwrapped.builder.as_ref())
            .map(|b| b.misread_values())
            .filter(|bad| !bad.is_empty())
            .collect();
        Simulator {
            config,
            distinct: cache.len(),
            scopes: Scopes::parse(&idp.scopes),
            identifier,
            email,
            name,
            orgs,
            read_claims,
            misread,
        }
    }

    /// How many distinct expression texts were compiled.
    pub fn compiled_expressions(&self) -> usize {
        self.distinct
    }

    /// The config simulated.
    pub fn config(&self) -> &'c Config {
        self.config
    }

    /// Simulates one sample's login.
    pub fn simulate(&self, sample: &Sample, options: &Options) -> Outcome {
        self.simulate_claims(&sample.label, &sample.claims, options)
    }

    /// Simulates a login with `claims`, labelled `label`.
    pub fn simulate_claims(&self, label: &str, claims: &Claims, options: &Options) -> Outcome {
        let (filtered, removed): (Cow<'_, Claims>, Vec<RemovedClaim>) = if options.all_claims {
            (Cow::Borrowed(claims), Vec::new())
        } else {
            scopes::filter(self.config.idp.provider, &self.scopes, claims)
        };
        let mut run = Run {
            sim: self,
            claims: filtered.as_json(),
            sites: Vec::with_capacity(3 + 2 * self.orgs.len()),
            role_memo: None,
            outcome: Outcome {
                sample: label.to_string(),
                status: 200,
                message: MSG_SUCCESS.to_string(),
                shown: None,
                identifier: None,
                email: Json::Null,
                name: Json::Null,
                existing_user: false,
                orgs: Vec::new(),
                trace: Vec::with_capacity(self.orgs.len()),
                error: None,
                swallowed_error: None,
                removed_claims: removed,
                hints: Vec::new(),
            },
        };
        run.login();
        let Run {
            sites, mut outcome, ..
        } = run;
        outcome.hints = hints::collect(&hints::Input {
            config: self.config,
            scopes: &self.scopes,
            original: claims,
            claims: &filtered,
            read_claims: &self.read_claims,
            sites: &sites,
            outcome: &outcome,
            misread: &self.misread,
        });
        outcome
    }

    /// Simulates every sample, in parallel when there are more than
    /// `options.parallel_threshold` (and the `parallel` feature is on); the
    /// outcomes are in input order.
    pub fn simulate_all(&self, samples: &[Sample], options: &Options) -> Vec<Outcome> {
        #[cfg(feature = "parallel")]
        if samples.len() > options.parallel_threshold {
            return samples
                .par_iter()
                .map(|s| self.simulate(s, options))
                .collect();
        }
        samples.iter().map(|s| self.simulate(s, options)).collect()
    }
}

/// Simulates one login with `claims` (compiles the config's expressions;
/// use a [`Simulator`] for many samples).
pub fn simulate(config: &Config, claims: &Claims, options: &Options) -> Outcome {
    Simulator::new(config).simulate_claims("claims", claims, options)
}

/// Simulates every sample against `config`, compiling each expression once.
pub fn simulate_all(config: &Config, samples: &[Sample], options: &Options) -> Vec<Outcome> {
    Simulator::new(config).simulate_all(samples, options)
}

/// The state of one simulated login.
struct Run<'s, 'c, 'a> {
    sim: &'s Simulator<'c>,
    claims: &'a Json,
    sites: Vec<Site<'s>>,
    /// The last role mapping evaluated, and its result.
    role_memo: Option<(&'s Arc<Compiled>, Result<Value<'a>, EngineFailure>)>,
    outcome: Outcome,
}

/// Why the flow stopped early.
struct Stop;

impl<'s: 'a, 'c, 'a> Run<'s, 'c, 'a> {
    fn fail(&mut self, status: u16, message: String) -> Stop {
        self.outcome.status = status;
        self.outcome.message = message;
        if status == 500 {
            self.outcome.shown = Some(msg_shown(self.sim.config.idp.display_name()));
        }
        self.outcome.orgs.clear();
        Stop
    }

    fn error(&mut self, failure: ExprFailure) -> Stop {
        self.outcome.error = Some(failure);
        self.fail(500, MSG_ERROR.to_string())
    }

    /// Evaluates `compiled`, recording the site for hints.
    fn eval(
        &mut self,
        compiled: &'s Arc<Compiled>,
        label: Label<'s>,
    ) -> Result<Value<'a>, EngineFailure> {
        let r = compiled.eval(self.claims);
        self.record(compiled, label, r)
    }

    /// Evaluates a role mapping: orgs usually share one (the IdP's
    /// default), and its result is the same for every org of the login, so
    /// the last one is remembered. The site is recorded all the same.
    fn eval_role(
        &mut self,
        compiled: &'s Arc<Compiled>,
        label: Label<'s>,
    ) -> Result<Value<'a>, EngineFailure> {
        let r = match &self.role_memo {
            Some((c, r)) if Arc::ptr_eq(c, compiled) => r.clone(),
            _ => {
                let r = compiled.eval(self.claims);
                self.role_memo = Some((compiled, r.clone()));
                r
            }
        };
        self.record(compiled, label, r)
    }

    /// Records the site of an evaluation (for hints) and gives its result.
    fn record(
        &mut self,
        compiled: &'s Arc<Compiled>,
        label: Label<'s>,
        r: Result<Value<'a>, EngineFailure>,
    ) -> Result<Value<'a>, EngineFailure> {
        self.sites.push(Site {
            label,
            compiled,
            result: match &r {
                Ok(v) => SiteResult::Value {
                    truthy: js::truthy(v),
                },
                Err(e) => SiteResult::Error {
                    kind: e.kind,
                    js_message: e.js_message.clone(),
                },
            },
        });
        r
    }

    fn login(&mut self) {
        let _ = self.steps();
    }

    fn steps(&mut self) -> Result<(), Stop> {
        let identifier = self.identifier()?;
        let config = self.sim.config;
        let user = config.user(&identifier);
        self.outcome.identifier = Some(identifier);
        self.email_and_name()?;
        self.outcome.existing_user = user.is_some();
        if !config.idp.auto_provision {
            return match user {
                Some(u) if !(u.manual_orgs.is_empty() && u.auto_orgs.is_empty()) => {
                    self.outcome.orgs = u
                        .manual_orgs
                        .iter()
                        .map(|m| (m, false))
                        .chain(u.auto_orgs.iter().map(|m| (m, true)))
                        .map(|(m, auto)| Membership {
                            org: m.org.clone(),
                            roles: m.roles.clone(),
                            auto,
                        })
                        .collect();
                    Ok(())
                }
                _ => {
                    let message = msg_unprovisioned(self.identifier_str());
                    Err(self.fail(401, message))
                }
            };
        }
        // The orgs mapped, with the index of their trace (its `kept` roles).
        let mut matched: Vec<(&'c OrgSettings, usize)> = Vec::new();
        for i in 0..self.sim.orgs.len() {
            if self.org(i)? {
                matched.push((self.sim.orgs[i].org, self.outcome.trace.len() - 1));
            }
        }
        self.memberships(user, matched)
    }

    /// The identifier found in step 1 (`""` before).
    fn identifier_str(&self) -> &str {
        self.outcome.identifier.as_deref().unwrap_or_default()
    }

    /// Step 1.
    fn identifier(&mut self) -> Result<String, Stop> {
        let sim = self.sim;
        let text: &'s str = &sim.identifier.text;
        let v = match self.eval(&sim.identifier, Label::Identifier) {
            Ok(v) => v,
            Err(e) => return Err(self.error(e.into_failure("identifier_path", text))),
        };
        if !js::truthy(&v) {
            return Err(self.fail(400, MSG_NO_IDENTIFIER.to_string()));
        }
        match (v.kind(), v.as_str()) {
            (ValueKind::String, Some(s)) => Ok(s.to_lowercase()),
            (kind, _) => {
                let kind = js::kind_name(kind);
                Err(self.error(type_error(
                    "identifier_path",
                    text,
                    format!(
                        "the identifier is {} {kind}, not a string: `.toLowerCase()` throws",
                        article(kind)
                    ),
                    "TypeError: userIdentifier.toLowerCase is not a function",
                )))
            }
        }
    }

    /// Step 2.
    fn email_and_name(&mut self) -> Result<(), Stop> {
        let sim = self.sim;
        // The email as stored, and the type of a truthy non-string email
        // (`.toLowerCase()` then throws, after the try).
        let mut email: Option<(Json, Option<&'static str>)> = None;
        let mut swallowed = None;
        if let Some(c) = &sim.email {
            match self.eval(c, Label::Email) {
                Ok(v) => {
                    email = Some(if !js::truthy(&v) {
                        (v.to_json(), None)
                    } else {
                        match v.as_str().filter(|_| v.kind() == ValueKind::String) {
                            Some(s) => (Json::String(s.to_lowercase()), None),
                            None => (v.to_json(), Some(js::kind_name(v.kind()))),
                        }
                    })
                }
                Err(e) => swallowed = Some(e.into_failure("email_path", &c.text)),
            }
        }
        if swallowed.is_none() {
            if let Some(c) = &sim.name {
                match self.eval(c, Label::Name) {
                    Ok(v) => self.outcome.name = v.to_json(),
                    Err(e) => swallowed = Some(e.into_failure("name_path", &c.text)),
                }
            }
        }
        self.outcome.swallowed_error = swallowed;
        if let Some((json, not_string)) = email {
            self.outcome.email = json;
            if let Some(kind) = not_string {
                let text = sim.email.as_ref().map_or("", |c| &*c.text);
                return Err(self.error(type_error(
                    "email_path",
                    text,
                    format!(
                        "the email is {} {kind}, not a string: `.toLowerCase()` throws",
                        article(kind)
                    ),
                    "TypeError: email.toLowerCase is not a function",
                )));
            }
        }
        Ok(())
    }

    /// Step 4 for org `i`: pushes the org's trace, and tells whether the
    /// user gets a membership (with the trace's `kept` roles).
    ///
    /// The trace is pushed first and filled in place (a trace is a few
    /// hundred bytes, written for every org of every sample).
    fn org(&mut self, i: usize) -> Result<bool, Stop> {
        let sim = self.sim;
        let plan = &sim.orgs[i];
        let org = plan.org;
        if sim.config.pangolin.edition == Edition::Cloud && !org.linked {
            let mut t = OrgTrace::with_reason(
                Arc::clone(&plan.id),
                "cloud edition: the org is not linked to this identity provider".into(),
            );
            t.decision = Decision::NotLinked;
            self.outcome.trace.push(t);
            return Ok(false);
        }
        let at = self.outcome.trace.len();
        self.outcome.trace.push(OrgTrace::with_reason(
            Arc::clone(&plan.id),
            Arc::clone(&plan.reason_false),
        ));
        // 4a-b: org mapping.
        if let Some((source, c)) = &plan.org_mapping {
            let t = &mut self.outcome.trace[at];
            t.org_mapping_source = *source;
            t.org_mapping = Some(Arc::clone(&c.text));
            let v = match self.eval(c, Label::OrgMapping(&org.id)) {
                Ok(v) => v,
                Err(e) => {
                    let f = e.into_failure(&format!("orgs.{}.org_mapping", org.id), &c.text);
                    return Err(self.abort(at, f));
                }
            };
            let kind = v.kind();
            let (matched, value) = match kind {
                ValueKind::Bool => {
                    let b = v.as_bool() == Some(true);
                    (b, TraceValue::Bool(b))
                }
                ValueKind::String => (v.as_str() == Some(org.id.as_str()), trace_value(&v)),
                _ => (false, trace_value(&v)),
            };
            let t = &mut self.outcome.trace[at];
            t.org_mapping_value = Some(value);
            t.org_mapping_type = Some(js::kind_name(kind));
            t.org_matched = Some(matched);
            if !matched {
                t.decision = Decision::OrgNotMatched;
                // `reason_false` is already there for `false`.
                if kind != ValueKind::Bool {
                    t.reason = not_matched_reason(&describe(&v), &org.id).into();
                }
                return Ok(false);
            }
        }
        // 4c: role mapping.
        let t = &mut self.outcome.trace[at];
        let Some(rp) = &plan.role_mapping else {
            t.decision = Decision::NoRoleMapping;
            t.reason = Arc::from(
                "no role mapping: neither the org's policy nor the IdP's default has one",
            );
            return Ok(false);
        };
        t.role_mapping_source = rp.source;
        t.role_mapping = Some(Arc::clone(&rp.compiled.text));
        t.from_builder = rp.unwrapped.from_builder;
        // 4d-e.
        let v = match self.eval_role(&rp.compiled, Label::RoleMapping(&org.id)) {
            Ok(v) => v,
            Err(e) => {
                let f = e.into_failure(&format!("orgs.{}.role_mapping", org.id), &rp.compiled.text);
                return Err(self.abort(at, f));
            }
        };
        let (names, ignored) = if sim.config.pangolin.version.normalises_roles() {
            normalise(&v)
        } else if js::truthy(&v) {
            (vec![js::to_js_string(&v)], Vec::new())
        } else {
            (Vec::new(), Vec::new())
        };
        let t = &mut self.outcome.trace[at];
        t.role_mapping_value = Some(trace_value(&v));
        t.role_mapping_type = Some(js::kind_name(v.kind()));
        t.ignored = ignored;
        if names.is_empty() {
            t.decision = Decision::NoValidRoles;
            t.reason = format!("the role mapping gave {}: no role name (Pangolin logs `Role mapping returned no valid roles`)", describe(&v)).into();
            return Ok(false);
        }
        // 4f.
        let mut assigned = names.len();
        if sim.config.pangolin.edition == Edition::Oss && names.len() > 1 {
            t.dropped = names[1..].to_vec();
            assigned = 1;
        }
        // 4g-h.
        for n in &names[..assigned] {
            if org.roles.contains(n) {
                t.kept.push(n.clone());
            } else {
                t.missing.push(n.clone());
            }
        }
        t.roles = names;
        if t.kept.is_empty() {
            t.decision = Decision::NoRolesInOrg;
            t.reason = format!(
                "none of the role names {:?} exists in the org (roles: {:?}; Pangolin logs `No mapped roles found in organization`)",
                t.missing, org.roles
            )
            .into();
            return Ok(false);
        }
        t.decision = Decision::Member;
        let single = match (&t.kept[..], t.missing.is_empty()) {
            ([role], true) => org
                .roles
                .iter()
                .position(|r| r == role)
                .and_then(|k| plan.reason_member.get(k)),
            _ => None,
        };
        t.reason = match single {
            Some(reason) => Arc::clone(reason),
            None if t.missing.is_empty() => format!("mapped to {:?}", t.kept).into(),
            None => format!(
                "mapped to {:?}; {:?} ignored (not roles of the org)",
                t.kept, t.missing
            )
            .into(),
        };
        Ok(true)
    }

    /// The login aborts on the failure of an expression of the org whose
    /// trace is at `at`.
    fn abort(&mut self, at: usize, failure: ExprFailure) -> Stop {
        let t = &mut self.outcome.trace[at];
        t.decision = Decision::Error;
        t.reason = format!(
            "{} threw: {}; the whole login aborts",
            failure.step,
            failure.js_message.as_deref().unwrap_or(&failure.message)
        )
        .into();
        t.error = Some(Box::new(failure.clone()));
        self.error(failure)
    }

    /// Steps 5 and 6.
    fn memberships(
        &mut self,
        user: Option<&'c ExistingUser>,
        matched: Vec<(&'c OrgSettings, usize)>,
    ) -> Result<(), Stop> {
        let config = self.sim.config;
        let (manual, auto) = match user {
            Some(u) => (&u.manual_orgs[..], &u.auto_orgs[..]),
            None => (&[][..], &[][..]),
        };
        let trace_change = |trace: &mut Vec<OrgTrace>, org: &str, change: Change| {
            if let Some(t) = trace.iter_mut().find(|t| &*t.org == org) {
                t.change = Some(change);
            }
        };
        if matched.is_empty() {
            for a in auto {
                trace_change(&mut self.outcome.trace, &a.org, Change::Removed);
            }
            if manual.is_empty() {
                let message = msg_no_policies(self.identifier_str());
                return Err(self.fail(401, message));
            }
            self.outcome.orgs = manual
                .iter()
                .map(|m| Membership {
                    org: m.org.clone(),
                    roles: m.roles.clone(),
                    auto: false,
                })
                .collect();
            for m in manual {
                trace_change(&mut self.outcome.trace, &m.org, Change::ManualUntouched);
            }
            return Ok(());
        }
        let mut orgs = Vec::new();
        for org in &config.orgs {
            let manual_m = manual.iter().find(|m| m.org == org.id);
            let auto_m = auto.iter().find(|m| m.org == org.id);
            let mapped = matched.iter().find(|(o, _)| o.id == org.id);
            if let Some(m) = manual_m {
                orgs.push(Membership {
                    org: m.org.clone(),
                    roles: m.roles.clone(),
                    auto: false,
                });
                trace_change(&mut self.outcome.trace, &org.id, Change::ManualUntouched);
            } else if let Some(&(_, at)) = mapped {
                let roles = &self.outcome.trace[at].kept;
                let change = match auto_m {
                    None => Change::Added,
                    Some(a) if &a.roles == roles => Change::Unchanged,
                    Some(_) => Change::RolesReplaced,
                };
                orgs.push(Membership {
                    org: org.id.clone(),
                    roles: roles.clone(),
                    auto: true,
                });
                trace_change(&mut self.outcome.trace, &org.id, change);
            } else if auto_m.is_some() {
                trace_change(&mut self.outcome.trace, &org.id, Change::Removed);
            }
        }
        // Manual memberships in orgs the config does not list (cloud).
        for m in manual {
            if config.org(&m.org).is_none() {
                orgs.push(Membership {
                    org: m.org.clone(),
                    roles: m.roles.clone(),
                    auto: false,
                });
            }
        }
        self.outcome.orgs = orgs;
        Ok(())
    }
}

/// A search result as the trace keeps it (a boolean without building JSON).
fn trace_value(v: &Value<'_>) -> TraceValue {
    match (v.kind(), v.as_bool()) {
        (ValueKind::Bool, Some(b)) => TraceValue::Bool(b),
        _ => v.to_json().into(),
    }
}

/// The trace's reason when the org mapping of `org` gave `described`.
fn not_matched_reason(described: &str, org: &str) -> String {
    format!("the org mapping gave {described}, not `true` or the string \"{org}\"")
}

/// Result normalisation since 1.17: the role names, and the array elements
/// dropped.
fn normalise(v: &Value<'_>) -> (Vec<String>, Vec<Json>) {
    match v.kind() {
        ValueKind::String => {
            let s = js::trim(v.as_str().unwrap_or_default());
            if s.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                (vec![s.to_string()], Vec::new())
            }
        }
        ValueKind::Array => {
            let mut names: Vec<String> = Vec::new();
            let mut ignored = Vec::new();
            for item in v.array_items().unwrap_or_default() {
                match (item.kind(), item.as_str()) {
                    (ValueKind::String, Some(s)) => {
                        let s = js::trim(s);
                        if s.is_empty() || names.iter().any(|n| n == s) {
                            ignored.push(item.to_json());
                        } else {
                            names.push(s.to_string());
                        }
                    }
                    _ => ignored.push(item.to_json()),
                }
            }
            (names, ignored)
        }
        _ => (Vec::new(), Vec::new()),
    }
}

fn article(kind: &str) -> &'static str {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// `the string "x"`, `true`, `an array [..]`: a value for messages.
fn describe(v: &Value<'_>) -> String {
    let kind = js::kind_name(v.kind());
    match v.kind() {
        ValueKind::Null => "null".into(),
        ValueKind::Undefined => "undefined (no value)".into(),
        ValueKind::Bool => v.to_json().to_string(),
        ValueKind::Function => {
            "a JavaScript function (a prototype property such as `constructor`)".into()
        }
        _ => {
            let mut json = v.to_json().to_string();
            if json.len() > 80 {
                let mut cut = 77;
                while !json.is_char_boundary(cut) {
                    cut -= 1;
                }
                json.truncate(cut);
                json.push_str("...");
            }
            format!("{} {kind} {json}", article(kind))
        }
    }
}

fn type_error(step: &str, expression: &str, message: String, js_message: &str) -> ExprFailure {
    ExprFailure {
        step: step.to_string(),
        expression: expression.to_string(),
        kind: "type-error".into(),
        message,
        js_message: Some(js_message.to_string()),
        span: [0, expression.len()],
    }
}
