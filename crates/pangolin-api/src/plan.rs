//! The difference between a config's mappings and a server's, as the
//! changes that make the server hold the config's: the IdP's paths,
//! scopes, auto-provisioning and default mappings (one update), and the
//! org policies to create, update and (with `prune`) delete.
//!
//! Pangolin cannot set a mapping back to null, only to `""`; both fall
//! back to the IdP's default, so an absent mapping and `""` are the same
//! here, and emptying a mapping sends `""`.

use rolemap_simulate::Config;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::read::{Policy, Snapshot};

/// One field changed: its config key, its API name, before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The config key (`default_role_mapping`).
    pub key: &'static str,
    /// The API's name (`defaultRoleMapping`).
    #[serde(skip)]
    pub wire: &'static str,
    /// The server's value (null when none).
    pub before: Json,
    /// The value sent.
    pub after: Json,
}

/// One write.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// `POST /v1/idp/:id/oidc` with the changed fields.
    UpdateIdp {
        /// The fields.
        fields: Vec<FieldChange>,
    },
    /// `PUT /v1/idp/:id/org/:org`.
    CreatePolicy {
        /// The org.
        org: String,
        /// The mappings sent (absent ones are left out).
        fields: Vec<FieldChange>,
    },
    /// `POST /v1/idp/:id/org/:org` with the changed mappings.
    UpdatePolicy {
        /// The org.
        org: String,
        /// The mappings.
        fields: Vec<FieldChange>,
    },
    /// `DELETE /v1/idp/:id/org/:org`.
    DeletePolicy {
        /// The org.
        org: String,
        /// The mappings deleted.
        fields: Vec<FieldChange>,
    },
}

impl Change {
    /// A one-line summary: `update the policy for acme`.
    pub fn summary(&self) -> String {
        match self {
            Change::UpdateIdp { .. } => "update the IdP".to_string(),
            Change::CreatePolicy { org, .. } => {
                format!("create the policy for {}", crate::quote(org))
            }
            Change::UpdatePolicy { org, .. } => {
                format!("update the policy for {}", crate::quote(org))
            }
            Change::DeletePolicy { org, .. } => {
                format!("delete the policy for {}", crate::quote(org))
            }
        }
    }

    /// The fields.
    pub fn fields(&self) -> &[FieldChange] {
        match self {
            Change::UpdateIdp { fields }
            | Change::CreatePolicy { fields, .. }
            | Change::UpdatePolicy { fields, .. }
            | Change::DeletePolicy { fields, .. } => fields,
        }
    }

    /// The request body (none for a delete).
    pub fn body(&self) -> Option<Json> {
        match self {
            Change::DeletePolicy { .. } => None,
            _ => Some(Json::Object(
                self.fields()
                    .iter()
                    .map(|f| (f.wire.to_string(), f.after.clone()))
                    .collect(),
            )),
        }
    }
}

/// The changes, and what the plan leaves alone and why.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Plan {
    /// The writes, in the order they are made.
    pub changes: Vec<Change>,
    /// Things worth knowing (policies kept without `--prune`, roles that
    /// differ, values stored as `""` instead of null).
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The server's state once every change is made (what a pull after
    /// the apply must give).
    pub fn expected(&self, server: &Snapshot) -> Snapshot {
        let mut s = server.clone();
        for c in &self.changes {
            apply_change(&mut s, c);
        }
        s
    }
}

/// `server` with one change made.
pub fn apply_change(s: &mut Snapshot, c: &Change) {
    let text = |v: &Json| v.as_str().map(str::to_string);
    match c {
        Change::UpdateIdp { fields } => {
            for f in fields {
                let idp = &mut s.idp;
                match f.key {
                    "identifier_path" => idp.identifier_path = text(&f.after).unwrap_or_default(),
                    "email_path" => idp.email_path = text(&f.after),
                    "name_path" => idp.name_path = text(&f.after),
                    "scopes" => idp.scopes = text(&f.after).unwrap_or_default(),
                    "auto_provision" => idp.auto_provision = f.after.as_bool().unwrap_or(false),
                    "default_role_mapping" => idp.default_role_mapping = text(&f.after),
                    "default_org_mapping" => idp.default_org_mapping = text(&f.after),
                    _ => {}
                }
            }
        }
        Change::CreatePolicy { org, fields } | Change::UpdatePolicy { org, fields } => {
            if !s.policies.iter().any(|p| p.org_id == *org) {
                s.policies.push(Policy {
                    org_id: org.clone(),
                    role_mapping: None,
                    org_mapping: None,
                });
            }
            if let Some(p) = s.policies.iter_mut().find(|p| p.org_id == *org) {
                for f in fields {
                    match f.key {
                        "role_mapping" => p.role_mapping = text(&f.after),
                        "org_mapping" => p.org_mapping = text(&f.after),
                        _ => {}
                    }
                }
            }
        }
        Change::DeletePolicy { org, .. } => s.policies.retain(|p| p.org_id != *org),
    }
}

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The config names an org the server does not have.
    #[error("the file's org {} is not an org of the server (which has {known}): create it in Pangolin first, or remove it from the file (a policy for a missing org is an HTTP 500)", crate::quote(org))]
    UnknownOrg {
        /// The org.
        org: String,
        /// The server's orgs, listed.
        known: String,
    },
}

