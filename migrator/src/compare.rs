//! Models against a live database: read the current schema, canonicalise the models'
//! expressions through the server, and diff. The one place the pure engine meets a
//! connection for comparison; `diff`, `check`, autogenerate and the smart migrator all
//! call [`compare`].

use schema_runtime::schema::Schema;

use crate::change::Op;
use crate::db::{Database, DbError};
use crate::diff::{diff, DiffOptions, Unmanaged};
use crate::filter::SchemaFilter;

/// The outcome of comparing the models with a database.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The schema read from the database.
    pub current: Schema,
    /// The models' schema, with expressions in the server's spelling.
    pub target: Schema,
    /// The ops that turn `current` into `target`, in applicable order.
    pub ops: Vec<Op>,
    /// What the database holds that the models cannot state (an index over an
    /// expression or with its own access method, a composite or deferrable foreign key):
    /// left as it is by every op, and listed so that a reviewer knows.
    pub unmanaged: Vec<Unmanaged>,
}

impl Comparison {
    /// True when the database matches the models.
    pub fn in_sync(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Compares the models' schema with what the database holds now.
pub async fn compare(
    db: &mut Database,
    target: &Schema,
    filter: &SchemaFilter,
) -> Result<Comparison, DbError> {
    let dialect = db.dialect();
    let filter = filter
        .clone()
        .with_namespaces_of(target)
        .with_declared_tables(target);
    let mut current = db.inspect(&filter).await?;
    let mut target = target.clone();
    target.normalize_default_namespace(dialect.default_namespace());
    target.tables.retain(|t| filter.manages_table(&t.name));
    filter.scope_enums(&mut current, &target);
    db.normalize(&current, &mut target).await?;
    let ops = diff(&current, &target, &DiffOptions::new(dialect));
    let unmanaged = crate::diff::unmanaged(&current);
    Ok(Comparison {
        current,
        target,
        ops,
        unmanaged,
    })
}
