//! Reading the parts of SQLite's stored DDL that no pragma reports: constraint names,
//! CHECK expressions, `DEFERRABLE`, and an index's `WHERE` clause and expression keys.
//! SQLite keeps each `CREATE` statement's text in `sqlite_schema.sql` as written, so a
//! small tokeniser that respects quoting (`'...'`, `"..."`, `` `...` ``, `[...]`) and
//! comments is enough to cut it into clauses.

/// One token: its kind and where it sits in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A keyword, bare identifier or number.
    Word,
    /// A quoted identifier.
    Quoted,
    /// A string literal.
    Literal,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `,`.
    Comma,
    /// Any other punctuation.
    Other,
}

fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                continue;
            }
            b'\'' | b'"' | b'`' => {
                i = end_of_quoted(bytes, i, c);
                if c == b'\'' {
                    Kind::Literal
                } else {
                    Kind::Quoted
                }
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                Kind::Quoted
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += 1;
                Kind::Other
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: i,
        });
    }
    tokens
}

/// The end (exclusive) of a quoted run starting at `start`; a doubled quote is part of it.
fn end_of_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// An identifier's text without its quotes.
fn unquote(text: &str) -> String {
    let inner = |q: char| text[1..text.len() - 1].replace(&format!("{q}{q}"), &q.to_string());
    match text.as_bytes().first() {
        Some(b'"') if text.len() >= 2 => inner('"'),
        Some(b'`') if text.len() >= 2 => inner('`'),
        Some(b'[') if text.len() >= 2 => text[1..text.len() - 1].to_owned(),
        Some(b'\'') if text.len() >= 2 => inner('\''),
        _ => text.to_owned(),
    }
}

/// The index of the `)` closing the `(` at `open`.
fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The token ranges between `open` and its `)` split at top-level commas.
fn split_list(tokens: &[Token], open: usize, close: usize) -> Vec<(usize, usize)> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut item_start = open + 1;
    for (i, token) in tokens.iter().enumerate().take(close).skip(open + 1) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Comma if depth == 0 => {
                items.push((item_start, i));
                item_start = i + 1;
            }
            _ => {}
        }
    }
    if item_start < close {
        items.push((item_start, close));
    }
    items
}

/// What a `CREATE TABLE` statement says about its constraints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableClauses {
    /// The primary key constraint's name, if it has one.
    pub primary_key_name: Option<String>,
    /// Unique constraints: name (if any) and columns.
    pub uniques: Vec<(Option<String>, Vec<String>)>,
    /// Checks: name (if any) and the expression as written.
    pub checks: Vec<(Option<String>, String)>,
    /// Foreign keys: name (if any), referencing columns, and the deferral as written.
    pub foreign_keys: Vec<(Option<String>, Vec<String>, Deferral)>,
    /// Column collations: column and collation name (no pragma reports them).
    pub collations: Vec<(String, String)>,
    /// Generated columns: column and expression as written (`pragma_table_xinfo` says
    /// which columns are generated, not how).
    pub generated: Vec<(String, String)>,
    /// The key is declared `AUTOINCREMENT` (no pragma says so).
    pub autoincrement: bool,
}

/// The clauses of a `CREATE TABLE` statement, table constraints and column constraints
/// alike.
pub fn table_clauses(sql: &str) -> TableClauses {
    let tokens = tokenize(sql);
    let mut clauses = TableClauses::default();
    let Some(open) = tokens.iter().position(|t| t.kind == Kind::Open) else {
        return clauses;
    };
    let Some(close) = matching_close(&tokens, open) else {
        return clauses;
    };
    for (start, end) in split_list(&tokens, open, close) {
        let item = &tokens[start..end];
        let word = |i: usize| item.get(i).map(|t| &sql[t.start..t.end]);
        let is_table_constraint = word(0).is_some_and(|w| {
            ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        });
        let column = if is_table_constraint {
            None
        } else {
            word(0).map(unquote)
        };
        read_constraints(sql, item, column.as_deref(), &mut clauses);
    }
    clauses
}

