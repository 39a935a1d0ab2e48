//! One SQL statement as the renderers write it and the executor runs it: its text and
//! whether it can run inside a transaction. It lives on its own so that the renderers, the
//! executor and the dialects share it without importing one another.

use serde::Serialize;

/// One rendered SQL statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The SQL text, without the trailing semicolon.
    pub sql: String,
    /// False where the statement cannot run inside a transaction
    /// (`CREATE INDEX CONCURRENTLY`, `ALTER TYPE ... ADD VALUE` before PostgreSQL 12).
    pub transactional: bool,
}

impl Statement {
    /// A statement that can run inside a transaction.
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            transactional: true,
        }
    }
}
