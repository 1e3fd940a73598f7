//! The HTTP client: ureq (blocking, rustls), the system's root
//! certificates plus `--ca-cert`, timeouts, retries with backoff for reads
//! only, and the integration API's answer envelope
//! `{data, success, error, message, status}`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Json;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::Agent;

use crate::endpoint::Endpoint;
use crate::error::ApiError;
use crate::secret::ApiKey;

/// How the client connects.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Limit for one request, connection included.
    pub timeout: Duration,
    /// How many times a failed read (connection, timeout, 502-504) is
    /// tried again; writes are never retried.
    pub retries: u32,
    /// A PEM file of extra root certificates (a self-signed server's CA).
    pub ca_cert: Option<PathBuf>,
    /// Items asked for per page of a list.
    pub page_size: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            retries: 2,
            ca_cert: None,
            page_size: 100,
        }
    }
}

/// Answers bigger than this are refused (the API's largest, a list of
/// 1000 orgs, is about 1 MB).
const MAX_BODY: u64 = 32 * 1024 * 1024;

/// A client of one server's integration API.
pub struct Client {
    agent: Agent,
    endpoint: Endpoint,
    key: ApiKey,
    options: ClientOptions,
}

/// An HTTP method the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Create.
    Put,
    /// Update.
    Post,
    /// Delete.
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

fn root_certs(ca_cert: Option<&PathBuf>) -> Result<RootCerts, ApiError> {
    let mut certs: Vec<Certificate<'static>> = rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    if let Some(path) = ca_cert {
        let name = path.display();
        let pem = std::fs::read(path).map_err(|e| ApiError::Url {
            message: format!(
                "--ca-cert {name}: cannot read the file: {}",
                rolemap_simulate::read_reason(&e)
            ),
        })?;
        let before = certs.len();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(c)) => certs.push(c),
                Ok(_) => {}
                Err(e) => {
                    return Err(ApiError::Url {
                        message: format!("--ca-cert {name}: not a PEM certificate file: {e}"),
                    })
                }
            }
        }
        if certs.len() == before {
            return Err(ApiError::Url {
                message: format!("--ca-cert {name}: holds no `-----BEGIN CERTIFICATE-----` block"),
            });
        }
    }
    Ok(RootCerts::Specific(Arc::new(certs)))
}

