//! Evaluates an arbitrary expression over an arbitrary JSON document
//! (input: `EXPRESSION \0 JSON`), in every dialect (Grafana's included), with `search_json` and
//! with `explain`; both must agree.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use rolemap_engine::{Dialect, Expression};

fuzz_target!(|data: &[u8]| {
    let Some((src, json)) = rolemap_fuzz::split(data) else {
        return;
    };
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(json) else {
        return;
    };
    for dialect in Dialect::ALL {
        let Ok(expr) = Expression::compile(src, dialect) else {
            continue;
        };
        let searched = expr.search(&doc).map(|v| (v.kind(), v.is_truthy()));
        if let Ok(v) = expr.search(&doc) {
            let _ = v.to_json();
            let _ = v.to_json_as(Dialect::Pangolin);
        }
        let _ = expr.search_json(&doc);
        let explained = expr.explain(&doc);
        let traced = explained.result.as_ref().map(|v| (v.kind(), v.is_truthy()));
        match (&searched, &traced) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{dialect}: search and explain disagree on {src:?}"),
            (Err(a), Err(b)) => assert_eq!(
                a.kind, b.kind,
                "{dialect}: search and explain fail differently on {src:?}"
            ),
            _ => panic!("{dialect}: search gave {searched:?}, explain {traced:?} for {src:?}"),
        }
    }
});
