//! Foreign keys: how `references` resolves across models, the generated names and actions,
//! and every way a reference can be wrong.

use super::{col, id, model, name, ok, problem, problems};
use crate::decl::{ColumnDef, IndexDef, TableDef, UniqueDef};
use crate::registry::ModelProblem;
use crate::schema::{ColumnType, ForeignKey, ForeignKeyAction};

fn projects() -> TableDef {
    model(
        "Project",
        "projects",
        vec![
            id(),
            col("code", ColumnType::Text),
            col("name", ColumnType::Text),
        ],
    )
}

fn referencing(reference: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        references: Some(reference.into()),
        ..col("project_id", ty)
    }
}

fn task(reference: &str) -> TableDef {
    model(
        "Task",
        "tasks",
        vec![id(), referencing(reference, ColumnType::BigInt)],
    )
}

#[test]
fn a_reference_becomes_a_named_foreign_key() {
    let schema = ok(vec![
        projects(),
        model(
            "Task",
            "tasks",
            vec![
                id(),
                ColumnDef {
                    on_delete: Some(ForeignKeyAction::Cascade),
                    ..referencing("projects.id", ColumnType::BigInt)
                },
            ],
        ),
    ]);
    let tasks = schema.table(&name("tasks")).unwrap();
    assert_eq!(
        tasks.foreign_keys,
        [ForeignKey {
            name: "fk_tasks_project_id_projects".into(),
            columns: vec!["project_id".into()],
            referenced_table: name("projects"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::Cascade,
            on_update: ForeignKeyAction::NoAction,
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        }]
    );
}

#[test]
fn an_unqualified_reference_names_the_default_namespace_wherever_it_is_written() {
    let in_app = |def: TableDef| TableDef {
        schema: Some("app".into()),
        ..def
    };
    let schema = ok(vec![projects(), in_app(task("projects.id"))]);
    let tasks = schema.table(&name("app.tasks")).unwrap();
    assert_eq!(tasks.foreign_keys[0].referenced_table, name("projects"));
    assert_eq!(tasks.foreign_keys[0].name, "fk_tasks_project_id_projects");

    let found = problem(vec![in_app(projects()), in_app(task("projects.id"))]);
    assert!(matches!(
        &found,
        ModelProblem::MissingReferencedTable { table, candidates, .. }
            if *table == name("projects") && *candidates == [name("app.projects")]
    ));
    ok(vec![in_app(projects()), in_app(task("app.projects.id"))]);
}

#[test]
fn an_explicit_namespace_is_taken_literally() {
    let found = problem(vec![projects(), task("public.projects.id")]);
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column project_id references \
         public.projects.id, but no model declares a table public.projects; did you mean \
         references = \"projects.id\"?"
    );
}

#[test]
fn a_missing_table_in_the_namespace_suggests_the_qualified_reference() {
    let found = problem(vec![
        TableDef {
            schema: Some("crm".into()),
            ..projects()
        },
        task("projects.id"),
    ]);
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column project_id references projects.id, but \
         no model declares a table projects in the default namespace; did you mean references \
         = \"crm.projects.id\"?"
    );
}

#[test]
fn a_schema_qualified_reference_crosses_namespaces() {
    let schema = ok(vec![
        TableDef {
            schema: Some("crm".into()),
            ..projects()
        },
        task("crm.projects.id"),
    ]);
    let tasks = schema.table(&name("tasks")).unwrap();
    assert_eq!(tasks.foreign_keys[0].referenced_table, name("crm.projects"));
}

#[test]
fn a_reference_to_a_missing_table_is_an_error() {
    let found = problem(vec![task("projects.id")]);
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column project_id references projects.id, but \
         no model declares a table projects; declare a model for it, or add `external` to \
         the reference when the table is managed elsewhere (it is then looked up in the \
         database)"
    );
    assert!(
        matches!(found, ModelProblem::MissingReferencedTable { candidates, .. } if candidates.is_empty())
    );
}

#[test]
fn a_reference_to_a_missing_column_is_an_error() {
    let found = problem(vec![projects(), task("projects.uid")]);
    assert!(matches!(
        &found,
        ModelProblem::MissingReferencedColumn { target, referenced_column, .. }
            if target.rust_name == "Project" && referenced_column == "uid"
    ));
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column project_id references projects.uid, but \
         model app::models::Project (table projects) has no column uid"
    );
}

#[test]
fn a_foreign_key_of_another_type_is_an_error() {
    let found = problem(vec![
        projects(),
        model(
            "Task",
            "tasks",
            vec![id(), referencing("projects.id", ColumnType::Integer)],
        ),
    ]);
    assert!(matches!(
        found,
        ModelProblem::ReferenceTypeMismatch {
            column_type: ColumnType::Integer,
            referenced_type: ColumnType::BigInt,
            ..
        }
    ));
}

