//! The revision system's pure part: migration files (format, parser, writer, checksum,
//! statement splitting), the migrations directory, and the revision graph with Alembic's
//! model (several heads, merge revisions, targets such as `head`, `heads`, `base`, `-1`,
//! `<rev>+1`) and the upgrade and downgrade plans it yields. Nothing here touches a
//! database: the executor takes a plan and the files and runs them.

mod dir;
mod error;
mod file;
mod graph;
mod id;
mod plan;
mod set;
mod split;
mod target;

#[cfg(test)]
mod tests;

pub use dir::{load, versions_dir, write_new, DEFAULT_DIR, VERSIONS_DIR};
pub use error::{FileError, FileErrorKind, RevisionError};
pub use file::{slug, NewRevision, RevisionFile, SourceLines};
pub use id::{Checksum, InvalidRevisionId, RevisionId};
pub use set::RevisionSet;
pub use split::{statements, statements_for, Lexicon, SourceStatement};
pub use target::{Anchor, ResolvedTarget, Target};
