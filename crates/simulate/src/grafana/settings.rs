//! Grafana's OAuth settings as users write them: a `grafana.ini`, `GF_*`
//! environment variables (an `.env` file, or a docker compose file's
//! `environment`), or the Helm chart's values (`grafana.ini:` and `env:`).
//!
//! Every value is read as Grafana gets it: INI text and Helm's `grafana.ini`
//! values through go-ini's rules ([`super::ini`]), environment values
//! verbatim (Grafana takes an environment variable as it is, quotes
//! included). A setting Grafana would read differently from what its author
//! meant (quotes kept, a value cut at `;` or `#`, an unknown key) becomes a
//! [`Hint`] that every outcome carries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::ini;
use crate::data::{Hint, HintCode};

/// The OAuth section rolemap simulates.
pub const GENERIC_OAUTH: &str = "auth.generic_oauth";

/// The keys of `[auth.generic_oauth]` Grafana knows.
pub const OAUTH_KEYS: &[&str] = &[
    "name",
    "icon",
    "enabled",
    "allow_sign_up",
    "auto_login",
    "client_id",
    "client_secret",
    "scopes",
    "empty_scopes",
    "email_attribute_name",
    "email_attribute_path",
    "login_attribute_path",
    "name_attribute_path",
    "role_attribute_path",
    "role_attribute_strict",
    "groups_attribute_path",
    "id_token_attribute_name",
    "team_ids_attribute_path",
    "auth_url",
    "token_url",
    "api_url",
    "signout_redirect_url",
    "teams_url",
    "allowed_domains",
    "allowed_groups",
    "team_ids",
    "allowed_organizations",
    "tls_skip_verify_insecure",
    "tls_client_cert",
    "tls_client_key",
    "tls_client_ca",
    "use_pkce",
    "auth_style",
    "allow_assign_grafana_admin",
    "skip_org_role_sync",
    "use_refresh_token",
    "org_attribute_path",
    "org_mapping",
    "login_prompt",
    "client_authentication",
    "workload_identity_token_file",
    "federated_credential_audience",
    "token_url_params",
    "jwk_set_url",
    "validate_id_token",
];

/// The keys of `[users]` the login reads.
pub const USERS_KEYS: &[&str] = &[
    "auto_assign_org_role",
    "auto_assign_org_id",
    "auto_assign_org",
];

/// The keys holding a JMESPath expression.
pub const PATH_KEYS: &[&str] = &[
    "role_attribute_path",
    "org_attribute_path",
    "groups_attribute_path",
    "email_attribute_path",
    "login_attribute_path",
    "name_attribute_path",
    "team_ids_attribute_path",
];

/// Whether `path` is a Grafana configuration (rather than a Pangolin one):
/// an `.ini` or `.env` file, or YAML with `grafana.ini:` or `GF_` variables.
pub fn is_grafana_config(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if name.ends_with(".ini") || name.ends_with(".env") || name.starts_with(".env") {
        return true;
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return std::fs::read_to_string(path)
            .is_ok_and(|t| t.contains("grafana.ini") || t.contains("GF_AUTH_"));
    }
    false
}

/// One setting: its value as Grafana reads it and where it was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The value Grafana gets.
    pub value: String,
    /// Where it was set (`grafana.ini:12`, `GF_AUTH_GENERIC_OAUTH_API_URL`).
    pub origin: String,
}

/// The settings of one configuration file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// The file.
    pub path: PathBuf,
    /// `section -> key -> setting`.
    pub sections: BTreeMap<String, BTreeMap<String, Setting>>,
    /// What Grafana reads differently from how it looks.
    pub hints: Vec<Hint>,
}

/// Why a configuration could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SettingsError {
    /// The file.
    pub path: String,
    /// What is wrong and the fix.
    pub message: String,
}

