//! The engine behind the `migrate` binary: introspect a live database, diff it against the
//! models, render SQL for a dialect, classify risk, and (in later modules) write, order and
//! apply revision files.
//!
//! The core is pure: [`diff`](mod@diff), [`safety`] and the renderers take [`Schema`] values
//! and ops, never a connection. I/O sits at the edges (introspection, apply, backup, the CLI).
//!
//! [`Schema`]: schema_runtime::Schema

pub mod adopt;
pub mod apply;
pub mod change;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
pub mod db;
pub mod dialect;
pub mod diff;
pub mod filter;
#[cfg(test)]
mod oracle;
pub mod plan;
pub mod preflight;
pub mod render;
pub mod replay;
pub mod revision;
pub mod safety;
pub mod statement;
pub mod summary;
pub mod workflow;

pub use change::{ColumnChanges, Op};
pub use dialect::{Dialect, Statement};
pub use diff::{diff, DiffOptions};
pub use replay::replay;
pub use safety::Risk;
