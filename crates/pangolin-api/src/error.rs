//! Errors talking to the integration API. Each says what went wrong and
//! how to fix it; none holds the API key or the OIDC client secret (texts
//! from the server are redacted before they get here).

/// Why a call to the integration API failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `--url` is not usable.
    #[error("--url: {message}")]
    Url {
        /// What is wrong and the fix.
        message: String,
    },
    /// The API key is missing or malformed.
    #[error("{message}")]
    Key {
        /// What is wrong and the fix.
        message: String,
    },
    /// No connection (refused, unknown host, reset).
    #[error("cannot connect to {url}: {why}. Is the integration API on (`flags.enable_integration_api: true` in Pangolin's config.yml, then restart), is its port published (`server.integration_port`, 3003 by default: `ports: - 3003:3003` in docker-compose), and is --url right?")]
    Connect {
        /// The base URL.
        url: String,
        /// The transport's reason.
        why: String,
    },
    /// The server did not answer in time.
    #[error("{url} did not answer within {seconds} s: is the server up and the port right? (--timeout sets the limit)")]
    Timeout {
        /// The base URL.
        url: String,
        /// The limit.
        seconds: u64,
    },
    /// TLS failed (most often an untrusted certificate).
    #[error("TLS with {url} failed: {why}. For a self-signed certificate or a private CA, pass --ca-cert FILE (the PEM of the CA that signed the server's certificate)")]
    Tls {
        /// The base URL.
        url: String,
        /// The TLS library's reason.
        why: String,
    },
    /// 401: the key is missing, unknown or wrong.
    #[error("HTTP 401 from {route}: Pangolin says \"{message}\". The API key was refused: set PANGOLIN_API_KEY (or --api-key-file) to the whole `ID.SECRET` of a root API key, as Pangolin showed it when the key was created (Server Admin > API Keys); a deleted or re-created key must be replaced")]
    Unauthorized {
        /// `GET /v1/idp/1`.
        route: String,
        /// The server's message.
        message: String,
    },
    /// 403: the key lacks the route's action, or is not a root key.
    #[error("{}", forbidden_message(route, action, message))]
    Forbidden {
        /// `GET /v1/idp/1`.
        route: String,
        /// The action id the route checks.
        action: &'static str,
        /// The server's message.
        message: String,
    },
    /// 404 on an IdP.
    #[error("no IdP {id} on this server: {}", known_idps(existing))]
    IdpNotFound {
        /// The id asked for.
        id: u64,
        /// The IdPs that exist: id and name.
        existing: Vec<(u64, String)>,
    },
    /// The answer is not the integration API's JSON.
    #[error("{route} answered HTTP {status} ({content_type}), which is not Pangolin's integration API: {hint}")]
    NotPangolin {
        /// `GET /v1/idp`.
        route: String,
        /// The status.
        status: u16,
        /// The content type (or `no content type`).
        content_type: String,
        /// The likely cause and fix.
        hint: String,
    },
    /// Any other error answer of the API.
    #[error("{route} failed: HTTP {status} \"{message}\"{}", hint.as_deref().map(|h| format!(": {h}")).unwrap_or_default())]
    Server {
        /// `PUT /v1/idp/1/org/acme`.
        route: String,
        /// The status.
        status: u16,
        /// The server's message.
        message: String,
        /// What it likely means.
        hint: Option<String>,
    },
}

fn forbidden_message(route: &str, action: &str, message: &str) -> String {
    if message.contains("root access") {
        format!(
            "HTTP 403 from {route}: Pangolin says \"{message}\". The key belongs to an organization; IdPs and the list of orgs need a root (server-level) API key: create one in Server Admin > API Keys and give it the actions rolemap needs"
        )
    } else if message.contains("access to this organization") {
        format!(
            "HTTP 403 from {route}: Pangolin says \"{message}\". Use a root API key (Server Admin > API Keys)"
        )
    } else {
        format!(
            "HTTP 403 from {route}: Pangolin says \"{message}\". The key lacks the action `{action}`: grant it in Server Admin > API Keys > (the key) > Permissions (`pull` and `check` need listIdps, getIdp, listIdpOrgs, listOrgs, listRoles; `apply` also createIdpOrg, updateIdpOrg, deleteIdpOrg, updateIdp)"
        )
    }
}

fn known_idps(existing: &[(u64, String)]) -> String {
    if existing.is_empty() {
        return "the server has no IdP (create one in Server Admin > Identity Providers)".into();
    }
    let list: Vec<String> = existing
        .iter()
        .map(|(id, name)| format!("{id} {}", crate::quote(name)))
        .collect();
    format!("these exist: {} (pass one with --idp)", list.join(", "))
}

impl ApiError {
    /// Whether retrying the same read may succeed (the connection, a
    /// timeout, a gateway between).
    pub(crate) fn transient(&self) -> bool {
        matches!(self, ApiError::Connect { .. } | ApiError::Timeout { .. })
            || matches!(
                self,
                ApiError::Server {
                    status: 502..=504,
                    ..
                }
            )
    }
}
