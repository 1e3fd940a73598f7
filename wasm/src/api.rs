//! The playground's API in plain Rust: every function takes text and gives
//! a JSON value, so that the `wasm-bindgen` layer ([`crate`]) stays a thin
//! shell and these functions are tested natively. Every result is an object
//! with `ok: true` and its data, or `ok: false` and an `error`.
//!
//! Spans cross to JavaScript as UTF-16 ranges named `range` (`[start, end)`),
//! beside the library's byte spans.

use std::path::Path;

use rolemap_engine::{Dialect, Error as EngineError, Expression, Limits, Step, Value, ValueKind};
use rolemap_simulate::{
    decode_jwt, js, samples::parse_samples, scopes, Claims, Config, Format, Options, Provider,
    Sample, Simulator,
};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::utf16;

/// A JSON object of `fields`, in their order: what `json!` builds, but
/// with one call per object instead of a key allocation, an insert and a
/// fallible `to_value(..).unwrap()` per field at every call site (a
/// smaller module; see `cargo xtask playground`).
pub(crate) fn object(fields: Vec<(&str, Json)>) -> Json {
    Json::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `[start, end]` as a JSON array (spans and ranges).
pub(crate) fn pair([start, end]: [usize; 2]) -> Json {
    Json::Array(vec![start.into(), end.into()])
}

/// The JSON form of a serializable value (`null` if it has none, which
/// the types serialized here never lack).
pub(crate) fn to_json(value: &impl Serialize) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// `{ok: false, error}`, with more fields after `error`.
fn failed(error: Json) -> Json {
    object(vec![("ok", false.into()), ("error", error)])
}

/// `{ok: false, error: {kind, message}}`.
pub(crate) fn failure(kind: &str, message: impl Into<String>) -> Json {
    failed(object(vec![
        ("kind", kind.into()),
        ("message", message.into().into()),
    ]))
}

/// Parses a dialect name; anything unknown is an error naming the choices
/// (the engine's message).
fn dialect(name: &str) -> Result<Dialect, Json> {
    name.parse::<Dialect>().map_err(|e| failure("dialect", e))
}

/// Parses the claims: a JSON object, or a JWT whose payload is used.
fn claims(text: &str) -> Result<Json, Json> {
    let trimmed = js::trim(text);
    if trimmed.is_empty() {
        return Ok(Json::Object(Map::new()));
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_slice(trimmed.as_bytes())
            .map_err(|e| failure("claims", format!("the claims are not JSON: {e}")))
    } else {
        decode_jwt(trimmed)
            .map(|d| Json::Object(d.payload))
            .map_err(|e| failure("claims", format!("the claims are not JSON nor a JWT: {e}")))
    }
}

/// An engine error as JSON, with its UTF-16 range in `source`.
pub(crate) fn engine_error(source: &str, e: &EngineError) -> Json {
    object(vec![
        ("kind", e.kind.as_str().into()),
        ("message", e.message.as_str().into()),
        ("jsMessage", e.js_message.clone().into()),
        ("span", pair([e.span.start, e.span.end])),
        (
            "range",
            pair(utf16::range(source, e.span.start, e.span.end)),
        ),
    ])
}

/// A search result as JSON: its JSON form (null for `undefined` and
/// functions, which have none), its type, truthiness (JavaScript's, as
/// Pangolin tests results) and `String(value)`.
fn value_json(v: &Value<'_>, dialect: Dialect) -> Json {
    let has_json = !matches!(v.kind(), ValueKind::Function | ValueKind::Undefined);
    let value = if has_json {
        v.to_json_as(dialect)
    } else {
        Json::Null
    };
    object(vec![
        ("value", value),
        ("type", js::kind_name(v.kind()).into()),
        ("hasJson", has_json.into()),
        ("truthy", js::truthy(v).into()),
        ("display", js::to_js_string(v).into()),
    ])
}

/// `evaluate(expr, claims, dialect)`: the expression's value on the claims.
pub fn evaluate(expr: &str, claims_text: &str, dialect_name: &str) -> Json {
    let dialect = match dialect(dialect_name) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let data = match claims(claims_text) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let compiled = match Expression::compile(expr, dialect) {
        Ok(c) => c,
        Err(e) => return failed(engine_error(expr, &e)),
    };
    let answer = match compiled.search(&data) {
        Ok(v) => {
            let mut out = value_json(&v, dialect);
            if let Json::Object(m) = &mut out {
                m.insert("ok".into(), Json::Bool(true));
                m.insert("canonical".into(), Json::String(compiled.canonical()));
            }
            out
        }
        Err(e) => failed(engine_error(expr, &e)),
    };
    answer
}

fn step_json(source: &str, step: &Step) -> Json {
    let (value, error) = match &step.value {
        Ok(v) => (v.clone(), Json::Null),
        Err(e) => (Json::Null, Json::String(e.clone())),
    };
    object(vec![
        ("node", step.node.into()),
        ("text", step.text.as_str().into()),
        ("span", pair([step.span.start, step.span.end])),
        (
            "range",
            pair(utf16::range(source, step.span.start, step.span.end)),
        ),
        ("value", value),
        ("error", error),
        ("note", step.note.clone().into()),
        ("omitted", step.omitted.into()),
        (
            "children",
            Json::Array(step.children.iter().map(|c| step_json(source, c)).collect()),
        ),
    ])
}

/// The bounds of an explained evaluation: tighter than the default, since
/// every step's value is recorded (copied); claims are small, so only
/// pathological expressions reach them.
const EXPLAIN_LIMITS: Limits = Limits::DEFAULT
    .with_max_steps(200_000)
    .with_max_built(20_000);

/// `explain(expr, claims, dialect)`: the value, and the tree of evaluation
/// steps with each step's value (under [`EXPLAIN_LIMITS`]).
pub fn explain(expr: &str, claims_text: &str, dialect_name: &str) -> Json {
    let dialect = match dialect(dialect_name) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let data = match claims(claims_text) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let compiled = match Expression::compile_with(expr, dialect, EXPLAIN_LIMITS) {
        Ok(c) => c,
        Err(e) => return failed(engine_error(expr, &e)),
    };
    let explained = compiled.explain(&data);
    let root = explained
        .root
        .as_ref()
        .map_or(Json::Null, |s| step_json(expr, s));
    match &explained.result {
        Ok(v) => {
            let mut out = value_json(v, dialect);
            if let Json::Object(m) = &mut out {
                m.insert("ok".into(), Json::Bool(true));
                m.insert("root".into(), root);
            }
            out
        }
        Err(e) => object(vec![
            ("ok", false.into()),
            ("error", engine_error(expr, e)),
            ("root", root),
        ]),
    }
}

/// `decodeJwt(text)`: header and payload of a JWT (not verified).
pub fn decode(text: &str) -> Json {
    match decode_jwt(text) {
        Ok(d) => object(vec![
            ("ok", true.into()),
            ("header", d.header.into()),
            ("payload", d.payload.into()),
            ("signature", d.signature.into()),
        ]),
        Err(e) => failure("jwt", e.to_string()),
    }
}

/// A config format by name (`toml`, `json`, `yaml`).
fn format(name: &str) -> Result<Format, Json> {
    match name.to_ascii_lowercase().as_str() {
        "toml" => Ok(Format::Toml),
        "json" => Ok(Format::Json),
        "yaml" | "yml" => Ok(Format::Yaml),
        other => Err(failure(
            "format",
            format!("unknown config format `{other}`: use toml, json or yaml"),
        )),
    }
}

/// Parses and validates a config, with the simulator's own parser. The
/// module reads JSON only (the page edits JSON; presets are converted from
/// TOML at build time), which keeps the TOML and YAML parsers out of it.
pub(crate) fn parse_config(text: &str, format_name: &str) -> Result<Config, Json> {
    let format = format(format_name)?;
    if format != Format::Json {
        return Err(failure(
            "format",
            format!("the playground reads JSON configs; convert the {format} config to JSON (or use the rolemap command)"),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut config: Config = serde_json::from_slice(text.as_bytes())
        .map_err(|e| failure("config", format!("pangolin.json: JSON error: {e}")))?;
    config.source = Some(Path::new("pangolin.json").to_path_buf());
    config
        .validate()
        .map_err(|e| failure("config", e.to_string()))?;
    Ok(config)
}

/// One sample as the page holds it: a label and the text of a JSON object
/// or a JWT.
pub(crate) struct SampleText {
    pub(crate) label: String,
    pub(crate) text: String,
}

impl SampleText {
    /// The samples of a JSON array of `{label, text}` (read through the
    /// JSON reader the module has anyway, not a deserializer of its own);
    /// an error is a `samples` failure saying what is expected.
    pub(crate) fn read_all(json: &str) -> Result<Vec<SampleText>, Json> {
        let bad = |why: String| {
            failure(
                "samples",
                format!("samples must be a JSON array of {{label, text}}: {why}"),
            )
        };
        let items = match serde_json::from_slice::<Json>(json.as_bytes()) {
            Ok(Json::Array(items)) => items,
            Ok(_) => return Err(bad("not an array".into())),
            Err(e) => return Err(bad(e.to_string())),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                let mut field = |key: &str| match item.get_mut(key).map(Json::take) {
                    Some(Json::String(s)) => Ok(s),
                    _ => Err(bad(format!("sample #{} has no string `{key}`", i + 1))),
                };
                Ok(SampleText {
                    label: field("label")?,
                    text: field("text")?,
                })
            })
            .collect()
    }
}

/// Parses sample texts with the simulator's own parser.
pub(crate) fn parse_sample_texts(samples: &[SampleText]) -> Result<Vec<Sample>, Json> {
    let mut out = Vec::new();
    for s in samples {
        let parsed = parse_samples(s.text.as_bytes(), "", Path::new(&s.label), &s.label)
            .map_err(|e| failure("sample", e.to_string()))?;
        out.extend(parsed);
    }
    Ok(out)
}

/// Adds a UTF-16 `range` beside every `span` of an expression failure
/// (objects holding `expression` and `span`).
fn add_ranges(v: &mut Json) {
    match v {
        Json::Object(m) => {
            let range = match (m.get("expression"), m.get("span")) {
                (Some(Json::String(expr)), Some(Json::Array(span))) if span.len() == 2 => {
                    let s = span[0].as_u64().unwrap_or(0) as usize;
                    let e = span[1].as_u64().unwrap_or(0) as usize;
                    Some(utf16::range(expr, s, e))
                }
                _ => None,
            };
            if let Some(r) = range {
                m.insert("range".into(), pair(r));
            }
            for (_, child) in m.iter_mut() {
                add_ranges(child);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(add_ranges),
        _ => {}
    }
}

/// Simulates every sample against a parsed config, one by one (a page has
/// few samples; no threads in WebAssembly).
pub(crate) fn run_simulation(config: &Config, samples: &[Sample], all_claims: bool) -> Json {
    let options = Options {
        all_claims,
        ..Options::default()
    };
    let simulator = Simulator::new(config);
    let mut outcomes = Vec::with_capacity(samples.len());
    for sample in samples {
        let outcome = simulator.simulate(sample, &options);
        let mut v = serde_json::to_value(&outcome).unwrap_or(Json::Null);
        add_ranges(&mut v);
        outcomes.push(v);
    }
    object(vec![
        ("ok", true.into()),
        ("outcomes", outcomes.into()),
        ("idpName", config.idp.display_name().into()),
    ])
}

/// `simulate(config, format, samples, options)`: each sample user's login.
/// `samples` is a JSON array of `{label, text}`; `options` a JSON object
/// (`{"allClaims": true}` ignores the scopes).
pub fn simulate(
    config_text: &str,
    format_name: &str,
    samples_json: &str,
    options_json: &str,
) -> Json {
    let config = match parse_config(config_text, format_name) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let texts = match SampleText::read_all(samples_json) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let samples = match parse_sample_texts(&texts) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let all_claims = serde_json::from_slice::<Json>(options_json.as_bytes())
        .ok()
        .and_then(|o| o.get("allClaims").and_then(Json::as_bool))
        .unwrap_or(false);
    run_simulation(&config, &samples, all_claims)
}

/// `filterClaims(provider, scopes, claims)`: the claims Pangolin receives
/// when the provider releases only what `scopes` ask for.
pub fn filter_claims(provider: &str, scope_text: &str, claims_text: &str) -> Json {
    // Read as the config reader reads it (one instantiation of Provider's
    // deserializer in the module): the name as a JSON string.
    let name = Json::String(provider.to_string()).to_string();
    let provider: Provider = serde_json::from_slice(name.as_bytes()).unwrap_or(Provider::Generic);
    let data = match claims(claims_text) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let claims = match Claims::from_json(data) {
        Ok(c) => c,
        Err(found) => {
            return failure(
                "claims",
                format!("the claims must be a JSON object, not {found}"),
            )
        }
    };
    let (kept, removed) = scopes::filter(provider, &scopes::Scopes::parse(scope_text), &claims);
    object(vec![
        ("ok", true.into()),
        ("claims", to_json(&kept)),
        ("removed", to_json(&removed)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_with_js_truthiness_and_utf16_errors() {
        let v = evaluate(
            "contains(groups, 'admin') && 'Admin' || 'Member'",
            r#"{"groups":["admin"]}"#,
            "pangolin",
        );
        assert_eq!(v["ok"], true);
        assert_eq!(v["value"], "Admin");
        let e = evaluate("'é' | foo(", "{}", "pangolin");
        assert_eq!(e["ok"], false);
        let range = &e["error"]["range"];
        let span = &e["error"]["span"];
        assert!(range[0].as_u64() < span[0].as_u64() || span[0] == 0, "{e}");
    }

    #[test]
    fn explain_gives_a_tree() {
        let v = explain("a && b", r#"{"a":1,"b":2}"#, "spec");
        assert_eq!(v["ok"], true);
        assert_eq!(v["root"]["node"], "and");
        assert_eq!(v["root"]["children"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn jwt_claims_are_accepted() {
        let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
        assert_eq!(evaluate("sub", token, "pangolin")["value"], "alice");
        assert_eq!(decode(token)["payload"]["sub"], "alice");
        assert_eq!(decode("x")["ok"], false);
    }

    #[test]
    fn simulates_a_json_config() {
        let config = r#"{"idp": {"provider": "pocket-id", "identifier_path": "preferred_username",
            "scopes": "openid profile email", "auto_provision": true,
            "default_role_mapping": "contains(groups, 'admin') && 'Admin' || 'Member'",
            "default_org_mapping": "'{{orgId}}'"},
            "orgs": [{"id": "home-lab", "roles": ["Admin", "Member"]}]}"#;
        let samples = r#"[{"label": "alice.json", "text": "{\"preferred_username\": \"Alice\", \"groups\": [\"admin\"]}"}]"#;
        let v = simulate(config, "json", samples, "{}");
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["outcomes"][0]["status"], 500, "{v}");
        let v = simulate(config, "json", samples, r#"{"allClaims": true}"#);
        assert_eq!(v["outcomes"][0]["orgs"][0]["roles"][0], "Admin", "{v}");
    }
}
