//! The lines Pangolin 1.22.0's server log has about a login's mappings, as
//! `validateOidcCallback` writes them (at `debug` level, with winston's
//! `[level] message {meta as JSON}` form): `User identifier`, `User email`,
//! `User name`, per org `Hydrated Org Mapping`, `Extraced Org ID` [sic],
//! `Role Mapping`, `Role mapping returned no valid roles`, `No mapped roles
//! found in organization`, and an error as its message and the first line of
//! its stack. An administrator holds them against their server's log.
//!
//! Left out, because a simulation cannot know them: the request line, the
//! token's claims with `iss`, `aud`, `iat` and `exp`, `User org info` (it
//! lists database role ids) and the redirect URL.

use serde_json::{json, Value as Json};

use crate::outcome::{Decision, ExprFailure, OrgTrace, Outcome, TraceValue, MSG_MULTIPLE_ORGS};

/// A log line: `[level] message` and the metadata as compact JSON, numbers
/// written as JavaScript writes them.
fn line(level: &str, message: &str, meta: &Json) -> String {
    format!(
        "[{level}] {message} {}",
        rolemap_js::json_text(meta, true, false)
    )
}

/// `{"key": value}`, without the key when the value is JavaScript's
/// `undefined` (`JSON.stringify` leaves it out).
fn meta(key: &str, value: Option<Json>) -> Json {
    let mut map = serde_json::Map::new();
    if let Some(v) = value {
        map.insert(key.to_string(), v);
    }
    Json::Object(map)
}

/// The JavaScript error class of a jmespath.js (or Node) error message, as
/// the first line of its stack names it.
fn error_name(message: &str) -> (&'static str, &str) {
    if let Some(rest) = message.strip_prefix("SyntaxError: ") {
        return ("SyntaxError", rest);
    }
    let name = if message.starts_with("Unknown character:") {
        "LexerError"
    } else if message.starts_with("Syntax error, unexpected token:") {
        // jmespath.js 0.16.0 spells this one's name so.
        "Parsererror"
    } else if message.starts_with("Unexpected token type:")
        || message.starts_with("Expected ")
        || message.starts_with("Invalid token (")
        || message.starts_with("Sytanx error, unexpected token:")
    {
        "ParserError"
    } else if message.starts_with("Invalid slice, step cannot be 0") {
        "RuntimeError"
    } else if message.ends_with(" is not a function") || message.starts_with("Cannot read ") {
        "TypeError"
    } else {
        "Error"
    };
    (name, message)
}

/// The two lines `logger.error(error)` writes for a thrown error.
fn error_lines(failure: &ExprFailure, out: &mut Vec<String>) {
    let Some(js) = failure.js_message.as_deref() else {
        return;
    };
    // The simulator's own TypeErrors (`x.toLowerCase is not a function`)
    // carry their class in the text.
    let js = js
        .strip_prefix("TypeError: ")
        .filter(|m| m.ends_with(" is not a function"))
        .unwrap_or(js);
    let (name, message) = error_name(js);
    out.push(format!("[error] {message}"));
    out.push(format!("Stack: {name}: {message}"));
}

/// A result as `JSON.stringify` writes it in the metadata: `None` (the key
/// left out) for a function or `undefined`.
fn value_json(v: Option<TraceValue<'_>>, kind: Option<&str>) -> Option<Json> {
    match kind {
        Some("function" | "undefined") => None,
        _ => v.map(|v| v.to_json()),
    }
}

/// The lines of one org (step 4 of the flow). Returns false when the login
/// stopped there.
fn org_lines(t: &OrgTrace<'_>, stored_role_mapping: Option<&str>, out: &mut Vec<String>) -> bool {
    if matches!(t.decision, Decision::NotLinked | Decision::NotOnPlan) {
        return true;
    }
    if let Some(text) = t.org_mapping {
        out.push(line(
            "debug",
            "Hydrated Org Mapping",
            &json!({ "hydratedOrgMapping": text }),
        ));
        match (t.error, t.org_matched) {
            (Some(e), None) => {
                error_lines(e, out);
                return false;
            }
            _ => out.push(line(
                "debug",
                "Extraced Org ID",
                &meta("orgId", value_json(t.org_mapping_value, t.org_mapping_type)),
            )),
        }
        if t.org_matched == Some(false) {
            return true;
        }
    }
    let Some(stored) = stored_role_mapping else {
        return true;
    };
    out.push(line(
        "debug",
        "Role Mapping",
        &json!({ "roleMapping": stored }),
    ));
    match t.decision {
        Decision::Error => {
            if let Some(e) = t.error {
                error_lines(e, out);
            }
            return false;
        }
        Decision::NoValidRoles => out.push(line(
            "error",
            "Role mapping returned no valid roles",
            &meta(
                "roleMappingResult",
                value_json(t.role_mapping_value, t.role_mapping_type),
            ),
        )),
        Decision::NoRolesInOrg => out.push(line(
            "error",
            "No mapped roles found in organization",
            &json!({ "orgId": t.org, "roleNames": t.missing }),
        )),
        _ => {}
    }
    true
}

impl Outcome {
    /// The lines Pangolin 1.22.0's server log would have about this
    /// login's mappings, in order (see the module's documentation).
    pub fn server_log(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(identifier) = &self.identifier else {
            if let Some(e) = &self.error {
                error_lines(e, &mut out);
            }
            return out;
        };
        out.push(line(
            "debug",
            "User identifier",
            &json!({ "userIdentifier": identifier }),
        ));
        out.push(line(
            "debug",
            "User email",
            &meta("email", self.logged.email.clone()),
        ));
        out.push(line(
            "debug",
            "User name",
            &meta("name", self.logged.name.clone()),
        ));
        if let Some(e) = self.error.as_deref().filter(|e| e.step == "email_path") {
            error_lines(e, &mut out);
            return out;
        }
        if self.message == MSG_MULTIPLE_ORGS {
            out.push("[error] More than one organization linked to this IdP. This should not happen with auto-provisioning enabled.".into());
        }
        if let Some(e) = self.error.as_deref().filter(|e| e.step == "orgs") {
            error_lines(e, &mut out);
            return out;
        }
        if self.logged.no_existing_orgs {
            out.push("[debug] No existing user orgs found for non-auto-provisioned IdP".into());
        }
        for (i, t) in self.trace.iter().enumerate() {
            let stored = self
                .trace
                .info(i)
                .and_then(|info| info.role_mapping_stored.as_deref());
            if !org_lines(&t, stored, &mut out) {
                return out;
            }
        }
        if let Some(e) = self.error.as_deref().filter(|e| e.step == "name_path") {
            error_lines(e, &mut out);
        }
        out
    }
}
