//! Parses arbitrary text in every dialect (Grafana's included). A parsed expression must print to
//! canonical text that parses back to the same tree (up to the form of
//! literals: the printer may write a raw string `'…'` as a JSON literal
//! `` `"…"` ``), and printing must be idempotent.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use rolemap_engine::{Dialect, Expression};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in Dialect::ALL {
        let Ok(expr) = Expression::compile(src, dialect) else {
            continue;
        };
        let canonical = expr.canonical();
        match Expression::compile(&canonical, dialect) {
            Ok(again) => {
                assert_eq!(
                    rolemap_fuzz::shape(again.ast()),
                    rolemap_fuzz::shape(expr.ast()),
                    "{dialect}: the canonical form {canonical:?} of {src:?} parses to another tree"
                );
                assert_eq!(
                    again.canonical(),
                    canonical,
                    "{dialect}: printing is not idempotent"
                );
            }
            Err(e) => {
                panic!("{dialect}: the canonical form {canonical:?} of {src:?} does not parse: {e}")
            }
        }
    }
});
