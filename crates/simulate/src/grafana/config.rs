//! The settings the login reads, typed, with their expressions compiled.

use rolemap_engine::{Dialect, Expression};

use super::settings::{Settings, GENERIC_OAUTH};
use crate::data::{Hint, HintCode};

/// The engine Grafana runs (11.3 and later: go-jmespath community
/// v1.1.1). This one function picks the dialect.
pub fn dialect() -> Dialect {
    Dialect::Grafana
}

/// An expression setting: its text, compiled (or the syntax error).
#[derive(Clone, Debug)]
pub struct Path {
    /// The setting's name.
    pub key: &'static str,
    /// The text.
    pub source: String,
    /// Compiled, or why not.
    pub compiled: Result<Expression, String>,
}

impl Path {
    fn new(key: &'static str, source: &str) -> Option<Path> {
        if source.is_empty() {
            return None;
        }
        let compiled = Expression::compile(source, dialect()).map_err(|e| e.to_string());
        Some(Path {
            key,
            source: source.to_string(),
            compiled,
        })
    }
}

/// What `[auth.generic_oauth]` and `[users]` set.
#[derive(Clone, Debug)]
pub struct GrafanaConfig {
    /// The settings as read.
    pub settings: Settings,
    /// `role_attribute_path`.
    pub role: Option<Path>,
    /// `role_attribute_strict`.
    pub strict: bool,
    /// `allow_assign_grafana_admin`.
    pub allow_grafana_admin: bool,
    /// `skip_org_role_sync`.
    pub skip_org_role_sync: bool,
    /// `org_attribute_path`.
    pub orgs: Option<Path>,
    /// `org_mapping` entries, as written.
    pub org_mapping: Vec<String>,
    /// `groups_attribute_path`.
    pub groups: Option<Path>,
    /// `allowed_groups`.
    pub allowed_groups: Vec<String>,
    /// `allowed_domains`.
    pub allowed_domains: Vec<String>,
    /// `email_attribute_path`.
    pub email: Option<Path>,
    /// `email_attribute_name` (default `email:primary`).
    pub email_attribute_name: String,
    /// `login_attribute_path`.
    pub login: Option<Path>,
    /// `name_attribute_path`.
    pub name: Option<Path>,
    /// `api_url`.
    pub api_url: String,
    /// `[users] auto_assign_org_role` (default `Viewer`).
    pub auto_assign_org_role: String,
    /// `[users] auto_assign_org_id` (default `1`).
    pub auto_assign_org_id: String,
}

/// go-ini's boolean words (`MustBool`); anything else is false.
pub fn boolean(v: Option<&str>) -> bool {
    matches!(
        v.map(str::trim),
        Some(
            "1" | "t"
                | "T"
                | "true"
                | "TRUE"
                | "True"
                | "y"
                | "Y"
                | "yes"
                | "YES"
                | "Yes"
                | "on"
                | "ON"
                | "On"
        )
    )
}

/// A list setting as Grafana splits it: a JSON array, or words separated by
/// commas and spaces.
pub fn split_list(v: &str) -> Vec<String> {
    let t = v.trim();
    if t.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<String>>(t) {
            return items;
        }
    }
    t.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a setting's expression must give, as the linter is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `role_attribute_path`: a role.
    Role,
    /// `groups_attribute_path`, `org_attribute_path`: an array of strings.
    List,
    /// `email_attribute_path`, `login_attribute_path`, `name_attribute_path`: a string.
    Text,
    /// `org_mapping` (not JMESPath): `group:org[:role]` entries.
    OrgMapping,
}

impl GrafanaConfig {
    /// Every expression setting that is set (and `org_mapping`), in the
    /// order the login reads them: `(key, text, kind)`.
    pub fn expressions(&self) -> Vec<(&'static str, String, ExprKind)> {
        let mut out = Vec::new();
        for (path, kind) in [
            (&self.role, ExprKind::Role),
            (&self.groups, ExprKind::List),
            (&self.orgs, ExprKind::List),
            (&self.email, ExprKind::Text),
            (&self.login, ExprKind::Text),
            (&self.name, ExprKind::Text),
        ] {
            if let Some(p) = path {
                out.push((p.key, p.source.clone(), kind));
            }
        }
        if !self.org_mapping.is_empty() {
            out.push((
                "org_mapping",
                self.org_mapping.join(" "),
                ExprKind::OrgMapping,
            ));
        }
        out
    }

