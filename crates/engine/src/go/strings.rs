//! The functions only the community engine has, as Go's `strings` package
//! computes them: offsets and widths count bytes, `length` elsewhere counts
//! code points, `lower`/`upper` map each code point on its own.

use std::rc::Rc;

use crate::ast::Span;

use super::eval::{go_error, Interp, Res};
use super::value::{GoMap, GoValue as V};

fn integer(v: Option<&V<'_>>) -> Option<i64> {
    match v {
        Some(V::Number(n)) if n.floor() == *n && n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

fn not_integer(name: &str, arg: &str, span: Span) -> crate::Error {
    go_error(
        format!(
            "invalid value, the function '{name}' expects its '{arg}' argument to be an integer."
        ),
        span,
    )
}

fn not_positive(name: &str, arg: &str, span: Span) -> crate::Error {
    go_error(
        format!("invalid value, the function '{name}' expects its '{arg}' argument to be a an integer value greater than or equal to zero."),
        span,
    )
}

fn s<'v>(args: &'v [V<'_>], i: usize) -> &'v str {
    match args.get(i) {
        Some(V::String(s)) => s,
        _ => "",
    }
}

pub(crate) fn call<'a>(it: &mut Interp<'a, '_>, name: &str, args: &[V<'a>], span: Span) -> Res<'a> {
    Ok(match name {
        "find_first" | "find_last" => return find_in(name, args, span),
        "from_items" => return from_items(args, span),
        "group_by" => return group_by(it, args, span),
        "lower" => V::str(&s(args, 0).chars().map(lower).collect::<String>()),
        "upper" => V::str(&s(args, 0).chars().map(upper).collect::<String>()),
        "pad_left" | "pad_right" => return pad(it, name, args, span),
        "replace" => {
            let (subject, old, new) = (s(args, 0), s(args, 1), s(args, 2));
            let count = if args.len() > 3 {
                Some(
                    integer(args.get(3))
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| not_positive(name, "count", span))?
                        as usize,
                )
            } else {
                None
            };
            V::str(&go_replace(subject, old, new, count))
        }
        "split" => return split(name, args, span),
        "trim" | "trim_left" | "trim_right" => {
            let text = s(args, 0);
            let cutset = if args.len() > 1 { s(args, 1) } else { "" };
            let pred = |c: char| {
                if cutset.is_empty() {
                    is_go_space(c)
                } else {
                    cutset.contains(c)
                }
            };
            V::str(match name {
                "trim" => text.trim_matches(pred),
                "trim_left" => text.trim_start_matches(pred),
                _ => text.trim_end_matches(pred),
            })
        }
        "zip" => {
            let arrays: Vec<&Rc<Vec<V<'a>>>> = args
                .iter()
                .filter_map(|a| match a {
                    V::Array(x) => Some(x),
                    _ => None,
                })
                .collect();
            let count = arrays.iter().map(|a| a.len()).min().unwrap_or(0);
            V::array(
                (0..count)
                    .map(|i| V::array(arrays.iter().map(|a| a[i].clone()).collect()))
                    .collect(),
            )
        }
        _ => return Err(go_error(format!("unknown function: {name}"), span)),
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Go's `unicode.IsSpace`.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && crate::char_properties(c).1)
}

fn lower(c: char) -> char {
    crate::simple_case(c, false)
}

fn upper(c: char) -> char {
    crate::simple_case(c, true)
}

/// `strings.Replace(s, old, new, n)` (`None`: every occurrence); an empty
/// `old` matches before every code point and at the end.
fn go_replace(s: &str, old: &str, new: &str, n: Option<usize>) -> String {
    let limit = n.unwrap_or(usize::MAX);
    if old.is_empty() {
        let mut out = String::new();
        let mut done = 0;
        for c in s.chars() {
            if done < limit {
                out.push_str(new);
                done += 1;
            }
            out.push(c);
        }
        if done < limit {
            out.push_str(new);
        }
        return out;
    }
    s.replacen(old, new, limit)
}

/// `strings.SplitN(s, sep, n)` (`None`: no limit); an empty `sep` splits
/// into code points.
fn go_split<'s>(s: &'s str, sep: &str, n: Option<usize>) -> Vec<&'s str> {
    let limit = n.unwrap_or(usize::MAX);
    if sep.is_empty() {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            if out.len() + 1 == limit {
                out.push(rest);
                return out;
            }
            let w = rest.chars().next().map_or(1, char::len_utf8);
            out.push(&rest[..w]);
            rest = &rest[w..];
        }
        return out;
    }
    s.splitn(limit, sep).collect()
}

