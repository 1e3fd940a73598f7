//! Reading a server: its IdPs, one IdP's settings and org policies, every
//! org and every org's roles, all pages of each list.
//!
//! The lists page differently (Pangolin 1.22.0): `/idp`, `/idp/:id/org`
//! and `/orgs` take `limit` and `offset` and answer
//! `pagination: {total, limit, offset}`; `/org/:orgId/roles` takes
//! `pageSize` and `page` (from 1) and answers `{total, page, pageSize}`.
//! A `total` may come as a string (Postgres).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use crate::client::Client;
use crate::error::ApiError;

/// An IdP as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdpSummary {
    /// Its id.
    pub idp_id: u64,
    /// Its name.
    pub name: String,
    /// `oidc`, `google`, `azure`.
    #[serde(default)]
    pub variant: Option<String>,
}

/// An IdP's settings that decide a login. The OIDC client id and secret
/// are not read (the API sends the secret in clear: it never gets here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idp {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// `oidc`, `google`, `azure`.
    pub variant: Option<String>,
    /// Space-separated scopes.
    pub scopes: String,
    /// JMESPath of the username.
    pub identifier_path: String,
    /// JMESPath of the e-mail.
    pub email_path: Option<String>,
    /// JMESPath of the name.
    pub name_path: Option<String>,
    /// Whether users are provisioned from the mappings.
    pub auto_provision: bool,
    /// Role mapping of orgs without their own.
    pub default_role_mapping: Option<String>,
    /// Org mapping of orgs without their own.
    pub default_org_mapping: Option<String>,
}

/// This IdP's policy for one org.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The org.
    pub org_id: String,
    /// Its role mapping, as stored.
    #[serde(default)]
    pub role_mapping: Option<String>,
    /// Its org mapping, as stored.
    #[serde(default)]
    pub org_mapping: Option<String>,
}

/// An org and its role names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Org {
    /// Its id.
    pub id: String,
    /// Its role names, in the API's order (by name).
    pub roles: Vec<String>,
}

/// What one IdP's logins depend on, as the server holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The IdP.
    pub idp: Idp,
    /// Its policies.
    pub policies: Vec<Policy>,
    /// Every org of the server, in the server's order.
    pub orgs: Vec<Org>,
}

impl Snapshot {
    /// The policy for `org`.
    pub fn policy(&self, org: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.org_id == org)
    }
}

/// A count that may come as a number or a string.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Json::deserialize(d)? {
        Json::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom("a negative count")),
        Json::String(s) => s.trim().parse().map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!("a count, not {other}"))),
    }
}

#[derive(Deserialize)]
struct Pagination {
    #[serde(deserialize_with = "count")]
    total: u64,
}

/// `data` of a route read into `T`; a mismatch names the route.
fn decode<T: DeserializeOwned>(route: &str, data: Json) -> Result<T, ApiError> {
    serde_json::from_value(data).map_err(|e| ApiError::NotPangolin {
        route: route.to_string(),
        status: 200,
        content_type: "application/json".into(),
        hint: format!("its data is not what Pangolin 1.22.0 sends ({e}): is the server a release rolemap knows?"),
    })
}

/// How a list route pages (the routes differ: the README of the recorded
/// exchanges).
#[derive(Clone, Copy)]
enum Paging {
    /// `limit` and `offset`.
    Offset,
    /// `pageSize` and `page`, from 1.
    Numbered,
}

/// Every item of a paged list: pages are read until one is empty or the
/// items reach the `pagination.total` the server gives.
fn all_items<T: DeserializeOwned>(
    client: &Client,
    path: &str,
    field: &str,
    action: &'static str,
    paging: Paging,
) -> Result<Vec<T>, ApiError> {
    let size = client.page_size();
    let mut items: Vec<T> = Vec::new();
    for page_no in 1u64.. {
        let route = match paging {
            Paging::Offset => format!("{path}?limit={size}&offset={}", items.len()),
            Paging::Numbered => format!("{path}?pageSize={size}&page={page_no}"),
        };
        let mut data = client.get(&route, action)?;
        let page: Vec<T> = decode(
            &route,
            data.get_mut(field).map(Json::take).unwrap_or_default(),
        )?;
        let p: Pagination = decode(
            &route,
            data.get_mut("pagination")
                .map(Json::take)
                .unwrap_or_default(),
        )?;
        let got = page.len();
        items.extend(page);
        if got == 0 || items.len() as u64 >= p.total {
            break;
        }
    }
    Ok(items)
}

