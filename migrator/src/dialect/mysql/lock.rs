//! The migration lock on MySQL: a named lock (`GET_LOCK`). Named locks are server-wide, so
//! the name carries the database (`migrator:<database>`, cut to MySQL's 64 characters):
//! migrators of different databases on one server never wait for each other. Like the
//! PostgreSQL advisory lock it belongs to the session, survives the commits of the
//! revisions it guards, and goes away with the connection if the migrator dies.

use sqlx::{MySqlConnection, Row};

use super::connect::server_error;
use crate::db::{DbError, LockHolder};

/// The lock's name, computed by the server from the connected database.
const LOCK_NAME: &str = "LEFT(CONCAT('migrator:', DATABASE()), 64)";

/// Who holds the lock: the session `IS_USED_LOCK` names, from the process list.
const HOLDER: &str = "
SELECT CAST(p.ID AS SIGNED) AS id,
       CAST(p.USER AS CHAR) AS user,
       CAST(p.HOST AS CHAR) AS host,
       CAST(p.COMMAND AS CHAR) AS command,
       DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL p.TIME SECOND, '%Y-%m-%dT%H:%i:%sZ') AS state_since
FROM information_schema.PROCESSLIST p
WHERE p.ID = IS_USED_LOCK(LEFT(CONCAT('migrator:', DATABASE()), 64))";

async fn scalar(
    conn: &mut MySqlConnection,
    sql: &str,
    context: &'static str,
) -> Result<Option<i64>, DbError> {
    sqlx::query_scalar::<_, Option<i64>>(sql)
        .fetch_one(conn)
        .await
        .map_err(|e| DbError::query(context, server_error(&e)))
}

/// One attempt at the lock.
pub async fn try_lock(conn: &mut MySqlConnection) -> Result<bool, DbError> {
    let sql = format!("SELECT CAST(GET_LOCK({LOCK_NAME}, 0) AS SIGNED)");
    Ok(scalar(conn, &sql, "taking the migration lock").await? == Some(1))
}

/// Releases the lock; false when this session did not hold it.
pub async fn unlock(conn: &mut MySqlConnection) -> Result<bool, DbError> {
    let sql = format!("SELECT CAST(RELEASE_LOCK({LOCK_NAME}) AS SIGNED)");
    Ok(scalar(conn, &sql, "releasing the migration lock").await? == Some(1))
}

/// The session holding the lock, if any.
pub async fn holder(conn: &mut MySqlConnection) -> Result<Option<LockHolder>, DbError> {
    let row = sqlx::query(HOLDER)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| DbError::query("finding who holds the migration lock", server_error(&e)))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let decode =
        |e: sqlx::Error| DbError::query("reading who holds the migration lock", server_error(&e));
    let id: i64 = row.try_get("id").map_err(decode)?;
    Ok(Some(LockHolder {
        pid: i32::try_from(id).unwrap_or(i32::MAX),
        // Ending the connection releases GET_LOCK's lock.
        end_it: format!("KILL {id}"),
        application_name: String::new(),
        user: row.try_get("user").map_err(decode)?,
        client_addr: row.try_get("host").map_err(decode)?,
        connected_since: None,
        state: row.try_get("command").map_err(decode)?,
        state_since: row.try_get("state_since").map_err(decode)?,
    }))
}

/// The blocking lock for offline scripts: waits up to a year, which is "as long as it
/// takes" on both MySQL and MariaDB.
pub fn lock_statement() -> String {
    format!("SELECT GET_LOCK({LOCK_NAME}, 31536000)")
}

/// Releases the offline script's lock.
pub fn unlock_statement() -> String {
    format!("SELECT RELEASE_LOCK({LOCK_NAME})")
}
