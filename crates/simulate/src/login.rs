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
use std::sync::Arc;

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use rolemap_engine::{Dialect, ErrorKind, Expression, Value, ValueKind};
use rolemap_escape::{quoted, quoted_list};
use rolemap_sorted::SortedMap;
use serde_json::Value as Json;

use crate::builder::{unwrap_role_mapping, Unwrapped};
use crate::config::{Config, Edition, ExistingUser, OrgSettings};
use crate::data::{Compiled, EngineFailure, Evaluated, Label, Site, SiteResult};
use crate::hints;
use crate::js;
use crate::outcome::{
    self, msg_no_policies, msg_shown, msg_unprovisioned, Change, Decision, Detail, ExprFailure,
    Logged, MappingSource, Memberships, OrgInfo, Outcome, Selected, Step, StoredValue, Trace,
    TracePlan, MSG_ERROR, MSG_MULTIPLE_ORGS, MSG_NO_IDENTIFIER, MSG_PLAN_LACKS_FEATURE,
    MSG_SUCCESS, REASON_NO_ROLE_MAPPING,
};
use crate::samples::{Claims, Sample};
use crate::scopes::{RemovedClaim, ScopeFilter, Scopes};
use crate::version::CloudOrgs;

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

/// The expressions of one org, resolved and compiled.
struct OrgPlan<'c> {
    org: &'c OrgSettings,
    /// The index of the first org with the same id (the org's own index:
    /// a validated config lists each org once).
    first: usize,
    org_mapping: Option<Arc<Compiled>>,
    role_mapping: Option<RolePlan>,
}

struct RolePlan {
    unwrapped: Unwrapped,
    compiled: Arc<Compiled>,
}

/// A config prepared for simulation: every distinct expression compiled
/// once, reusable for any number of samples (and shareable across threads).
pub struct Simulator<'c> {
    config: &'c Config,
    distinct: usize,
    scopes: Scopes,
    /// The claims the scopes withhold, found once.
    scope_filter: ScopeFilter,
    identifier: Arc<Compiled>,
    email: Option<Arc<Compiled>>,
    name: Option<Arc<Compiled>>,
    orgs: Vec<OrgPlan<'c>>,
    /// What the traces show of each org, shared with every outcome.
    trace_plan: Arc<TracePlan>,
    /// Whether two orgs share an id (never in a validated config).
    repeated_ids: bool,
    /// Whether any expression has an operand the double-quoted-string hint
    /// looks at (else only failed evaluations are recorded for hints).
    quoted_operand: bool,
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

/// Compiles each distinct expression text once.
#[derive(Default)]
struct Compiler {
    cache: SortedMap<String, Arc<Compiled>>,
}

impl Compiler {
    /// `text` compiled, or the failure kept for when Pangolin reaches it.
    fn compile(&mut self, text: &str) -> Arc<Compiled> {
        if let Some(c) = self.cache.get(text) {
            return Arc::clone(c);
        }
        let result = Expression::compile(text, Dialect::Pangolin).map_err(|e| {
            let mut f = EngineFailure::from_engine(&e);
            // Over rolemap's own length or nesting limits, not
            // jmespath.js's: not a failure Pangolin is known to have.
            if e.kind == ErrorKind::BudgetExceeded {
                f.kind = "over-limits";
            }
            f
        });
        let c = Arc::new(Compiled {
            text: Arc::from(text),
            quoted_operand: result
                .as_ref()
                .is_ok_and(|e| hints::has_quoted_operand(e.ast())),
            result,
        });
        self.cache.insert(text.to_string(), Arc::clone(&c));
        c
    }
}

