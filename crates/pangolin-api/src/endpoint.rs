//! Where the integration API is: `--url` with or without `/v1`, the port
//! 3003 by default for plain `http://`.

use ureq::http::Uri;

use crate::error::ApiError;

/// The port Pangolin's integration API listens on by default
/// (`server.integration_port`).
pub const DEFAULT_PORT: u16 = 3003;

/// The base URL of the integration API, ending in `/v1` (no trailing `/`).
///
/// Invariant: `http` or `https`, a host, no credentials, no query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    base: String,
}

impl Endpoint {
    /// Reads `--url`: `http://pangolin:3003`, `http://pangolin` (port
    /// 3003), `https://api.example.com/v1` (443, as behind a proxy).
    pub fn parse(url: &str) -> Result<Endpoint, ApiError> {
        let bad = |m: &str| ApiError::Url {
            message: m.to_string(),
        };
        let text = url.trim();
        if !(text.starts_with("http://") || text.starts_with("https://")) {
            return Err(bad("write the integration API's URL with http:// or https://, e.g. http://pangolin:3003 or https://api.example.com/v1"));
        }
        let uri: Uri = text.parse().map_err(|_| {
            bad("not a URL: write e.g. http://pangolin:3003 or https://api.example.com/v1")
        })?;
        let authority = uri
            .authority()
            .ok_or_else(|| bad("has no host: write e.g. http://pangolin:3003"))?;
        if authority.as_str().contains('@') {
            return Err(bad("holds credentials (`user:password@`): remove them; the API key comes from PANGOLIN_API_KEY or --api-key-file"));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(bad(
                "has a query or fragment: give only scheme, host, port and path",
            ));
        }
        let scheme = uri.scheme_str().unwrap_or("http");
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("has no host: write e.g. http://pangolin:3003"));
        }
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let port = match (authority.port_u16(), scheme) {
            (Some(p), _) => format!(":{p}"),
            (None, "http") => format!(":{DEFAULT_PORT}"),
            (None, _) => String::new(),
        };
        let path = uri.path().trim_end_matches('/');
        let path = if path.ends_with("/v1") {
            path.to_string()
        } else {
            format!("{path}/v1")
        };
        Ok(Endpoint {
            base: format!("{scheme}://{host}{port}{path}"),
        })
    }

    /// The base URL, `http://host:3003/v1`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The full URL of `path` (which starts with `/`, relative to `/v1`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> String {
        match Endpoint::parse(url) {
            Ok(e) => e.base().to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn with_or_without_v1_and_port() {
        assert_eq!(base("http://pangolin"), "http://pangolin:3003/v1");
        assert_eq!(base("http://pangolin:3003/"), "http://pangolin:3003/v1");
        assert_eq!(base("http://127.0.0.1:9/v1/"), "http://127.0.0.1:9/v1");
        assert_eq!(
            base("https://api.example.com/v1"),
            "https://api.example.com/v1"
        );
        assert_eq!(
            base("https://example.com/pangolin-api"),
            "https://example.com/pangolin-api/v1"
        );
        assert_eq!(base("http://[::1]:3003"), "http://[::1]:3003/v1");
        assert!(base("pangolin:3003")
            .starts_with("error: --url: write the integration API's URL with http://"));
        let creds = base("http://admin:hunter2@pangolin");
        assert!(
            creds.contains("credentials") && !creds.contains("hunter2"),
            "{creds}"
        );
        assert!(base("http://p/v1?x=1").contains("query"));
    }
}
