//! Untrusted text never drives the terminal. Each payload (ESC, CSI, OSC,
//! C1, DEL, bidi controls) goes into claim keys and values, sample and
//! token file names, expressions, config values and a Pangolin server's
//! answers (the fake of tests/support/fake_pangolin.rs); every subcommand runs
//! over them with colour forced on (`--color always`), and the raw bytes of
//! stdout and stderr are checked:
//!
//! - every ESC begins one of the colour codes rolemap itself writes (its
//!   own `paint` styles and miette's theme), listed exactly below;
//! - no other control character is there at all (C0 but newline and tab,
//!   DEL, C1, bidi controls);
//! - each piece of untrusted text is marked (`K§` claim key, `V§` claim
//!   value, `F§` file name, `E§` expression, `C§` config value, `S§` a
//!   server's answer): a control
//!   right after a mark would be the payload let through (a payload
//!   `ESC [31m` looks like rolemap's own red otherwise), and the escaped
//!   form right after a mark (`§\u{1b}`, or `§\u001b` in JSON) shows the
//!   text reached the output, visibly.

mod common;
#[path = "support/fake_pangolin.rs"]
mod fake_pangolin;

use std::path::Path;

use common::{jwt, rolemap_bytes, scratch, write, Run};
use serde_json::json;

/// The payloads: each starts with the control character it is about.
const PAYLOADS: &[(&str, &str)] = &[
    ("esc", "\u{1b}"),
    ("csi-red", "\u{1b}[31m"),
    ("csi-hide", "\u{1b}[8m"),
    ("osc-link", "\u{1b}]8;;http://x\u{7}"),
    ("osc-title", "\u{1b}]0;title\u{7}"),
    ("c1-csi", "\u{9b}31m"),
    ("del", "\u{7f}"),
    ("rlo", "\u{202e}"),
    ("lri", "\u{2066}x\u{2069}"),
    ("lrm-rlm", "\u{200e}\u{200f}"),
];

/// The escape sequences rolemap writes itself: `paint`'s styles (bold, dim,
/// red, green, yellow, cyan, reset) and those of miette's Unicode theme.
const OWN_SGR: &[&str] = &[
    "0", "1", "2", "31", "32", "33", "36",     // style::paint
    "35;1",   // miette: labels
    "36;1;4", // miette: the source's name
];

/// What marks a piece of untrusted text.
const MARK: char = '§';

/// The marked forms of a payload.
struct Marked {
    /// Claim key.
    key: String,
    /// Claim value.
    value: String,
    /// A file name (no `/`: it is a file name).
    file: String,
    /// An expression's text.
    expr: String,
    /// A config value.
    config: String,
    /// A value in a server's answer.
    server: String,
}

impl Marked {
    fn new(payload: &str) -> Marked {
        let m = |letter: char| format!("{letter}{MARK}{payload}");
        Marked {
            key: m('K'),
            value: m('V'),
            file: m('F').replace('/', "∕"),
            expr: m('E'),
            config: m('C'),
            server: m('S'),
        }
    }
}

/// One subcommand run over a payload: which marks must show in its output,
/// whether it has colours (text output), and the run.
struct Case {
    name: &'static str,
    shows: &'static str,
    coloured: bool,
    run: fn(&Marked, &Path) -> Run,
}

fn rolemap(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--color", "always"];
    all.extend_from_slice(args);
    rolemap_bytes(dir, &all, b"")
}

/// A claims file `F§….json` with a marked key and value.
fn claims_file(m: &Marked, dir: &Path) -> String {
    let claims = json!({
        "sub": m.value,
        m.key.as_str(): m.value,
        "groups": [m.value],
    });
    write(dir, &format!("{}.json", m.file), claims.to_string())
}

