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

/// The line separating the builder's JSON from the expression.
pub const BUILDER_SEPARATOR: &str = "---";

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

impl RoleMappingBuilder {
    /// The JMESPath expression the builder generates:
    /// `[contains(<claimPath>, '<match>') && ['R1', 'R2'] || [], ...][]`.
    pub fn expression(&self) -> String {
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

    /// The full value the UI stores in the role mapping field.
    pub fn stored_value(&self) -> String {
        let stored = StoredBuilder {
            claim_path: self.claim_path.clone(),
            rules: self
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
            "{BUILDER_MARKER}\n{json}\n{BUILDER_SEPARATOR}\n{}",
            self.expression()
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

/// Pangolin's unwrap: trim; if the value starts with the builder marker,
/// keep only the (trimmed) text after the `---` line.
pub fn unwrap_role_mapping(raw: &str) -> Unwrapped {
    let trimmed = crate::js::trim(raw);
    if !trimmed.starts_with(BUILDER_MARKER) {
        return Unwrapped {
            expression: trimmed.to_string(),
            builder: None,
            from_builder: false,
            malformed: false,
        };
    }
    let lines: Vec<&str> = trimmed.split('\n').collect();
    let sep = lines
        .iter()
        .position(|l| crate::js::trim(l) == BUILDER_SEPARATOR);
    match sep {
        Some(i) => {
            let json: String = lines[1..i].join("\n");
            let builder =
                serde_json::from_slice::<StoredBuilder>(crate::js::trim(&json).as_bytes())
                    .ok()
                    .map(|s| RoleMappingBuilder {
                        claim_path: s.claim_path,
                        rules: s
                            .rules
                            .into_iter()
                            .map(|r| BuilderRule {
                                match_value: r.match_value,
                                roles: r.role_names,
                            })
                            .collect(),
                    });
            Unwrapped {
                expression: crate::js::trim(&lines[i + 1..].join("\n")).to_string(),
                builder,
                from_builder: true,
                malformed: false,
            }
        }
        None => Unwrapped {
            expression: trimmed.to_string(),
            builder: None,
            from_builder: true,
            malformed: true,
        },
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
