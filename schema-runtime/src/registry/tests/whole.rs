//! Checks across the whole set of models: duplicate tables, names shared in a namespace,
//! renames from tables still declared, and enum types.

use super::{col, id, model, name, ok, problem};
use crate::decl::{ColumnDef, TableDef, UniqueDef};
use crate::registry::{ModelProblem, NameOwner, ObjectKind};
use crate::schema::{ColumnType, EnumType};

#[test]
fn two_models_with_one_table_name_are_an_error_naming_both() {
    // "First" is canonical order (module path, then type), not the order given.
    let found = problem(vec![
        TableDef {
            module_path: "app::legacy",
            ..model("OldTask", "tasks", vec![id()])
        },
        model("Task", "tasks", vec![id()]),
    ]);
    assert!(matches!(
        &found,
        ModelProblem::DuplicateTable { table, first, second }
            if *table == name("tasks") && first.rust_name == "OldTask" && second.rust_name == "Task"
    ));
    assert_eq!(
        found.to_string(),
        "models app::legacy::OldTask and app::models::Task both declare table tasks; give one of \
         them another name with #[table(name = \"...\")]"
    );
}

#[test]
fn one_table_name_in_two_namespaces_is_fine() {
    let schema = ok(vec![
        model("Event", "events", vec![id()]),
        TableDef {
            schema: Some("audit".into()),
            ..model("AuditEvent", "events", vec![id()])
        },
    ]);
    assert_eq!(schema.tables.len(), 2);
}

#[test]
fn a_constraint_declared_twice_is_a_name_clash() {
    let found = problem(vec![TableDef {
        uniques: vec![UniqueDef {
            dialects: Vec::new(),
            name: None,
            columns: vec!["email".into()],
        }],
        ..model(
            "User",
            "users",
            vec![
                id(),
                ColumnDef {
                    unique: true,
                    ..col("email", ColumnType::Text)
                },
            ],
        )
    }]);
    assert!(matches!(
        &found,
        ModelProblem::DuplicateName { namespace: None, name, .. } if name == "uq_users_email"
    ));
}

#[test]
fn generated_names_that_collide_across_tables_are_reported_with_both_owners() {
    // ix_a_b + _c and ix_a + _b_c spell the same name.
    let found = problem(vec![
        model(
            "Ab",
            "a_b",
            vec![
                id(),
                ColumnDef {
                    index: true,
                    ..col("c", ColumnType::Text)
                },
            ],
        ),
        model(
            "A",
            "a",
            vec![
                id(),
                ColumnDef {
                    index: true,
                    ..col("b_c", ColumnType::Text)
                },
            ],
        ),
    ]);
    let ModelProblem::DuplicateName {
        name: clash,
        first,
        second,
        ..
    } = &found
    else {
        panic!("unexpected {found:?}");
    };
    assert_eq!(clash, "ix_a_b_c");
    assert_eq!(
        (first.model.rust_name, first.kind),
        ("A", ObjectKind::Index)
    );
    assert_eq!(
        (second.model.rust_name, second.kind),
        ("Ab", ObjectKind::Index)
    );
    assert_eq!(
        found.to_string(),
        "the index of model app::models::A (table a) and the index of model app::models::Ab \
         (table a_b) are both named ix_a_b_c in the default namespace; index and constraint \
         names must be unique per namespace, so give one of them an explicit name"
    );
}

#[test]
fn an_index_named_like_a_table_is_a_name_clash() {
    let found = problem(vec![
        model("Task", "tasks", vec![id()]),
        TableDef {
            indexes: vec![crate::decl::IndexDef {
                name: Some("tasks".into()),
                columns: vec!["id".into()],
                ..Default::default()
            }],
            ..model("User", "users", vec![id()])
        },
    ]);
    assert!(matches!(
        &found,
        ModelProblem::DuplicateName {
            first: NameOwner {
                kind: ObjectKind::Table,
                ..
            },
            second: NameOwner {
                kind: ObjectKind::Index,
                ..
            },
            ..
        }
    ));
}

#[test]
fn the_same_name_in_two_namespaces_is_fine() {
    let unique_email = |schema: Option<&str>, rust_name| TableDef {
        schema: schema.map(str::to_string),
        uniques: vec![UniqueDef {
            dialects: Vec::new(),
            name: Some("uq_email".into()),
            columns: vec!["email".into()],
        }],
        ..model(
            rust_name,
            "users",
            vec![id(), col("email", ColumnType::Text)],
        )
    };
    ok(vec![
        unique_email(None, "User"),
        unique_email(Some("admin"), "Admin"),
    ]);
}

