//! The migration lock's identity and the report of who holds it.
//!
//! On PostgreSQL the lock is a session-level advisory lock on [`MIGRATION_LOCK_KEY`].
//! Advisory locks are scoped to one database, so migrators of different databases on one
//! server never wait for each other, while every migrator of the same database (several
//! replicas deploying at once, an operator's `migrate upgrade`) takes the same lock.

use std::fmt;

use serde::Serialize;

/// The text the lock key is derived from. Changing it would let an old and a new migrator
/// run at once, so it is fixed for good.
pub const MIGRATION_LOCK_NAME: &str = "migrator:schema_migrations";

/// The advisory lock key: the 64-bit FNV-1a hash of [`MIGRATION_LOCK_NAME`], read as a
/// signed integer (`8508935418357832613`). To see who holds it:
///
/// ```sql
/// SELECT pid FROM pg_locks
/// WHERE locktype = 'advisory' AND classid = 1981140910 AND objid = 1140153253 AND objsubid = 1;
/// ```
pub const MIGRATION_LOCK_KEY: i64 = fnv1a_64(MIGRATION_LOCK_NAME.as_bytes()) as i64;

/// 64-bit FNV-1a: tiny, stable across Rust versions and platforms, usable in a `const`.
const fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The session holding the migration lock, as the server describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LockHolder {
    /// The holder's id: a PostgreSQL backend pid, a MySQL connection id, or the operating
    /// system's process id of the migrator on SQLite (whose lock is a row in a table).
    pub pid: i32,
    /// The client's `application_name` (`migrate` for this tool).
    pub application_name: String,
    /// The database user.
    pub user: Option<String>,
    /// The client's address; `None` for a local socket connection.
    pub client_addr: Option<String>,
    /// When the session connected (UTC, RFC 3339).
    pub connected_since: Option<String>,
    /// What the session is doing (`active`, `idle`, `idle in transaction`).
    pub state: Option<String>,
    /// Since when it is in that state (UTC, RFC 3339).
    pub state_since: Option<String>,
    /// How to end the holder if it is stuck, in the database's own terms
    /// (`SELECT pg_terminate_backend(4242)`, `KILL 4242`, ...).
    pub end_it: String,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pid {}", self.pid)?;
        let name = if self.application_name.is_empty() {
            "no application_name".to_owned()
        } else {
            format!("application_name '{}'", self.application_name)
        };
        let mut facts = vec![name];
        if let Some(user) = &self.user {
            facts.push(format!("user {user}"));
        }
        facts.push(match &self.client_addr {
            Some(addr) => format!("client {addr}"),
            None => "local socket".to_owned(),
        });
        if let Some(since) = &self.connected_since {
            facts.push(format!("connected since {since}"));
        }
        if let (Some(state), Some(since)) = (&self.state, &self.state_since) {
            facts.push(format!("{state} since {since}"));
        }
        write!(f, " ({})", facts.join(", "))
    }
}

/// The two 32-bit halves PostgreSQL's `pg_locks` shows a bigint advisory key as
/// (`classid`, `objid`).
#[cfg(feature = "postgres")]
pub(crate) fn key_halves(key: i64) -> (i64, i64) {
    let bits = key as u64;
    ((bits >> 32) as i64, (bits & 0xffff_ffff) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_pinned() {
        // Documented in MIGRATION_LOCK_KEY's rustdoc and relied on by every deployed
        // migrator: it must never change.
        assert_eq!(MIGRATION_LOCK_KEY, 8_508_935_418_357_832_613);
        assert_eq!(
            key_halves(MIGRATION_LOCK_KEY),
            (1_981_140_910, 1_140_153_253)
        );
    }

    #[test]
    fn the_holder_reads_as_a_sentence() {
        let holder = LockHolder {
            pid: 4242,
            application_name: "migrate".into(),
            user: Some("deploy".into()),
            client_addr: Some("10.0.0.7".into()),
            connected_since: Some("2026-11-24T10:00:00Z".into()),
            state: Some("active".into()),
            state_since: Some("2026-11-24T10:00:01Z".into()),
            end_it: "SELECT pg_terminate_backend(4242)".into(),
        };
        assert_eq!(
            holder.to_string(),
            "pid 4242 (application_name 'migrate', user deploy, client 10.0.0.7, connected \
             since 2026-11-24T10:00:00Z, active since 2026-11-24T10:00:01Z)"
        );
        let local = LockHolder {
            application_name: String::new(),
            client_addr: None,
            user: None,
            connected_since: None,
            state: None,
            state_since: None,
            ..holder
        };
        assert_eq!(
            local.to_string(),
            "pid 4242 (no application_name, local socket)"
        );
    }
}
