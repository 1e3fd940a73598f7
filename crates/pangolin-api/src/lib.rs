//! A live Pangolin's IdP mappings, through its integration API: read them
//! as a rolemap config ([`read`], [`convert`]), compare a config with them
//! ([`plan`]) and save the difference ([`apply`]).
//!
//! The pieces:
//! - [`endpoint`]: `--url` to the API's base (`…/v1`, port 3003 by default).
//! - [`secret`]: the API key, never shown.
//! - [`client`]: HTTP (ureq, rustls), timeouts, retries for reads, the
//!   answer envelope and its errors ([`error`]), each naming its fix.
//! - [`read`]: the IdP, its policies, the orgs and their roles, every page.
//! - [`convert`]: that state as a config, and as text with a header.
//! - [`plan`]: the writes that make the server hold a config's mappings.
//! - [`apply`]: the writes, stopping at the first failure.
//! - [`logins`]: which sample users gain or lose what when a plan is saved.

#![forbid(unsafe_code)]

pub mod apply;
pub mod client;
pub mod convert;
pub mod endpoint;
pub mod error;
pub mod logins;
pub mod plan;
pub mod read;
pub mod secret;

pub use client::{Client, ClientOptions};
pub use endpoint::Endpoint;
pub use error::ApiError;
pub use plan::{plan, Change, Plan, PlanError};
pub use read::Snapshot;
pub use secret::ApiKey;

/// `s` as a JSON string (quoted, escaped): how names and values from the
/// server are shown.
pub fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
