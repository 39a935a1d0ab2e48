//! Tests of the oracle itself: it refuses what PostgreSQL (or the op's reverse) would
//! refuse, spells renamed columns as PostgreSQL deparses them, and stays independent of
//! the code it checks.

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ForeignKey, ForeignKeyAction, Index, IndexPart,
    PrimaryKey, QualifiedName, Schema, Table, UniqueConstraint,
};

use super::{apply, sql, Namespaces};
use crate::change::{ColumnChanges, Op};

fn name(text: &str) -> QualifiedName {
    QualifiedName::parse(text)
}

fn table(text: &str, columns: &[(&str, ColumnType)]) -> Table {
    let mut table = Table::new(name(text));
    table.columns = columns
        .iter()
        .map(|(n, ty)| Column::new(*n, ty.clone()))
        .collect();
    table
}

fn keyed(mut table: Table, key: &str, columns: &[&str]) -> Table {
    table.primary_key = Some(PrimaryKey {
        name: key.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
    });
    table
}

fn fk(key: &str, column: &str, to: &str, to_column: &str) -> ForeignKey {
    ForeignKey {
        name: key.into(),
        columns: vec![column.into()],
        referenced_table: name(to),
        referenced_columns: vec![to_column.into()],
        on_delete: ForeignKeyAction::NoAction,
        on_update: ForeignKeyAction::NoAction,
        deferrable: false,
        initially_deferred: false,
        not_valid: false,
    }
}

fn index(index_name: &str, parts: Vec<IndexPart>) -> Index {
    Index {
        name: index_name.into(),
        parts,
        unique: false,
        predicate: None,
        method: None,
        part_options: Vec::new(),
        include: Vec::new(),
        nulls_not_distinct: false,
    }
}

/// `users(id bigint, pk_users)` and `orders(id, user_id -> users.id)`.
fn shop() -> Schema {
    let users = keyed(
        table("users", &[("id", ColumnType::BigInt)]),
        "pk_users",
        &["id"],
    );
    let mut orders = table(
        "orders",
        &[("id", ColumnType::BigInt), ("user_id", ColumnType::BigInt)],
    );
    orders
        .foreign_keys
        .push(fk("fk_orders_user", "user_id", "users", "id"));
    Schema {
        enums: Vec::new(),
        tables: vec![users, orders],
    }
}

fn refusal(schema: &Schema, ops: &[Op]) -> String {
    match apply(schema, ops, Namespaces::Created) {
        Ok(_) => panic!("expected a refusal of {ops:?}"),
        Err(refusal) => refusal.reason,
    }
}

#[test]
fn missing_objects_and_taken_names_are_refused() {
    let start = shop();
    let add = |column: &str| Op::AddColumn {
        table: name("orders"),
        column: Column::new(column, ColumnType::Text),
    };
    assert!(refusal(&start, &[add("id")]).contains("already exists"));
    let missing = Op::RenameColumn {
        table: name("orders"),
        from: "total".into(),
        to: "sum".into(),
    };
    assert!(refusal(&start, &[missing]).contains("does not exist"));
    let clash = Op::CreateIndex {
        table: name("orders"),
        index: index("pk_users", vec![IndexPart::Column("id".into())]),
    };
    assert!(refusal(&start, &[clash]).contains("taken by an index of table users"));
    let error = apply(&start, &[add("note"), add("note")], Namespaces::Created).unwrap_err();
    assert_eq!(error.step, 1);
    assert!(error
        .to_string()
        .starts_with("op 1 (add column orders.note) is refused"));
}

#[test]
fn what_still_depends_on_an_object_keeps_it() {
    let start = shop();
    let drop_users = Op::DropTable {
        table: start.tables[0].clone(),
    };
    assert!(refusal(&start, &[drop_users]).contains("references table users"));
    let drop_column = Op::DropColumn {
        table: name("orders"),
        column: Column::new("user_id", ColumnType::BigInt),
    };
    assert!(refusal(&start, &[drop_column]).contains("foreign key fk_orders_user"));
    let drop_key = Op::DropPrimaryKey {
        table: name("users"),
        key: start.tables[0].primary_key.clone().unwrap(),
    };
    assert!(refusal(&start, &[drop_key]).contains("points at primary key"));
    let retype = Op::AlterColumn {
        table: name("users"),
        from: Column::new("id", ColumnType::BigInt),
        to: Column::new("id", ColumnType::Integer),
        changes: ColumnChanges::TYPE,
    };
    assert!(refusal(&start, &[retype]).contains("cannot change type"));
}

#[test]
fn a_column_named_in_a_check_or_an_index_expression_stays() {
    let mut start = shop();
    start.tables[1].checks.push(CheckConstraint {
        name: "ck_orders".into(),
        expression: "(\"id\" > 0)".into(),
        not_valid: false,
    });
    let drop = Op::DropColumn {
        table: name("orders"),
        column: Column::new("id", ColumnType::BigInt),
    };
    assert!(refusal(&start, &[drop]).contains("check constraint ck_orders"));
    let unknown = Op::AddCheck {
        table: name("orders"),
        check: CheckConstraint {
            name: "ck_total".into(),
            expression: "total > 0 IS NOT UNKNOWN".into(),
            not_valid: false,
        },
    };
    assert!(refusal(&start, &[unknown]).contains("names column total"));
}

