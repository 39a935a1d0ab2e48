//! What a SQLite database holds besides tables and indexes, for the adoption report: its
//! views and triggers, each with the `CREATE` statement `sqlite_schema` keeps for it. One
//! query, whatever their number.

use schema_runtime::schema::QualifiedName;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::db::others::sorted;
use crate::db::OtherObject;
use crate::filter::SchemaFilter;

/// Views and triggers of the `main` database; `tbl_name` is a trigger's table (and a
/// view's own name).
pub const OTHER_OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema \
     WHERE type IN ('view', 'trigger') ORDER BY type, name";

/// The views and triggers; a trigger on a table the filter leaves out is left out. The
/// error is the driver's, for the caller to wrap.
pub async fn other_objects(
    conn: &mut SqliteConnection,
    filter: &SchemaFilter,
) -> Result<Vec<OtherObject>, sqlx::Error> {
    let rows = sqlx::query(OTHER_OBJECTS).fetch_all(&mut *conn).await?;
    let mut objects = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(object) = to_object(row)? {
            let managed = object
                .table
                .as_ref()
                .is_none_or(|table| filter.manages_table(&QualifiedName::new(table.as_str())));
            if managed {
                objects.push(object);
            }
        }
    }
    tracing::debug!(objects = objects.len(), "read SQLite's views and triggers");
    Ok(sorted(objects))
}

fn to_object(row: &SqliteRow) -> Result<Option<OtherObject>, sqlx::Error> {
    let kind: String = row.try_get("type")?;
    let Some(kind) = OtherObject::kind_named(&kind) else {
        return Ok(None);
    };
    let table: String = row.try_get("tbl_name")?;
    Ok(Some(OtherObject {
        kind,
        name: row.try_get("name")?,
        table: (kind == "trigger").then_some(table),
        definition: row.try_get("sql")?,
    }))
}
