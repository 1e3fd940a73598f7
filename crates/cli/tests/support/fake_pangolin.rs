//! A fake of Pangolin 1.22.0's integration API for the tests, on
//! 127.0.0.1 at an ephemeral port. It starts from the state the recorded
//! exchanges' `setup` phase left (tests/data/pangolin-1.22.0-api), answers
//! with the recorded bodies and messages, and keeps state for writes with
//! the real server's validation: unknown query or body keys, types, the
//! order of its checks, its DELETE that answers 200 for another IdP's
//! policy, and its 500 for a policy of a missing org.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use serde_json::{json, Map, Value as Json};

/// A root key holding every action (stands for the recording's `<KEY>`).
pub const ROOT_KEY: &str = "rootkey00000001.rootSECRETfake7788xyz";
/// A root key with no action (`<KEY_NO_ACTIONS>`).
pub const NO_ACTIONS_KEY: &str = "rootkey00000002.noactionsSECRETfake5566";
/// A key of the org `acme` (`<ORG_KEY>`).
pub const ORG_KEY: &str = "orgkey000000001.orgSECRETfake3344";
/// The OIDC client secrets the recorded server holds.
pub const CLIENT_SECRETS: [&str; 2] = [
    "pocketid-client-secret-FAKE",
    "authentik-client-secret-FAKE",
];

/// The recorded exchanges.
pub fn exchanges() -> Vec<Json> {
    let text = include_str!("../data/pangolin-1.22.0-api/exchanges.json");
    serde_json::from_str(text).expect("exchanges.json parses")
}

fn recorded_data(ex: &[Json], name: &str) -> Json {
    ex.iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no exchange {name}"))["response_body"]["data"]
        .clone()
}

/// An API key the fake knows.
#[derive(Clone, Debug)]
pub struct Key {
    pub token: String,
    pub root: bool,
    pub org: Option<String>,
    /// None: every action.
    pub actions: Option<BTreeSet<String>>,
}

/// What the fake server holds.
#[derive(Debug)]
pub struct State {
    /// `{idp, idpOidcConfig}` per IdP, as `GET /v1/idp/:id` answers.
    pub idps: Vec<Json>,
    /// `{idpId, orgId, roleMapping, orgMapping}`.
    pub policies: Vec<Json>,
    /// Org rows, as `GET /v1/orgs` answers.
    pub orgs: Vec<Json>,
    /// Role rows, as `GET /v1/org/:id/roles` answers.
    pub roles: Vec<Json>,
    pub keys: Vec<Key>,
    /// The write (counted from 0) that answers 500 without a change.
    pub fail_write: Option<usize>,
    pub writes: usize,
    /// DELETE answers 200 and deletes nothing.
    pub broken_delete: bool,
    /// `METHOD /path?query` of every request.
    pub log: Vec<String>,
}

