//! Why ops could not be rendered: the one error type every dialect's renderer returns.

use thiserror::Error;

use crate::dialect::Dialect;

/// Why ops could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// The dialect cannot express what an op asks for (an array column or a namespace on
    /// SQLite or MySQL), or cannot render it without more context.
    #[error("cannot {op} on {dialect}: {reason}")]
    NotExpressible {
        /// The dialect asked for.
        dialect: Dialect,
        /// The op, described in words.
        op: String,
        /// What the dialect lacks and what to change, naming the model's table and column.
        reason: String,
    },
    /// This build does not include the database kind (a cargo feature of `migrator`).
    #[error(
        "this build cannot write SQL for {dialect}: it was compiled without the `{feature}` \
         feature of the migrator crate"
    )]
    NotCompiled {
        /// The dialect asked for.
        dialect: Dialect,
        /// The cargo feature that adds it.
        feature: &'static str,
    },
    /// A name the database would truncate, refuse or misread.
    #[error(
        "cannot {op}: the {kind} name {name:?} ({bytes} bytes) {problem}; rename it in the model"
    )]
    InvalidName {
        /// The op, described in words.
        op: String,
        /// What the name names (`table`, `column`, `enum value`, ...).
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Its length in bytes (the unit of PostgreSQL's limit).
        bytes: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
}
