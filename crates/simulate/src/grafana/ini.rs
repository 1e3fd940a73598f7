//! Grafana's INI files read as Grafana reads them (`gopkg.in/ini.v1`,
//! loaded with its default options, as `pkg/setting` does).
//!
//! The rules that hold, line by line (leading whitespace ignored):
//! - an empty line, or one starting with `#` or `;`, is skipped;
//! - `[name]` starts a section (text up to the LAST `]`, trimmed); a `[`
//!   with no `]` is an error;
//! - otherwise the key runs up to the first `=` or `:` (trimmed); a line
//!   with neither is an error;
//! - the value (leading whitespace dropped):
//!   - starting with `"""`: up to the next `"""`, possibly over lines, kept
//!     verbatim (the only way to keep `#` or `;` in a value);
//!   - starting with a backtick: up to the last backtick on the line (or
//!     over lines), verbatim;
//!   - else trimmed; a value ending in `\` continues on the next line;
//!   - then cut at the FIRST `#` or `;` anywhere in it (an inline comment;
//!     no space needed before it), and trimmed again;
//!   - then one pair of surrounding `'` or `"` is removed, but only when
//!     the value holds exactly two of that quote character.
//! - A key given twice keeps its last value.

use std::fmt;

/// One key of a section, with the line it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key name.
    pub key: String,
    /// The value as Grafana sees it.
    pub value: String,
    /// The value as written (after the delimiter, trimmed).
    pub raw: String,
    /// 1-based line of the key.
    pub line: usize,
}

/// A section and its keys, in file order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Section {
    /// The section name (`auth.generic_oauth`; `DEFAULT` before the first header).
    pub name: String,
    /// Its keys (a repeated key keeps only its last entry).
    pub entries: Vec<Entry>,
}

impl Section {
    /// The entry of `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn set(&mut self, entry: Entry) {
        match self.entries.iter_mut().find(|e| e.key == entry.key) {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
    }
}

/// A syntax error, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError {
    /// The line.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The sections of an INI text, in order of first appearance.
pub fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut sections = vec![Section {
        name: "DEFAULT".into(),
        entries: Vec::new(),
    }];
    let mut current = 0;
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let line = lines[i].trim_start();
        i += 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let Some(close) = line.rfind(']') else {
                return Err(IniError {
                    line: number,
                    message: format!("unclosed section `{line}`: end it with `]`"),
                });
            };
            let name = line[1..close].trim().to_string();
            current = match sections.iter().position(|s| s.name == name) {
                Some(p) => p,
                None => {
                    sections.push(Section {
                        name,
                        entries: Vec::new(),
                    });
                    sections.len() - 1
                }
            };
            continue;
        }
        let Some(delim) = line.find(['=', ':']) else {
            return Err(IniError {
                line: number,
                message: format!(
                    "no `=` in `{line}`: Grafana refuses to start (key-value delimiter not found); write `key = value`, or start the line with `;` to comment it out"
                ),
            });
        };
        let key = line[..delim].trim().to_string();
        let rest = line[delim + 1..].trim_start();
        let (value, used) = read_value(rest, &lines[i..]);
        i += used;
        let raw = rest.trim_end().to_string();
        sections[current].set(Entry {
            key,
            value,
            raw,
            line: number,
        });
    }
    Ok(sections)
}

/// Reads a value starting at `first` (leading whitespace gone); `more` are
/// the lines after it. Returns the value and how many of `more` it used.
fn read_value(first: &str, more: &[&str]) -> (String, usize) {
    if first.is_empty() {
        return (String::new(), 0);
    }
    let quote = if first.len() > 3 && first.starts_with("\"\"\"") {
        Some("\"\"\"")
    } else if first.starts_with('`') {
        Some("`")
    } else {
        None
    };
    if let Some(quote) = quote {
        let body = &first[quote.len()..];
        if let Some(end) = body.rfind(quote) {
            return (body[..end].to_string(), 0);
        }
        // Over lines, up to the line that holds the closing quote.
        let mut value = body.to_string();
        for (n, line) in more.iter().enumerate() {
            value.push('\n');
            if let Some(end) = line.rfind(quote) {
                value.push_str(&line[..end]);
                return (value, n + 1);
            }
            value.push_str(line);
        }
        return (value, more.len());
    }
    let mut line = first.trim().to_string();
    let mut used = 0;
    while line.ends_with('\\') && used < more.len() {
        line.pop();
        line.push_str(more[used].trim());
        used += 1;
    }
    if let Some(cut) = line.find(['#', ';']) {
        line.truncate(cut);
    }
    let line = line.trim();
    for q in ['\'', '"'] {
        if line.len() >= 2
            && line.starts_with(q)
            && line.ends_with(q)
            && line.matches(q).count() == 2
        {
            return (line[1..line.len() - 1].to_string(), used);
        }
    }
    (line.to_string(), used)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(line: &str) -> String {
        let text = format!("[s]\nk = {line}\n");
        let sections = parse(&text).expect("parses");
        sections[1]
            .get("k")
            .map(|e| e.value.clone())
            .unwrap_or_default()
    }

    #[test]
    fn values_read_as_go_ini_reads_them() {
        // (as written, as Grafana sees it)
        let cases = [
            (
                "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
                "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
            ),
            (
                "\"contains(groups[*], 'admin') && 'Admin' || 'Viewer'\"",
                "contains(groups[*], 'admin') && 'Admin' || 'Viewer'",
            ),
            // Four double quotes: nothing is removed.
            (
                "\"contains(groups, \"admin\") && 'Admin'\"",
                "\"contains(groups, \"admin\") && 'Admin'\"",
            ),
            // Many single quotes: nothing is removed.
            (
                "'contains(groups, 'admin') && 'Admin''",
                "'contains(groups, 'admin') && 'Admin''",
            ),
            ("'Viewer'", "Viewer"),
            // Inline comments: the first `#` or `;` ends the value.
            (
                "contains(groups, 'ops;dev') && 'Editor'",
                "contains(groups, 'ops",
            ),
            ("groups[?@ != '#admins']", "groups[?@ != '"),
            ("value # comment", "value"),
            (
                "\"\"\"contains(groups, 'ops;dev') && 'Editor'\"\"\"",
                "contains(groups, 'ops;dev') && 'Editor'",
            ),
            ("`a;b`", "a;b"),
            ("", ""),
            ("  spaced  ", "spaced"),
        ];
        for (written, seen) in cases {
            assert_eq!(value(written), seen, "{written}");
        }
    }

    #[test]
    fn sections_comments_continuations_and_errors() {
        let text = "; a comment\n# another\n[auth.generic_oauth]\nenabled = true\nrole_attribute_path = a \\\n  || b\n[users]\nauto_assign_org_role: Editor\n[auth.generic_oauth]\nenabled = false\n";
        let s = parse(text).expect("parses");
        let oauth = s
            .iter()
            .find(|s| s.name == "auth.generic_oauth")
            .expect("section");
        assert_eq!(
            oauth.get("enabled").map(|e| e.value.as_str()),
            Some("false")
        );
        assert_eq!(
            oauth.get("role_attribute_path").map(|e| e.value.as_str()),
            Some("a || b")
        );
        let users = s.iter().find(|s| s.name == "users").expect("users");
        assert_eq!(users.get("auto_assign_org_role").map(|e| e.line), Some(8));
        let e = parse("[s]\njust words\n").expect_err("no delimiter");
        assert_eq!(e.line, 2);
        assert!(parse("[s\n").is_err());
    }
}
