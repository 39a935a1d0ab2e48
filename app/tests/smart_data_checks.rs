//! A machine-made migration that cannot apply is never written, never left behind. The
//! history is written for models a little different from the binary's (a column missing, or
//! of another type), the database gets rows that the binary's models cannot take as they
//! are, and the smart migrator must refuse before writing anything, naming the table, the
//! column and the number of rows, or, where no check can tell in advance, remove the file
//! it wrote once applying it fails.

mod smart_kit;

use schema_runtime::schema::{ColumnType, QualifiedName, Schema};
use smart_kit::{full_schema, Project};

/// The binary's models with one column of one table changed by `change` (or removed when
/// it returns false).
fn models_with(
    table: &str,
    column: &str,
    change: impl Fn(&mut schema_runtime::schema::Column) -> bool,
) -> Schema {
    let mut schema = full_schema();
    let found = schema
        .tables
        .iter_mut()
        .find(|t| t.name == QualifiedName::new(table))
        .unwrap();
    let index = found.columns.iter().position(|c| c.name == column).unwrap();
    if !change(&mut found.columns[index]) {
        found.columns.remove(index);
        // A key or index over the column goes with it.
        found
            .uniques
            .retain(|u| !u.columns.iter().any(|c| c == column));
        found
            .indexes
            .retain(|i| !i.column_names().any(|c| c == column));
    }
    schema
}

async fn project_at(history: &Schema) -> Project {
    let project = Project::new().await;
    project.write_revision(
        "base_history",
        &[],
        &Default::default(),
        history,
        "initial schema",
    );
    project.migrate(&["upgrade"]).expect(0);
    project
}

#[tokio::test]
async fn a_required_column_on_a_table_with_rows_is_refused_before_any_file() {
    // organisations.name is NOT NULL without a default in the models; the history lacks it.
    let project = project_at(&models_with("organisations", "name", |_| false)).await;
    project
        .sql("INSERT INTO organisations (slug) VALUES ('a'), ('b'), ('c');")
        .await;
    let before = project.dump();
    let run = project.migrate(&[]).expect(7);
    assert!(run.stderr.contains("organisations.name"), "{}", run.stderr);
    assert!(run.stderr.contains("has 3 rows to fill"), "{}", run.stderr);
    assert!(run.stderr.contains("default"), "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was written or applied"),
        "{}",
        run.stderr
    );
    assert_eq!(
        project.files().len(),
        1,
        "no file written: {:?}",
        project.files()
    );
    assert_eq!(project.dump(), before, "the database is untouched");
    // The same models on an empty table migrate cleanly.
    project.sql("DELETE FROM organisations;").await;
    project.migrate(&[]).expect(0);
    assert_eq!(project.files().len(), 2);
    assert_eq!(project.migrate(&["check"]).code, 0);
}

#[tokio::test]
async fn a_narrower_type_than_the_data_is_refused_with_the_row_count() {
    // organisations.name is varchar(200) in the models; the history has it as text.
    let project = project_at(&models_with("organisations", "name", |c| {
        c.ty = ColumnType::Text;
        true
    }))
    .await;
    project
        .sql(&format!(
            "INSERT INTO organisations (name, slug) VALUES ('{}', 'long'), ('short', 'ok');",
            "x".repeat(250)
        ))
        .await;
    let run = project.migrate(&[]).expect(7);
    assert!(
        run.stderr
            .contains("organisations.name narrows to 200 characters, but 1 row"),
        "{}",
        run.stderr
    );
    assert_eq!(project.files().len(), 1);
    // Production with --force-sync-prod checks the same before touching anything.
    let forced = project
        .migrate_prod(&["--force-sync-prod", "--skip-backup"])
        .expect(7);
    assert!(
        forced.stderr.contains("narrows to 200"),
        "{}",
        forced.stderr
    );
    assert_eq!(project.files().len(), 1);
}

#[tokio::test]
async fn a_generated_file_that_fails_to_apply_is_removed_again() {
    // tasks.number is an integer in the models; the history has it as text, and one row
    // holds a value no integer cast takes. No check can see that coming, so applying fails.
    let project = project_at(&models_with("tasks", "number", |c| {
        c.ty = ColumnType::Text;
        true
    }))
    .await;
    project
        .sql(
            "INSERT INTO organisations (name, slug) VALUES ('Acme', 'acme');
             INSERT INTO projects (organisation_id, key, name) SELECT id, 'ACME', 'Site' FROM organisations;
             INSERT INTO tasks (project_id, number, title, priority) SELECT id, 'twelve', 'Fix', 1 FROM projects;",
        )
        .await;
    let run = project.migrate(&[]).expect(4);
    assert!(run.stderr.contains("was removed again"), "{}", run.stderr);
    assert_eq!(project.files().len(), 1, "{:?}", project.files());
    // Fixing the data is all it takes: the next run generates and applies.
    project.sql("UPDATE tasks SET number = '12';").await;
    project.migrate(&[]).expect(0);
    assert_eq!(project.files().len(), 2);
}
