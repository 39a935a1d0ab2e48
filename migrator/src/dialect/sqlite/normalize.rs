//! Lowers a target schema to what SQLite can hold, before it is compared with an
//! introspected one, so that the diff compares like with like:
//!
//! - an enum column becomes `TEXT` with a check `"col" IN ('a', 'b')` named
//!   `ck_<table>_<col>_enum` (SQLite has no enum types); a default cast to the enum type
//!   (`'pending'::order_status`) loses the cast;
//! - `jsonb` becomes `json` (SQLite stores both as text, declared `JSON`);
//! - an identity column that is the whole primary key becomes SQLite's rowid alias: a
//!   64-bit integer, identity `BY DEFAULT` (the rowid accepts explicit values); an identity
//!   column anywhere else loses its identity, since SQLite has only the rowid;
//! - `now()` as a default becomes `CURRENT_TIMESTAMP`, SQLite's spelling.
//!
//! Arrays and namespaces other than `main` are left alone: rendering refuses them with an
//! error naming the table and column.

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, Identity, Schema, Table,
};

use super::quote::{quote_ident, quote_literal};

/// Rewrites `target` in place into SQLite's vocabulary.
pub fn normalize_target(target: &mut Schema) {
    let enums = std::mem::take(&mut target.enums);
    for table in &mut target.tables {
        lower_table(table, &enums);
    }
    target.sort();
}

fn lower_table(table: &mut Table, enums: &[EnumType]) {
    let lone_key = match &table.primary_key {
        Some(key) if key.columns.len() == 1 => Some(key.columns[0].clone()),
        _ => None,
    };
    let mut checks = Vec::new();
    for column in &mut table.columns {
        if let Some(check) = lower_enum(&table.name.name, column, enums) {
            checks.push(check);
        }
        if column.ty == ColumnType::Jsonb {
            column.ty = ColumnType::Json;
        }
        if column.identity.is_some() {
            if lone_key.as_deref() == Some(column.name.as_str()) {
                column.ty = ColumnType::BigInt;
                column.identity = Some(Identity::ByDefault);
            } else {
                column.identity = None;
            }
        }
        if let Some(default) = &column.default {
            if default.trim().eq_ignore_ascii_case("now()") {
                column.default = Some("CURRENT_TIMESTAMP".to_owned());
            }
        }
    }
    for check in checks {
        if !table.checks.iter().any(|c| c.name == check.name) {
            table.checks.push(check);
        }
    }
    table.sort_members();
}

/// Turns an enum column into text and returns the check that keeps its values.
fn lower_enum(table: &str, column: &mut Column, enums: &[EnumType]) -> Option<CheckConstraint> {
    let ColumnType::Enum { name } = &column.ty else {
        return None;
    };
    let values = enums
        .iter()
        .find(|e| &e.name == name)
        .map(|e| e.values.clone());
    column.ty = ColumnType::Text;
    if let Some(default) = &column.default {
        if let Some((literal, _cast)) = default.rsplit_once("::") {
            if literal.starts_with('\'') && literal.ends_with('\'') {
                column.default = Some(literal.to_owned());
            }
        }
    }
    let values = values?;
    let list: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
    Some(CheckConstraint {
        name: enum_check_name(table, &column.name),
        expression: format!("{} IN ({})", quote_ident(&column.name), list.join(", ")),
        not_valid: false,
    })
}

/// `ck_<table>_<column>_enum`: the check that stands for an enum type on SQLite.
pub fn enum_check_name(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}_enum")
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::{PrimaryKey, QualifiedName};

    #[test]
    fn enums_become_checked_text_and_identity_the_rowid() {
        let mut table = Table::new(QualifiedName::new("orders"));
        let mut id = Column::new("id", ColumnType::Integer);
        id.identity = Some(Identity::Always);
        let mut status = Column::new(
            "status",
            ColumnType::Enum {
                name: QualifiedName::new("order_status"),
            },
        );
        status.default = Some("'pending'::order_status".into());
        table.columns = vec![id, status];
        table.primary_key = Some(PrimaryKey {
            name: "pk_orders".into(),
            columns: vec!["id".into()],
        });
        let mut schema = Schema {
            enums: vec![EnumType {
                name: QualifiedName::new("order_status"),
                values: vec!["pending".into(), "it's".into()],
                comment: None,
            }],
            tables: vec![table],
        };
        normalize_target(&mut schema);
        let table = &schema.tables[0];
        assert!(schema.enums.is_empty());
        assert_eq!(table.columns[0].ty, ColumnType::BigInt);
        assert_eq!(table.columns[0].identity, Some(Identity::ByDefault));
        assert_eq!(table.columns[1].ty, ColumnType::Text);
        assert_eq!(table.columns[1].default.as_deref(), Some("'pending'"));
        assert_eq!(table.checks[0].name, "ck_orders_status_enum");
        assert_eq!(
            table.checks[0].expression,
            r#""status" IN ('pending', 'it''s')"#
        );
    }
}
