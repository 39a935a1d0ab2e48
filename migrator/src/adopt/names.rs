//! Rust names for what a database calls its tables, columns and enum values: `CamelCase`
//! structs and variants, `snake_case` fields, `r#` for keywords that allow it, and a
//! suffix where two database names would meet in one Rust name.

use std::collections::BTreeSet;

/// Words Rust reserves (strict and reserved, 2021 edition and later).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords `r#` cannot take.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// Type names a struct or enum must not take: a generated `String` or `Option` would hide
/// the standard one from the code around it.
const TAKEN_TYPES: &[&str] = &[
    "Self", "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Table",
    "DbEnum", "Uuid", "Decimal", "Value",
];

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word) || word == "Self"
}

/// `order_lines` -> `OrderLines`, `Order Lines` -> `OrderLines`, `2fa` -> `T2fa`: the words
/// of `text` (split at anything not alphanumeric and at case changes), each capitalised.
pub fn camel_case(text: &str) -> String {
    let mut out = String::new();
    for word in words(text) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(&chars.as_str().to_lowercase());
        }
    }
    if out.is_empty() {
        out.push_str("Unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// `OrderLines` -> `order_lines`, `Order Date` -> `order_date`, `2fa` -> `_2fa`.
pub fn snake_case(text: &str) -> String {
    let mut out = words(text)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The words of a name: runs of ASCII letters and digits, split where a lower-case letter
/// or digit meets an upper-case one (`orderID` -> `order`, `ID`). Other characters
/// separate words and are dropped.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev = None;
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
        prev = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A struct name for a table: the table name in `CamelCase`, singular where an English
/// plural is plain (`users` -> `User`, `categories` -> `Category`, `addresses` -> `Address`).
pub fn struct_name(table: &str) -> String {
    let all = words(table);
    let Some((last, head)) = all.split_last() else {
        return camel_case(table);
    };
    let mut parts: Vec<String> = head.to_vec();
    parts.push(singular(last));
    let name = camel_case(&parts.join("_"));
    if TAKEN_TYPES.contains(&name.as_str()) {
        format!("{name}Row")
    } else {
        name
    }
}

/// The singular of a plain English plural; any other word as it is.
fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let keep = |cut: usize, add: &str| format!("{}{add}", &word[..word.len() - cut]);
    if lower.len() <= 3 || lower.ends_with("ss") || lower.ends_with("us") || lower.ends_with("is") {
        return word.to_string();
    }
    if lower.ends_with("ies") {
        return keep(3, "y");
    }
    if ["sses", "xes", "ches", "shes", "zzes"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        return keep(2, "");
    }
    if lower.ends_with('s') {
        return keep(1, "");
    }
    word.to_string()
}

/// Whether the derive's `snake_case` of `camel` (the default name of a struct, enum or
/// variant) gives back `value`: then no `name =` or `rename =` is needed. Only values made
/// of lower-case letters whose words after the first have two letters or more are
/// certain to (a lone letter next to another would merge into one word).
pub fn camel_round_trips(value: &str) -> bool {
    let mut segments = value.split('_');
    let first_ok = segments
        .next()
        .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase()));
    first_ok && segments.all(|s| s.len() >= 2 && s.chars().all(|c| c.is_ascii_lowercase()))
}

/// A field for a column: the column name when it is already a Rust field name (`r#type`
/// for a keyword), otherwise its `snake_case`; the second value says whether the field
/// needs `#[column(name = "..")]`.
pub fn field_name(column: &str) -> (String, bool) {
    let plain = !column.is_empty()
        && column
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !column.starts_with(|c: char| c.is_ascii_digit())
        && column != "_";
    if plain {
        if NOT_RAW.contains(&column) {
            return (format!("{column}_"), true);
        }
        if is_keyword(column) {
            return (format!("r#{column}"), false);
        }
        return (column.to_string(), false);
    }
    let snake = snake_case(column);
    if NOT_RAW.contains(&snake.as_str()) {
        return (format!("{snake}_"), true);
    }
    if is_keyword(&snake) {
        return (format!("r#{snake}"), true);
    }
    (snake, true)
}

/// A variant name for an enum value, never a keyword.
pub fn variant_name(value: &str) -> String {
    let name = camel_case(value);
    if is_keyword(&name) {
        format!("{name}Value")
    } else {
        name
    }
}

/// Hands out names unique within one scope: a name already given gets `2`, `3`, ...
/// appended (on the text before any `r#`).
#[derive(Debug, Default)]
pub struct Unique {
    taken: BTreeSet<String>,
}

impl Unique {
    /// A scope where `taken` are already in use.
    pub fn with(taken: impl IntoIterator<Item = String>) -> Self {
        Self {
            taken: taken.into_iter().collect(),
        }
    }

    /// `wanted`, or `wanted` with the first free number appended.
    pub fn give(&mut self, wanted: String) -> String {
        let bare = wanted.trim_start_matches("r#").to_string();
        if self.taken.insert(bare.clone()) {
            return wanted;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{bare}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}
