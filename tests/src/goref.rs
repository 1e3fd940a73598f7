//! Grafana's engines as live oracles: Debian's `jp` 0.2.1 (built on
//! go-jmespath v0.4.0, the engine of Grafana 11.2 and earlier) run once per
//! case, several at a time, and the PyPI package `jmespath-community`
//! 1.1.3 (the Python sibling of Grafana's current engine) in one process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value as Json;

use rolemap_compliance::json_equal;
use rolemap_engine::{Dialect, ErrorKind, Expression, MapOrder};

/// A case: an expression and the document it searches.
#[derive(Clone, Debug)]
pub struct Case {
    /// The expression.
    pub expression: String,
    /// The document.
    pub data: Json,
}

/// What a reference engine answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A result.
    Value(Json),
    /// A syntax error (its message).
    Syntax(String),
    /// An error while evaluating (its message).
    Error(String),
    /// The engine crashed (a Go panic: its message).
    Panic(String),
}

/// Debian's `jp`, or a failure naming how to install it.
pub fn jp_path() -> Result<PathBuf, String> {
    let path = PathBuf::from(std::env::var("ROLEMAP_JP").unwrap_or_else(|_| "/usr/bin/jp".into()));
    let ok = Command::new(&path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("0.2.1"));
    if ok {
        Ok(path)
    } else {
        Err(format!(
            "the differential test of the grafana-11.2 dialect needs Debian's jp 0.2.1 at {}: `apt-get install -y jp` (cargo xtask test installs it)",
            path.display()
        ))
    }
}

/// What `jp` answers for one case.
pub fn run_jp(jp: &Path, case: &Case) -> Outcome {
    let mut child = Command::new(jp)
        .arg("-c")
        .arg(&case.expression)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", jp.display()));
    let data = case.data.to_string();
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write means jp exited early (a syntax error): fine.
        let _ = stdin.write_all(data.as_bytes());
    }
    let out = child.wait_with_output().expect("jp runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return match serde_json::from_str(stdout.trim()) {
            Ok(v) => Outcome::Value(v),
            Err(e) => Outcome::Error(format!("jp printed no JSON ({e}): {stdout}")),
        };
    }
    let first = stderr.lines().next().unwrap_or_default().to_string();
    if let Some(m) = first.strip_prefix("panic: ") {
        Outcome::Panic(m.trim_end_matches(" [recovered]").to_string())
    } else if let Some(m) = stderr
        .strip_prefix("Error evaluating JMESPath expression: ")
        .or_else(|| stderr.strip_prefix("Error marshalling result to JSON: "))
    {
        Outcome::Error(m.trim_end_matches('\n').to_string())
    } else {
        Outcome::Syntax(first)
    }
}

