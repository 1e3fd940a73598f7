//! What a simulated login gives: the HTTP status and message Pangolin
//! answers with, the user's memberships, a per-org trace of every decision,
//! and hints. This is also the CLI's `--output json` shape.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value as Json;

use crate::data::{EngineFailure, Hint};
use crate::scopes::RemovedClaim;

/// HTTP 201: the login succeeds (Pangolin answers `201 Created`).
pub const MSG_SUCCESS: &str = "OIDC callback validated successfully";
/// HTTP 400 message when the identifier path gives a falsy value.
pub const MSG_NO_IDENTIFIER: &str = "User identifier not found in the ID token";
/// HTTP 500 message of Pangolin Cloud 1.15.3 to 1.18.2 when more than one
/// org is linked to the IdP.
pub const MSG_MULTIPLE_ORGS: &str =
    "Multiple organizations linked to this IdP. Please contact support.";
/// HTTP 403 message of Pangolin Cloud 1.15.3 to 1.18.2 when the linked
/// org's plan does not include auto provisioning.
pub const MSG_PLAN_LACKS_FEATURE: &str =
    "This organization's current plan does not support this feature.";
/// HTTP 500 message for any error thrown during the callback.
pub const MSG_ERROR: &str = "An error occurred";

/// HTTP 401 message when auto provisioning is off and the user does not exist
/// or belongs to no org.
pub fn msg_unprovisioned(identifier: &str) -> String {
    format!("User with username {identifier} is unprovisioned. This user must be added to an organization before logging in.")
}

/// HTTP 401 message when no org matched.
pub fn msg_no_policies(identifier: &str) -> String {
    format!("No policies matched for {identifier}. This user must be added to an organization before logging in.")
}

/// What the browser shows above the message on an HTTP 500.
pub fn msg_shown(idp_name: &str) -> String {
    format!("There was a problem connecting to {idp_name}. Please contact your administrator.")
}

/// A membership of the user in an org after the login: a view, borrowed
/// from an [`Outcome`]'s [`Memberships`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Membership<'a> {
    /// The org id.
    pub org: &'a str,
    /// Role names.
    pub roles: &'a [String],
    /// Whether auto provisioning manages it (false: added by hand).
    pub auto: bool,
}

/// A membership stored in full: added by hand, or with roles other than
/// just one of the org's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OwnedMembership {
    pub org: String,
    pub roles: Vec<String>,
    pub auto: bool,
}

/// One membership, stored compactly.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Member {
    /// An auto-provisioned membership in the config's org `org` with its
    /// role `role` (the usual one): no allocation.
    Mapped { org: u32, role: u32 },
    /// Any other.
    Owned(Box<OwnedMembership>),
}

/// The user's memberships after the login (empty on failure), in order.
///
/// Stored compactly (the org ids and role names shared with the
/// [`Simulator`](crate::Simulator) that made it); [`Memberships::iter`]
/// gives each [`Membership`], and it serializes as the list of them.
#[derive(Clone, Default)]
pub struct Memberships {
    /// The orgs (set when a membership refers to one).
    plan: Option<Arc<TracePlan>>,
    members: Vec<Member>,
}

impl Memberships {
    /// Room for `n` memberships.
    pub(crate) fn with_capacity(n: usize) -> Memberships {
        Memberships {
            plan: None,
            members: Vec::with_capacity(n),
        }
    }

    /// How many memberships there are.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The `i`-th membership.
    pub fn get(&self, i: usize) -> Option<Membership<'_>> {
        self.members.get(i).map(|m| self.view(m))
    }

    /// Every membership, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Membership<'_>> + '_ {
        self.members.iter().map(|m| self.view(m))
    }

    fn view<'a>(&'a self, m: &'a Member) -> Membership<'a> {
        match m {
            Member::Mapped { org, role } => {
                let info = &self.plan.as_deref().unwrap_or_default()[*org as usize];
                Membership {
                    org: &info.id,
                    roles: std::slice::from_ref(&info.roles[*role as usize]),
                    auto: true,
                }
            }
            Member::Owned(m) => Membership {
                org: &m.org,
                roles: &m.roles,
                auto: m.auto,
            },
        }
    }

    /// Adds an auto-provisioned membership in org `org` of `plan` with its
    /// role `role`.
    pub(crate) fn push_mapped(&mut self, plan: &Arc<TracePlan>, org: usize, role: u32) {
        if self.plan.is_none() {
            self.plan = Some(Arc::clone(plan));
        }
        self.members.push(Member::Mapped {
            org: org as u32,
            role,
        });
    }

    /// Adds a membership.
    pub(crate) fn push(&mut self, org: &str, roles: &[String], auto: bool) {
        self.members.push(Member::Owned(Box::new(OwnedMembership {
            org: org.to_string(),
            roles: roles.to_vec(),
            auto,
        })));
    }
}

