//! The models rewritten into what MySQL holds, before the diff, so that a database built
//! from them reads back equal and a second comparison finds nothing:
//!
//! - an enum type becomes the inline `enum('a','b')` of its values (a MySQL enum is part
//!   of the column's type, so the diff sees a changed value list as a changed type, which
//!   renders as one `MODIFY COLUMN`); UUIDs become `char(36)`, `jsonb` plain `json`,
//!   timestamps with time zone `datetime(6)` (as `Timestamp`),
//!   `varchar` without a length `longtext`, `numeric` without precision `decimal(65,30)`;
//! - identity is `AUTO_INCREMENT`, which accepts explicit values: always `BY DEFAULT`;
//! - a unique index is a unique constraint (MySQL cannot tell them apart);
//! - a foreign key whose columns no index starts with gets the index MySQL would create
//!   for it, named after the key, so that it is neither drift nor left behind by `down`;
//! - defaults and check expressions are spelled as the server reports them back
//!   ([`canonical_default`], [`canonical_expression`]); introspection passes what it reads
//!   through the same functions, so both sides meet in one spelling.
//!
//! Pure: no connection. The server's own spellings were read off MariaDB 10.11 and MySQL 8.

use std::collections::BTreeMap;

use schema_runtime::schema::{
    Column, ColumnType, ForeignKeyAction, Identity, Index, IndexPart, QualifiedName, Schema, Table,
    UniqueConstraint,
};

use super::types::inline_enum;

/// Rewrites the models' schema into MySQL's terms (see the module documentation).
pub fn normalize_target(target: &mut Schema) {
    let enums: BTreeMap<QualifiedName, Vec<String>> = target
        .enums
        .iter()
        .map(|e| (e.name.clone(), e.values.clone()))
        .collect();
    for table in &mut target.tables {
        for column in &mut table.columns {
            normalize_column(column, &enums);
        }
        for check in &mut table.checks {
            check.expression = canonical_expression(&check.expression);
        }
        // InnoDB's RESTRICT is NO ACTION (see the inspector).
        for key in &mut table.foreign_keys {
            for action in [&mut key.on_delete, &mut key.on_update] {
                if *action == ForeignKeyAction::Restrict {
                    *action = ForeignKeyAction::NoAction;
                }
            }
        }
        unique_indexes_as_constraints(table);
        add_foreign_key_indexes(table);
    }
}

fn normalize_column(column: &mut Column, enums: &BTreeMap<QualifiedName, Vec<String>>) {
    column.ty = mysql_type(&column.ty, enums);
    if column.identity.is_some() {
        column.identity = Some(Identity::ByDefault);
    }
    column.default = column
        .default
        .as_deref()
        .map(|d| canonical_default(d, &column.ty));
    column.generated = column.generated.as_deref().map(canonical_expression);
}

fn mysql_type(ty: &ColumnType, enums: &BTreeMap<QualifiedName, Vec<String>>) -> ColumnType {
    match ty {
        ColumnType::Enum { name } => {
            let values = enums.get(name).or_else(|| {
                enums
                    .iter()
                    .find(|(n, _)| n.name == name.name)
                    .map(|(_, v)| v)
            });
            match values {
                Some(values) => ColumnType::Custom {
                    sql: inline_enum(values),
                },
                None => ty.clone(),
            }
        }
        ColumnType::Uuid => ColumnType::Char { length: 36 },
        ColumnType::Jsonb => ColumnType::Json,
        // See `types`: MySQL's `timestamp` ends in 2038.
        ColumnType::TimestampTz => ColumnType::Timestamp,
        ColumnType::Varchar { length: None } => ColumnType::Text,
        ColumnType::Numeric {
            precision: None, ..
        } => ColumnType::Numeric {
            precision: Some(65),
            scale: Some(30),
        },
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => ColumnType::Numeric {
            precision: Some(*p),
            scale: Some(0),
        },
        other => other.clone(),
    }
}

fn unique_indexes_as_constraints(table: &mut Table) {
    let (unique, plain): (Vec<Index>, Vec<Index>) = std::mem::take(&mut table.indexes)
        .into_iter()
        .partition(|i| {
            i.unique
                && i.predicate.is_none()
                && i.method.is_none()
                && i.parts.iter().all(|p| matches!(p, IndexPart::Column(_)))
        });
    table.indexes = plain;
    for index in unique {
        let columns = index.column_names().map(str::to_owned).collect();
        table.uniques.push(UniqueConstraint {
            name: index.name,
            columns,
        });
    }
    table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
}

