//! One-edit variants of expressions: the text split into JMESPath tokens,
//! then one token inserted, deleted or replaced by one drawn from the
//! token set. Near-misses of real expressions are where a parser's
//! leniency (and its differences from another parser's) shows.
//!
//! The tokenizer is deliberately rough (it must split any text, valid or
//! not): whitespace belongs to the token after it, so a variant keeps the
//! spacing of the original, and an inserted token comes with or without a
//! space before it (`[` `]` touching is a flatten, apart an empty list).

use crate::rng::Rng;

/// The tokens drawn from for insertions and replacements.
pub const TOKENS: &[&str] = &[
    ".",
    "[",
    "]",
    "[]",
    "[?",
    "(",
    ")",
    "||",
    "&&",
    "!",
    "|",
    "@",
    "*",
    ",",
    ":",
    "{",
    "}",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&",
    "=",
    "?",
    "foo",
    "a",
    "groups",
    "length",
    "contains",
    "sort_by",
    "not_null",
    "to_number",
    "constructor",
    "__proto__",
    "\"a\"",
    "\"cognito:groups\"",
    "\"__proto__\"",
    "'Member'",
    "'a'",
    "'a\\'b'",
    "'",
    "\"",
    "`",
    "`a`",
    "`true`",
    "`false`",
    "`1`",
    "`\"x\"`",
    "`[1, 2]`",
    "`{\"a\": 1}`",
    "`Admin`",
    "0",
    "1",
    "2",
    "-1",
    "-",
    "1-2",
    "+",
    "$",
    "\\",
    "é",
];

/// The forms of jmespath.js's lenient parser written out explicitly: a `.`
/// followed by a token that is not a name (`[]`, `[?`, `(`...), empty
/// parentheses, runs of numbers in a slice, a parenthesized quoted name
/// called, each where it is never evaluated (short-circuited), evaluated,
/// and under postfixes; and an expression reference used as the object
/// jmespath.js makes of it (its syntax-tree node).
pub const LENIENT: &[&str] = &[
    "groups.[] || 'Member'",
    "`true` || foo.[?a==`1`]",
    "`false` && ()",
    "`true` || ()",
    "`null` && ().a",
    "()",
    "( )",
    "().a",
    "()[0]",
    "()[*]",
    "!()",
    "[()]",
    "{a: ()}",
    "length(())",
    "&()",
    "`false` && &()",
    "map(&(), groups)",
    "`false` && length(())",
    "a || ()",
    "groups.[]",
    "groups.[][0]",
    "groups. []",
    "groups.[ ]",
    "groups.[?@ == 'admin']",
    "groups.[?@]",
    "groups. [?@]",
    "groups.[ ?@]",
    "groups[*].[]",
    "groups[*].[?@]",
    "empty_list[*].[]",
    "empty_list[*].[?a]",
    "empty_list[*].()",
    "groups.()",
    "groups.(a)",
    "groups.(@)",
    "a.[]",
    "a.[?b]",
    "a.[].b",
    "a.[?b].c",
    "a.[]|b",
    "`true` || a.[]",
    "`true` || a.[?b]",
    "`true` || a.()",
    "`true` || a. ",
    "`true` || a.[?b] || c",
    "nothing.[] && b",
    "scores[:1 2]",
    "scores[::1 2]",
    "scores[1:2 3:]",
    "scores[0:5:1 2:]",
    "scores[1 2:]",
    "scores[0:5:1:2]",
    "foo[?a].[?b]",
    "(\"length\")(groups)",
    "(\"nope\")(groups)",
    "`false` && (\"a\")()",
    "\"length\"(groups)",
    "(&a).name",
    "(&a).*",
    "(&a) == (&a)",
    "(&a) != (&b)",
    "[&a][].type",
    "(&a.b).children[0]",
    "(&a) | [type, name]",
    "(&`[1]`).value",
    "keys(&a)",
    "foo[*].bar.[]",
];

/// A token of an expression: its text and the whitespace before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The whitespace before the token.
    pub space: String,
    /// The token's text.
    pub text: String,
}

/// `src` split into tokens; whitespace at the end is dropped.
pub fn tokenize(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let space_start = i;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        let start = i;
        i = token_end(&chars, i);
        out.push(Token {
            space: chars[space_start..start].iter().collect(),
            text: chars[start..i].iter().collect(),
        });
    }
    out
}