#[test]
fn a_table_renamed_from_a_table_still_declared_is_an_error() {
    let found = problem(vec![
        model("Todo", "todos", vec![id()]),
        TableDef {
            renamed_from: Some("todos".into()),
            ..model("Task", "tasks", vec![id()])
        },
    ]);
    assert!(matches!(
        &found,
        ModelProblem::TableRenamedFromExisting { renamed_from, other, .. }
            if *renamed_from == name("todos") && other.rust_name == "Todo"
    ));
}

fn status(values: &[&str]) -> EnumType {
    EnumType {
        name: name("order_status"),
        values: values.iter().map(|v| v.to_string()).collect(),
        comment: None,
    }
}

fn enum_column(field: &'static str, e: EnumType) -> ColumnDef {
    ColumnDef {
        enum_type: Some(e.clone()),
        ..col(field, ColumnType::Enum { name: e.name })
    }
}

#[test]
fn enum_types_are_gathered_once_and_sorted() {
    let priority = EnumType {
        name: name("priority"),
        values: vec!["low".into(), "high".into()],
        comment: Some("How urgent.".into()),
    };
    let array_of = ColumnDef {
        enum_type: Some(priority.clone()),
        ..col(
            "priorities",
            ColumnType::Array {
                element: Box::new(ColumnType::Enum {
                    name: name("priority"),
                }),
            },
        )
    };
    let schema = ok(vec![
        model(
            "Order",
            "orders",
            vec![
                id(),
                enum_column("status", status(&["pending", "paid"])),
                array_of,
            ],
        ),
        model(
            "Refund",
            "refunds",
            vec![
                id(),
                enum_column("status", status(&["pending", "paid"])),
                enum_column("previous_status", status(&["pending", "paid"])),
            ],
        ),
    ]);
    assert_eq!(schema.enums, [status(&["pending", "paid"]), priority]);
}

#[test]
fn one_enum_name_with_different_values_is_an_error_naming_both_models() {
    let found = problem(vec![
        model(
            "Order",
            "orders",
            vec![id(), enum_column("status", status(&["pending", "paid"]))],
        ),
        model(
            "Refund",
            "refunds",
            vec![
                id(),
                enum_column("status", status(&["pending", "refunded"])),
                enum_column("previous_status", status(&["pending", "refunded"])),
            ],
        ),
    ]);
    assert!(matches!(
        &found,
        ModelProblem::ConflictingEnum { first, second, .. }
            if first.model.rust_name == "Order" && second.model.rust_name == "Refund"
    ));
    assert_eq!(
        found.to_string(),
        "enum type order_status is declared with different values by model app::models::Order \
         (table orders) column status as [pending, paid] and by model app::models::Refund \
         (table refunds) column status as [pending, refunded]; Rust enums that map to one \
         database type must list the same values"
    );
}

#[test]
fn an_enum_replaced_by_sql_type_is_not_declared() {
    let schema = ok(vec![model(
        "Order",
        "orders",
        vec![
            id(),
            ColumnDef {
                sql_type: Some("text".into()),
                ..enum_column("status", status(&["pending"]))
            },
        ],
    )]);
    assert!(schema.enums.is_empty());
    assert_eq!(schema.tables[0].columns[1].ty, ColumnType::Text);
}

#[test]
fn an_enum_named_like_a_table_is_an_error() {
    let found = problem(vec![
        model(
            "Order",
            "orders",
            vec![id(), enum_column("status", status(&["pending"]))],
        ),
        model("OrderStatus", "order_status", vec![id()]),
    ]);
    assert!(matches!(
        &found,
        ModelProblem::EnumNameClashesWithTable { column, table_model, .. }
            if column == "status" && table_model.rust_name == "OrderStatus"
    ));
}

#[test]
fn an_enum_name_past_the_limit_is_an_error() {
    let long = EnumType {
        name: name(&"e".repeat(64)),
        values: vec!["a".into()],
        comment: None,
    };
    let found = problem(vec![model(
        "Order",
        "orders",
        vec![id(), enum_column("kind", long)],
    )]);
    assert!(matches!(
        found,
        ModelProblem::IdentifierTooLong {
            kind: ObjectKind::EnumType,
            ..
        }
    ));
}