/// A compact list ([`Memberships`], [`Trace`]) is shown, compared and
/// serialized as the list of its views, `iter()`.
macro_rules! as_list_of_views {
    ($($list:ty),*) => {$(
        impl Serialize for $list {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.iter())
            }
        }

        impl std::fmt::Debug for $list {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_list().entries(self.iter()).finish()
            }
        }

        impl PartialEq for $list {
            fn eq(&self, other: &$list) -> bool {
                self.len() == other.len() && self.iter().eq(other.iter())
            }
        }
    )*};
}

as_list_of_views!(Memberships, Trace);

/// Where a mapping came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingSource {
    /// The org's policy.
    Policy,
    /// The IdP's default.
    Default,
    /// Neither is set.
    None,
}

/// What was decided for an org.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// The user gets a membership.
    Member,
    /// Cloud edition: the org is not linked to this IdP, not evaluated.
    NotLinked,
    /// Cloud edition 1.18.3 to 1.19.x: the org's plan lacks auto
    /// provisioning, not evaluated.
    NotOnPlan,
    /// The org mapping did not give `true` or the org id.
    OrgNotMatched,
    /// No role mapping (policy nor default): org skipped.
    NoRoleMapping,
    /// The role mapping gave no role name: org skipped.
    NoValidRoles,
    /// None of the role names exists in the org: org skipped.
    NoRolesInOrg,
    /// An expression failed: the whole login aborts (HTTP 500).
    Error,
}

/// What happened to the user's membership in an org (step 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// A new auto-provisioned membership.
    Added,
    /// An auto-provisioned membership got the mapped roles (1:1).
    RolesReplaced,
    /// An auto-provisioned membership already had exactly these roles.
    Unchanged,
    /// A manual membership, never touched by auto provisioning.
    ManualUntouched,
    /// An auto-provisioned membership no longer matched: removed.
    Removed,
}

/// An expression that threw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExprFailure {
    /// The step (`identifier_path`, `orgs.home-lab.org_mapping`...).
    pub step: String,
    /// The expression text evaluated.
    pub expression: String,
    /// The error kind (`syntax`, `invalid-type`...; `type-error` for a
    /// JavaScript `TypeError` in Pangolin's own code; `over-limits` for an
    /// expression over rolemap's length or nesting limits, which rolemap
    /// does not check: Pangolin may accept it).
    pub kind: String,
    /// The simulator's message.
    pub message: String,
    /// What Pangolin's server would log, when known.
    pub js_message: Option<String>,
    /// Byte range in `expression` (`[start, end]`).
    pub span: [usize; 2],
}

impl ExprFailure {
    /// The failure of the expression `expression` at the step `step`.
    pub(crate) fn from_engine(failure: EngineFailure, step: &str, expression: &str) -> ExprFailure {
        ExprFailure {
            step: step.to_string(),
            expression: expression.to_string(),
            kind: failure.kind.to_string(),
            message: failure.message,
            js_message: failure.js_message,
            span: failure.span,
        }
    }
}

/// A search result as a trace shows it: a boolean or a string inline
/// (what mappings usually give, borrowed from the simulator's plan when it
/// is the org id or one of the org's roles), anything else as JSON. It
/// serializes as the JSON value itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TraceValue<'a> {
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    Str(&'a str),
    /// Any other JSON value.
    Json(&'a Json),
}

impl TraceValue<'_> {
    /// The value as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            TraceValue::Bool(b) => Json::Bool(*b),
            TraceValue::Str(s) => Json::String((*s).to_string()),
            TraceValue::Json(v) => (*v).clone(),
        }
    }

    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TraceValue::Str(s) => Some(s),
            TraceValue::Json(v) => v.as_str(),
            TraceValue::Bool(_) => None,
        }
    }
}

impl Serialize for TraceValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TraceValue::Bool(b) => s.serialize_bool(*b),
            TraceValue::Str(v) => s.serialize_str(v),
            TraceValue::Json(v) => v.serialize(s),
        }
    }
}