/// MySQL needs an index starting with a foreign key's columns, and creates one named after
/// the key when there is none.
fn add_foreign_key_indexes(table: &mut Table) {
    let mut added = Vec::new();
    for key in &table.foreign_keys {
        let covered = |columns: &[String]| columns.starts_with(&key.columns);
        let by_key = table
            .primary_key
            .as_ref()
            .is_some_and(|pk| covered(&pk.columns));
        let by_unique = table.uniques.iter().any(|u| covered(&u.columns));
        let by_index = table.indexes.iter().chain(&added).any(|i: &Index| {
            let columns: Vec<String> = i.column_names().map(str::to_owned).collect();
            columns.len() == i.parts.len() && covered(&columns)
        });
        if !(by_key || by_unique || by_index) {
            added.push(Index {
                name: key.name.clone(),
                parts: key.columns.iter().cloned().map(IndexPart::Column).collect(),
                unique: false,
                predicate: None,
                method: None,
                part_options: Vec::new(),
                include: Vec::new(),
                nulls_not_distinct: false,
            });
        }
    }
    // The model states none of these: any index of the same columns is the one MySQL needs.
    table
        .conventional_names
        .extend(added.iter().map(|i| i.name.clone()));
    table.indexes.extend(added);
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

/// A default in the spelling MariaDB reports in `COLUMN_DEFAULT`: `current_timestamp(6)`
/// for every "now" on a microsecond column, `1`/`0` for booleans, decimals with their
/// scale's digits (`0.00`), other expressions through [`canonical_expression`].
pub fn canonical_default(default: &str, ty: &ColumnType) -> String {
    let trimmed = strip_outer_parens(default.trim());
    let lower = trimmed.to_ascii_lowercase();
    let now = matches!(
        lower.split('(').next().unwrap_or(""),
        "now" | "current_timestamp" | "localtimestamp" | "localtime" | "sysdate"
    ) || lower == "transaction_timestamp()"
        || lower == "clock_timestamp()";
    if now {
        return match ty {
            ColumnType::Timestamp | ColumnType::TimestampTz | ColumnType::Time => {
                "current_timestamp(6)".into()
            }
            _ => "current_timestamp()".into(),
        };
    }
    match (ty, lower.as_str()) {
        (ColumnType::Boolean, "true") => return "1".into(),
        (ColumnType::Boolean, "false") => return "0".into(),
        _ => {}
    }
    if let ColumnType::Numeric {
        scale: Some(scale), ..
    } = ty
    {
        if let Some(number) = with_scale(trimmed, *scale) {
            return number;
        }
    }
    if trimmed.starts_with('\'') {
        return trimmed.to_owned();
    }
    canonical_expression(trimmed)
}

/// `0` with scale 2 -> `0.00`; `None` unless `text` is a plain decimal number.
fn with_scale(text: &str, scale: u32) -> Option<String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit());
    if !plain {
        return None;
    }
    let sign = if text.starts_with('-') { "-" } else { "" };
    let scale = scale as usize;
    if scale == 0 {
        return Some(format!("{sign}{whole}"));
    }
    let mut fraction: String = fraction.chars().take(scale).collect();
    while fraction.len() < scale {
        fraction.push('0');
    }
    Some(format!("{sign}{whole}.{fraction}"))
}

/// An expression in one canonical spelling that both the models and the server's report
/// reduce to: lower case outside string literals, simple identifiers without backticks,
/// no character-set introducers (`_utf8mb4'x'`), no outer parentheses, and one space
/// between tokens except around commas, inside parentheses and before a function's
/// arguments (`total>=0 AND s IN ('a', 'b')` and MariaDB's `` `total` >= 0 and `s` in
/// ('a','b') `` both read `total >= 0 and s in ('a','b')`).
/// The result is still valid SQL, so it is what gets rendered.
pub fn canonical_expression(expression: &str) -> String {
    let chars: Vec<char> = expression.trim().chars().collect();
    let mut tokens: Vec<String> = Vec::new();
    let mut space_before = Vec::new();
    let mut pending_space = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        let (token, end) = if c == '\'' {
            literal(&chars, i)
        } else if c == '`' {
            backticked(&chars, i)
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let end = scan(&chars, i, |c| {
                c.is_alphanumeric() || c == '_' || c == '$' || c == '.'
            });
            let word: String = chars[i..end].iter().collect::<String>().to_lowercase();
            // `_utf8mb4'x'`: MySQL 8 writes the character set of every string literal.
            if word.starts_with('_') && chars.get(end) == Some(&'\'') {
                i = end;
                continue;
            }
            (word, end)
        } else {
            let end = if is_operator(c) {
                scan(&chars, i, is_operator)
            } else {
                i + 1
            };
            (chars[i..end].iter().collect(), end)
        };
        space_before.push(pending_space);
        tokens.push(token);
        pending_space = false;
        i = end;
    }
    let mut out = String::new();
    for (index, token) in tokens.iter().enumerate() {
        if index > 0 && spaced(&tokens[index - 1], token) {
            out.push(' ');
        }
        out.push_str(token);
    }
    strip_outer_parens(&out).to_owned()
}

fn is_operator(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!' | '|' | '&')
}

