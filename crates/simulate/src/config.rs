//! The simulation config: the Pangolin server, the identity provider as
//! configured in Pangolin, the organizations with their policies, and the
//! users that already exist. TOML, JSON or YAML, chosen by file extension.
//!
//! ```toml
//! samples = ["users"]                  # claim files or folders, relative to this file
//!
//! [pangolin]
//! edition = "oss"                      # oss (default) | enterprise | cloud
//! version = "1.22.0"                   # default: the newest rolemap knows (1.22.0)
//! url = "https://pangolin.example.com" # optional: reports the callback URL
//! # license = false                    # enterprise: an unlicensed install keeps the first role only
//! # identity_provider_mode = "org"     # enterprise/cloud 1.16+: the IdP belongs to `[idp] org`
//!
//! [idp]
//! id = 1
//! name = "Pocket ID"
//! provider = "pocket-id"
//! scopes = "openid profile email groups"
//! identifier_path = "preferred_username"
//! email_path = "email"
//! name_path = "name"
//! auto_provision = true
//! default_role_mapping = "contains(groups, 'admin') && 'Admin' || 'Member'"
//! default_org_mapping = "'{{orgId}}'"
//! # org = "home-lab"                   # with identity_provider_mode = "org"
//!
//! [[orgs]]
//! id = "home-lab"
//! roles = ["Admin", "Member"]
//! # role_mapping = "..."; org_mapping = "..."   (the org's policy, optional)
//! # plan = "tier1"                     # cloud: free | tier1 | tier2 | tier3 | enterprise (default)
//! role_mapping_builder = { claim_path = "groups", rules = [{ match = "admins", roles = ["Admin"] }] }
//!
//! [[users]]                            # users that already exist in Pangolin
//! identifier = "alice"                 # their Pangolin username
//! # idp = "local"                      # an IdP id or "local" (default: this IdP): only
//! #                                    # users of this IdP are found at login
//! # email = "alice@example.com"        # stored values, which each login overwrites
//! manual_orgs = [{ org = "home-lab", roles = ["Admin"] }]
//! auto_orgs = []
//! ```
//!
//! Unknown keys are errors naming the key, the file, line and column.
//! Absent mappings are empty (Pangolin's UI pre-fills `'Member'` and
//! `'{{orgId}}'` for a new global IdP, but the config states what is stored).

use std::path::{Path, PathBuf};

use rolemap_escape::quoted_list;
use serde::{Deserialize, Serialize};

use crate::builder::RoleMappingBuilder;
use crate::error::{ConfigError, Error};
use crate::format::Format;
use crate::samples::{load_samples, Sample};
use crate::structured;
use crate::version::PangolinVersion;

/// Which build of Pangolin runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edition {
    /// Open source, no license: every org of the server is evaluated, only
    /// the first role name is kept.
    #[default]
    #[serde(alias = "open-source", alias = "community")]
    Oss,
    /// Licensed: every org, all role names.
    Enterprise,
    /// Pangolin Cloud: only the orgs linked to the IdP, all role names.
    Cloud,
}

impl Edition {
    /// The edition's config name.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Oss => "oss",
            Edition::Enterprise => "enterprise",
            Edition::Cloud => "cloud",
        }
    }
}

/// The identity provider product (decides which claims the scopes release,
/// and the wording of some hints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// Pocket ID
    PocketId,
    /// Authentik
    Authentik,
    /// Keycloak
    Keycloak,
    /// Authelia
    Authelia,
    /// Zitadel
    Zitadel,
    /// Kanidm
    Kanidm,
    /// Microsoft Entra ID
    #[serde(alias = "entra", alias = "azure-ad")]
    EntraId,
    /// Google
    Google,
    /// Okta
    Okta,
    /// Dex (e.g. GitHub through Dex)
    Dex,
    /// Any other OIDC provider
    #[default]
    Generic,
}

