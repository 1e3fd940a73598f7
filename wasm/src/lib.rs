//! The rolemap playground's WebAssembly module.
//!
//! A thin `wasm-bindgen` shell over the same library code the `rolemap`
//! command runs (the engine, the linter and the login simulator): no second
//! implementation. Every function takes text and returns a JSON text
//! (`JSON.parse` it), an object with `ok: true` and its data, or `ok: false`
//! and an `error` of `{kind, message}`. Spans cross as UTF-16 `range`s
//! (`[start, end)`, the unit of JavaScript strings), beside byte `span`s.
//!
//! The functions, as JavaScript sees them: in both modules `evaluate`,
//! `explain`, `decodeJwt`, `version`; in the Pangolin module (feature
//! `pangolin`) `lint`, `simulate`, `filterClaims`, `unwrapRoleMapping`; in
//! the Grafana module (feature `grafana`) `lintGrafana`,
//! `simulateGrafana`, `readGrafanaIni`, `grafanaSources`. Each module
//! carries only its target's linter entry and simulator.

#![forbid(unsafe_code)]

pub mod api;
pub mod diagnostics;
#[cfg(feature = "grafana")]
pub mod grafana;
pub mod utf16;

use wasm_bindgen::prelude::wasm_bindgen;

/// The module's allocator (talc's, for WebAssembly without threads: it
/// grows the memory as it needs; see `Cargo.toml`).
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The value of `expr` on `claims` (a JSON object or a JWT) in `dialect`
/// (`pangolin`, `spec`, and in the Grafana module `grafana` or
/// `grafana-11.2`): `{ok, value, type, truthy, display, canonical}`.
#[wasm_bindgen]
pub fn evaluate(expr: &str, claims: &str, dialect: &str) -> String {
    api::evaluate(expr, claims, dialect).to_string()
}

/// Like [`evaluate`], with `root`: the tree of evaluation steps
/// (`{node, text, range, value, error, note, children, omitted}`).
#[wasm_bindgen]
pub fn explain(expr: &str, claims: &str, dialect: &str) -> String {
    api::explain(expr, claims, dialect).to_string()
}

/// The diagnostics of `expr`: `options` is a JSON object
/// (`{"dialect": "pangolin", "field": "role_mapping"}`); gives
/// `{ok, diagnostics: [{code, severity, message, label, help, span, range}]}`.
#[cfg(feature = "pangolin")]
#[wasm_bindgen]
pub fn lint(expr: &str, options: &str) -> String {
    diagnostics::lint(expr, options).to_string()
}

/// Each sample user's login: `config` in `format` (`toml`, `json`, `yaml`),
/// `samples` a JSON array of `{label, text}` (text: a JSON object or a JWT),
/// `options` a JSON object (`{"allClaims": true}` ignores the scopes).
#[cfg(feature = "pangolin")]
#[wasm_bindgen]
pub fn simulate(config: &str, format: &str, samples: &str, options: &str) -> String {
    api::simulate(config, format, samples, options).to_string()
}

/// The claims Pangolin receives when `provider` releases only what the
/// space-separated `scopes` ask for: `{ok, claims, removed}`.
#[cfg(feature = "pangolin")]
#[wasm_bindgen(js_name = filterClaims)]
pub fn filter_claims(provider: &str, scopes: &str, claims: &str) -> String {
    api::filter_claims(provider, scopes, claims).to_string()
}

/// The expression Pangolin evaluates for a stored role mapping (the part
/// after `---` of a value stored by the mapping builder; else the trimmed
/// text): `{ok, expression, fromBuilder, offset, range}`.
#[cfg(feature = "pangolin")]
#[wasm_bindgen(js_name = unwrapRoleMapping)]
pub fn unwrap_role_mapping(text: &str) -> String {
    diagnostics::unwrap(text).to_string()
}

/// A JWT decoded locally, not verified: `{ok, header, payload, signature}`.
#[wasm_bindgen(js_name = decodeJwt)]
pub fn decode_jwt(text: &str) -> String {
    api::decode(text).to_string()
}

/// Each sample user's Grafana login: `config` the text of a grafana.ini
/// (or an env file, by `file_name`), `samples` a JSON array of
/// `{label, text}`: `{ok, outcomes}` as `rolemap simulate --output json`.
#[cfg(feature = "grafana")]
#[wasm_bindgen(js_name = simulateGrafana)]
pub fn simulate_grafana(config: &str, file_name: &str, samples: &str) -> String {
    grafana::simulate_grafana(config, file_name, samples).to_string()
}

/// The sections of a grafana.ini text, each value as written and as
/// Grafana reads it.
#[cfg(feature = "grafana")]
#[wasm_bindgen(js_name = readGrafanaIni)]
pub fn read_grafana_ini(text: &str) -> String {
    grafana::read_ini(text).to_string()
}

/// The diagnostics of a Grafana setting's text: `options` is a JSON object
/// (`{"field": "role_attribute_path", "claims": [...],
/// "allowAssignGrafanaAdmin": false, ...}`); gives `{ok, diagnostics}` as
/// [`lint`] does.
#[cfg(feature = "grafana")]
#[wasm_bindgen(js_name = lintGrafana)]
pub fn lint_grafana(expr: &str, options: &str) -> String {
    diagnostics::lint_grafana(expr, options).to_string()
}

/// A sample's claim sources in the order Grafana's login reads them.
#[cfg(feature = "grafana")]
#[wasm_bindgen(js_name = grafanaSources)]
pub fn grafana_sources(label: &str, text: &str) -> String {
    grafana::sources(label, text).to_string()
}

/// The module's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
