//! Per-dialect variants: a model's SQL and place on one dialect, and the indexes, uniques
//! and checks limited to some dialects.

use super::{col, id, model, name};
use crate::decl::{CheckDef, ColumnDef, ColumnVariant, IndexDef, TableDef, TableVariant};
use crate::dialect::Dialect;
use crate::registry::build;
use crate::schema::{ColumnType, Schema};

fn on(dialect: Dialect, defs: Vec<TableDef>) -> Schema {
    build(defs, dialect).unwrap_or_else(|e| panic!("expected a valid schema, got:\n{e}"))
}

/// `labels` declared as a text array, with a JSON variant on SQLite and MySQL.
fn projects() -> TableDef {
    let labels = ColumnDef {
        default: Some("'{}'".into()),
        check: Some("cardinality(labels) < 10".into()),
        variants: vec![
            ColumnVariant {
                dialect: Dialect::Sqlite,
                sql_type: Some("json".into()),
                default: Some("'[]'".into()),
                check: Some("json_array_length(labels) < 10".into()),
                collation: None,
                autoincrement: false,
            },
            ColumnVariant {
                dialect: Dialect::Mysql,
                sql_type: None,
                default: Some("('[]')".into()),
                check: None,
                collation: None,
                autoincrement: false,
            },
        ],
        ..col(
            "labels",
            ColumnType::Array {
                element: Box::new(ColumnType::Text),
            },
        )
    };
    let code = ColumnDef {
        max_length: Some(10),
        variants: vec![ColumnVariant {
            dialect: Dialect::Sqlite,
            sql_type: Some("text".into()),
            default: None,
            check: None,
            collation: Some("NOCASE".into()),
            autoincrement: false,
        }],
        collation: Some("C".into()),
        ..col("code", ColumnType::Text)
    };
    model("Project", "projects", vec![id(), labels, code])
}

#[test]
fn a_column_variant_replaces_only_what_it_names_and_only_on_its_dialect() {
    let column = |schema: &Schema| {
        let table = schema.table(&name("projects")).unwrap();
        let column = table.columns.iter().find(|c| c.name == "labels").unwrap();
        let checks: Vec<String> = table.checks.iter().map(|c| c.expression.clone()).collect();
        let code = table.columns.iter().find(|c| c.name == "code").unwrap();
        (
            column.ty.clone(),
            column.default.clone(),
            checks,
            format!(
                "{}{}",
                code.ty.describe(),
                code.collation
                    .as_deref()
                    .map(|c| format!(" collate {c}"))
                    .unwrap_or_default()
            ),
        )
    };
    let (ty, default, checks, code) = column(&on(Dialect::Postgresql, vec![projects()]));
    assert_eq!(ty.describe(), "text[]");
    assert_eq!(code, "varchar(10) collate C");
    assert_eq!(default.as_deref(), Some("'{}'"));
    assert_eq!(checks, ["cardinality(labels) < 10"]);

    let (ty, default, checks, code) = column(&on(Dialect::Sqlite, vec![projects()]));
    assert_eq!(ty, ColumnType::Json);
    assert_eq!(
        code, "text collate NOCASE",
        "a variant's type replaces max_length too, its collation the declared one"
    );
    assert_eq!(default.as_deref(), Some("'[]'"));
    assert_eq!(checks, ["json_array_length(labels) < 10"]);

    let (ty, default, checks, code) = column(&on(Dialect::Mysql, vec![projects()]));
    assert_eq!(ty.describe(), "text[]", "no sql_type in the MySQL variant");
    assert_eq!(code, "varchar(10) collate C");
    assert_eq!(default.as_deref(), Some("('[]')"));
    assert_eq!(checks, ["cardinality(labels) < 10"]);
}

fn events() -> TableDef {
    TableDef {
        schema: Some("audit".into()),
        variants: vec![TableVariant {
            dialect: Dialect::Sqlite,
            name: Some("audit_events".into()),
            ..TableVariant::default()
        }],
        ..model("AuditEvent", "events", vec![id()])
    }
}

fn event_notes() -> TableDef {
    let event = ColumnDef {
        references: Some("audit.events.id".into()),
        ..col("event_id", ColumnType::BigInt)
    };
    model("EventNote", "event_notes", vec![id(), event])
}

#[test]
fn a_table_variant_moves_the_table_and_every_reference_to_it() {
    let sqlite = on(Dialect::Sqlite, vec![events(), event_notes()]);
    assert!(sqlite.table(&name("audit_events")).is_some());
    assert!(sqlite.table(&name("audit.events")).is_none());
    let notes = sqlite.table(&name("event_notes")).unwrap();
    assert_eq!(notes.foreign_keys[0].referenced_table, name("audit_events"));
    assert_eq!(
        notes.foreign_keys[0].name,
        "fk_event_notes_event_id_audit_events"
    );
    assert_eq!(
        sqlite
            .table(&name("audit_events"))
            .unwrap()
            .primary_key
            .as_ref()
            .unwrap()
            .name,
        "pk_audit_events"
    );

    let postgres = on(Dialect::Postgresql, vec![events(), event_notes()]);
    assert!(postgres.table(&name("audit.events")).is_some());
    let notes = postgres.table(&name("event_notes")).unwrap();
    assert_eq!(notes.foreign_keys[0].referenced_table, name("audit.events"));
}

#[test]
fn a_table_variant_can_clash_with_another_table_and_is_reported() {
    let clash = model("Legacy", "audit_events", vec![id()]);
    let err = build(vec![events(), clash], Dialect::Sqlite).unwrap_err();
    assert!(err.to_string().contains("audit_events"), "{err}");
    assert!(build(
        vec![events(), model("Legacy", "audit_events", vec![id()])],
        Dialect::Postgresql
    )
    .is_ok());
}

