//! The answers to the diff's narrow questions ([`DiffHooks`]). SQLite keeps no comments and no primary key name, renames neither constraints nor indexes, and edits the text of its expressions in place when a column is renamed. Its only namespace is `main`.

use crate::diff::{DiffHooks, Respelling};

/// Sqlite's answers; the driver hands them to the diff.
pub struct SqliteDiff;

impl DiffHooks for SqliteDiff {
    fn has_enum_types(&self) -> bool {
        false
    }

    fn has_comments(&self) -> bool {
        false
    }

    fn primary_key_name_matters(&self) -> bool {
        false
    }

    fn renames_constraints(&self) -> bool {
        false
    }

    fn renames_indexes(&self) -> bool {
        false
    }

    fn respelling(&self) -> Respelling {
        Respelling::EditedInPlace
    }

    fn creates_namespaces(&self) -> bool {
        false
    }
}