/// Walks one table item, recording each constraint it holds. For a column definition,
/// `column` names the column its constraints apply to.
fn read_constraints(sql: &str, item: &[Token], column: Option<&str>, out: &mut TableClauses) {
    let text = |t: &Token| &sql[t.start..t.end];
    let is = |i: usize, keyword: &str| {
        item.get(i)
            .is_some_and(|t| t.kind == Kind::Word && text(t).eq_ignore_ascii_case(keyword))
    };
    let columns_at = |i: usize| -> (Vec<String>, usize) {
        match item.get(i) {
            Some(t) if t.kind == Kind::Open => {
                let close = matching_close(item, i).unwrap_or(item.len() - 1);
                let names = split_list(item, i, close)
                    .into_iter()
                    .map(|(s, _)| unquote(text(&item[s])))
                    .collect();
                (names, close + 1)
            }
            _ => (column.map(|c| vec![c.to_owned()]).unwrap_or_default(), i),
        }
    };
    let mut name: Option<String> = None;
    let mut i = if column.is_some() { 1 } else { 0 };
    while i < item.len() {
        if is(i, "CONSTRAINT") {
            name = item.get(i + 1).map(|t| unquote(text(t)));
            i += 2;
        } else if is(i, "PRIMARY") && is(i + 1, "KEY") {
            out.primary_key_name = name.take();
            let next = columns_at(i + 2).1;
            // `id INTEGER PRIMARY KEY AUTOINCREMENT`, or `PRIMARY KEY (id AUTOINCREMENT)`.
            out.autoincrement |= (i + 2..next.max(i + 3)).any(|at| is(at, "AUTOINCREMENT"));
            i = next;
        } else if is(i, "UNIQUE") {
            let (columns, next) = columns_at(i + 1);
            out.uniques.push((name.take(), columns));
            i = next;
        } else if is(i, "CHECK") && item.get(i + 1).is_some_and(|t| t.kind == Kind::Open) {
            let close = matching_close(item, i + 1).unwrap_or(item.len() - 1);
            let expr = sql[item[i + 1].end..item[close].start].trim().to_owned();
            out.checks.push((name.take(), expr));
            i = close + 1;
        } else if is(i, "FOREIGN") && is(i + 1, "KEY") {
            let (columns, next) = columns_at(i + 2);
            let end = foreign_key_end(item, next, &text);
            let deferred = deferred(item, next, end, &text);
            out.foreign_keys.push((name.take(), columns, deferred));
            i = end;
        } else if is(i, "AS")
            && column.is_some()
            && item.get(i + 1).is_some_and(|t| t.kind == Kind::Open)
        {
            let close = matching_close(item, i + 1).unwrap_or(item.len() - 1);
            let expr = sql[item[i + 1].end..item[close].start].trim().to_owned();
            if let Some(column) = column {
                out.generated.push((column.to_owned(), expr));
            }
            i = close + 1;
        } else if is(i, "COLLATE") && column.is_some() {
            if let (Some(column), Some(name)) = (column, item.get(i + 1)) {
                out.collations
                    .push((column.to_owned(), unquote(text(name))));
            }
            i += 2;
        } else if is(i, "REFERENCES") {
            let (columns, _) = columns_at(usize::MAX);
            let end = foreign_key_end(item, i + 1, &text);
            let deferred = deferred(item, i + 1, end, &text);
            out.foreign_keys.push((name.take(), columns, deferred));
            i = end;
        } else {
            i += 1;
        }
    }
}

