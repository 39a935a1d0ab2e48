//! The answers to the diff's narrow questions ([`DiffHooks`]). SQLite keeps no comments and no primary key name, renames neither constraints nor indexes, and edits the text of its expressions in place when a column is renamed. Its only namespace is `main`.

use super::driver::Sqlite;
use crate::diff::{DiffHooks, Respelling};

impl DiffHooks for Sqlite {
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