impl Client {
    /// A client for `endpoint` with `key`.
    pub fn new(
        endpoint: Endpoint,
        key: ApiKey,
        options: ClientOptions,
    ) -> Result<Client, ApiError> {
        let roots = if endpoint.base().starts_with("https://") {
            root_certs(options.ca_cert.as_ref())?
        } else {
            RootCerts::Specific(Arc::new(Vec::new()))
        };
        // The process's crypto provider: ring (an error only says one is
        // installed already).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = TlsConfig::builder().root_certs(roots).build();
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(options.timeout))
            .tls_config(tls)
            .user_agent(concat!("rolemap/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client {
            agent: config.into(),
            endpoint,
            key,
            options,
        })
    }

    /// The base URL.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Items per page of a list.
    pub fn page_size(&self) -> u32 {
        self.options.page_size.max(1)
    }

    /// `text` with the API key removed.
    pub fn redact(&self, text: &str) -> String {
        self.key.redact(text)
    }

    /// Reads `path`, retrying what may pass on a second try; gives `data`.
    pub fn get(&self, path: &str, action: &'static str) -> Result<Json, ApiError> {
        let mut attempt = 0;
        loop {
            match self.call(Method::Get, path, action, None) {
                Err(e) if e.transient() && attempt < self.options.retries => {
                    std::thread::sleep(Duration::from_millis(250 << attempt.min(5)));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Sends a write once (never retried: a write that timed out may have
    /// happened); gives `data`.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        action: &'static str,
        body: Option<&Json>,
    ) -> Result<Json, ApiError> {
        self.call(method, path, action, body)
    }

    fn call(
        &self,
        method: Method,
        path: &str,
        action: &'static str,
        body: Option<&Json>,
    ) -> Result<Json, ApiError> {
        let url = self.endpoint.url(path);
        let route = format!("{} {}", method.as_str(), self.redact(&url));
        let auth = self.key.bearer();
        let result = match (method, body) {
            (Method::Get, _) => self.agent.get(&url).header("Authorization", &auth).call(),
            (Method::Delete, _) => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .call(),
            (Method::Put, b) | (Method::Post, b) => {
                let text = b.map(Json::to_string).unwrap_or_else(|| "{}".into());
                let req = if method == Method::Put {
                    self.agent.put(&url)
                } else {
                    self.agent.post(&url)
                };
                req.header("Authorization", &auth)
                    .content_type("application/json")
                    .send(text)
            }
        };
        let mut response = result.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| self.redact(s))
        };
        let content_type = header("content-type").unwrap_or_else(|| "no content type".into());
        let location = header("location");
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_string()
            .map_err(|e| self.transport_error(e))?;
        let text = self.redact(&text);
        let envelope = serde_json::from_str::<Json>(&text)
            .ok()
            .filter(|v| v.get("success").is_some_and(Json::is_boolean));
        let Some(envelope) = envelope else {
            return Err(not_pangolin(route, status, content_type, location, &text));
        };
        let message = envelope
            .get("message")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let success = envelope.get("success").and_then(Json::as_bool) == Some(true);
        if success && (200..300).contains(&status) {
            return Ok(envelope.get("data").cloned().unwrap_or(Json::Null));
        }
        Err(match status {
            401 => ApiError::Unauthorized { route, message },
            403 => ApiError::Forbidden {
                route,
                action,
                message,
            },
            500 if message.contains("checking API key") => ApiError::Key {
                message: format!("HTTP 500 from {route}: Pangolin says \"{message}\": the API key is not `ID.SECRET` of an existing key; give the whole key Pangolin showed when it was created"),
            },
            _ => {
                let hint = (status == 500).then(|| {
                    "Pangolin's log (docker logs pangolin) has the cause".to_string()
                });
                ApiError::Server {
                    route,
                    status,
                    message,
                    hint,
                }
            }
        })
    }

    fn transport_error(&self, e: ureq::Error) -> ApiError {
        let url = self.endpoint.base().to_string();
        match e {
            ureq::Error::Timeout(_) => ApiError::Timeout {
                url,
                seconds: self.options.timeout.as_secs().max(1),
            },
            ureq::Error::Tls(why) => ApiError::Tls {
                url,
                why: why.to_string(),
            },
            ureq::Error::Rustls(why) => ApiError::Tls {
                url,
                why: self.redact(&why.to_string()),
            },
            ureq::Error::HostNotFound => ApiError::Connect {
                url,
                why: "the host name is not known (DNS)".into(),
            },
            ureq::Error::Io(io)
                if io
                    .get_ref()
                    .is_some_and(|e| e.downcast_ref::<rustls::Error>().is_some()) =>
            {
                ApiError::Tls {
                    url,
                    why: self.redact(&io.to_string()),
                }
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                ApiError::Connect {
                    url,
                    why: "connection refused".into(),
                }
            }
            other => ApiError::Connect {
                url,
                why: self.redact(&other.to_string()),
            },
        }
    }
}

/// An answer that is not the API's envelope.
fn not_pangolin(
    route: String,
    status: u16,
    content_type: String,
    location: Option<String>,
    text: &str,
) -> ApiError {
    let hint = if let Some(to) = location.filter(|_| (300..400).contains(&status)) {
        format!("a redirect to {} (a reverse proxy's login or an http-to-https redirect?): point --url straight at the integration API, or let /v1 through the proxy without SSO", crate::quote(&to))
    } else if text.contains("<pre>Cannot ") {
        "Pangolin answered that the route does not exist: is --url the integration API (port 3003, path /v1), not the dashboard (port 3000)? Is the server older than rolemap knows?".to_string()
    } else if content_type.contains("html") {
        "an HTML page (a reverse proxy's login page?): point --url at the integration API (port 3003), or let /v1 through the proxy without SSO".to_string()
    } else {
        "the answer is not the API's `{data, success, message}` JSON: is --url the integration API (port 3003, path /v1)?".to_string()
    };
    ApiError::NotPangolin {
        route,
        status,
        content_type,
        hint,
    }
}
