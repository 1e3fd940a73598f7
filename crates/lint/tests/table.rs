//! (expression, options) -> the rule codes found, in order.

use rolemap_lint::{lint, Edition, ExprRole, LintOptions, Target};
use serde_json::{json, Value};

fn pocket() -> Value {
    json!({"sub": "u1", "email": "alice@example.com", "preferred_username": "alice",
           "groups": ["admin", "media"]})
}

struct Opt(LintOptions);

impl Opt {
    fn new() -> Opt {
        Opt(LintOptions {
            edition: Edition::Enterprise,
            ..LintOptions::default()
        })
    }
    fn claims(mut self, c: Vec<Value>) -> Opt {
        self.0.claims = c;
        self
    }
    fn pocket(self) -> Opt {
        self.claims(vec![pocket()])
    }
    fn role(mut self, r: ExprRole) -> Opt {
        self.0.role = r;
        self
    }
    fn roles(mut self, r: &[&str]) -> Opt {
        self.0.roles = Some(r.iter().map(|s| s.to_string()).collect());
        self
    }
    fn oss(mut self) -> Opt {
        self.0.edition = Edition::Oss;
        self
    }
    /// Grafana's `role_attribute_path` (or a groups path with `list`).
    fn grafana(mut self) -> Opt {
        self.0.target = Target::Grafana;
        self
    }
    fn list(mut self) -> Opt {
        self.0.grafana.list = true;
        self.0.role = ExprRole::Path;
        self
    }
    fn strict(mut self) -> Opt {
        self.0.grafana.role_attribute_strict = true;
        self
    }
    fn admin_allowed(mut self) -> Opt {
        self.0.grafana.allow_assign_grafana_admin = true;
        self
    }
    fn skip_sync(mut self) -> Opt {
        self.0.grafana.skip_org_role_sync = true;
        self
    }
    fn org(mut self, id: &str) -> Opt {
        self.0.role = ExprRole::OrgMapping;
        self.0.org_id = Some(id.to_string());
        self
    }
}