/// A JSON Lines claims file `F§….jsonl`: 45 logins of one user (more
/// than the table shows, each after the first with the `same-user` hint)
/// with a marked key and value; then, when `bad`, a line that is not JSON.
fn claims_lines(m: &Marked, dir: &Path, bad: bool) -> String {
    let claims = json!({ "sub": m.value, m.key.as_str(): m.value, "groups": [m.value] });
    let mut text = format!("{claims}\n").repeat(45);
    if bad {
        text.push_str("{not json\n");
    }
    write(dir, &format!("{}.jsonl", m.file), text)
}

/// `rolemap simulate` over [`claims_lines`], with a
/// marked IdP name, role name and org mapping that fails.
fn simulate_lines(m: &Marked, dir: &Path, args: &[&str]) -> Run {
    let path = claims_lines(m, dir, false);
    let config = json!({
        "pangolin": { "edition": "oss", "version": "1.17.0" },
        "idp": {
            "name": m.config,
            "identifier_path": "sub",
            "auto_provision": true,
            "default_role_mapping": json!(m.key).to_string(),
            "default_org_mapping": "'{{orgId}}'",
        },
        "orgs": [
            { "id": "home", "roles": ["Admin"] },
            {
                "id": "broken",
                "roles": ["Admin"],
                "org_mapping": format!("length(to_number('{}'))", m.expr),
            },
        ],
    });
    let config = write(dir, "config.json", config.to_string());
    rolemap(dir, &[&["simulate", &config, &path][..], args].concat())
}

/// Runs `rolemap pangolin SUBCOMMAND` against a fake Pangolin whose IdP 1
/// has a marked name and a default role mapping giving a marked role name
/// (which no org has: a lint finding quotes it).
fn pangolin(m: &Marked, dir: &Path, subcommand: &str) -> Run {
    let mut state = fake_pangolin::State::recorded();
    state.idps[0]["idp"]["name"] = json!(m.server);
    state.idps[0]["idp"]["defaultRoleMapping"] = json!(format!("'{}'", m.server));
    let fake = fake_pangolin::Fake::start(state);
    let key = write(dir, "key", fake_pangolin::ROOT_KEY);
    let args = ["--url", &fake.url, "--idp", "1", "--api-key-file", &key];
    rolemap(dir, &[&["pangolin", subcommand][..], &args].concat())
}