impl Provider {
    /// The product's name.
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::PocketId => "Pocket ID",
            Provider::Authentik => "Authentik",
            Provider::Keycloak => "Keycloak",
            Provider::Authelia => "Authelia",
            Provider::Zitadel => "Zitadel",
            Provider::Kanidm => "Kanidm",
            Provider::EntraId => "Microsoft Entra ID",
            Provider::Google => "Google",
            Provider::Okta => "Okta",
            Provider::Dex => "Dex",
            Provider::Generic => "the identity provider",
        }
    }
}

/// Where identity providers live (`app.identity_provider_mode` of an
/// enterprise or cloud install, 1.16.0 and later).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdpMode {
    /// IdPs are global, with default mappings and a policy per org.
    #[default]
    Global,
    /// Each IdP belongs to one org (`[idp] org`) and keeps its mappings
    /// only in that org's policy: it has no default mappings.
    Org,
}

/// A Pangolin Cloud org's plan (its subscription tier; `free` for none or
/// an inactive one). Several roles need tier1, tier2, tier3 or enterprise;
/// auto provisioning (checked by 1.15.3 to 1.19.x) tier1, tier3 or
/// enterprise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Plan {
    /// No active subscription.
    Free,
    /// Tier 1.
    Tier1,
    /// Tier 2.
    Tier2,
    /// Tier 3.
    Tier3,
    /// Enterprise (every feature): the default.
    #[default]
    Enterprise,
}

impl Plan {
    /// The plan's config name.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Tier1 => "tier1",
            Plan::Tier2 => "tier2",
            Plan::Tier3 => "tier3",
            Plan::Enterprise => "enterprise",
        }
    }

    /// Whether the plan includes full RBAC (several roles per membership).
    pub fn has_full_rbac(self) -> bool {
        !matches!(self, Plan::Free)
    }

    /// Whether the plan includes auto provisioning.
    pub fn has_auto_provisioning(self) -> bool {
        matches!(self, Plan::Tier1 | Plan::Tier3 | Plan::Enterprise)
    }
}

/// `[pangolin]`: the server.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PangolinSettings {
    /// Edition (default `oss`).
    #[serde(default)]
    pub edition: Edition,
    /// Release (default: the newest rolemap models, 1.22.0).
    #[serde(default)]
    pub version: PangolinVersion,
    /// Enterprise edition: whether the install has a valid license
    /// (default true). Unlicensed, it keeps only the first role name, as
    /// open source does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<bool>,
    /// Where IdPs live (enterprise and cloud; default `global`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub identity_provider_mode: IdpMode,
    /// Base URL of the dashboard, e.g. `https://pangolin.example.com`.
    #[serde(default)]
    pub url: Option<String>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn default_idp_id() -> u64 {
    1
}

fn default_scopes() -> String {
    "openid profile email".into()
}

/// `[idp]`: the identity provider as configured in Pangolin.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdpSettings {
    /// Pangolin's id of the IdP (used in the callback URL; default 1).
    #[serde(default = "default_idp_id")]
    pub id: u64,
    /// The name shown on the login page (default: the product's name).
    #[serde(default)]
    pub name: Option<String>,
    /// The product (default `generic`).
    #[serde(default)]
    pub provider: Provider,
    /// Space-separated scopes (default `openid profile email`).
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// JMESPath giving the user identifier (username).
    pub identifier_path: String,
    /// JMESPath giving the email.
    #[serde(default)]
    pub email_path: Option<String>,
    /// JMESPath giving the display name.
    #[serde(default)]
    pub name_path: Option<String>,
    /// Whether users and memberships are created from the mappings
    /// (default false, as in Pangolin's form).
    #[serde(default)]
    pub auto_provision: bool,
    /// Role mapping used by orgs without their own.
    #[serde(default)]
    pub default_role_mapping: Option<String>,
    /// Org mapping used by orgs without their own (`{{orgId}}` is replaced).
    #[serde(default)]
    pub default_org_mapping: Option<String>,
    /// With `identity_provider_mode = "org"`: the org that owns the IdP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

impl IdpSettings {
    /// The name the login page shows.
    pub fn display_name(&self) -> &str {
        match &self.name {
            Some(n) if !n.is_empty() => n,
            _ => self.provider.display_name(),
        }
    }
}