/// A search result as a trace stores it (the rare, general case): a
/// boolean inline, anything else as JSON.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StoredValue {
    Bool(bool),
    Json(Json),
}

impl StoredValue {
    fn view(&self) -> TraceValue<'_> {
        match self {
            StoredValue::Bool(b) => TraceValue::Bool(*b),
            StoredValue::Json(v) => TraceValue::Json(v),
        }
    }
}

/// The trace of one org: what was decided and why. A view, borrowed from
/// an [`Outcome`]'s [`Trace`] (which stores it compactly); it serializes as
/// the `trace` entries of the CLI's `--output json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrgTrace<'a> {
    /// The org id.
    pub org: &'a str,
    /// The decision.
    pub decision: Decision,
    /// Why, in words.
    pub reason: &'a str,
    /// Where the org mapping came from.
    pub org_mapping_source: MappingSource,
    /// The org mapping after `{{orgId}}` substitution (`None`: no filter).
    pub org_mapping: Option<&'a str>,
    /// Its value (JSON; a function or `undefined` shows as null).
    pub org_mapping_value: Option<TraceValue<'a>>,
    /// The value's type (`boolean`, `string`, `function`...).
    pub org_mapping_type: Option<&'static str>,
    /// Whether the org mapping selected the org (`None`: not evaluated).
    pub org_matched: Option<bool>,
    /// Where the role mapping came from.
    pub role_mapping_source: MappingSource,
    /// The role-mapping expression evaluated (after the builder unwrap).
    pub role_mapping: Option<&'a str>,
    /// Whether the role mapping was stored by the mapping builder.
    pub from_builder: bool,
    /// The role mapping's value (JSON).
    pub role_mapping_value: Option<TraceValue<'a>>,
    /// The value's type.
    pub role_mapping_type: Option<&'static str>,
    /// Role names after normalisation (before the edition's cut).
    pub roles: &'a [String],
    /// Array elements normalisation dropped (non-strings, blanks, repeats).
    pub ignored: &'a [Json],
    /// Role names dropped because the open-source edition keeps the first.
    pub dropped: &'a [String],
    /// Role names found in the org: assigned.
    pub kept: &'a [String],
    /// Role names the org does not have: silently ignored by Pangolin.
    pub missing: &'a [String],
    /// The membership change, on success.
    pub change: Option<Change>,
    /// The error, when this org aborted the login.
    pub error: Option<&'a ExprFailure>,
}

/// What a trace shows of an org that is the same for every sample: the
/// org, its mappings, and the usual reasons. Built once per
/// [`Simulator`](crate::Simulator) and shared by its outcomes.
#[derive(Debug, PartialEq)]
pub(crate) struct OrgInfo {
    pub id: String,
    pub roles: Vec<String>,
    pub org_mapping: Option<(MappingSource, Arc<str>)>,
    /// Source, expression (after the builder unwrap), whether from the builder.
    pub role_mapping: Option<(MappingSource, Arc<str>, bool)>,
    /// The role mapping as stored (before the builder unwrap), as
    /// Pangolin logs it.
    pub role_mapping_stored: Option<Arc<str>>,
    /// Whether that expression has a `{{orgId}}` (a hint: it is not
    /// replaced there).
    pub role_mapping_has_org_id: bool,
    /// The reason when the org mapping gives `false`.
    pub reason_false: String,
    /// Per role of the org, the reason when the user gets just that role
    /// (`mapped to ["Member"]`).
    pub reason_member: Vec<String>,
}

/// The orgs of a config as traces show them ([`OrgInfo`], one per org).
pub(crate) type TracePlan = [OrgInfo];

/// The reason of an org the cloud edition skips.
pub(crate) const REASON_NOT_LINKED: &str =
    "cloud edition: the org is not linked to this identity provider";
/// The reason of an org without a role mapping.
pub(crate) const REASON_NO_ROLE_MAPPING: &str =
    "no role mapping: neither the org's policy nor the IdP's default has one";

/// How the org mapping selected an org whose step is [`Step::Member`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Selected {
    /// There is no org mapping.
    NoMapping,
    /// It gave `true`.
    True,
    /// It gave the org id.
    OrgId,
}

/// One org of one login, stored compactly: the usual outcomes (the org
/// mapping gave `false`, stored as nothing at all by [`Trace`]; a
/// membership with one of the org's roles) take no allocation and 16
/// bytes; anything else is kept in full.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// Cloud edition: not linked, not evaluated.
    NotLinked { change: Option<Change> },
    /// The org mapping gave `false`.
    OrgFalse { change: Option<Change> },
    /// The user gets the org's role `role` (the role mapping gave exactly
    /// that string).
    Member {
        selected: Selected,
        role: u32,
        change: Option<Change>,
    },
    /// Anything else.
    Full(Box<Detail>),
}

