//! Keys, identity, uniques, indexes and checks within one model, with their generated
//! names and the mistakes in their column lists.

use super::{col, id, model, ok, problem, problems};
use crate::decl::{CheckDef, ColumnDef, IndexDef, TableDef, UniqueDef};
use crate::dialect::Dialect;
use crate::registry::{ModelProblem, ObjectKind};
use crate::schema::{
    CheckConstraint, ColumnType, Identity, Index, IndexPart, PrimaryKey, Table, UniqueConstraint,
};

fn key(field: &'static str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        primary_key: true,
        ..col(field, ty)
    }
}

fn only_table(defs: Vec<TableDef>) -> Table {
    ok(defs).tables.remove(0)
}

#[test]
fn field_level_primary_key_keeps_field_order_and_is_named_pk() {
    let table = only_table(vec![model(
        "Membership",
        "memberships",
        vec![
            key("user_id", ColumnType::BigInt),
            col("role", ColumnType::Text),
            key("group_id", ColumnType::BigInt),
        ],
    )]);
    assert_eq!(
        table.primary_key,
        Some(PrimaryKey {
            name: "pk_memberships".into(),
            columns: vec!["user_id".into(), "group_id".into()],
        })
    );
    assert!(
        table.columns.iter().all(|c| c.identity.is_none()),
        "a composite key gets no identity"
    );
}

#[test]
fn table_level_primary_key() {
    let table = only_table(vec![TableDef {
        primary_key: Some(vec!["group_id".into(), "user_id".into()]),
        ..model(
            "Membership",
            "memberships",
            vec![
                col("user_id", ColumnType::BigInt),
                col("group_id", ColumnType::BigInt),
            ],
        )
    }]);
    let pk = table.primary_key.unwrap();
    assert_eq!(pk.name, "pk_memberships");
    assert_eq!(pk.columns, ["group_id", "user_id"]);
}

#[test]
fn a_lone_integer_primary_key_is_an_identity_column() {
    for ty in [
        ColumnType::SmallInt,
        ColumnType::Integer,
        ColumnType::BigInt,
    ] {
        let table = only_table(vec![model("Task", "tasks", vec![key("id", ty.clone())])]);
        assert_eq!(table.columns[0].identity, Some(Identity::ByDefault), "{ty}");
    }
    let table = only_table(vec![TableDef {
        primary_key: Some(vec!["id".into()]),
        ..model("Task", "tasks", vec![col("id", ColumnType::Integer)])
    }]);
    assert_eq!(table.columns[0].identity, Some(Identity::ByDefault));
}

#[test]
fn identity_false_keeps_a_plain_integer_key() {
    let table = only_table(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            identity: Some(false),
            default: Some("0".into()),
            ..key("id", ColumnType::BigInt)
        }],
    )]);
    assert_eq!(table.columns[0].identity, None);
    assert_eq!(table.columns[0].default.as_deref(), Some("0"));
}

#[test]
fn a_non_integer_key_is_not_an_identity_column() {
    let table = only_table(vec![model(
        "Task",
        "tasks",
        vec![key("id", ColumnType::Uuid)],
    )]);
    assert_eq!(table.columns[0].identity, None);
    let with_sql_type = only_table(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            sql_type: Some("uuid".into()),
            ..key("id", ColumnType::BigInt)
        }],
    )]);
    assert_eq!(with_sql_type.columns[0].ty, ColumnType::Uuid);
    assert_eq!(
        with_sql_type.columns[0].identity, None,
        "the resolved type decides"
    );
}

#[test]
fn identity_true_on_a_non_integer_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            identity: Some(true),
            ..key("id", ColumnType::Uuid)
        }],
    )]);
    assert!(matches!(
        found,
        ModelProblem::IdentityOnNonInteger { column, ty: ColumnType::Uuid, .. } if column == "id"
    ));
}

/// Off the lone key (a column of a composite key, or no key column at all) identity is
/// PostgreSQL's: there it is an identity column, elsewhere a registry error naming the
/// database. `always` likewise.
#[test]
fn identity_off_the_lone_key_or_always_is_postgresql_s() {
    let memberships = model(
        "Membership",
        "memberships",
        vec![
            ColumnDef {
                identity: Some(true),
                ..key("user_id", ColumnType::BigInt)
            },
            key("group_id", ColumnType::BigInt),
        ],
    );
    let tasks = model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                identity: Some(true),
                identity_always: true,
                ..col("position", ColumnType::Integer)
            },
        ],
    );
    let schema = ok(vec![memberships.clone(), tasks.clone()]);
    let identity = |table: &str, column: &str| {
        let name = crate::schema::QualifiedName::new(table);
        schema
            .table(&name)
            .unwrap()
            .column(column)
            .unwrap()
            .identity
    };
    assert_eq!(
        identity("memberships", "user_id"),
        Some(Identity::ByDefault)
    );
    assert_eq!(identity("tasks", "position"), Some(Identity::Always));
    assert_eq!(identity("tasks", "id"), Some(Identity::ByDefault));
    for dialect in [Dialect::Mysql, Dialect::Sqlite] {
        let found = crate::registry::build(vec![memberships.clone(), tasks.clone()], dialect)
            .unwrap_err()
            .problems;
        assert!(
            matches!(&found[..], [
                ModelProblem::IdentityOnCompositeKey { column: a, .. },
                ModelProblem::IdentityOnNonKey { column: b, .. },
            ] if a == "user_id" && b == "position"),
            "{found:#?}"
        );
    }
    let always_key = model(
        "Event",
        "events",
        vec![ColumnDef {
            identity_always: true,
            ..id()
        }],
    );
    let found = crate::registry::build(vec![always_key], Dialect::Mysql).unwrap_err();
    assert!(
        matches!(
            &found.problems[..],
            [ModelProblem::IdentityAlwaysUnsupported { .. }]
        ),
        "{found}"
    );
}

