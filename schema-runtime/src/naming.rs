//! Deterministic constraint and index names, shortened with a hash suffix when they pass
//! the identifier limit, so that every database and every run agrees on them and the diff
//! never sees a renamed constraint where nothing changed.
//!
//! The names come from a [`NamingConvention`]: by default `pk_<table>`, `uq_<table>_<cols>`,
//! `ix_<table>_<cols>`, `fk_<table>_<cols>_<reftable>` and `ck_<table>_<name>`; a models
//! crate may choose PostgreSQL's own (`<table>_pkey`, `<table>_<cols>_fkey`, ...) or its
//! own templates once, with [`naming_convention!`](crate::naming_convention).

use sha2::{Digest, Sha256};

/// The identifier limit the names are shortened to: PostgreSQL's 63 bytes (MySQL allows 64,
/// SQLite has none), so one name serves every dialect.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The templates a models crate names its constraints and indexes by, where a model states
/// no name. A template is text with placeholders: `{table}` (the table's name, without
/// namespace), `{columns}` (the columns joined by `_`), `{referred_table}` (a foreign key's
/// target table) and `{name}` (a check's name, or its column's for a column check). A
/// template left `None` is the default convention's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamingConvention {
    /// Primary keys: `{table}`.
    pub primary_key: Option<&'static str>,
    /// Unique constraints: `{table}`, `{columns}`.
    pub unique: Option<&'static str>,
    /// Indexes: `{table}`, `{columns}`.
    pub index: Option<&'static str>,
    /// Foreign keys: `{table}`, `{columns}`, `{referred_table}`.
    pub foreign_key: Option<&'static str>,
    /// Checks: `{table}`, `{name}`.
    pub check: Option<&'static str>,
}

/// Which placeholders each template may use, for [`NamingConvention::problems`].
const PLACEHOLDERS: [(&str, &[&str]); 5] = [
    ("primary_key", &["table"]),
    ("unique", &["table", "columns"]),
    ("index", &["table", "columns"]),
    ("foreign_key", &["table", "columns", "referred_table"]),
    ("check", &["table", "name"]),
];

impl NamingConvention {
    /// No template set: every name is the default convention's.
    pub const UNSET: Self = Self {
        primary_key: None,
        unique: None,
        index: None,
        foreign_key: None,
        check: None,
    };

    /// `pk_<table>`, `uq_<table>_<cols>`, `ix_<table>_<cols>`,
    /// `fk_<table>_<cols>_<reftable>`, `ck_<table>_<name>`.
    pub const DEFAULT: Self = Self {
        primary_key: Some("pk_{table}"),
        unique: Some("uq_{table}_{columns}"),
        index: Some("ix_{table}_{columns}"),
        foreign_key: Some("fk_{table}_{columns}_{referred_table}"),
        check: Some("ck_{table}_{name}"),
    };

    /// PostgreSQL's own names for constraints created without one: `<table>_pkey`,
    /// `<table>_<cols>_key`, `<table>_<cols>_idx`, `<table>_<cols>_fkey`,
    /// `<table>_<name>_check`. A database that was built by hand or by a tool that let
    /// PostgreSQL name things already has these. (Past 63 bytes PostgreSQL cuts the parts
    /// its own way; such a name is matched by what the constraint is, not by its name.)
    pub const POSTGRES: Self = Self {
        primary_key: Some("{table}_pkey"),
        unique: Some("{table}_{columns}_key"),
        index: Some("{table}_{columns}_idx"),
        foreign_key: Some("{table}_{columns}_fkey"),
        check: Some("{table}_{name}_check"),
    };

