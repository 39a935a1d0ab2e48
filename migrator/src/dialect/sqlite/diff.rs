//! The answers to the diff's narrow questions ([`DiffHooks`]). SQLite keeps no comments and no primary key name, renames neither constraints nor indexes, and edits the text of its expressions in place when a column is renamed. Its only namespace is `main`.

use schema_runtime::schema::Schema;

use crate::change::Op;
use crate::diff::{DiffHooks, Respelling};
use crate::safety::Risk;

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

    /// What SQLite's `ALTER TABLE` cannot do is a table rebuild, which copies every row into
    /// a new table while holding the database's write lock: an op the generic rules rate
    /// safe (a new default, a dropped NOT NULL, a widened type) blocks here. A drop that
    /// loosens a rule keeps that rating, which says more to the reviewer.
    fn risk(&self, op: &Op, generic: Risk) -> Option<(Risk, String)> {
        let rebuilds = match op {
            // Whether the column is constrained needs the table; drops are rated already.
            Op::DropColumn { .. } => false,
            _ => super::alter::needs_rebuild(&Schema::default(), op),
        };
        (generic == Risk::Safe && rebuilds).then(|| {
            (
                Risk::Blocking,
                "SQLite cannot change this in place: the table is rebuilt, every row copied \
                 into a new one while the database is locked for writes"
                    .into(),
            )
        })
    }
}
