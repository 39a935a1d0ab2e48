//! Deterministic constraint and index names (`pk_<table>`, `uq_<table>_<cols>`,
//! `ix_<table>_<cols>`, `fk_<table>_<cols>_<reftable>`, `ck_<table>_<name>`), shortened with
//! a hash suffix when they pass the identifier limit, so that every database and every run
//! agrees on them and the diff never sees a renamed constraint where nothing changed.

use sha2::{Digest, Sha256};

/// The identifier limit the names are shortened to: PostgreSQL's 63 bytes (MySQL allows 64,
/// SQLite has none), so one name serves every dialect.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// `pk_<table>`.
pub fn primary_key(table: &str) -> String {
    shorten(&format!("pk_{table}"))
}

/// `uq_<table>_<cols>`.
pub fn unique(table: &str, columns: &[impl AsRef<str>]) -> String {
    shorten(&format!("uq_{table}_{}", join(columns)))
}

/// `ix_<table>_<cols>`.
pub fn index(table: &str, columns: &[impl AsRef<str>]) -> String {
    shorten(&format!("ix_{table}_{}", join(columns)))
}

/// `fk_<table>_<cols>_<reftable>`.
pub fn foreign_key(table: &str, columns: &[impl AsRef<str>], referenced_table: &str) -> String {
    shorten(&format!("fk_{table}_{}_{referenced_table}", join(columns)))
}

/// `ck_<table>_<name>`.
pub fn check(table: &str, name: &str) -> String {
    shorten(&format!("ck_{table}_{name}"))
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
    fn multibyte_names_are_cut_on_a_character_boundary() {
        let name = shorten(&format!("ix_{}", "é".repeat(40)));
        assert!(name.len() <= MAX_IDENTIFIER_BYTES);
    }
}
