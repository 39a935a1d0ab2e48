//! Column renames inside SQL expressions. PostgreSQL keeps check expressions, index
//! expressions and partial-index predicates parsed, so once a column is renamed they
//! deparse with the new name. The renamed view rewrites their text the same way, so that a
//! check on a renamed column is kept (or renamed) rather than dropped and added again.
//!
//! The rewrite works on tokens, never inside string literals, and spells the new name as
//! the database will ([`Respelling`]). It is a guess at the database's output; a wrong
//! guess leaves texts that differ, and the diff then drops and re-adds the object, which is
//! correct, only noisier.

/// How a database writes a renamed column into the expression text it keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Respelling {
    /// PostgreSQL deparses from the parse tree: bare when it can be, double-quoted
    /// otherwise, whatever the old text said.
    Deparsed,
    /// SQLite edits the text it keeps in place, writing every reference the way the
    /// `RENAME COLUMN` statement spells the new name: quoted, since the renderer always
    /// quotes it (a bare reference stays bare only after a bare new name).
    EditedInPlace,
}

impl Respelling {
    fn spell(self, name: &str) -> String {
        match self {
            Self::Deparsed => deparsed_identifier(name),
            Self::EditedInPlace => quoted(name),
        }
    }
}

/// `expression` with every reference to column `from` spelled as a reference to `to`.
pub(super) fn rename_column(
    expression: &str,
    from: &str,
    to: &str,
    respelling: Respelling,
) -> String {
    let chars: Vec<char> = expression.chars().collect();
    let mut out = String::with_capacity(expression.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            i = copy_literal(&chars, i, false, &mut out);
        } else if c == '"' {
            let (name, end) = quoted_identifier(&chars, i);
            if name == from && is_column_position(&out, &chars, end) {
                out.push_str(&respelling.spell(to));
            } else {
                out.extend(&chars[i..end]);
            }
            i = end;
        } else if c.is_ascii_digit() {
            // `1e3`, `0x1f`: a number, not an identifier that starts after its first digit.
            let end = scan(&chars, i, |c| {
                c.is_ascii_alphanumeric() || c == '.' || c == '_'
            });
            out.extend(&chars[i..end]);
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = scan(&chars, i, |c| c.is_alphanumeric() || c == '_' || c == '$');
            let word: String = chars[i..end].iter().collect();
            if chars.get(end) == Some(&'\'') && word.eq_ignore_ascii_case("e") {
                out.push_str(&word);
                i = copy_literal(&chars, end, true, &mut out);
                continue;
            }
            // Unquoted names fold to lower case.
            if word.to_ascii_lowercase() == from && is_column_position(&out, &chars, end) {
                out.push_str(&respelling.spell(to));
            } else {
                out.push_str(&word);
            }
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The end of the run of characters from `start` that satisfy `keep`.
fn scan(chars: &[char], start: usize, keep: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    while end < chars.len() && keep(chars[end]) {
        end += 1;
    }
    end
}

/// Copies the string literal opening at `start` (`''` inside it is a quote; with
/// `escapes`, so is `\'`) and returns where it ends.
fn copy_literal(chars: &[char], start: usize, escapes: bool, out: &mut String) -> usize {
    out.push('\'');
    let mut i = start + 1;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        i += 1;
        if escapes && c == '\\' {
            if let Some(&next) = chars.get(i) {
                out.push(next);
                i += 1;
            }
        } else if c == '\'' {
            if chars.get(i) == Some(&'\'') {
                out.push('\'');
                i += 1;
            } else {
                break;
            }
        }
    }
    i
}

/// The name inside the double-quoted identifier opening at `start`, and where it ends.
fn quoted_identifier(chars: &[char], start: usize) -> (String, usize) {
    let mut name = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == '"' {
            if chars.get(i + 1) == Some(&'"') {
                name.push('"');
                i += 2;
                continue;
            }
            return (name, i + 1);
        }
        name.push(chars[i]);
        i += 1;
    }
    (name, i)
}

/// A name at this position is a column: not a type after `::`, not part of a qualified
/// name (around a `.`), not a function before `(`.
fn is_column_position(before: &str, chars: &[char], end: usize) -> bool {
    let before = before.trim_end();
    let after = chars[end..].iter().find(|c| !c.is_whitespace());
    !before.ends_with("::") && !before.ends_with('.') && !matches!(after, Some('(' | '.'))
}

/// How PostgreSQL's deparser spells an identifier (`quote_identifier`): bare when it is a
/// lower-case name that is not a keyword, double-quoted otherwise.
fn deparsed_identifier(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !QUOTED_KEYWORDS.contains(&name) {
        name.to_owned()
    } else {
        quoted(name)
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The keywords `quote_identifier` quotes: PostgreSQL's reserved, type/function-name and
/// column-name keywords (unreserved keywords are left bare).
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_quoted_references_are_renamed() {
        assert_eq!(
            rename_column(
                "((total >= (0)::numeric) AND (total < 10))",
                "total",
                "amount",
                Respelling::Deparsed
            ),
            "((amount >= (0)::numeric) AND (amount < 10))"
        );
        assert_eq!(
            rename_column(
                "(\"select\" <> ''::text)",
                "select",
                "Where",
                Respelling::Deparsed
            ),
            "(\"Where\" <> ''::text)"
        );
        assert_eq!(
            rename_column("(\"Total\" > 0)", "Total", "order", Respelling::Deparsed),
            "(\"order\" > 0)"
        );
        assert_eq!(
            rename_column("(TOTAL > 0)", "total", "sum_2", Respelling::Deparsed),
            "(sum_2 > 0)"
        );
    }

    /// Regression (found by `tests/tests/round_trip.rs`): SQLite wrote `"c0_r" >= 0` for a
    /// check `c0 >= 0` after `RENAME COLUMN "c0" TO "c0_r"`, where the renamed view said
    /// `c0_r >= 0`; the revision left the check as drift.
    #[test]
    fn sqlite_references_take_the_quoted_new_name() {
        assert_eq!(
            rename_column("c0 >= 0", "c0", "c0_r", Respelling::EditedInPlace),
            "\"c0_r\" >= 0"
        );
        assert_eq!(
            rename_column("\"c0\" >= 0", "c0", "c0_r", Respelling::EditedInPlace),
            "\"c0_r\" >= 0"
        );
    }

    #[test]
    fn literals_types_functions_and_other_names_are_left_alone() {
        let text = "((status)::text <> 'status'::text) AND (status_at IS NULL) AND \
                    (E'it\\'s status' <> lower(status)) AND (1e3 > 0)";
        assert_eq!(
            rename_column(text, "status", "state", Respelling::Deparsed),
            "((state)::text <> 'status'::text) AND (status_at IS NULL) AND \
             (E'it\\'s status' <> lower(state)) AND (1e3 > 0)"
        );
        assert_eq!(
            rename_column("(x)::text", "text", "body", Respelling::Deparsed),
            "(x)::text"
        );
        assert_eq!(
            rename_column("lower(name)", "lower", "l", Respelling::Deparsed),
            "lower(name)"
        );
        assert_eq!(
            rename_column("t.total > 0", "t", "u", Respelling::Deparsed),
            "t.total > 0"
        );
        assert_eq!(
            rename_column("s.total > 0", "total", "sum", Respelling::Deparsed),
            "s.total > 0"
        );
        assert_eq!(
            rename_column(
                "'it''s total' = total",
                "total",
                "sum",
                Respelling::Deparsed
            ),
            "'it''s total' = sum"
        );
    }
}
