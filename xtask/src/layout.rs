//! The order of the playground module's functions, chosen for gzip.
//!
//! gzip (DEFLATE) finds a repeat only within the last 32 KiB it has read,
//! and many of a module's functions are near-copies of others: the
//! instantiations of one generic function, the derived (de)serializers,
//! pest's rule functions. Side by side, each after the first costs little;
//! scattered through half a megabyte, each is paid for again.
//!
//! [`name_section`] picks an order greedily: it starts with the largest
//! function, and after each function comes the one that shares the most
//! 4-byte sequences with the last two placed (Jaccard similarity). It
//! writes that order as the functions' names, which wasm-opt's
//! `--reorder-functions-by-name` then applies (renumbering every call,
//! export and table entry).
//!
//! Measured on the playground module: -2.5% gzipped against functions
//! sorted by their Rust names (which groups the instantiations of one
//! generic function, -2% against wasm-opt's order). Putting the most
//! called functions first, where a call to them takes one byte instead of
//! two, saved 0.8% of the raw module but cost 0.3% gzipped; not done.
//!
//! The order depends only on the module's bytes (ties go to the lower
//! index, and where no function is like the last ones the lowest unplaced
//! index comes next), so the same module always gets the same layout. The
//! module comes with its functions sorted by their Rust names, so that
//! index order is itself a fair guess.

use std::collections::HashMap;

use wasm_encoder::{NameMap, NameSection};
use wasmparser::{Parser, Payload, TypeRef};

/// Length of the byte sequences compared.
const GRAM: usize = 4;
/// A sequence found in more functions than this (common instruction
/// pairs, prologues) says nothing about which functions are alike. Of 200,
/// 400 and 1000, 400 gave the smallest module (within 0.15% of each other).
const COMMON: usize = 400;
/// How many of the last placed functions the next one is compared with.
const WINDOW: usize = 2;

/// The functions defined in a module.
struct Functions {
    /// How many functions the module imports (they come first in the
    /// index space, and keep their places).
    imported: u32,
    /// The distinct byte sequences of each body, sorted.
    grams: Vec<Vec<u32>>,
}

/// A `name` custom section naming each function of `module` by its place in
/// the layout, for wasm-opt's `--reorder-functions-by-name`.
pub fn name_section(module: &[u8]) -> Result<NameSection, String> {
    let functions = read(module).map_err(|e| format!("cannot read the wasm module: {e}"))?;
    let order = layout(&functions);
    let mut place = vec![0; order.len()];
    for (i, &f) in order.iter().enumerate() {
        place[f] = i;
    }
    let mut names = NameMap::new();
    for (f, i) in place.iter().enumerate() {
        let index = functions.imported + u32::try_from(f).map_err(|e| e.to_string())?;
        names.append(index, &format!("f{i:06}"));
    }
    let mut section = NameSection::new();
    section.functions(&names);
    Ok(section)
}

/// The module's imported function count, and each body's sequences.
fn read(module: &[u8]) -> wasmparser::Result<Functions> {
    let mut imported = 0;
    let mut grams = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                grams.push(sequences(&module[range.start as usize..range.end as usize]));
            }
            _ => {}
        }
    }
    Ok(Functions { imported, grams })
}

/// The distinct [`GRAM`]-byte sequences of `body`, sorted.
fn sequences(body: &[u8]) -> Vec<u32> {
    let mut out: Vec<u32> = body
        .windows(GRAM)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The functions (indices into `functions.grams`) in layout order.
fn layout(functions: &Functions) -> Vec<usize> {
    let n = functions.grams.len();
    let mut holders: HashMap<u32, Vec<usize>> = HashMap::new();
    for (f, grams) in functions.grams.iter().enumerate() {
        for &g in grams {
            holders.entry(g).or_default().push(f);
        }
    }
    holders.retain(|_, fs| fs.len() <= COMMON);
    let mut greedy = Greedy {
        functions,
        holders: &holders,
        placed: vec![false; n],
        order: Vec::with_capacity(n),
        window: HashMap::new(),
        shared: vec![0; n],
    };
    let largest = (0..n).max_by_key(|&f| (functions.grams[f].len(), std::cmp::Reverse(f)));
    if let Some(f) = largest {
        greedy.place(f);
    }
    while greedy.order.len() < n {
        let next = greedy
            .most_similar()
            .or_else(|| greedy.placed.iter().position(|p| !p));
        match next {
            Some(f) => greedy.place(f),
            None => break,
        }
    }
    greedy.order
}

/// The state of the greedy layout.
struct Greedy<'a> {
    functions: &'a Functions,
    /// For each telling sequence, the functions that hold it.
    holders: &'a HashMap<u32, Vec<usize>>,
    placed: Vec<bool>,
    order: Vec<usize>,
    /// The sequences of the last [`WINDOW`] placed functions, counted.
    window: HashMap<u32, usize>,
    /// Scratch: sequences each candidate shares with the window.
    shared: Vec<usize>,
}

