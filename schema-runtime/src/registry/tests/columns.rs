//! Column resolution: types, `sql_type`, `max_length`, carried-over fields, duplicate and
//! renamed columns, and identifiers too long for the database.

use super::{col, id, model, name, ok, problem, problems};
use crate::decl::{ColumnDef, IndexDef, TableDef};
use crate::naming::MAX_IDENTIFIER_BYTES;
use crate::registry::{ModelProblem, ObjectKind};
use crate::schema::{Column, ColumnType};

fn column_of(def: ColumnDef) -> Column {
    let column = def.name.clone();
    let schema = ok(vec![model("Task", "tasks", vec![id(), def])]);
    schema.tables[0].column(&column).unwrap().clone()
}

#[test]
fn column_fields_are_carried_over() {
    let column = column_of(ColumnDef {
        name: "due_on".into(),
        default: Some("now()".into()),
        comment: Some("When it is due.".into()),
        renamed_from: Some("deadline".into()),
        ..ColumnDef::new("due", ColumnType::TimestampTz, true)
    });
    assert_eq!(
        column,
        Column {
            nullable: true,
            default: Some("now()".into()),
            comment: Some("When it is due.".into()),
            renamed_from: Some("deadline".into()),
            ..Column::new("due_on", ColumnType::TimestampTz)
        }
    );
}

#[test]
fn sql_type_replaces_the_rust_type() {
    let column = column_of(ColumnDef {
        sql_type: Some("NUMERIC(12, 2)".into()),
        ..col(
            "total",
            ColumnType::Numeric {
                precision: None,
                scale: None,
            },
        )
    });
    assert_eq!(
        column.ty,
        ColumnType::Numeric {
            precision: Some(12),
            scale: Some(2)
        }
    );
}

#[test]
fn max_length_makes_a_string_a_varchar() {
    let text = column_of(ColumnDef {
        max_length: Some(40),
        ..col("reference", ColumnType::Text)
    });
    assert_eq!(text.ty, ColumnType::Varchar { length: Some(40) });
    let varchar = column_of(ColumnDef {
        max_length: Some(12),
        ..col("code", ColumnType::Varchar { length: None })
    });
    assert_eq!(varchar.ty, ColumnType::Varchar { length: Some(12) });
}

#[test]
fn max_length_on_a_non_string_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                max_length: Some(10),
                ..col("count", ColumnType::Integer)
            },
        ],
    )]);
    assert!(matches!(
        &found,
        ModelProblem::MaxLengthOnNonString { column, max_length: 10, ty: ColumnType::Integer, .. }
            if column == "count"
    ));
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column count has max_length = 10, which \
         applies only to text columns, but it is integer"
    );
}

#[test]
fn max_length_together_with_sql_type_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                sql_type: Some("varchar(20)".into()),
                max_length: Some(40),
                ..col("code", ColumnType::Text)
            },
        ],
    )]);
    assert!(matches!(
        found,
        ModelProblem::MaxLengthWithSqlType { max_length: 40, .. }
    ));
}

#[test]
fn two_fields_with_one_column_name_are_an_error_naming_both() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            col("title", ColumnType::Text),
            ColumnDef {
                name: "title".into(),
                ..col("heading", ColumnType::Text)
            },
        ],
    )]);
    assert!(matches!(
        &found,
        ModelProblem::DuplicateColumn { column, first_field: "title", second_field: "heading", .. }
            if column == "title"
    ));
    assert!(found
        .to_string()
        .contains("fields title and heading are both column title"));
}

#[test]
fn a_column_renamed_from_its_own_name_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                renamed_from: Some("title".into()),
                ..col("title", ColumnType::Text)
            },
        ],
    )]);
    assert!(
        matches!(found, ModelProblem::ColumnRenamedToItself { column, .. } if column == "title")
    );
}

#[test]
fn a_column_renamed_from_a_current_column_is_an_error() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            col("title", ColumnType::Text),
            ColumnDef {
                renamed_from: Some("title".into()),
                ..col("heading", ColumnType::Text)
            },
        ],
    )]);
    assert!(matches!(
        found,
        ModelProblem::ColumnRenamedFromExisting { column, renamed_from, .. }
            if column == "heading" && renamed_from == "title"
    ));
}

#[test]
fn a_table_renamed_from_its_own_name_is_an_error() {
    let found = problem(vec![TableDef {
        schema: Some("app".into()),
        renamed_from: Some("tasks".into()),
        ..model("Task", "tasks", vec![id()])
    }]);
    assert!(matches!(
        found,
        ModelProblem::TableRenamedToItself { renamed_from, .. } if renamed_from == name("app.tasks")
    ));
}

#[test]
fn explicit_identifiers_past_the_limit_are_errors() {
    let long = "x".repeat(MAX_IDENTIFIER_BYTES + 1);
    let long_index = "i".repeat(MAX_IDENTIFIER_BYTES + 1);
    let just_fits = "y".repeat(MAX_IDENTIFIER_BYTES);
    let found = problems(vec![TableDef {
        indexes: vec![IndexDef {
            name: Some(long_index.clone()),
            columns: vec!["id".into()],
            ..IndexDef::default()
        }],
        ..model(
            "Task",
            &long,
            vec![
                id(),
                ColumnDef {
                    name: long.clone(),
                    ..col("body", ColumnType::Text)
                },
                ColumnDef {
                    name: just_fits,
                    ..col("fits", ColumnType::Text)
                },
            ],
        )
    }]);
    let kinds: Vec<(ObjectKind, usize)> = found
        .iter()
        .filter_map(|p| match p {
            ModelProblem::IdentifierTooLong { kind, name, .. } => Some((*kind, name.len())),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (ObjectKind::Table, 64),
            (ObjectKind::Column, 64),
            (ObjectKind::Index, 64)
        ]
    );
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[1].to_string().contains(
        "the column name xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx is 64 \
         bytes long, over the 63-byte identifier limit"
    ));
}

#[test]
fn generated_names_past_the_limit_are_shortened_not_rejected() {
    let table = "a_table_with_a_rather_long_name_for_the_test";
    let schema = ok(vec![model(
        "Wide",
        table,
        vec![
            id(),
            ColumnDef {
                index: true,
                unique: true,
                ..col("a_column_with_a_long_name_too", ColumnType::Text)
            },
        ],
    )]);
    let t = &schema.tables[0];
    assert_eq!(t.indexes[0].name.len(), MAX_IDENTIFIER_BYTES);
    assert_eq!(t.uniques[0].name.len(), MAX_IDENTIFIER_BYTES);
    assert!(t.indexes[0].name.starts_with("ix_a_table_with"));
}