const CASES: &[Case] = &[
    Case {
        name: "eval: the claims",
        shows: "KV",
        coloured: false,
        run: |m, dir| rolemap(dir, &["eval", "@", &claims_file(m, dir)]),
    },
    Case {
        name: "eval: text mode with an evaluation error",
        shows: "E",
        coloured: true,
        run: |m, dir| {
            let expr = format!("length(to_number('{}'))", m.expr);
            rolemap(dir, &["eval", &expr, &claims_file(m, dir)])
        },
    },
    Case {
        name: "eval: a syntax error",
        shows: "E",
        coloured: true,
        run: |m, dir| {
            let expr = format!("'{}' | foo(", m.expr);
            rolemap(dir, &["eval", &expr, &claims_file(m, dir)])
        },
    },
    Case {
        name: "eval: a file that is not JSON",
        shows: "F",
        coloured: true,
        run: |m, dir| {
            let path = write(dir, &format!("{}.json", m.file), "{ nope");
            rolemap(dir, &["eval", "@", &path])
        },
    },
    Case {
        name: "eval: --output json",
        shows: "KV",
        coloured: false,
        run: |m, dir| rolemap(dir, &["eval", "-o", "json", "@", &claims_file(m, dir)]),
    },
    Case {
        name: "explain",
        shows: "KVE",
        coloured: true,
        run: |m, dir| {
            let expr = format!("{} || '{}'", json!(m.key), m.expr);
            rolemap(dir, &["explain", &expr, &claims_file(m, dir)])
        },
    },
    Case {
        name: "lint --claims",
        shows: "E",
        coloured: true,
        run: |m, dir| {
            let expr = format!("contains(groups, \"{}\") && 'Admin'", m.expr);
            let claims = claims_file(m, dir);
            rolemap(
                dir,
                &["lint", "--as", "role-mapping", &expr, "--claims", &claims],
            )
        },
    },
    Case {
        name: "lint --claims: a claim value as a role name",
        shows: "V",
        coloured: true,
        run: |m, dir| {
            let claims = claims_file(m, dir);
            let args = [
                "lint",
                "--as",
                "role-mapping",
                "groups[0]",
                "--roles",
                "Admin",
            ];
            rolemap(dir, &[&args[..], &["--claims", &claims]].concat())
        },
    },
    Case {
        name: "lint --claims: the claim names",
        shows: "K",
        coloured: true,
        run: |m, dir| {
            let claims = claims_file(m, dir);
            rolemap(
                dir,
                &[
                    "lint",
                    "--as",
                    "role-mapping",
                    "claimz",
                    "--claims",
                    &claims,
                ],
            )
        },
    },
    Case {
        name: "lint: a claims file that is not JSON",
        shows: "F",
        coloured: true,
        run: |m, dir| {
            let path = write(dir, &format!("{}.json", m.file), "[1,");
            rolemap(
                dir,
                &["lint", "--as", "role-mapping", "groups", "--claims", &path],
            )
        },
    },
    Case {
        name: "simulate",
        shows: "FVCE",
        coloured: true,
        run: |m, dir| {
            let samples = dir.join("samples");
            claims_file(m, &samples);
            let config = json!({
                "pangolin": { "edition": "oss", "version": "1.17.0" },
                "idp": {
                    "name": m.config,
                    "identifier_path": "sub",
                    "auto_provision": true,
                    "default_role_mapping": json!(m.key).to_string(),
                    "default_org_mapping": "'{{orgId}}'",
                },
                "orgs": [
                    { "id": "home", "roles": ["Admin"] },
                    {
                        "id": "broken",
                        "roles": ["Admin"],
                        "org_mapping": format!("length(to_number('{}'))", m.expr),
                    },
                ],
            });
            let path = write(dir, "config.json", config.to_string());
            rolemap(dir, &["simulate", &path, &samples.display().to_string()])
        },
    },
    Case {
        name: "simulate: a Grafana configuration",
        shows: "FVE",
        coloured: true,
        run: |m, dir| {
            let samples = dir.join("samples");
            claims_file(m, &samples);
            let ini = format!(
                "[auth.generic_oauth]\nenabled = true\nlogin_attribute_path = sub\nrole_attribute_path = contains(groups[*], '{}') && 'Admin' || 'Denied'\n",
                m.expr
            );
            let path = write(dir, "grafana.ini", ini);
            rolemap(dir, &["simulate", &path, &samples.display().to_string()])
        },
    },
    Case {
        name: "simulate --log",
        shows: "FVE",
        coloured: true,
        run: |m, dir| {
            let samples = dir.join("samples");
            claims_file(m, &samples);
            let config = json!({
                "idp": {
                    "identifier_path": "sub",
                    "email_path": json!(m.key).to_string(),
                    "auto_provision": true,
                    "default_role_mapping": format!("'{}'", m.expr),
                    "default_org_mapping": "'{{orgId}}'",
                },
                "orgs": [{ "id": "home", "roles": ["Admin"] }],
            });
            let path = write(dir, "config.json", config.to_string());
            rolemap(
                dir,
                &["simulate", "--log", &path, &samples.display().to_string()],
            )
        },
    },
    Case {
        name: "simulate: the summary over many samples, with --log",
        shows: "FVCE",
        coloured: true,
        run: |m, dir| simulate_lines(m, dir, &["--log"]),
    },
    Case {
        name: "simulate --output jsonl",
        shows: "FVCE",
        coloured: false,
        run: |m, dir| simulate_lines(m, dir, &["--output", "jsonl"]),
    },
    Case {
        name: "simulate --output json, streamed",
        shows: "FVCE",
        coloured: false,
        run: |m, dir| simulate_lines(m, dir, &["--output", "json"]),
    },
    Case {
        name: "eval --jsonl",
        shows: "FV",
        coloured: true,
        run: |m, dir| {
            let path = claims_lines(m, dir, true);
            rolemap(dir, &["eval", "--jsonl", &json!(m.key).to_string(), &path])
        },
    },
    Case {
        name: "eval --jsonl --output json",
        shows: "FV",
        coloured: false,
        run: |m, dir| {
            let path = claims_lines(m, dir, true);
            let expr = json!(m.key).to_string();
            rolemap(dir, &["eval", "--jsonl", "-o", "json", &expr, &path])
        },
    },
    Case {
        name: "test: a compliance suite",
        shows: "FEV",
        coloured: true,
        run: |m, dir| {
            let suite = json!([{
                "given": {},
                "cases": [{ "expression": format!("'{}'", m.expr), "result": m.value }],
            }]);
            let path = write(dir, &format!("{}.json", m.file), suite.to_string());
            rolemap(dir, &["test", &path])
        },
    },
    Case {
        name: "test: a mapping-test file",
        shows: "FV",
        coloured: true,
        run: |m, dir| {
            let samples = dir.join("samples");
            let sample = claims_file(m, &samples);
            let config = json!({
                "pangolin": { "edition": "oss", "version": "1.17.0" },
                "idp": { "identifier_path": "sub", "default_org_mapping": "'{{orgId}}'",
                         "default_role_mapping": "'Admin'" },
                "orgs": [{ "id": "home", "roles": ["Admin"] }],
            });
            write(dir, "config.json", config.to_string());
            let tests = json!({
                "config": "config.json",
                "cases": [{ "name": m.value, "sample": sample, "status": 299 }],
            });
            let path = write(dir, &format!("{}.json", m.file), tests.to_string());
            rolemap(dir, &["test", &path])
        },
    },
    Case {
        name: "decode",
        shows: "KV",
        coloured: true,
        run: |m, dir| {
            let token = jwt(&json!({ m.key.as_str(): m.value, "exp": 1 }));
            let path = write(dir, &format!("{}.jwt", m.file), token);
            rolemap(dir, &["decode", &path])
        },
    },
    Case {
        name: "decode: a file that is not a JWT",
        shows: "F",
        coloured: true,
        run: |m, dir| {
            let path = write(dir, &format!("{}.jwt", m.file), "eyJ.not.a-token");
            rolemap(dir, &["decode", &path])
        },
    },
    Case {
        name: "a usage error quoting an argument",
        // clap drops ANSI sequences (and DEL) from what it quotes; the rest
        // is shown escaped. Either way nothing raw reaches the terminal.
        shows: "",
        coloured: false,
        run: |m, dir| rolemap(dir, &["eval", "--dialect", &m.expr, "@"]),
    },
    Case {
        name: "pangolin pull: the server's IdP",
        shows: "S",
        coloured: false,
        run: |m, dir| pangolin(m, dir, "pull"),
    },
    Case {
        name: "pangolin check: the server's IdP and mappings",
        shows: "S",
        coloured: true,
        run: |m, dir| pangolin(m, dir, "check"),
    },
    Case {
        name: "fmt --check",
        shows: "",
        coloured: true,
        run: |m, dir| rolemap(dir, &["fmt", "--check", &format!("'{}'", m.expr)]),
    },
];

