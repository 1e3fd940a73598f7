//! Bad input never panics, and every error names the file and, where the
//! format knows it, the line and column.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rolemap_simulate::{decode_jwt, load_samples, Config, JwtError};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bad-input-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn sample_err(path: &Path) -> String {
    match load_samples(path) {
        Ok(s) => panic!("{} loaded: {s:?}", path.display()),
        Err(e) => e.to_string(),
    }
}

fn config_err(path: &Path) -> String {
    match Config::load(path) {
        Ok(_) => panic!("{} loaded", path.display()),
        Err(e) => e.to_string(),
    }
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "{msg:?} lacks {p:?}");
    }
}

const GOOD_IDP: &str = "[idp]\nidentifier_path = \"sub\"\n";

#[test]
fn invalid_json_names_line_and_column() {
    let d = scratch("json");
    let p = write(
        &d,
        "bad.json",
        "{\n  \"sub\": \"1\",\n  \"groups\": [\"a\" \"b\"]\n}\n",
    );
    let msg = sample_err(&p);
    assert_has(&msg, &["bad.json:3:18", "invalid JSON", "expected"]);
}

#[test]
fn claims_that_are_not_an_object() {
    let d = scratch("notobj");
    let msg = sample_err(&write(&d, "list.json", "[1, 2]"));
    assert_has(&msg, &["list.json", "an array, not a JSON object"]);
    let msg = sample_err(&write(&d, "str.json", "\"alice\""));
    assert_has(&msg, &["str.json", "a string"]);
}

#[test]
fn jsonl_errors_name_the_line() {
    let d = scratch("jsonl");
    let p = write(&d, "users.jsonl", "{\"sub\":\"1\"}\n{\"sub\": }\n");
    assert_has(&sample_err(&p), &["users.jsonl:2:9", "invalid JSON"]);
    let p = write(&d, "users2.jsonl", "{\"sub\":\"1\"}\n\n[1]\n");
    assert_has(&sample_err(&p), &["users2.jsonl:3", "an array"]);
    let p = write(&d, "ok.jsonl", "{\"sub\":\"1\"}\r\n\n{\"sub\":\"2\"}\n");
    let labels: Vec<String> = load_samples(&p)
        .expect("loads")
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(labels, ["ok.jsonl:1", "ok.jsonl:3"]);
}

