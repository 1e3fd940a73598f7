//! Grafana's generic OAuth login (`UserInfo` of the generic connector, then
//! the org role mapping and the group and domain checks), step by step.
//!
//! What holds (see the module docs of [`super`] for the sources):
//! - sources are read in order (ID token, userinfo when `api_url` is set,
//!   the access token when it is a JWT); a source whose typed claims
//!   (`name`, `email`, `login`, ...) are not strings is dropped whole, as
//!   Go's JSON decoder fails on it;
//! - per field, the first non-empty value wins;
//! - the role search retries on `{"groups": []}` when it errs or gives no
//!   string, and an invalid role moves on to the next source.

use rolemap_engine::Step as ExplainStep;
use serde_json::{json, Map, Value as Json};

use super::config::{GrafanaConfig, Path};
use super::outcome::{
    GrafanaOutcome, OrgRole, Step, MSG_DOMAIN, MSG_GROUPS, MSG_NO_EMAIL, MSG_STRICT,
};
use super::sources::{GrafanaSample, Source};
use crate::data::{Hint, HintCode};

/// The valid roles, lowest first.
pub const ROLES: [&str; 4] = ["None", "Viewer", "Editor", "Admin"];

/// The rank of a valid role.
fn rank(role: &str) -> usize {
    ROLES.iter().position(|r| *r == role).unwrap_or(0)
}

/// `cases.Title`: each word's first letter upper-cased, the rest lower-cased
/// (a word: letters, digits, `_` and `'`).
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        let word = c.is_alphanumeric() || c == '_' || c == '\'';
        if word && !in_word {
            out.extend(c.to_uppercase());
        } else if word {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        in_word = word;
    }
    out
}

/// The typed claims Go decodes (`UserInfoJson`).
#[derive(Default)]
struct Typed {
    name: String,
    display_name: String,
    login: String,
    username: String,
    email: String,
    upn: String,
    attributes: Map<String, Json>,
}

/// Decodes `claims` as Go's `json.Unmarshal` into `UserInfoJson` does: keys
/// match case-insensitively (the last one wins), null leaves a field empty,
/// any other type than the field's is an error.
fn decode(claims: &Json) -> Result<Typed, String> {
    let mut t = Typed::default();
    let Some(map) = claims.as_object() else {
        return Err("not an object".into());
    };
    for (k, v) in map {
        let field = match k.to_ascii_lowercase().as_str() {
            "sub" => None,
            "name" => Some(&mut t.name),
            "display_name" => Some(&mut t.display_name),
            "login" => Some(&mut t.login),
            "username" => Some(&mut t.username),
            "email" => Some(&mut t.email),
            "upn" => Some(&mut t.upn),
            "attributes" => {
                match v {
                    Json::Null => {}
                    Json::Object(a)
                        if a.values().all(|x| {
                            x.is_null()
                                || x.as_array()
                                    .is_some_and(|i| i.iter().all(|s| s.is_string() || s.is_null()))
                        }) =>
                    {
                        t.attributes = a.clone()
                    }
                    _ => return Err(format!("`{k}` is not an object of string arrays")),
                }
                continue;
            }
            _ => continue,
        };
        match (field, v) {
            (_, Json::Null) => {}
            (Some(f), Json::String(s)) => *f = s.clone(),
            (None, Json::String(_)) => {}
            (_, other) => {
                return Err(format!(
                    "`{k}` is {}, not a string",
                    crate::jwt::json_type_phrase(other)
                ))
            }
        }
    }
    Ok(t)
}

