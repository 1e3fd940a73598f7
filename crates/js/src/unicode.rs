//! Unicode case mapping and character properties, decided in one place:
//! natively from Rust's tables; in the browser's WebAssembly module
//! (`wasm32-unknown-unknown` with the feature `browser`, built with
//! wasm-bindgen) from the browser's own JavaScript, so the module carries
//! no Unicode tables. Both follow the Unicode standard.

/// JavaScript's `s.toLowerCase()` (full Unicode case mapping, final sigma
/// included). Natively Rust's `str::to_lowercase`, which implements the
/// same mapping; in the WebAssembly module the browser's own
/// `String.prototype.toLowerCase`, so that the module carries no Unicode
/// case tables. ASCII text is lowered without either.
pub fn js_lowercase(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    #[cfg(not(browser))]
    return s.to_lowercase();
    #[cfg(browser)]
    return browser::to_lower_case(s);
}

/// The first character of `c`'s lower case (Rust's `char::to_lowercase`,
/// through [`js_lowercase`] in the WebAssembly module: the mappings agree on
/// a lone character).
pub fn lowercase_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    #[cfg(not(browser))]
    return c.to_lowercase().next().unwrap_or(c);
    #[cfg(browser)]
    return js_lowercase(c.encode_utf8(&mut [0; 4]))
        .chars()
        .next()
        .unwrap_or(c);
}

/// Go's `unicode.ToLower` / `unicode.ToUpper` of one code point: the
/// simple case mapping (a character whose full mapping is longer than one
/// code point keeps itself; U+0130 lowers to `i`). In the WebAssembly
/// module the browser maps it, so that the module carries no case tables.
pub fn simple_case(c: char, upper: bool) -> char {
    if c.is_ascii() {
        return if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        };
    }
    if c == '\u{130}' && !upper {
        return 'i';
    }
    #[cfg(not(browser))]
    let mapped: String = if upper {
        c.to_uppercase().collect()
    } else {
        c.to_lowercase().collect()
    };
    #[cfg(browser)]
    let mapped = {
        let text = c.encode_utf8(&mut [0; 4]).to_string();
        if upper {
            browser::to_upper_case(&text)
        } else {
            browser::to_lower_case(&text)
        }
    };
    let mut chars = mapped.chars();
    match (chars.next(), chars.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}

/// Unicode properties of `c`: (Uppercase, White_Space, Alphabetic or
/// Numeric), what Rust's `char::is_uppercase`, `is_whitespace` and
/// `is_alphanumeric` answer. In the WebAssembly module, for a character
/// outside ASCII, the browser answers (`\p{...}` in a regular expression),
/// so that the module carries no tables of these properties.
pub fn char_properties(c: char) -> (bool, bool, bool) {
    if c.is_ascii() {
        return (
            c.is_ascii_uppercase(),
            matches!(c, ' ' | '\t'..='\r'),
            c.is_ascii_alphanumeric(),
        );
    }
    #[cfg(not(browser))]
    return (c.is_uppercase(), c.is_whitespace(), c.is_alphanumeric());
    #[cfg(browser)]
    {
        let bits = browser::char_properties(c.encode_utf8(&mut [0; 4]));
        (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0)
    }
}

/// Whether Rust's debug form (`{:?}`) shows the non-ASCII character `c`
/// as it is. Rust escapes (as `\u{..}`) the characters of the general
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, and those that extend the
/// one before them (Grapheme_Extend); in the WebAssembly module the
/// browser answers from the same properties, so that the module carries no
/// tables of them.
pub fn is_shown_as_is(c: char) -> bool {
    #[cfg(not(browser))]
    return c.escape_debug().len() == 1;
    #[cfg(browser)]
    return browser::is_shown_as_is(c.encode_utf8(&mut [0; 4]));
}

/// What the WebAssembly module asks of the browser.
#[cfg(browser)]
mod browser {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen(inline_js = r"
export function to_lower_case(s) { return s.toLowerCase(); }
export function to_upper_case(s) { return s.toUpperCase(); }
export function char_properties(c) {
  return (/\p{Uppercase}/u.test(c) ? 1 : 0)
    | (/\p{White_Space}/u.test(c) ? 2 : 0)
    | (/[\p{Alphabetic}\p{N}]/u.test(c) ? 4 : 0);
}
export function is_shown_as_is(c) {
  return !/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u.test(c);
}
")]
    extern "C" {
        /// `s.toLowerCase()`.
        pub fn to_lower_case(s: &str) -> String;
        /// `s.toUpperCase()`.
        pub fn to_upper_case(s: &str) -> String;
        /// The Unicode properties of the character `c` (see
        /// [`super::char_properties`]), as bits 1, 2 and 4.
        pub fn char_properties(c: &str) -> u32;
        /// Whether Rust's debug form shows the character `c` as it is
        /// (see [`super::is_shown_as_is`]).
        pub fn is_shown_as_is(c: &str) -> bool;
    }
}
