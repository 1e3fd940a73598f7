//! What a simulated Grafana login gives, in the JSON schema shared with
//! Pangolin's outcomes (`sample`, `target`, `ok`, `message`, `email`,
//! `name`, `orgs`, `trace`, `hints`, and each target's own fields).

use serde::Serialize;
use serde_json::Value as Json;

use crate::data::Hint;

/// The message when the IdP gives no valid role under `role_attribute_strict`.
pub const MSG_STRICT: &str =
    "IdP did not return a role attribute, please contact your administrator";
/// The message when the user is in none of `allowed_groups`.
pub const MSG_GROUPS: &str = "User is not a member of one of the required groups";
/// The message when the e-mail is outside `allowed_domains`.
pub const MSG_DOMAIN: &str = "Required email domain not fulfilled";
/// The message when no source gave an e-mail and `api_url + "/emails"` fails.
pub const MSG_NO_EMAIL: &str = "Error getting email address";

/// A role in an org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrgRole {
    /// The org, as `org_mapping` names it (an id or a name); the default
    /// org is `auto_assign_org_id`.
    pub org: String,
    /// `None`, `Viewer`, `Editor` or `Admin`.
    pub role: String,
}

/// One decision of the login, in order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The claim source (`id_token`, `userinfo`, `access_token`), or
    /// `grafana` for a decision on the settings alone.
    pub source: &'static str,
    /// The field decided (`role`, `login`, `email`, `name`, `groups`,
    /// `orgs`, `allowed_groups`, `allowed_domains`).
    pub field: &'static str,
    /// The expression evaluated, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// What it was evaluated on: `claims`, or `{"groups": []}` (the retry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<&'static str>,
    /// Its value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Json>,
    /// Its error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What Grafana did with it.
    pub note: String,
}

/// The outcome of one login.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GrafanaOutcome {
    /// The sample's label.
    pub sample: String,
    /// Always `grafana`.
    pub target: &'static str,
    /// Whether the login succeeds.
    pub ok: bool,
    /// What the user sees when it fails (`null` when it succeeds).
    pub message: Option<String>,
    /// The login.
    pub login: Option<String>,
    /// The e-mail.
    pub email: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The role in the default org.
    pub role: Option<String>,
    /// Grafana server admin: set only with `allow_assign_grafana_admin`
    /// (`null`: left as it is).
    pub server_admin: Option<bool>,
    /// Which source decided the role (`default`: `auto_assign_org_role`).
    pub role_source: Option<&'static str>,
    /// The org roles synced.
    pub orgs: Vec<OrgRole>,
    /// The groups (`groups_attribute_path`).
    pub groups: Vec<String>,
    /// Every decision, in order.
    pub trace: Vec<Step>,
    /// Causes and fixes.
    pub hints: Vec<Hint>,
}

impl GrafanaOutcome {
    /// Whether the login succeeded.
    pub fn succeeded(&self) -> bool {
        self.ok
    }
}