fn yes() -> bool {
    true
}

/// `[[orgs]]`: an organization and this IdP's policy for it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSettings {
    /// The org id (`home-lab`).
    pub id: String,
    /// The org's role names (matched case-sensitively).
    pub roles: Vec<String>,
    /// The policy's role mapping (empty: the IdP's default).
    #[serde(default)]
    pub role_mapping: Option<String>,
    /// The policy's org mapping (empty: the IdP's default).
    #[serde(default)]
    pub org_mapping: Option<String>,
    /// A role mapping written with Pangolin's mapping builder; compiled to
    /// the value the UI stores (instead of `role_mapping`).
    #[serde(default)]
    pub role_mapping_builder: Option<RoleMappingBuilder>,
    /// Whether the org is linked to the IdP (has a policy row). Only the
    /// cloud edition skips orgs that are not (default true).
    #[serde(default = "yes")]
    pub linked: bool,
    /// Cloud edition: the org's plan (default `enterprise`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
}

impl OrgSettings {
    /// The role mapping as stored in Pangolin's database (the builder's
    /// stored value when the builder is used).
    pub fn stored_role_mapping(&self) -> Option<String> {
        match (&self.role_mapping_builder, &self.role_mapping) {
            (Some(b), _) => Some(b.stored_value()),
            (None, r) => r.clone(),
        }
    }
}

/// An org membership of an existing user.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipSettings {
    /// The org id.
    pub org: String,
    /// Role names.
    pub roles: Vec<String>,
}

/// Which identity provider a user belongs to: Pangolin finds a user by
/// username AND IdP. Written as an IdP id or `"local"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UserIdp {
    /// The IdP of the config (the default).
    #[default]
    This,
    /// The IdP with this id.
    Id(u64),
    /// A local user (username and password, no IdP).
    Local,
}

impl Serialize for UserIdp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            UserIdp::Id(id) => s.serialize_u64(*id),
            UserIdp::Local => s.serialize_str("local"),
            UserIdp::This => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for UserIdp {
    /// Read as a JSON value first: the playground's module has that reader
    /// already, and a visitor of its own would be a second one.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) if n.as_u64().is_some() => {
                Ok(UserIdp::Id(n.as_u64().unwrap_or_default()))
            }
            serde_json::Value::String(s) if s == "local" => Ok(UserIdp::Local),
            other => Err(serde::de::Error::custom(format!(
                "invalid value: {other}, expected an IdP id (a whole number) or \"local\""
            ))),
        }
    }
}

/// `[[users]]`: a user that already exists in Pangolin.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingUser {
    /// Their Pangolin username (matched against the lower-cased identifier).
    #[serde(alias = "username")]
    pub identifier: String,
    /// The IdP they belong to: an IdP id or `"local"` (default: the
    /// config's IdP). Only a user of the config's IdP is found at login.
    #[serde(default, skip_serializing_if = "is_default")]
    pub idp: UserIdp,
    /// Their stored e-mail, which each login overwrites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their stored name, which each login overwrites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Memberships added by hand (never touched by auto provisioning).
    #[serde(default)]
    pub manual_orgs: Vec<MembershipSettings>,
    /// Memberships an earlier login provisioned.
    #[serde(default)]
    pub auto_orgs: Vec<MembershipSettings>,
}