impl Settings {
    /// Reads `path` (INI, env file or YAML, told by name and content).
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let err = |message: String| SettingsError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(format!("cannot read the file: {}", crate::read_reason(&e))))?;
        Settings::parse(path, &text).map_err(err)
    }

    /// Reads `text`, the contents of `path` (INI, env file or YAML, told
    /// by the name).
    pub fn parse(path: &Path, text: &str) -> Result<Settings, String> {
        let name = lower_name(path);
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            return Settings::parse_plain(path, text);
        }
        let mut s = Settings {
            path: path.to_path_buf(),
            ..Settings::default()
        };
        s.read_yaml(text)?;
        s.finish()
    }

    /// Reads `text` as an env file (a name ending in `.env` or starting
    /// with `.env`) or else as INI; never YAML (the playground reads these
    /// two without a YAML parser).
    pub fn parse_plain(path: &Path, text: &str) -> Result<Settings, String> {
        let mut s = Settings {
            path: path.to_path_buf(),
            ..Settings::default()
        };
        let name = lower_name(path);
        if name.ends_with(".env") || name.starts_with(".env") {
            for (n, line) in text.lines().enumerate() {
                if let Some((key, value)) = env_line(line) {
                    s.set_env(&key, value, &format!("{}:{}", file_name(path), n + 1));
                }
            }
        } else {
            s.read_ini(text, &file_name(path))
                .map_err(|e| e.to_string())?;
        }
        s.finish()
    }

    /// The checks once every setting is read.
    fn finish(mut self) -> Result<Settings, String> {
        self.check_keys();
        if !self.sections.keys().any(|k| k.starts_with("auth.")) {
            return Err(
                "read as Grafana's configuration, it has no `[auth.generic_oauth]` settings: set `role_attribute_path` and the other settings in that section (or `GF_AUTH_GENERIC_OAUTH_*` variables); a Pangolin config is a `.toml`, `.json`, `.yaml` or `.yml` file".into(),
            );
        }
        Ok(self)
    }

    fn read_ini(&mut self, text: &str, file: &str) -> Result<(), ini::IniError> {
        for section in ini::parse(text)? {
            for e in section.entries {
                let origin = format!("{file}:{}", e.line);
                self.note_ini_value(&section.name, &e.key, &e.raw, &e.value, &origin);
                self.set(&section.name, &e.key, e.value, origin);
            }
        }
        Ok(())
    }

    fn read_yaml(&mut self, text: &str) -> Result<(), String> {
        let doc: Json = serde_norway::from_str(text).map_err(|e| format!("YAML error: {e}"))?;
        let mut found = false;
        if let Some(Json::Object(sections)) = doc.get("grafana.ini") {
            found = true;
            for (section, keys) in sections {
                let Json::Object(keys) = keys else { continue };
                for (key, value) in keys {
                    // The chart writes each value into grafana.ini as it is,
                    // which go-ini then reads.
                    let written = match value {
                        Json::String(s) => s.clone(),
                        Json::Null => String::new(),
                        other => other.to_string(),
                    };
                    let line = format!("[s]\nk = {written}\n");
                    let read = ini::parse(&line)
                        .ok()
                        .and_then(|s| s.get(1).and_then(|s| s.get("k")).map(|e| e.value.clone()))
                        .unwrap_or_default();
                    let origin = format!("grafana.ini.\"{section}\".{key}");
                    self.note_ini_value(section, key, written.trim(), &read, &origin);
                    self.set(section, key, read, origin);
                }
            }
        }
        // Helm's `env:`, or compose's `services.*.environment`.
        let mut envs: Vec<&Json> = doc.get("env").into_iter().collect();
        if let Some(Json::Object(services)) = doc.get("services") {
            envs.extend(services.values().filter_map(|s| s.get("environment")));
        }
        for env in envs {
            found = true;
            match env {
                Json::Object(vars) => {
                    for (k, v) in vars {
                        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        self.set_env(k, v, k);
                    }
                }
                Json::Array(items) => {
                    for item in items.iter().filter_map(Json::as_str) {
                        if let Some((k, v)) = item.split_once('=') {
                            self.set_env(k.trim(), v.to_string(), k.trim());
                        }
                    }
                }
                _ => {}
            }
        }
        if !found {
            return Err("no `grafana.ini:` values, `env:` or compose `environment:` with Grafana's settings".into());
        }
        Ok(())
    }

    /// Sets `section.key` from the environment variable `var`, when it is one
    /// of Grafana's (`GF_<SECTION>_<KEY>`).
    fn set_env(&mut self, var: &str, value: String, origin: &str) {
        let Some(rest) = var.strip_prefix("GF_") else {
            return;
        };
        let sections = ["AUTH_GENERIC_OAUTH_", "USERS_"];
        let names = [GENERIC_OAUTH, "users"];
        for (prefix, section) in sections.iter().zip(names) {
            if let Some(key) = rest.strip_prefix(prefix) {
                let key = key.to_ascii_lowercase();
                if PATH_KEYS.contains(&key.as_str()) && is_wrapped_in_quotes(&value) {
                    self.hints.push(Hint {
                        code: HintCode::EnvQuotesKept,
                        message: format!("{origin}: Grafana takes an environment variable as it is, so the quotes around `{value}` are part of the expression"),
                        fix: "remove the outer quotes (in a compose list, `- GF_...=expr` needs none)".into(),
                    });
                }
                self.set(section, &key, value, origin.to_string());
                return;
            }
        }
    }

    fn set(&mut self, section: &str, key: &str, value: String, origin: String) {
        // Grafana skips an empty value in the custom file (the default stays).
        if value.is_empty() {
            return;
        }
        self.sections
            .entry(section.to_string())
            .or_default()
            .insert(key.to_string(), Setting { value, origin });
    }

    /// Hints about an INI value read otherwise than it looks.
    fn note_ini_value(&mut self, section: &str, key: &str, raw: &str, value: &str, origin: &str) {
        if !section.starts_with("auth.") || !PATH_KEYS.contains(&key) {
            return;
        }
        let triple = raw.starts_with("\"\"\"") || raw.starts_with('`');
        if !triple {
            if let Some(cut) = raw.find(['#', ';']) {
                let c = &raw[cut..cut + 1];
                self.hints.push(Hint {
                    code: HintCode::IniInlineComment,
                    message: format!("{origin}: `{key}` ends at `{c}`, which starts a comment in grafana.ini: Grafana reads `{value}`"),
                    fix: format!("wrap the whole value in triple quotes: {key} = \"\"\"{}\"\"\"", raw.trim()),
                });
                return;
            }
        }
        let single = raw.len() >= 2
            && raw.starts_with('\'')
            && raw.ends_with('\'')
            && raw.matches('\'').count() == 2;
        if single {
            self.hints.push(Hint {
                code: HintCode::IniQuotesRemoved,
                message: format!("{origin}: grafana.ini removes the quotes around `{raw}`: the expression is `{value}`, a claim name, not the string {raw}"),
                fix: format!("keep the quotes with triple quotes: {key} = \"\"\"{raw}\"\"\""),
            });
            return;
        }
        if is_wrapped_in_quotes(value) {
            self.hints.push(Hint {
                code: HintCode::IniQuotesKept,
                message: format!("{origin}: `{key}` is wrapped in quotes that Grafana keeps (it removes a surrounding pair only when the value holds no other quote of that kind): the expression is `{value}`"),
                fix: "write the expression without surrounding quotes".into(),
            });
        }
    }

    /// Hints for keys Grafana does not know, with a "did you mean".
    fn check_keys(&mut self) {
        let mut hints = Vec::new();
        for (section, keys) in &self.sections {
            let known: &[&str] = if section == GENERIC_OAUTH {
                OAUTH_KEYS
            } else {
                continue;
            };
            for (key, setting) in keys {
                if known.contains(&key.as_str()) {
                    continue;
                }
                let near = known
                    .iter()
                    .map(|k| (strsim::levenshtein(k, key), *k))
                    .min()
                    .filter(|(d, _)| *d <= 3)
                    .map(|(_, k)| format!("did you mean `{k}`?"))
                    .unwrap_or_else(|| "remove it".into());
                hints.push(Hint {
                    code: HintCode::UnknownSetting,
                    message: format!(
                        "{}: Grafana has no setting `{key}` in [{section}] and ignores it",
                        setting.origin
                    ),
                    fix: near,
                });
            }
        }
        self.hints.extend(hints);
    }

    /// The value of `section.key`, when set.
    pub fn get(&self, section: &str, key: &str) -> Option<&Setting> {
        self.sections.get(section)?.get(key)
    }

    /// Sets `section.key` as if by an environment variable (test patches).
    pub fn patch(&mut self, section: &str, key: &str, value: &str) {
        self.sections
            .entry(section.to_string())
            .or_default()
            .insert(
                key.to_string(),
                Setting {
                    value: value.to_string(),
                    origin: "patch".into(),
                },
            );
    }
}