#[test]
fn an_identity_column_with_a_default_is_an_error() {
    let implicit = problem(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            default: Some("nextval('tasks_id_seq')".into()),
            ..id()
        }],
    )]);
    assert!(matches!(
        &implicit,
        ModelProblem::IdentityWithDefault { column, default, .. }
            if column == "id" && default == "nextval('tasks_id_seq')"
    ));
    assert!(implicit
        .to_string()
        .contains("remove the default or set identity = false"));
    let explicit = problem(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            identity: Some(true),
            default: Some("1".into()),
            ..id()
        }],
    )]);
    assert!(matches!(explicit, ModelProblem::IdentityWithDefault { .. }));
}

#[test]
fn a_table_without_a_primary_key_is_an_error_unless_declared_keyless() {
    let found = problem(vec![model(
        "Log",
        "log",
        vec![col("line", ColumnType::Text)],
    )]);
    assert!(matches!(found, ModelProblem::MissingPrimaryKey { .. }));
    let table = only_table(vec![TableDef {
        no_primary_key: true,
        ..model("Log", "log", vec![col("line", ColumnType::Text)])
    }]);
    assert_eq!(table.primary_key, None);
}

#[test]
fn a_primary_key_declared_on_fields_and_table_is_an_error() {
    let found = problem(vec![TableDef {
        primary_key: Some(vec!["code".into()]),
        ..model("Task", "tasks", vec![id(), col("code", ColumnType::Text)])
    }]);
    assert!(matches!(
        found,
        ModelProblem::PrimaryKeyDeclaredTwice { fields, table_level, .. }
            if fields == ["id"] && table_level == ["code"]
    ));
}

#[test]
fn a_keyless_table_with_a_key_is_an_error() {
    let found = problem(vec![TableDef {
        no_primary_key: true,
        ..model("Task", "tasks", vec![id()])
    }]);
    assert!(
        matches!(found, ModelProblem::PrimaryKeyOnKeylessTable { columns, .. } if columns == ["id"])
    );
}

#[test]
fn a_nullable_primary_key_column_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![ColumnDef {
            primary_key: true,
            ..ColumnDef::new("id", ColumnType::BigInt, true)
        }],
    )]);
    assert!(
        matches!(found, ModelProblem::NullablePrimaryKeyColumn { column, .. } if column == "id")
    );
}

#[test]
fn a_primary_key_with_unknown_repeated_or_no_columns_is_an_error() {
    let unknown = problem(vec![TableDef {
        primary_key: Some(vec!["id".into(), "missing".into()]),
        ..model("Task", "tasks", vec![col("id", ColumnType::BigInt)])
    }]);
    assert_eq!(
        unknown.to_string(),
        "model app::models::Task (table tasks): the primary key pk_tasks names column missing, \
         which the table does not have"
    );
    let repeated = problem(vec![TableDef {
        primary_key: Some(vec!["id".into(), "id".into()]),
        ..model("Task", "tasks", vec![col("id", ColumnType::BigInt)])
    }]);
    assert!(matches!(
        repeated,
        ModelProblem::RepeatedColumn { kind: ObjectKind::PrimaryKey, column, .. } if column == "id"
    ));
    let empty = problem(vec![TableDef {
        primary_key: Some(Vec::new()),
        ..model("Task", "tasks", vec![col("id", ColumnType::BigInt)])
    }]);
    assert!(matches!(
        empty,
        ModelProblem::EmptyColumnList {
            kind: ObjectKind::PrimaryKey,
            name: None,
            ..
        }
    ));
}

#[test]
fn column_unique_and_index_get_generated_names() {
    let table = only_table(vec![model(
        "User",
        "users",
        vec![
            id(),
            ColumnDef {
                unique: true,
                index: true,
                ..col("email", ColumnType::Text)
            },
        ],
    )]);
    assert_eq!(
        table.uniques,
        [UniqueConstraint {
            name: "uq_users_email".into(),
            columns: vec!["email".into()],
        }]
    );
    assert_eq!(
        table.indexes,
        [Index {
            name: "ix_users_email".into(),
            parts: vec![IndexPart::Column("email".into())],
            unique: false,
            predicate: None,
            method: None,
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        }]
    );
}

