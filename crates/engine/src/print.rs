//! Writes a tree back as canonical text: single spaces around binary
//! operators and after commas, no redundant parentheses, names unquoted
//! unless they were quoted or need quotes. Parsing the text again gives the
//! same tree. Control characters ([`crate::controls`]) are written as JSON
//! escapes, so the text holds none.

use crate::ast::{KeyValue, LiteralForm, Node, NodeKind, ProjectionKind, Slice};
use crate::dialect::{Dialect, RawEscapes};
use crate::precedence as bp;

/// The canonical text of `node` for `dialect`.
pub fn print(node: &Node, dialect: Dialect) -> String {
    let mut p = Printer {
        out: String::new(),
        dialect,
    };
    p.expr(node, 0);
    p.out
}

struct Printer {
    out: String,
    dialect: Dialect,
}

/// The binding power of the operator that formed `node` (how tightly it
/// holds together when something is to its left); atoms bind tightest.
fn formed_bp(node: &Node) -> u8 {
    match &node.kind {
        NodeKind::Pipe(..) => bp::PIPE,
        NodeKind::Or(..) => bp::OR,
        NodeKind::And(..) => bp::AND,
        NodeKind::Compare { .. } => bp::COMPARE,
        NodeKind::Let { .. } | NodeKind::Assign { .. } => bp::ASSIGN,
        NodeKind::Arithmetic { op, .. } => bp::arithmetic(*op),
        NodeKind::Subexpr { .. } => bp::DOT,
        NodeKind::Index { .. } => bp::BRACKET,
        NodeKind::Projection { kind, lhs, .. } if !is_identity(lhs) => token_bp(kind),
        _ => ATOM,
    }
}

/// Binds tighter than any operator: a name, a literal, a call, a list.
const ATOM: u8 = 100;

/// The binding power of a projection's token written after its left side.
fn token_bp(kind: &ProjectionKind) -> u8 {
    match kind {
        ProjectionKind::Flatten => bp::FLATTEN,
        ProjectionKind::Filter(_) => bp::FILTER,
        ProjectionKind::Values => bp::DOT,
        ProjectionKind::List | ProjectionKind::Slice(_) => bp::BRACKET,
    }
}

/// The binding power a projection's right side is parsed with (`.*` after
/// a left side has the dot's, `*` alone, `[*]` and slices the star's).
fn rhs_bp(kind: &ProjectionKind, lhs: &Node) -> u8 {
    match kind {
        ProjectionKind::Flatten => bp::FLATTEN,
        ProjectionKind::Filter(_) => bp::FILTER,
        ProjectionKind::Values if !is_identity(lhs) => bp::DOT,
        _ => bp::STAR,
    }
}

/// The lowest binding power that something written right after `node`
/// would need to be pulled INTO it (a projection's right side, the operand
/// of `!`, the right side of a binary operator). `u8::MAX` when closed.
fn open_bp(node: &Node) -> u8 {
    match &node.kind {
        NodeKind::Pipe(_, r) => open_bp(r).min(bp::PIPE),
        NodeKind::Or(_, r) => open_bp(r).min(bp::OR),
        NodeKind::And(_, r) => open_bp(r).min(bp::AND),
        NodeKind::Compare { rhs, .. } => open_bp(rhs).min(bp::COMPARE),
        NodeKind::ExprRef(_) | NodeKind::Let { .. } | NodeKind::Assign { .. } => 0,
        NodeKind::Arithmetic { op, rhs, .. } => open_bp(rhs).min(bp::arithmetic(*op)),
        NodeKind::Unary { operand, .. } => open_bp(operand).min(bp::ADD),
        NodeKind::Not(e) => open_bp(e).min(bp::NOT),
        NodeKind::Subexpr { rhs, .. } => match rhs.kind {
            NodeKind::MultiList(_) | NodeKind::MultiHash(_) => u8::MAX,
            _ => open_bp(rhs).min(bp::DOT),
        },
        NodeKind::Projection { kind, lhs, rhs } => {
            let own = rhs_bp(kind, lhs);
            match rhs.kind {
                // Nothing on the right: the projection takes the next
                // postfix whose binding power reaches the projection stop,
                // whatever its own (`(a.*).b`, `(a[?x])[?y]` keep their
                // parentheses).
                NodeKind::Identity => own.min(bp::PROJECTION_STOP - 1),
                // A dangling `.` ended the right side, as after `a.`.
                NodeKind::Missing => bp::DOT,
                // `.[a]` / `.{k: v}` end the right side.
                NodeKind::MultiList(_) | NodeKind::MultiHash(_) => u8::MAX,
                _ => own.min(open_bp(rhs)),
            }
        }
        _ => u8::MAX,
    }
}

