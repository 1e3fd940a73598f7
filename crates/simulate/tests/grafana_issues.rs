//! The Grafana issues users filed about role mapping, each reproduced with
//! the outcome Grafana gives (11.3+, go-jmespath community v1.1.1).

use std::path::Path;

use rolemap_simulate::grafana::{simulate, GrafanaConfig, GrafanaOutcome, GrafanaSample, Settings};
use serde_json::{json, Value as Json};

fn login(ini: &str, sample: Json) -> GrafanaOutcome {
    let settings = Settings::parse(Path::new("grafana.ini"), ini).expect("settings");
    let cfg = GrafanaConfig::new(settings).expect("config");
    simulate(
        &cfg,
        &GrafanaSample::from_json("s", sample).expect("sample"),
    )
}

fn role_of(path: &str, sample: Json) -> GrafanaOutcome {
    login(
        &format!("[auth.generic_oauth]\napi_url = https://idp/userinfo\ngroups_attribute_path = groups\nrole_attribute_path = {path}\n"),
        sample,
    )
}

/// The error of the first role search.
fn role_error(o: &GrafanaOutcome) -> Option<String> {
    o.trace
        .iter()
        .find(|s| s.field == "role")
        .and_then(|s| s.error.clone())
}

fn codes(o: &GrafanaOutcome) -> Vec<&str> {
    o.hints.iter().map(|h| h.code.as_str()).collect()
}

#[test]
fn issue_106686_groups_only_in_userinfo() {
    let o = role_of(
        "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
        json!({"id_token": {"sub": "1"}, "userinfo": {"email": "a@x", "groups": ["admin"]}}),
    );
    assert_eq!(
        (o.role.as_deref(), o.role_source),
        (Some("Viewer"), Some("id_token"))
    );
    assert!(codes(&o).contains(&"decided-at-first-source"));
}

#[test]
fn issue_25037_contains_on_a_missing_claim_and_roles_as_an_object() {
    let o = role_of(
        "contains(roles, 'Admin') && 'Admin'",
        json!({"email": "a@x"}),
    );
    let err = o
        .trace
        .iter()
        .find_map(|s| s.error.clone())
        .unwrap_or_default();
    assert!(
        err.contains("Invalid type for: <nil>") || err.contains("invalid type for: <nil>"),
        "{err}"
    );
    assert_eq!(o.role_source, Some("default"));
    // An object `{"0": "Admin"}` is not an array: contains() fails on it.
    let o = role_of(
        "contains(roles, 'Admin') && 'Admin'",
        json!({"email": "a@x", "roles": {"0": "Admin"}}),
    );
    assert_eq!(o.role_source, Some("default"));
}

#[test]
fn issue_22986_cognito_groups_quoted_as_a_literal() {
    let claims = json!({"email": "a@x", "cognito:groups": ["admin"]});
    // Single quotes make a string literal: contains() searches its text.
    let o = role_of(
        "contains('cognito:groups', 'admin') && 'Admin' || 'Viewer'",
        claims.clone(),
    );
    assert_eq!(o.role.as_deref(), Some("Viewer"));
    // Unquoted it is a syntax error; double-quoted it is the claim.
    let o = role_of(
        "contains(cognito:groups, 'admin') && 'Admin'",
        claims.clone(),
    );
    assert_eq!(o.role_source, Some("default"));
    let o = role_of("contains(\"cognito:groups\", 'admin') && 'Admin'", claims);
    assert_eq!(o.role.as_deref(), Some("Admin"));
}

#[test]
fn issue_26469_auth0_url_claim_unquoted() {
    let claims = json!({"email": "a@x", "https://example.com/roles": ["admin"]});
    let o = role_of(
        "contains(https://example.com/roles, 'admin') && 'Admin'",
        claims.clone(),
    );
    assert_eq!(o.role_source, Some("default"));
    assert!(role_error(&o).is_some());
    let o = role_of(
        "contains(\"https://example.com/roles\", 'admin') && 'Admin'",
        claims,
    );
    assert_eq!(o.role.as_deref(), Some("Admin"));
}

#[test]
fn issue_33735_a_denied_fallback_is_viewer() {
    let o = role_of(
        "contains(groups, 'admin') && 'Admin' || 'Denied'",
        json!({"email": "a@x", "groups": []}),
    );
    assert_eq!(
        (o.role.as_deref(), o.role_source),
        (Some("Viewer"), Some("default"))
    );
    assert!(codes(&o).contains(&"invalid-role"));
}

#[test]
fn issue_78977_groups_as_objects() {
    let claims = json!({"email": "a@x", "groups": [{"name": "admins", "id": "1"}]});
    let o = login(
        "[auth.generic_oauth]\ngroups_attribute_path = groups\n",
        claims.clone(),
    );
    assert!(o.groups.is_empty());
    assert!(codes(&o).contains(&"groups-not-strings"));
    let o = login(
        "[auth.generic_oauth]\ngroups_attribute_path = groups[*].name\n",
        claims,
    );
    assert_eq!(o.groups, ["admins"]);
}

#[test]
fn issue_20383_backtick_literals_and_an_empty_userinfo() {
    let o = role_of(
        "contains(groups[*], `SRE`) && 'Editor'",
        json!({"id_token": {"email": "a@x", "groups": ["SRE"]}, "userinfo": {}}),
    );
    assert_eq!(o.role_source, Some("default"));
    let o = role_of(
        "contains(groups[*], `\"SRE\"`) && 'Editor'",
        json!({"id_token": {"email": "a@x", "groups": ["SRE"]}, "userinfo": {}}),
    );
    assert_eq!(o.role.as_deref(), Some("Editor"));
}