/// Whether a JSON value is truthy in JMESPath.
fn truthy(v: &Json) -> bool {
    match v {
        Json::Null | Json::Bool(false) => false,
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// The sub-expression whose value the whole expression gave (through `||`
/// and `&&`).
fn winner(step: &ExplainStep) -> &ExplainStep {
    match (step.node, step.children.as_slice()) {
        ("or", [l, r]) => {
            if l.value.as_ref().is_ok_and(truthy) {
                winner(l)
            } else {
                winner(r)
            }
        }
        ("and", [l, r]) if l.value.as_ref().is_ok_and(truthy) => winner(r),
        _ => step,
    }
}

/// Evaluates `path` on `data`: the value, or the error.
fn search(path: &Path, data: &Json) -> Result<Json, String> {
    let e = path.compiled.as_ref().map_err(Clone::clone)?;
    e.search_json(data).map_err(|e| e.to_string())
}

/// A note naming the branch that gave the value, when it is not the whole.
fn branch(path: &Path, data: &Json) -> String {
    let Ok(e) = &path.compiled else {
        return String::new();
    };
    let explained = e.explain(data);
    match explained.root.as_ref() {
        Some(root) => {
            let w = winner(root);
            if w.text.len() < path.source.len() {
                format!(" (the branch `{}` gave it)", w.text)
            } else {
                String::new()
            }
        }
        None => String::new(),
    }
}

/// A role found at a source.
struct Found {
    role: String,
    admin: bool,
    retry: bool,
}

struct Run<'a> {
    cfg: &'a GrafanaConfig,
    out: GrafanaOutcome,
}

impl Run<'_> {
    fn step(
        &mut self,
        source: &'static str,
        field: &'static str,
        path: Option<&Path>,
        input: Option<&'static str>,
        result: Option<&Result<Json, String>>,
        note: String,
    ) {
        let (value, error) = match result {
            Some(Ok(v)) => (Some(v.clone()), None),
            Some(Err(e)) => (None, Some(e.clone())),
            None => (None, None),
        };
        self.out.trace.push(Step {
            source,
            field,
            expression: path.map(|p| p.source.clone()),
            input,
            value,
            error,
            note,
        });
    }

    fn hint(&mut self, code: HintCode, message: String, fix: String) {
        if !self
            .out
            .hints
            .iter()
            .any(|h| h.code == code && h.message == message)
        {
            self.out.hints.push(Hint { code, message, fix });
        }
    }

    /// [`search`], noting when the answer depends on the order Go takes
    /// an object's members in (`list`: of its items, read as a set).
    fn search(&mut self, path: &Path, data: &Json, list: bool) -> Result<Json, String> {
        let r = search(path, data);
        let other = match (&path.compiled, &r) {
            (Ok(e), Ok(first)) => e.answer_in_another_map_order(data, first, list),
            _ => None,
        };
        if let (Some(other), Ok(first)) = (other, &r) {
            self.hint(
                HintCode::MapOrder,
                format!(
                    "`{}` gives {first} in the claims' own order and {other} in another: Go draws the order of an object's members (`*`, `keys`, `values`, `items`) at every login",
                    path.key
                ),
                "do not pick by position among an object's members: name the one you mean, or sort first (`sort(keys(x))[0]`)".into(),
            );
        }
        r
    }

    fn fail(&mut self, message: &str) {
        self.out.ok = false;
        self.out.message = Some(message.to_string());
    }

    /// A string attribute searched by `path` (empty: none), traced.
    fn string_at(
        &mut self,
        src: Source,
        field: &'static str,
        path: Option<&Path>,
        claims: &Json,
    ) -> String {
        let Some(p) = path else { return String::new() };
        let r = self.search(p, claims, false);
        let s = match &r {
            Ok(Json::String(s)) => s.clone(),
            _ => String::new(),
        };
        let note = match &r {
            Err(_) => "the search fails: Grafana logs it and goes on".to_string(),
            Ok(_) if s.is_empty() => "not a non-empty string: nothing".to_string(),
            Ok(_) => format!("`{field}` is `{s}`"),
        };
        self.step(src.name(), field, Some(p), Some("claims"), Some(&r), note);
        s
    }

    /// The role of one source (`None`: none, go on to the next source).
    fn role_at(&mut self, src: Source, claims: &Json) -> Option<Found> {
        let cfg = self.cfg;
        let Some(p) = cfg.role.as_ref() else {
            if cfg.strict {
                self.step(
                    src.name(),
                    "role",
                    None,
                    None,
                    None,
                    "role_attribute_path is not set while role_attribute_strict is: no role".into(),
                );
            }
            return None;
        };
        let empty_groups = json!({"groups": []});
        for (input, data, retry) in [
            ("claims", claims, false),
            ("{\"groups\": []}", &empty_groups, true),
        ] {
            let r = self.search(p, data, false);
            match &r {
                Ok(Json::String(s)) if !s.is_empty() => {
                    let s = s.clone();
                    let how = branch(p, data);
                    return self.role_value(src, p, input, &r, &s, retry, how);
                }
                Ok(_) => {
                    let note = if retry {
                        "no string on the retry either: no role from this source".to_string()
                    } else {
                        "not a string: Grafana searches again on {\"groups\": []}".to_string()
                    };
                    self.step(src.name(), "role", Some(p), Some(input), Some(&r), note);
                }
                Err(_) => {
                    let note = if retry {
                        "fails on the retry too: no role from this source".to_string()
                    } else {
                        "the search fails (\"Failed to extract role\" is only logged): Grafana searches again on {\"groups\": []}".to_string()
                    };
                    self.step(src.name(), "role", Some(p), Some(input), Some(&r), note);
                }
            }
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn role_value(
        &mut self,
        src: Source,
        p: &Path,
        input: &'static str,
        r: &Result<Json, String>,
        s: &str,
        retry: bool,
        how: String,
    ) -> Option<Found> {
        if s.eq_ignore_ascii_case("GrafanaAdmin") {
            let note = if self.cfg.allow_grafana_admin {
                format!("`{s}`{how}: Admin, and Grafana server admin")
            } else {
                self.hint(HintCode::GrafanaAdminNotAllowed, format!("`{}` gives `{s}`, but allow_assign_grafana_admin is off: the user is Admin, not server admin", p.key), "set allow_assign_grafana_admin = true, or map to 'Admin'".into());
                format!("`{s}`{how}: Admin (server admin needs allow_assign_grafana_admin)")
            };
            self.step(src.name(), "role", Some(p), Some(input), Some(r), note);
            return Some(Found {
                role: "Admin".into(),
                admin: true,
                retry,
            });
        }
        let t = title_case(s);
        if ROLES.contains(&t.as_str()) {
            let cased = if t == s {
                String::new()
            } else {
                format!(", title-cased to `{t}`")
            };
            let via = if retry { " on the retry" } else { "" };
            self.step(
                src.name(),
                "role",
                Some(p),
                Some(input),
                Some(r),
                format!("`{s}`{how}{via}{cased}: the role is {t}"),
            );
            return Some(Found {
                role: t,
                admin: false,
                retry,
            });
        }
        self.step(src.name(), "role", Some(p), Some(input), Some(r), format!("`{s}`{how} is `{t}` title-cased, not a role (None, Viewer, Editor, Admin): Grafana logs \"invalid role\" and tries the next source"));
        self.hint(HintCode::InvalidRole, format!("`{}` gives `{s}`, which is not a Grafana role even title-cased (`{t}`): the login goes on as if there were no role (auto_assign_org_role, or the strict error)", p.key), "return one of 'None', 'Viewer', 'Editor', 'Admin' (or 'GrafanaAdmin')".into());
        None
    }

    /// The string items of an array searched by `path` (groups, orgs).
    fn list_at(
        &mut self,
        src: Source,
        field: &'static str,
        p: &Path,
        claims: &Json,
    ) -> Result<Vec<String>, String> {
        let r = self.search(p, claims, true);
        let (items, note) = match &r {
            Err(e) => {
                let e = e.clone();
                self.step(
                    src.name(),
                    field,
                    Some(p),
                    Some("claims"),
                    Some(&r),
                    "the search fails".into(),
                );
                return Err(e);
            }
            Ok(Json::Array(a)) => {
                let strings: Vec<String> = a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if strings.len() < a.len() {
                    self.hint(
                        HintCode::GroupsNotStrings,
                        format!(
                            "`{}` gives items that are not strings (objects?): Grafana drops them",
                            p.key
                        ),
                        "select the names, e.g. `groups[*].name`".into(),
                    );
                }
                let n = strings.len();
                (strings, format!("{n} string(s)"))
            }
            Ok(Json::Null) => (Vec::new(), "null: none".into()),
            Ok(_) => {
                self.hint(
                    HintCode::GroupsNotArray,
                    format!(
                        "`{}` gives a value that is not an array: Grafana takes it as no {field}",
                        p.key
                    ),
                    "give an array of strings (wrap a single value: `[claim]`)".into(),
                );
                (Vec::new(), "not an array: none".into())
            }
        };
        self.step(src.name(), field, Some(p), Some("claims"), Some(&r), note);
        Ok(items)
    }
}

/// The login of one sample.
pub fn simulate(cfg: &GrafanaConfig, sample: &GrafanaSample) -> GrafanaOutcome {
    let mut run = Run {
        cfg,
        out: GrafanaOutcome {
            sample: sample.label.clone(),
            target: "grafana",
            ok: true,
            message: None,
            login: None,
            email: None,
            name: None,
            role: None,
            server_admin: None,
            role_source: None,
            orgs: Vec::new(),
            groups: Vec::new(),
            trace: Vec::new(),
            hints: cfg.settings.hints.clone(),
        },
    };
    let sources = read_sources(&mut run, sample);
    let mut found: Option<(Source, Found)> = None;
    let mut external_orgs: Vec<String> = Vec::new();
    for (i, (src, claims, typed)) in sources.iter().enumerate() {
        let (src, claims) = (*src, *claims);
        if run.out.name.is_none() {
            let s = run.string_at(src, "name", cfg.name.as_ref(), claims);
            run.out.name = [s, typed.name.clone(), typed.display_name.clone()]
                .into_iter()
                .find(|s| !s.is_empty());
        }
        if run.out.login.is_none() {
            let s = if typed.login.is_empty() {
                run.string_at(src, "login", cfg.login.as_ref(), claims)
            } else {
                String::new()
            };
            run.out.login = [typed.login.clone(), s, typed.username.clone()]
                .into_iter()
                .find(|s| !s.is_empty());
        }
        if run.out.email.is_none() {
            run.out.email = email_at(&mut run, src, claims, typed);
        }
        for (field, value) in [
            ("name", run.out.name.clone()),
            ("login", run.out.login.clone()),
            ("email", run.out.email.clone()),
        ] {
            let decided = run
                .out
                .trace
                .iter()
                .any(|s| s.field == field && s.note.starts_with("decided"));
            if let (Some(v), false) = (value, decided) {
                run.step(
                    src.name(),
                    field,
                    None,
                    None,
                    None,
                    format!("decided here: `{v}` (the first non-empty value wins)"),
                );
            }
        }
        if found.is_none() && !cfg.skip_org_role_sync {
            if let Some(f) = run.role_at(src, claims) {
                later_sources_differ(&mut run, src, &f, &sources[i + 1..]);
                found = Some((src, f));
            }
        }
        if run.out.groups.is_empty() {
            if let Some(p) = cfg.groups.as_ref() {
                if let Ok(g) = run.list_at(src, "groups", p, claims) {
                    run.out.groups = g;
                }
            }
        }
        if external_orgs.is_empty() && !cfg.skip_org_role_sync {
            if let Some(p) = cfg.orgs.as_ref() {
                match run.list_at(src, "orgs", p, claims) {
                    Ok(o) => external_orgs = o,
                    Err(e) => {
                        run.fail(&format!("Login failed: org_attribute_path failed: {e}"));
                        return run.out;
                    }
                }
            }
        }
    }
    if !finish_role(&mut run, found) {
        return run.out;
    }
    finish_user(&mut run, sample, &external_orgs);
    run.out
}

/// The sources Grafana reads for `sample`, decoded.
fn read_sources<'s>(
    run: &mut Run<'_>,
    sample: &'s GrafanaSample,
) -> Vec<(Source, &'s Json, Typed)> {
    let mut out = Vec::new();
    for (src, why) in &sample.dropped {
        run.step(src.name(), "source", None, None, None, why.clone());
        run.hint(
            HintCode::SourceUnreadable,
            format!("the {} is {why}", src.name()),
            "give Grafana what the IdP sends: a signed JWT, a JSON userinfo response".into(),
        );
    }
    for src in [Source::IdToken, Source::Userinfo, Source::AccessToken] {
        let Some(claims) = sample.source(src) else {
            continue;
        };
        if src == Source::Userinfo && run.cfg.api_url.is_empty() {
            run.step(
                src.name(),
                "source",
                None,
                None,
                None,
                "api_url is not set: Grafana never reads userinfo".into(),
            );
            run.hint(HintCode::UserinfoUnread, "the sample has userinfo claims, but api_url is not set: Grafana reads only the tokens".into(), "set api_url to the IdP's userinfo endpoint".into());
            continue;
        }
        match decode(claims) {
            Ok(t) => out.push((src, claims, t)),
            Err(why) => {
                run.step(src.name(), "source", None, None, None, format!("Go cannot decode it ({why}): Grafana logs an error and ignores this source"));
                run.hint(
                    HintCode::SourceUndecodable,
                    format!(
                        "the {} has {why}: Grafana ignores every claim of it",
                        src.name()
                    ),
                    "make the IdP send that claim as a string".into(),
                );
            }
        }
    }
    out
}

/// The e-mail of one source.
fn email_at(run: &mut Run<'_>, src: Source, claims: &Json, typed: &Typed) -> Option<String> {
    if !typed.email.is_empty() {
        return Some(typed.email.clone());
    }
    let path = run.cfg.email.clone();
    let s = run.string_at(src, "email", path.as_ref(), claims);
    if !s.is_empty() {
        return Some(s);
    }
    if let Some(first) = typed
        .attributes
        .get(&run.cfg.email_attribute_name)
        .and_then(Json::as_array)
        .and_then(|a| a.first())
    {
        return Some(first.as_str().unwrap_or_default().to_string());
    }
    mail_address(&typed.upn)
}

/// The address of `upn` when it parses as one (`a@b`, or `Name <a@b>`).
fn mail_address(upn: &str) -> Option<String> {
    let t = upn.trim();
    let addr = match (t.find('<'), t.ends_with('>')) {
        (Some(i), true) => &t[i + 1..t.len() - 1],
        _ => t,
    };
    let (local, domain) = addr.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.is_empty()
        && !addr.contains(char::is_whitespace)
        && !domain.contains('@');
    ok.then(|| addr.to_string())
}

/// When the role was decided at `src` and a later source would give
/// another role, the hint of grafana/grafana#106686.
fn later_sources_differ(
    run: &mut Run<'_>,
    src: Source,
    f: &Found,
    later: &[(Source, &Json, Typed)],
) {
    let Some(p) = run.cfg.role.as_ref() else {
        return;
    };
    for (other, claims, _) in later {
        if let Ok(Json::String(s)) = search(p, claims) {
            let t = if s.eq_ignore_ascii_case("GrafanaAdmin") {
                "Admin".to_string()
            } else {
                title_case(&s)
            };
            if t != f.role && ROLES.contains(&t.as_str()) {
                let how = if f.retry {
                    format!(
                        "the retry on {{\"groups\": []}} gave `{}` at the {}",
                        f.role,
                        src.name()
                    )
                } else {
                    format!("the {} gave `{}`", src.name(), f.role)
                };
                run.hint(HintCode::DecidedAtFirstSource, format!("{how}, so Grafana never evaluates the role on the {}, which would give `{t}` (grafana/grafana#106686)", other.name()), "make the expression give no string when its claim is missing, so that the next source is read: drop the constant fallback (`... && 'Admin'`) and set auto_assign_org_role, or have the IdP put the claim in the ID token".into());
                return;
            }
        }
    }
}

/// The role after every source; false when the login fails.
fn finish_role(run: &mut Run<'_>, found: Option<(Source, Found)>) -> bool {
    let cfg = run.cfg;
    if cfg.skip_org_role_sync {
        run.step("grafana", "role", None, None, None, "skip_org_role_sync: Grafana leaves the user's org roles as they are (a new user gets auto_assign_org_role)".into());
        if cfg.role.is_some() {
            run.hint(
                HintCode::SkipOrgRoleSync,
                "skip_org_role_sync is on: role_attribute_path is never evaluated".into(),
                "turn skip_org_role_sync off for the mapping to apply".into(),
            );
        }
        return true;
    }
    match found {
        Some((src, f)) => {
            run.out.role = Some(f.role);
            run.out.role_source = Some(src.name());
            if cfg.allow_grafana_admin {
                run.out.server_admin = Some(f.admin);
            }
        }
        None if cfg.strict => {
            run.step(
                "grafana",
                "role",
                None,
                None,
                None,
                "no valid role from any source under role_attribute_strict: the login fails".into(),
            );
            run.fail(MSG_STRICT);
            return false;
        }
        None => {
            let role = cfg.auto_assign_org_role.clone();
            run.step(
                "grafana",
                "role",
                None,
                None,
                None,
                format!("no valid role from any source: auto_assign_org_role, {role}"),
            );
            run.out.role = Some(role);
            run.out.role_source = Some("default");
        }
    }
    true
}

/// Org roles, e-mail, login and the group and domain checks.
fn finish_user(run: &mut Run<'_>, sample: &GrafanaSample, external_orgs: &[String]) {
    let cfg = run.cfg;
    if !cfg.skip_org_role_sync {
        let role = run.out.role.clone().unwrap_or_default();
        run.out.orgs = map_org_roles(run, external_orgs, &role);
        if cfg.strict && run.out.orgs.is_empty() {
            run.fail(MSG_STRICT);
            return;
        }
    }
    if run.out.email.is_none() {
        let primary = sample.emails.as_ref().and_then(|e| {
            let records = e
                .as_array()
                .or_else(|| e.get("values").and_then(Json::as_array))?;
            records
                .iter()
                .find(|r| {
                    r.get("primary") == Some(&Json::Bool(true))
                        || r.get("is_primary") == Some(&Json::Bool(true))
                })
                .map(|r| {
                    r.get("email")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string()
                })
        });
        match primary {
            Some(e) if !cfg.api_url.is_empty() => {
                run.step(
                    "userinfo",
                    "email",
                    None,
                    None,
                    None,
                    format!(
                        "no source gave an e-mail: the primary one of api_url + \"/emails\", `{e}`"
                    ),
                );
                run.out.email = Some(e);
            }
            _ => {
                run.step("grafana", "email", None, None, None, "no source gave an e-mail and api_url + \"/emails\" gives none: the login fails".into());
                run.hint(HintCode::NoEmail, "no source gives an e-mail: Grafana then asks api_url + \"/emails\" (a GitHub-style endpoint most IdPs lack) and the login fails".into(), "release the `email` claim (the `email` scope), or set email_attribute_path".into());
                run.fail(MSG_NO_EMAIL);
                return;
            }
        }
    }
    if run.out.login.is_none() {
        run.out.login = run.out.email.clone();
        run.step(
            "grafana",
            "login",
            None,
            None,
            None,
            "no source gave a login: the e-mail".into(),
        );
    }
    if !cfg.allowed_groups.is_empty() {
        let member = cfg
            .allowed_groups
            .iter()
            .any(|a| run.out.groups.contains(a));
        let note = if member {
            "in one of allowed_groups (exact, case-sensitive)"
        } else {
            "in none of allowed_groups (exact, case-sensitive): the login fails"
        };
        run.step("grafana", "allowed_groups", None, None, None, note.into());
        if !member {
            run.fail(MSG_GROUPS);
            return;
        }
    }
    if !cfg.allowed_domains.is_empty() {
        let email = run.out.email.clone().unwrap_or_default().to_lowercase();
        let ok = cfg
            .allowed_domains
            .iter()
            .any(|d| email.ends_with(&format!("@{}", d.to_lowercase())));
        let note = if ok {
            "the e-mail's domain is allowed"
        } else {
            "the e-mail's domain is not in allowed_domains: the login fails"
        };
        run.step("grafana", "allowed_domains", None, None, None, note.into());
        if !ok {
            run.fail(MSG_DOMAIN);
        }
    }
}

/// Splits an `org_mapping` entry at each `:` not escaped as `\:`.
fn split_entry(entry: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = entry.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&':') => {
                part.push(':');
                chars.next();
            }
            ':' => parts.push(std::mem::take(&mut part)),
            c => part.push(c),
        }
    }
    parts.push(part);
    parts
}

