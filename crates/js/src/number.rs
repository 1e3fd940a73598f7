//! JavaScript's number and string conversions, as jmespath.js relies on them.

use serde_json::{Number, Value as Json};

/// The integer an object key denotes if JavaScript treats it as an array
/// index (canonical decimal below 2^32 - 1), which it lists before other keys.
pub fn array_index(key: &str) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if key.len() > 1 && key.starts_with('0') {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    (n < u32::MAX as u64).then_some(n as u32)
}

/// A double as a JSON number: integral values as integers, `NaN` and the
/// infinities as `null` (what `JSON.stringify` writes), `-0` as `0`.
pub fn to_json_number(n: f64) -> Json {
    if !n.is_finite() {
        return Json::Null;
    }
    if n == n.trunc() && n.abs() < 9_007_199_254_740_992.0 {
        return Json::Number(Number::from(n as i64));
    }
    Number::from_f64(n).map_or(Json::Null, Json::Number)
}

/// The shortest decimal digits that round-trip to `n` (finite, not zero)
/// and the decimal exponent `e` with `|n| = 0.digits × 10^e`: the digits
/// of `zmij` (the shortest, and of those the closest to `n`, as
/// ECMAScript's Number::toString asks), read back from its text.
pub fn shortest_digits(n: f64) -> (String, i32) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(n.abs());
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0').to_string();
    let point = int.len() as i32 - leading as i32 + exp;
    (digits, point)
}

/// `Number.prototype.toString()` / `String(n)`.
pub fn to_js_string(n: f64) -> String {
    to_js_string_with(n, shortest_digits)
}

/// [`to_js_string`] with the digits of a finite, non-zero `n` from
/// `digits` (`|n| = 0.digits × 10^e`).
fn to_js_string_with(n: f64, digits: impl FnOnce(f64) -> (String, i32)) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let (digits, n10) = digits(n);
    layout(n < 0.0, &digits, n10)
}

/// ECMAScript's Number::toString layout of a finite, non-zero number
/// `0.digits × 10^n10` (negative when `negative`): plain up to 21 digits
/// before the point and 6 zeros after it, else exponential.
fn layout(negative: bool, digits: &str, n10: i32) -> String {
    let sign = if negative { "-" } else { "" };
    let k = digits.len() as i32;
    let body = if k <= n10 && n10 <= 21 {
        format!("{digits}{}", "0".repeat((n10 - k) as usize))
    } else if 0 < n10 && n10 <= 21 {
        format!("{}.{}", &digits[..n10 as usize], &digits[n10 as usize..])
    } else if -6 < n10 && n10 <= 0 {
        format!("0.{}{digits}", "0".repeat((-n10) as usize))
    } else {
        let exp = n10 - 1;
        let exp_sign = if exp < 0 { '-' } else { '+' };
        if k == 1 {
            format!("{digits}e{exp_sign}{}", exp.abs())
        } else {
            format!("{}.{}e{exp_sign}{}", &digits[..1], &digits[1..], exp.abs())
        }
    };
    format!("{sign}{body}")
}

/// Whether `c` is white space as JavaScript's `String.prototype.trim` sees it.
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// `+string`: JavaScript's ToNumber on a string.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let radix = |p: &str, r: u32| -> f64 {
        if p.is_empty() || !p.chars().all(|c| c.is_digit(r)) {
            return f64::NAN;
        }
        p.chars().fold(0.0, |acc, c| {
            acc * r as f64 + c.to_digit(r).unwrap_or(0) as f64
        })
    };
    let lower = t.get(..2).map(|p| p.to_ascii_lowercase());
    match lower.as_deref() {
        Some("0x") => return radix(&t[2..], 16),
        Some("0o") => return radix(&t[2..], 8),
        Some("0b") => return radix(&t[2..], 2),
        _ => {}
    }
    let (sign, rest) = match t.as_bytes()[0] {
        b'+' => (1.0, &t[1..]),
        b'-' => (-1.0, &t[1..]),
        _ => (1.0, t),
    };
    if rest == "Infinity" {
        return sign * f64::INFINITY;
    }
    if !is_decimal_literal(rest) {
        return f64::NAN;
    }
    sign * parse_decimal(rest)
}