/// Where the token that starts at `i` ends.
fn token_end(c: &[char], i: usize) -> usize {
    let next = c.get(i + 1).copied();
    match c[i] {
        ch if ch.is_ascii_alphabetic() || ch == '_' => {
            run(c, i, |x| x.is_ascii_alphanumeric() || x == '_')
        }
        ch if ch.is_ascii_digit() || ch == '-' => run(c, i, |x| x.is_ascii_digit() || x == '-'),
        q @ ('"' | '\'' | '`') => {
            let mut j = i + 1;
            while j < c.len() && c[j] != q {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            (j + 1).min(c.len())
        }
        '[' if matches!(next, Some(']' | '?')) => i + 2,
        '|' if next == Some('|') => i + 2,
        '&' if next == Some('&') => i + 2,
        '<' | '>' | '!' | '=' if next == Some('=') => i + 2,
        _ => i + 1,
    }
}

fn run(c: &[char], i: usize, part: impl Fn(char) -> bool) -> usize {
    let mut j = i + 1;
    while j < c.len() && part(c[j]) {
        j += 1;
    }
    j
}

/// The text of `tokens`.
pub fn join(tokens: &[Token]) -> String {
    tokens
        .iter()
        .flat_map(|t| [t.space.as_str(), t.text.as_str()])
        .collect()
}

/// A new token drawn from [`TOKENS`], with or without a space before it.
fn drawn(rng: &mut Rng) -> Token {
    Token {
        space: if rng.chance(0.5) { " " } else { "" }.to_string(),
        text: rng.pick(TOKENS).to_string(),
    }
}

/// `src` with one token inserted, deleted or replaced.
pub fn one_edit(src: &str, rng: &mut Rng) -> String {
    let mut tokens = tokenize(src);
    edit(&mut tokens, rng);
    join(&tokens)
}

/// Inserts, deletes or replaces one token of `tokens`.
fn edit(tokens: &mut Vec<Token>, rng: &mut Rng) {
    let n = tokens.len();
    match if n == 0 { 0 } else { rng.below(3) } {
        0 => {
            let at = rng.below(n + 1);
            let token = drawn(rng);
            tokens.insert(at, token);
        }
        1 => {
            tokens.remove(rng.below(n));
        }
        _ => {
            let at = rng.below(n);
            let token = drawn(rng);
            tokens[at].text = token.text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_the_text_and_split_where_jmespath_js_does() {
        let src = "a.[?b == `1`] || f(@, 'x y')[] ";
        let t = tokenize(src);
        assert_eq!(join(&t), src.trim_end());
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["a", ".", "[?", "b", "==", "`1`", "]", "||", "f", "(", "@", ",", "'x y'", ")", "[]"]
        );
    }

    #[test]
    fn an_edit_changes_one_token() {
        let mut rng = Rng::new(7);
        let original = tokenize("foo.bar[0] || 'x'");
        let (mut inserted, mut deleted, mut replaced) = (0, 0, 0);
        for _ in 0..300 {
            let mut t = original.clone();
            edit(&mut t, &mut rng);
            let kept = |a: &[Token], b: &[Token]| a.iter().zip(b).filter(|(x, y)| x == y).count();
            match t.len() as i64 - original.len() as i64 {
                1 => {
                    inserted += 1;
                    let at = (0..original.len())
                        .find(|&i| t[i] != original[i])
                        .unwrap_or(original.len());
                    assert_eq!(t[at + 1..], original[at..], "{t:?}");
                }
                -1 => {
                    deleted += 1;
                    let at = (0..t.len())
                        .find(|&i| t[i] != original[i])
                        .unwrap_or(t.len());
                    assert_eq!(t[at..], original[at + 1..], "{t:?}");
                }
                0 => {
                    replaced += 1;
                    assert!(kept(&t, &original) + 1 >= original.len(), "{t:?}");
                }
                d => panic!("{d} tokens more: {t:?}"),
            }
        }
        assert!(inserted > 50 && deleted > 50 && replaced > 50);
    }

    #[test]
    fn tokenizing_any_generated_expression_keeps_its_text() {
        let mut rng = Rng::new(11);
        for _ in 0..2_000 {
            let src = crate::exprgen::expression(&mut rng);
            assert_eq!(join(&tokenize(&src)), src.trim_end(), "{src:?}");
        }
    }
}
