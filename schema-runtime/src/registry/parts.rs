//! The key parts of `index(parts(..))`, read from the SQL a model writes for each: the key
//! (a column, or an expression) and what follows it (a collation, an operator class,
//! `ASC`/`DESC`,
//! `NULLS FIRST`/`LAST`), with the ordering in the short form PostgreSQL reports, so that
//! `created_at DESC NULLS FIRST` and `created_at DESC` are one index.

use crate::schema::IndexPart;

/// One key part: the key and its options (`""` for none).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Part {
    pub key: IndexPart,
    pub options: String,
}

/// Reads one key part, or says what is wrong with it.
pub(super) fn parse(text: &str) -> Result<Part, String> {
    let tokens = top_level_tokens(text)?;
    let Some((key, rest)) = tokens.split_first() else {
        return Err("it is empty".into());
    };
    let key = if is_identifier(key) {
        IndexPart::Column((*key).to_string())
    } else if let Some(name) = quoted_identifier(key) {
        IndexPart::Column(name)
    } else if let Some((column, length)) = key_prefix(key) {
        IndexPart::prefix(&column, length)
    } else {
        IndexPart::Expression(unwrap_parentheses(key).to_string())
    };
    let words: Vec<String> = rest.iter().map(|w| w.to_ascii_uppercase()).collect();
    let mut at = 0;
    let mut options = Vec::new();
    if words.first().is_some_and(|w| w == "COLLATE") {
        let name = rest
            .get(1)
            .filter(|n| {
                n.split('.')
                    .all(|p| is_identifier(p) || quoted_identifier(p).is_some())
            })
            .ok_or_else(|| "`COLLATE` needs a collation name, like `COLLATE \"C\"`".to_string())?;
        if matches!(key, IndexPart::Expression(_)) {
            return Err(
                "a collation is stated on a column part only; write it inside the \
                        expression, like `(lower(name) COLLATE \"C\")`"
                    .into(),
            );
        }
        options.push(format!("COLLATE {name}"));
        at = 2;
    }
    if let Some(word) = rest.get(at) {
        if !matches!(words[at].as_str(), "ASC" | "DESC" | "NULLS") {
            if !word.split('.').all(is_identifier) {
                return Err(format!(
                    "`{word}` is neither an operator class nor an ordering; write an \
                     expression in parentheses, like `(a + b) DESC`"
                ));
            }
            options.push((*word).to_string());
            at += 1;
        }
    }
    let descending = match words.get(at).map(String::as_str) {
        Some("DESC") => {
            at += 1;
            true
        }
        Some("ASC") => {
            at += 1;
            false
        }
        _ => false,
    };
    let nulls_first = match (words.get(at).map(String::as_str), words.get(at + 1)) {
        (Some("NULLS"), Some(which)) if which == "FIRST" || which == "LAST" => {
            at += 2;
            Some(which == "FIRST")
        }
        (None, _) => None,
        _ => return Err(out_of_place(&rest[at..])),
    };
    if at < rest.len() {
        return Err(out_of_place(&rest[at..]));
    }
    // NULLS LAST goes with ASC and NULLS FIRST with DESC by default.
    match (descending, nulls_first) {
        (true, Some(false)) => options.push("DESC NULLS LAST".into()),
        (true, _) => options.push("DESC".into()),
        (false, Some(true)) => options.push("NULLS FIRST".into()),
        (false, _) => {}
    }
    Ok(Part {
        key,
        options: options.join(" "),
    })
}

fn out_of_place(words: &[&str]) -> String {
    format!(
        "`{}` is out of place; an index part is `key [operator class] [ASC | DESC] \
         [NULLS FIRST | NULLS LAST]`",
        words.join(" ")
    )
}

/// Splits at whitespace outside parentheses and quotes.
fn top_level_tokens(text: &str) -> Result<Vec<&str>, String> {
    let mut tokens = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, None::<usize>);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| "it closes a parenthesis it never opened".to_string())?
            }
            (None, c) if c.is_whitespace() && depth == 0 => {
                if let Some(from) = start.take() {
                    tokens.push(&text[from..i]);
                }
                continue;
            }
            _ => {}
        }
        if start.is_none() {
            start = Some(i);
        }
    }
    if depth > 0 || quote.is_some() {
        return Err("it leaves a parenthesis or a quote open".into());
    }
    if let Some(from) = start {
        tokens.push(&text[from..]);
    }
    Ok(tokens)
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn quoted_identifier(word: &str) -> Option<String> {
    let inner = word.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.is_empty() && !inner.contains('"')).then(|| inner.to_string())
}

