//! The answers to the diff's narrow questions ([`DiffHooks`]). PostgreSQL keeps everything the diff can ask about: enum types, comments, constraint names that can be renamed in place, schemas to create.

use crate::diff::{DiffHooks, Respelling};

/// Postgres's answers; the driver hands them to the diff.
pub struct PostgresDiff;

impl DiffHooks for PostgresDiff {
    fn has_enum_types(&self) -> bool {
        true
    }

    fn has_comments(&self) -> bool {
        true
    }

    fn primary_key_name_matters(&self) -> bool {
        true
    }

    fn renames_constraints(&self) -> bool {
        true
    }

    fn renames_indexes(&self) -> bool {
        true
    }

    fn respelling(&self) -> Respelling {
        Respelling::Deparsed
    }

    fn creates_namespaces(&self) -> bool {
        true
    }
}