/// `*` alone: the values of the current object, nothing on either side.
fn is_bare_star(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Projection { kind: ProjectionKind::Values, lhs, rhs }
        if is_identity(lhs) && is_identity(rhs))
}

fn is_identity(n: &Node) -> bool {
    matches!(n.kind, NodeKind::Identity)
}

/// The first node written in a postfix chain: the innermost node on the
/// left spine whose own text starts the chain.
fn lead_of(n: &Node) -> &Node {
    match &n.kind {
        NodeKind::Subexpr { lhs, .. }
        | NodeKind::Index { lhs, .. }
        | NodeKind::Projection { lhs, .. }
            if !is_identity(lhs) =>
        {
            lead_of(lhs)
        }
        _ => n,
    }
}

/// Text whose node holds a value of the Go type `ty` and no name, for a
/// call on such a node (go-jmespath v0.4.0; see `NodeKind::Call`'s
/// `held`). `[0]` is written right after a projection, where `(` cannot
/// start its right side.
fn holding(ty: &str) -> &'static str {
    match ty {
        "bool" => "(`true`)",
        "float64" => "(`0`)",
        "[]interface {}" => "(`[]`)",
        "map[string]interface {}" => "(`{}`)",
        "jmespath.tokType" => "(@ == @)",
        _ => "[0]",
    }
}

