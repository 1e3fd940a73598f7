//! Bad input, subcommand by subcommand: every case exits 2, names the file
//! (and the line and column where there is one) and never panics.

mod common;

use std::path::Path;

use common::{b64url, rolemap, rolemap_bytes, scratch, write};

const GOOD_CONFIG: &str = r#"
[pangolin]
url = "https://pangolin.example.com"

[idp]
identifier_path = "preferred_username"
scopes = "openid profile email groups"
auto_provision = true
default_role_mapping = "'Member'"

[[orgs]]
id = "home-lab"
roles = ["Member"]
"#;

struct Case {
    /// What the case is.
    name: &'static str,
    /// The file it writes (name, bytes), if any.
    file: Option<(&'static str, Vec<u8>)>,
    /// The command, `{}` standing for the file's path.
    args: &'static [&'static str],
    /// Texts stderr must contain (`{}`: the file's path).
    expect: &'static [&'static str],
}

fn bad_jwt_payload() -> Vec<u8> {
    format!("{}.{}.sig", b64url(br#"{"alg":"none"}"#), "e!!!").into_bytes()
}

fn jwt_payload_not_json() -> Vec<u8> {
    format!(
        "{}.{}.sig",
        b64url(br#"{"alg":"none"}"#),
        b64url(b"{\"sub\": ")
    )
    .into_bytes()
}

fn cases() -> Vec<Case> {
    let garbage: Vec<u8> = vec![
        0x7f, b'E', b'L', b'F', 0x02, 0x01, 0xc3, 0x28, 0x00, 0xff, 0xfe,
    ];
    vec![
        // ---- eval
        Case {
            name: "eval: invalid JSON",
            file: Some(("bad.json", b"{\n  \"groups\": [\"a\",]\n}\n".to_vec())),
            args: &["eval", "groups", "{}"],
            expect: &["{}:2:", "invalid JSON"],
        },
        Case {
            name: "eval --jsonl: an object line that is not UTF-8",
            file: Some((
                "latin1.jsonl",
                b"{\"a\": 1}\n{\"b\": \"\xe9\", \"a\": 2}\n".to_vec(),
            )),
            args: &["eval", "--jsonl", "a", "{}"],
            expect: &["{}:2:8", "not UTF-8"],
        },
        Case {
            name: "eval: malformed JWT (bad base64 in the payload)",
            file: Some(("token.jwt", bad_jwt_payload())),
            args: &["eval", "sub", "{}"],
            expect: &["{}", "payload", "base64url"],
        },
        Case {
            name: "eval: JWT whose payload is not JSON",
            file: Some(("token2.jwt", jwt_payload_not_json())),
            args: &["eval", "sub", "{}"],
            expect: &["{}", "payload", "not valid JSON", "line 1"],
        },
        Case {
            name: "eval: missing file",
            file: None,
            args: &["eval", "sub", "{}"],
            expect: &["{}", "no such file"],
        },
        Case {
            name: "eval: binary garbage",
            file: Some(("garbage.bin", garbage.clone())),
            args: &["eval", "sub", "{}"],
            expect: &["{}:1:7", "not UTF-8"],
        },
        Case {
            name: "eval: empty file",
            file: Some(("empty.json", Vec::new())),
            args: &["eval", "sub", "{}"],
            expect: &["{}", "empty"],
        },
        Case {
            name: "eval --jsonl: invalid line",
            file: Some(("users.jsonl", b"{\"a\": 1}\n{\"a\": 2\n".to_vec())),
            args: &["eval", "--jsonl", "a", "{}"],
            expect: &["{}:2:", "invalid JSON"],
        },
        // ---- explain
        Case {
            name: "explain: invalid JSON",
            file: Some(("bad2.json", b"[1, 2".to_vec())),
            args: &["explain", "a", "{}"],
            expect: &["{}:1:", "invalid JSON"],
        },
        // ---- simulate: configs
        Case {
            name: "simulate: config with a wrong type",
            file: Some((
                "wrong-type.toml",
                b"[idp]\nidentifier_path = \"sub\"\nauto_provision = \"yes\"\n".to_vec(),
            )),
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}:3:18", "boolean"],
        },
        Case {
            name: "simulate: config with an unknown key",
            file: Some((
                "unknown-key.toml",
                b"[idp]\nidentifier_path = \"sub\"\nrole_mapin = \"'Member'\"\n".to_vec(),
            )),
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}:3:", "role_mapin"],
        },
        Case {
            name: "simulate: config that is invalid JSON",
            file: Some(("cfg.json", b"{\"idp\": {\"identifier_path\": }}".to_vec())),
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}:1:", "JSON"],
        },
        Case {
            name: "simulate: missing config",
            file: None,
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}"],
        },
        Case {
            name: "simulate: binary garbage config",
            file: Some(("garbage.toml", garbage.clone())),
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}:1:", "UTF-8"],
        },
        Case {
            name: "simulate: empty config",
            file: Some(("empty.toml", Vec::new())),
            args: &["simulate", "{}", "CLAIMS"],
            expect: &["{}", "idp"],
        },
        // ---- simulate: claims
        Case {
            name: "simulate: claims not an object",
            file: Some(("claims.json", b"[\"alice\"]".to_vec())),
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}", "not a JSON object"],
        },
        Case {
            name: "simulate: claims invalid JSON",
            file: Some((
                "claims2.json",
                b"{\n\"sub\": \"1\",\n\"groups\": [\n}".to_vec(),
            )),
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}:4:", "invalid JSON"],
        },
        Case {
            name: "simulate: malformed JWT claims",
            file: Some(("claims.jwt", bad_jwt_payload())),
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}", "payload"],
        },
        Case {
            name: "simulate: binary garbage claims",
            file: Some(("claims.txt", garbage.clone())),
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}:1:", "UTF-8"],
        },
        Case {
            name: "simulate: empty claims",
            file: Some(("claims3.json", Vec::new())),
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}", "empty"],
        },
        Case {
            name: "simulate: missing claims",
            file: None,
            args: &["simulate", "CONFIG", "{}"],
            expect: &["{}"],
        },
        // ---- lint
        Case {
            name: "lint: claims not an object",
            file: Some(("lint-claims.json", b"\"alice\"".to_vec())),
            args: &["lint", "sub", "--as", "path", "--claims", "{}"],
            expect: &["{}", "not a JSON object"],
        },
        Case {
            name: "lint: claims invalid JSON",
            file: Some(("lint-claims2.json", b"{\"sub\": 1,,}".to_vec())),
            args: &["lint", "sub", "--as", "path", "--claims", "{}"],
            expect: &["{}:1:", "invalid JSON"],
        },
        Case {
            name: "lint: missing claims file",
            file: None,
            args: &["lint", "sub", "--as", "path", "--claims", "{}"],
            expect: &["{}"],
        },
        // ---- decode
        Case {
            name: "decode: malformed JWT",
            file: Some(("bad.jwt", bad_jwt_payload())),
            args: &["decode", "{}"],
            expect: &["{}", "payload", "base64url"],
        },
        Case {
            name: "decode: two parts",
            file: Some(("two.jwt", b"abc.def".to_vec())),
            args: &["decode", "{}"],
            expect: &["{}", "3 parts"],
        },
        Case {
            name: "decode: empty file",
            file: Some(("empty.jwt", Vec::new())),
            args: &["decode", "{}"],
            expect: &["{}", "empty"],
        },
        Case {
            name: "decode: binary garbage",
            file: Some(("garbage.jwt", garbage)),
            args: &["decode", "{}"],
            expect: &["{}:1:", "UTF-8"],
        },
        Case {
            name: "decode: a JSON file",
            file: Some(("claims.json", b"{\"sub\": \"alice\"}".to_vec())),
            args: &["decode", "{}"],
            expect: &["{}", "holds JSON, not a JWT", "rolemap eval @"],
        },
        Case {
            name: "decode: a bracket that is not JSON",
            file: Some(("bracket.jwt", b"[eyJhbGciOiJub25lIn0.e30.]".to_vec())),
            args: &["decode", "{}"],
            expect: &["{}", "not base64url", "'['"],
        },
        Case {
            name: "decode: neither a file nor a token",
            file: None,
            args: &["decode", "{}"],
            expect: &["{}", "no such file", "not a JWT"],
        },
        // ---- test
        Case {
            name: "test: a test file with an unknown key",
            file: Some((
                "t.test.toml",
                b"config = \"x.toml\"\n[[cases]]\nstatsu = 200\n".to_vec(),
            )),
            args: &["test", "{}"],
            expect: &["{}:3:", "statsu"],
        },
        Case {
            name: "test: a suite that is not JSON",
            file: Some(("suite.json", b"[{\"given\": }]".to_vec())),
            args: &["test", "{}"],
            expect: &["{}", "JSON"],
        },
    ]
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = scratch("bad_input");
    let config = write(&dir, "good.toml", GOOD_CONFIG);
    let claims = write(&dir, "good.json", r#"{"preferred_username": "alice"}"#);
    let mut failures = Vec::new();
    for (i, case) in cases().into_iter().enumerate() {
        let path = match &case.file {
            Some((name, bytes)) => write(&dir.join(i.to_string()), name, bytes),
            None => dir
                .join(i.to_string())
                .join("missing.json")
                .display()
                .to_string(),
        };
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                a.replace("{}", &path)
                    .replace("CONFIG", &config)
                    .replace("CLAIMS", &claims)
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = rolemap(&args, "");
        let mut problems = Vec::new();
        if r.code != 2 {
            problems.push(format!("exit code {} (expected 2)", r.code));
        }
        if r.stderr.contains("panicked") {
            problems.push("panicked".to_string());
        }
        for e in case.expect {
            let e = e.replace("{}", &path);
            if !r.stderr.contains(&e) {
                problems.push(format!("stderr lacks {e:?}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  args: {args:?}\n  stderr: {}",
                case.name,
                problems.join("; "),
                r.stderr.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_folder_is_not_a_file() {
    let dir = scratch("folder_input");
    let r = rolemap(&["eval", "a", &dir.display().to_string()], "");
    r.code(2);
    assert!(r.stderr.contains("folder"), "{}", r.stderr);
}

#[test]
fn binary_garbage_on_stdin() {
    let r = rolemap_bytes(
        Path::new("."),
        &["eval", "a"],
        &[0xde, 0xad, 0xbe, 0xef, 0x00],
    );
    r.code(2);
    assert!(r.stderr.contains("<stdin>:1:3"), "{}", r.stderr);
    assert!(r.stderr.contains("not UTF-8"), "{}", r.stderr);
    let r = rolemap(&["eval", "a"], "");
    r.code(2);
    assert!(
        r.stderr.contains("<stdin>") && r.stderr.contains("empty"),
        "{}",
        r.stderr
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = rolemap(&["eval", "@"], &deep);
    r.code(2);
    assert!(r.stderr.contains("<stdin>:1:"), "{}", r.stderr);
    let deep_expr = format!("{}a{}", "(".repeat(50_000), ")".repeat(50_000));
    let r = rolemap(&["eval", &deep_expr], "{}");
    r.code(2);
}