#[test]
fn table() {
    use ExprRole::*;
    let cases: Vec<(&str, Opt, &[&str])> = vec![
        // Clean expressions.
        ("contains(groups, 'admin') && 'Admin' || 'Member'", Opt::new().pocket(), &[]),
        ("contains(groups || `[]`, 'admin') && 'Admin' || 'Member'", Opt::new(), &[]),
        ("contains(groups, 'admin') && ['Admin'] || []", Opt::new().pocket(), &[]),
        ("'Member'", Opt::new().roles(&["Admin", "Member"]), &[]),
        ("[contains(groups, 'admin') && ['Admin'] || [], contains(groups, 'media') && ['Member'] || []][]", Opt::new().pocket(), &[]),
        ("email", Opt::new().pocket().role(Path), &[]),
        ("contains(groups, '{{orgId}}')", Opt::new().pocket().org("admin"), &[]),
        ("ends_with(email, '@example.com')", Opt::new().pocket().org("acme"), &[]),
        ("'acme'", Opt::new().org("acme"), &[]),
        ("", Opt::new().role(OrgMapping), &[]),
        ("\"cognito:groups\"[0] || 'Member'", Opt::new(), &[]),
        ("resource_access.\"pangolin-app\".roles[0] || 'Member'", Opt::new(), &[]),
        // Blank role names, samples that fail when run.
        ("contains(groups, 'admin') && ' ' || ''", Opt::new().pocket(), &["RM024"]),
        ("contains(groups || `[]`, 'admin') && ' ' || `null`", Opt::new(), &["RM021", "RM024"]),
        ("`[\"\\ufeff\", \"\"]`", Opt::new(), &["RM024"]),
        ("contains(groups[::0], 'admin') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM004"]),
        // Syntax, functions.
        ("contains(groups, 'admin') &&", Opt::new(), &["RM001"]),
        ("nope(groups) || 'Member'", Opt::new(), &["RM002"]),
        ("lenght(groups) > `1` && 'Admin' || 'Member'", Opt::new(), &["RM002"]),
        ("contains(groups) && 'Admin' || 'Member'", Opt::new().pocket(), &["RM003"]),
        // Double quotes.
        ("contains(groups, \"admin\") && 'Admin' || 'Member'", Opt::new().pocket(), &["RM010"]),
        ("'x' == \"admin\" && 'Admin' || 'Member'", Opt::new(), &["RM010"]),
        ("\"Admin\"", Opt::new(), &["RM010"]),
        ("contains(groups, 'admin') && \"Admin\" || 'Member'", Opt::new().pocket(), &["RM010"]),
        ("\"email\"", Opt::new().pocket().role(Path), &[]),
        // Claims.
        ("contains(grops || `[]`, 'admin') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM011"]),
        ("contains(groups, 'admin') && 'Admin' || 'Member'", Opt::new(), &["RM012"]),
        ("contains(groups, 'admin') && 'Admin' || 'Member'", Opt::new().claims(vec![pocket(), json!({"sub": "x"})]), &["RM012"]),
        ("starts_with(preferred_username, 'adm') && 'Admin' || 'Member'", Opt::new().claims(vec![json!({"sub": "x"})]), &["RM011", "RM012", "RM054"]),
        // An index within every sample's array is not missing; one past some is.
        ("starts_with(groups[0], 'adm') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM054"]),
        ("starts_with(groups[-2], 'adm') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM054"]),
        ("starts_with(groups[2], 'adm') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM054", "RM012"]),
        ("starts_with(groups[1], 'adm') && 'Admin' || 'Member'", Opt::new().claims(vec![pocket(), json!({"groups": ["a"]})]), &["RM054", "RM012"]),
        ("contains(email_verified, 'x') && 'Admin' || 'Member'", Opt::new().claims(vec![json!({"email_verified": true})]), &["RM013"]),
        ("contains(role, 'admin') && 'Admin' || 'Member'", Opt::new().claims(vec![json!({"role": "superadmins"})]), &["RM014"]),
        ("contains('superadmins', 'admin') && 'Admin' || 'Member'", Opt::new(), &["RM014"]),
        // Unquoted keys.
        ("resource_access.my-app.roles[0] || 'Member'", Opt::new(), &["RM015"]),
        ("contains(cognito:groups || `[]`, 'admin') && 'Admin' || 'Member'", Opt::new(), &["RM015"]),
        ("\"urn:zitadel:iam:org:project:roles\".admin && 'Admin' || 'Member'", Opt::new(), &[]),
        ("keys(urn:zitadel:iam:org:project:roles || `{}`)[0] || 'Member'", Opt::new(), &["RM015"]),
        ("x.2fa && 'Admin' || 'Member'", Opt::new(), &["RM015"]),
        // Role mapping results.
        ("contains(groups, 'admin') && 'Admin'", Opt::new().pocket(), &["RM020"]),
        ("contains(groups, 'admin')", Opt::new().pocket(), &["RM021"]),
        ("length(groups)", Opt::new().pocket(), &["RM021"]),
        ("[`1`, 'Admin']", Opt::new(), &["RM021"]),
        ("groups", Opt::new().pocket(), &[]),
        ("contains(groups, 'admin') && 'admin' || 'Member'", Opt::new().pocket().roles(&["Admin", "Member"]), &["RM022"]),
        ("contains(groups, 'admin') && 'Owner' || 'Member'", Opt::new().pocket().roles(&["Admin", "Member"]), &["RM022"]),
        ("['Admin', 'Member']", Opt::new().oss(), &["RM023"]),
        ("['Admin', 'Member']", Opt::new(), &[]),
        ("['Admin']", Opt::new().oss(), &[]),
        ("groups", Opt::new().pocket().oss(), &["RM023"]),
        // {{orgId}}.
        ("contains(groups, '{{orgId}}') && 'Admin' || 'Member'", Opt::new().pocket(), &["RM030"]),
        ("contains(groups, {{orgId}}) && 'Admin' || 'Member'", Opt::new().pocket(), &["RM030"]),
        ("contains(groups, {{orgId}})", Opt::new().pocket().org("admin"), &["RM031"]),
        ("contains(groups, \"{{orgId}}\")", Opt::new().pocket().org("admin"), &["RM031"]),
        ("'{{orgId}}'", Opt::new().role(OrgMapping), &["RM032"]),
        ("groups[?@ == 'admin']", Opt::new().pocket().org("admin"), &["RM033"]),
        ("contains(groups, 'admin') && 'yes'", Opt::new().pocket().org("acme"), &["RM033"]),
        ("'home_lab'", Opt::new().org("home-lab"), &["RM034"]),
        // Paths.
        ("groups", Opt::new().pocket().role(Path), &["RM040"]),
        ("nickname", Opt::new().pocket().role(Path), &["RM011", "RM040"]),
        ("email_verified", Opt::new().claims(vec![json!({"email_verified": true})]).role(Path), &["RM040"]),
        // Dialect differences.
        ("level > '5' && 'Admin' || 'Member'", Opt::new().claims(vec![json!({"level": "10"})]), &["RM050"]),
        ("'b' > 'a' && 'Admin' || 'Member'", Opt::new(), &["RM050"]),
        ("exp > `1700000000` && 'Admin' || 'Member'", Opt::new(), &[]),
        ("`Admin`", Opt::new(), &["RM051"]),
        ("contains(groups || `[]`, 'o\\'brien\\'s') && 'Admin' || 'Member'", Opt::new(), &["RM052"]),
        ("contains(groups || `[]`, 'o\\'brien') && 'Admin' || 'Member'", Opt::new(), &[]),
        ("['Admin' 'Member']", Opt::new(), &["RM053"]),
        ("contains(groups || `[]`, 'admin',) && 'Admin' || 'Member'", Opt::new(), &["RM053"]),
        ("starts_with(email, 'ab') && 'Admin' || 'Member'", Opt::new().claims(vec![json!({"email": "abab"})]), &["RM054"]),
        ("constructor && 'Admin' || 'Member'", Opt::new(), &["RM055"]),
        ("sort(levels)[0]", Opt::new().claims(vec![json!({"levels": [10, 9, 1]})]).role(Path), &["RM040", "RM056"]),
        ("'Admin'\r\n", Opt::new(), &["RM057"]),
        // Grafana (role_attribute_path unless said).
        ("contains(groups[*], 'admin') && 'Admin'", Opt::new().grafana(), &[]),
        ("'Admin'", Opt::new().grafana(), &[]),
        ("", Opt::new().grafana().skip_sync(), &[]),
        ("contains(groups[*], 'admin') && 'Admin' || 'Viewer'", Opt::new().grafana(), &["RM070"]),
        ("contains(groups || `[]`, 'admin') && 'Admin' || 'Viewer'", Opt::new().grafana(), &["RM070"]),
        ("role || 'Viewer'", Opt::new().grafana(), &["RM070"]),
        ("contains(groups[*], 'admin') && 'Admin' || 'Denied'", Opt::new().grafana(), &["RM071"]),
        ("contains(groups[*], 'admin') && 'super-admin'", Opt::new().grafana(), &["RM071"]),
        ("contains(groups[*], 'admin') && 'admin '", Opt::new().grafana(), &["RM071"]),
        ("contains(groups[*], 'admin') && 'ADMIN' || contains(groups[*], 'ed') && 'editor'", Opt::new().grafana(), &[]),
        ("contains(groups[*], 'root') && 'GrafanaAdmin'", Opt::new().grafana(), &["RM072"]),
        ("contains(groups[*], 'root') && 'grafanaadmin'", Opt::new().grafana().admin_allowed(), &[]),
        ("contains(resource_access.my-client.roles[*], 'admin') && 'Admin'", Opt::new().grafana(), &["RM073"]),
        ("contains(resource_access.\"my-client\".roles[*], 'admin') && 'Admin'", Opt::new().grafana(), &[]),
        ("level - offset > `3` && 'Admin'", Opt::new().grafana(), &[]),
        ("contains(custom:groups, 'admin') && 'Admin'", Opt::new().grafana(), &["RM073"]),
        ("contains(https://example.com/roles, 'admin') && 'Admin'", Opt::new().grafana(), &["RM073"]),
        ("contains(\"https://example.com/roles\", 'admin') && 'Admin'", Opt::new().grafana(), &[]),
        ("contains(groups[*], `admin`) && 'Admin'", Opt::new().grafana(), &["RM074"]),
        ("contains(groups[*], `\"admin\"`) && 'Admin'", Opt::new().grafana(), &[]),
        ("contains(groups[*], 'admin') &&", Opt::new().grafana(), &["RM001"]),
        ("groups", Opt::new().grafana().list().claims(vec![json!({"groups": [{"name": "a"}]})]), &["RM075"]),
        ("groups", Opt::new().grafana().list().claims(vec![json!({"groups": "a"})]), &["RM075"]),
        ("groups[*].name", Opt::new().grafana().list().claims(vec![json!({"groups": [{"name": "a"}]})]), &[]),
        ("groups", Opt::new().grafana().list().pocket(), &[]),
        ("contains(groups[*], 'admin') && 'Admin'", Opt::new().grafana().strict(), &["RM076"]),
        ("contains(groups[*], 'admin') && 'Admin' || 'None'", Opt::new().grafana().strict(), &["RM070"]),
        ("admins:1:admin, editors:2:Editor viewers:3", Opt::new().grafana().role(OrgMapping), &["RM077"]),
        ("admins:1:Admin editors:2", Opt::new().grafana().role(OrgMapping), &[]),
        ("contains(groups[*], 'admin') && 'Admin'", Opt::new().grafana().skip_sync(), &["RM078"]),
        ("contains(resource_access.*.roles | [0], 'admin') && 'Admin'", Opt::new().grafana().claims(vec![json!({"resource_access": {"grafana": {"roles": ["admin"]}, "account": {"roles": []}}})]), &["RM079"]),
        ("contains(resource_access.*.roles | [0], 'admin') && 'Admin'", Opt::new().grafana().claims(vec![json!({"resource_access": {"grafana": {"roles": ["admin"]}}})]), &[]),
        ("contains(resource_access.*.roles[], 'admin') && 'Admin'", Opt::new().grafana().claims(vec![json!({"resource_access": {"grafana": {"roles": ["admin"]}, "account": {"roles": []}}})]), &[]),
        // Groups are a set: only a change of items counts.
        ("keys(realm_access)", Opt::new().grafana().list().claims(vec![json!({"realm_access": {"a": 1, "b": 2}})]), &[]),
        ("keys(realm_access)[:1]", Opt::new().grafana().list().claims(vec![json!({"realm_access": {"a": 1, "b": 2}})]), &["RM079"]),
        ("sort(keys(realm_access))[:1]", Opt::new().grafana().list().claims(vec![json!({"realm_access": {"a": 1, "b": 2}})]), &[]),
    ];
    let mut failures = Vec::new();
    for (src, opt, want) in &cases {
        let got = lint(src, &opt.0);
        let mut codes = got.codes();
        codes.sort_unstable();
        codes.dedup();
        let mut want: Vec<&str> = want.to_vec();
        want.sort_unstable();
        if codes != want {
            failures.push(format!(
                "{src:?} ({:?}): want {want:?}, got {:#?}",
                opt.0.role, got.diagnostics
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