/// A call on a node that holds nil, written `[0](args)`.
fn is_nil_call(n: &Node) -> bool {
    matches!(&n.kind, NodeKind::Call { held: Some(ty), .. } if holding(ty) == "[0]")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Printer {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// `node` where it must bind tighter than `rbp`.
    fn expr(&mut self, node: &Node, rbp: u8) {
        if formed_bp(node) <= rbp {
            self.push("(");
            self.expr(node, 0);
            self.push(")");
            return;
        }
        match &node.kind {
            NodeKind::Identity | NodeKind::Current => self.push("@"),
            // Where a `.` is followed by nothing usable, `Subexpr` and
            // `projection_rhs` write the `.` alone; anywhere else the
            // missing expression came from empty parentheses.
            NodeKind::Missing => self.push("()"),
            NodeKind::Root => self.push("$"),
            NodeKind::Variable(name) => {
                self.push("$");
                self.push(name);
            }
            NodeKind::Arithmetic { op, lhs, rhs } => {
                self.infix(lhs, &format!(" {} ", op.as_str()), rhs, bp::arithmetic(*op))
            }
            NodeKind::Unary { minus, operand } => {
                self.push(if *minus { "-" } else { "+" });
                self.expr(operand, bp::ADD);
            }
            NodeKind::Assign { lhs, rhs } => self.infix(lhs, " = ", rhs, bp::ASSIGN),
            NodeKind::Let { bindings, body } => {
                self.push("let ");
                self.list(bindings);
                self.push(" in ");
                self.expr(body, 0);
            }
            NodeKind::Field { name, quoted } => self.name(name, *quoted),
            NodeKind::Literal { value, form } => self.literal(value, *form),
            NodeKind::Pipe(l, r) => self.infix(l, " | ", r, bp::PIPE),
            NodeKind::Or(l, r) => self.infix(l, " || ", r, bp::OR),
            NodeKind::And(l, r) => self.infix(l, " && ", r, bp::AND),
            NodeKind::Compare { op, lhs, rhs } => {
                self.infix(lhs, &format!(" {} ", op.as_str()), rhs, bp::COMPARE)
            }
            NodeKind::Not(e) => {
                self.push("!");
                self.expr(e, bp::NOT);
            }
            NodeKind::ExprRef(e) => {
                self.push("&");
                if matches!(e.kind, NodeKind::ExprRef(_)) {
                    self.push(" "); // `&&` would be the operator
                }
                self.expr(e, 0);
            }
            // `[ ]`: jmespath.js's empty list (`[]` would be a flatten).
            NodeKind::MultiList(items) if items.is_empty() => self.push("[ ]"),
            // `[*]` would be a projection: a lone `*` item keeps parentheses.
            NodeKind::MultiList(items) if items.len() == 1 && is_bare_star(&items[0]) => {
                self.push("[(*)]")
            }
            NodeKind::MultiList(items) => {
                self.push("[");
                self.list(items);
                self.push("]");
            }
            NodeKind::MultiHash(kvs) => self.multi_hash(kvs),
            NodeKind::Call {
                name, args, held, ..
            } => self.call(name, args, *held),
            NodeKind::Subexpr { lhs, rhs } => {
                self.base(lhs, bp::DOT);
                self.push(".");
                match rhs.kind {
                    NodeKind::Missing => {}
                    // go-jmespath reads `let` after a `.` as it reads a
                    // name there: the whole `let` is the right side, and
                    // `.(` would not parse.
                    NodeKind::Let { .. } => self.expr(rhs, 0),
                    _ => self.expr(rhs, bp::DOT),
                }
            }
            NodeKind::Index { lhs, index } => {
                if !is_identity(lhs) {
                    self.base(lhs, bp::BRACKET);
                }
                self.push(&format!("[{index}]"));
            }
            NodeKind::Projection { kind, lhs, rhs } => {
                if is_identity(lhs) {
                    self.projection_token(kind, true);
                } else {
                    self.base(lhs, token_bp(kind));
                    self.projection_token(kind, false);
                }
                self.projection_rhs(rhs);
            }
        }
    }

    fn multi_hash(&mut self, kvs: &[KeyValue]) {
        self.push("{");
        for (i, kv) in kvs.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.name(&kv.key, kv.quoted);
            self.push(": ");
            self.expr(&kv.value, 0);
        }
        self.push("}");
    }

    /// A call of `name`, or of the node that held no name (`held`).
    fn call(&mut self, name: &str, args: &[Node], held: Option<&'static str>) {
        // A name that is not an identifier was called on a quoted name or a
        // string (jmespath.js: `("a b")(x)`; go-jmespath v0.4.0 calls any
        // node: `'th('(x)`): written as a quoted name in parentheses, which
        // both read back as that call.
        if let Some(ty) = held {
            self.push(holding(ty));
        } else if is_identifier(name) {
            self.push(name);
        } else {
            self.push("(");
            self.name(name, true);
            self.push(")");
        }
        self.push("(");
        self.list(args);
        self.push(")");
    }

    /// The left side of a postfix with binding power `bp`: parenthesized if
    /// the postfix would otherwise be pulled into it.
    fn base(&mut self, lhs: &Node, bp: u8) {
        // A projection ended by a dangling `.` (`b[?x].`) takes nothing
        // more: a `.` written after it applies to the whole projection.
        // Parentheses there would also be wrong where `base` writes the
        // head of a right side after `.` (`a[*].(b[?x].).` is a call).
        let ended = matches!(&lhs.kind, NodeKind::Projection { rhs, .. }
            if matches!(rhs.kind, NodeKind::Missing));
        if open_bp(lhs) < bp || (formed_bp(lhs) < bp.min(bp::DOT) && !(ended && bp == bp::DOT)) {
            self.push("(");
            self.expr(lhs, 0);
            self.push(")");
        } else {
            self.expr(lhs, 0);
        }
    }

    fn infix(&mut self, l: &Node, op: &str, r: &Node, bp: u8) {
        if open_bp(l) < bp || formed_bp(l) < bp {
            self.push("(");
            self.expr(l, 0);
            self.push(")");
        } else {
            self.expr(l, 0);
        }
        self.push(op);
        self.expr(r, bp);
    }

    fn projection_token(&mut self, kind: &ProjectionKind, nud: bool) {
        match kind {
            ProjectionKind::List => self.push("[*]"),
            ProjectionKind::Values => self.push(if nud { "*" } else { ".*" }),
            ProjectionKind::Flatten => self.push("[]"),
            ProjectionKind::Filter(c) => {
                self.push("[?");
                self.expr(c, 0);
                self.push("]");
            }
            ProjectionKind::Slice(s) => self.slice(s),
        }
    }

    fn projection_rhs(&mut self, rhs: &Node) {
        if is_identity(rhs) {
            return;
        }
        // A right side that starts with `[` is written right after the
        // projection; one that starts with a name, `*` or a lone `[a, b]`
        // or `{k: v}` after a `.`.
        let bracketed = match &lead_of(rhs).kind {
            NodeKind::Projection { kind, lhs, .. } if is_identity(lhs) => {
                !matches!(kind, ProjectionKind::Values)
            }
            NodeKind::Index { lhs, .. } => is_identity(lhs),
            NodeKind::MultiList(_) => !std::ptr::eq(lead_of(rhs), rhs),
            _ => is_nil_call(lead_of(rhs)),
        };
        if !bracketed {
            self.push(".");
        }
        if !matches!(rhs.kind, NodeKind::Missing) {
            self.expr(rhs, 0);
        }
    }

    fn slice(&mut self, s: &Slice) {
        self.push("[");
        if let Some(v) = s.start {
            self.push(&v.to_string());
        }
        self.push(":");
        if let Some(v) = s.stop {
            self.push(&v.to_string());
        }
        if let Some(v) = s.step {
            self.push(":");
            self.push(&v.to_string());
        }
        self.push("]");
    }

    fn list(&mut self, items: &[Node]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.expr(item, 0);
        }
    }

    fn name(&mut self, name: &str, quoted: bool) {
        if !quoted && is_identifier(name) {
            self.push(name);
        } else {
            // JSON text through `Value`'s `Display`, the one JSON writer
            // the playground's module carries.
            // Controls as JSON escapes: the text shows no control character.
            let s = serde_json::Value::from(name).to_string();
            self.push(&crate::controls::escape_json(&s));
        }
    }

    fn literal(&mut self, value: &serde_json::Value, form: LiteralForm) {
        if let (LiteralForm::Raw, serde_json::Value::String(s)) = (form, value) {
            if let Some(text) = self.raw(s) {
                self.push(&text);
                return;
            }
        }
        // A backtick can only be inside a JSON string, where `\u0060` says
        // it in both dialects (jmespath.js unescapes only the first `\``).
        let json = value.to_string(); // `Display`, as above
        self.push("`");
        self.push(&crate::controls::escape_json(&json).replace('`', "\\u0060"));
        self.push("`");
    }

    /// `'s'` if the dialect can read `s` back from a raw string and `s`
    /// holds no control character (a raw string cannot escape one).
    fn raw(&self, s: &str) -> Option<String> {
        let quotes = s.matches('\'').count();
        // The community engine reads `\\` as `\` and `\'` as `'`.
        if self.dialect.rules().go.is_some_and(|g| g.community) {
            return Some(format!(
                "'{}'",
                s.replace('\\', "\\\\").replace('\'', "\\'")
            ));
        }
        let ok = !s.ends_with('\\')
            && !s.chars().any(crate::controls::is_control)
            && !s.contains("\\'")
            && match self.dialect.rules().raw_escapes {
                RawEscapes::AllQuotes => true,
                RawEscapes::FirstQuoteOnly => quotes <= 1,
            };
        ok.then(|| format!("'{}'", s.replace('\'', "\\'")))
    }
}