/// Every IdP of the server (`GET /v1/idp`).
pub fn list_idps(client: &Client) -> Result<Vec<IdpSummary>, ApiError> {
    all_items(client, "/idp", "idps", "listIdps", Paging::Offset)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdpRow {
    idp_id: u64,
    name: String,
    #[serde(default)]
    default_role_mapping: Option<String>,
    #[serde(default)]
    default_org_mapping: Option<String>,
    #[serde(default)]
    auto_provision: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OidcRow {
    #[serde(default)]
    variant: Option<String>,
    identifier_path: String,
    #[serde(default)]
    email_path: Option<String>,
    #[serde(default)]
    name_path: Option<String>,
    #[serde(default)]
    scopes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdpDetail {
    idp: IdpRow,
    idp_oidc_config: OidcRow,
}

/// One IdP (`GET /v1/idp/:id`); a 404 lists the IdPs that exist.
pub fn get_idp(client: &Client, id: u64) -> Result<Idp, ApiError> {
    let route = format!("/idp/{id}");
    let data = match client.get(&route, "getIdp") {
        Err(ApiError::Server { status: 404, .. }) => {
            let existing = list_idps(client)
                .map(|l| l.into_iter().map(|i| (i.idp_id, i.name)).collect())
                .unwrap_or_default();
            return Err(ApiError::IdpNotFound { id, existing });
        }
        other => other?,
    };
    let d: IdpDetail = decode(&route, data)?;
    Ok(Idp {
        id: d.idp.idp_id,
        name: d.idp.name,
        variant: d.idp_oidc_config.variant,
        scopes: d.idp_oidc_config.scopes.unwrap_or_default(),
        identifier_path: d.idp_oidc_config.identifier_path,
        email_path: d.idp_oidc_config.email_path,
        name_path: d.idp_oidc_config.name_path,
        auto_provision: d.idp.auto_provision,
        default_role_mapping: d.idp.default_role_mapping,
        default_org_mapping: d.idp.default_org_mapping,
    })
}

/// The IdP's org policies (`GET /v1/idp/:id/org`).
pub fn list_policies(client: &Client, id: u64) -> Result<Vec<Policy>, ApiError> {
    all_items(
        client,
        &format!("/idp/{id}/org"),
        "policies",
        "listIdpOrgs",
        Paging::Offset,
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrgRow {
    org_id: String,
}

#[derive(Deserialize)]
struct RoleRow {
    name: String,
}

/// Every org with its roles (`GET /v1/orgs`, `GET /v1/org/:id/roles`).
pub fn list_orgs(client: &Client) -> Result<Vec<Org>, ApiError> {
    let rows: Vec<OrgRow> = all_items(client, "/orgs", "orgs", "listOrgs", Paging::Offset)?;
    let mut orgs = Vec::with_capacity(rows.len());
    for row in rows {
        let path = format!("/org/{}/roles", path_segment(&row.org_id));
        let roles: Vec<RoleRow> = all_items(client, &path, "roles", "listRoles", Paging::Numbered)?;
        orgs.push(Org {
            id: row.org_id,
            roles: roles.into_iter().map(|r| r.name).collect(),
        });
    }
    Ok(orgs)
}

/// What the logins of IdP `id` depend on.
pub fn snapshot(client: &Client, id: u64) -> Result<Snapshot, ApiError> {
    let idp = get_idp(client, id)?;
    let policies = list_policies(client, id)?;
    let orgs = list_orgs(client)?;
    Ok(Snapshot {
        idp,
        policies,
        orgs,
    })
}

/// An org id as one path segment: percent-encoded outside
/// `A-Z a-z 0-9 - . _ ~`.
pub(crate) fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