/// The org roles of `org_mapping` for `external` orgs and the direct `role`.
fn map_org_roles(run: &mut Run<'_>, external: &[String], role: &str) -> Vec<OrgRole> {
    let cfg = run.cfg;
    let default = vec![OrgRole {
        org: cfg.auto_assign_org_id.clone(),
        role: role.to_string(),
    }];
    if cfg.org_mapping.is_empty() {
        return default;
    }
    let mut mapping: Vec<(String, String, String)> = Vec::new();
    for entry in &cfg.org_mapping {
        let parts = split_entry(entry);
        let (group, org, r) = match parts.as_slice() {
            [g, o] => (g, o, "Viewer".to_string()),
            [g, o, r] if ROLES.contains(&r.as_str()) => (g, o, r.clone()),
            [g, o, r] => {
                if cfg.strict {
                    run.step("grafana", "orgs", None, None, None, format!("org_mapping entry `{entry}`: `{r}` is not a role, and role_attribute_strict empties the whole mapping"));
                    run.hint(HintCode::OrgMappingInvalidRole, format!("org_mapping entry `{entry}` has the role `{r}`, not one of None, Viewer, Editor, Admin"), "write the role as Grafana spells it".into());
                    mapping.clear();
                    break;
                }
                run.hint(HintCode::OrgMappingInvalidRole, format!("org_mapping entry `{entry}` has the role `{r}`, not one of None, Viewer, Editor, Admin: Grafana uses Viewer"), "write the role as Grafana spells it".into());
                (g, o, "Viewer".to_string())
            }
            _ => {
                run.step(
                    "grafana",
                    "orgs",
                    None,
                    None,
                    None,
                    format!("org_mapping entry `{entry}` is not `group:org[:role]`: skipped"),
                );
                continue;
            }
        };
        mapping.push((group.clone(), org.clone(), r));
    }
    let mut result: Vec<OrgRole> = Vec::new();
    for (group, org, r) in &mapping {
        if group != "*" && !external.contains(group) {
            continue;
        }
        match result.iter_mut().find(|o| &o.org == org) {
            Some(o) if rank(r) > rank(&o.role) => o.role = r.clone(),
            Some(_) => {}
            None => result.push(OrgRole {
                org: org.clone(),
                role: r.clone(),
            }),
        }
    }
    if result.is_empty() {
        if cfg.strict {
            run.step(
                "grafana",
                "orgs",
                None,
                None,
                None,
                "org_mapping maps none of the user's orgs under role_attribute_strict: no org"
                    .into(),
            );
            return result;
        }
        run.step(
            "grafana",
            "orgs",
            None,
            None,
            None,
            "org_mapping maps none of the user's orgs: the default org with the role".into(),
        );
        return default;
    }
    if ROLES.contains(&role) {
        for o in &mut result {
            if rank(role) > rank(&o.role) {
                o.role = role.to_string();
            }
        }
    }
    run.step(
        "grafana",
        "orgs",
        None,
        None,
        None,
        format!(
            "org_mapping: {}",
            result
                .iter()
                .map(|o| format!("{}: {}", o.org, o.role))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_as_grafana_cases_roles() {
        for (given, cased) in [
            ("admin", "Admin"),
            ("ADMIN", "Admin"),
            ("aDmIn", "Admin"),
            ("none", "None"),
            ("super-admin", "Super-Admin"),
            ("grafana_admin", "Grafana_admin"),
            ("admin ", "Admin "),
        ] {
            assert_eq!(title_case(given), cased);
        }
    }

    #[test]
    fn go_decoding_drops_a_source_with_a_non_string_typed_claim() {
        assert!(decode(&json!({"email": "a@b", "Name": "A"})).is_ok_and(|t| t.name == "A"));
        assert!(decode(&json!({"email": ["a@b"]})).is_err());
        assert!(decode(&json!({"groups": [1], "login": null})).is_ok());
        assert_eq!(
            mail_address("Alice <alice@example.com>").as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(mail_address("not an address"), None);
        assert_eq!(split_entry(r"a\:b:2:Editor"), ["a:b", "2", "Editor"]);
    }
}

#[cfg(test)]
mod dialect_tests {
    use std::path::Path as FsPath;

    use super::*;
    use crate::grafana::settings::Settings;

    fn login(role_path: &str, sample: Json) -> GrafanaOutcome {
        let text = format!("[auth.generic_oauth]\napi_url = https://idp/userinfo\nrole_attribute_path = {role_path}\n");
        let settings = Settings::parse(FsPath::new("grafana.ini"), &text).expect("settings");
        let cfg = GrafanaConfig::new(settings).expect("config");
        let sample = GrafanaSample::from_json("s", sample).expect("sample");
        simulate(&cfg, &sample)
    }

    #[test]
    fn an_unquoted_hyphen_is_a_subtraction_giving_null_in_grafana() {
        // `my-client` is `my - client`: null, no error, so no string, and the
        // retry gives null too: the default role.
        let o = login(
            "resource_access.my-client.roles[0]",
            json!({"email": "a@b", "resource_access": {"my-client": {"roles": ["Admin"]}}}),
        );
        assert_eq!(o.role.as_deref(), Some("Viewer"));
        assert_eq!(o.role_source, Some("default"));
        let first = &o
            .trace
            .iter()
            .find(|s| s.field == "role")
            .expect("role step");
        assert_eq!(first.value, Some(Json::Null), "{first:?}");
        // Quoted, it is the claim.
        let o = login(
            "resource_access.\"my-client\".roles[0]",
            json!({"email": "a@b", "resource_access": {"my-client": {"roles": ["Admin"]}}}),
        );
        assert_eq!(o.role.as_deref(), Some("Admin"));
    }

    #[test]
    fn grafana_only_syntax_works_and_backtick_words_do_not() {
        let o = login("lower(role)", json!({"email": "a@b", "role": "EDITOR"}));
        assert_eq!(
            (o.role.as_deref(), o.role_source),
            (Some("Editor"), Some("id_token"))
        );
        let o = login(
            "contains(groups, `admin`) && 'Admin'",
            json!({"email": "a@b", "groups": ["admin"]}),
        );
        assert_eq!(o.role_source, Some("default"));
        let role = o
            .trace
            .iter()
            .find(|s| s.field == "role")
            .expect("role step");
        assert!(role.error.is_some(), "{role:?}");
    }

    #[test]
    fn the_retry_decides_at_the_id_token_when_groups_are_only_in_userinfo() {
        let o = login(
            "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
            json!({"id_token": {"sub": "1"}, "userinfo": {"email": "a@b", "groups": ["admin"]}}),
        );
        assert_eq!(
            (o.role.as_deref(), o.role_source),
            (Some("Viewer"), Some("id_token"))
        );
        assert!(o.trace[0].error.is_some());
        assert_eq!(o.trace[1].input, Some("{\"groups\": []}"));
        assert!(o.hints.iter().any(|h| h.code == "decided-at-first-source"));
    }
}