    fn template(&self, pick: fn(&Self) -> Option<&'static str>) -> &'static str {
        pick(self)
            .or_else(|| pick(&Self::DEFAULT))
            .unwrap_or_default()
    }

    /// The primary key's name.
    pub fn primary_key(&self, table: &str) -> String {
        fill(self.template(|c| c.primary_key), &[("table", table)])
    }

    /// A unique constraint's name.
    pub fn unique(&self, table: &str, columns: &[impl AsRef<str>]) -> String {
        let columns = join(columns);
        fill(
            self.template(|c| c.unique),
            &[("table", table), ("columns", &columns)],
        )
    }

    /// An index's name (a unique index's too).
    pub fn index(&self, table: &str, columns: &[impl AsRef<str>]) -> String {
        let columns = join(columns);
        fill(
            self.template(|c| c.index),
            &[("table", table), ("columns", &columns)],
        )
    }

    /// A foreign key's name.
    pub fn foreign_key(
        &self,
        table: &str,
        columns: &[impl AsRef<str>],
        referenced_table: &str,
    ) -> String {
        let columns = join(columns);
        fill(
            self.template(|c| c.foreign_key),
            &[
                ("table", table),
                ("columns", &columns),
                ("referred_table", referenced_table),
            ],
        )
    }

    /// A check's name, from the check's own `name` (or its column's).
    pub fn check(&self, table: &str, name: &str) -> String {
        fill(
            self.template(|c| c.check),
            &[("table", table), ("name", name)],
        )
    }

    /// What is wrong with the templates: each message names the template and the
    /// placeholder (an unknown one, an unclosed brace, or a template without `{table}`,
    /// whose names would clash across tables).
    pub fn problems(&self) -> Vec<String> {
        let set = [
            self.primary_key,
            self.unique,
            self.index,
            self.foreign_key,
            self.check,
        ];
        let mut found = Vec::new();
        for ((key, allowed), template) in PLACEHOLDERS.iter().zip(set) {
            let Some(template) = template else { continue };
            match placeholders(template) {
                Err(()) => found.push(format!(
                    "`{key} = \"{template}\"` has an unclosed `{{`; placeholders are written `{{table}}`"
                )),
                Ok(used) => {
                    for name in used.iter().filter(|n| !allowed.contains(&n.as_str())) {
                        found.push(format!(
                            "`{key} = \"{template}\"` uses `{{{name}}}`, which a {} name cannot have; it may use {}",
                            key.replace('_', " "),
                            allowed
                                .iter()
                                .map(|a| format!("`{{{a}}}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                    if !used.iter().any(|n| n == "table") {
                        found.push(format!(
                            "`{key} = \"{template}\"` has no `{{table}}`: two tables would give their constraints one name"
                        ));
                    }
                }
            }
        }
        found
    }
}

impl Default for NamingConvention {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The placeholder names of a template, or `Err` for a `{` that is never closed.
fn placeholders(template: &str) -> Result<Vec<String>, ()> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(())?;
        found.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    Ok(found)
}

/// The template with each `{key}` replaced, shortened to the identifier limit. One pass
/// over the template: a value is never searched for placeholders itself (a table named
/// `a{columns}` stays so), and no string is built per key (this runs for every constraint
/// and index of every model on each command). A `{word}` that is no key stays as written.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut name = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        name.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            let value = values.iter().find(|(k, _)| *k == key)?.1;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                name.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                name.push('{');
                rest = after;
            }
        }
    }
    name.push_str(rest);
    shorten(&name)
}

/// `pk_<table>`: the default convention's primary key name.
pub fn primary_key(table: &str) -> String {
    NamingConvention::DEFAULT.primary_key(table)
}

/// `uq_<table>_<cols>`: the default convention's unique constraint name.
pub fn unique(table: &str, columns: &[impl AsRef<str>]) -> String {
    NamingConvention::DEFAULT.unique(table, columns)
}

/// `ix_<table>_<cols>`: the default convention's index name.
pub fn index(table: &str, columns: &[impl AsRef<str>]) -> String {
    NamingConvention::DEFAULT.index(table, columns)
}

/// `fk_<table>_<cols>_<reftable>`: the default convention's foreign key name.
pub fn foreign_key(table: &str, columns: &[impl AsRef<str>], referenced_table: &str) -> String {
    NamingConvention::DEFAULT.foreign_key(table, columns, referenced_table)
}

/// `ck_<table>_<name>`: the default convention's check name.
pub fn check(table: &str, name: &str) -> String {
    NamingConvention::DEFAULT.check(table, name)
}

fn join(columns: &[impl AsRef<str>]) -> String {
    columns
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("_")
}

/// Returns `name` unchanged when it fits in [`MAX_IDENTIFIER_BYTES`]; otherwise cuts it on a
/// character boundary and appends `_` and 8 hex digits of the SHA-256 of the full name, so
/// two long names that share a prefix still differ.
pub fn shorten(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_BYTES {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let suffix: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let mut keep = MAX_IDENTIFIER_BYTES - suffix.len() - 1;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{suffix}", &name[..keep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_filled_in_one_pass() {
        let values = [("table", "a{columns}"), ("columns", "x_y")];
        assert_eq!(fill("ix_{table}_{columns}", &values), "ix_a{columns}_x_y");
        assert_eq!(fill("{columns}{table}", &values), "x_ya{columns}");
        // Not a placeholder: a brace without its pair, an unknown word.
        assert_eq!(fill("{tab_{table}", &values), "{tab_a{columns}");
        assert_eq!(fill("c_{nope}_{table}}", &values), "c_{nope}_a{columns}}");
        assert_eq!(fill("plain", &values), "plain");
    }

    #[test]
    fn short_names_are_kept() {
        assert_eq!(primary_key("orders"), "pk_orders");
        assert_eq!(
            foreign_key("orders", &["customer_id"], "customers"),
            "fk_orders_customer_id_customers"
        );
        assert_eq!(
            index("orders", &["customer_id", "created_at"]),
            "ix_orders_customer_id_created_at"
        );
    }

    #[test]
    fn long_names_are_cut_with_a_distinguishing_hash() {
        let a = index(
            "a_table_with_a_really_long_name_for_testing",
            &["first_column_name", "x"],
        );
        let b = index(
            "a_table_with_a_really_long_name_for_testing",
            &["first_column_name", "y"],
        );
        assert_eq!(a.len(), MAX_IDENTIFIER_BYTES);
        assert_eq!(b.len(), MAX_IDENTIFIER_BYTES);
        assert_ne!(a, b);
        assert!(a.starts_with("ix_a_table_with_a_really_long_name"));
        assert_eq!(
            a,
            index(
                "a_table_with_a_really_long_name_for_testing",
                &["first_column_name", "x"]
            )
        );
    }

    #[test]
    fn the_postgres_convention_gives_postgresql_s_own_names() {
        let pg = NamingConvention::POSTGRES;
        assert_eq!(pg.primary_key("actor"), "actor_pkey");
        assert_eq!(pg.unique("actor", &["email"]), "actor_email_key");
        assert_eq!(pg.index("actor", &["a", "b"]), "actor_a_b_idx");
        assert_eq!(
            pg.foreign_key("film_actor", &["actor_id"], "actor"),
            "film_actor_actor_id_fkey"
        );
        assert_eq!(pg.check("payment", "amount"), "payment_amount_check");
    }

    #[test]
    fn a_partial_convention_falls_back_to_the_default_templates() {
        let mine = NamingConvention {
            foreign_key: Some("fk_rails_{table}_{columns}"),
            ..NamingConvention::UNSET
        };
        assert_eq!(mine.primary_key("orders"), "pk_orders");
        assert_eq!(
            mine.foreign_key("orders", &["customer_id"], "customers"),
            "fk_rails_orders_customer_id"
        );
        assert!(mine.problems().is_empty());
    }

    #[test]
    fn bad_templates_are_named() {
        let bad = NamingConvention {
            primary_key: Some("{table}_{columns}_pkey"),
            unique: Some("uq_{columns}"),
            check: Some("ck_{table"),
            ..NamingConvention::UNSET
        };
        let problems = bad.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`{columns}`"), "{}", problems[0]);
        assert!(problems[1].contains("has no `{table}`"), "{}", problems[1]);
        assert!(problems[2].contains("unclosed"), "{}", problems[2]);
    }

    #[test]
    fn multibyte_names_are_cut_on_a_character_boundary() {
        let name = shorten(&format!("ix_{}", "é".repeat(40)));
        assert!(name.len() <= MAX_IDENTIFIER_BYTES);
    }
}
