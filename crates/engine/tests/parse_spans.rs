//! What the grammar's explicit white space (`grammar/jmespath.pest`) must
//! keep as pest's implicit white space had it: where an expression
//! reference ends, and what a syntax error at the end of a list or call
//! expects.

use rolemap_engine::{Dialect, Expression, Node, NodeKind, Span};

/// The span of the first expression reference in `src`'s tree.
fn expref_span(src: &str) -> Span {
    let e = Expression::compile(src, Dialect::Pangolin).expect("compiles");
    let mut found = None;
    e.ast().walk(&mut |n: &Node| {
        if found.is_none() && matches!(n.kind, NodeKind::ExprRef(_)) {
            found = Some(n.span);
        }
    });
    found.expect("an expression reference")
}

#[test]
fn an_expression_reference_ends_after_its_white_space() {
    // One operand: the white space after it is the reference's.
    assert_eq!(expref_span("map(&a , x)"), Span::new(4, 7));
    assert_eq!(expref_span("map(&a.b , x)"), Span::new(4, 9));
    // Operators: the last operand's white space too, unless it has a postfix.
    assert_eq!(expref_span("map(&a || b , x)"), Span::new(4, 12));
    assert_eq!(expref_span("map(&a || b.c , x)"), Span::new(4, 13));
    // A last operand that is a reference ends as the reference's expression.
    assert_eq!(expref_span("map(&a || &b.c , x)"), Span::new(4, 15));
}

fn syntax_error(src: &str, dialect: Dialect) -> (String, Span, Option<String>) {
    let e = Expression::compile(src, dialect).expect_err("a syntax error");
    (e.message, e.span, e.js_message)
}

#[test]
fn an_unclosed_list_or_call_expects_an_item_or_its_bracket() {
    let (message, span, _) = syntax_error("[a, b", Dialect::Spec);
    assert_eq!(
        message,
        "the expression ends too early; expected `&&`, `(`, `,`, `.`, `[`, `]`, `|`, `||`, a comparator or an expression"
    );
    assert_eq!(span, Span::new(5, 5));
    let (message, span, _) = syntax_error("f(a ]", Dialect::Spec);
    // The item a missing comma allows is tried at a `]`: it closes no call.
    assert_eq!(
        message,
        "unexpected `]`; expected `&&`, `(`, `)`, `,`, `.`, `[`, `|`, `||`, a comparator or an expression"
    );
    assert_eq!(span, Span::new(4, 5));
    let (_, _, js) = syntax_error("f(a ]", Dialect::Pangolin);
    // What jmespath.js 0.16.0 throws there.
    assert_eq!(js.as_deref(), Some("Invalid token (Rbracket): \"]\""));
}
