//! Parses arbitrary bytes as a sample-claims file of each kind (JSON, JWT,
//! JSONL, and a sniffed `.txt`).
#![no_main]
#![forbid(unsafe_code)]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rolemap_simulate::samples::parse_samples;

fuzz_target!(|data: &[u8]| {
    for kind in ["json", "jwt", "jsonl", "txt"] {
        let path = format!("sample.{kind}");
        match parse_samples(data, kind, Path::new(&path), &path) {
            Ok(samples) => {
                assert!(!samples.is_empty(), "{kind}: no samples and no error");
                for s in &samples {
                    assert!(s.claims.as_json().is_object());
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
