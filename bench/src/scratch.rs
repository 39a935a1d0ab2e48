//! A database of the benchmark's own on the PostgreSQL server, dropped at the end.

use anyhow::{Context, Result};
use sqlx::{Connection, Executor, PgConnection};

pub struct ScratchDb {
    server: String,
    name: String,
}

impl ScratchDb {
    /// Creates `<prefix>_<pid>`, dropping a leftover of that name first.
    pub async fn create(server: &str, prefix: &str) -> Result<Self> {
        let name = format!("{prefix}_{}", std::process::id());
        let db = Self {
            server: server.trim_end_matches('/').to_owned(),
            name,
        };
        let mut admin = db.admin().await?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{}\"", db.name).as_str())
            .await?;
        admin
            .execute(format!("CREATE DATABASE \"{}\"", db.name).as_str())
            .await
            .with_context(|| format!("cannot create the database {}", db.name))?;
        Ok(db)
    }

    async fn admin(&self) -> Result<PgConnection> {
        PgConnection::connect(&format!("{}/postgres", self.server))
            .await
            .with_context(|| format!("cannot reach PostgreSQL at {}", self.server))
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    /// Runs a script of many statements (none with a `;` inside), a thousand per
    /// transaction: one transaction for thousands of tables exhausts a stock server's lock
    /// table ("out of shared memory").
    pub async fn load(&self, sql: &str) -> Result<()> {
        let mut conn = PgConnection::connect(&self.url()).await?;
        let statements: Vec<&str> = sql.split_inclusive(";\n").collect();
        for batch in statements.chunks(1000) {
            sqlx::raw_sql(&batch.concat())
                .execute(&mut conn)
                .await
                .with_context(|| format!("cannot load the schema into {}", self.name))?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Runs a script of many statements, as [`ScratchDb::load`] does.
    pub async fn execute(&self, sql: &str) -> Result<()> {
        self.load(sql).await
    }

    pub async fn drop_now(self) -> Result<()> {
        let mut admin = self.admin().await?;
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name).as_str())
            .await?;
        Ok(())
    }
}