#[test]
fn table_level_uniques_take_the_given_or_a_generated_name() {
    let table = only_table(vec![TableDef {
        uniques: vec![
            UniqueDef {
                dialects: Vec::new(),
                name: None,
                columns: vec!["org_id".into(), "slug".into()],
            },
            UniqueDef {
                dialects: Vec::new(),
                name: Some("users_handle_key".into()),
                columns: vec!["handle".into()],
            },
        ],
        ..model(
            "User",
            "users",
            vec![
                id(),
                col("org_id", ColumnType::BigInt),
                col("slug", ColumnType::Text),
                col("handle", ColumnType::Text),
            ],
        )
    }]);
    let names: Vec<(&str, &[String])> = table
        .uniques
        .iter()
        .map(|u| (u.name.as_str(), u.columns.as_slice()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "uq_users_org_id_slug",
                &["org_id".to_string(), "slug".to_string()][..]
            ),
            ("users_handle_key", &["handle".to_string()][..]),
        ]
    );
}

#[test]
fn table_level_indexes_keep_name_uniqueness_and_predicate() {
    let table = only_table(vec![TableDef {
        indexes: vec![
            IndexDef {
                name: Some("ix_orders_customer_created".into()),
                columns: vec!["customer_id".into(), "created_at".into()],
                ..IndexDef::default()
            },
            IndexDef {
                dialects: Vec::new(),
                name: None,
                columns: vec!["reference".into()],
                unique: true,
                predicate: Some("deleted_at IS NULL".into()),
                ..IndexDef::default()
            },
        ],
        ..model(
            "Order",
            "orders",
            vec![
                id(),
                col("customer_id", ColumnType::BigInt),
                col("created_at", ColumnType::TimestampTz),
                col("reference", ColumnType::Text),
            ],
        )
    }]);
    let customer = &table.indexes[0];
    assert_eq!(customer.name, "ix_orders_customer_created");
    assert_eq!(
        customer.parts,
        [
            IndexPart::Column("customer_id".into()),
            IndexPart::Column("created_at".into())
        ]
    );
    assert!(!customer.unique);
    let reference = &table.indexes[1];
    assert_eq!(
        reference.name, "ix_orders_reference",
        "a unique index is still ix_"
    );
    assert!(reference.unique);
    assert_eq!(reference.predicate.as_deref(), Some("deleted_at IS NULL"));
}

#[test]
fn indexes_and_uniques_naming_unknown_columns_are_errors() {
    let found = problems(vec![TableDef {
        indexes: vec![IndexDef {
            columns: vec!["created".into()],
            ..IndexDef::default()
        }],
        uniques: vec![UniqueDef {
            dialects: Vec::new(),
            name: Some("uq_custom".into()),
            columns: vec!["id".into(), "slug".into()],
        }],
        ..model("Task", "tasks", vec![id()])
    }]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(matches!(
        &found[0],
        ModelProblem::UnknownColumn { kind: ObjectKind::Unique, name, column, .. }
            if name == "uq_custom" && column == "slug"
    ));
    assert!(matches!(
        &found[1],
        ModelProblem::UnknownColumn { kind: ObjectKind::Index, name, column, .. }
            if name == "ix_tasks_created" && column == "created"
    ));
}

#[test]
fn an_index_without_columns_is_an_error() {
    let found = problems(vec![TableDef {
        indexes: vec![IndexDef {
            name: Some("ix_nothing".into()),
            ..IndexDef::default()
        }],
        uniques: vec![UniqueDef::default()],
        ..model("Task", "tasks", vec![id()])
    }]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(matches!(
        &found[0],
        ModelProblem::EmptyColumnList {
            kind: ObjectKind::Unique,
            name: None,
            ..
        }
    ));
    assert_eq!(
        found[1].to_string(),
        "model app::models::Task (table tasks): the index ix_nothing lists no columns"
    );
}

#[test]
fn an_index_listing_a_column_twice_is_an_error() {
    let found = problem(vec![TableDef {
        indexes: vec![IndexDef {
            columns: vec!["title".into(), "title".into()],
            ..IndexDef::default()
        }],
        ..model("Task", "tasks", vec![id(), col("title", ColumnType::Text)])
    }]);
    assert!(matches!(
        found,
        ModelProblem::RepeatedColumn { kind: ObjectKind::Index, column, .. } if column == "title"
    ));
}

#[test]
fn checks_are_named_after_their_column_or_their_name() {
    let table = only_table(vec![TableDef {
        checks: vec![CheckDef {
            dialects: Vec::new(),
            name: "total_non_negative".into(),
            expression: "total >= 0".into(),
            verbatim: false,
            not_valid: false,
        }],
        ..model(
            "Order",
            "orders",
            vec![
                id(),
                ColumnDef {
                    check: Some("quantity > 0".into()),
                    ..col("quantity", ColumnType::Integer)
                },
                col("total", ColumnType::Integer),
            ],
        )
    }]);
    assert_eq!(
        table.checks,
        [
            CheckConstraint {
                name: "ck_orders_quantity".into(),
                expression: "quantity > 0".into(),
                not_valid: false,
            },
            CheckConstraint {
                name: "ck_orders_total_non_negative".into(),
                expression: "total >= 0".into(),
                not_valid: false,
            },
        ]
    );
}
