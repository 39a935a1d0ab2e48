//! The model registry: every `#[derive(Table)]` struct submits a constructor through
//! `inventory`; [`collect`] builds them all, resolves names, references and identity across
//! the whole set, and validates it as one [`Schema`]. Nothing here touches a database.

use crate::decl::TableDef;
use crate::schema::Schema;

/// Implemented by `#[derive(Table)]`: the struct's table declaration.
pub trait Model {
    /// The declaration, built at run time (inventory can only hold constants).
    fn table_def() -> TableDef;
}

/// What the derive submits to inventory for each model.
#[derive(Debug)]
pub struct ModelRegistration {
    /// Builds the model's declaration.
    pub build: fn() -> TableDef,
}

inventory::collect!(ModelRegistration);

/// Every model linked into this binary, as declared, sorted by (schema, table).
pub fn registered() -> Vec<TableDef> {
    let mut defs: Vec<TableDef> = inventory::iter::<ModelRegistration>
        .into_iter()
        .map(|r| (r.build)())
        .collect();
    defs.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    defs
}

/// Builds and validates the schema of every model linked into this binary.
pub fn collect() -> Result<Schema, RegistryError> {
    build(registered())
}

/// Builds and validates a schema from an explicit list of declarations.
pub fn build(defs: Vec<TableDef>) -> Result<Schema, RegistryError> {
    let _ = defs;
    todo!("registry::build")
}

/// Everything wrong with a set of models, reported together.
#[derive(Debug, thiserror::Error)]
#[error("the models do not form a valid schema")]
pub struct RegistryError {
    /// One entry per problem.
    pub problems: Vec<String>,
}