/// The expressions of the `i`th org of `config` resolved (the org's own or
/// the IdP's default) and compiled, and what its trace shows of them.
fn plan_org<'c>(
    config: &'c Config,
    i: usize,
    org: &'c OrgSettings,
    compiler: &mut Compiler,
) -> (OrgInfo, OrgPlan<'c>) {
    let idp = &config.idp;
    let mut compile = |t: &str| compiler.compile(t);
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
        (
            source,
            RolePlan {
                unwrapped,
                compiled,
            },
        )
    });
    let info = OrgInfo {
        id: org.id.clone(),
        roles: org.roles.clone(),
        org_mapping: org_mapping
            .as_ref()
            .map(|(source, c)| (*source, Arc::clone(&c.text))),
        role_mapping_stored: role_mapping
            .as_ref()
            .and_then(|_| or_else(stored.as_deref(), idp.default_role_mapping.as_deref()).1)
            .map(Arc::from),
        role_mapping_has_org_id: role_mapping
            .as_ref()
            .is_some_and(|(_, r)| r.compiled.text.contains("{{orgId}}")),
        role_mapping: role_mapping.as_ref().map(|(source, r)| {
            (
                *source,
                Arc::clone(&r.compiled.text),
                r.unwrapped.from_builder,
            )
        }),
        reason_false: not_matched_reason("false", &org.id),
        reason_member: org
            .roles
            .iter()
            .map(|r| format!("mapped to [{}]", quoted(r)))
            .collect(),
    };
    let plan = OrgPlan {
        org,
        first: config.orgs[..i]
            .iter()
            .position(|o| o.id == org.id)
            .unwrap_or(i),
        org_mapping: org_mapping.map(|(_, c)| c),
        role_mapping: role_mapping.map(|(_, r)| r),
    };
    (info, plan)
}