#[test]
fn issue_36339_strict_mode_fails_the_login() {
    let o = login(
        "[auth.generic_oauth]\nrole_attribute_strict = true\nrole_attribute_path = contains(groups, 'admin') && 'Admin'\n",
        json!({"email": "a@x", "groups": ["dev"]}),
    );
    assert!(!o.ok);
    assert_eq!(
        o.message.as_deref(),
        Some("IdP did not return a role attribute, please contact your administrator")
    );
}

#[test]
fn issue_21667_a_constant_admin_is_ignored() {
    // grafana.ini removes the quotes of `'Admin'`: the path is the claim `Admin`.
    let o = login(
        "[auth.generic_oauth]\nrole_attribute_path = 'Admin'\n",
        json!({"email": "a@x"}),
    );
    assert_eq!(
        (o.role.as_deref(), o.role_source),
        (Some("Viewer"), Some("default"))
    );
    assert!(codes(&o).contains(&"ini-quotes-removed"));
    let o = login(
        "[auth.generic_oauth]\nrole_attribute_path = \"\"\"'Admin'\"\"\"\n",
        json!({"email": "a@x"}),
    );
    assert_eq!(o.role.as_deref(), Some("Admin"));
    // Under skip_org_role_sync no expression is evaluated.
    let o = login(
        "[auth.generic_oauth]\nskip_org_role_sync = true\nrole_attribute_path = \"\"\"'Admin'\"\"\"\n",
        json!({"email": "a@x"}),
    );
    assert_eq!(o.role, None);
    assert!(codes(&o).contains(&"skip-org-role-sync"));
}

#[test]
fn issue_89128_a_mangled_expression_is_a_syntax_error() {
    // What the SSO settings UI saved: `%27` for `'`.
    let o = role_of(
        "contains(groups[*], %27admin%27) && %27Admin%27",
        json!({"email": "a@x", "groups": ["admin"]}),
    );
    assert_eq!(o.role_source, Some("default"));
    assert!(role_error(&o).is_some());
}

#[test]
fn what_is_not_simulated_is_said() {
    let o = login(
        "[auth.generic_oauth]\nenabled = false\nteam_ids = 1,2\nrole_attribute_path = role\n",
        json!({"email": "a@x", "role": "Editor"}),
    );
    assert!(o.ok);
    assert!(codes(&o).contains(&"not-simulated"), "{:?}", o.hints);
    assert!(codes(&o).contains(&"oauth-disabled"), "{:?}", o.hints);
}

#[test]
fn an_unsigned_id_token_is_not_read() {
    let claims = json!({"email": "a@x", "role": "Admin"});
    let unsigned = rolemap_simulate::jwt::encode_unsigned(claims.as_object().expect("object"));
    let o = login(
        "[auth.generic_oauth]\nrole_attribute_path = role\n",
        json!({"id_token": unsigned.clone()}),
    );
    // Grafana's JWT form needs a non-empty signature: no source, no e-mail.
    assert!(!o.ok);
    assert!(codes(&o).contains(&"source-unreadable"), "{:?}", o.hints);
    let o = login(
        "[auth.generic_oauth]\nrole_attribute_path = role\n",
        json!({"id_token": format!("{unsigned}c2ln")}),
    );
    assert_eq!((o.ok, o.role.as_deref()), (true, Some("Admin")));
}

/// `resource_access.*.roles | [0]`: the roles of the first client, written
/// with `*` to avoid quoting `my-client`. With one client it works; with
/// two, which comes first is Go's random map order, so the same user is
/// Admin at one login and Viewer at the next. rolemap answers in the
/// token's own order (the order Go takes most often) and says so.
#[test]
fn the_first_of_an_objects_members_is_left_to_chance() {
    let path = "contains(resource_access.*.roles | [0], 'admin') && 'Admin' || 'Viewer'";
    let two = role_of(
        path,
        json!({"email": "a@x", "resource_access": {
            "grafana": {"roles": ["admin"]},
            "account": {"roles": ["view-profile"]}
        }}),
    );
    assert_eq!(two.role.as_deref(), Some("Admin"));
    let hint = two
        .hints
        .iter()
        .find(|h| h.code.as_str() == "map-order")
        .expect("a map-order hint");
    assert!(
        hint.message.contains("\"Admin\"") && hint.message.contains("\"Viewer\""),
        "{}",
        hint.message
    );
    let one = role_of(
        path,
        json!({"email": "a@x", "resource_access": {"grafana": {"roles": ["admin"]}}}),
    );
    assert_eq!(one.role.as_deref(), Some("Admin"));
    assert!(!codes(&one).contains(&"map-order"));
    // Order that does not matter: no hint.
    let any = role_of(
        "contains(resource_access.*.roles[], 'admin') && 'Admin' || 'Viewer'",
        json!({"email": "a@x", "resource_access": {
            "grafana": {"roles": ["admin"]},
            "account": {"roles": ["view-profile"]}
        }}),
    );
    assert_eq!(any.role.as_deref(), Some("Admin"));
    assert!(!codes(&any).contains(&"map-order"));
}
