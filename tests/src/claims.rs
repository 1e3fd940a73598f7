//! Random ID-token-like claims: the documents role-mapping expressions read.

use serde_json::{json, Map, Value as Json};

use crate::rng::Rng;

/// Group, role and other short strings claims carry.
pub const WORDS: &[&str] = &[
    "admin",
    "Admin",
    "ADMIN",
    "member",
    "Member",
    "media",
    "dev",
    "ops",
    "org-admin",
    "/org/admin",
    "/org/team/dev",
    "reader",
    "writer",
    "a",
    "b",
    "",
    " ",
    "é",
    "ß",
    "日本",
    "😀",
    "a😀b",
    "it's",
    "a\\b",
    "a\"b",
    "1",
    "10",
    "2",
    "-1",
    "1.5",
    "true",
    "null",
    "0x10",
    " 12 ",
    "Z",
    "z",
    "alice",
    "bob",
];

/// Numbers claims carry (as JSON texts, so that `1.0` and big integers stay as written).
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "10",
    "9",
    "42",
    "1.5",
    "-2.5",
    "0.1",
    "100",
    "1.0",
    "1e3",
    "1e21",
    "12345678901234567890",
    "-0",
    "0.5",
    "3.14159",
    "7",
];

fn number(rng: &mut Rng) -> Json {
    let text = rng.pick(NUMBERS);
    serde_json::from_str(text).unwrap_or(Json::Null)
}

fn word(rng: &mut Rng) -> Json {
    Json::String((*rng.pick(WORDS)).to_string())
}

fn words(rng: &mut Rng, max: usize) -> Json {
    let n = rng.below(max + 1);
    Json::Array((0..n).map(|_| word(rng)).collect())
}

fn numbers(rng: &mut Rng, max: usize) -> Json {
    let n = rng.below(max + 1);
    Json::Array((0..n).map(|_| number(rng)).collect())
}

/// Any small JSON value (scalars mostly), of any type.
pub fn scalar_or_small(rng: &mut Rng, depth: u32) -> Json {
    let k = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(9)
    };
    match k {
        0 => Json::Null,
        1 => Json::Bool(rng.chance(0.5)),
        2 | 3 => number(rng),
        4 | 5 => word(rng),
        6 => Json::Array(
            (0..rng.below(4))
                .map(|_| scalar_or_small(rng, depth - 1))
                .collect(),
        ),
        7 => {
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                let key = (*rng.pick(&["a", "b", "name", "1", "id", "role"])).to_string();
                m.insert(key, scalar_or_small(rng, depth - 1));
            }
            Json::Object(m)
        }
        _ => json!([]),
    }
}

/// A value for a field that is usually of `usual` type but sometimes of
/// another, or null (so that functions see ill-typed arguments).
fn usually(rng: &mut Rng, usual: Json) -> Json {
    match rng.weighted(&[85, 5, 10]) {
        0 => usual,
        1 => Json::Null,
        _ => scalar_or_small(rng, 1),
    }
}

fn org(rng: &mut Rng) -> Json {
    let mut m = Map::new();
    let u = json!(rng.range(0, 5));
    m.insert("id".into(), usually(rng, u));
    let u = word(rng);
    m.insert("name".into(), usually(rng, u));
    let u = word(rng);
    m.insert("role".into(), usually(rng, u));
    if rng.chance(0.7) {
        let u = words(rng, 3);
        m.insert("tags".into(), usually(rng, u));
    }
    if rng.chance(0.5) {
        let u = number(rng);
        m.insert("score".into(), usually(rng, u));
    }
    if rng.chance(0.2) {
        m.insert("active".into(), Json::Bool(rng.chance(0.5)));
    }
    Json::Object(m)
}

/// A claims document: an object with the usual OIDC claims, where any claim
/// may be missing, null or of an unusual type.
pub fn claims(rng: &mut Rng) -> Json {
    let mut m = Map::new();
    let mut put = |rng: &mut Rng, key: &str, p: f64, v: Json| {
        if rng.chance(p) {
            m.insert(key.to_string(), v);
        }
    };
    let u = json!(format!("user-{}", rng.below(100)));
    let v = usually(rng, u);
    put(rng, "sub", 0.9, v);
    let u = json!(format!("{}@example.com", rng.pick(&["alice", "bob", "é"])));
    let v = usually(rng, u);
    put(rng, "email", 0.8, v);
    let u = json!(rng.chance(0.5));
    let v = usually(rng, u);
    put(rng, "email_verified", 0.6, v);
    let u = word(rng);
    let v = usually(rng, u);
    put(rng, "preferred_username", 0.7, v);
    let u = word(rng);
    let v = usually(rng, u);
    put(rng, "name", 0.5, v);
    let u = words(rng, 5);
    let v = usually(rng, u);
    put(rng, "groups", 0.85, v);
    let u = words(rng, 4);
    let v = usually(rng, u);
    put(rng, "roles", 0.5, v);
    let u = words(rng, 3);
    let v = usually(rng, u);
    put(rng, "cognito:groups", 0.4, v);
    let u = json!({"roles": words(rng, 4)});
    let v = usually(rng, u);
    put(rng, "realm_access", 0.6, v);
    let u = json!({
            "my-app": {"roles": words(rng, 3)},
            "account": {"roles": words(rng, 2)},
    });
    let v = usually(rng, u);
    put(rng, "resource_access", 0.5, v);
    let u = number(rng);
    let v = usually(rng, u);
    put(rng, "age", 0.5, v);
    let u = numbers(rng, 5);
    let v = usually(rng, u);
    put(rng, "scores", 0.5, v);
    let u = json!(rng.chance(0.5));
    let v = usually(rng, u);
    put(rng, "active", 0.4, v);
    put(rng, "nothing", 0.4, Json::Null);
    put(rng, "empty_list", 0.4, json!([]));
    put(rng, "empty_obj", 0.4, json!({}));
    put(rng, "empty_str", 0.3, json!(""));
    let v = json!(["😀", "é", "日本", "a\u{10348}b", "\u{1F600}\u{1F601}"][rng.below(5)]);
    put(rng, "unicode", 0.4, v);
    let v = Json::Array((0..rng.below(4)).map(|_| org(rng)).collect());
    put(rng, "orgs", 0.6, v);
    let mut attrs = Map::new();
    for key in ["1", "b", "10", "0", "a", "2"] {
        if rng.chance(0.6) {
            attrs.insert(key.to_string(), scalar_or_small(rng, 1));
        }
    }
    put(rng, "attrs", 0.4, Json::Object(attrs));
    let v = json!([[1, 2], [3, [4, 5]], [], "x", [["y"]]]);
    put(rng, "matrix", 0.3, v);
    let v = Json::Array((0..rng.below(6)).map(|_| scalar_or_small(rng, 1)).collect());
    put(rng, "mixed", 0.5, v);
    // Names that are also JavaScript Object.prototype members, as real keys.
    if rng.chance(0.05) {
        let key = *rng.pick(&["constructor", "toString", "__proto__", "valueOf"]);
        let v = scalar_or_small(rng, 1);
        m.insert(key.to_string(), v);
    }
    // An occasional integer-like key at the top.
    if rng.chance(0.15) {
        let v = scalar_or_small(rng, 1);
        m.insert("1".to_string(), v);
    }
    Json::Object(m)
}

/// Occasionally something other than an object at the top.
pub fn document(rng: &mut Rng) -> Json {
    if rng.chance(0.04) {
        scalar_or_small(rng, 2)
    } else {
        claims(rng)
    }
}