/// Where a foreign key clause that starts at `from` ends: at the next constraint keyword
/// of a column definition (`NOT NULL`, `DEFAULT`, ...), or the end of the item.
fn foreign_key_end<'a>(item: &[Token], from: usize, text: &impl Fn(&Token) -> &'a str) -> usize {
    let mut depth = 0usize;
    for (i, token) in item.iter().enumerate().skip(from) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Word if depth == 0 => {
                let word = text(token).to_ascii_uppercase();
                let not_null = word == "NOT"
                    && item
                        .get(i + 1)
                        .is_some_and(|t| text(t).eq_ignore_ascii_case("NULL"));
                if not_null
                    || [
                        "CONSTRAINT",
                        "CHECK",
                        "UNIQUE",
                        "PRIMARY",
                        "DEFAULT",
                        "COLLATE",
                    ]
                    .contains(&word.as_str())
                {
                    return i;
                }
            }
            _ => {}
        }
    }
    item.len()
}

/// A foreign key's `[NOT] DEFERRABLE [INITIALLY DEFERRED | IMMEDIATE]`, as declared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deferral {
    /// `DEFERRABLE` (not `NOT DEFERRABLE`).
    pub deferrable: bool,
    /// `INITIALLY DEFERRED` on a deferrable key.
    pub initially_deferred: bool,
}

fn deferred<'a>(
    item: &[Token],
    from: usize,
    to: usize,
    text: &impl Fn(&Token) -> &'a str,
) -> Deferral {
    let words: Vec<String> = item[from.min(to)..to]
        .iter()
        .map(|t| text(t).to_ascii_uppercase())
        .collect();
    let at = words.iter().position(|w| w == "DEFERRABLE");
    let deferrable = at.is_some_and(|at| at == 0 || words[at - 1] != "NOT");
    let initially_deferred = deferrable
        && words
            .windows(2)
            .any(|w| w[0] == "INITIALLY" && w[1] == "DEFERRED");
    Deferral {
        deferrable,
        initially_deferred,
    }
}

/// What a `CREATE INDEX` statement says beyond the pragmas: the key parts as written and
/// the `WHERE` predicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexClauses {
    /// Each key part's text, in order (for expression keys).
    pub parts: Vec<String>,
    /// The predicate of a partial index.
    pub predicate: Option<String>,
}

/// The key parts and predicate of a `CREATE INDEX` statement.
pub fn index_clauses(sql: &str) -> IndexClauses {
    let tokens = tokenize(sql);
    let mut clauses = IndexClauses::default();
    let Some(open) = tokens.iter().position(|t| t.kind == Kind::Open) else {
        return clauses;
    };
    let Some(close) = matching_close(&tokens, open) else {
        return clauses;
    };
    clauses.parts = split_list(&tokens, open, close)
        .into_iter()
        .map(|(s, e)| sql[tokens[s].start..tokens[e - 1].end].trim().to_owned())
        .collect();
    if let Some(next) = tokens.get(close + 1) {
        if sql[next.start..next.end].eq_ignore_ascii_case("WHERE") {
            clauses.predicate = Some(sql[next.end..].trim().to_owned());
        }
    }
    clauses
}

/// The expression of an index key part as `CREATE INDEX` lists it, without its ordering
/// (`ASC`, `DESC`, which `pragma_index_xinfo` reports) and without the parentheses the
/// renderer wraps it in: `(lower(email)) DESC` is `lower(email)`.
pub fn key_expression(part: &str) -> String {
    let tokens = tokenize(part);
    let ordered = tokens.len() > 1
        && tokens.last().is_some_and(|t| {
            t.kind == Kind::Word
                && (part[t.start..t.end].eq_ignore_ascii_case("DESC")
                    || part[t.start..t.end].eq_ignore_ascii_case("ASC"))
        });
    let end = if ordered {
        tokens[tokens.len() - 2].end
    } else {
        part.len()
    };
    strip_parentheses(&part[..end])
}