fn empty(v: Option<&str>) -> &str {
    v.unwrap_or("")
}

/// A mapping field's change, if the config's value differs from the
/// server's (absent and `""` being the same).
fn mapping_change(
    key: &'static str,
    wire: &'static str,
    server: Option<&str>,
    file: Option<&str>,
) -> Option<FieldChange> {
    (empty(server) != empty(file)).then(|| FieldChange {
        key,
        wire,
        before: server.map_or(Json::Null, |s| json!(s)),
        after: json!(empty(file)),
    })
}

/// A change of a plain setting (a path, the scopes, a flag): any
/// difference counts.
fn value_change<T: PartialEq + serde::Serialize>(
    key: &'static str,
    wire: &'static str,
    server: &T,
    file: &T,
) -> Option<FieldChange> {
    (server != file).then(|| FieldChange {
        key,
        wire,
        before: json!(server),
        after: json!(file),
    })
}

fn idp_changes(file: &Config, server: &Snapshot) -> Vec<FieldChange> {
    let (f, s) = (&file.idp, &server.idp);
    let mut out = Vec::new();
    out.extend(value_change(
        "identifier_path",
        "identifierPath",
        &s.identifier_path,
        &f.identifier_path,
    ));
    out.extend(mapping_change(
        "email_path",
        "emailPath",
        s.email_path.as_deref(),
        f.email_path.as_deref(),
    ));
    out.extend(mapping_change(
        "name_path",
        "namePath",
        s.name_path.as_deref(),
        f.name_path.as_deref(),
    ));
    out.extend(value_change("scopes", "scopes", &s.scopes, &f.scopes));
    out.extend(value_change(
        "auto_provision",
        "autoProvision",
        &s.auto_provision,
        &f.auto_provision,
    ));
    out.extend(mapping_change(
        "default_role_mapping",
        "defaultRoleMapping",
        s.default_role_mapping.as_deref(),
        f.default_role_mapping.as_deref(),
    ));
    out.extend(mapping_change(
        "default_org_mapping",
        "defaultOrgMapping",
        s.default_org_mapping.as_deref(),
        f.default_org_mapping.as_deref(),
    ));
    out
}

fn policy_fields(p: &Policy) -> Vec<FieldChange> {
    let field = |key, wire, v: &Option<String>| FieldChange {
        key,
        wire,
        before: v.as_ref().map_or(Json::Null, |s| json!(s)),
        after: Json::Null,
    };
    vec![
        field("role_mapping", "roleMapping", &p.role_mapping),
        field("org_mapping", "orgMapping", &p.org_mapping),
    ]
}