#[test]
fn text_and_varchar_do_not_match() {
    let found = problem(vec![
        TableDef {
            uniques: vec![UniqueDef {
                dialects: Vec::new(),
                name: None,
                columns: vec!["code".into()],
            }],
            ..projects()
        },
        model(
            "Task",
            "tasks",
            vec![
                id(),
                ColumnDef {
                    max_length: Some(20),
                    ..referencing("projects.code", ColumnType::Text)
                },
            ],
        ),
    ]);
    assert_eq!(
        found.to_string(),
        "model app::models::Task (table tasks): column project_id is varchar(20) but references \
         projects.code, which is text; a foreign key column must have the type of the column it \
         references"
    );
}

#[test]
fn an_identity_key_matches_a_nullable_column_of_its_type() {
    let schema = ok(vec![
        projects(),
        model(
            "Task",
            "tasks",
            vec![
                id(),
                ColumnDef {
                    references: Some("projects.id".into()),
                    on_delete: Some(ForeignKeyAction::SetNull),
                    ..ColumnDef::new("project_id", ColumnType::BigInt, true)
                },
            ],
        ),
    ]);
    let projects = schema.table(&name("projects")).unwrap();
    assert!(projects.columns[0].identity.is_some());
    let tasks = schema.table(&name("tasks")).unwrap();
    assert_eq!(tasks.foreign_keys[0].on_delete, ForeignKeyAction::SetNull);
}

#[test]
fn a_reference_to_a_column_that_is_not_a_key_is_an_error() {
    let found = problem(vec![
        projects(),
        model(
            "Task",
            "tasks",
            vec![id(), referencing("projects.name", ColumnType::Text)],
        ),
    ]);
    assert!(matches!(
        found,
        ModelProblem::ReferencedColumnNotUnique { reference, .. } if reference == "projects.name"
    ));
}

#[test]
fn unique_columns_and_full_unique_indexes_can_be_referenced_but_partial_ones_cannot() {
    let with_index = |predicate: Option<&str>| TableDef {
        indexes: vec![IndexDef {
            dialects: Vec::new(),
            name: None,
            columns: vec!["code".into()],
            unique: true,
            predicate: predicate.map(str::to_string),
            ..IndexDef::default()
        }],
        ..projects()
    };
    let task = || {
        model(
            "Task",
            "tasks",
            vec![id(), referencing("projects.code", ColumnType::Text)],
        )
    };
    ok(vec![with_index(None), task()]);
    let unique_column = model(
        "Project",
        "projects",
        vec![
            id(),
            ColumnDef {
                unique: true,
                ..col("code", ColumnType::Text)
            },
        ],
    );
    ok(vec![unique_column, task()]);
    let found = problem(vec![with_index(Some("archived = false")), task()]);
    assert!(matches!(
        found,
        ModelProblem::ReferencedColumnNotUnique { .. }
    ));
}

#[test]
fn a_table_may_reference_itself() {
    let schema = ok(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                references: Some("tasks.id".into()),
                ..ColumnDef::new("parent_id", ColumnType::BigInt, true)
            },
        ],
    )]);
    assert_eq!(
        schema.tables[0].foreign_keys[0].name,
        "fk_tasks_parent_id_tasks"
    );
}

#[test]
fn malformed_references_are_errors() {
    for written in [
        "projects",
        "a.b.c.d",
        "projects.",
        ".id",
        "projects. id",
        "",
    ] {
        let found = problem(vec![projects(), task(written)]);
        assert!(
            matches!(&found, ModelProblem::InvalidReference { reference, .. } if reference == written),
            "{written:?}: {found:?}"
        );
    }
}

#[test]
fn actions_without_a_reference_are_errors() {
    let found = problem(vec![model(
        "Task",
        "tasks",
        vec![
            id(),
            ColumnDef {
                on_update: Some(ForeignKeyAction::Cascade),
                ..col("project_id", ColumnType::BigInt)
            },
        ],
    )]);
    assert!(matches!(
        found,
        ModelProblem::ActionWithoutReference {
            action: "on_update",
            ..
        }
    ));
}

#[test]
fn set_null_on_a_not_null_column_is_an_error() {
    let found = problems(vec![
        projects(),
        model(
            "Task",
            "tasks",
            vec![
                id(),
                ColumnDef {
                    on_delete: Some(ForeignKeyAction::SetNull),
                    on_update: Some(ForeignKeyAction::SetNull),
                    ..referencing("projects.id", ColumnType::BigInt)
                },
            ],
        ),
    ]);
    let actions: Vec<&str> = found
        .iter()
        .map(|p| match p {
            ModelProblem::SetNullOnNotNullColumn { action, .. } => *action,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(actions, ["on_delete", "on_update"]);
}

#[test]
fn several_candidate_namespaces_are_all_listed() {
    let found = problem(vec![
        TableDef {
            schema: Some("sales".into()),
            ..projects()
        },
        TableDef {
            schema: Some("crm".into()),
            ..projects()
        },
        task("projects.id"),
    ]);
    assert!(
        found.to_string().ends_with(
            "no model declares a table projects in the default namespace (tables of that name \
             exist as crm.projects, sales.projects); name the namespace, as in references = \
             \"schema.table.column\""
        ),
        "{found}"
    );
}
