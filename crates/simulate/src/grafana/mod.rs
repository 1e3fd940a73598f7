//! Grafana's OAuth login (generic OAuth, Grafana 11.3+): which role, orgs,
//! login, e-mail and name each sample user gets, or why the login fails.
//!
//! - [`ini`]: grafana.ini read as go-ini reads it.
//! - [`settings`]: the settings from an INI file, env variables or Helm values.
//! - [`config`]: the settings typed, expressions compiled; [`config::dialect`]
//!   picks the engine.
//! - [`sources`]: a sample's claim sources (ID token, userinfo, access token).
//! - [`login`]: the login, producing a [`GrafanaOutcome`].
//! - [`testfile`]: `expect.toml` files for Grafana configurations.

pub mod config;
pub mod ini;
pub mod login;
pub mod outcome;
pub mod settings;
pub mod sources;
pub mod testfile;

pub use config::{dialect, GrafanaConfig};
pub use login::simulate;
pub use outcome::{GrafanaOutcome, OrgRole};
pub use settings::{is_grafana_config, Settings};
pub use sources::{load_samples, GrafanaSample, Source};
