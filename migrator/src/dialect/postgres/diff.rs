//! The answers to the diff's narrow questions ([`DiffHooks`]). PostgreSQL keeps everything the diff can ask about: enum types, comments, constraint names that can be renamed in place, schemas to create.

use super::driver::Postgres;
use crate::diff::{DiffHooks, Respelling};

impl DiffHooks for Postgres {
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