impl<'c> Simulator<'c> {
    /// Compiles every expression of `config` once.
    pub fn new(config: &'c Config) -> Simulator<'c> {
        let mut compiler = Compiler::default();
        let idp = &config.idp;
        let scopes = Scopes::parse(&idp.scopes);
        let scope_filter = ScopeFilter::new(idp.provider, &scopes);
        let identifier = compiler.compile(&idp.identifier_path);
        let email = idp
            .email_path
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|t| compiler.compile(t));
        let name = idp
            .name_path
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|t| compiler.compile(t));
        let mut orgs = Vec::new();
        let mut infos = Vec::new();
        for (i, org) in config.orgs.iter().enumerate() {
            let (info, plan) = plan_org(config, i, org, &mut compiler);
            infos.push(info);
            orgs.push(plan);
        }
        let cache = compiler.cache;
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
        let quoted_operand = cache.values().any(|c| c.quoted_operand);
        Simulator {
            config,
            distinct: cache.len(),
            scope_filter,
            scopes,
            identifier,
            email,
            name,
            repeated_ids: orgs.iter().enumerate().any(|(i, p)| p.first != i),
            orgs,
            trace_plan: infos.into(),
            quoted_operand,
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
            self.scope_filter.apply(claims)
        };
        // When the token has every claim the expressions read and no
        // expression has a double-quoted operand, only failed evaluations
        // can give hints: the others are not recorded.
        let all_read_claims_present = has_claims(&filtered, &self.read_claims);
        let record_all = self.quoted_operand || !all_read_claims_present;
        let mut run = Run {
            sim: self,
            claims: filtered.as_json(),
            sites: if record_all {
                Vec::with_capacity(3 + 2 * self.orgs.len())
            } else {
                Vec::new()
            },
            record_all,
            role_memo: None,
            outcome: Outcome {
                sample: label.to_string(),
                status: 201,
                message: Cow::Borrowed(MSG_SUCCESS),
                shown: None,
                identifier: None,
                email: Json::Null,
                name: Json::Null,
                existing_user: false,
                orgs: Memberships::default(),
                trace: Trace::default(),
                error: None,
                swallowed_error: None,
                removed_claims: removed,
                hints: Vec::new(),
                logged: Logged::default(),
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
            all_read_claims_present,
            sites: &sites,
            outcome: &outcome,
            misread: &self.misread,
        });
        outcome
    }

    /// Simulates every sample, in parallel when there are more than
    /// `options.parallel_threshold` (and the `parallel` feature is on); the
    /// outcomes are in input order.
    ///
    /// Samples whose identifiers are equal once lower-cased are one
    /// Pangolin user: the later ones get the `same-user` hint.
    pub fn simulate_all(&self, samples: &[Sample], options: &Options) -> Vec<Outcome> {
        #[cfg(feature = "parallel")]
        let mut outcomes: Vec<Outcome> = if samples.len() > options.parallel_threshold {
            samples
                .par_iter()
                .map(|s| self.simulate(s, options))
                .collect()
        } else {
            samples.iter().map(|s| self.simulate(s, options)).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let mut outcomes: Vec<Outcome> =
            samples.iter().map(|s| self.simulate(s, options)).collect();
        crate::same_user::mark_same_users(&mut outcomes);
        outcomes
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

/// Whether `claims` has every claim of `names`.
fn has_claims(claims: &Claims, names: &[String]) -> bool {
    let map = claims.as_map();
    if map.len() <= 32 {
        // A scan of the keys costs less than hashing each name.
        names
            .iter()
            .all(|n| map.keys().any(|k| k.len() == n.len() && k == n))
    } else {
        names.iter().all(|n| map.contains_key(n))
    }
}

/// The state of one simulated login.
struct Run<'s, 'c, 'a> {
    sim: &'s Simulator<'c>,
    claims: &'a Json,
    /// The evaluations recorded for hints.
    sites: Vec<Site<'s>>,
    /// Whether every evaluation is recorded (else only failed ones).
    record_all: bool,
    /// The last role mapping evaluated, and its result.
    role_memo: Option<(&'s Arc<Compiled>, Evaluated<'a>)>,
    outcome: Outcome,
}

/// Why the flow stopped early.
struct Stop;

impl<'s: 'a, 'c, 'a> Run<'s, 'c, 'a> {
    fn fail(&mut self, status: u16, message: impl Into<Cow<'static, str>>) -> Stop {
        self.outcome.status = status;
        self.outcome.message = message.into();
        if status == 500 {
            self.outcome.shown = Some(msg_shown(self.sim.config.idp.display_name()));
        }
        self.outcome.orgs = Memberships::default();
        Stop
    }

    fn error(&mut self, failure: ExprFailure) -> Stop {
        self.outcome.error = Some(Box::new(failure));
        self.fail(500, MSG_ERROR)
    }

    /// Evaluates `compiled`, recording the site for hints.
    fn eval(&mut self, compiled: &'s Arc<Compiled>, label: Label<'s>) -> Evaluated<'a> {
        let r = compiled.eval(self.claims);
        if r.is_ok() && !self.record_all {
            return r;
        }
        self.record(compiled, label, r)
    }

    /// Evaluates a role mapping: orgs usually share one (the IdP's
    /// default), and its result is the same for every org of the login, so
    /// the last one is remembered. The site is recorded all the same.
    fn eval_role(&mut self, compiled: &'s Arc<Compiled>, label: Label<'s>) -> Evaluated<'a> {
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
        r: Evaluated<'a>,
    ) -> Evaluated<'a> {
        if r.is_ok() && !self.record_all {
            return r;
        }
        self.push_site(compiled, label, &r);
        r
    }

    /// Records the site of an evaluation.
    fn push_site(&mut self, compiled: &'s Arc<Compiled>, label: Label<'s>, r: &Evaluated<'a>) {
        self.sites.push(Site {
            label,
            compiled,
            result: match r {
                Ok(v) => SiteResult::Value {
                    truthy: js::truthy(v),
                },
                Err(e) => SiteResult::Error {
                    kind: e.kind,
                    js_message: e.js_message.clone(),
                },
            },
        });
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
                    let mut orgs =
                        Memberships::with_capacity(u.manual_orgs.len() + u.auto_orgs.len());
                    for (m, auto) in u
                        .manual_orgs
                        .iter()
                        .map(|m| (m, false))
                        .chain(u.auto_orgs.iter().map(|m| (m, true)))
                    {
                        orgs.push(&m.org, &m.roles, auto);
                    }
                    self.outcome.orgs = orgs;
                    Ok(())
                }
                _ => {
                    self.outcome.logged.no_existing_orgs = user.is_some();
                    let message = msg_unprovisioned(self.identifier_str());
                    Err(self.fail(401, message))
                }
            };
        }
        // The trace has an entry per org, in order; `any` tells whether an
        // org was mapped.
        self.cloud_orgs()?;
        self.outcome.trace = Trace::new(&self.sim.trace_plan);
        let mut any = false;
        for i in 0..self.sim.orgs.len() {
            any |= self.org(i)?;
        }
        self.memberships(user, any)
    }

    /// Pangolin Cloud 1.15.3 to 1.18.2 takes exactly one linked org, on a
    /// plan with auto provisioning, before any mapping runs.
    fn cloud_orgs(&mut self) -> Result<(), Stop> {
        let config = self.sim.config;
        if config.pangolin.edition != Edition::Cloud
            || config.pangolin.version.cloud_orgs() != CloudOrgs::SingleOnPlan
        {
            return Ok(());
        }
        let mut linked = config.orgs.iter().filter(|o| o.linked);
        match (linked.next(), linked.next()) {
            (None, _) => Err(self.error(type_error(
                "orgs",
                "",
                "no org is linked to the IdP: this release reads the first linked org, which does not exist".into(),
                "Cannot read properties of undefined (reading 'orgId')",
            ))),
            (Some(_), Some(_)) => Err(self.fail(500, MSG_MULTIPLE_ORGS)),
            (Some(org), None) if !org.plan.unwrap_or_default().has_auto_provisioning() => {
                Err(self.fail(403, MSG_PLAN_LACKS_FEATURE))
            }
            (Some(_), None) => Ok(()),
        }
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
            Err(e) => {
                return Err(self.error(ExprFailure::from_engine(*e, "identifier_path", text)))
            }
        };
        if !js::truthy(&v) {
            return Err(self.fail(400, MSG_NO_IDENTIFIER));
        }
        match (v.kind(), v.as_str()) {
            (ValueKind::String, Some(s)) => Ok(js::to_lower(s)),
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

    /// Step 2. The values are logged as the paths gave them and stored as
    /// `email || null` and `name || null`; a truthy email that is not a
    /// string makes `.toLowerCase()` throw after the try.
    fn email_and_name(&mut self) -> Result<(), Stop> {
        let sim = self.sim;
        let mut email: Option<Value<'a>> = None;
        let mut name: Option<Value<'a>> = None;
        // An email path that throws leaves the name unread (null).
        let mut swallowed = None;
        if let Some(c) = &sim.email {
            match self.eval(c, Label::Email) {
                Ok(v) => email = Some(v),
                Err(e) => swallowed = Some(ExprFailure::from_engine(*e, "email_path", &c.text)),
            }
        }
        if swallowed.is_none() {
            if let Some(c) = &sim.name {
                match self.eval(c, Label::Name) {
                    Ok(v) => name = Some(v),
                    Err(e) => swallowed = Some(ExprFailure::from_engine(*e, "name_path", &c.text)),
                }
            }
        }
        self.outcome.swallowed_error = swallowed.map(Box::new);
        self.outcome.logged.email = logged(email.as_ref());
        self.outcome.logged.name = logged(name.as_ref());
        self.outcome.name = match &name {
            Some(v) if js::truthy(v) => v.to_json(),
            _ => Json::Null,
        };
        let Some(v) = email.filter(js::truthy) else {
            return Ok(());
        };
        match v.as_str().filter(|_| v.kind() == ValueKind::String) {
            Some(s) => {
                self.outcome.email = Json::String(js::to_lower(s));
                Ok(())
            }
            None => {
                self.outcome.email = v.to_json();
                let kind = js::kind_name(v.kind());
                let text = sim.email.as_ref().map_or("", |c| &*c.text);
                Err(self.error(type_error(
                    "email_path",
                    text,
                    format!(
                        "the email is {} {kind}, not a string: `.toLowerCase()` throws",
                        article(kind)
                    ),
                    "TypeError: email.toLowerCase is not a function",
                )))
            }
        }
    }

    /// Step 6 writes `name || null` to the user's row; a truthy name that
    /// is not a string cannot be written (the login fails with HTTP 500).
    fn store_name(&mut self) -> Result<(), Stop> {
        let name = &self.outcome.name;
        if name.is_null() || name.is_string() {
            return Ok(());
        }
        let kind = match name {
            Json::Number(_) => "number",
            Json::Bool(_) => "boolean",
            Json::Array(_) => "array",
            _ => "object",
        };
        let text = self.sim.name.as_ref().map_or("", |c| &*c.text).to_string();
        let failure = ExprFailure {
            step: "name_path".into(),
            expression: text.clone(),
            kind: "type-error".into(),
            message: format!(
                "the name is {} {kind}, not a string: Pangolin cannot store it in the user's row",
                article(kind)
            ),
            js_message: None,
            span: [0, text.len()],
        };
        Err(self.error(failure))
    }

    /// Step 4 for org `i`: pushes the org's trace, and tells whether the
    /// user gets a membership (with the trace's `kept` roles).
    ///
    /// The usual outcomes (the org mapping gives `false`; the role mapping
    /// gives one of the org's role names) are stored as compact steps,
    /// without allocation; the rest in full.
    fn org(&mut self, i: usize) -> Result<bool, Stop> {
        let plan = &self.sim.orgs[i];
        if self.cloud_excluded(plan.org) {
            return Ok(false);
        }
        match self.org_mapping(plan)? {
            Some(selected) => self.role_mapping(plan, selected),
            None => Ok(false),
        }
    }

    /// Whether the cloud build leaves org `org` out of the login (not
    /// linked, or on a plan without auto provisioning where that matters);
    /// its trace is pushed when so.
    fn cloud_excluded(&mut self, org: &OrgSettings) -> bool {
        let sim = self.sim;
        if sim.config.pangolin.edition == Edition::Cloud {
            if !org.linked {
                self.outcome.trace.push(Step::NotLinked { change: None });
                return true;
            }
            let plan = org.plan.unwrap_or_default();
            if sim.config.pangolin.version.cloud_orgs() == CloudOrgs::LinkedOnPlan
                && !plan.has_auto_provisioning()
            {
                let reason = format!(
                    "cloud: the org's plan ({}) does not include auto provisioning, so Pangolin {} leaves the org out",
                    plan.as_str(),
                    sim.config.pangolin.version
                );
                let d = Detail::new(Decision::NotOnPlan, reason);
                self.outcome.trace.push(Step::Full(Box::new(d)));
                return true;
            }
        }
        false
    }

    /// Steps 4a-b: whether the org mapping selects the org (and how);
    /// `None` when it does not, the org's trace pushed.
    fn org_mapping(&mut self, plan: &'s OrgPlan<'c>) -> Result<Option<Selected>, Stop> {
        let org = plan.org;
        // 4a-b: org mapping.
        let selected = match &plan.org_mapping {
            None => Selected::NoMapping,
            Some(c) => {
                let v = match self.eval(c, Label::OrgMapping(&org.id)) {
                    Ok(v) => v,
                    Err(e) => {
                        let f = ExprFailure::from_engine(
                            *e,
                            &format!("orgs.{}.org_mapping", org.id),
                            &c.text,
                        );
                        return Err(self.abort(Detail::new(Decision::Error, ""), f));
                    }
                };
                match v.as_bool() {
                    Some(true) => Selected::True,
                    Some(false) => {
                        self.outcome.trace.push(Step::OrgFalse { change: None });
                        return Ok(None);
                    }
                    None if v.as_str() == Some(org.id.as_str()) => Selected::OrgId,
                    None => {
                        let kind = v.kind();
                        let mut d = Detail::new(
                            Decision::OrgNotMatched,
                            not_matched_reason(&describe(&v), &org.id),
                        );
                        d.org_mapping_value = Some(stored_value(&v));
                        d.org_mapping_type = Some(js::kind_name(kind));
                        d.org_matched = Some(false);
                        self.outcome.trace.push(Step::Full(Box::new(d)));
                        return Ok(None);
                    }
                }
            }
        };
        Ok(Some(selected))
    }

    /// Steps 4c-h for an org selected as `selected`: pushes its trace and
    /// tells whether the user gets a membership.
    fn role_mapping(&mut self, plan: &'s OrgPlan<'c>, selected: Selected) -> Result<bool, Stop> {
        let sim = self.sim;
        let org = plan.org;
        // 4c: role mapping.
        let Some(rp) = &plan.role_mapping else {
            let mut d = Detail::new(Decision::NoRoleMapping, REASON_NO_ROLE_MAPPING);
            set_selected(&mut d, selected, &org.id);
            self.outcome.trace.push(Step::Full(Box::new(d)));
            return Ok(false);
        };
        // 4d-e.
        let v = match self.eval_role(&rp.compiled, Label::RoleMapping(&org.id)) {
            Ok(v) => v,
            Err(e) => {
                let f = ExprFailure::from_engine(
                    *e,
                    &format!("orgs.{}.role_mapping", org.id),
                    &rp.compiled.text,
                );
                let mut d = Detail::new(Decision::Error, "");
                set_selected(&mut d, selected, &org.id);
                d.role_reached = true;
                return Err(self.abort(d, f));
            }
        };
        let normalises = sim.config.pangolin.version.normalises_roles();
        // The usual result: exactly one of the org's role names (a
        // non-empty string, without spaces to trim since 1.17).
        if let (ValueKind::String, Some(s)) = (v.kind(), v.as_str()) {
            if !s.is_empty() && (!normalises || js::trim(s).len() == s.len()) {
                if let Some(k) = org.roles.iter().position(|r| r == s) {
                    self.outcome.trace.push(Step::Member {
                        selected,
                        role: k as u32,
                        change: None,
                    });
                    return Ok(true);
                }
            }
        }
        let (names, ignored) = if normalises {
            normalise(&v)
        } else if js::truthy(&v) {
            (vec![js::to_js_string(&v)], Vec::new())
        } else {
            (Vec::new(), Vec::new())
        };
        let mut t = Detail::new(Decision::Member, "");
        set_selected(&mut t, selected, &org.id);
        t.role_reached = true;
        t.role_mapping_value = Some(stored_value(&v));
        t.role_mapping_type = Some(js::kind_name(v.kind()));
        t.ignored = ignored;
        if names.is_empty() {
            t.decision = Decision::NoValidRoles;
            t.reason = format!("the role mapping gave {}: no role name (Pangolin logs `Role mapping returned no valid roles`)", describe(&v)).into();
            self.outcome.trace.push(Step::Full(Box::new(t)));
            return Ok(false);
        }
        // 4f.
        let mut assigned = names.len();
        if !sim.config.assigns_several_roles(org) && names.len() > 1 {
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
                "none of the role names {} exists in the org (roles: {}; Pangolin logs `No mapped roles found in organization`)",
                quoted_list(&t.missing),
                quoted_list(&org.roles)
            )
            .into();
            self.outcome.trace.push(Step::Full(Box::new(t)));
            return Ok(false);
        }
        t.reason = match (&t.kept[..], t.missing.is_empty()) {
            ([role], true) => format!("mapped to [{}]", quoted(role)),
            _ if t.missing.is_empty() => format!("mapped to {}", quoted_list(&t.kept)),
            _ => format!(
                "mapped to {}; {} ignored (not roles of the org)",
                quoted_list(&t.kept),
                quoted_list(&t.missing)
            ),
        }
        .into();
        self.outcome.trace.push(Step::Full(Box::new(t)));
        Ok(true)
    }

    /// The login aborts on the failure of an expression of the org whose
    /// trace, `d`, is pushed.
    fn abort(&mut self, mut d: Detail, failure: ExprFailure) -> Stop {
        d.decision = Decision::Error;
        d.reason = format!(
            "{} threw: {}; the whole login aborts",
            failure.step,
            failure.js_message.as_deref().unwrap_or(&failure.message)
        )
        .into();
        d.error = Some(failure.clone());
        self.outcome.trace.push(Step::Full(Box::new(d)));
        self.error(failure)
    }

    /// Whether org `i` was mapped (its step is a membership).
    fn is_member(&self, i: usize) -> bool {
        self.outcome.trace.step(i).is_some_and(is_member)
    }

    /// The org mapped with the id of org `i`: `i` itself, unless the config
    /// repeats the id.
    fn mapped(&self, i: usize) -> Option<usize> {
        if self.sim.repeated_ids {
            let first = self.sim.orgs[i].first;
            (0..self.sim.orgs.len()).find(|&j| self.sim.orgs[j].first == first && self.is_member(j))
        } else {
            self.is_member(i).then_some(i)
        }
    }

    /// Records `change` in the trace of the (first) org with the id `org`.
    fn trace_change(&mut self, org: &str, change: Change) {
        if let Some(i) = self.sim.config.orgs.iter().position(|o| o.id == org) {
            self.set_change(i, change);
        }
    }

    /// Records `change` in the trace of the (first) org with the id of org `i`.
    fn set_change(&mut self, i: usize, change: Change) {
        let first = self.sim.orgs[i].first;
        if let Some(step) = self.outcome.trace.step_mut(first) {
            step.set_change(change);
        }
    }

    /// Steps 5 and 6. `any`: whether an org was mapped.
    fn memberships(&mut self, user: Option<&'c ExistingUser>, any: bool) -> Result<(), Stop> {
        let config = self.sim.config;
        let (manual, auto) = match user {
            Some(u) => (&u.manual_orgs[..], &u.auto_orgs[..]),
            None => (&[][..], &[][..]),
        };
        if any || !manual.is_empty() {
            self.store_name()?;
        }
        if !any {
            for a in auto {
                self.trace_change(&a.org, Change::Removed);
            }
            if manual.is_empty() {
                let message = msg_no_policies(self.identifier_str());
                return Err(self.fail(401, message));
            }
            let mut orgs = Memberships::with_capacity(manual.len());
            for m in manual {
                orgs.push(&m.org, &m.roles, false);
            }
            self.outcome.orgs = orgs;
            for m in manual {
                self.trace_change(&m.org, Change::ManualUntouched);
            }
            return Ok(());
        }
        // Sized for the mapped orgs (the usual memberships): an outcome is
        // kept per sample.
        let mapped = self
            .outcome
            .trace
            .marked()
            .filter(|(_, step)| is_member(step))
            .count();
        let mut orgs = Memberships::with_capacity(mapped + manual.len());
        let plan = &self.sim.trace_plan;
        if manual.is_empty() && auto.is_empty() && !self.sim.repeated_ids {
            // A new user (the usual case): a membership per mapped org, in
            // order, each added.
            let (infos, marked) = self.outcome.trace.marked_mut();
            for (i, step) in marked.iter_mut() {
                let i = *i as usize;
                match step {
                    Step::Member { role, .. } => orgs.push_mapped(plan, i, *role),
                    Step::Full(d) if d.decision == Decision::Member => {
                        orgs.push(&config.orgs[i].id, outcome::kept(infos.get(i), step), true)
                    }
                    _ => continue,
                }
                step.set_change(Change::Added);
            }
            self.outcome.orgs = orgs;
            return Ok(());
        }
        for (i, org) in config.orgs.iter().enumerate() {
            let manual_m = manual.iter().find(|m| m.org == org.id);
            let auto_m = auto.iter().find(|m| m.org == org.id);
            if let Some(m) = manual_m {
                orgs.push(&m.org, &m.roles, false);
                self.set_change(i, Change::ManualUntouched);
            } else if let Some(at) = self.mapped(i) {
                let roles = self.outcome.trace.kept(at);
                let change = match auto_m {
                    None => Change::Added,
                    Some(a) if a.roles[..] == *roles => Change::Unchanged,
                    Some(_) => Change::RolesReplaced,
                };
                // Org `at` has the id of org `i` (the same org unless the
                // config repeats the id).
                match self.outcome.trace.step(at) {
                    Some(Step::Member { role, .. }) => orgs.push_mapped(plan, at, *role),
                    _ => orgs.push(&org.id, roles, true),
                }
                self.set_change(i, change);
            } else if auto_m.is_some() {
                self.set_change(i, Change::Removed);
            }
        }
        // Manual memberships in orgs the config does not list (cloud).
        for m in manual {
            if config.org(&m.org).is_none() {
                orgs.push(&m.org, &m.roles, false);
            }
        }
        self.outcome.orgs = orgs;
        Ok(())
    }
}

