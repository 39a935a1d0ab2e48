//! The migration lock on PostgreSQL: a session-level advisory lock on
//! [`MIGRATION_LOCK_KEY`], and the report of who holds it from `pg_locks` joined with
//! `pg_stat_activity`. Session-level, so it survives the commits of the revisions it
//! guards and goes away with the connection if the migrator dies.

use sqlx::{PgConnection, Row};

use super::connect::server_error;
use crate::db::lock::key_halves;
use crate::db::{DbError, LockHolder, MIGRATION_LOCK_KEY};

/// Who holds an advisory lock on this database, as of now. `pg_locks` shows a bigint key
/// as two 32-bit halves (`classid`, `objid`) with `objsubid = 1`.
const HOLDER: &str = r#"
SELECT a.pid,
       coalesce(a.application_name, '') AS application_name,
       a.usename::text AS usename,
       host(a.client_addr) AS client_addr,
       to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS connected_since,
       a.state,
       to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS state_since
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory'
  AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = $1
  AND l.objid::bigint = $2
  AND l.objsubid = 1
ORDER BY a.backend_start
LIMIT 1
"#;

/// One attempt at the lock.
pub async fn try_lock(conn: &mut PgConnection) -> Result<bool, DbError> {
    sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .fetch_one(conn)
        .await
        .map_err(|e| DbError::query("taking the migration lock", server_error(&e)))
}

/// Releases the lock; false when this session did not hold it.
pub async fn unlock(conn: &mut PgConnection) -> Result<bool, DbError> {
    sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .fetch_one(conn)
        .await
        .map_err(|e| DbError::query("releasing the migration lock", server_error(&e)))
}

/// The session holding the lock, if any.
pub async fn holder(conn: &mut PgConnection) -> Result<Option<LockHolder>, DbError> {
    let (class_id, object_id) = key_halves(MIGRATION_LOCK_KEY);
    let row = sqlx::query(HOLDER)
        .bind(class_id)
        .bind(object_id)
        .fetch_optional(conn)
        .await
        .map_err(|e| DbError::query("finding who holds the migration lock", server_error(&e)))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let decode =
        |e: sqlx::Error| DbError::query("reading who holds the migration lock", server_error(&e));
    let pid: i32 = row.try_get("pid").map_err(decode)?;
    Ok(Some(LockHolder {
        pid,
        end_it: format!("SELECT pg_terminate_backend({pid})"),
        application_name: row.try_get("application_name").map_err(decode)?,
        user: row.try_get("usename").map_err(decode)?,
        client_addr: row.try_get("client_addr").map_err(decode)?,
        connected_since: row.try_get("connected_since").map_err(decode)?,
        state: row.try_get("state").map_err(decode)?,
        state_since: row.try_get("state_since").map_err(decode)?,
    }))
}

/// The blocking lock for offline scripts: a script has no retry loop, so it waits.
pub fn lock_statement() -> String {
    format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
}

/// Releases the offline script's lock.
pub fn unlock_statement() -> String {
    format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
}