/// The per-sample part of an org's trace, in full.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Detail {
    pub decision: Decision,
    pub reason: Cow<'static, str>,
    pub org_mapping_value: Option<StoredValue>,
    pub org_mapping_type: Option<&'static str>,
    pub org_matched: Option<bool>,
    /// Whether the role mapping was reached (its source and text shown).
    pub role_reached: bool,
    pub role_mapping_value: Option<StoredValue>,
    pub role_mapping_type: Option<&'static str>,
    pub roles: Vec<String>,
    pub ignored: Vec<Json>,
    pub dropped: Vec<String>,
    pub kept: Vec<String>,
    pub missing: Vec<String>,
    pub change: Option<Change>,
    pub error: Option<ExprFailure>,
}

impl Detail {
    pub(crate) fn new(decision: Decision, reason: impl Into<Cow<'static, str>>) -> Detail {
        Detail {
            decision,
            reason: reason.into(),
            org_mapping_value: None,
            org_mapping_type: None,
            org_matched: None,
            role_reached: false,
            role_mapping_value: None,
            role_mapping_type: None,
            roles: Vec::new(),
            ignored: Vec::new(),
            dropped: Vec::new(),
            kept: Vec::new(),
            missing: Vec::new(),
            change: None,
            error: None,
        }
    }
}

impl Step {
    pub(crate) fn set_change(&mut self, to: Change) {
        match self {
            Step::NotLinked { change }
            | Step::OrgFalse { change }
            | Step::Member { change, .. } => *change = Some(to),
            Step::Full(d) => d.change = Some(to),
        }
    }
}

/// Per org, in order, what was decided and why: the orgs the login
/// reached (all of them, unless an expression error aborted it).
///
/// Stored compactly: the texts are shared with the
/// [`Simulator`](crate::Simulator) that made it, and only the orgs whose
/// step is not the usual one (the org mapping gave `false`) take room, a
/// few bytes each. [`Trace::iter`] and [`Trace::get`] give each org's
/// [`OrgTrace`], and it serializes as the list of them.
#[derive(Clone, Default)]
pub struct Trace {
    /// The orgs (`None` while the trace is empty).
    plan: Option<Arc<TracePlan>>,
    /// How many orgs the login reached.
    len: u32,
    /// The steps other than [`ORG_FALSE`], with their org's index, in
    /// order.
    marked: Vec<(u32, Step)>,
}

/// The usual step, left out of [`Trace::marked`]: the org mapping gave
/// `false`, and no membership changed.
static ORG_FALSE: Step = Step::OrgFalse { change: None };

impl Trace {
    pub(crate) fn new(plan: &Arc<TracePlan>) -> Trace {
        Trace {
            plan: (!plan.is_empty()).then(|| Arc::clone(plan)),
            len: 0,
            marked: Vec::new(),
        }
    }

