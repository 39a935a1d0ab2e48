//! The narrow questions the generic walk asks about a database, Atlas-style: "is this
//! change real here?" and "can this be done in place?". Each database kind answers them in
//! its own folder (`dialect/<db>/diff.rs`) and hands the answers in through
//! [`super::DiffOptions`], so the walk never names a database and never looks one up.

use super::expressions::Respelling;
use crate::change::Op;
use crate::safety::Risk;

/// What the diff asks of a database kind.
pub trait DiffHooks: Sync {
    /// Whether enum types are schema objects of their own (PostgreSQL). Elsewhere an enum
    /// lives inside the column's type, so there is nothing to create, alter or drop
    /// separately.
    fn has_enum_types(&self) -> bool;

    /// Whether tables and columns keep comments. Where they do not (SQLite), a model's doc
    /// comment is not drift.
    fn has_comments(&self) -> bool;

    /// Whether the primary key's constraint name is stored and can differ. Where the
    /// database names it itself (MySQL's `PRIMARY`) or keeps no name (SQLite), only the
    /// columns are compared.
    fn primary_key_name_matters(&self) -> bool;

    /// Whether every constraint kind can be renamed in place (`RENAME CONSTRAINT`); where
    /// not, a renamed constraint is dropped and added again.
    fn renames_constraints(&self) -> bool;

    /// Whether indexes can be renamed in place (`ALTER INDEX ... RENAME`, `RENAME INDEX`).
    fn renames_indexes(&self) -> bool;

    /// How the database spells a renamed column inside the expressions it keeps (checks,
    /// index expressions, predicates), so that the renamed view reads as the database will.
    fn respelling(&self) -> Respelling;

    /// Whether namespaces are objects of their own that must exist before anything is
    /// created in them (PostgreSQL schemas). SQLite's attached databases and MySQL's
    /// databases are not created by a migration.
    fn creates_namespaces(&self) -> bool;

    /// How this database carries out `op`, where that changes the risk the generic rules
    /// give it (they follow PostgreSQL, `generic`): the risk and the reason to show instead,
    /// or `None` to keep them. SQLite rebuilds a table for what its `ALTER TABLE` cannot
    /// do; InnoDB builds a secondary index online.
    fn risk(&self, _op: &Op, _generic: Risk) -> Option<(Risk, String)> {
        None
    }
}
