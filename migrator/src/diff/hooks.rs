//! The narrow questions the generic walk asks about a dialect, Atlas-style: "is this change
//! real here?" and "can this be done in place?". Each answer is one small function, so that
//! a new dialect means new match arms here and nothing else in the walk.

use crate::dialect::Dialect;

/// Enum types are schema objects of their own (PostgreSQL). Elsewhere an enum lives inside
/// the column's type, so there is nothing to create, alter or drop separately.
pub(super) fn has_enum_types(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql)
}

/// Tables and columns keep comments. SQLite has none, so a model's doc comment there is
/// not drift.
pub(super) fn has_comments(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql | Dialect::Mysql)
}

/// The primary key's constraint name is stored and can differ. MySQL always calls it
/// `PRIMARY` and SQLite does not keep it, so only the columns are compared there.
pub(super) fn primary_key_name_matters(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql)
}

/// `ALTER TABLE ... RENAME CONSTRAINT` exists for every constraint kind.
pub(super) fn renames_constraints(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql)
}

/// Indexes can be renamed in place (`ALTER INDEX ... RENAME`, MySQL's `RENAME INDEX`).
pub(super) fn renames_indexes(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql | Dialect::Mysql)
}

/// How the database spells a renamed column inside the expressions it keeps (checks, index
/// expressions, predicates), so that the renamed view reads as the database will.
pub(crate) fn respelling(dialect: Dialect) -> super::expressions::Respelling {
    match dialect {
        Dialect::Sqlite => super::expressions::Respelling::EditedInPlace,
        // MySQL's expressions are compared in a canonical form with bare names.
        Dialect::Postgresql | Dialect::Mysql => super::expressions::Respelling::Deparsed,
    }
}

/// Namespaces are objects of their own that must exist before anything is created in them
/// (PostgreSQL schemas). SQLite's attached databases and MySQL's databases are not created
/// by a migration.
pub(super) fn creates_namespaces(dialect: Dialect) -> bool {
    matches!(dialect, Dialect::Postgresql)
}
