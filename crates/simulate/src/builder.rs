//! Pangolin's role-mapping builder: the value its UI stores, and how the
//! server unwraps it before evaluation.
//!
//! A stored builder value is four parts, one per line:
//!
//! ```text
//! __PANGOLIN_ROLE_MAP_BUILDER_V1__
//! {"claimPath":"groups","rules":[{"matchValue":"admins","roleNames":["Admin"]}]}
//! ---
//! [contains(groups, 'admins') && ['Admin'] || []][]
//! ```
//!
//! Only the expression after `---` is evaluated. In it, every `'` of a match
//! value or role name is written `\'`; jmespath 0.16.0 unescapes only the
//! first `\'` of a raw string, so a value with two or more apostrophes is
//! misread (the simulator reproduces that, and [`crate::hints`] explains it).

use serde::{Deserialize, Serialize};

/// The first line of a value stored by the mapping builder.
pub const BUILDER_MARKER: &str = "__PANGOLIN_ROLE_MAP_BUILDER_V1__";

/// What separates the builder's JSON from the expression: exactly these
/// bytes (a value with CRLF line endings has no separator).
pub const BUILDER_SEPARATOR: &str = "\n---\n";

/// A role-mapping builder: a claim path and rules of match value -> roles.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleMappingBuilder {
    /// The claim holding the user's groups, as a JMESPath path (`groups`).
    pub claim_path: String,
    /// The rules, in order.
    pub rules: Vec<BuilderRule>,
}

/// One rule of the builder: a user whose claim contains `match` gets `roles`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuilderRule {
    /// The value the claim must contain.
    #[serde(rename = "match")]
    pub match_value: String,
    /// The role names given.
    pub roles: Vec<String>,
}

/// The builder's JSON line, as the UI writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredBuilder {
    claim_path: String,
    rules: Vec<StoredRule>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredRule {
    match_value: String,
    role_names: Vec<String>,
}

/// Quotes `s` as the builder does: a raw string with every `'` as `\'`.
fn raw_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "\\'"))
}