/// Whether one space goes between two tokens, whatever the source had: none inside
/// parentheses or around commas (`in ('a','b')`), none between a function and its
/// arguments (`json_valid(j)`), one everywhere else (`n >= 0 and (m < 1)`).
fn spaced(before: &str, token: &str) -> bool {
    if before == "(" || token == ")" || token == "," || before == "," {
        return false;
    }
    if token == "(" {
        let keyword = matches!(before, "and" | "or" | "not" | "in" | "xor");
        return keyword || !ends_wordy(before);
    }
    true
}

fn ends_wordy(token: &str) -> bool {
    token
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '`' || c == '\'')
}

fn scan(chars: &[char], start: usize, keep: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    while end < chars.len() && keep(chars[end]) {
        end += 1;
    }
    end
}

/// A string literal, verbatim (`''` and `\'` stay inside it).
fn literal(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\'') => i += 2,
            '\'' => return (chars[start..=i].iter().collect(), i + 1),
            _ => i += 1,
        }
    }
    (chars[start..].iter().collect(), chars.len())
}

/// A backticked identifier: bare and lower-cased when it is a simple name.
fn backticked(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start + 1;
    let mut name = String::new();
    while i < chars.len() {
        if chars[i] == '`' {
            if chars.get(i + 1) == Some(&'`') {
                name.push('`');
                i += 2;
                continue;
            }
            break;
        }
        name.push(chars[i]);
        i += 1;
    }
    let simple = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let token = if simple && !is_reserved(&name) {
        name.to_ascii_lowercase()
    } else {
        format!("`{}`", name.replace('`', "``"))
    };
    (token, (i + 1).min(chars.len()))
}

/// Reserved words that are likely column names: they keep their backticks, or the
/// canonical text would not parse when rendered.
fn is_reserved(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "add",
        "all",
        "and",
        "as",
        "asc",
        "between",
        "by",
        "case",
        "change",
        "check",
        "column",
        "condition",
        "default",
        "delete",
        "desc",
        "div",
        "drop",
        "exists",
        "from",
        "group",
        "having",
        "in",
        "index",
        "interval",
        "is",
        "key",
        "keys",
        "like",
        "limit",
        "match",
        "mod",
        "not",
        "null",
        "on",
        "or",
        "order",
        "primary",
        "range",
        "read",
        "references",
        "regexp",
        "release",
        "rename",
        "require",
        "select",
        "show",
        "table",
        "to",
        "update",
        "usage",
        "use",
        "values",
        "when",
        "where",
        "with",
        "write",
    ];
    RESERVED.contains(&name.to_ascii_lowercase().as_str())
}

/// `((a > 0))` -> `a > 0`; `(a) and (b)` stays as it is.
fn strip_outer_parens(text: &str) -> &str {
    let mut text = text.trim();
    while text.starts_with('(') && text.ends_with(')') && wraps_whole(text) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

fn wraps_whole(text: &str) -> bool {
    let mut depth = 0i32;
    let mut quoted = false;
    let chars: Vec<char> = text.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 && index + 1 < chars.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_and_server_spellings_of_a_check_meet() {
        let model = canonical_expression("total >= 0 AND status IN ('a', 'b')");
        let mariadb = canonical_expression("`total` >= 0 and `status` in ('a','b')");
        let mysql8 =
            canonical_expression("((`total` >= 0) and (`status` in (_utf8mb4'a',_utf8mb4'b')))");
        assert_eq!(model, "total >= 0 and status in ('a','b')");
        assert_eq!(mariadb, model);
        // MySQL 8 parenthesises every operand; the result is valid SQL, not the model spelling.
        assert_eq!(mysql8, "(total >= 0) and (status in ('a','b'))");
        assert_eq!(
            canonical_expression("`Odd Name` > 'It''s'"),
            "`Odd Name` > 'It''s'"
        );
        assert_eq!(
            canonical_expression("`key` REGEXP '^[A-Z]'"),
            "`key` regexp '^[A-Z]'"
        );
    }

    #[test]
    fn defaults_take_the_servers_spelling() {
        let ts = ColumnType::Timestamp;
        assert_eq!(canonical_default("now()", &ts), "current_timestamp(6)");
        assert_eq!(
            canonical_default("CURRENT_TIMESTAMP", &ts),
            "current_timestamp(6)"
        );
        assert_eq!(canonical_default("true", &ColumnType::Boolean), "1");
        let money = ColumnType::Numeric {
            precision: Some(12),
            scale: Some(2),
        };
        assert_eq!(canonical_default("0", &money), "0.00");
        assert_eq!(canonical_default("-1.5", &money), "-1.50");
        assert_eq!(canonical_default("'it''s'", &ColumnType::Text), "'it''s'");
        assert_eq!(canonical_default("(UUID())", &ColumnType::Text), "uuid()");
    }
}
