//! Models against a live database: read the current schema, canonicalise the models'
//! expressions through the server, and diff. The one place the pure engine meets a
//! connection for comparison; `diff`, `check`, autogenerate and the smart migrator all
//! call [`compare`].

use std::collections::BTreeSet;

use schema_runtime::schema::{QualifiedName, Schema};

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
    /// What the database holds that the models do not manage (a table they reference as
    /// external, the partitions of a partitioned table): left as it is by every op, and
    /// listed so that a reviewer knows.
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
    compare_owned(db, target.clone(), filter).await
}

/// [`compare`], taking the models' schema, for a caller that has no other use for it: the
/// comparison keeps it instead of a copy.
pub async fn compare_owned(
    db: &mut Database,
    mut target: Schema,
    filter: &SchemaFilter,
) -> Result<Comparison, DbError> {
    let dialect = db.dialect();
    target.normalize_default_namespace(dialect.default_namespace());
    let external = external_references(&target);
    let tables: Vec<QualifiedName> = external.iter().map(|e| e.table.clone()).collect();
    let filter = filter
        .clone()
        .with_namespaces_of(&target)
        .with_declared_tables(&target)
        .with_external_tables(&tables);
    let mut current = db.inspect(&filter).await?;
    if let Some(missing) = external.iter().find(|e| current.table(&e.table).is_none()) {
        return Err(DbError::MissingExternalTable {
            table: missing.table.clone(),
            foreign_key: missing.foreign_key.clone(),
            owner: missing.owner.clone(),
        });
    }
    target.tables.retain(|t| filter.manages_table(&t.name));
    filter.scope_enums(&mut current, &target);
    db.normalize(&current, &mut target).await?;
    let mut unmanaged = Vec::new();
    for reference in &external {
        // Read above; no model declares it (that is what makes it external).
        if let Some(table) = current.table(&reference.table) {
            target.tables.push(table.clone());
            unmanaged.push(Unmanaged {
                table: reference.table.clone(),
                kind: "table",
                name: reference.table.to_string(),
                why: format!("referenced as external by {}", reference.foreign_key),
            });
        }
    }
    for table in &current.tables {
        // Listed only where the models keep the parent: a table they drop goes whole.
        if target.table(&table.name).is_none() {
            continue;
        }
        unmanaged.extend(table.partitions.iter().map(|partition| Unmanaged {
            table: table.name.clone(),
            kind: "partition",
            name: partition.name.to_string(),
            why: partition.bound.clone(),
        }));
    }
    target.sort();
    let ops = diff(&current, &target, &DiffOptions::new(dialect));
    Ok(Comparison {
        current,
        target,
        ops,
        unmanaged,
    })
}

/// A foreign key of the models whose table no model declares (the registry lets only an
/// `external` reference through).
struct ExternalReference {
    table: QualifiedName,
    foreign_key: String,
    owner: QualifiedName,
}

/// The external references of `target`, each table once (the first key that names it).
fn external_references(target: &Schema) -> Vec<ExternalReference> {
    let declared: BTreeSet<&QualifiedName> = target.tables.iter().map(|t| &t.name).collect();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for table in &target.tables {
        for key in &table.foreign_keys {
            let referenced = &key.referenced_table;
            if !declared.contains(referenced) && seen.insert(referenced) {
                found.push(ExternalReference {
                    table: referenced.clone(),
                    foreign_key: key.name.clone(),
                    owner: table.name.clone(),
                });
            }
        }
    }
    found
}
