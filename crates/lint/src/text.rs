//! Work on the source text itself: where the quoted parts are, and edits
//! whose spans map back to the original text.

use std::ops::Range;

use rolemap_lexical::Quoted;

/// What a byte of the source is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// Expression syntax.
    Code,
    /// A `'raw string'` (quotes included).
    Raw,
    /// A `"quoted name"` (quotes included).
    Quoted,
    /// A `` `literal` `` (backticks included).
    Literal,
}

/// The regions of `src`, as (range, region) in order: the quoted parts as
/// the engine's parser finds them, and the code between them.
pub fn regions(src: &str) -> Vec<(Range<usize>, Region)> {
    let mut out = Vec::new();
    let mut code_start = 0;
    for (range, quoted) in rolemap_lexical::quoted_parts(src) {
        if code_start < range.start {
            out.push((code_start..range.start, Region::Code));
        }
        code_start = range.end;
        let region = match quoted {
            Quoted::Raw => Region::Raw,
            Quoted::Name => Region::Quoted,
            Quoted::Literal => Region::Literal,
        };
        out.push((range, region));
    }
    if code_start < src.len() {
        out.push((code_start..src.len(), Region::Code));
    }
    out
}

/// The region of the byte at `pos`.
pub fn region_at(regions: &[(Range<usize>, Region)], pos: usize) -> Region {
    regions
        .iter()
        .find(|(r, _)| r.contains(&pos))
        .map_or(Region::Code, |(_, k)| *k)
}

/// A text with replacements, remembering how to map its positions back.
#[derive(Clone, Debug)]
pub struct Patched {
    /// The text after the edits.
    pub text: String,
    /// (range in the original, range in `text`) of every edit, in order.
    edits: Vec<(Range<usize>, Range<usize>)>,
}

impl Patched {
    /// The text unchanged.
    pub fn new(src: &str) -> Patched {
        Patched {
            text: src.to_string(),
            edits: Vec::new(),
        }
    }

    /// Replaces `range` (in the CURRENT text) with `with`.
    pub fn replace(&mut self, range: Range<usize>, with: &str) {
        if range.start > range.end
            || range.end > self.text.len()
            || !self.text.is_char_boundary(range.start)
            || !self.text.is_char_boundary(range.end)
        {
            return;
        }
        let orig = self.to_orig(range.start)..self.to_orig(range.end);
        let delta = with.len() as isize - range.len() as isize;
        self.text.replace_range(range.clone(), with);
        // Shift later edits.
        for (_, new) in &mut self.edits {
            if new.start >= range.end {
                new.start = (new.start as isize + delta).max(0) as usize;
                new.end = (new.end as isize + delta).max(0) as usize;
            }
        }
        self.edits
            .push((orig, range.start..range.start + with.len()));
        sort_by_key(&mut self.edits, |(_, n)| n.start);
    }

    /// Maps a position of the current text to the original text.
    pub fn to_orig(&self, pos: usize) -> usize {
        let mut shift: isize = 0;
        for (orig, new) in &self.edits {
            if pos < new.start {
                break;
            }
            if pos < new.end || (pos == new.end && new.is_empty()) {
                // Inside an edit: its start, or its end if at its end.
                return if pos == new.start {
                    orig.start
                } else {
                    orig.end
                };
            }
            shift = orig.end as isize - new.end as isize;
        }
        (pos as isize + shift).max(0) as usize
    }

    /// Maps a span of the current text to the original text.
    pub fn span_to_orig(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.to_orig(start);
        let e = self.to_orig(end).max(s);
        (s, e)
    }
}

/// The candidate closest to `word` (case-insensitive, small edit distance).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = rolemap_js::js_lowercase(word);
    let limit = (w.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::levenshtein(&w, &rolemap_js::js_lowercase(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// `s` as a raw string literal `'...'` (jmespath.js unescapes only the first
/// `\'`, so a string with two or more quotes becomes a JSON literal).
pub fn raw_string(s: &str) -> String {
    match s.matches('\'').count() {
        0 => format!("'{s}'"),
        1 if !s.contains('\\') && !s.contains('`') => format!("'{}'", s.replace('\'', "\\'")),
        _ => {
            let json = serde_json::Value::from(s).to_string();
            format!("`{}`", json.replace('`', "\\`"))
        }
    }
}

/// `s` as a `"quoted name"`.
pub fn quoted_name(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Sorts `items` by `key`, equal keys keeping their order (as
/// `slice::sort_by_key` does). An insertion sort, for the short or nearly
/// sorted lists of this crate (edits, diagnostics), so that the WebAssembly
/// playground holds no instantiation of the standard library's sort for
/// their types.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patched_maps_back() {
        let mut p = Patched::new("a.my-app.b");
        p.replace(2..8, "\"my-app\"");
        assert_eq!(p.text, "a.\"my-app\".b");
        assert_eq!(p.to_orig(11), 9);
        assert_eq!(p.span_to_orig(2, 10), (2, 8));
        assert_eq!(p.to_orig(0), 0);
        p.replace(0..1, "\"a\"");
        assert_eq!(p.text, "\"a\".\"my-app\".b");
        assert_eq!(p.to_orig(13), 9);
    }

    #[test]
    fn distance() {
        assert_eq!(strsim::levenshtein("grops", "groups"), 1);
        assert_eq!(did_you_mean("Grops", ["groups", "sub"]), Some("groups"));
        assert_eq!(did_you_mean("xyz", ["groups"]), None);
    }

    #[test]
    fn regions_split() {
        let r = regions("a == 'x' || \"y\"");
        assert_eq!(region_at(&r, 6), Region::Raw);
        assert_eq!(region_at(&r, 13), Region::Quoted);
        assert_eq!(region_at(&r, 0), Region::Code);
    }
}