/// Whether `c` must never reach the output raw (besides ESC, checked on
/// its own).
fn forbidden(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1a' | '\x1c'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What is wrong with `text` (one stream of one run), if anything.
fn problems(text: &str, payload: &str, shows: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        let seq = &rest[at..];
        let own = seq
            .strip_prefix("\u{1b}[")
            .and_then(|s| s.split_once('m'))
            .filter(|(params, _)| OWN_SGR.contains(params));
        if own.is_none() {
            let shown: String = seq.chars().take(12).collect();
            found.push(format!(
                "an ESC that is not rolemap's own colour: {shown:?}"
            ));
        }
        rest = &seq[1..];
    }
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        found.push(format!("a raw control character {c:?}"));
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == MARK && chars.peek().is_some_and(|&n| n == '\u{1b}' || forbidden(n)) {
            found.push("a payload's control character right after its mark".into());
        }
    }
    let first = payload.chars().next().map_or(0, u32::from);
    // Pangolin lower-cases identifiers: `v§` is a claim value too.
    let lower = text.to_lowercase();
    for letter in shows.chars() {
        let text_form = format!("{letter}{MARK}\\u{{{first:x}}}");
        let json_form = format!("{letter}{MARK}\\u{first:04x}");
        let shown = |form: &str| text.contains(form) || lower.contains(&form.to_lowercase());
        if !shown(&text_form) && !shown(&json_form) {
            found.push(format!("`{text_form}` (or `{json_form}`) is not shown"));
        }
    }
    found
}