    /// How many orgs the trace has.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the trace has no org.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The trace of the `i`-th org.
    pub fn get(&self, i: usize) -> Option<OrgTrace<'_>> {
        let step = self.step(i)?;
        let info = self.info(i)?;
        Some(view(info, step))
    }

    /// Every org's trace, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = OrgTrace<'_>> + '_ {
        let plan = self.plan.as_deref().unwrap_or_default();
        let mut marked = self.marked.iter().peekable();
        plan.iter()
            .take(self.len())
            .enumerate()
            .map(move |(i, info)| {
                let step = match marked.next_if(|(at, _)| *at as usize == i) {
                    Some((_, step)) => step,
                    None => &ORG_FALSE,
                };
                view(info, step)
            })
    }

    /// Appends the step of the next org.
    #[inline]
    pub(crate) fn push(&mut self, step: Step) {
        if !matches!(step, Step::OrgFalse { change: None }) {
            self.marked.push((self.len, step));
        }
        self.len += 1;
    }

    /// The step of org `i`.
    pub(crate) fn step(&self, i: usize) -> Option<&Step> {
        if i >= self.len() {
            return None;
        }
        Some(
            match self.marked.binary_search_by_key(&i, |(at, _)| *at as usize) {
                Ok(k) => &self.marked[k].1,
                Err(_) => &ORG_FALSE,
            },
        )
    }

    /// The steps other than the usual one, with their org's index.
    pub(crate) fn marked(&self) -> impl Iterator<Item = (usize, &Step)> + '_ {
        self.marked.iter().map(|(i, step)| (*i as usize, step))
    }

    /// The step of org `i`, to change.
    pub(crate) fn step_mut(&mut self, i: usize) -> Option<&mut Step> {
        if i >= self.len() {
            return None;
        }
        let k = match self.marked.binary_search_by_key(&i, |(at, _)| *at as usize) {
            Ok(k) => k,
            Err(k) => {
                self.marked.insert(k, (i as u32, ORG_FALSE.clone()));
                k
            }
        };
        Some(&mut self.marked[k].1)
    }

    pub(crate) fn info(&self, i: usize) -> Option<&OrgInfo> {
        self.plan.as_deref()?.get(i)
    }

    /// The roles kept for org `i` (what a membership gets).
    pub(crate) fn kept(&self, i: usize) -> &[String] {
        match self.step(i) {
            Some(step) => kept(self.info(i), step),
            None => &[],
        }
    }

    /// The orgs, and the steps other than the usual one with their org's
    /// index, to change.
    pub(crate) fn marked_mut(&mut self) -> (&TracePlan, &mut [(u32, Step)]) {
        (self.plan.as_deref().unwrap_or_default(), &mut self.marked)
    }
}

/// The roles kept by `step` of the org `info` (what a membership gets).
pub(crate) fn kept<'a>(info: Option<&'a OrgInfo>, step: &'a Step) -> &'a [String] {
    match (step, info) {
        (Step::Member { role, .. }, Some(info)) => {
            std::slice::from_ref(&info.roles[*role as usize])
        }
        (Step::Full(d), _) => &d.kept,
        _ => &[],
    }
}

/// The [`OrgTrace`] of `step` of the org `info`.
fn view<'a>(info: &'a OrgInfo, step: &'a Step) -> OrgTrace<'a> {
    let (org_mapping_source, org_mapping) = match (&info.org_mapping, step) {
        (_, Step::NotLinked { .. }) | (None, _) => (MappingSource::None, None),
        (Some((source, text)), _) => (*source, Some(&**text)),
    };
    let role_shown = |reached: bool| match (&info.role_mapping, reached) {
        (Some((source, text, builder)), true) => (*source, Some(&**text), *builder),
        _ => (MappingSource::None, None, false),
    };
    let base = OrgTrace {
        org: &info.id,
        decision: Decision::OrgNotMatched,
        reason: "",
        org_mapping_source,
        org_mapping,
        org_mapping_value: None,
        org_mapping_type: None,
        org_matched: None,
        role_mapping_source: MappingSource::None,
        role_mapping: None,
        from_builder: false,
        role_mapping_value: None,
        role_mapping_type: None,
        roles: &[],
        ignored: &[],
        dropped: &[],
        kept: &[],
        missing: &[],
        change: None,
        error: None,
    };
    match step {
        Step::NotLinked { change } => OrgTrace {
            decision: Decision::NotLinked,
            reason: REASON_NOT_LINKED,
            change: *change,
            ..base
        },
        Step::OrgFalse { change } => OrgTrace {
            reason: &info.reason_false,
            org_mapping_value: Some(TraceValue::Bool(false)),
            org_mapping_type: Some("boolean"),
            org_matched: Some(false),
            change: *change,
            ..base
        },
        Step::Member {
            selected,
            role,
            change,
        } => {
            let (value, kind, matched) = match selected {
                Selected::NoMapping => (None, None, None),
                Selected::True => (Some(TraceValue::Bool(true)), Some("boolean"), Some(true)),
                Selected::OrgId => (Some(TraceValue::Str(&info.id)), Some("string"), Some(true)),
            };
            let (role_mapping_source, role_mapping, from_builder) = role_shown(true);
            let k = *role as usize;
            let name = std::slice::from_ref(&info.roles[k]);
            OrgTrace {
                decision: Decision::Member,
                reason: &info.reason_member[k],
                org_mapping_value: value,
                org_mapping_type: kind,
                org_matched: matched,
                role_mapping_source,
                role_mapping,
                from_builder,
                role_mapping_value: Some(TraceValue::Str(&info.roles[k])),
                role_mapping_type: Some("string"),
                roles: name,
                kept: name,
                change: *change,
                ..base
            }
        }
        Step::Full(d) => {
            let (role_mapping_source, role_mapping, from_builder) = role_shown(d.role_reached);
            OrgTrace {
                decision: d.decision,
                reason: &d.reason,
                org_mapping_value: d.org_mapping_value.as_ref().map(StoredValue::view),
                org_mapping_type: d.org_mapping_type,
                org_matched: d.org_matched,
                role_mapping_source,
                role_mapping,
                from_builder,
                role_mapping_value: d.role_mapping_value.as_ref().map(StoredValue::view),
                role_mapping_type: d.role_mapping_type,
                roles: &d.roles,
                ignored: &d.ignored,
                dropped: &d.dropped,
                kept: &d.kept,
                missing: &d.missing,
                change: d.change,
                error: d.error.as_ref(),
                ..base
            }
        }
    }
}