/// The changes that make `server` hold `file`'s mappings for its IdP.
pub fn plan(file: &Config, server: &Snapshot, prune: bool) -> Result<Plan, PlanError> {
    let mut plan = Plan::default();
    let fields = idp_changes(file, server);
    if !fields.is_empty() {
        plan.changes.push(Change::UpdateIdp { fields });
    }
    let mut deletes = Vec::new();
    for org in &file.orgs {
        let Some(server_org) = server.orgs.iter().find(|o| o.id == org.id) else {
            let known: Vec<String> = server.orgs.iter().map(|o| crate::quote(&o.id)).collect();
            return Err(PlanError::UnknownOrg {
                org: org.id.clone(),
                known: if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                },
            });
        };
        if server_org.roles != org.roles {
            plan.notes.push(format!(
                "the org {}'s roles in the file ({}) differ from the server's ({}): roles are not mappings, apply leaves them; the server's are used to check the mappings",
                crate::quote(&org.id),
                org.roles.join(", "),
                server_org.roles.join(", ")
            ));
        }
        let role = org.stored_role_mapping();
        match (server.policy(&org.id), org.linked) {
            (None, true) => {
                let mut fields = Vec::new();
                if let Some(r) = &role {
                    fields.push(FieldChange { key: "role_mapping", wire: "roleMapping", before: Json::Null, after: json!(r) });
                }
                if let Some(o) = &org.org_mapping {
                    fields.push(FieldChange { key: "org_mapping", wire: "orgMapping", before: Json::Null, after: json!(o) });
                }
                plan.changes.push(Change::CreatePolicy { org: org.id.clone(), fields });
            }
            (Some(p), true) => {
                let fields: Vec<FieldChange> = [
                    mapping_change("role_mapping", "roleMapping", p.role_mapping.as_deref(), role.as_deref()),
                    mapping_change("org_mapping", "orgMapping", p.org_mapping.as_deref(), org.org_mapping.as_deref()),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !fields.is_empty() {
                    plan.changes.push(Change::UpdatePolicy { org: org.id.clone(), fields });
                }
            }
            (Some(p), false) if prune => deletes.push(Change::DeletePolicy { org: org.id.clone(), fields: policy_fields(p) }),
            (Some(_), false) => plan.notes.push(format!(
                "the file says the org {} has no policy (`linked = false`) but the server has one: kept (--prune deletes it)",
                crate::quote(&org.id)
            )),
            (None, false) => {}
        }
    }
    for p in &server.policies {
        if file.org(&p.org_id).is_none() {
            if prune {
                deletes.push(Change::DeletePolicy {
                    org: p.org_id.clone(),
                    fields: policy_fields(p),
                });
            } else {
                plan.notes.push(format!(
                    "the server's policy for {} is not in the file: kept (--prune deletes it)",
                    crate::quote(&p.org_id)
                ));
            }
        }
    }
    plan.changes.extend(deletes);
    let nulls = plan
        .changes
        .iter()
        .flat_map(Change::fields)
        .any(|f| f.after == json!("") && !matches!(f.before, Json::Null));
    if nulls {
        plan.notes.push("Pangolin cannot set a mapping back to null: an emptied mapping is saved as \"\", which falls back to the IdP's default the same way".into());
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{to_config, Assumptions};
    use crate::read::{Idp, Org};

    fn server() -> Snapshot {
        Snapshot {
            idp: Idp {
                id: 1,
                name: "Pocket ID".into(),
                variant: Some("oidc".into()),
                scopes: "openid profile email groups".into(),
                identifier_path: "preferred_username".into(),
                email_path: Some("email".into()),
                name_path: None,
                auto_provision: true,
                default_role_mapping: Some("'Member'".into()),
                default_org_mapping: Some("'{{orgId}}'".into()),
            },
            policies: vec![
                Policy { org_id: "acme".into(), role_mapping: Some("'Admin'".into()), org_mapping: None },
                Policy {
                    org_id: "media".into(),
                    role_mapping: Some("__PANGOLIN_ROLE_MAP_BUILDER_V1__\n{\"claimPath\":\"groups\",\"rules\":[{\"matchValue\":\"a\",\"roleNames\":[\"Admin\"]}]}\n---\n[contains(groups, 'a') && ['Admin'] || []][]".into()),
                    org_mapping: Some(String::new()),
                },
            ],
            orgs: vec![
                Org { id: "home-lab".into(), roles: vec!["Admin".into(), "Member".into()] },
                Org { id: "acme".into(), roles: vec!["Admin".into()] },
                Org { id: "media".into(), roles: vec!["Admin".into()] },
            ],
        }
    }

    /// A pulled config plans nothing: builder values and `""` included.
    #[test]
    fn a_pulled_config_plans_nothing() {
        let s = server();
        let config = to_config(&s, &Assumptions::default());
        let media = config.org("media").expect("media");
        assert!(media.role_mapping_builder.is_some() && media.role_mapping.is_none());
        assert_eq!(media.stored_role_mapping(), s.policies[1].role_mapping);
        assert_eq!(config.org("home-lab").map(|o| o.linked), Some(false));
        assert_eq!(plan(&config, &s, true), Ok(Plan::default()));
    }

    #[test]
    fn absent_and_empty_mappings_are_the_same_and_emptying_sends_empty() {
        let s = server();
        let mut config = to_config(&s, &Assumptions::default());
        config.orgs[2].org_mapping = None; // server: ""
        config.idp.default_org_mapping = None; // server: '{{orgId}}'
        let p = plan(&config, &s, false).expect("a plan");
        assert_eq!(p.changes.len(), 1, "{p:#?}");
        assert_eq!(p.changes[0].body(), Some(json!({"defaultOrgMapping": ""})));
        assert!(p
            .notes
            .iter()
            .any(|n| n.contains("cannot set a mapping back to null")));
        let after = p.expected(&s);
        assert_eq!(after.idp.default_org_mapping.as_deref(), Some(""));
        assert!(plan(&config, &after, false).expect("plan").is_empty());
    }

    #[test]
    fn deletes_only_with_prune_and_unknown_orgs_are_refused() {
        let s = server();
        let mut config = to_config(&s, &Assumptions::default());
        config.orgs.retain(|o| o.id != "acme");
        let kept = plan(&config, &s, false).expect("plan");
        assert!(kept.is_empty() && kept.notes.iter().any(|n| n.contains("--prune deletes it")));
        let pruned = plan(&config, &s, true).expect("plan");
        assert_eq!(
            pruned
                .changes
                .iter()
                .map(Change::summary)
                .collect::<Vec<_>>(),
            ["delete the policy for \"acme\""]
        );
        config.orgs[0].id = "nope".into();
        let e = plan(&config, &s, false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("\"nope\" is not an org of the server"), "{e}");
    }

    #[test]
    fn a_new_policy_is_created_with_the_fields_the_file_has() {
        let s = server();
        let mut config = to_config(&s, &Assumptions::default());
        config.orgs[0].linked = true;
        config.orgs[0].role_mapping = Some("'Member'".into());
        let p = plan(&config, &s, false).expect("plan");
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].summary(), "create the policy for \"home-lab\"");
        assert_eq!(
            p.changes[0].body(),
            Some(json!({"roleMapping": "'Member'"}))
        );
    }
}
