//! Operator precedence, written once: the binding power of every operator
//! and postfix, as every reference engine's Pratt parser has it
//! (jmespath.js's `bindingPower`, go-jmespath's `bindingPowers`). The
//! parsers fold with these numbers and the printer decides its parentheses
//! with them, so a text printed and parsed again has the same tree.
//!
//! A higher number binds tighter. An operator with binding power `bp` takes
//! as its right side everything that binds tighter than `bp`.

use crate::ast::ArithOp;

/// `|`.
pub(crate) const PIPE: u8 = 1;
/// `=` of a Go engine's `let` binding (go-jmespath reads it as `|` reads).
pub(crate) const ASSIGN: u8 = 1;
/// `||`.
pub(crate) const OR: u8 = 2;
/// `&&`.
pub(crate) const AND: u8 = 3;
/// `==`, `!=`, `<`, `<=`, `>`, `>=`.
pub(crate) const COMPARE: u8 = 5;
/// The Go engines' `+` and `-` (binary and unary).
pub(crate) const ADD: u8 = 6;
/// The Go engines' `×`, `/`, `÷`, `%` and `//`.
pub(crate) const MULTIPLY: u8 = 7;
/// `[]`: flatten.
pub(crate) const FLATTEN: u8 = 9;
/// A projection's right side takes the postfixes whose binding power is at
/// least this, and stops before any other (`|`, `||`, `&&`, comparators,
/// arithmetic, `[]`).
pub(crate) const PROJECTION_STOP: u8 = 10;
/// `*`, `[*]` and slices: list and value projections.
pub(crate) const STAR: u8 = 20;
/// `[?`: filter.
pub(crate) const FILTER: u8 = 21;
/// `.`.
pub(crate) const DOT: u8 = 40;
/// `!`.
pub(crate) const NOT: u8 = 45;
/// `{` (jmespath.js's table has it; only a multi-select hash starts with it).
pub(crate) const LBRACE: u8 = 50;
/// `[`: an index, `[*]`, a slice.
pub(crate) const BRACKET: u8 = 55;
/// `(`: a call.
pub(crate) const CALL: u8 = 60;

/// The binding power of a Go engine's arithmetic operator. An ASCII `*`
/// is the projection's token: where it multiplies, go-jmespath still folds
/// it with the star's binding power.
pub(crate) fn arithmetic(op: ArithOp) -> u8 {
    match op {
        ArithOp::Add | ArithOp::Subtract => ADD,
        ArithOp::Star => STAR,
        _ => MULTIPLY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order jmespath.js's `bindingPower` table gives (and go-jmespath's).
    #[test]
    fn binding_powers_keep_the_reference_engines_order() {
        let order = [
            PIPE,
            OR,
            AND,
            COMPARE,
            ADD,
            MULTIPLY,
            FLATTEN,
            PROJECTION_STOP,
            STAR,
            FILTER,
            DOT,
            NOT,
            LBRACE,
            BRACKET,
            CALL,
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert_eq!(ASSIGN, PIPE);
        assert_eq!(arithmetic(ArithOp::Add), ADD);
        assert_eq!(arithmetic(ArithOp::Star), STAR);
    }
}
