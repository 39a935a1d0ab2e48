//! Comments on tables, columns and enum types: set, changed and cleared, with quotes,
//! backslashes and line breaks in the text.

use schema_runtime::schema::ColumnType::*;
use schema_runtime::Schema;

use super::kit::scenario;
use super::models::*;

/// The models with comments `(table, column, enum)`; `None` leaves one out.
fn commented(table_text: Option<&str>, column: Option<&str>, enum_text: Option<&str>) -> Schema {
    let mut mood = enum_type("mood", &["happy", "sad"]);
    mood.comment = enum_text.map(str::to_owned);
    let mut note = col("note", Text).null();
    note.comment = column.map(str::to_owned);
    let mut t = table("diary", vec![id(), enum_col("mood", &mood), note]);
    t.comment = table_text.map(str::to_owned);
    models(vec![t])
}

const FIRST: (&str, &str, &str) = (
    "The owner's diary.",
    "What \"happened\",\nin a few lines.",
    "How the day felt; C:\\path\\to\\it",
);

#[tokio::test]
async fn comments_set_on_table_column_and_enum() {
    let a = commented(None, None, None);
    let b = commented(Some(FIRST.0), Some(FIRST.1), Some(FIRST.2));
    scenario("comments_set_on_table_column_and_enum", a, b)
        .run()
        .await;
}

#[tokio::test]
async fn comments_changed_on_table_column_and_enum() {
    let a = commented(Some(FIRST.0), Some(FIRST.1), Some(FIRST.2));
    let b = commented(
        Some("Someone else's diary."),
        Some("It's 'quoted' now."),
        Some("Mood."),
    );
    scenario("comments_changed_on_table_column_and_enum", a, b)
        .run()
        .await;
}

#[tokio::test]
async fn comments_cleared_on_table_column_and_enum() {
    let a = commented(Some(FIRST.0), Some(FIRST.1), Some(FIRST.2));
    let b = commented(None, None, None);
    scenario("comments_cleared_on_table_column_and_enum", a, b)
        .run()
        .await;
}
