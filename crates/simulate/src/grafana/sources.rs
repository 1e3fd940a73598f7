//! A Grafana sample user: the claims of up to three sources, in the order
//! Grafana reads them.
//!
//! A sample file is either a JSON object with any of the keys `id_token`,
//! `userinfo` (the `api_url` response), `access_token` (each a claims
//! object or a JWT) and `emails` (the `api_url + "/emails"` response), or a
//! plain claims object or a JWT, which is the ID token alone. A folder gives
//! one sample per `.json`, `.jwt` or `.txt` file, sorted by name.

use std::path::Path;

use serde::Serialize;
use serde_json::Value as Json;

use crate::jwt::decode_jwt;

/// Where claims come from, in Grafana's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The ID token (`id_token_attribute_name`).
    IdToken,
    /// The `api_url` response.
    Userinfo,
    /// The access token, when it is a JWT.
    AccessToken,
}

impl Source {
    /// The name used in outputs and test files.
    pub fn name(self) -> &'static str {
        match self {
            Source::IdToken => "id_token",
            Source::Userinfo => "userinfo",
            Source::AccessToken => "access_token",
        }
    }
}

/// The keys of a multi-source sample object.
const KEYS: [&str; 4] = ["id_token", "userinfo", "access_token", "emails"];

/// One sample user.
#[derive(Clone, Debug, PartialEq)]
pub struct GrafanaSample {
    /// Where it came from.
    pub label: String,
    /// Each source's claims (an object), `None` when the IdP gives none.
    pub id_token: Option<Json>,
    /// The userinfo (`api_url`) response.
    pub userinfo: Option<Json>,
    /// The access token's claims (`None` also for an opaque token).
    pub access_token: Option<Json>,
    /// The `api_url + "/emails"` response, when given.
    pub emails: Option<Json>,
    /// Sources given that Grafana cannot read, and why.
    pub dropped: Vec<(Source, String)>,
}

/// Whether `s` has the form Grafana requires of a JWT before decoding it:
/// three non-empty parts of `-`, `_`, `=`, ASCII letters and digits,
/// separated by dots (so an unsigned token with an empty signature fails).
pub fn grafana_jwt_form(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
        })
}

/// Why Grafana drops a token that is not in its JWT form.
const NOT_JWT_FORM: &str = "not in the JWT form Grafana checks (three non-empty base64url parts: an unsigned token's empty signature fails): Grafana logs an error and ignores it";

impl GrafanaSample {
    /// The claims of `source`.
    pub fn source(&self, source: Source) -> Option<&Json> {
        match source {
            Source::IdToken => self.id_token.as_ref(),
            Source::Userinfo => self.userinfo.as_ref(),
            Source::AccessToken => self.access_token.as_ref(),
        }
    }

    /// A sample from a parsed JSON value.
    pub fn from_json(label: &str, value: Json) -> Result<GrafanaSample, String> {
        let Json::Object(map) = value else {
            return Err(format!("{label}: a sample is a JSON object (claims, or `id_token`/`userinfo`/`access_token`)"));
        };
        let multi = !map.is_empty() && map.keys().all(|k| KEYS.contains(&k.as_str()));
        if !multi {
            return Ok(GrafanaSample {
                label: label.to_string(),
                id_token: Some(Json::Object(map)),
                userinfo: None,
                access_token: None,
                emails: None,
                dropped: Vec::new(),
            });
        }
        let mut map = map;
        let mut dropped = Vec::new();
        let mut claims = |key: &str, source: Source| -> Result<Option<Json>, String> {
            match map.remove(key) {
                None | Some(Json::Null) => Ok(None),
                Some(v @ Json::Object(_)) => Ok(Some(v)),
                Some(Json::String(s)) if source == Source::Userinfo => {
                    let _ = s;
                    dropped.push((source, "a string (a signed userinfo response?): Grafana decodes the api_url response as JSON and ignores it".to_string()));
                    Ok(None)
                }
                Some(Json::String(s)) => match decode_jwt(&s) {
                    Ok(_) if !grafana_jwt_form(&s) => {
                        dropped.push((source, NOT_JWT_FORM.to_string()));
                        Ok(None)
                    }
                    Ok(jwt) => Ok(Some(Json::Object(jwt.payload))),
                    // An opaque access token is no claim source.
                    Err(_) if source == Source::AccessToken => Ok(None),
                    Err(e) => Err(format!("{label}: `{key}` is not a JWT: {e}")),
                },
                Some(_) => Err(format!("{label}: `{key}` must be a claims object or a JWT")),
            }
        };
        let id_token = claims("id_token", Source::IdToken)?;
        let userinfo = claims("userinfo", Source::Userinfo)?;
        let access_token = claims("access_token", Source::AccessToken)?;
        Ok(GrafanaSample {
            label: label.to_string(),
            id_token,
            userinfo,
            access_token,
            emails: map.remove("emails"),
            dropped,
        })
    }

