//! Why reading the PostgreSQL catalog, or normalising the models' expressions on the
//! server, failed.

use schema_runtime::schema::QualifiedName;

/// Why introspection (or expression normalisation) failed.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// A catalog query, or decoding its rows, failed.
    #[error("reading the PostgreSQL catalog ({query}) failed: {source}")]
    Query {
        /// Which query.
        query: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Beginning or ending the read's transaction failed.
    #[error("could not {action} the introspection transaction: {source}")]
    Transaction {
        /// `begin` or `roll back`.
        action: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A row named an object a later query of the same read did not find: the catalog
    /// changed while it was read (DDL ran on another connection).
    #[error("the catalog changed while it was read ({what} is gone); run the command again")]
    Changed {
        /// What was missing.
        what: String,
    },
    /// A foreign key action code this version does not know.
    #[error("foreign key {constraint} has the unknown referential action code `{code}`")]
    UnknownAction {
        /// The constraint.
        constraint: String,
        /// The `pg_constraint` code.
        code: String,
    },
    /// PostgreSQL rejected an expression of the models while normalising it.
    #[error(
        "the {what} of {table} in the models, `{expression}`, is not accepted by PostgreSQL: \
         {message}"
    )]
    Expression {
        /// The model table.
        table: QualifiedName,
        /// Which expression (`default of column total`, `check total_non_negative`, ...).
        what: String,
        /// The expression as the model wrote it.
        expression: String,
        /// The server's message.
        message: String,
    },
    /// An expression of the models that cannot be pasted into DDL as one expression.
    #[error("the {what} of {table} in the models, `{expression}`, {reason}")]
    UnsafeExpression {
        /// The model table.
        table: QualifiedName,
        /// Which expression.
        what: String,
        /// The expression as the model wrote it.
        expression: String,
        /// What is wrong with it, as the end of a sentence.
        reason: String,
    },
    /// Building the scratch objects for normalisation failed for a reason other than an
    /// expression (a column type or enum type the server does not accept).
    #[error("could not build the scratch copy of {what} to normalise its expressions: {message}")]
    Scratch {
        /// The object being built.
        what: String,
        /// The server's message.
        message: String,
    },
}

impl From<InspectError> for crate::db::DbError {
    fn from(error: InspectError) -> Self {
        Self::Inspect(Box::new(error))
    }
}
