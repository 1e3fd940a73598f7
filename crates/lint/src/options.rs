//! What the linter needs to know about where an expression is used.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value as Json;

/// Which field of the identity provider the expression is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExprRole {
    /// A role mapping: yields role names.
    #[default]
    RoleMapping,
    /// An org mapping: `true` or the org id keeps the org; `{{orgId}}` is substituted.
    OrgMapping,
    /// The identifier, email or name path: yields one string.
    Path,
}

impl ExprRole {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExprRole::RoleMapping => "role-mapping",
            ExprRole::OrgMapping => "org-mapping",
            ExprRole::Path => "path",
        }
    }
}

impl fmt::Display for ExprRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExprRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "role-mapping" | "role" | "roles" => Ok(ExprRole::RoleMapping),
            "org-mapping" | "org" => Ok(ExprRole::OrgMapping),
            "path" | "identifier" | "email" | "name" => Ok(ExprRole::Path),
            other => Err(format!(
                "unknown expression role `{other}`: expected `role-mapping`, `org-mapping` or `path`"
            )),
        }
    }
}

/// Which Pangolin build evaluates the expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// Open source, no license: only the first role name is kept.
    #[default]
    Oss,
    /// Licensed enterprise build: every role name is kept.
    Enterprise,
    /// Pangolin Cloud: every role name is kept; only orgs linked to the IdP.
    Cloud,
}

impl Edition {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Oss => "oss",
            Edition::Enterprise => "enterprise",
            Edition::Cloud => "cloud",
        }
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Edition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "oss" | "open-source" | "community" => Ok(Edition::Oss),
            "enterprise" | "ee" => Ok(Edition::Enterprise),
            "cloud" => Ok(Edition::Cloud),
            other => Err(format!(
                "unknown edition `{other}`: expected `oss`, `enterprise` or `cloud`"
            )),
        }
    }
}

/// Which application evaluates the expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Pangolin (jmespath.js 0.16.0).
    #[default]
    Pangolin,
    /// Grafana's OAuth login (go-jmespath community v1.1.1); a build
    /// without the feature `grafana` reports nothing for it.
    Grafana,
}

/// The Grafana settings around an expression (`[auth.generic_oauth]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GrafanaOptions {
    /// The expression must give an array of strings (`groups_attribute_path`,
    /// `org_attribute_path`); otherwise a role (`role_attribute_path`) when
    /// [`LintOptions::role`] is a role mapping.
    pub list: bool,
    /// `allow_assign_grafana_admin`.
    pub allow_assign_grafana_admin: bool,
    /// `role_attribute_strict`.
    pub role_attribute_strict: bool,
    /// `skip_org_role_sync`.
    pub skip_org_role_sync: bool,
    /// `org_mapping` entries.
    pub org_mapping: Vec<String>,
}

/// The context of a lint run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintOptions {
    /// The application (Pangolin unless set).
    pub target: Target,
    /// Grafana's settings (with [`Target::Grafana`]).
    pub grafana: GrafanaOptions,
    /// What the expression is for.
    pub role: ExprRole,
    /// Sample ID-token payloads (JSON objects). None: claims are unknown.
    pub claims: Vec<Json>,
    /// The roles of the organization, when known.
    pub roles: Option<Vec<String>>,
    /// The Pangolin build.
    pub edition: Edition,
    /// The organization id (for org mappings).
    pub org_id: Option<String>,
    /// A dialect the mapping may move to (Grafana's): where it parses or
    /// answers otherwise there, a note says so (RM060).
    pub compare_with: Option<rolemap_engine::Dialect>,
}