    /// A sample from the text of a file: JSON, or a JWT (the ID token).
    pub fn from_text(label: &str, text: &str) -> Result<GrafanaSample, String> {
        let t = text.trim_start();
        if t.starts_with('{') {
            let value: Json =
                serde_json::from_str(text).map_err(|e| format!("{label}: not valid JSON: {e}"))?;
            return GrafanaSample::from_json(label, value);
        }
        let jwt = decode_jwt(text).map_err(|e| format!("{label}: neither JSON nor a JWT: {e}"))?;
        let mut sample = GrafanaSample::from_json(label, Json::Object(jwt.payload))?;
        if !grafana_jwt_form(text.trim()) {
            sample.id_token = None;
            sample
                .dropped
                .push((Source::IdToken, NOT_JWT_FORM.to_string()));
        }
        Ok(sample)
    }
}

/// Loads the samples of a file or folder.
pub fn load_samples(path: &Path) -> Result<Vec<GrafanaSample>, String> {
    let label = |p: &Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| {
            format!(
                "{}: cannot read the file: {}",
                p.display(),
                crate::read_reason(&e)
            )
        })
    };
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: cannot read the folder: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| crate::samples::GRAFANA_SAMPLE_EXTENSIONS.contains(&e))
            })
            .collect();
        files.sort();
        return files
            .iter()
            .map(|p| GrafanaSample::from_text(&label(p), &read(p)?))
            .collect();
    }
    Ok(vec![GrafanaSample::from_text(&label(path), &read(path)?)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plain_object_is_the_id_token_and_keys_make_sources() {
        let plain = GrafanaSample::from_json("a", json!({"sub": "1", "groups": []})).expect("ok");
        assert!(plain.id_token.is_some() && plain.userinfo.is_none());
        let jwt = crate::jwt::encode_unsigned(json!({"sub": "2"}).as_object().expect("object"));
        let multi = GrafanaSample::from_json(
            "b",
            json!({"id_token": jwt, "userinfo": {"groups": ["admin"]}, "access_token": "opaque"}),
        )
        .expect("ok");
        // An unsigned token (empty signature) is not in Grafana's JWT form.
        assert_eq!(multi.id_token, None);
        assert_eq!(multi.dropped.len(), 1);
        assert_eq!(multi.userinfo, Some(json!({"groups": ["admin"]})));
        assert_eq!(multi.access_token, None);
        let signed = format!("{jwt}c2ln");
        let multi = GrafanaSample::from_json("b", json!({"id_token": signed})).expect("ok");
        assert_eq!(multi.id_token, Some(json!({"sub": "2"})));
        assert!(
            grafana_jwt_form("a.b.c") && !grafana_jwt_form("a.b.") && !grafana_jwt_form("a.b+.c")
        );
        assert!(GrafanaSample::from_json("c", json!({"id_token": "x.y"})).is_err());
        assert!(GrafanaSample::from_json("d", json!([1])).is_err());
    }
}
