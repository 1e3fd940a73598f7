//! Decoding a JWT (`header.payload.signature`) WITHOUT verifying it: the
//! simulator only needs the claims, exactly as Pangolin reads them from the
//! ID token (`arctic.decodeIdToken`, the payload only).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use rolemap_escape::quoted_char;
use serde::Serialize;
use serde_json::{Map, Value as Json};

/// base64url, with or without `=` padding.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A decoded (not verified) JWT.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecodedJwt {
    /// The JOSE header (`alg`, `kid`, `typ`...).
    pub header: Map<String, Json>,
    /// The payload: the claims.
    pub payload: Map<String, Json>,
    /// The signature part, as written (base64url, not checked).
    pub signature: String,
}

/// Which part of a JWT an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JwtPart {
    /// The first part.
    Header,
    /// The second part.
    Payload,
}

impl std::fmt::Display for JwtPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JwtPart::Header => "header",
            JwtPart::Payload => "payload",
        })
    }
}

/// Why a JWT could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Nothing to decode.
    #[error("empty token: expected header.payload.signature")]
    Empty,
    /// Not three dot-separated parts.
    #[error("a JWT has 3 parts separated by `.` (header.payload.signature), this one has {parts}{}", if *parts == 5 { ": it looks like an encrypted token (JWE), which cannot be read without the key" } else { "" })]
    Parts {
        /// How many parts were found.
        parts: usize,
    },
    /// A part is not base64url.
    #[error("{part} (part {}) is not base64url: {message} at character {}", *part as usize + 1, offset + 1)]
    Base64 {
        /// The part.
        part: JwtPart,
        /// Offset of the offending character within the part.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// A part decodes but is not UTF-8 JSON.
    #[error("{part} (part {}) is not valid JSON: {message} at line {line} column {column} of the decoded {part}", *part as usize + 1)]
    Json {
        /// The part.
        part: JwtPart,
        /// 1-based line in the decoded text.
        line: usize,
        /// 1-based column in the decoded text.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A part is JSON but not an object.
    #[error("{part} (part {}) is {found}, not a JSON object", *part as usize + 1)]
    NotAnObject {
        /// The part.
        part: JwtPart,
        /// What it is instead.
        found: &'static str,
    },
}

/// `a string`, `an array`...: the type of a JSON value, with its article.
pub(crate) fn json_type_phrase(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn decode_part(part: JwtPart, text: &str) -> Result<Map<String, Json>, JwtError> {
    let bytes = BASE64URL.decode(text).map_err(|e| {
        let (offset, message) = match e {
            base64::DecodeError::InvalidByte(o, b) => (
                o,
                if b == b'+' || b == b'/' {
                    format!(
                        "`{}` belongs to standard base64, a JWT uses base64url (`-`, `_`)",
                        b as char
                    )
                } else {
                    format!("invalid character {}", quoted_char(b as char))
                },
            ),
            base64::DecodeError::InvalidLength(l) => (l, "invalid length".to_string()),
            base64::DecodeError::InvalidLastSymbol(o, b) => (
                o,
                format!("invalid last character {}", quoted_char(b as char)),
            ),
            base64::DecodeError::InvalidPadding => {
                (text.len().saturating_sub(1), "invalid padding".to_string())
            }
        };
        JwtError::Base64 {
            part,
            offset,
            message,
        }
    })?;
    let value: Json = serde_json::from_slice(&bytes).map_err(|e| JwtError::Json {
        part,
        line: e.line(),
        column: e.column(),
        message: crate::position::strip_position(&e.to_string()),
    })?;
    match value {
        Json::Object(map) => Ok(map),
        other => Err(JwtError::NotAnObject {
            part,
            found: json_type_phrase(&other),
        }),
    }
}

/// Decodes a JWT without verifying its signature. Surrounding whitespace and
/// a leading `Bearer ` are ignored.
pub fn decode_jwt(text: &str) -> Result<DecodedJwt, JwtError> {
    let t = crate::js::trim(text);
    let t = t
        .strip_prefix("Bearer ")
        .or_else(|| t.strip_prefix("bearer "))
        .map_or(t, crate::js::trim);
    if t.is_empty() {
        return Err(JwtError::Empty);
    }
    let parts: Vec<&str> = t.split('.').collect();
    if parts.len() != 3 {
        return Err(JwtError::Parts { parts: parts.len() });
    }
    let header = decode_part(JwtPart::Header, parts[0])?;
    let payload = decode_part(JwtPart::Payload, parts[1])?;
    Ok(DecodedJwt {
        header,
        payload,
        signature: parts[2].to_string(),
    })
}

/// Encodes claims as an unsigned JWT (`alg: none`), for tests and examples.
pub fn encode_unsigned(payload: &Map<String, Json>) -> String {
    let header = BASE64URL.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = BASE64URL.encode(serde_json::to_vec(payload).unwrap_or_default());
    format!("{header}.{body}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let mut claims = Map::new();
        claims.insert("sub".into(), Json::from("alice"));
        let token = encode_unsigned(&claims);
        let decoded = decode_jwt(&format!("Bearer {token}\n"));
        assert_eq!(decoded.map(|d| d.payload), Ok(claims));
        assert_eq!(decode_jwt("a.b"), Err(JwtError::Parts { parts: 2 }));
        assert!(matches!(
            decode_jwt("e30.e!30.x"),
            Err(JwtError::Base64 {
                part: JwtPart::Payload,
                offset: 1,
                ..
            })
        ));
        // "WzFd" is `[1]`
        assert!(matches!(
            decode_jwt("e30.WzFd.x"),
            Err(JwtError::NotAnObject {
                part: JwtPart::Payload,
                ..
            })
        ));
    }
}
