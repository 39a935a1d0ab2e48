//! The answers to the diff's narrow questions ([`DiffHooks`]). MySQL keeps an enum inside the column's type, names every primary key `PRIMARY`, renames indexes (`RENAME INDEX`) but no other constraint, and compares its expressions in a canonical form with bare names. A MySQL schema is a database, which a migration does not create.

use schema_runtime::schema::IndexPart;

use crate::change::Op;
use crate::diff::{DiffHooks, Respelling};
use crate::safety::Risk;

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

    /// InnoDB builds a plain secondary index online (`ALGORITHM=INPLACE, LOCK=NONE`, which
    /// the server picks by itself): reads and writes go on while it runs, with a metadata
    /// lock only at its start and end (key prefixes too). A full-text or spatial index, or one
    /// over expressions, keeps the generic rating.
    fn risk(&self, op: &Op, generic: Risk) -> Option<(Risk, String)> {
        let Op::CreateIndex { index, .. } = op else {
            return None;
        };
        let plain = index.method.is_none()
            && index
                .parts
                .iter()
                .all(|p| matches!(p, IndexPart::Column(_)) || p.as_prefix().is_some());
        (generic == Risk::Blocking && !index.unique && plain).then(|| {
            (
                Risk::Safe,
                "InnoDB builds the index online: reads and writes go on while it runs".into(),
            )
        })
    }
}
