//! What a MySQL or MariaDB database holds besides tables, for the adoption report: views,
//! triggers, stored functions and procedures, and events, of the connection's database.
//! One `information_schema` query per kind ([`VIEWS`], [`TRIGGERS`], [`ROUTINES`],
//! [`EVENTS`]), each composing the object's `CREATE` statement on the server (without its
//! `DEFINER`, which belongs to the server the database lives on). Where the catalog hides a
//! body from this user (`ROUTINE_DEFINITION` is NULL without the right to see it), the
//! definition is `None`.

use schema_runtime::schema::QualifiedName;
use sqlx::mysql::MySqlRow;
use sqlx::{MySqlConnection, Row};

use super::{refuse_namespaces, InspectError};
use crate::db::others::sorted;
use crate::db::OtherObject;
use crate::filter::SchemaFilter;

/// Views, each `CREATE VIEW name AS <VIEW_DEFINITION>`, without the database's name the
/// server writes before every table and column it names, so that the statement creates the
/// view in whichever database runs it.
pub const VIEWS: &str = "
SELECT CAST('view' AS CHAR) AS kind,
       CAST(TABLE_NAME AS CHAR) AS name,
       CAST(NULL AS CHAR) AS table_name,
       CAST(CONCAT('CREATE VIEW `', REPLACE(TABLE_NAME, '`', '``'), '` AS ',
                   REPLACE(VIEW_DEFINITION,
                           CONCAT('`', REPLACE(DATABASE(), '`', '``'), '`.'), ''))
            AS CHAR) AS definition
FROM information_schema.VIEWS
WHERE TABLE_SCHEMA = DATABASE()";

/// Triggers on the database's tables, with the table each belongs to.
pub const TRIGGERS: &str = "
SELECT CAST('trigger' AS CHAR) AS kind,
       CAST(TRIGGER_NAME AS CHAR) AS name,
       CAST(EVENT_OBJECT_TABLE AS CHAR) AS table_name,
       CAST(CONCAT('CREATE TRIGGER `', REPLACE(TRIGGER_NAME, '`', '``'), '` ', ACTION_TIMING,
                   ' ', EVENT_MANIPULATION, ' ON `', REPLACE(EVENT_OBJECT_TABLE, '`', '``'),
                   '` FOR EACH ', ACTION_ORIENTATION, ' ', ACTION_STATEMENT) AS CHAR)
           AS definition
FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_SCHEMA = DATABASE()";

/// Stored functions and procedures, with their parameters from `PARAMETERS` and the
/// characteristics that differ from the defaults.
pub const ROUTINES: &str = "
SELECT CAST(LOWER(r.ROUTINE_TYPE) AS CHAR) AS kind,
       CAST(r.ROUTINE_NAME AS CHAR) AS name,
       CAST(NULL AS CHAR) AS table_name,
       CAST(CONCAT('CREATE ', r.ROUTINE_TYPE, ' `', REPLACE(r.ROUTINE_NAME, '`', '``'), '`(',
           COALESCE((SELECT GROUP_CONCAT(
                         CONCAT_WS(' ', IF(r.ROUTINE_TYPE = 'PROCEDURE', p.PARAMETER_MODE, NULL),
                                   CONCAT('`', REPLACE(p.PARAMETER_NAME, '`', '``'), '`'),
                                   p.DTD_IDENTIFIER)
                         ORDER BY p.ORDINAL_POSITION SEPARATOR ', ')
                     FROM information_schema.PARAMETERS p
                     WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA
                       AND p.SPECIFIC_NAME = r.SPECIFIC_NAME
                       AND p.ROUTINE_TYPE = r.ROUTINE_TYPE
                       AND p.ORDINAL_POSITION > 0), ''),
           ')',
           IF(r.ROUTINE_TYPE = 'FUNCTION', CONCAT(' RETURNS ', r.DTD_IDENTIFIER), ''),
           IF(r.IS_DETERMINISTIC = 'YES', ' DETERMINISTIC', ''),
           IF(r.SQL_DATA_ACCESS = 'CONTAINS SQL', '', CONCAT(' ', r.SQL_DATA_ACCESS)),
           IF(r.SECURITY_TYPE = 'INVOKER', ' SQL SECURITY INVOKER', ''),
           ' ', r.ROUTINE_DEFINITION) AS CHAR) AS definition
FROM information_schema.ROUTINES r
WHERE r.ROUTINE_SCHEMA = DATABASE()";

/// Scheduled events. A compound interval (`'1:30' MINUTE_SECOND`) is stored quoted by
/// MariaDB and bare by MySQL; a plain number needs no quotes.
pub const EVENTS: &str = "
SELECT CAST('event' AS CHAR) AS kind,
       CAST(EVENT_NAME AS CHAR) AS name,
       CAST(NULL AS CHAR) AS table_name,
       CAST(CONCAT('CREATE EVENT `', REPLACE(EVENT_NAME, '`', '``'), '` ON SCHEDULE ',
           IF(EVENT_TYPE = 'ONE TIME', CONCAT('AT ', QUOTE(EXECUTE_AT)),
              CONCAT('EVERY ',
                     IF(INTERVAL_VALUE REGEXP '^[0-9]+$' OR LEFT(INTERVAL_VALUE, 1) = '''',
                        INTERVAL_VALUE, QUOTE(INTERVAL_VALUE)),
                     ' ', INTERVAL_FIELD,
                     IF(STARTS IS NULL, '', CONCAT(' STARTS ', QUOTE(STARTS))),
                     IF(ENDS IS NULL, '', CONCAT(' ENDS ', QUOTE(ENDS))))),
           ' ON COMPLETION ', ON_COMPLETION,
           IF(STATUS = 'ENABLED', '', ' DISABLE'),
           ' DO ', EVENT_DEFINITION) AS CHAR) AS definition
FROM information_schema.EVENTS
WHERE EVENT_SCHEMA = DATABASE()";

/// The objects of the connection's database that the models cannot describe; a trigger on
/// a table the filter leaves out is left out. A filter naming other namespaces is refused,
/// as introspection refuses it.
pub async fn other_objects(
    conn: &mut MySqlConnection,
    filter: &SchemaFilter,
) -> Result<Vec<OtherObject>, InspectError> {
    refuse_namespaces(filter)?;
    let mut objects = Vec::new();
    for (query, sql) in [
        ("views", VIEWS),
        ("triggers", TRIGGERS),
        ("routines", ROUTINES),
        ("events", EVENTS),
    ] {
        let rows = sqlx::query(sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(|source| InspectError::Query { query, source })?;
        for row in &rows {
            let object = to_object(row).map_err(|source| InspectError::Query { query, source })?;
            let managed = object
                .as_ref()
                .and_then(|o| o.table.as_ref())
                .is_none_or(|table| filter.manages_table(&QualifiedName::new(table.as_str())));
            objects.extend(object.filter(|_| managed));
        }
    }
    tracing::debug!(objects = objects.len(), "read MySQL's other objects");
    Ok(sorted(objects))
}

/// The row as an object; `None` for a kind this version does not know (a routine type a
/// later server adds).
fn to_object(row: &MySqlRow) -> Result<Option<OtherObject>, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let Some(kind) = OtherObject::kind_named(&kind) else {
        tracing::warn!(%kind, "an object of a kind this version does not know is not listed");
        return Ok(None);
    };
    Ok(Some(OtherObject {
        kind,
        name: row.try_get("name")?,
        table: row.try_get("table_name")?,
        definition: row.try_get("definition")?,
    }))
}