/// An expression key part without the parentheses the renderer wraps it in.
pub fn strip_parentheses(part: &str) -> String {
    let tokens = tokenize(part);
    if tokens.first().is_some_and(|t| t.kind == Kind::Open)
        && matching_close(&tokens, 0) == Some(tokens.len() - 1)
    {
        part[tokens[0].end..tokens[tokens.len() - 1].start]
            .trim()
            .to_owned()
    } else {
        part.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoincrement_is_read_in_both_spellings() {
        let column =
            table_clauses("CREATE TABLE t (id integer NOT NULL PRIMARY KEY AUTOINCREMENT)");
        let table =
            table_clauses("CREATE TABLE t (id INTEGER, PRIMARY KEY (\"id\" AUTOINCREMENT))");
        let plain = table_clauses("CREATE TABLE t (id INTEGER PRIMARY KEY, autoincrement INT)");
        assert!(column.autoincrement && table.autoincrement);
        assert!(!plain.autoincrement);
    }

    #[test]
    fn generated_columns_are_read_with_their_expression() {
        let clauses = table_clauses(
            "CREATE TABLE t (a INT DEFAULT (CAST(1 AS INT)), \
             b INT GENERATED ALWAYS AS (a * (a + 1)) STORED NOT NULL, c AS (a || 'x'))",
        );
        assert_eq!(
            clauses.generated,
            [
                ("b".to_owned(), "a * (a + 1)".to_owned()),
                ("c".to_owned(), "a || 'x'".to_owned())
            ]
        );
    }

    #[test]
    fn a_key_expression_is_read_without_its_ordering_and_parentheses() {
        assert_eq!(key_expression("(lower(email)) DESC"), "lower(email)");
        assert_eq!(key_expression("lower(email) asc"), "lower(email)");
        assert_eq!(key_expression("(a + b)"), "a + b");
        assert_eq!(key_expression("\"desc\""), "\"desc\"");
    }

    #[test]
    fn named_table_constraints_are_read_with_their_quoting() {
        let sql = r#"CREATE TABLE "t" (
    "id" INTEGER NOT NULL,
    "a, b" TEXT COLLATE "NOCASE" DEFAULT ('x,)') CHECK (length("a, b") > 0),
    "p" INT REFERENCES "p" ("id") DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT "pk_t" PRIMARY KEY ("id"),
    CONSTRAINT "uq_t_a" UNIQUE ("a, b", "id"),
    CONSTRAINT "ck_t_x" CHECK ("a, b" <> ')' AND "id" IN (1, 2)), -- a comment, with (
    CONSTRAINT "fk_t_p" FOREIGN KEY ("p") REFERENCES "p" ("id") ON DELETE CASCADE
)"#;
        let clauses = table_clauses(sql);
        assert_eq!(clauses.primary_key_name.as_deref(), Some("pk_t"));
        assert_eq!(
            clauses.uniques,
            vec![(Some("uq_t_a".into()), vec!["a, b".into(), "id".into()])]
        );
        assert_eq!(
            clauses.checks,
            vec![
                (None, r#"length("a, b") > 0"#.into()),
                (
                    Some("ck_t_x".into()),
                    r#""a, b" <> ')' AND "id" IN (1, 2)"#.into()
                ),
            ]
        );
        assert_eq!(clauses.collations, vec![("a, b".into(), "NOCASE".into())]);
        assert_eq!(
            clauses.foreign_keys,
            vec![
                (
                    None,
                    vec!["p".into()],
                    Deferral {
                        deferrable: true,
                        initially_deferred: true
                    }
                ),
                (Some("fk_t_p".into()), vec!["p".into()], Deferral::default()),
            ]
        );
    }

    #[test]
    fn index_predicates_and_expression_keys_are_read() {
        let clauses =
            index_clauses(r#"CREATE UNIQUE INDEX "ix" ON "t" ("a", (lower("b"))) WHERE "c" > 0"#);
        assert_eq!(clauses.parts, vec![r#""a""#, r#"(lower("b"))"#]);
        assert_eq!(clauses.predicate.as_deref(), Some(r#""c" > 0"#));
        assert_eq!(strip_parentheses(r#"(lower("b"))"#), r#"lower("b")"#);
    }
}
