//! The answers to the diff's narrow questions ([`DiffHooks`]). MySQL keeps an enum inside the column's type, names every primary key `PRIMARY`, renames indexes (`RENAME INDEX`) but no other constraint, and compares its expressions in a canonical form with bare names. A MySQL schema is a database, which a migration does not create.

use crate::diff::{DiffHooks, Respelling};

/// Mysql's answers; the driver hands them to the diff.
pub struct MysqlDiff;

impl DiffHooks for MysqlDiff {
    fn has_enum_types(&self) -> bool {
        false
    }

    fn has_comments(&self) -> bool {
        true
    }

    fn primary_key_name_matters(&self) -> bool {
        false
    }

    fn renames_constraints(&self) -> bool {
        false
    }

    fn renames_indexes(&self) -> bool {
        true
    }

    fn respelling(&self) -> Respelling {
        Respelling::Deparsed
    }

    fn creates_namespaces(&self) -> bool {
        false
    }
}