/// A whole simulation config.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Sample claim files or folders, relative to the config file.
    #[serde(default)]
    pub samples: Vec<String>,
    /// The server.
    #[serde(default)]
    pub pangolin: PangolinSettings,
    /// The identity provider.
    pub idp: IdpSettings,
    /// The organizations, in the server's order.
    #[serde(default)]
    pub orgs: Vec<OrgSettings>,
    /// Existing users.
    #[serde(default)]
    pub users: Vec<ExistingUser>,
    /// The file the config was read from.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Config {
    /// Reads and validates a config file (format by extension).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = structured::load(path)?;
        config.source = Some(path.to_path_buf());
        config.validate()?;
        Ok(config)
    }

    /// Parses and validates config text; `path` names it in errors and
    /// anchors relative sample paths.
    pub fn parse(text: &str, format: Format, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = structured::parse(text, format, path)?;
        config.source = Some(path.to_path_buf());
        config.validate()?;
        Ok(config)
    }

    fn source_path(&self) -> PathBuf {
        self.source
            .clone()
            .unwrap_or_else(|| PathBuf::from("<config>"))
    }

    /// The org with this id.
    pub fn org(&self, id: &str) -> Option<&OrgSettings> {
        self.orgs.iter().find(|o| o.id == id)
    }

    /// The existing user Pangolin finds at a login: exactly this username,
    /// of this config's IdP.
    pub fn user(&self, username: &str) -> Option<&ExistingUser> {
        self.users
            .iter()
            .find(|u| u.identifier == username && self.is_this_idp(u.idp))
    }

    /// A user with this username who is not found at login: a local user
    /// or one of another IdP.
    pub fn other_user(&self, username: &str) -> Option<&ExistingUser> {
        self.users
            .iter()
            .find(|u| u.identifier == username && !self.is_this_idp(u.idp))
    }

    fn is_this_idp(&self, idp: UserIdp) -> bool {
        self.idp_key(idp) == Some(self.idp.id)
    }

    /// The id of a user's IdP (`None`: a local user).
    fn idp_key(&self, idp: UserIdp) -> Option<u64> {
        match idp {
            UserIdp::This => Some(self.idp.id),
            UserIdp::Id(id) => Some(id),
            UserIdp::Local => None,
        }
    }

    /// Whether the user gets every role name the mapping gives, or only
    /// the first: open source never; enterprise with a license; cloud on
    /// a plan with full RBAC (1.17.0 and later; before, one name).
    pub fn assigns_several_roles(&self, org: &OrgSettings) -> bool {
        match self.pangolin.edition {
            Edition::Oss => false,
            Edition::Enterprise => self.pangolin.license.unwrap_or(true),
            Edition::Cloud => org.plan.unwrap_or_default().has_full_rbac(),
        }
    }

    /// Warnings about the config that do not stop a simulation.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.pangolin.version.is_newer_than_known() {
            out.push(format!(
                "Pangolin {} is newer than the newest release rolemap knows ({}): its login flow is simulated as {} does it",
                self.pangolin.version,
                PangolinVersion::newest_known(),
                PangolinVersion::newest_known()
            ));
        }
        out
    }

    /// The callback URL to register at the IdP, when `pangolin.url` is set:
    /// `<url>/auth/idp/<id>/oidc/callback`.
    pub fn callback_url(&self) -> Option<String> {
        let url = self.pangolin.url.as_deref()?;
        Some(format!(
            "{}/auth/idp/{}/oidc/callback",
            url.trim_end_matches('/'),
            self.idp.id
        ))
    }

    /// The sample paths, resolved against the config file's folder.
    pub fn sample_paths(&self) -> Vec<PathBuf> {
        let base = self
            .source
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        self.samples.iter().map(|s| base.join(s)).collect()
    }

    /// Loads every sample the config lists.
    pub fn load_samples(&self) -> Result<Vec<Sample>, Error> {
        let mut out = Vec::new();
        for p in self.sample_paths() {
            out.extend(load_samples(&p).map_err(Error::from)?);
        }
        Ok(out)
    }

    /// Checks what the format cannot: required texts, unique ids,
    /// memberships naming known orgs and roles, one role mapping per org.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let path = self.source_path();
        let invalid = |key: String, problem: &str, fix: String| ConfigError::Invalid {
            path: path.clone(),
            key,
            problem: problem.to_string(),
            fix,
        };
        if self.idp.identifier_path.trim().is_empty() {
            return Err(invalid(
                "idp.identifier_path".into(),
                "is empty",
                "set it to the claim holding the username, e.g. \"preferred_username\", \"email\" or \"sub\"".into(),
            ));
        }
        if let Some(url) = &self.pangolin.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid(
                    "pangolin.url".into(),
                    "is not an http(s) URL",
                    "write the dashboard's base URL, e.g. \"https://pangolin.example.com\"".into(),
                ));
            }
        }
        self.validate_server(&invalid)?;
        for (i, org) in self.orgs.iter().enumerate() {
            self.validate_org(i, org, &invalid)?;
        }
        for (i, user) in self.users.iter().enumerate() {
            self.validate_user(i, user, &invalid)?;
        }
        Ok(())
    }
}