impl Greedy<'_> {
    /// The unplaced function most like the window, if any shares a telling
    /// sequence with it.
    fn most_similar(&mut self) -> Option<usize> {
        let mut touched = Vec::new();
        for g in self.window.keys() {
            for &f in self.holders.get(g).map_or(&[][..], Vec::as_slice) {
                if !self.placed[f] {
                    if self.shared[f] == 0 {
                        touched.push(f);
                    }
                    self.shared[f] += 1;
                }
            }
        }
        let window = self.window.len();
        let mut best: Option<(f64, usize)> = None;
        for &f in &touched {
            let shared = self.shared[f];
            let union = self.functions.grams[f].len() + window - shared + 1;
            let score = shared as f64 / union as f64;
            if best.is_none_or(|(s, b)| score > s || (score == s && f < b)) {
                best = Some((score, f));
            }
            self.shared[f] = 0;
        }
        best.map(|(_, f)| f)
    }

    /// Appends `f` to the layout and slides the window.
    fn place(&mut self, f: usize) {
        self.placed[f] = true;
        self.order.push(f);
        for &g in &self.functions.grams[f] {
            *self.window.entry(g).or_default() += 1;
        }
        if self.order.len() > WINDOW {
            let old = self.order[self.order.len() - 1 - WINDOW];
            for g in &self.functions.grams[old] {
                if let Some(c) = self.window.get_mut(g) {
                    *c -= 1;
                    if *c == 0 {
                        self.window.remove(g);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn functions(bodies: &[&[u8]]) -> Functions {
        Functions {
            imported: 0,
            grams: bodies.iter().map(|b| sequences(b)).collect(),
        }
    }

    #[test]
    fn alike_functions_end_up_side_by_side() {
        let a: &[u8] = b"aaaaaaaabbbbbbbbcccccccc";
        let x: &[u8] = b"0123456789abcdefghijklmn";
        let a2: &[u8] = b"aaaaaaaabbbbbbbbccccccc#";
        let x2: &[u8] = b"0123456789abcdefghijklm#";
        let order = layout(&functions(&[a, x, a2, x2, b"z"]));
        let at = |f: usize| {
            order
                .iter()
                .position(|&g| g == f)
                .expect("every function placed")
        };
        assert_eq!(order.len(), 5);
        assert_eq!(at(0).abs_diff(at(2)), 1, "{order:?}");
        assert_eq!(at(1).abs_diff(at(3)), 1, "{order:?}");
    }

    #[test]
    fn the_section_names_every_defined_function() {
        // (module (import "m" "f" (func)) (func) (func call 0))
        let module = [
            0, 97, 115, 109, 1, 0, 0, 0, // header
            1, 4, 1, 96, 0, 0, // type section: () -> ()
            2, 7, 1, 1, 109, 1, 102, 0, 0, // import m.f
            3, 3, 2, 0, 0, // two functions
            10, 9, 2, 2, 0, 11, 4, 0, 16, 0, 11, // code
        ];
        let section = name_section(&module).expect("a well-formed module");
        let mut out = wasm_encoder::Module::new();
        out.section(&section);
        let bytes = out.finish();
        assert_eq!(bytes[8], 0, "a custom section");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("name"));
        assert!(
            text.contains("f000000") && text.contains("f000001"),
            "{text}"
        );
    }
}