/// The result of one simulated login. It serializes as the CLI's
/// `--output json` entry: these fields and, with the `server-log` feature
/// (on by default), `log`: the lines Pangolin 1.22.0's server log would
/// have (`Outcome::server_log`).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The sample's label.
    pub sample: String,
    /// HTTP status (201 on success).
    pub status: u16,
    /// Pangolin's message.
    pub message: Cow<'static, str>,
    /// What the browser shows above the message (HTTP 500 only).
    pub shown: Option<String>,
    /// The lower-cased identifier (the username), when there is one.
    pub identifier: Option<String>,
    /// The email as Pangolin stores it: lower-cased, or null when the path
    /// gives nothing (`email || null`).
    pub email: Json,
    /// The name as Pangolin stores it (`name || null`).
    pub name: Json,
    /// Whether the user existed before this login.
    pub existing_user: bool,
    /// The user's memberships after the login (empty on failure).
    pub orgs: Memberships,
    /// Per org, in order: what was decided and why.
    pub trace: Trace,
    /// The expression error that failed the login, if any (boxed, as it
    /// is rare: an outcome is kept per sample).
    pub error: Option<Box<ExprFailure>>,
    /// An email/name path error Pangolin swallowed (email and name null).
    pub swallowed_error: Option<Box<ExprFailure>>,
    /// Claims the configured scopes removed from the sample.
    pub removed_claims: Vec<RemovedClaim>,
    /// Causes and fixes.
    pub hints: Vec<Hint>,
    /// What the server's log shows that the fields above do not.
    pub(crate) logged: Logged,
}

/// The values Pangolin logs before it stores them (`User email`, `User
/// name`: as the paths gave them, `None` for JavaScript's `undefined`),
/// and how the login ended where the log says more than the status.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(not(feature = "server-log"), allow(dead_code))]
pub(crate) struct Logged {
    pub email: Option<Json>,
    pub name: Option<Json>,
    /// Auto provisioning is off and the user exists without memberships.
    pub no_existing_orgs: bool,
}

/// [`Outcome`] as JSON: its fields, then `log`.
#[derive(Serialize)]
struct OutcomeJson<'a> {
    sample: &'a str,
    target: &'static str,
    ok: bool,
    status: u16,
    message: &'a str,
    shown: &'a Option<String>,
    identifier: &'a Option<String>,
    email: &'a Json,
    name: &'a Json,
    existing_user: bool,
    orgs: &'a Memberships,
    trace: &'a Trace,
    error: &'a Option<Box<ExprFailure>>,
    swallowed_error: &'a Option<Box<ExprFailure>>,
    removed_claims: &'a [RemovedClaim],
    hints: &'a [Hint],
    #[cfg(feature = "server-log")]
    log: Vec<String>,
}

impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        OutcomeJson {
            sample: &self.sample,
            target: "pangolin",
            ok: self.succeeded(),
            status: self.status,
            message: &self.message,
            shown: &self.shown,
            identifier: &self.identifier,
            email: &self.email,
            name: &self.name,
            existing_user: self.existing_user,
            orgs: &self.orgs,
            trace: &self.trace,
            error: &self.error,
            swallowed_error: &self.swallowed_error,
            removed_claims: &self.removed_claims,
            hints: &self.hints,
            #[cfg(feature = "server-log")]
            log: self.server_log(),
        }
        .serialize(s)
    }
}

impl Outcome {
    /// Whether the login succeeded.
    pub fn succeeded(&self) -> bool {
        self.status == 201
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_small() {
        // A trace entry is an org index and a step: kept per org per sample.
        assert!(std::mem::size_of::<Step>() <= 16);
        assert!(std::mem::size_of::<(u32, Step)>() <= 24);
    }
}