/// A value as `JSON.stringify` writes it in a log line's metadata: `None`
/// where it leaves the key out (a function, `undefined`); a path not set
/// logs `null`.
fn logged(v: Option<&Value<'_>>) -> Option<Json> {
    match v {
        None => Some(Json::Null),
        Some(v) if matches!(v.kind(), ValueKind::Function | ValueKind::Undefined) => None,
        Some(v) => Some(js::to_json(v)),
    }
}

/// Whether `step` gives a membership.
fn is_member(step: &Step) -> bool {
    match step {
        Step::Member { .. } => true,
        Step::Full(d) => d.decision == Decision::Member,
        Step::NotLinked { .. } | Step::OrgFalse { .. } => false,
    }
}

/// A search result as the trace stores it (a boolean without building JSON).
fn stored_value(v: &Value<'_>) -> StoredValue {
    match (v.kind(), v.as_bool()) {
        (ValueKind::Bool, Some(b)) => StoredValue::Bool(b),
        _ => StoredValue::Json(v.to_json()),
    }
}

/// Records in `d` how the org mapping selected the org `id`.
fn set_selected(d: &mut Detail, selected: Selected, id: &str) {
    let (value, kind) = match selected {
        Selected::NoMapping => return,
        Selected::True => (StoredValue::Bool(true), "boolean"),
        Selected::OrgId => (StoredValue::Json(Json::String(id.to_string())), "string"),
    };
    d.org_mapping_value = Some(value);
    d.org_mapping_type = Some(kind);
    d.org_matched = Some(true);
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
