//! The stack that recursions over expressions and values run on: parsing
//! and evaluation nest as deeply as the text and the claims do, so a
//! recursion grows the stack (stacker) before it could run out.

/// Stack left when a recursion over values grows the stack.
const RED_ZONE: usize = 256 * 1024;
/// How much stack such a recursion adds at a time.
const GROWTH: usize = 1024 * 1024;

/// The stack one level of nesting (a bracket, `!`, `&`, `let`) may take
/// while pest parses it, with margin: the most measured was about 6 KiB
/// optimized and 36 KiB unoptimized per level, in the pest dialects (a
/// filter, a comparison, `&&`, `||` and a pipe between each two brackets);
/// the Go grammar's levels take less. `tests/tests/depth.rs` parses such
/// texts at every nesting up to the limit on small stacks.
const PARSE_PER_LEVEL: usize = if cfg!(debug_assertions) {
    64 * 1024
} else {
    16 * 1024
};
/// Where the stack left is unknown (WebAssembly), the nesting beyond which
/// a parse runs on a stack of its own.
const UNKNOWN_STACK_NESTING: u32 = 24;
/// The stack such a parse gets at least (reserved, not committed, until
/// used): the deepest parse [`crate::Limits`] allows fits in it.
const PARSE_STACK: usize = 64 * 1024 * 1024;

/// Runs `f` with at least [`RED_ZONE`] of stack left, growing the stack
/// first when less is. `f` is a `dyn` so that stacker's code is
/// instantiated once per result type, not once per call site.
pub(crate) fn with_stack<R>(f: &mut dyn FnMut() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, GROWTH, f)
}

/// Runs `parse`, a parse of a text that nests `nesting` levels deep, on a
/// stack with room for it: the current one when enough of it is left (a
/// new stack costs a mapping and fresh pages on every parse), else a stack
/// of its own.
pub(crate) fn with_parse_stack<R>(nesting: u32, parse: impl FnOnce() -> R) -> R {
    let needed = RED_ZONE + nesting as usize * PARSE_PER_LEVEL;
    let fits = match stacker::remaining_stack() {
        Some(left) => left >= needed,
        None => nesting <= UNKNOWN_STACK_NESTING,
    };
    if fits {
        parse()
    } else {
        stacker::grow(PARSE_STACK.max(needed), parse)
    }
}

/// The stack one level of a document's nesting may take while a Go engine
/// copies, searches, writes and drops it, with margin: the most measured
/// was about 1 KiB optimized and 2.2 KiB unoptimized per level (a result
/// that is the whole document, copied back into a [`crate::Value`]).
#[cfg(feature = "grafana")]
const VALUE_PER_LEVEL: usize = if cfg!(debug_assertions) {
    8 * 1024
} else {
    4 * 1024
};

/// Runs `search`, over a document nested `depth` levels deep, on a stack
/// with room for it (see [`with_parse_stack`]).
#[cfg(feature = "grafana")]
pub(crate) fn with_value_stack<R>(depth: usize, search: impl FnOnce() -> R) -> R {
    let needed = RED_ZONE + depth * VALUE_PER_LEVEL;
    match stacker::remaining_stack() {
        Some(left) if left < needed => stacker::grow(needed, search),
        _ => search(),
    }
}