fn users() -> TableDef {
    let only = |dialects: &[Dialect]| dialects.to_vec();
    TableDef {
        indexes: vec![
            IndexDef {
                name: Some("ix_users_active_email".into()),
                columns: vec!["email".into()],
                unique: true,
                predicate: Some("deactivated IS NULL".into()),
                dialects: only(&[Dialect::Postgresql, Dialect::Sqlite]),
                ..IndexDef::default()
            },
            IndexDef {
                name: Some("ix_users_active_email".into()),
                columns: vec!["email".into()],
                dialects: only(&[Dialect::Mysql]),
                ..IndexDef::default()
            },
        ],
        checks: vec![
            CheckDef {
                name: "email_format".into(),
                expression: "email ~ '@'".into(),
                verbatim: false,
                not_valid: false,
                dialects: only(&[Dialect::Postgresql]),
            },
            CheckDef {
                name: "email_format".into(),
                expression: "email REGEXP '@'".into(),
                verbatim: false,
                not_valid: false,
                dialects: only(&[Dialect::Mysql]),
            },
            CheckDef {
                name: "email_not_empty".into(),
                expression: "email <> ''".into(),
                verbatim: false,
                not_valid: false,
                dialects: Vec::new(),
            },
        ],
        ..model(
            "User",
            "users",
            vec![
                id(),
                col("email", ColumnType::Text),
                ColumnDef::new("deactivated", ColumnType::Date, true),
            ],
        )
    }
}

#[test]
fn items_limited_to_dialects_exist_only_there_so_their_names_may_repeat() {
    let summary = |dialect| {
        let schema = on(dialect, vec![users()]);
        let table = schema.table(&name("users")).unwrap().clone();
        let indexes: Vec<(String, bool, Option<String>)> = table
            .indexes
            .iter()
            .map(|i| (i.name.clone(), i.unique, i.predicate.clone()))
            .collect();
        let checks: Vec<String> = table.checks.iter().map(|c| c.expression.clone()).collect();
        (indexes, checks)
    };
    let active = "ix_users_active_email".to_string();
    assert_eq!(
        summary(Dialect::Postgresql),
        (
            vec![(active.clone(), true, Some("deactivated IS NULL".into()))],
            vec!["email ~ '@'".into(), "email <> ''".into()]
        )
    );
    assert_eq!(
        summary(Dialect::Sqlite),
        (
            vec![(active.clone(), true, Some("deactivated IS NULL".into()))],
            vec!["email <> ''".into()]
        )
    );
    assert_eq!(
        summary(Dialect::Mysql),
        (
            vec![(active, false, None)],
            vec!["email REGEXP '@'".into(), "email <> ''".into()]
        )
    );
}

#[test]
fn a_table_variant_replaces_items_by_name_and_adds_the_others() {
    let orders = TableDef {
        indexes: vec![IndexDef {
            name: Some("ix_orders_open".into()),
            columns: vec!["placed_on".into()],
            predicate: Some("closed_on IS NULL".into()),
            ..IndexDef::default()
        }],
        checks: vec![CheckDef {
            name: "code_format".into(),
            expression: "code ~ '^[A-Z]+$'".into(),
            verbatim: false,
            not_valid: false,
            dialects: Vec::new(),
        }],
        variants: vec![TableVariant {
            dialect: Dialect::Mysql,
            indexes: vec![IndexDef {
                name: Some("ix_orders_open".into()),
                columns: vec!["placed_on".into(), "closed_on".into()],
                ..IndexDef::default()
            }],
            checks: vec![
                CheckDef {
                    name: "code_format".into(),
                    expression: "code REGEXP '^[A-Z]+$'".into(),
                    verbatim: false,
                    not_valid: false,
                    dialects: Vec::new(),
                },
                CheckDef {
                    name: "code_short".into(),
                    expression: "char_length(code) < 9".into(),
                    verbatim: false,
                    not_valid: false,
                    dialects: Vec::new(),
                },
            ],
            ..TableVariant::default()
        }],
        ..model(
            "Order",
            "orders",
            vec![
                id(),
                col("code", ColumnType::Text),
                col("placed_on", ColumnType::Date),
                ColumnDef::new("closed_on", ColumnType::Date, true),
            ],
        )
    };
    let items = |dialect| {
        let schema = on(dialect, vec![orders.clone()]);
        let table = schema.table(&name("orders")).unwrap().clone();
        let indexes: Vec<String> = table
            .indexes
            .iter()
            .map(|i| {
                format!(
                    "{} {:?}",
                    i.column_names().collect::<Vec<_>>().join(","),
                    i.predicate
                )
            })
            .collect();
        let checks: Vec<String> = table.checks.iter().map(|c| c.expression.clone()).collect();
        (indexes, checks)
    };
    let (indexes, checks) = items(Dialect::Mysql);
    assert_eq!(indexes, ["placed_on,closed_on None"]);
    assert_eq!(checks, ["code REGEXP '^[A-Z]+$'", "char_length(code) < 9"]);
    let (indexes, checks) = items(Dialect::Postgresql);
    assert_eq!(indexes, ["placed_on Some(\"closed_on IS NULL\")"]);
    assert_eq!(checks, ["code ~ '^[A-Z]+$'"]);
    let schema = on(Dialect::Mysql, vec![orders.clone()]);
    assert!(
        schema.table(&name("orders")).is_some(),
        "a variant without a name keeps the table where it is"
    );
}
