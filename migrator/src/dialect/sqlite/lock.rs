//! The migration lock on SQLite, which has no advisory locks: one row in the lock table
//! (`<version table>_lock`, `dgs_schema_version_lock` by default), inserted by the holder
//! and deleted on release. The row records
//! who holds it (process id, host, since when), so a waiting migrator can say so. A
//! migrator that dies holding it leaves the row; a later migrator on the same host (same
//! non-empty host name) takes it over when that process no longer exists (`/proc/<pid>`
//! is gone, Linux). Elsewhere, `DELETE FROM dgs_schema_version_lock` once you know no run
//! is active. (A transaction held open for the whole run would release
//! itself, but the executor commits each revision, which would end it.)

use sqlx::{Row, SqliteConnection};

use super::connect::server_error;
use crate::db::{DbError, HistoryTables, LockHolder};
use crate::dialect::sqlite::quote::quote_literal;

/// The lock table's DDL: at most one row.
pub fn create_table(tables: &HistoryTables) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    \
         id INTEGER PRIMARY KEY CHECK (id = 1),\n    \
         pid INTEGER NOT NULL,\n    \
         host TEXT NOT NULL DEFAULT '',\n    \
         since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n)",
        tables.lock()
    )
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_default()
}

/// Whether the row names a process of this host that has ended. Only where that can be
/// known for sure: a host name to compare and a `/proc` to look in.
fn holder_is_gone(pid: i64, holder_host: &str) -> bool {
    let proc = std::path::Path::new("/proc");
    !holder_host.is_empty()
        && holder_host == host()
        && pid > 0
        && proc.join("self").exists()
        && !proc.join(pid.to_string()).exists()
}

/// One attempt at the lock.
pub async fn try_lock(
    conn: &mut SqliteConnection,
    tables: &HistoryTables,
) -> Result<bool, DbError> {
    let failed = |e: sqlx::Error| DbError::query("taking the migration lock", server_error(&e));
    let lock_table = tables.lock();
    sqlx::query(&create_table(tables))
        .execute(&mut *conn)
        .await
        .map_err(failed)?;
    let inserted = sqlx::query(&format!(
        "INSERT OR IGNORE INTO {lock_table} (id, pid, host) VALUES (1, ?, ?)"
    ))
    .bind(i64::from(std::process::id()))
    .bind(host())
    .execute(&mut *conn)
    .await
    .map_err(failed)?;
    if inserted.rows_affected() == 1 {
        return Ok(true);
    }
    let row = sqlx::query(&format!("SELECT pid, host FROM {lock_table} WHERE id = 1"))
        .fetch_optional(&mut *conn)
        .await
        .map_err(failed)?;
    let Some(row) = row else {
        return Ok(false);
    };
    let pid: i64 = row.try_get("pid").map_err(failed)?;
    let holder_host: String = row.try_get("host").map_err(failed)?;
    if !holder_is_gone(pid, &holder_host) {
        return Ok(false);
    }
    tracing::warn!(pid, host = %holder_host, "taking over the migration lock of a process that has ended");
    let taken = sqlx::query(&format!(
        "UPDATE {lock_table} SET pid = ?, since = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
         WHERE id = 1 AND pid = ? AND host = ?"
    ))
    .bind(i64::from(std::process::id()))
    .bind(pid)
    .bind(&holder_host)
    .execute(&mut *conn)
    .await
    .map_err(failed)?;
    Ok(taken.rows_affected() == 1)
}

/// Releases the lock; false when this process did not hold it.
pub async fn unlock(conn: &mut SqliteConnection, tables: &HistoryTables) -> Result<bool, DbError> {
    let lock_table = tables.lock();
    let deleted = sqlx::query(&format!(
        "DELETE FROM {lock_table} WHERE id = 1 AND pid = ? AND host = ?"
    ))
    .bind(i64::from(std::process::id()))
    .bind(host())
    .execute(&mut *conn)
    .await
    .map_err(|e| DbError::query("releasing the migration lock", server_error(&e)))?;
    Ok(deleted.rows_affected() == 1)
}

/// The process holding the lock, if any.
pub async fn holder(
    conn: &mut SqliteConnection,
    tables: &HistoryTables,
) -> Result<Option<LockHolder>, DbError> {
    let lock_table = tables.lock();
    let failed =
        |e: sqlx::Error| DbError::query("finding who holds the migration lock", server_error(&e));
    let exists: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")
            .bind(lock_table)
            .fetch_one(&mut *conn)
            .await
            .map_err(failed)?;
    if exists == 0 {
        return Ok(None);
    }
    let row = sqlx::query(&format!(
        "SELECT pid, host, since FROM {lock_table} WHERE id = 1"
    ))
    .fetch_optional(&mut *conn)
    .await
    .map_err(failed)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let pid: i64 = row.try_get("pid").map_err(failed)?;
    let host: String = row.try_get("host").map_err(failed)?;
    let end_it = format!(
        "stop process {pid}{}; if it is gone already, the lock outlived it: \
         DELETE FROM {lock_table} WHERE id = 1",
        if host.is_empty() {
            String::new()
        } else {
            format!(" on {host}")
        }
    );
    Ok(Some(LockHolder {
        pid: i32::try_from(pid).unwrap_or(i32::MAX),
        end_it,
        application_name: "migrate".to_owned(),
        user: None,
        client_addr: (!host.is_empty()).then_some(host),
        connected_since: row.try_get("since").map_err(failed)?,
        state: None,
        state_since: None,
    }))
}

/// The offline script's lock: fails at once when another run holds it, rather than waiting
/// (SQLite has nothing to wait on). It comes first in the script, outside any transaction,
/// so it also turns foreign keys off for the session, as table rebuilds need (see
/// `dialect::sqlite::connect`), and creates the lock table, which a fresh database lacks.
pub fn lock_statement(tables: &HistoryTables) -> String {
    format!(
        "PRAGMA foreign_keys = OFF;\n{};\nINSERT INTO {} (id, pid, host) VALUES (1, 0, {})",
        create_table(tables),
        tables.lock(),
        quote_literal("offline script")
    )
}

/// Releases the offline script's lock.
pub fn unlock_statement(tables: &HistoryTables) -> String {
    format!("DELETE FROM {} WHERE id = 1", tables.lock())
}
