//! The adoption against a live database: read it, declare it, resolve the declarations
//! and compare them with it, so that what is written is known to reach zero drift.

use schema_runtime::registry::RegistryError;
use schema_runtime::Schema;

use crate::apply::{compose_parts, Composed};
use crate::compare::{compare, Comparison};
use crate::db::{Database, DbError, FOREIGN_TABLES};
use crate::diff::{diff, DiffOptions};
use crate::filter::SchemaFilter;
use crate::render::RenderError;

use super::kept::{wrap, Ends};
use super::model::{declare, resolve, Adoption};

/// What can stop an adoption.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The generated declarations do not resolve: a bug, reported with the registry's words.
    #[error("the generated models do not resolve (please report this): {0}")]
    Registry(#[from] RegistryError),
    /// The baseline could not be rendered.
    #[error("the baseline revision could not be written: {0}")]
    Render(#[from] RenderError),
}

/// Another tool's history table found in the database.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ForeignHistory {
    /// The table.
    pub table: String,
    /// The tools that keep their history under that name.
    pub tool: &'static str,
}

/// A database read and declared.
#[derive(Debug)]
pub struct Adopted {
    /// The generated models.
    pub adoption: Adoption,
    /// What they declare, as the registry resolves it.
    pub models: Schema,
    /// Their comparison with the database: no ops when the models describe it.
    pub comparison: Comparison,
    /// Other tools' history tables, left out of the models.
    pub foreign: Vec<ForeignHistory>,
    /// What the database holds that models cannot describe (views, triggers, ...).
    pub others: Vec<crate::db::OtherObject>,
}

/// Reads the tables `filter` manages, declares them and compares the declarations with the
/// database. A filter that names no namespace but the default one reads every namespace
/// that holds the user's tables or types.
pub async fn adopt(db: &mut Database, filter: &SchemaFilter) -> Result<Adopted, RunError> {
    let dialect = db.dialect();
    let mut filter = filter.clone();
    if filter.namespaces().len() <= 1 {
        for namespace in db.user_namespaces().await? {
            filter.add_namespace(namespace);
        }
    }
    let filter = &filter;
    let mut schema = db.inspect(filter).await?;
    schema.normalize_default_namespace(dialect.default_namespace());
    schema.sort();
    let adoption = declare(&schema, dialect);
    let models = resolve(&adoption)?;
    let comparison = compare(db, &models, filter).await?;
    let names: Vec<String> = FOREIGN_TABLES
        .iter()
        .map(|(t, _)| (*t).to_string())
        .collect();
    let existing = db.existing_tables(&names).await?;
    let foreign = FOREIGN_TABLES
        .iter()
        .filter(|(table, _)| existing.contains(*table))
        .map(|(table, tool)| ForeignHistory {
            table: (*table).to_string(),
            tool,
        })
        .collect();
    let others = db.other_objects(filter).await?;
    Ok(Adopted {
        adoption,
        models,
        comparison,
        foreign,
        others,
    })
}

/// The baseline: the revision whose up section creates what the models declare on an
/// empty database, with the objects they cannot describe copied around it from the
/// database (and whose down section drops it), first in a new history. A baseline of more
/// locks than one transaction should take comes in parts ([`compose_parts`]), the first
/// part first; the database is stamped at the last. Empty when the models declare nothing.
pub fn baseline(adopted: &Adopted, message: &str) -> Result<Vec<Composed>, RunError> {
    let dialect = adopted.adoption.dialect;
    let empty = Schema::default();
    let mut target = adopted.models.clone();
    target.normalize_default_namespace(dialect.default_namespace());
    target.sort();
    let ops = diff(&empty, &target, &DiffOptions::new(dialect));
    let mut parts = compose_parts(
        &empty,
        &ops,
        crate::dialect::driver(dialect),
        Vec::new(),
        message,
    )?;
    let count = parts.len();
    for (at, part) in parts.iter_mut().enumerate() {
        let ends = Ends {
            first: at == 0,
            last: at + 1 == count,
        };
        let revision = &mut part.revision;
        (revision.up, revision.down) =
            wrap(&revision.up, &revision.down, &adopted.others, dialect, ends);
    }
    Ok(parts)
}
