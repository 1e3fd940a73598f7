//! JavaScript's semantics where jmespath.js (the engine Pangolin runs) and
//! Pangolin's TypeScript inherit them: number conversions and printing,
//! `String.prototype.trim` and `toLowerCase`, `JSON.stringify`'s numbers,
//! the names every object inherits. Internal to rolemap: the engine, the
//! linter and the simulator share these definitions; none is public API of
//! the engine.

#![forbid(unsafe_code)]

mod json_text;
pub mod number;
pub mod unicode;

pub use json_text::json_text;
pub use unicode::js_lowercase;

/// The properties every JavaScript object inherits from `Object.prototype`:
/// its methods, then `__proto__` (the accessor, always last).
pub const OBJECT_PROTOTYPE_NAMES: [&str; 12] = [
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "__proto__",
];

/// JavaScript's `String.prototype.trim` (Pangolin trims mapping results and
/// role names with it; it removes more than ASCII white space).
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(number::is_js_space)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_character_properties_are_rusts() {
        for c in '\0'..='\x7f' {
            assert_eq!(
                super::unicode::char_properties(c),
                (c.is_uppercase(), c.is_whitespace(), c.is_alphanumeric()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn trim_removes_javascripts_white_space() {
        assert_eq!(super::js_trim("\u{feff}\u{a0} Admin\u{2028}\t"), "Admin");
        assert_eq!(super::js_trim("\u{200b}Admin"), "\u{200b}Admin");
    }
}