/// The double nearest to a StrUnsignedDecimalLiteral (`s` passes
/// [`is_decimal_literal`]), read by serde_json (correctly rounded with its
/// `float_roundtrip` feature) after rewriting it to JSON's stricter syntax
/// (no leading zeros, digits on both sides of a `.`): the module then needs
/// one float parser, not two. serde_json refuses only what overflows.
pub fn parse_decimal(s: &str) -> f64 {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let is_json = !int.is_empty()
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(|f| !f.is_empty());
    let json = if is_json {
        std::borrow::Cow::Borrowed(s)
    } else {
        let int = int.trim_start_matches('0');
        let mut json = String::with_capacity(s.len() + 2);
        json.push_str(if int.is_empty() { "0" } else { int });
        if let Some(frac) = frac.filter(|f| !f.is_empty()) {
            json.push('.');
            json.push_str(frac);
        }
        if let Some(exp) = exp {
            json.push('e');
            json.push_str(exp);
        }
        std::borrow::Cow::Owned(json)
    };
    match serde_json::from_slice::<Number>(json.as_bytes()) {
        Ok(n) => n.as_f64().unwrap_or(f64::NAN),
        Err(_) => f64::INFINITY,
    }
}

/// Whether Rust's `str::parse::<f64>` accepts `s`: an optional sign, then
/// a decimal literal (digits with an optional fraction and exponent, at
/// least one digit before the exponent) or `inf`, `infinity` or `nan` in any
/// case. Checks the syntax only, without a float parser (the WebAssembly
/// module then carries one float parser, serde_json's, not two).
pub fn is_rust_float(s: &str) -> bool {
    let rest = s.strip_prefix(['+', '-']).unwrap_or(s);
    ["inf", "infinity", "nan"]
        .iter()
        .any(|w| rest.eq_ignore_ascii_case(w))
        || is_decimal_literal(rest)
}

