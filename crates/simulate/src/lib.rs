//! Login simulators: Pangolin's OIDC callback and, in [`grafana`], Grafana's
//! generic OAuth login.
//!
//! Pangolin (a self-hosted identity-aware reverse proxy) maps the claims of an
//! OIDC ID token to organizations and roles with JMESPath expressions that it
//! never checks when they are saved. This crate replays Pangolin's login flow
//! (`validateOidcCallback`) over sample ID tokens, so an administrator sees
//! what each user would get, or why the login would fail, before saving.
//!
//! The pieces, in the order a run uses them:
//! - [`config`]: the simulation config (the IdP, its orgs and their policies,
//!   existing users), read from TOML, JSON or YAML.
//! - [`samples`]: sample users' claims from JSON files, JWTs, JSONL or a folder.
//! - [`scopes`]: which claims the provider releases for the configured scopes.
//! - [`login`]: the login flow itself, step by step, producing an [`Outcome`].
//! - [`hints`]: causes and fixes for failures and suspicious outcomes.
//! - [`data`]: what those modules share (a [`Hint`] and its [`HintCode`], a
//!   compiled expression, the record of one evaluation).
//! - [`testfile`]: mapping-test files that assert outcomes (`rolemap test`).
//! - [`grafana`]: the same for Grafana (settings, claim sources, login, test files).
//!
//! ```no_run
//! use rolemap_simulate::{Config, Options, Simulator};
//! # fn main() -> Result<(), rolemap_simulate::Error> {
//! let config = Config::load("examples/pocket-id/pangolin.toml".as_ref())?;
//! let samples = config.load_samples()?;
//! let simulator = Simulator::new(&config);
//! for outcome in simulator.simulate_all(&samples, &Options::default()) {
//!     println!("{}: {} {}", outcome.sample, outcome.status, outcome.message);
//! }
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

pub mod builder;
pub mod config;
pub mod data;
mod error;
mod format;
#[cfg(feature = "grafana")]
pub mod grafana;
pub mod hints;
pub mod js;
pub mod jwt;
pub mod login;
pub mod outcome;
mod position;
pub mod same_user;
pub mod samples;
pub mod scopes;
#[cfg(feature = "server-log")]
mod server_log;
mod structured;
pub mod testfile;
pub mod version;

pub use config::{Config, Edition, Provider};
pub use data::{Hint, HintCode};
pub use error::{read_reason, ConfigError, Error, SampleError};
pub use format::Format;
pub use jwt::{decode_jwt, DecodedJwt, JwtError};
pub use login::{simulate, simulate_all, Options, Simulator};
pub use outcome::{Membership, Memberships, OrgTrace, Outcome, Trace, TraceValue};
pub use same_user::SameUsers;
pub use samples::{load_samples, Claims, Sample};
pub use testfile::{run_test_file, CaseReport, TestReport};
pub use version::PangolinVersion;