/// A MySQL key prefix, `column(20)`, with the column bare, in double quotes or in
/// backticks: the column and the length.
fn key_prefix(word: &str) -> Option<(String, u32)> {
    let (column, length) = word.strip_suffix(')')?.rsplit_once('(')?;
    let length = length.parse().ok().filter(|n: &u32| *n > 0)?;
    if is_identifier(column) {
        return Some((column.to_string(), length));
    }
    if let Some(name) = quoted_identifier(column) {
        return Some((name, length));
    }
    IndexPart::Expression(format!("{column}({length})"))
        .as_prefix()
        .map(|(name, _)| (name, length))
}

/// `(a + b)` -> `a + b`, only when the outer pair encloses the whole text.
fn unwrap_parentheses(text: &str) -> &str {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text;
    };
    let mut depth = 0i32;
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return text;
        }
    }
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (IndexPart, String) {
        let part = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        (part.key, part.options)
    }

    #[test]
    fn columns_expressions_classes_and_orderings_are_read() {
        let column = |c: &str| IndexPart::Column(c.into());
        let expression = |e: &str| IndexPart::Expression(e.into());
        assert_eq!(read("email"), (column("email"), String::new()));
        assert_eq!(read("\"Email\""), (column("Email"), String::new()));
        assert_eq!(
            read("created_at DESC"),
            (column("created_at"), "DESC".into())
        );
        assert_eq!(
            read("created_at desc nulls first"),
            (column("created_at"), "DESC".into())
        );
        assert_eq!(
            read("created_at DESC NULLS LAST"),
            (column("created_at"), "DESC NULLS LAST".into())
        );
        assert_eq!(
            read("score ASC NULLS LAST"),
            (column("score"), String::new())
        );
        assert_eq!(
            read("score NULLS FIRST"),
            (column("score"), "NULLS FIRST".into())
        );
        assert_eq!(
            read("name text_pattern_ops"),
            (column("name"), "text_pattern_ops".into())
        );
        assert_eq!(
            read("lower(email) DESC"),
            (expression("lower(email)"), "DESC".into())
        );
        assert_eq!(read("(a + b)"), (expression("a + b"), String::new()));
        assert_eq!(
            read("to_tsvector('english', body) public.tsvector_ops"),
            (
                expression("to_tsvector('english', body)"),
                "public.tsvector_ops".into()
            )
        );
        assert_eq!(
            read("((a) + (b))"),
            (expression("(a) + (b)"), String::new())
        );
        assert_eq!(
            read("name COLLATE \"C\" text_pattern_ops DESC"),
            (column("name"), "COLLATE \"C\" text_pattern_ops DESC".into())
        );
    }

    #[test]
    fn key_prefixes_read_as_one_spelling_however_the_column_is_quoted() {
        let prefix = IndexPart::prefix("Display Name", 20);
        assert_eq!(read("`Display Name`(20)"), (prefix.clone(), String::new()));
        assert_eq!(read("\"Display Name\"(20) DESC"), (prefix, "DESC".into()));
        assert_eq!(read("title(191)").0, IndexPart::prefix("title", 191));
        assert_eq!(
            IndexPart::prefix("odd`name", 5).as_prefix(),
            Some(("odd`name".into(), 5))
        );
        // A function of a number, and a length of zero, are expressions.
        assert_eq!(read("(abs(3))").0, IndexPart::Expression("abs(3)".into()));
        assert_eq!(read("title(0)").0.as_prefix(), None);
        assert_eq!(IndexPart::Expression("lower(`a`)".into()).as_prefix(), None);
    }

    #[test]
    fn what_is_not_a_key_part_is_named() {
        for (text, says) in [
            ("a + b", "neither an operator class"),
            ("a DESC ASC", "`ASC` is out of place"),
            ("a NULLS", "`NULLS` is out of place"),
            ("a text_ops DESC x", "`x` is out of place"),
            ("lower(a", "open"),
            ("a)", "never opened"),
            ("lower(a) COLLATE \"C\"", "on a column part only"),
            ("a COLLATE", "needs a collation name"),
            ("", "empty"),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(says), "{text}: {error}");
        }
    }
}
