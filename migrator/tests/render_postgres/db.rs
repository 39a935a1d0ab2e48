//! A throwaway PostgreSQL database per case, statement execution as the executor will do it,
//! and a text fingerprint of the catalog to compare schemas before and after.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use migrator::Statement;
use sqlx::{Connection, PgConnection, Row};

/// The server, unless `DGS_TEST_POSTGRES_URL` names another (without a database path).
const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database made for one case.
pub struct TestDb {
    server: String,
    name: String,
}

impl TestDb {
    /// Creates `t_render_<purpose>_<pid>_<counter>_<nanos>`.
    pub async fn create(purpose: &str) -> Result<Self> {
        let server =
            std::env::var("DGS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_SERVER.into());
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH)?.subsec_nanos();
        let purpose: String = purpose.chars().take(24).collect();
        let name = format!(
            "t_render_{purpose}_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let db = Self { server, name };
        let mut admin = db.admin().await?;
        sqlx::raw_sql(&format!("CREATE DATABASE \"{}\"", db.name))
            .execute(&mut admin)
            .await
            .with_context(|| format!("creating database {}", db.name))?;
        Ok(db)
    }

    /// A connection to this database.
    pub async fn connect(&self) -> Result<PgConnection> {
        let url = format!("{}/{}", self.server, self.name);
        PgConnection::connect(&url)
            .await
            .with_context(|| format!("connecting to {url}"))
    }

    /// Drops the database, closing whatever is still connected to it.
    pub async fn drop_database(self) -> Result<()> {
        let mut admin = self.admin().await?;
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await
        .with_context(|| format!("dropping database {}", self.name))?;
        Ok(())
    }

    async fn admin(&self) -> Result<PgConnection> {
        let url = format!("{}/postgres", self.server);
        PgConnection::connect(&url)
            .await
            .with_context(|| format!("connecting to {url}; is PostgreSQL running?"))
    }
}

/// Runs plain SQL (several statements) outside a transaction.
pub async fn run_script(conn: &mut PgConnection, sql: &str) -> Result<()> {
    sqlx::raw_sql(sql)
        .execute(&mut *conn)
        .await
        .with_context(|| format!("base schema failed:\n{sql}"))?;
    Ok(())
}

/// Runs rendered statements in one transaction, skipping comment-only ones.
pub async fn run_in_transaction(conn: &mut PgConnection, statements: &[Statement]) -> Result<()> {
    let mut tx = conn.begin().await?;
    for statement in statements.iter().filter(|s| !s.is_comment_only()) {
        sqlx::raw_sql(&statement.sql)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("statement failed:\n{}", statement.sql))?;
    }
    tx.commit().await?;
    Ok(())
}

/// One line per schema, table, column, constraint, index and enum type outside the system
/// schemas, with their comments, sorted. Column positions count live columns only, so a
/// dropped and re-added last column compares equal.
const CATALOG: &str = r"
WITH ns AS (
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
)
SELECT format('schema %I', nspname) AS line FROM ns
UNION ALL
SELECT format('table %I.%I comment=%L', ns.nspname, c.relname,
              obj_description(c.oid, 'pg_class'))
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
UNION ALL
SELECT format('column %I.%I #%s %I %s notnull=%s default=%s identity=%s collation=%s comment=%L',
              ns.nspname, c.relname,
              row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
              a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              pg_get_expr(d.adbin, d.adrelid), a.attidentity, co.collname,
              col_description(c.oid, a.attnum))
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN ns ON ns.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT format('constraint %I on %s: %s', con.conname, con.conrelid::regclass,
              pg_get_constraintdef(con.oid))
FROM pg_constraint con JOIN ns ON ns.oid = con.connamespace
WHERE con.conrelid <> 0
UNION ALL
SELECT format('index %I.%I: %s', schemaname, indexname, indexdef)
FROM pg_indexes WHERE schemaname IN (SELECT nspname FROM ns)
UNION ALL
SELECT format('enum %I.%I (%s) comment=%L', ns.nspname, t.typname,
              (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid),
              obj_description(t.oid, 'pg_type'))
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype = 'e'
";

/// The catalog fingerprint of the connected database.
pub async fn catalog(conn: &mut PgConnection) -> Result<Vec<String>> {
    let rows = sqlx::query(CATALOG).fetch_all(&mut *conn).await?;
    let mut lines = rows
        .iter()
        .map(|row| row.try_get::<String, _>("line"))
        .collect::<Result<Vec<_>, _>>()?;
    lines.sort();
    Ok(lines)
}

/// Fails with the lines only one side has.
pub fn ensure_same(what: &str, expected: &[String], actual: &[String]) -> Result<()> {
    let missing: Vec<&String> = expected.iter().filter(|l| !actual.contains(l)).collect();
    let extra: Vec<&String> = actual.iter().filter(|l| !expected.contains(l)).collect();
    anyhow::ensure!(
        missing.is_empty() && extra.is_empty(),
        "{what}\n  missing: {missing:#?}\n  unexpected: {extra:#?}"
    );
    Ok(())
}
