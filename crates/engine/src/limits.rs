//! Resource bounds that turn runaway input into a clear error.

use crate::ast::Span;
use crate::error::{Error, ErrorKind};

/// Bounds on what compilation and evaluation may take.
///
/// The defaults are generous for any real mapping expression and claims;
/// they exist so that a hostile or mistaken expression (`[@,@][]` repeated
/// doubles its output at every step) ends with
/// [`ErrorKind::BudgetExceeded`](crate::ErrorKind::BudgetExceeded) instead of
/// exhausting memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

    /// These limits with [`max_expression_len`](Limits::max_expression_len) `n`.
    pub const fn with_max_expression_len(self, n: usize) -> Limits {
        Limits {
            max_expression_len: n,
            ..self
        }
    }

    /// These limits with [`max_depth`](Limits::max_depth) `n`.
    pub const fn with_max_depth(self, n: u32) -> Limits {
        Limits {
            max_depth: n,
            ..self
        }
    }

    /// These limits with [`max_steps`](Limits::max_steps) `n`.
    pub const fn with_max_steps(self, n: u64) -> Limits {
        Limits {
            max_steps: n,
            ..self
        }
    }

    /// These limits with [`max_built`](Limits::max_built) `n`.
    pub const fn with_max_built(self, n: u64) -> Limits {
        Limits {
            max_built: n,
            ..self
        }
    }

    /// An expression over [`max_expression_len`](Limits::max_expression_len)
    /// is an [`ErrorKind::BudgetExceeded`] error, before any parser reads it.
    pub(crate) fn check_length(&self, src: &str) -> Result<(), Error> {
        if src.len() <= self.max_expression_len {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::BudgetExceeded,
            format!(
                "the expression is {} bytes long, over the limit of {} bytes",
                src.len(),
                self.max_expression_len
            ),
            Span::new(0, src.len()),
        ))
    }
}

/// Largest value a search may give, compare in depth, or turn into a string
/// (`to_string`, `join`, `sort`, JavaScript's `String(value)`), counted as
/// 16 per value plus the bytes of its strings and keys: about what it takes
/// in memory. Values share their parts, so a short expression can stand for
/// far more than memory holds (`[@, @]` repeated twenty times is a million
/// copies of its input in a few hundred bytes); writing one out, or
/// comparing two, would take that long. Going over it is
/// [`ErrorKind::BudgetExceeded`](crate::ErrorKind::BudgetExceeded). 16 MiB.
pub(crate) const MAX_OUTPUT: u64 = 16 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The error for a value over [`MAX_OUTPUT`]; `what` says what it was
/// needed for (`"the result"`, `"to_string()'s argument"`).
#[cold]
#[inline(never)]
pub(crate) fn too_large(what: &str, span: Span) -> Box<Error> {
    Box::new(Error::new(
        ErrorKind::BudgetExceeded,
        format!(
            "{what} is over 16 MiB written out: the expression repeats a value (`[@, @]`, repeated?); no real mapping needs that much"
        ),
        span,
    ))
}
