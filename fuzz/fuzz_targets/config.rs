//! Parses arbitrary text as a simulation config in each format (TOML, JSON,
//! YAML); a config that loads is simulated over a few fixed users.
#![no_main]
#![forbid(unsafe_code)]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rolemap_simulate::{Claims, Config, Format, Options, Simulator};
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let users = [
        json!({"sub": "1", "preferred_username": "alice", "email": "alice@example.com",
               "groups": ["admin", "home-lab"], "roles": ["Admin"]}),
        json!({"sub": "2", "name": "Bob", "groups": "users", "email_verified": false}),
        json!({}),
    ];
    for (format, name) in [
        (Format::Toml, "fuzz.toml"),
        (Format::Json, "fuzz.json"),
        (Format::Yaml, "fuzz.yaml"),
    ] {
        let Ok(config) = Config::parse(text, format, Path::new(name)) else {
            continue;
        };
        let _ = config.callback_url();
        let _ = config.sample_paths();
        let simulator = Simulator::new(&config);
        for (i, user) in users.iter().enumerate() {
            let Ok(claims) = Claims::from_json(user.clone()) else {
                continue;
            };
            for all_claims in [false, true] {
                let options = Options {
                    all_claims,
                    ..Options::default()
                };
                let outcome = simulator.simulate_claims(&format!("user{i}"), &claims, &options);
                let _ = serde_json::to_string(&outcome);
            }
        }
    }
});