#[test]
fn malformed_jwts() {
    let d = scratch("jwt");
    // bad base64 in the payload
    let p = write(&d, "a.jwt", "eyJhbGciOiJub25lIn0.eyJzdWIi*.sig");
    assert_has(
        &sample_err(&p),
        &["a.jwt", "payload (part 2) is not base64url", "character 9"],
    );
    // standard base64 instead of base64url
    let p = write(&d, "b.jwt", "eyJhbGciOiJub25lIn0.eyJz+WIi.sig");
    assert_has(&sample_err(&p), &["b.jwt", "standard base64"]);
    // payload decodes but is not JSON: "{sub" is e3N1Yg
    let p = write(&d, "c.jwt", "eyJhbGciOiJub25lIn0.e3N1Yg.sig");
    assert_has(
        &sample_err(&p),
        &[
            "c.jwt",
            "payload (part 2) is not valid JSON",
            "line 1 column",
        ],
    );
    // wrong number of parts
    let p = write(&d, "d.jwt", "eyJhbGciOiJub25lIn0.e30");
    assert_has(&sample_err(&p), &["d.jwt", "this one has 2"]);
    let p = write(&d, "e.jwt", "a.b.c.d.e");
    assert_has(&sample_err(&p), &["e.jwt", "encrypted"]);
    // header not JSON
    let p = write(&d, "f.jwt", "bm9wZQ.e30.sig");
    assert_has(&sample_err(&p), &["f.jwt", "header (part 1)"]);
    // a .txt holding a JWT is sniffed
    let p = write(&d, "g.txt", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.\n");
    let s = load_samples(&p).expect("loads");
    assert_eq!(s[0].claims.get("sub"), Some(&serde_json::json!("1")));
}

#[test]
fn decode_jwt_api() {
    let t = decode_jwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln").expect("decodes");
    assert_eq!(t.header.get("alg"), Some(&serde_json::json!("none")));
    assert_eq!(t.payload.get("sub"), Some(&serde_json::json!("1")));
    assert_eq!(t.signature, "c2ln");
    assert_eq!(decode_jwt("  "), Err(JwtError::Empty));
    assert!(matches!(decode_jwt("x"), Err(JwtError::Parts { parts: 1 })));
    assert!(matches!(
        decode_jwt("e30.WzFd.x"),
        Err(JwtError::NotAnObject { .. })
    ));
}

#[test]
fn binary_garbage() {
    let d = scratch("binary");
    let garbage: Vec<u8> = (0..512u32).map(|i| (i * 7919 % 251) as u8 | 0x80).collect();
    let p = write(&d, "garbage.json", &garbage);
    assert_has(&sample_err(&p), &["garbage.json:1:1", "not UTF-8"]);
    let p = write(&d, "garbage.txt", [b'{', b'\n', 0xff, 0xfe]);
    assert_has(&sample_err(&p), &["garbage.txt:2:1", "not UTF-8"]);
    let p = write(&d, "garbage.toml", &garbage);
    assert_has(&config_err(&p), &["garbage.toml:1:1", "not UTF-8"]);
    // garbage that is valid UTF-8 but not JSON nor a JWT
    let p = write(&d, "noise.txt", "\u{1}\u{2}hello world");
    assert_has(&sample_err(&p), &["noise.txt", "3 parts"]);
}

#[test]
fn empty_files_and_folders() {
    let d = scratch("empty");
    assert_has(
        &sample_err(&write(&d, "e.json", "  \n")),
        &["e.json", "empty"],
    );
    let sub = d.join("nothing");
    std::fs::create_dir_all(&sub).expect("mkdir");
    write(&sub, "readme.md", "not a sample");
    assert_has(&sample_err(&sub), &["nothing", "no sample file"]);
    let p = write(&d, "empty.yaml", "");
    assert_has(&config_err(&p), &["empty.yaml", "empty"]);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let d = scratch("deep");
    for depth in [200usize, 100_000] {
        let text = format!("{{\"a\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
        let p = write(&d, &format!("deep{depth}.json"), text);
        assert_has(&sample_err(&p), &["recursion limit"]);
        let line = format!("{{\"a\":{}1{}}}\n", "[".repeat(depth), "]".repeat(depth));
        let p = write(&d, &format!("deep{depth}.jsonl"), line);
        assert_has(&sample_err(&p), &["recursion limit", ".jsonl:1"]);
    }
    // 100 levels are fine
    let text = format!("{{\"a\":{}1{}}}", "[".repeat(100), "]".repeat(100));
    assert!(load_samples(&write(&d, "ok.json", text)).is_ok());
}

#[test]
fn missing_files() {
    let d = scratch("missing");
    assert_has(
        &sample_err(&d.join("nope.json")),
        &["nope.json", "cannot read"],
    );
    assert_has(
        &config_err(&d.join("nope.toml")),
        &["nope.toml", "cannot read"],
    );
    let p = write(
        &d,
        "with-samples.toml",
        format!("samples = [\"users\"]\n{GOOD_IDP}"),
    );
    let c = Config::load(&p).expect("config loads");
    let e = c.load_samples().expect_err("no users folder").to_string();
    assert_has(&e, &["users", "cannot read"]);
}

#[test]
fn config_wrong_type_names_position() {
    let d = scratch("type");
    let p = write(
        &d,
        "c.toml",
        "[idp]\nid = \"one\"\nidentifier_path = \"sub\"\n",
    );
    assert_has(&config_err(&p), &["c.toml:2:6", "invalid type", "string"]);
    let p = write(&d, "c.json", "{\"idp\": {\"identifier_path\": 5}}");
    assert_has(&config_err(&p), &["c.json:1:", "invalid type"]);
    let p = write(
        &d,
        "c.yaml",
        "idp:\n  identifier_path: sub\n  auto_provision: maybe\n",
    );
    assert_has(
        &config_err(&p),
        &["c.yaml:3:", "auto_provision", "invalid type"],
    );
    let p = write(
        &d,
        "v.toml",
        format!("[pangolin]\nversion = \"one.two\"\n{GOOD_IDP}"),
    );
    assert_has(&config_err(&p), &["v.toml:2:", "invalid Pangolin version"]);
    let p = write(
        &d,
        "e.toml",
        format!("[pangolin]\nedition = \"free\"\n{GOOD_IDP}"),
    );
    assert_has(
        &config_err(&p),
        &["e.toml:2:", "unknown variant `free`", "oss"],
    );
}

#[test]
fn unknown_keys_are_named() {
    let d = scratch("unknown");
    let p = write(&d, "c.toml", "[idp]\nidentifer_path = \"sub\"\n");
    assert_has(
        &config_err(&p),
        &["c.toml:2:1", "unknown field `identifer_path`"],
    );
    let p = write(&d, "c.yaml", "idp:\n  identifier_path: sub\norgz: []\n");
    assert_has(&config_err(&p), &["c.yaml:3:1", "unknown field `orgz`"]);
    let p = write(
        &d,
        "c.json",
        "{\"idp\": {\"identifier_path\": \"sub\", \"scope\": \"openid\"}}",
    );
    assert_has(&config_err(&p), &["c.json:1:", "unknown field `scope`"]);
    let p = write(
        &d,
        "b.toml",
        format!("{GOOD_IDP}[[orgs]]\nid = \"a\"\nroles = []\nrole_mapping_builder = {{ claim_path = \"groups\", rules = [{{ matches = \"x\", roles = [\"A\"] }}] }}\n"),
    );
    assert_has(&config_err(&p), &["b.toml:", "unknown field `matches`"]);
    let p = write(&d, "c.ini", GOOD_IDP);
    assert_has(&config_err(&p), &["c.ini", "`ini`", ".toml"]);
}

#[test]
fn validation_errors_name_key_and_fix() {
    let d = scratch("validate");
    let cases = [
        ("[idp]\nidentifier_path = \"\"\n", "`idp.identifier_path` is empty"),
        (
            "[idp]\nidentifier_path = \"sub\"\n[[orgs]]\nid = \"a\"\nroles = []\n[[orgs]]\nid = \"a\"\nroles = []\n",
            "`orgs[1].id` repeats",
        ),
        (
            "[idp]\nidentifier_path = \"sub\"\n[[orgs]]\nid = \"a\"\nroles = [\"Admin\"]\n[[users]]\nidentifier = \"x\"\nmanual_orgs = [{ org = \"b\", roles = [] }]\n",
            "`users[0].manual_orgs` names the org `b`",
        ),
        (
            "[idp]\nidentifier_path = \"sub\"\n[[orgs]]\nid = \"a\"\nroles = [\"Admin\"]\n[[users]]\nidentifier = \"x\"\nauto_orgs = [{ org = \"a\", roles = [\"admin\"] }]\n",
            "gives the role `admin`",
        ),
        (
            "[idp]\nidentifier_path = \"sub\"\n[[orgs]]\nid = \"a\"\nroles = []\nrole_mapping = \"'A'\"\nrole_mapping_builder = { claim_path = \"g\", rules = [{ match = \"x\", roles = [\"A\"] }] }\n",
            "`orgs[0].role_mapping_builder` is set together",
        ),
        ("[pangolin]\nurl = \"pangolin.example.com\"\n[idp]\nidentifier_path = \"sub\"\n", "`pangolin.url`"),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let p = write(&d, &format!("v{i}.toml"), text);
        let msg = config_err(&p);
        assert_has(&msg, &[&format!("v{i}.toml"), want, "fix:"]);
    }
}

/// Settings that Pangolin cannot have together are refused, naming the key
/// and the fix.
#[test]
fn impossible_server_settings_name_the_key_and_the_fix() {
    let d = scratch("server");
    let org = "[[orgs]]\nid = \"home-lab\"\nroles = [\"Member\"]\n";
    let cases: [(&str, &[&str]); 8] = [
        ("[pangolin]\nlicense = false\n", &["pangolin.license", "oss edition", "enterprise"]),
        ("[pangolin]\nedition = \"cloud\"\nlicense = true\n", &["pangolin.license", "cloud edition"]),
        ("[pangolin]\nidentity_provider_mode = \"org\"\n", &["pangolin.identity_provider_mode", "open-source"]),
        ("[pangolin]\nedition = \"enterprise\"\nversion = \"1.15.0\"\nidentity_provider_mode = \"org\"\n", &["came in Pangolin 1.16.0", "1.15.0"]),
        ("[pangolin]\nedition = \"enterprise\"\nidentity_provider_mode = \"org\"\n", &["idp.org", "is missing"]),
        ("[pangolin]\nedition = \"enterprise\"\nidentity_provider_mode = \"org\"\n[idp]\nidentifier_path = \"sub\"\norg = \"home-lab\"\ndefault_role_mapping = \"'Member'\"\n", &["idp.default_role_mapping", "no default mappings", "policy of `home-lab`"]),
        ("[idp]\nidentifier_path = \"sub\"\norg = \"home-lab\"\n", &["idp.org", "global"]),
        ("[[orgs]]\nid = \"x\"\nroles = []\nplan = \"tier1\"\n", &["orgs[0].plan", "Cloud"]),
    ];
    for (i, (text, parts)) in cases.iter().enumerate() {
        let text = if text.contains("[idp]") {
            format!("{text}{org}")
        } else {
            format!("{text}{GOOD_IDP}{org}")
        };
        let p = write(&d, &format!("c{i}.toml"), text);
        assert_has(&config_err(&p), parts);
    }
}

/// A username repeats only across IdPs.
#[test]
fn a_user_repeats_only_across_idps() {
    let d = scratch("users");
    let users = "[[users]]\nidentifier = \"alice\"\n[[users]]\nidentifier = \"alice\"\nidp = \"local\"\n[[users]]\nidentifier = \"alice\"\nidp = 9\n";
    let ok = write(&d, "ok.toml", format!("{GOOD_IDP}{users}"));
    assert!(Config::load(&ok).is_ok());
    let twice = write(
        &d,
        "twice.toml",
        format!("{GOOD_IDP}{users}[[users]]\nidentifier = \"alice\"\nidp = 1\n"),
    );
    assert_has(&config_err(&twice), &["users[3].identifier", "same IdP"]);
}