/// JavaScript's `[...new Set(values.map(v => v.trim()).filter(Boolean))]`.
fn dedupe_non_empty(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        let v = crate::js::trim(v);
        if !v.is_empty() && !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

impl RoleMappingBuilder {
    /// The builder as the UI compiles it: the claim path and match values
    /// trimmed, role names trimmed and de-duplicated, rules without a match
    /// value or a role dropped; `None` when nothing is left (the UI then
    /// stores `""`, and the IdP's default role mapping applies).
    fn compiled(&self) -> Option<RoleMappingBuilder> {
        let claim_path = crate::js::trim(&self.claim_path).to_string();
        let rules: Vec<BuilderRule> = self
            .rules
            .iter()
            .map(|r| BuilderRule {
                match_value: crate::js::trim(&r.match_value).to_string(),
                roles: dedupe_non_empty(&r.roles),
            })
            .filter(|r| !r.match_value.is_empty() && !r.roles.is_empty())
            .collect();
        (!claim_path.is_empty() && !rules.is_empty())
            .then_some(RoleMappingBuilder { claim_path, rules })
    }

    /// The JMESPath expression the builder generates:
    /// `[contains(<claimPath>, '<match>') && ['R1', 'R2'] || [], ...][]`
    /// (`""` when the compiled builder is empty).
    pub fn expression(&self) -> String {
        self.compiled()
            .map(|b| b.rules_expression())
            .unwrap_or_default()
    }

    fn rules_expression(&self) -> String {
        let rules: Vec<String> = self
            .rules
            .iter()
            .map(|r| {
                let roles: Vec<String> = r.roles.iter().map(|n| raw_string(n)).collect();
                format!(
                    "contains({}, {}) && [{}] || []",
                    self.claim_path,
                    raw_string(&r.match_value),
                    roles.join(", ")
                )
            })
            .collect();
        format!("[{}][]", rules.join(", "))
    }

    /// The full value the UI stores in the role mapping field (`""` for an
    /// empty builder).
    pub fn stored_value(&self) -> String {
        let Some(b) = self.compiled() else {
            return String::new();
        };
        let stored = StoredBuilder {
            claim_path: b.claim_path.clone(),
            rules: b
                .rules
                .iter()
                .map(|r| StoredRule {
                    match_value: r.match_value.clone(),
                    role_names: r.roles.clone(),
                })
                .collect(),
        };
        // Through `Value`'s `Display`: the one JSON writer the playground's
        // module carries.
        let json = serde_json::to_value(&stored)
            .unwrap_or_default()
            .to_string();
        format!(
            "{BUILDER_MARKER}\n{json}{BUILDER_SEPARATOR}{}",
            b.rules_expression()
        )
    }

    /// Values (match values and role names) holding two or more `'`: the
    /// generated expression is misread by jmespath 0.16.0.
    pub fn misread_values(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rules {
            for v in std::iter::once(&r.match_value).chain(&r.roles) {
                if v.matches('\'').count() >= 2 && !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}

/// A role mapping after Pangolin's unwrap step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unwrapped {
    /// The expression that is evaluated.
    pub expression: String,
    /// The builder the value came from, when it was stored by the builder
    /// and its JSON line could be read.
    pub builder: Option<RoleMappingBuilder>,
    /// Whether the value starts with the builder marker.
    pub from_builder: bool,
    /// Whether the value starts with the marker but has no `---` line (then
    /// the whole trimmed value is evaluated).
    pub malformed: bool,
}

/// Pangolin's unwrap (`unwrapRoleMapping`):
/// - the value is trimmed (JavaScript's `trim`); without the marker, that
///   is the expression;
/// - after the marker, one `\n` is dropped, and the expression is the
///   trimmed text after the first `"\n---\n"` (exactly these five bytes:
///   a CRLF value has none);
/// - with no separator the whole trimmed value is evaluated (it then fails
///   to parse: HTTP 500);
/// - metadata that is not the builder's JSON does not matter, except that
///   an empty expression after the separator falls back to the whole value.
pub fn unwrap_role_mapping(raw: &str) -> Unwrapped {
    let trimmed = crate::js::trim(raw);
    let whole = |malformed: bool| Unwrapped {
        expression: trimmed.to_string(),
        builder: None,
        from_builder: malformed,
        malformed,
    };
    let Some(rest) = trimmed.strip_prefix(BUILDER_MARKER) else {
        return whole(false);
    };
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    let Some(sep) = rest.find(BUILDER_SEPARATOR) else {
        return whole(true);
    };
    let json = crate::js::trim(&rest[..sep]);
    let inner = crate::js::trim(&rest[sep + BUILDER_SEPARATOR.len()..]);
    let builder = StoredBuilder::read(json);
    if builder.is_none() && inner.is_empty() {
        return Unwrapped {
            from_builder: true,
            ..whole(false)
        };
    }
    Unwrapped {
        expression: inner.to_string(),
        builder,
        from_builder: true,
        malformed: false,
    }
}

impl StoredBuilder {
    /// The builder of a stored value's metadata: Pangolin reads it when it
    /// is a JSON object whose `claimPath` is a string and `rules` an array
    /// (a rule's fields that are not of their type read as empty).
    fn read(json: &str) -> Option<RoleMappingBuilder> {
        // Through `from_slice`: the one JSON reader the playground's module
        // carries (`from_str` is a second instantiation of it).
        let meta: serde_json::Value = serde_json::from_slice(json.as_bytes()).ok()?;
        let claim_path = meta.get("claimPath")?.as_str()?.to_string();
        let rules = meta.get("rules")?.as_array()?;
        let rules = rules
            .iter()
            .map(|r| BuilderRule {
                match_value: r
                    .get("matchValue")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                roles: r
                    .get("roleNames")
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        Some(RoleMappingBuilder { claim_path, rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_unwraps() {
        let b = RoleMappingBuilder {
            claim_path: "groups".into(),
            rules: vec![
                BuilderRule {
                    match_value: "admins".into(),
                    roles: vec!["Admin".into(), "Member".into()],
                },
                BuilderRule {
                    match_value: "o'neil".into(),
                    roles: vec!["Member".into()],
                },
            ],
        };
        assert_eq!(
            b.expression(),
            "[contains(groups, 'admins') && ['Admin', 'Member'] || [], contains(groups, 'o\\'neil') && ['Member'] || []][]"
        );
        let u = unwrap_role_mapping(&format!("  {}\n", b.stored_value()));
        assert!(u.from_builder && !u.malformed);
        assert_eq!(u.expression, b.expression());
        assert_eq!(u.builder.as_ref(), Some(&b));
        assert_eq!(unwrap_role_mapping(" 'Admin' ").expression, "'Admin'");
    }
}
