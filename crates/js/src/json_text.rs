//! JSON text as each dialect's engine writes it.
//!
//! serde_json writes some doubles in exponent form where JavaScript does
//! not (`1e+16`, `1e-6`), and integral ones past 2^53 with a trailing `.0`
//! (`9007199254740992.0`); JavaScript's `JSON.stringify`, which Pangolin's
//! engine answers through, writes `10000000000000000`, `0.000001` and
//! `9007199254740992` (`Number.prototype.toString`). The same digits,
//! another layout: the output of `rolemap eval` should read as node's does.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use serde_json::Value as Json;

use crate::number;

/// `value` as JSON text, its numbers written as JavaScript's
/// `JSON.stringify` writes them when `js` (serde_json's forms otherwise),
/// with two-space indents when `pretty`, on one line otherwise.
pub fn json_text(value: &Json, js: bool, pretty: bool) -> String {
    let mut out = Vec::new();
    let written = match (js, pretty) {
        (false, false) => write(value, &mut out, CompactFormatter),
        (false, true) => write(value, &mut out, PrettyFormatter::new()),
        (true, false) => write(value, &mut out, JsNumbers(CompactFormatter)),
        (true, true) => write(value, &mut out, JsNumbers(PrettyFormatter::new())),
    };
    match written {
        // serde_json writes UTF-8 (keys and strings come from `str`s).
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => value.to_string(),
    }
}

fn write<F: Formatter>(value: &Json, out: &mut Vec<u8>, formatter: F) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

/// A formatter that writes doubles as JavaScript does, and everything else
/// as the formatter it wraps.
struct JsNumbers<F>(F);

impl<F: Formatter> Formatter for JsNumbers<F> {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        // serde_json's `Value` holds finite doubles only.
        writer.write_all(number::to_js_string(value).as_bytes())
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::json_text;
    use serde_json::json;

    #[test]
    fn numbers_read_as_node_writes_them() {
        // node -e 'console.log(JSON.stringify([1e16, 1e-6, 1e21, 2**53, 0.1, -1.5e-7, 123.456, 5]))'
        let v = json!([
            1e16,
            1e-6,
            1e21,
            9007199254740992.0,
            0.1,
            -1.5e-7,
            123.456,
            5
        ]);
        assert_eq!(
            json_text(&v, true, false),
            "[10000000000000000,0.000001,1e+21,9007199254740992,0.1,-1.5e-7,123.456,5]"
        );
        assert_eq!(
            json_text(&json!({"a": [1e16]}), true, true),
            "{\n  \"a\": [\n    10000000000000000\n  ]\n}"
        );
        // Otherwise serde_json's forms stay.
        assert_eq!(json_text(&json!([1e16]), false, false), "[1e+16]");
    }
}