/// Where the engine and the reference disagree, if they do. `unordered`:
/// arrays may come in another order (the Go engines iterate maps at random).
pub fn disagreement(
    case: &Case,
    dialect: Dialect,
    reference: &Outcome,
    check_messages: bool,
) -> Option<String> {
    let compiled = Expression::compile(&case.expression, dialect);
    let ours = compiled
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|e| e.search_json(&case.data));
    // What depends on the order of a map's entries, which Go leaves to
    // chance: for a map of at most 8 members (every map of the generated
    // documents), a rotation of its insertion order. The reference's answer
    // must be rolemap's in one of them, unless the expression iterates two
    // maps, which Go may start at different members.
    let random = ["keys(", "values(", "items("]
        .iter()
        .any(|f| case.expression.contains(f));
    let unordered = random || case.expression.contains('*');
    if let (Ok(e), Outcome::Value(b)) = (&compiled, reference) {
        let in_some_rotation = || {
            (0..8).any(|n| {
                e.search_json_in(&case.data, MapOrder::Rotated(n))
                    .is_ok_and(|a| json_equal(&a, b))
            })
        };
        if e.map_iteration().is_some() && in_some_rotation() {
            return None;
        }
    }
    match (&ours, reference) {
        (Ok(a), Outcome::Value(b)) => {
            // Past a `*` on an object, only arrays can be compared (as
            // multisets): what a function makes of them depends on the order.
            let scalar = !(a.is_array() && b.is_array());
            if json_equal(a, b) || (unordered && (scalar || same_items(a, b))) {
                None
            } else {
                Some(format!("ours {a}, reference {b}"))
            }
        }
        (Err(e), Outcome::Syntax(_)) if e.kind == ErrorKind::Syntax => None,
        (Err(e), Outcome::Error(m) | Outcome::Panic(m)) => {
            let theirs = e.js_message.as_deref().unwrap_or(&e.message);
            // An expression reference shows as a Go struct or pointer.
            let shows_expref = theirs.contains("0x0");
            let same = theirs == m
                || (unordered && same_chars(&Json::from(theirs), &Json::from(m.as_str())));
            if !check_messages || e.kind == ErrorKind::Syntax || shows_expref || same {
                None
            } else {
                Some(format!(
                    "ours {} error {theirs:?}, reference error {m:?}",
                    e.kind
                ))
            }
        }
        (Err(e), r) => Some(format!(
            "ours {} error {:?}, reference {r:?}",
            e.kind, e.message
        )),
        (Ok(a), r) => Some(format!("ours {a}, reference {r:?}")),
    }
}

/// Two strings with the same characters (a message listing a map's
/// values, which Go iterates at random).
fn same_chars(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(x), Json::String(y)) => {
            let (mut p, mut q): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
            p.sort_unstable();
            q.sort_unstable();
            p == q
        }
        _ => false,
    }
}

/// Equal as multisets of items, at every level of arrays.
fn same_items(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|p| {
                let found = y
                    .iter()
                    .enumerate()
                    .position(|(i, q)| !used[i] && (json_equal(p, q) || same_items(p, q)));
                found.map(|i| used[i] = true).is_some()
            })
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_items(v, w)))
        }
        _ => json_equal(a, b),
    }
}

/// The Python of the virtual environment holding `jmespath-community`
/// 1.1.3, or a failure naming how to make it.
pub fn python_path() -> Result<PathBuf, String> {
    let default =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py-jmespath-community/bin/python");
    let path = std::env::var("ROLEMAP_JMESPATH_COMMUNITY_PYTHON").map_or(default, PathBuf::from);
    let ok = Command::new(&path)
        .args([
            "-c",
            "import importlib.metadata as m; assert m.version('jmespath-community') == '1.1.3'",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Ok(path)
    } else {
        Err(format!(
            "the differential test of the grafana dialect needs jmespath-community 1.1.3 in {}: `python3 -m venv target/py-jmespath-community && target/py-jmespath-community/bin/pip install jmespath-community==1.1.3` (cargo xtask test does it)",
            path.display()
        ))
    }
}

/// What `jmespath-community` answers for every case, in one process.
pub fn run_python(python: &Path, cases: &[Case]) -> Vec<Outcome> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("py/run_community.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
    let mut input = String::new();
    for c in cases {
        input
            .push_str(&serde_json::json!({"expression": c.expression, "data": c.data}).to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python runs");
    writer
        .join()
        .expect("writer")
        .expect("python reads its input");
    assert!(
        out.status.success(),
        "{} {} failed",
        python.display(),
        script.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let answers: Vec<Outcome> = text
        .lines()
        .map(|line| {
            let v: Json = serde_json::from_str(line).expect("a JSON line");
            match v["kind"].as_str() {
                Some("value") => Outcome::Value(v["value"].clone()),
                Some("syntax") => Outcome::Syntax(v["message"].as_str().unwrap_or_default().into()),
                _ => Outcome::Error(v["message"].as_str().unwrap_or_default().into()),
            }
        })
        .collect();
    assert_eq!(answers.len(), cases.len(), "one answer per case");
    answers
}