/// `find_first` / `find_last`: byte offsets, as Go's `strings.Index`.
fn find_in<'a>(name: &str, args: &[V<'a>], span: Span) -> Res<'a> {
    let value = {
        let (subject, sub) = (s(args, 0), s(args, 1));
        if subject.is_empty() || sub.is_empty() {
            return Ok(V::Nil);
        }
        let mut start = 0usize;
        if args.len() > 2 {
            let n = integer(args.get(2)).ok_or_else(|| not_integer(name, "start", span))?;
            start = n.max(0) as usize;
        }
        let mut end = subject.len();
        if args.len() > 3 {
            let n = integer(args.get(3)).ok_or_else(|| not_integer(name, "end", span))?;
            if n < 0 {
                return Err(go_error(
                    format!("runtime error: slice bounds out of range [:{n}]"),
                    span,
                ));
            }
            end = n.min(subject.len() as i64) as usize;
        }
        if start > end {
            return Err(go_error(
                format!("runtime error: slice bounds out of range [{start}:{end}]"),
                span,
            ));
        }
        let hay = &subject.as_bytes()[start..end];
        let found = if name == "find_first" {
            find(hay, sub.as_bytes())
        } else {
            rfind(hay, sub.as_bytes())
        };
        match found {
            Some(off) => V::Number((start + off) as f64),
            None => V::Nil,
        }
    };
    Ok(value)
}

/// `from_items`: pairs of a string and a value.
fn from_items<'a>(args: &[V<'a>], span: Span) -> Res<'a> {
    let value = {
        let bad = "invalid value, each array must contain two elements, a pair of string and value";
        let V::Array(a) = &args[0] else {
            return Ok(V::Nil);
        };
        if !a.iter().all(|x| matches!(x, V::Array(_))) {
            return Err(go_error(
                "invalid type, first argument must be an array of arrays",
                span,
            ));
        }
        let mut out = GoMap::new();
        for item in a.iter() {
            let V::Array(pair) = item else { continue };
            match pair.as_slice() {
                [V::String(k), v] => {
                    out.insert(Rc::clone(k), v.clone());
                }
                _ => return Err(go_error(bad, span)),
            }
        }
        V::Object(Rc::new(out))
    };
    Ok(value)
}

/// `group_by`: the key must be a string; an empty array gives `null`.
fn group_by<'a>(it: &mut Interp<'a, '_>, args: &[V<'a>], span: Span) -> Res<'a> {
    let value = {
        let (V::Array(a), V::ExprRef(e)) = (&args[0], &args[1]) else {
            return Ok(V::Nil);
        };
        if a.is_empty() {
            return Ok(V::Nil);
        }
        // Each group's array is the map's only reference to it while it
        // grows: pushing to it copies nothing.
        let mut groups = GoMap::new();
        for item in a.iter() {
            let V::String(key) = it.eval(e, item)? else {
                return Err(go_error(
                    "invalid type, the expression must evaluate to a string",
                    span,
                ));
            };
            match groups.get_mut(&key) {
                Some(V::Array(list)) => Rc::make_mut(list).push(item.clone()),
                _ => {
                    groups.insert(key, V::array(vec![item.clone()]));
                }
            }
        }
        V::Object(Rc::new(groups))
    };
    Ok(value)
}

/// `pad_left` / `pad_right`: the width counts bytes, the pad is one byte.
fn pad<'a>(it: &mut Interp<'a, '_>, name: &str, args: &[V<'a>], span: Span) -> Res<'a> {
    let value = {
        let text = s(args, 0);
        let width = integer(args.get(1))
            .filter(|n| *n >= 0)
            .ok_or_else(|| not_positive(name, "width", span))?;
        let pad = if args.len() > 2 { s(args, 2) } else { " " };
        if pad.len() > 1 {
            return Err(go_error(
                format!("invalid value, the function '{name}' expects its 'pad' argument to be a string of length 1"),
                span,
            ));
        }
        let n = (width - text.len() as i64).max(0) as usize;
        it.budget(n as u64, span)?;
        let padding = pad.repeat(n);
        V::str(&if name == "pad_left" {
            padding + text
        } else {
            text.to_string() + &padding
        })
    };
    Ok(value)
}

/// `split`: `''` gives `[]`, a count of 0 the whole string.
fn split<'a>(name: &str, args: &[V<'a>], span: Span) -> Res<'a> {
    let value = {
        let text = s(args, 0);
        if text.is_empty() {
            return Ok(V::array(Vec::new()));
        }
        let sep = s(args, 1);
        let n = if args.len() > 2 {
            Some(
                integer(args.get(2))
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| not_positive(name, "count", span))?,
            )
        } else {
            None
        };
        if n == Some(0) {
            return Ok(V::array(vec![V::str(text)]));
        }
        let parts = go_split(text, sep, n.map(|n| n as usize + 1));
        V::array(parts.into_iter().map(V::str).collect())
    };
    Ok(value)
}
