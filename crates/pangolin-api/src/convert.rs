//! A server's state as a rolemap config (what `simulate`, `lint` and
//! `test` read), and that config as text with a header saying where and
//! when it was pulled.

use rolemap_simulate::builder::unwrap_role_mapping;
use rolemap_simulate::config::{IdpSettings, OrgSettings, PangolinSettings};
use rolemap_simulate::{Config, Edition, PangolinVersion, Provider};

use crate::read::Snapshot;

/// What the API does not tell, and so the pulled config assumes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assumptions {
    /// `--pangolin-version` (else the config's default: the newest
    /// release rolemap models).
    pub version: Option<PangolinVersion>,
    /// `--edition` (else open source).
    pub edition: Edition,
    /// `--provider` (else inferred from the IdP's name and variant).
    pub provider: Option<Provider>,
}

/// The product an IdP's variant or name names, if any (`Pocket ID`,
/// `authentik`, variant `google`).
pub fn infer_provider(name: &str, variant: Option<&str>) -> Option<Provider> {
    match variant {
        Some("google") => return Some(Provider::Google),
        Some("azure") => return Some(Provider::EntraId),
        _ => {}
    }
    let key: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "pocketid" => Provider::PocketId,
        "authentik" => Provider::Authentik,
        "keycloak" => Provider::Keycloak,
        "authelia" => Provider::Authelia,
        "zitadel" => Provider::Zitadel,
        "kanidm" => Provider::Kanidm,
        "entraid" | "azuread" | "microsoftentraid" => Provider::EntraId,
        "google" => Provider::Google,
        "okta" => Provider::Okta,
        "dex" => Provider::Dex,
        _ => return None,
    })
}

/// The org's policy fields: a role mapping the UI's builder stored is
/// given as `role_mapping_builder` when it compiles back to exactly the
/// stored text, else the stored text is kept as `role_mapping`.
fn policy_fields(
    org: &mut OrgSettings,
    role_mapping: Option<&String>,
    org_mapping: Option<&String>,
) {
    org.org_mapping = org_mapping.cloned();
    let Some(raw) = role_mapping else {
        return;
    };
    let builder = unwrap_role_mapping(raw).builder.filter(|b| {
        !b.claim_path.trim().is_empty()
            && !b.rules.is_empty()
            && b.rules.iter().all(|r| !r.roles.is_empty())
            && b.stored_value() == *raw
    });
    match builder {
        Some(b) => org.role_mapping_builder = Some(b),
        None => org.role_mapping = Some(raw.clone()),
    }
}

/// The server's state as a config. Orgs without a policy say
/// `linked = false`; mappings are exactly as stored (`""` stays `""`,
/// null stays absent).
pub fn to_config(s: &Snapshot, a: &Assumptions) -> Config {
    let provider = a
        .provider
        .or_else(|| infer_provider(&s.idp.name, s.idp.variant.as_deref()))
        .unwrap_or_default();
    let orgs = s
        .orgs
        .iter()
        .map(|o| {
            let policy = s.policy(&o.id);
            let mut org = OrgSettings {
                id: o.id.clone(),
                roles: o.roles.clone(),
                role_mapping: None,
                org_mapping: None,
                role_mapping_builder: None,
                linked: policy.is_some(),
                plan: None,
            };
            if let Some(p) = policy {
                policy_fields(&mut org, p.role_mapping.as_ref(), p.org_mapping.as_ref());
            }
            org
        })
        .collect();
    Config {
        samples: Vec::new(),
        pangolin: PangolinSettings {
            edition: a.edition,
            version: a.version.clone().unwrap_or_default(),
            ..PangolinSettings::default()
        },
        idp: IdpSettings {
            id: s.idp.id,
            name: Some(s.idp.name.clone()),
            provider,
            scopes: s.idp.scopes.clone(),
            identifier_path: s.idp.identifier_path.clone(),
            email_path: s.idp.email_path.clone(),
            name_path: s.idp.name_path.clone(),
            auto_provision: s.idp.auto_provision,
            default_role_mapping: s.idp.default_role_mapping.clone(),
            default_org_mapping: s.idp.default_org_mapping.clone(),
            org: None,
        },
        orgs,
        users: Vec::new(),
        source: None,
    }
}

/// Where and when a config was pulled, for its header.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The integration API's base URL.
    pub url: String,
    /// When (RFC 3339, UTC).
    pub when: String,
}

/// The format a pulled config is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
    /// TOML (the default).
    Toml,
    /// YAML.
    Yaml,
}

/// The header lines (comments): where, when, and what was assumed.
fn header(config: &Config, origin: &Origin, a: &Assumptions, s: &Snapshot) -> String {
    let mut lines = vec![
        format!(
            "Pulled by `rolemap pangolin pull` from {} at {}:",
            origin.url, origin.when
        ),
        format!(
            "IdP {} {}, {} org(s), {} policy(ies). The OIDC client id and secret are not written.",
            s.idp.id,
            crate::quote(&s.idp.name),
            s.orgs.len(),
            s.policies.len()
        ),
    ];
    lines.push(match &a.version {
        Some(v) => format!("pangolin.version {v}: from --pangolin-version."),
        None => format!(
            "pangolin.version {}: the API does not tell the server's version; this is the newest rolemap models, the config's default (pass --pangolin-version with yours).",
            config.pangolin.version
        ),
    });
    lines.push(format!(
        "pangolin.edition {}: {}",
        config.pangolin.edition.as_str(),
        if a.edition == Edition::Oss {
            "assumed (the API does not tell; pass --edition for a licensed or cloud server)."
        } else {
            "from --edition."
        }
    ));
    lines.push(match (a.provider, config.idp.provider) {
        (Some(_), p) => format!("idp.provider {}: from --provider.", p.display_name()),
        (None, Provider::Generic) => {
            "idp.provider generic: the IdP's name names no product rolemap knows (pass --provider)."
                .into()
        }
        (None, p) => format!(
            "idp.provider {}: inferred from the IdP's name (pass --provider to change).",
            p.display_name()
        ),
    });
    lines.push("Orgs with `linked = false` have no policy for this IdP.".into());
    lines
        .iter()
        .map(|l| format!("# {}\n", rolemap_escape::escape_line(l)))
        .collect()
}

/// The config as text with its header.
pub fn render(
    config: &Config,
    format: TextFormat,
    origin: &Origin,
    a: &Assumptions,
    s: &Snapshot,
) -> Result<String, String> {
    let body = match format {
        TextFormat::Toml => toml::to_string(config).map_err(|e| e.to_string())?,
        TextFormat::Yaml => serde_norway::to_string(config).map_err(|e| e.to_string())?,
    };
    Ok(format!("{}\n{body}", header(config, origin, a, s)))
}
