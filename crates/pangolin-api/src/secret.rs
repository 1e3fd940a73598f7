//! The API key: read from `PANGOLIN_API_KEY` or a file, never from the
//! command line, and never shown (its `Debug` and `Display` say
//! `<API key>`).

use std::fmt;
use std::path::Path;

use crate::error::ApiError;

/// The environment variable the key is read from.
pub const API_KEY_ENV: &str = "PANGOLIN_API_KEY";

/// An integration-API key, `<apiKeyId>.<secret>`.
///
/// Invariant: non-empty, no whitespace or control characters, one `.` at
/// least (the form Pangolin shows when the key is created).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<API key>")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<API key>")
    }
}

impl ApiKey {
    /// Checks the text of a key; `origin` names where it came from.
    pub fn new(text: &str, origin: &str) -> Result<ApiKey, ApiError> {
        let key = text.trim();
        let bad = |problem: &str| ApiError::Key {
            message: format!("{origin}: {problem}"),
        };
        if key.is_empty() {
            return Err(bad("the API key is empty: create a root API key in Pangolin (Server Admin > API Keys) and put its `ID.SECRET` there"));
        }
        if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("the API key holds spaces, line breaks or control characters: keep only the `ID.SECRET` Pangolin showed"));
        }
        if !key.contains('.') {
            return Err(bad("the API key has no `.SECRET` part: give the whole `ID.SECRET` Pangolin showed when the key was created (the ID alone is refused)"));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The key from `file` when given, else from `PANGOLIN_API_KEY`.
    pub fn load(file: Option<&Path>) -> Result<ApiKey, ApiError> {
        if let Some(path) = file {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ApiError::Key {
                message: format!("{name}: cannot read the API key file: {e}"),
            })?;
            return ApiKey::new(&text, &name);
        }
        match std::env::var(API_KEY_ENV) {
            Ok(text) => ApiKey::new(&text, API_KEY_ENV),
            Err(std::env::VarError::NotPresent) => Err(ApiError::Key {
                message: format!(
                    "no API key: set {API_KEY_ENV} to the `ID.SECRET` of a root API key, or pass --api-key-file FILE (never the key itself on the command line)"
                ),
            }),
            Err(std::env::VarError::NotUnicode(_)) => Err(ApiError::Key {
                message: format!("{API_KEY_ENV} is not UTF-8 text"),
            }),
        }
    }

    /// The `Authorization` header's value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with every occurrence of the key (and of its secret part)
    /// replaced by `<API key>`: for any text that came from the server.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.replace(&self.0, "<API key>");
        if let Some((_, secret)) = self.0.split_once('.') {
            if secret.len() >= 4 {
                out = out.replace(secret, "<API key>");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown() {
        let k = ApiKey::new(" abc.s3cr3tvalue \n", "test").expect("valid");
        assert_eq!(format!("{k} {k:?}"), "<API key> <API key>");
        assert_eq!(
            k.redact("x abc.s3cr3tvalue y s3cr3tvalue"),
            "x <API key> y <API key>"
        );
        let e = ApiKey::new("abc", "test")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("no `.SECRET` part") && !e.contains("abc"), "{e}");
    }
}
