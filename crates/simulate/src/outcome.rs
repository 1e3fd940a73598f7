//! What a simulated login gives: the HTTP status and message Pangolin
//! answers with, the user's memberships, a per-org trace of every decision,
//! and hints. This is also the CLI's `--output json` shape.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value as Json;

use crate::hints::Hint;
use crate::scopes::RemovedClaim;

/// HTTP 200: the login succeeds.
pub const MSG_SUCCESS: &str = "Login succeeded";
/// HTTP 400 message when the identifier path gives a falsy value.
pub const MSG_NO_IDENTIFIER: &str = "User identifier not found in the ID token";
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

/// A membership of the user in an org after the login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Membership {
    /// The org id.
    pub org: String,
    /// Role names.
    pub roles: Vec<String>,
    /// Whether auto provisioning manages it (false: added by hand).
    pub auto: bool,
}

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
    /// JavaScript `TypeError` in Pangolin's own code).
    pub kind: String,
    /// The simulator's message.
    pub message: String,
    /// What Pangolin's server would log, when known.
    pub js_message: Option<String>,
    /// Byte range in `expression` (`[start, end]`).
    pub span: [usize; 2],
}

/// A search result as a trace keeps it: a boolean inline (what org
/// mappings usually give), anything else as boxed JSON. It serializes as
/// the JSON value itself, so a trace is small and costs no allocation for a
/// boolean.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceValue {
    /// `true` or `false`.
    Bool(bool),
    /// Any other JSON value.
    Json(Box<Json>),
}

impl TraceValue {
    /// The value as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            TraceValue::Bool(b) => Json::Bool(*b),
            TraceValue::Json(v) => (**v).clone(),
        }
    }

    /// The boxed JSON value, `None` for a boolean.
    pub fn as_json(&self) -> Option<&Json> {
        match self {
            TraceValue::Bool(_) => None,
            TraceValue::Json(v) => Some(v),
        }
    }
}

impl From<Json> for TraceValue {
    fn from(v: Json) -> TraceValue {
        match v {
            Json::Bool(b) => TraceValue::Bool(b),
            other => TraceValue::Json(Box::new(other)),
        }
    }
}

impl Serialize for TraceValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TraceValue::Bool(b) => s.serialize_bool(*b),
            TraceValue::Json(v) => v.serialize(s),
        }
    }
}

/// The trace of one org: what was decided and why.
///
/// The texts that are the same for every sample (the org id, the mapping
/// expressions, the usual reasons) are shared (`Arc<str>`) with the
/// [`Simulator`](crate::Simulator) rather than copied per sample; they
/// serialize as plain strings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrgTrace {
    /// The org id.
    pub org: Arc<str>,
    /// The decision.
    pub decision: Decision,
    /// Why, in words.
    pub reason: Arc<str>,
    /// Where the org mapping came from.
    pub org_mapping_source: MappingSource,
    /// The org mapping after `{{orgId}}` substitution (`None`: no filter).
    pub org_mapping: Option<Arc<str>>,
    /// Its value (JSON; a function or `undefined` shows as null).
    pub org_mapping_value: Option<TraceValue>,
    /// The value's type (`boolean`, `string`, `function`...).
    pub org_mapping_type: Option<&'static str>,
    /// Whether the org mapping selected the org (`None`: not evaluated).
    pub org_matched: Option<bool>,
    /// Where the role mapping came from.
    pub role_mapping_source: MappingSource,
    /// The role-mapping expression evaluated (after the builder unwrap).
    pub role_mapping: Option<Arc<str>>,
    /// Whether the role mapping was stored by the mapping builder.
    pub from_builder: bool,
    /// The role mapping's value (JSON).
    pub role_mapping_value: Option<TraceValue>,
    /// The value's type.
    pub role_mapping_type: Option<&'static str>,
    /// Role names after normalisation (before the edition's cut).
    pub roles: Vec<String>,
    /// Array elements normalisation dropped (non-strings, blanks, repeats).
    pub ignored: Vec<Json>,
    /// Role names dropped because the open-source edition keeps the first.
    pub dropped: Vec<String>,
    /// Role names found in the org: assigned.
    pub kept: Vec<String>,
    /// Role names the org does not have: silently ignored by Pangolin.
    pub missing: Vec<String>,
    /// The membership change, on success.
    pub change: Option<Change>,
    /// The error, when this org aborted the login (boxed: it is rare, and
    /// a trace is kept per org per sample).
    pub error: Option<Box<ExprFailure>>,
}

impl OrgTrace {
    /// An empty trace for `org`.
    pub fn new(org: impl Into<Arc<str>>) -> OrgTrace {
        OrgTrace::with_reason(org.into(), Arc::from(""))
    }

    /// An empty trace for `org` with a first `reason` (both shared).
    pub(crate) fn with_reason(org: Arc<str>, reason: Arc<str>) -> OrgTrace {
        OrgTrace {
            org,
            decision: Decision::OrgNotMatched,
            reason,
            org_mapping_source: MappingSource::None,
            org_mapping: None,
            org_mapping_value: None,
            org_mapping_type: None,
            org_matched: None,
            role_mapping_source: MappingSource::None,
            role_mapping: None,
            from_builder: false,
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

/// The result of one simulated login.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The sample's label.
    pub sample: String,
    /// HTTP status (200 on success).
    pub status: u16,
    /// Pangolin's message.
    pub message: String,
    /// What the browser shows above the message (HTTP 500 only).
    pub shown: Option<String>,
    /// The lower-cased identifier (the username), when there is one.
    pub identifier: Option<String>,
    /// The email (lower-cased when truthy), as stored.
    pub email: Json,
    /// The name, as stored.
    pub name: Json,
    /// Whether the user existed before this login.
    pub existing_user: bool,
    /// The user's memberships after the login (empty on failure).
    pub orgs: Vec<Membership>,
    /// Per org, in order: what was decided and why.
    pub trace: Vec<OrgTrace>,
    /// The expression error that failed the login, if any.
    pub error: Option<ExprFailure>,
    /// An email/name path error Pangolin swallowed (email and name null).
    pub swallowed_error: Option<ExprFailure>,
    /// Claims the configured scopes removed from the sample.
    pub removed_claims: Vec<RemovedClaim>,
    /// Causes and fixes.
    pub hints: Vec<Hint>,
}

impl Outcome {
    /// Whether the login succeeded.
    pub fn succeeded(&self) -> bool {
        self.status == 200
    }
}
