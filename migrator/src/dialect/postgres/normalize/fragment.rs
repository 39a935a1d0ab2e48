//! Checks that a model's expression is one self-contained SQL fragment before it is pasted
//! into the scratch DDL script: no `;` outside strings and comments, quotes and comments
//! closed, parentheses balanced. Without this an expression could end the statement it is
//! pasted into and run another one (a `COMMIT` would escape the always-rolled-back
//! transaction), or swallow the rest of the script.

/// Why a fragment cannot be pasted, as the end of a sentence.
pub(crate) fn check_fragment(text: &str) -> Result<(), &'static str> {
    if text.trim().is_empty() {
        return Err("is empty");
    }
    let chars: Vec<char> = text.chars().collect();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        i = match c {
            ';' => return Err("contains `;` outside a string: write one expression"),
            '(' => {
                depth += 1;
                i + 1
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("closes a parenthesis it never opened");
                }
                i + 1
            }
            '\'' => skip_string(&chars, i + 1, escapes_backslash(&chars, i))?,
            '"' => skip_until(&chars, i + 1, &['"']).ok_or(UNTERMINATED)?,
            '-' if next == Some('-') => skip_until(&chars, i + 2, &['\n']).unwrap_or(chars.len()),
            '/' if next == Some('*') => skip_block_comment(&chars, i + 2)?,
            '$' => match dollar_tag(&chars, i) {
                Some(tag) => skip_dollar_body(&chars, i + tag.len(), &tag)?,
                None => i + 1,
            },
            _ => i + 1,
        };
    }
    if depth > 0 {
        return Err("leaves a parenthesis open");
    }
    Ok(())
}

const UNTERMINATED: &str = "has an unterminated string or quoted name";

/// `E'...'` strings treat a backslash as an escape; plain strings do not (with
/// `standard_conforming_strings`, the default since PostgreSQL 9.1).
fn escapes_backslash(chars: &[char], quote: usize) -> bool {
    let prefix = quote.checked_sub(1).map(|p| chars[p]);
    let before = quote.checked_sub(2).map(|p| chars[p]);
    matches!(prefix, Some('e' | 'E'))
        && !before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '$')
}

/// Skips past the closing quote of a single-quoted string starting at `i` (after the
/// opening quote). `''` is an escaped quote.
fn skip_string(chars: &[char], mut i: usize, backslash: bool) -> Result<usize, &'static str> {
    while i < chars.len() {
        match chars[i] {
            '\\' if backslash => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\'') => i += 2,
            '\'' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(UNTERMINATED)
}

/// The index just past the first of `ends` at or after `i`.
fn skip_until(chars: &[char], i: usize, ends: &[char]) -> Option<usize> {
    chars[i.min(chars.len())..]
        .iter()
        .position(|c| ends.contains(c))
        .map(|p| i + p + 1)
}

/// Block comments nest in PostgreSQL.
fn skip_block_comment(chars: &[char], mut i: usize) -> Result<usize, &'static str> {
    let mut depth = 1;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err("has an unterminated comment")
}

/// `$tag$` or `$$` starting at `i`; `$1` (a parameter) is not a dollar quote.
fn dollar_tag(chars: &[char], i: usize) -> Option<Vec<char>> {
    let mut end = i + 1;
    while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
        if end == i + 1 && chars[end].is_ascii_digit() {
            return None;
        }
        end += 1;
    }
    (chars.get(end) == Some(&'$')).then(|| chars[i..=end].to_vec())
}

fn skip_dollar_body(chars: &[char], i: usize, tag: &[char]) -> Result<usize, &'static str> {
    (i..=chars.len().saturating_sub(tag.len()))
        .find(|&start| chars[start..start + tag.len()] == *tag)
        .map(|start| start + tag.len())
        .ok_or(UNTERMINATED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_expressions_pass() {
        for ok in [
            "now()",
            "'x'",
            "total >= 0",
            "(a > 0) AND (b < 1)",
            "'it''s; fine'",
            r"E'back\'slash; still a string'",
            r#""odd;name" IS NULL"#,
            "'{}'::jsonb",
            "$$a;b$$",
            "$t$ ; $t$ || 'x'",
            "x /* a ; comment /* nested */ */ > 1",
            "x > 1 -- trailing ; comment",
            "price * $1",
        ] {
            assert_eq!(check_fragment(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn fragments_that_could_escape_their_statement_are_refused() {
        assert!(check_fragment("0; COMMIT").is_err());
        assert!(check_fragment("0) NOT VALID").is_err());
        assert!(check_fragment("(0").is_err());
        assert!(check_fragment("'open").is_err());
        assert!(check_fragment(r"E'\'").is_err());
        assert!(check_fragment("\"open").is_err());
        assert!(check_fragment("1 /* open").is_err());
        assert!(check_fragment("$$open").is_err());
        assert!(check_fragment("  ").is_err());
    }

    #[test]
    fn an_identifier_ending_in_e_does_not_start_an_escape_string() {
        // `type'...'` is not valid SQL anyway, but the scan must not read `e'` as E''.
        assert_eq!(check_fragment(r"some_type'a\' = 'b'"), Ok(()));
    }
}
