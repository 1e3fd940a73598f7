//! Making a plan's changes through the API, one request each, stopping at
//! the first failure so that the report says exactly which were made.

use crate::client::{Client, Method};
use crate::error::ApiError;
use crate::plan::{Change, Plan};
use crate::read::path_segment;

/// What an apply did.
#[derive(Debug)]
pub struct ApplyReport {
    /// How many changes (from the first) the server accepted.
    pub done: usize,
    /// The change that failed (its index) and why; later ones were not
    /// attempted.
    pub failed: Option<(usize, ApiError)>,
}

/// The request that makes `change` for IdP `idp`.
pub fn request(idp: u64, change: &Change) -> (Method, String, &'static str) {
    let policy = |org: &str| format!("/idp/{idp}/org/{}", path_segment(org));
    match change {
        Change::UpdateIdp { .. } => (Method::Post, format!("/idp/{idp}/oidc"), "updateIdp"),
        Change::CreatePolicy { org, .. } => (Method::Put, policy(org), "createIdpOrg"),
        Change::UpdatePolicy { org, .. } => (Method::Post, policy(org), "updateIdpOrg"),
        Change::DeletePolicy { org, .. } => (Method::Delete, policy(org), "deleteIdpOrg"),
    }
}

/// Makes the changes in order; stops at the first the server refuses.
pub fn apply(client: &Client, idp: u64, plan: &Plan) -> ApplyReport {
    for (i, change) in plan.changes.iter().enumerate() {
        let (method, path, action) = request(idp, change);
        if let Err(e) = client.send(method, &path, action, change.body().as_ref()) {
            return ApplyReport {
                done: i,
                failed: Some((i, e)),
            };
        }
    }
    ApplyReport {
        done: plan.changes.len(),
        failed: None,
    }
}