impl Config {
    /// The checks of the `i`th org: its id, plan, policy and builder.
    fn validate_org(
        &self,
        i: usize,
        org: &OrgSettings,
        invalid: &dyn Fn(String, &str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let key = |k: &str| format!("orgs[{i}].{k}");
        if org.plan.is_some() && self.pangolin.edition != Edition::Cloud {
            return Err(invalid(
                key("plan"),
                "is set, but only Pangolin Cloud orgs have plans",
                "remove it, or set `[pangolin] edition = \"cloud\"`".into(),
            ));
        }
        if org.id.is_empty() {
            return Err(invalid(
                key("id"),
                "is empty",
                "give the org's id, e.g. \"home-lab\"".into(),
            ));
        }
        if self.orgs[..i].iter().any(|o| o.id == org.id) {
            return Err(invalid(
                key("id"),
                &format!("repeats the org id `{}`", org.id),
                "list each org once".into(),
            ));
        }
        if org.role_mapping.is_some() && org.role_mapping_builder.is_some() {
            return Err(invalid(
                key("role_mapping_builder"),
                "is set together with `role_mapping`",
                "keep only one of them".into(),
            ));
        }
        if !org.linked
            && (org.role_mapping.is_some()
                || org.org_mapping.is_some()
                || org.role_mapping_builder.is_some())
        {
            return Err(invalid(
                key("linked"),
                "is false but the org has a policy (role or org mapping)",
                "an org with a policy is linked: remove `linked = false` or the mappings".into(),
            ));
        }
        if let Some(b) = &org.role_mapping_builder {
            if b.claim_path.trim().is_empty() {
                return Err(invalid(
                    key("role_mapping_builder.claim_path"),
                    "is empty",
                    "name the claim holding the groups, e.g. \"groups\"".into(),
                ));
            }
            if b.rules.is_empty() {
                return Err(invalid(
                    key("role_mapping_builder.rules"),
                    "is empty",
                    "add a rule such as { match = \"admins\", roles = [\"Admin\"] }".into(),
                ));
            }
            for (j, r) in b.rules.iter().enumerate() {
                if r.roles.is_empty() {
                    return Err(invalid(
                        key(&format!("role_mapping_builder.rules[{j}].roles")),
                        "is empty",
                        "list the role names this rule gives".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The checks of the `i`th existing user: its identifier and
    /// memberships naming known orgs and roles.
    fn validate_user(
        &self,
        i: usize,
        user: &ExistingUser,
        invalid: &dyn Fn(String, &str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let key = |k: &str| format!("users[{i}].{k}");
        if user.identifier.is_empty() {
            return Err(invalid(
                key("identifier"),
                "is empty",
                "give the user's Pangolin username".into(),
            ));
        }
        if self.users[..i].iter().any(|u| {
            u.identifier == user.identifier && self.idp_key(u.idp) == self.idp_key(user.idp)
        }) {
            return Err(invalid(
                key("identifier"),
                &format!("repeats the user `{}` of the same IdP", user.identifier),
                "list each user once (a username can repeat only across IdPs: set `idp`)".into(),
            ));
        }
        let all = user
            .manual_orgs
            .iter()
            .map(|m| ("manual_orgs", m))
            .chain(user.auto_orgs.iter().map(|m| ("auto_orgs", m)));
        let mut seen: Vec<&str> = Vec::new();
        for (list, m) in all {
            let k = key(list);
            if seen.contains(&m.org.as_str()) {
                return Err(invalid(
                    k,
                    &format!("lists the org `{}` twice", m.org),
                    "a user has one membership per org: keep one entry".into(),
                ));
            }
            seen.push(&m.org);
            match self.org(&m.org) {
                None if self.pangolin.edition != Edition::Cloud => {
                    return Err(invalid(
                        k,
                        &format!("names the org `{}` which is not in [[orgs]]", m.org),
                        format!(
                            "add an [[orgs]] entry with id = \"{}\" or fix the name",
                            m.org
                        ),
                    ));
                }
                None => {}
                Some(org) => {
                    if let Some(r) = m.roles.iter().find(|r| !org.roles.contains(r)) {
                        return Err(invalid(
                            k,
                            &format!(
                                "gives the role `{r}` which the org `{}` does not have",
                                m.org
                            ),
                            format!(
                                "use one of {} or add `{r}` to the org's roles",
                                quoted_list(&org.roles)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The checks of `[pangolin]` and of the identity-provider mode.
    fn validate_server(
        &self,
        invalid: &dyn Fn(String, &str, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let p = &self.pangolin;
        if p.license.is_some() && p.edition != Edition::Enterprise {
            return Err(invalid(
                "pangolin.license".into(),
                &format!("is set for the {} edition", p.edition.as_str()),
                "only an enterprise install has a license: remove it, or set `edition = \"enterprise\"` (cloud orgs have a `plan`)".into(),
            ));
        }
        if p.identity_provider_mode == IdpMode::Global {
            if self.idp.org.is_some() {
                return Err(invalid(
                    "idp.org".into(),
                    "is set, but the identity-provider mode is global",
                    "set `[pangolin] identity_provider_mode = \"org\"` for an IdP that belongs to one org, or remove `org`".into(),
                ));
            }
            return Ok(());
        }
        if p.edition == Edition::Oss {
            return Err(invalid(
                "pangolin.identity_provider_mode".into(),
                "is `org`, which the open-source edition does not have",
                "set `edition = \"enterprise\"` or `\"cloud\"`, or remove the mode".into(),
            ));
        }
        if !p.version.has_org_idp_mode() {
            return Err(invalid(
                "pangolin.identity_provider_mode".into(),
                &format!(
                    "is `org`, which came in Pangolin 1.16.0 (the config says {})",
                    p.version
                ),
                "set `version` to 1.16.0 or later, or remove the mode".into(),
            ));
        }
        let Some(owner) = self.idp.org.as_deref() else {
            return Err(invalid(
                "idp.org".into(),
                "is missing: in the `org` mode an IdP belongs to one org",
                "name the org that owns the IdP, e.g. org = \"home-lab\"".into(),
            ));
        };
        if self.org(owner).is_none() {
            return Err(invalid(
                "idp.org".into(),
                &format!("names the org `{owner}` which is not in [[orgs]]"),
                format!("add an [[orgs]] entry with id = \"{owner}\" or fix the name"),
            ));
        }
        for (key, value) in [
            ("idp.default_role_mapping", &self.idp.default_role_mapping),
            ("idp.default_org_mapping", &self.idp.default_org_mapping),
        ] {
            if value.as_deref().is_some_and(|v| !v.is_empty()) {
                return Err(invalid(
                    key.into(),
                    "is set, but an org's IdP has no default mappings",
                    format!(
                        "put the mapping in the policy of `{owner}` ([[orgs]] id = \"{owner}\")"
                    ),
                ));
            }
        }
        if let Some(i) = self.orgs.iter().position(|o| {
            o.id != owner
                && (o.role_mapping.is_some()
                    || o.org_mapping.is_some()
                    || o.role_mapping_builder.is_some())
        }) {
            return Err(invalid(
                format!("orgs[{i}]"),
                &format!("has a policy, but the IdP belongs to `{owner}`"),
                format!(
                    "an org's IdP has a policy only in its own org: move the mappings to `{owner}`"
                ),
            ));
        }
        Ok(())
    }
}

/// Reads a config file; a shorthand for [`Config::load`].
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    Config::load(path)
}