/// StrUnsignedDecimalLiteral: digits with an optional fraction and exponent.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let int = digits(&mut i);
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if int + frac == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// JavaScript's `parseInt(text)` for the digits-and-dashes tokens the
/// jmespath.js lexer reads as numbers: an optional sign, then the leading
/// decimal digits. `None` is `NaN`.
pub fn parse_int_prefix(text: &str) -> Option<i64> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let digits: &str = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    let v: i64 = digits.parse().unwrap_or(i64::MAX);
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_number_strings() {
        for (n, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(to_js_string(n), s, "{n}");
        }
    }

    #[test]
    fn unary_plus() {
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number(" 12 "), 12.0);
        assert_eq!(string_to_number("0x10"), 16.0);
        assert_eq!(string_to_number("1e3"), 1000.0);
        assert_eq!(string_to_number(".5"), 0.5);
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
        assert!(string_to_number("abc").is_nan());
        assert!(string_to_number("1e").is_nan());
        assert!(string_to_number("-0x10").is_nan());
    }

    /// A small deterministic generator for the differential tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// `to_js_string` over `format!("{:e}")`'s digits (Rust's shortest
    /// round-trip digits) instead of zmij's: the oracle for zmij's digits,
    /// which differ from Rust's only on exact ties (see `number_strings_are_javascripts`).
    fn to_js_string_via_fmt(n: f64) -> String {
        to_js_string_with(n, |n| {
            let sci = format!("{:e}", n.abs());
            let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
            let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
            let e: i32 = exp.parse().unwrap_or(0);
            (digits, e + 1)
        })
    }

    /// `|n|`'s shortest digits by `to_js_string`, and its exact decimal
    /// digits (trailing zeros trimmed).
    fn digits_and_exact(n: f64) -> (String, String) {
        let (digits, _) = shortest_digits(n);
        let exact = format!("{:.1100e}", n.abs());
        let exact = exact.split_once('e').map_or(exact.as_str(), |p| p.0);
        let exact: String = exact.chars().filter(|c| *c != '.').collect();
        (digits, exact.trim_end_matches('0').to_string())
    }

    #[test]
    fn number_strings_are_javascripts() {
        // Checked against Node's `String(n)`: an exact tie between two
        // shortest candidates (...326.125) goes to the even one.
        assert_eq!(to_js_string(88076127010326.13), "88076127010326.12");
        assert_eq!(to_js_string(-943238624648691.3), "-943238624648691.2");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut ties = 0;
        let mut check = |n: f64| {
            let (new, old) = (to_js_string(n), to_js_string_via_fmt(n));
            if new == old {
                return;
            }
            // Rust's shortest digits round such a tie up; ECMAScript's
            // Number::toString takes the even candidate.
            let (digits, exact) = digits_and_exact(n);
            let last = digits.as_bytes()[digits.len() - 1];
            assert!(
                exact.len() == digits.len() + 1 && exact.ends_with('5') && last % 2 == 0,
                "{n:e}: {new} vs {old} (exact {exact})"
            );
            assert_eq!(new.parse::<f64>().ok(), Some(n), "{new}");
            ties += 1;
        };
        for bits in [0, 1, 2, 0x000f_ffff_ffff_ffff, 0x0010_0000_0000_0000] {
            check(f64::from_bits(bits));
        }
        for n in [
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            5e-324,
            9007199254740993.0,
        ] {
            check(n);
            check(-n);
        }
        for _ in 0..100_000 {
            // Any bit pattern (every binade).
            check(f64::from_bits(rng.next()));
            // Short decimals, as claims hold them, over a wide range.
            let width = 1 + rng.below(17) as u32;
            let m = rng.below(10u64.pow(width)) as f64;
            let e = rng.below(60) as i32 - 30;
            check(m * 10f64.powi(e));
            check(m / 10f64.powi(rng.below(25) as i32));
            // Integers around 2^53 and the 1e21 switch to exponents.
            check((rng.below(1 << 20) as f64) * 2f64.powi(rng.below(60) as i32));
        }
        assert!(ties < 1000, "{ties}");
    }

    /// A random StrUnsignedDecimalLiteral: leading zeros, long digit runs,
    /// missing integer or fraction digits, exponents far out of range.
    fn decimal_literal(rng: &mut Rng) -> String {
        let digits = |rng: &mut Rng, max: u64| -> String {
            let n = if rng.below(20) == 0 {
                rng.below(400)
            } else {
                rng.below(max)
            };
            (0..n)
                .map(|_| {
                    if rng.below(4) == 0 {
                        '0'
                    } else {
                        char::from(b'0' + rng.below(10) as u8)
                    }
                })
                .collect()
        };
        loop {
            let mut s = digits(rng, 22);
            if rng.below(2) == 0 {
                s.push('.');
                s.push_str(&digits(rng, 22));
            }
            if rng.below(2) == 0 {
                s.push(if rng.below(2) == 0 { 'e' } else { 'E' });
                match rng.below(3) {
                    0 => s.push('+'),
                    1 => s.push('-'),
                    _ => {}
                }
                let e = match rng.below(4) {
                    0 => rng.below(10),
                    1 => rng.below(400),
                    2 => 280 + rng.below(60),
                    _ => rng.below(100_000),
                };
                if rng.below(8) == 0 {
                    s.push('0');
                }
                s.push_str(&e.to_string());
            }
            if is_decimal_literal(&s) {
                return s;
            }
        }
    }

    #[test]
    fn decimals_parse_as_rust_parses_them() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for s in [
            "0",
            "00",
            "0.",
            ".0",
            "1.",
            ".5",
            "007",
            "1e400",
            "0e99999",
            "1e-400",
            "4.9e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "18446744073709551615",
            "18446744073709551616",
            "9007199254740993",
        ] {
            let want: f64 = s.parse().unwrap_or(f64::NAN);
            assert_eq!(parse_decimal(s).to_bits(), want.to_bits(), "{s}");
        }
        for _ in 0..100_000 {
            let s = decimal_literal(&mut rng);
            let want: f64 = s.parse().unwrap_or(f64::NAN);
            assert_eq!(parse_decimal(&s).to_bits(), want.to_bits(), "{s}");
        }
    }

    #[test]
    fn float_syntax_is_rusts() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let alphabet = b"0189.eE+-inftyINFTYaA ";
        let check = |s: &str| {
            assert_eq!(is_rust_float(s), s.parse::<f64>().is_ok(), "{s:?}");
        };
        for s in [
            "inf",
            "-Infinity",
            "+NaN",
            "nan",
            "infinit",
            "infinityy",
            "+",
            "-",
            "",
            ".",
            "e5",
            "1e",
            "1e+",
            "+.5",
            "-5.",
            "1.e5",
        ] {
            check(s);
        }
        for _ in 0..200_000 {
            let len = rng.below(9) as usize;
            let s: String = (0..len)
                .map(|_| char::from(alphabet[rng.below(alphabet.len() as u64) as usize]))
                .collect();
            check(&s);
        }
    }

    #[test]
    fn index_keys() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("10"), Some(10));
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("4294967295"), None);
        assert_eq!(array_index("a"), None);
    }
}
