//! Resource bounds that turn runaway input into a clear error.

/// Bounds on what compilation and evaluation may take.
///
/// The defaults are generous for any real mapping expression and claims;
/// they exist so that a hostile or mistaken expression (`[@,@][]` repeated
/// doubles its output at every step) ends with
/// [`ErrorKind::BudgetExceeded`](crate::ErrorKind::BudgetExceeded) instead of
/// exhausting memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest expression accepted, in bytes.
    pub max_expression_len: usize,
    /// Deepest nesting of the expression (brackets, parentheses, `!`, `&`)
    /// and of its syntax tree.
    pub max_depth: u32,
    /// Most expression nodes one search may evaluate.
    pub max_steps: u64,
    /// Most array elements and object entries one search may build.
    pub max_built: u64,
}

impl Limits {
    /// The default bounds.
    pub const DEFAULT: Limits = Limits {
        max_expression_len: 64 * 1024,
        max_depth: 200,
        max_steps: 10_000_000,
        max_built: 1_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
