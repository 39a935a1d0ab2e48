//! The model registry: every `#[derive(Table)]` struct submits a constructor through
//! `inventory`; [`collect`] builds them all, and [`build`] resolves names, references and
//! identity across the whole set and validates it as one [`Schema`]. Every problem is
//! reported at once, as a [`RegistryError`], before anything touches a database.
//!
//! The passes: `variants` rewrites the declarations into what they declare on the target
//! dialect; `resolve` turns each declaration into a table on its own; `references`
//! looks the foreign keys up across tables; `validate` checks what only the whole set can
//! show (duplicate tables and names, renames, enum types).
//!
//! [`check_declared`] is the guard against registrations the linker dropped: it compares
//! what was collected with the list a models crate's build script made ([`Declared`]).

mod declared;
mod error;
mod references;
mod resolve;
mod validate;
mod variants;

#[cfg(test)]
mod tests;

pub use declared::{check_declared, CollectError, Declared, DeclaredModel, LinkError};
pub use error::{EnumUse, ModelProblem, ModelRef, NameOwner, ObjectKind, RegistryError};

use crate::decl::TableDef;
use crate::dialect::Dialect;
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
    sort_canonically(&mut defs);
    defs
}

/// Builds and validates the schema every model linked into this binary declares on
/// `dialect`.
pub fn collect(dialect: Dialect) -> Result<Schema, RegistryError> {
    build(registered(), dialect)
}

/// Builds and validates the schema a list of declarations declares on `dialect`: each
/// model's variants for that dialect applied, and the indexes, uniques and checks limited
/// to other dialects left out.
///
/// The result does not depend on the order of `defs`: tables come out sorted by
/// (schema, name) and their constraints and indexes by name. An empty list is an error,
/// never an empty schema, since an empty target would read as "drop every table".
pub fn build(defs: Vec<TableDef>, dialect: Dialect) -> Result<Schema, RegistryError> {
    if defs.is_empty() {
        return Err(RegistryError::from(vec![ModelProblem::NoModels]));
    }
    let mut defs = variants::for_dialect(defs, dialect);
    sort_canonically(&mut defs);
    let mut problems = Vec::new();
    let mut resolved: Vec<_> = defs
        .iter()
        .map(|def| resolve::table(def, &mut problems))
        .collect();
    let duplicates = validate::duplicate_tables(&resolved, &mut problems);
    references::resolve(&mut resolved, &mut problems);
    validate::duplicate_names(&resolved, &duplicates, &mut problems);
    validate::renames(&resolved, &mut problems);
    let enums = validate::enums(&resolved, &mut problems);
    if !problems.is_empty() {
        return Err(RegistryError::from(problems));
    }
    let mut schema = Schema {
        enums,
        tables: resolved.into_iter().map(|r| r.table).collect(),
    };
    schema.sort();
    Ok(schema)
}

/// The order every pass walks the declarations in, so that which of two clashing models is
/// "first" in a message does not depend on link order.
fn sort_canonically(defs: &mut [TableDef]) {
    defs.sort_by(|a, b| {
        (&a.schema, &a.name, a.module_path, a.rust_name).cmp(&(
            &b.schema,
            &b.name,
            b.module_path,
            b.rust_name,
        ))
    });
}