/// The file name, lower-cased.
fn lower_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Whether `v` is entirely wrapped in a pair of `'` or `"`.
fn is_wrapped_in_quotes(v: &str) -> bool {
    v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A `KEY=VALUE` line of an env file as docker compose reads it: `#` lines
/// and blank lines skipped, `export ` allowed; a value in `'...'` is
/// literal, one in `"..."` has `\"`, `\\` and `\n` unescaped, an unquoted
/// one ends at ` #`.
fn env_line(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (key, value) = line.split_once('=')?;
    let value = value.trim();
    let value = if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        value[1..value.len() - 1].to_string()
    } else if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value[1..value.len() - 1]
            .replace("\\\"", "\"")
            .replace("\\n", "\n")
            .replace("\\\\", "\\")
    } else {
        value
            .split(" #")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    Some((key.trim().to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, text: &str) -> Settings {
        Settings::parse(Path::new(name), text).expect("reads")
    }

    fn role_path(s: &Settings) -> String {
        s.get(GENERIC_OAUTH, "role_attribute_path")
            .map(|s| s.value.clone())
            .unwrap_or_default()
    }

    #[test]
    fn ini_env_and_helm_give_the_same_setting() {
        let expr = "contains(groups[*], 'admin') && 'Admin' || 'Viewer'";
        let ini = read(
            "grafana.ini",
            &format!("[auth.generic_oauth]\nrole_attribute_path = {expr}\n"),
        );
        let env = read(
            ".env",
            &format!("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH=\"{expr}\"\n"),
        );
        let helm = read(
            "values.yaml",
            &format!("grafana.ini:\n  auth.generic_oauth:\n    role_attribute_path: \"{expr}\"\n"),
        );
        let compose = read(
            "compose.yaml",
            &format!("services:\n  grafana:\n    environment:\n      - GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH={expr}\n"),
        );
        for s in [&ini, &env, &helm, &compose] {
            assert_eq!(role_path(s), expr);
            assert!(s.hints.is_empty(), "{:?}", s.hints);
        }
    }

    #[test]
    fn quotes_comments_and_unknown_keys_are_hints() {
        let s = read(
            "grafana.ini",
            "[auth.generic_oauth]\nrole_attribute_path = \"contains(groups, \"admin\") && 'Admin'\"\ngroups_attribute_path = groups[?@ != 'a;b']\nrole_atribute_strict = true\n",
        );
        let codes: Vec<&str> = s.hints.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(
            codes,
            ["ini-quotes-kept", "ini-inline-comment", "unknown-setting"]
        );
        assert!(
            s.hints[2].fix.contains("role_attribute_strict"),
            "{:?}",
            s.hints[2]
        );
        let compose = read(
            "compose.yml",
            "services:\n  g:\n    environment:\n      GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH: \"'Admin'\"\n",
        );
        assert_eq!(compose.hints[0].code, "env-quotes-kept");
        assert!(Settings::parse(Path::new("grafana.ini"), "[server]\nhttp_port = 3000\n").is_err());
    }
}