#[test]
fn descriptions_of_what_goes_must_match() {
    let start = shop();
    let stale = Op::DropColumn {
        table: name("orders"),
        column: Column::new("id", ColumnType::Integer),
    };
    assert!(refusal(&start, &[stale]).contains("describes column orders.id otherwise"));
    let unflagged = Op::AlterColumn {
        table: name("orders"),
        from: Column::new("id", ColumnType::BigInt),
        to: Column {
            comment: Some("c".into()),
            ..Column::new("id", ColumnType::Integer)
        },
        changes: ColumnChanges::TYPE,
    };
    assert!(refusal(&start, &[unflagged]).contains("not the ones between"));
    let with_fk = Op::DropTable {
        table: start.tables[1].clone(),
    };
    assert!(refusal(&start, &[with_fk]).contains("still has indexes or foreign keys"));
}

#[test]
fn namespaces_and_enum_types_come_first() {
    let create = Op::CreateTable {
        table: table("billing.invoices", &[("id", ColumnType::BigInt)]),
    };
    let start = Schema::default();
    assert!(refusal(&start, std::slice::from_ref(&create)).contains("namespace billing"));
    let namespace = Op::CreateNamespace {
        name: "billing".into(),
    };
    assert!(apply(&start, &[namespace, create.clone()], Namespaces::Created).is_ok());
    assert!(apply(&start, &[create], Namespaces::Given).is_ok());
    let mood = ColumnType::Enum { name: name("mood") };
    let uses = Op::CreateTable {
        table: table("people", &[("mood", mood)]),
    };
    assert!(refusal(&start, std::slice::from_ref(&uses)).contains("enum type mood"));
    let enum_type = EnumType {
        name: name("mood"),
        values: vec!["happy".into()],
        comment: None,
    };
    let ops = [Op::CreateEnum { enum_type }, uses];
    assert!(apply(&start, &ops, Namespaces::Created).is_ok());
}

#[test]
fn a_unique_constraint_takes_an_index_name_in_its_namespace() {
    let start = shop();
    let unique = |table: &str| Op::AddUnique {
        table: name(table),
        unique: UniqueConstraint {
            name: "uq_id".into(),
            columns: vec!["id".into()],
        },
    };
    assert!(refusal(&start, &[unique("users"), unique("orders")]).contains("taken"));
}

#[test]
fn renamed_columns_are_spelled_as_postgresql_deparses_them() {
    let cases = [
        (
            "((total >= (0)::numeric) AND (total < 10))",
            "total",
            "amount",
            "((amount >= (0)::numeric) AND (amount < 10))",
        ),
        ("(\"Total\" > 0)", "Total", "order", "(\"order\" > 0)"),
        ("(TOTAL > 0)", "total", "Sum", "(\"Sum\" > 0)"),
        (
            "(status)::text <> 'status'::text",
            "status",
            "state",
            "(state)::text <> 'status'::text",
        ),
        (
            "E'it\\'s status' <> lower(status)",
            "status",
            "name",
            "E'it\\'s status' <> lower(name)",
        ),
        (
            "lower(x) <> $$x$$ AND t.x > 0 -- x",
            "x",
            "y",
            "lower(y) <> $$x$$ AND t.x > 0 -- x",
        ),
        (
            "interval '1 day' > x",
            "interval",
            "span",
            "interval '1 day' > x",
        ),
        ("(x)::text", "text", "body", "(x)::text"),
    ];
    for (text, from, to, expected) in cases {
        assert_eq!(sql::respell(text, from, to), expected, "{text}");
    }
}

#[test]
fn references_leave_keywords_functions_and_types_out() {
    let names: Vec<String> =
        sql::references("x IS NOT NULL AND lower(\"Y\") = 'z'::text COLLATE \"C\"")
            .into_iter()
            .map(|r| r.name)
            .collect();
    assert_eq!(names, ["x", "Y"]);
}

/// The oracle is only worth something while it shares no code with what it checks: its
/// sources name nothing of the crate but the op vocabulary.
#[test]
fn the_oracle_imports_nothing_but_the_op_vocabulary() {
    let sources = [
        ("mod.rs", include_str!("mod.rs")),
        ("keys.rs", include_str!("keys.rs")),
        ("sql.rs", include_str!("sql.rs")),
        ("tables.rs", include_str!("tables.rs")),
    ];
    let prefix = ["crate", "::"].concat();
    for (file, text) in sources {
        for (at, _) in text.match_indices(&prefix) {
            let rest = &text[at + prefix.len()..];
            let allowed = rest.starts_with("change");
            assert!(allowed, "{file} names {}", &rest[..rest.len().min(30)]);
        }
        assert!(
            !text.contains(&["super", "::", "super"].concat()),
            "{file} reaches out"
        );
    }
    // In `mod.rs`, `super` is the crate root.
    assert!(
        !sources[0].1.contains(&["super", "::"].concat()),
        "mod.rs reaches out"
    );
}
