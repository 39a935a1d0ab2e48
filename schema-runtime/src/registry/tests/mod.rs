//! Unit tests for the registry, with declarations built by hand the way the derive emits
//! them. A small kit first, then the general behaviour of `build`; the rules sit in one
//! file per pass.

mod columns;
mod declared;
mod keys;
mod names;
mod references;
mod variants;
mod whole;

use super::{build, ModelProblem, RegistryError};
use crate::decl::{ColumnDef, TableDef};
use crate::dialect::Dialect;
use crate::schema::{ColumnType, QualifiedName, Schema};

const MODULE: &str = "app::models";

/// A model with the given columns and nothing else.
fn model(rust_name: &'static str, table: &str, columns: Vec<ColumnDef>) -> TableDef {
    TableDef {
        rust_name,
        module_path: MODULE,
        name: table.to_string(),
        columns,
        ..TableDef::default()
    }
}

/// `id: i64` marked `primary_key`.
fn id() -> ColumnDef {
    ColumnDef {
        primary_key: true,
        ..col("id", ColumnType::BigInt)
    }
}

/// A NOT NULL column.
fn col(field: &'static str, ty: ColumnType) -> ColumnDef {
    ColumnDef::new(field, ty, false)
}

fn ok(defs: Vec<TableDef>) -> Schema {
    match build(defs, Dialect::Postgresql) {
        Ok(schema) => schema,
        Err(e) => panic!("expected a valid schema, got:\n{e}"),
    }
}

fn problems(defs: Vec<TableDef>) -> Vec<ModelProblem> {
    match build(defs, Dialect::Postgresql) {
        Ok(schema) => panic!("expected problems, got a schema: {schema:#?}"),
        Err(RegistryError { problems }) => problems,
    }
}

/// The single problem a build reports.
fn problem(defs: Vec<TableDef>) -> ModelProblem {
    let mut all = problems(defs);
    assert_eq!(all.len(), 1, "expected one problem, got {all:#?}");
    all.remove(0)
}

fn name(text: &str) -> QualifiedName {
    QualifiedName::parse(text)
}

#[test]
fn zero_models_is_an_error_not_an_empty_schema() {
    let err = build(Vec::new(), Dialect::Postgresql).unwrap_err();
    assert_eq!(err.problems, vec![ModelProblem::NoModels]);
    let text = err.to_string();
    assert!(text.starts_with("1 problem in the models:\n  - no models were registered"));
    assert!(text.contains("from the binary's main, since it is what keeps the crate linked"));
}

#[test]
fn output_is_canonical_whatever_the_input_order() {
    let tasks = TableDef {
        indexes: vec![crate::decl::IndexDef {
            columns: vec!["title".into()],
            ..Default::default()
        }],
        ..model(
            "Task",
            "tasks",
            vec![
                id(),
                ColumnDef {
                    unique: true,
                    ..col("title", ColumnType::Text)
                },
                ColumnDef {
                    index: true,
                    ..col("b", ColumnType::Text)
                },
            ],
        )
    };
    let audit = TableDef {
        schema: Some("audit".into()),
        ..model("Event", "events", vec![id()])
    };
    let accounts = model("Account", "accounts", vec![id()]);
    let forward = ok(vec![tasks.clone(), audit.clone(), accounts.clone()]);
    let backward = ok(vec![accounts, audit, tasks]);
    assert_eq!(forward, backward);
    let names: Vec<String> = forward.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, ["accounts", "tasks", "audit.events"]);
    let tasks = forward.table(&name("tasks")).unwrap();
    let index_names: Vec<&str> = tasks.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(index_names, ["ix_tasks_b", "ix_tasks_title"]);
    let columns: Vec<&str> = tasks.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        ["id", "title", "b"],
        "columns keep declaration order"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = build(
        vec![
            model("Note", "notes", vec![col("body", ColumnType::Text)]),
            model(
                "Task",
                "tasks",
                vec![
                    id(),
                    ColumnDef {
                        references: Some("projects.id".into()),
                        ..col("project_id", ColumnType::BigInt)
                    },
                    ColumnDef {
                        max_length: Some(3),
                        ..col("done", ColumnType::Boolean)
                    },
                ],
            ),
        ],
        Dialect::Postgresql,
    )
    .unwrap_err();
    assert_eq!(err.problems.len(), 3, "{err}");
    let text = err.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "3 problems in the models:");
    assert!(lines[1..].iter().all(|l| l.starts_with("  - ")));
    assert!(text.contains(
        "model app::models::Task (table tasks): column project_id references projects.id, \
         but no model declares a table projects"
    ));
    assert!(text.contains("model app::models::Note (table notes) has no primary key"));
}

#[test]
fn table_comment_and_rename_are_carried_over() {
    let schema = ok(vec![
        TableDef {
            comment: Some("Work to do.".into()),
            renamed_from: Some("todo_items".into()),
            ..model("Task", "tasks", vec![id()])
        },
        TableDef {
            schema: Some("app".into()),
            renamed_from: Some("old_projects".into()),
            ..model("Project", "projects", vec![id()])
        },
        TableDef {
            schema: Some("app".into()),
            renamed_from: Some("public.people".into()),
            ..model("User", "users", vec![id()])
        },
    ]);
    let tasks = schema.table(&name("tasks")).unwrap();
    assert_eq!(tasks.comment.as_deref(), Some("Work to do."));
    assert_eq!(tasks.renamed_from, Some(name("todo_items")));
    let projects = schema.table(&name("app.projects")).unwrap();
    assert_eq!(
        projects.renamed_from,
        Some(name("app.old_projects")),
        "an unqualified old name is in the table's own namespace"
    );
    let users = schema.table(&name("app.users")).unwrap();
    assert_eq!(users.renamed_from, Some(name("public.people")));
}