impl State {
    /// The state after the recording's setup phase.
    pub fn recorded() -> State {
        let ex = exchanges();
        let idps = vec![
            recorded_data(&ex, "get IdP 1"),
            recorded_data(&ex, "get IdP 2"),
        ];
        let policies = recorded_data(&ex, "list IdP 1 policies")["policies"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let orgs = recorded_data(&ex, "list orgs")["orgs"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut roles = Vec::new();
        for name in [
            "list roles home-lab (defaults pageSize=20 page=1)",
            "list roles acme pageSize=2 page=1",
            "list roles acme pageSize=2 page=2",
            "list roles media",
        ] {
            roles.extend(
                recorded_data(&ex, name)["roles"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let key = |token: &str, root: bool, org: Option<&str>, actions: Option<&[&str]>| Key {
            token: token.into(),
            root,
            org: org.map(str::to_string),
            actions: actions.map(|a| a.iter().map(|s| s.to_string()).collect()),
        };
        State {
            idps,
            policies,
            orgs,
            roles,
            keys: vec![
                key(ROOT_KEY, true, None, None),
                key(NO_ACTIONS_KEY, true, None, Some(&[])),
                key(
                    ORG_KEY,
                    false,
                    Some("acme"),
                    Some(&["getIdp", "listRoles", "listOrgs", "listIdpOrgs"]),
                ),
            ],
            fail_write: None,
            writes: 0,
            broken_delete: false,
            log: Vec::new(),
        }
    }

    /// Adds a key holding exactly `actions` (root).
    pub fn add_key(&mut self, token: &str, actions: &[&str]) {
        self.keys.push(Key {
            token: token.into(),
            root: true,
            org: None,
            actions: Some(actions.iter().map(|s| s.to_string()).collect()),
        });
    }

    /// Adds an org with roles.
    pub fn add_org(&mut self, id: &str, roles: &[&str]) {
        self.orgs.push(json!({"orgId": id, "name": id}));
        for r in roles {
            self.roles.push(json!({"roleId": self.roles.len() + 100, "orgId": id, "isAdmin": null, "name": r, "description": null}));
        }
    }

    fn idp(&self, id: u64) -> Option<usize> {
        self.idps.iter().position(|i| i["idp"]["idpId"] == id)
    }
}

/// A running fake server; stopped when dropped.
pub struct Fake {
    pub url: String,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    /// Starts a fake with `state`.
    pub fn start(state: State) -> Fake {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let state = Arc::new(Mutex::new(state));
        let (s, st) = (Arc::clone(&server), Arc::clone(&state));
        let thread = std::thread::spawn(move || {
            for mut req in s.incoming_requests() {
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let headers: Vec<(String, String)> = req
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.field.as_str().as_str().to_ascii_lowercase(),
                            h.value.as_str().to_string(),
                        )
                    })
                    .collect();
                let answer = {
                    let mut state = st.lock().unwrap_or_else(|e| e.into_inner());
                    state
                        .log
                        .push(format!("{} {}", req.method().as_str(), req.url()));
                    handle(
                        &mut state,
                        req.method().as_str(),
                        req.url(),
                        &headers,
                        &body,
                    )
                };
                let ctype = if answer.html {
                    "text/html; charset=utf-8"
                } else {
                    "application/json; charset=utf-8"
                };
                let response = tiny_http::Response::from_string(answer.body)
                    .with_status_code(answer.status)
                    .with_header(
                        tiny_http::Header::from_bytes("Content-Type", ctype).expect("a header"),
                    );
                let _ = req.respond(response);
            }
        });
        Fake {
            url: format!("http://127.0.0.1:{port}"),
            state,
            server,
            thread: Some(thread),
        }
    }

    /// The state, to look at or change.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An answer.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub html: bool,
}

fn ok(status: u16, message: &str, data: Json) -> Answer {
    Answer {
        status,
        body: json!({"data": data, "success": true, "error": false, "message": message, "status": status}).to_string(),
        html: false,
    }
}

fn fail(status: u16, message: &str) -> Answer {
    Answer {
        status,
        body: json!({"data": null, "success": false, "error": true, "message": message, "status": status, "stack": null}).to_string(),
        html: false,
    }
}

fn cannot(method: &str, path: &str) -> Answer {
    Answer {
        status: 404,
        body: format!("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot {method} {path}</pre>\n</body>\n</html>\n"),
        html: true,
    }
}

fn unrecognized(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
    if keys.len() == 1 {
        format!("Validation error: Unrecognized key: {}", quoted[0])
    } else {
        format!("Validation error: Unrecognized keys: {}", quoted.join(", "))
    }
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The query's pairs; an error answer for unknown keys.
fn query(q: &str, allowed: &[&str]) -> Result<Vec<(String, String)>, Answer> {
    let pairs: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect();
    let unknown: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| !allowed.contains(&k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    if !unknown.is_empty() {
        return Err(fail(400, &unrecognized(&unknown)));
    }
    Ok(pairs)
}

/// A number of the query (`default` when absent); NaN is an error.
fn number(pairs: &[(String, String)], key: &str, default: u64) -> Result<u64, Answer> {
    match pairs.iter().find(|(k, _)| k == key) {
        None => Ok(default),
        Some((_, v)) => v.parse().map_err(|_| {
            fail(
                400,
                &format!(
                    "Validation error: Invalid input: expected number, received NaN at \"{key}\""
                ),
            )
        }),
    }
}

/// The JSON body with only `allowed` keys, strings except `booleans`.
fn body(
    headers: &[(String, String)],
    text: &str,
    allowed: &[&str],
    booleans: &[&str],
) -> Result<Map<String, Json>, Answer> {
    let json_type = headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("application/json"));
    if !json_type {
        return Err(fail(
            400,
            "Validation error: Invalid input: expected object, received undefined",
        ));
    }
    let v: Json =
        serde_json::from_str(text).map_err(|_| fail(400, "Unexpected end of JSON input"))?;
    let Json::Object(map) = v else {
        return Err(fail(
            400,
            &format!(
                "Validation error: Invalid input: expected object, received {}",
                kind(&v)
            ),
        ));
    };
    let unknown: Vec<String> = map
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(fail(400, &unrecognized(&unknown)));
    }
    for (k, v) in &map {
        let want = if booleans.contains(&k.as_str()) {
            "boolean"
        } else {
            "string"
        };
        if kind(v) != want {
            return Err(fail(
                400,
                &format!(
                    "Validation error: Invalid input: expected {want}, received {} at \"{k}\"",
                    kind(v)
                ),
            ));
        }
    }
    Ok(map)
}

/// Answers one request.
pub fn handle(
    s: &mut State,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    text: &str,
) -> Answer {
    let (path, q) = url.split_once('?').unwrap_or((url, ""));
    if method == "GET" && (path == "/v1/" || path == "/v1") {
        return Answer {
            status: 200,
            body: json!({"message": "Healthy"}).to_string(),
            html: false,
        };
    }
    let Some(rest) = path.strip_prefix("/v1/") else {
        return cannot(method, path);
    };
    let auth = headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.as_str());
    let Some(token) = auth.and_then(|a| a.strip_prefix("Bearer ")) else {
        return fail(401, "API key required");
    };
    let key = match s.keys.iter().find(|k| k.token == token) {
        Some(k) => k.clone(),
        None if !token.contains('.')
            && s.keys
                .iter()
                .any(|k| k.token.split('.').next() == Some(token)) =>
        {
            return fail(500, "An error occurred checking API key");
        }
        None => return fail(401, "Invalid API key"),
    };
    let seg: Vec<&str> = rest.split('/').collect();
    let (action, root): (&str, bool) = match (method, seg.as_slice()) {
        ("GET", ["idp"]) => ("", false),
        ("GET", ["idp", _]) => ("getIdp", true),
        ("POST", ["idp", _, "oidc"]) => ("updateIdp", true),
        ("GET", ["idp", _, "org"]) => ("listIdpOrgs", true),
        ("PUT", ["idp", _, "org", _]) => ("createIdpOrg", true),
        ("POST", ["idp", _, "org", _]) => ("updateIdpOrg", true),
        ("DELETE", ["idp", _, "org", _]) => ("deleteIdpOrg", true),
        ("GET", ["orgs"]) => ("listOrgs", true),
        ("GET", ["org", _, "roles"]) => ("listRoles", false),
        ("GET", ["org", _]) => ("getOrg", false),
        _ => return cannot(method, path),
    };
    if root && !key.root {
        return fail(403, "Key does not have root access");
    }
    if let (["org", org, ..], Some(own)) = (seg.as_slice(), &key.org) {
        if org != own {
            return fail(403, "Key does not have access to this organization");
        }
    }
    if !action.is_empty() && key.actions.as_ref().is_some_and(|a| !a.contains(action)) {
        return fail(403, "Key does not have permission perform this action");
    }
    let idp_id = |s: &str| -> Result<u64, Answer> {
        s.parse().map_err(|_| {
            fail(
                400,
                "Validation error: Invalid input: expected number, received NaN at \"idpId\"",
            )
        })
    };
    let result = match (method, seg.as_slice()) {
        ("GET", ["idp"]) => list_idps(s, q),
        ("GET", ["idp", id]) => idp_id(id).map(|id| get_idp(s, id)),
        ("GET", ["idp", id, "org"]) => idp_id(id).and_then(|id| list_policies(s, id, q)),
        ("GET", ["orgs"]) => list_orgs(s, q),
        ("GET", ["org", org, "roles"]) => list_roles(s, org, q),
        ("GET", ["org", org]) => Ok(get_org(s, org)),
        (_, ["idp", id, ..]) => {
            idp_id(id).and_then(|id| write(s, method, id, seg.get(3).copied(), headers, text))
        }
        _ => Ok(cannot(method, path)),
    };
    result.unwrap_or_else(|a| a)
}

fn write(
    s: &mut State,
    method: &str,
    idp: u64,
    org: Option<&str>,
    headers: &[(String, String)],
    text: &str,
) -> Result<Answer, Answer> {
    let map = match (method, org) {
        ("DELETE", _) => Map::new(),
        (_, Some(_)) => body(headers, text, &["roleMapping", "orgMapping"], &[])?,
        (_, None) => body(
            headers,
            text,
            &[
                "name",
                "clientId",
                "clientSecret",
                "authUrl",
                "tokenUrl",
                "identifierPath",
                "emailPath",
                "namePath",
                "scopes",
                "autoProvision",
                "tags",
                "variant",
                "defaultRoleMapping",
                "defaultOrgMapping",
            ],
            &["autoProvision"],
        )?,
    };
    let n = s.writes;
    s.writes += 1;
    if s.fail_write == Some(n) {
        return Err(fail(500, "An error occurred"));
    }
    let Some(org) = org else {
        return Ok(update_idp(s, idp, map));
    };
    let org = org.to_string();
    let at = s
        .policies
        .iter()
        .position(|p| p["idpId"] == idp && p["orgId"] == org.as_str());
    Ok(match method {
        "PUT" | "POST" if s.idp(idp).is_none() => fail(400, "An IDP with this ID does not exist."),
        "PUT" if at.is_some() => fail(400, "An IDP org policy already exists."),
        "PUT" if !s.orgs.iter().any(|o| o["orgId"] == org.as_str()) => {
            fail(500, "An error occurred")
        }
        "PUT" => {
            s.policies.push(json!({
                "idpId": idp, "orgId": org,
                "roleMapping": map.get("roleMapping").cloned().unwrap_or(Json::Null),
                "orgMapping": map.get("orgMapping").cloned().unwrap_or(Json::Null),
            }));
            ok(201, "Idp created successfully", json!({}))
        }
        "POST" => match at {
            None => fail(400, "A policy for this IDP and org does not exist."),
            Some(i) => {
                for (k, v) in map {
                    s.policies[i][k] = v;
                }
                ok(200, "Policy updated successfully", json!({}))
            }
        },
        _ => {
            // Pangolin 1.22.0 checks that a policy exists for the org
            // under ANY IdP, then deletes the one of this IdP.
            let any = s.policies.iter().any(|p| p["orgId"] == org.as_str());
            if s.idp(idp).is_none() || !any {
                fail(500, "An error occurred")
            } else {
                if !s.broken_delete {
                    s.policies
                        .retain(|p| !(p["idpId"] == idp && p["orgId"] == org.as_str()));
                }
                ok(200, "Policy deleted successfully", Json::Null)
            }
        }
    })
}

fn update_idp(s: &mut State, idp: u64, map: Map<String, Json>) -> Answer {
    let Some(i) = s.idp(idp) else {
        return fail(404, "IdP not found");
    };
    for (k, v) in map {
        let table = if [
            "name",
            "defaultRoleMapping",
            "defaultOrgMapping",
            "autoProvision",
            "tags",
        ]
        .contains(&k.as_str())
        {
            "idp"
        } else {
            "idpOidcConfig"
        };
        s.idps[i][table][k] = v;
    }
    ok(200, "IdP updated successfully", json!({"idpId": idp}))
}

fn slice(items: Vec<Json>, offset: u64, limit: u64) -> Vec<Json> {
    items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect()
}

fn list_idps(s: &State, q: &str) -> Result<Answer, Answer> {
    let pairs = query(q, &["limit", "offset"])?;
    let (limit, offset) = (number(&pairs, "limit", 1000)?, number(&pairs, "offset", 0)?);
    let rows: Vec<Json> = s
        .idps
        .iter()
        .map(|i| {
            let id = &i["idp"]["idpId"];
            let count = s.policies.iter().filter(|p| p["idpId"] == *id).count();
            json!({"idpId": id, "name": i["idp"]["name"], "type": i["idp"]["type"], "variant": i["idpOidcConfig"]["variant"], "orgCount": count, "autoProvision": i["idp"]["autoProvision"], "tags": i["idp"]["tags"]})
        })
        .collect();
    let total = rows.len();
    Ok(ok(
        200,
        "Idps retrieved successfully",
        json!({"idps": slice(rows, offset, limit), "pagination": {"total": total, "limit": limit, "offset": offset}}),
    ))
}

fn get_idp(s: &State, id: u64) -> Answer {
    match s.idp(id) {
        Some(i) => ok(200, "Idp retrieved successfully", s.idps[i].clone()),
        None => fail(404, "Idp not found"),
    }
}

fn list_policies(s: &State, id: u64, q: &str) -> Result<Answer, Answer> {
    let pairs = query(q, &["limit", "offset"])?;
    let (limit, offset) = (number(&pairs, "limit", 1000)?, number(&pairs, "offset", 0)?);
    let rows: Vec<Json> = s
        .policies
        .iter()
        .filter(|p| p["idpId"] == id)
        .cloned()
        .collect();
    let total = rows.len();
    Ok(ok(
        200,
        "Policies retrieved successfully",
        json!({"policies": slice(rows, offset, limit), "pagination": {"total": total, "limit": limit, "offset": offset}}),
    ))
}

fn list_orgs(s: &State, q: &str) -> Result<Answer, Answer> {
    let pairs = query(q, &["limit", "offset"])?;
    let (limit, offset) = (number(&pairs, "limit", 1000)?, number(&pairs, "offset", 0)?);
    if limit == 0 {
        return Err(fail(
            400,
            "Validation error: Too small: expected number to be >0 at \"limit\"",
        ));
    }
    let total = s.orgs.len();
    Ok(ok(
        200,
        "Organizations retrieved successfully",
        json!({"orgs": slice(s.orgs.clone(), offset, limit), "pagination": {"total": total, "limit": limit, "offset": offset}}),
    ))
}

fn list_roles(s: &State, org: &str, q: &str) -> Result<Answer, Answer> {
    let pairs = query(q, &["pageSize", "page"])?;
    // Pangolin falls back to the defaults for a value that is not a number.
    let size = number(&pairs, "pageSize", 20).unwrap_or(20);
    let page = number(&pairs, "page", 1).unwrap_or(1).max(1);
    let mut rows: Vec<Json> = s
        .roles
        .iter()
        .filter(|r| r["orgId"] == org)
        .cloned()
        .collect();
    rows.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let total = rows.len();
    Ok(ok(
        200,
        "Roles retrieved successfully",
        json!({"roles": slice(rows, (page - 1) * size, size), "pagination": {"total": total, "page": page, "pageSize": size}}),
    ))
}

fn get_org(s: &State, org: &str) -> Answer {
    match s.orgs.iter().find(|o| o["orgId"] == org) {
        Some(o) => ok(
            200,
            "Organization retrieved successfully",
            json!({"org": o}),
        ),
        None => fail(404, &format!("Organization with ID {org} not found")),
    }
}

/// An HTTPS front of a fake: a certificate for `127.0.0.1` and
/// `localhost` made for the test (its PEM is the CA a client must trust),
/// and a thread answering each connection's one request with [`handle`].
pub struct TlsFront {
    pub url: String,
    pub ca_pem: String,
}

impl Fake {
    /// Serves this fake's state over HTTPS too.
    pub fn tls_front(&self) -> TlsFront {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let certified = rcgen::generate_simple_self_signed(vec![
            "127.0.0.1".to_string(),
            "localhost".to_string(),
        ])
        .expect("a test certificate");
        let key =
            rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![certified.cert.der().clone()], key)
            .expect("a TLS server config");
        let config = Arc::new(config);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::clone(&self.state);
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                    continue;
                };
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let _ = serve_one(&mut tls, &state);
            }
        });
        TlsFront {
            url: format!("https://127.0.0.1:{port}"),
            ca_pem: certified.cert.pem(),
        }
    }
}

/// Reads one HTTP/1.1 request from `stream`, answers it, closes.
fn serve_one(
    stream: &mut (impl std::io::Read + std::io::Write),
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (method, url) = (
        first.next().unwrap_or_default(),
        first.next().unwrap_or_default(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    let answer = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.log.push(format!("{method} {url}"));
        handle(
            &mut s,
            method,
            url,
            &headers,
            &String::from_utf8_lossy(&body),
        )
    };
    let ctype = if answer.html {
        "text/html; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    write!(
        stream,
        "HTTP/1.1 {} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        answer.status,
        answer.body.len(),
        answer.body
    )?;
    stream.flush()
}