#[test]
fn untrusted_text_reaches_the_terminal_escaped_in_every_subcommand() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for (p, (payload_name, payload)) in PAYLOADS.iter().enumerate() {
        let marked = Marked::new(payload);
        for (c, case) in CASES.iter().enumerate() {
            let dir = scratch(&format!("escapes/{p}-{c}"));
            let r = (case.run)(&marked, &dir);
            r.no_panic();
            runs += 1;
            let both = format!("{}{}", r.stdout, r.stderr);
            let mut found = problems(&both, payload, case.shows);
            if case.coloured && !both.contains("\u{1b}[") {
                found.push("no colour at all: is colour forced on?".into());
            }
            for f in found {
                failures.push(format!(
                    "{payload_name} × {}: {f}\n--- stdout\n{:?}\n--- stderr\n{:?}",
                    case.name, r.stdout, r.stderr
                ));
            }
        }
    }
    assert_eq!(runs, PAYLOADS.len() * CASES.len());
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The checks above can fail: the payload let through is caught, and so is
/// a payload that never reached the output.
#[test]
fn the_checks_catch_a_payload_let_through() {
    let payload = "\u{1b}[31m";
    let leaked = format!("\u{1b}[1mok\u{1b}[0m V{MARK}\\u{{1b}} V{MARK}{payload}x");
    assert!(!problems(&leaked, payload, "V").is_empty());
    let osc = "\u{1b}]0;t\u{7}";
    assert!(!problems(&format!("V{MARK}\\u{{1b}}]0;t{}", '\u{7}'), osc, "V").is_empty());
    assert!(!problems("nothing", payload, "V").is_empty());
    assert!(!problems("\u{1b}[38;5;9mx", payload, "").is_empty());
    let fine = format!("\u{1b}[31mV{MARK}\\u{{1b}}[31m\u{1b}[0m and V{MARK}\\u001b[31m");
    assert_eq!(problems(&fine, payload, "V"), Vec::<String>::new());
}

/// In the table of `simulate`, a cell is one line: a newline in a sample's
/// file name or identifier is shown as `\u{a}`, and cannot fake a row.
#[test]
fn a_newline_in_a_name_cannot_fake_a_table_row() {
    let dir = scratch("escapes/newline");
    let fake = "\nmallory  mallory  200 ok  home: Admin";
    let samples = dir.join("samples");
    let claims = json!({ "sub": format!("eve{fake}") });
    write(&samples, &format!("eve{fake}.json"), claims.to_string());
    let config = json!({
        "pangolin": { "edition": "oss", "version": "1.17.0" },
        "idp": { "identifier_path": "sub", "auto_provision": true,
                 "default_role_mapping": "'Admin'", "default_org_mapping": "'{{orgId}}'" },
        "orgs": [{ "id": "home", "roles": ["Admin"] }],
    });
    let path = write(&dir, "config.json", config.to_string());
    let samples = samples.display().to_string();
    let r = rolemap_bytes(
        &dir,
        &["--color", "never", "simulate", &path, &samples],
        b"",
    );
    r.code(0);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("SAMPLE"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert!(rows[0].starts_with("eve\\u{a}mallory"), "{}", r.stdout);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("mallory")),
        "{}",
        r.stdout
    );
}
