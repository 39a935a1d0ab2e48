//! A statement the server refused, in a form every dialect can fill: the message, the
//! server's detail and hint, where in the statement it points, and a dialect-neutral kind
//! for the few failures the executor reacts to.

use std::fmt;

/// What the executor needs to know about a failure, whatever the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerErrorKind {
    /// Any other failure.
    Other,
    /// The statement cannot run inside a transaction block (`CREATE INDEX CONCURRENTLY`).
    NeedsNoTransaction,
    /// The statement used something created earlier in the same transaction that the
    /// database only lets you use once committed (a new enum value).
    UsedBeforeCommit,
    /// The connection broke: the server rolled back whatever transaction was open.
    ConnectionLost,
    /// The object the statement creates exists already (an enum value, a type).
    AlreadyExists,
}

/// A statement the server refused, or a connection that broke while running one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ServerError {
    /// The server's message (or the driver's, when the connection broke).
    pub message: String,
    /// The server's error code (SQLSTATE on PostgreSQL).
    pub code: Option<String>,
    /// The server's detail line.
    pub detail: Option<String>,
    /// The server's hint.
    pub hint: Option<String>,
    /// The 1-based character position in the statement the error points at.
    pub position: Option<usize>,
    /// What kind of failure this is.
    pub kind: ServerErrorKind,
}

impl ServerError {
    /// A failure with only a message.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: None,
            detail: None,
            hint: None,
            position: None,
            kind: ServerErrorKind::Other,
        }
    }

    /// The 0-based line within `statement` the error points at, if the server said where.
    pub fn line_in(&self, statement: &str) -> Option<usize> {
        let position = self.position?;
        let before: String = statement.chars().take(position.saturating_sub(1)).collect();
        Some(before.matches('\n').count())
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(code) = &self.code {
            write!(f, " (SQLSTATE {code})")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "; detail: {detail}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_carries_the_server_details() {
        let error = ServerError {
            detail: Some("Key (id)=(1) already exists.".into()),
            hint: Some("Drop it first.".into()),
            code: Some("23505".into()),
            ..ServerError::message("duplicate key value violates unique constraint \"pk_t\"")
        };
        assert_eq!(
            error.to_string(),
            "duplicate key value violates unique constraint \"pk_t\" (SQLSTATE 23505); detail: \
             Key (id)=(1) already exists.; hint: Drop it first."
        );
    }

    #[test]
    fn the_position_becomes_a_line_of_the_statement() {
        let error = ServerError {
            position: Some(30),
            ..ServerError::message("syntax error")
        };
        let statement = "CREATE TABLE t (\n  id int,\n  bad bad\n)";
        assert_eq!(error.line_in(statement), Some(2));
        assert_eq!(ServerError::message("x").line_in(statement), None);
    }
}