    /// Types the settings; an error names what stops the login from being
    /// simulated (another connector).
    pub fn new(settings: Settings) -> Result<GrafanaConfig, String> {
        if !settings.sections.contains_key(GENERIC_OAUTH) {
            let others: Vec<&str> = settings
                .sections
                .keys()
                .filter(|k| k.starts_with("auth."))
                .map(String::as_str)
                .collect();
            return Err(format!(
                "{}: rolemap simulates Grafana's generic OAuth connector, `[auth.generic_oauth]`; {} has its own login code, not simulated: configure the provider through [auth.generic_oauth]",
                settings.path.display(),
                others.iter().map(|s| format!("[{s}]")).collect::<Vec<_>>().join(", ")
            ));
        }
        let mut settings = settings;
        for key in ["allowed_groups", "allowed_domains", "org_mapping"] {
            let Some(s) = settings.get(GENERIC_OAUTH, key) else {
                continue;
            };
            let v = s.value.trim();
            let spaced = !v.starts_with('[') && v.split(',').any(|item| item.trim().contains(' '));
            if spaced {
                let hint = Hint {
                    code: HintCode::ListSplitAtSpaces,
                    message: format!(
                        "{}: Grafana splits `{key}` at commas AND spaces, so `{v}` is {:?}",
                        s.origin,
                        split_list(v)
                    ),
                    fix: format!(
                        "for names with spaces write a JSON array: {key} = [\"a b\", \"c\"]"
                    ),
                };
                settings.hints.push(hint);
            }
        }
        for key in ["team_ids", "allowed_organizations"] {
            if let Some(s) = settings.get(GENERIC_OAUTH, key) {
                let hint = Hint {
                    code: HintCode::NotSimulated,
                    message: format!("{}: `{key}` is checked against the IdP's API (teams, organizations), which rolemap does not call: the simulated logins pass that check", s.origin),
                    fix: "check that membership at the IdP".into(),
                };
                settings.hints.push(hint);
            }
        }
        if settings
            .get(GENERIC_OAUTH, "enabled")
            .is_none_or(|s| !boolean(Some(&s.value)))
        {
            settings.hints.push(Hint {
                code: HintCode::OauthDisabled,
                message: "[auth.generic_oauth] is not enabled (Grafana's default is `enabled = false`): Grafana offers no such login".into(),
                fix: "set enabled = true".into(),
            });
        }
        let get = |k: &str| settings.get(GENERIC_OAUTH, k).map(|s| s.value.as_str());
        let path = |k: &'static str| get(k).and_then(|v| Path::new(k, v));
        let users = |k: &str| settings.get("users", k).map(|s| s.value.clone());
        Ok(GrafanaConfig {
            role: path("role_attribute_path"),
            strict: boolean(get("role_attribute_strict")),
            allow_grafana_admin: boolean(get("allow_assign_grafana_admin")),
            skip_org_role_sync: boolean(get("skip_org_role_sync")),
            orgs: path("org_attribute_path"),
            org_mapping: get("org_mapping").map(split_list).unwrap_or_default(),
            groups: path("groups_attribute_path"),
            allowed_groups: get("allowed_groups").map(split_list).unwrap_or_default(),
            allowed_domains: get("allowed_domains").map(split_list).unwrap_or_default(),
            email: path("email_attribute_path"),
            email_attribute_name: get("email_attribute_name")
                .unwrap_or("email:primary")
                .to_string(),
            login: path("login_attribute_path"),
            name: path("name_attribute_path"),
            api_url: get("api_url").unwrap_or_default().to_string(),
            auto_assign_org_role: users("auto_assign_org_role").unwrap_or_else(|| "Viewer".into()),
            auto_assign_org_id: users("auto_assign_org_id").unwrap_or_else(|| "1".into()),
            settings,
        })
    }

    /// Loads and types a configuration file.
    pub fn load(path: &std::path::Path) -> Result<GrafanaConfig, String> {
        let settings = Settings::load(path).map_err(|e| e.to_string())?;
        GrafanaConfig::new(settings)
    }
}
