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
mod parts;
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
use crate::naming::NamingConvention;
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

/// What [`naming_convention!`](crate::naming_convention) submits to inventory: the
/// convention of the models crate it is written in.
#[derive(Clone, Copy, Debug)]
pub struct ConventionRegistration {
    /// `module_path!()` where the macro is written; its first segment names the crate.
    pub module_path: &'static str,
    /// The templates.
    pub convention: NamingConvention,
}

inventory::collect!(ConventionRegistration);

/// Every naming convention linked into this binary, one per models crate (or more, which
/// [`build_with`] reports).
pub fn conventions() -> Vec<ConventionRegistration> {
    let mut found: Vec<ConventionRegistration> = inventory::iter::<ConventionRegistration>
        .into_iter()
        .copied()
        .collect();
    found.sort_by_key(|c| c.module_path);
    found
}

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
    build_with(registered(), dialect, &conventions())
}

/// Builds and validates the schema a list of declarations declares on `dialect`: each
/// model's variants for that dialect applied, and the indexes, uniques and checks limited
/// to other dialects left out.
///
/// The result does not depend on the order of `defs`: tables come out sorted by
/// (schema, name) and their constraints and indexes by name. An empty list is an error,
/// never an empty schema, since an empty target would read as "drop every table".
pub fn build(defs: Vec<TableDef>, dialect: Dialect) -> Result<Schema, RegistryError> {
    build_with(defs, dialect, &[])
}

/// [`build`], with the naming conventions of the models crates: each model's names come
/// from the convention registered by its crate (the first segment of its `module_path`),
/// or the default one.
pub fn build_with(
    defs: Vec<TableDef>,
    dialect: Dialect,
    conventions: &[ConventionRegistration],
) -> Result<Schema, RegistryError> {
    if defs.is_empty() {
        return Err(RegistryError::from(vec![ModelProblem::NoModels]));
    }
    let mut defs = variants::for_dialect(defs, dialect);
    sort_canonically(&mut defs);
    let mut problems = Vec::new();
    validate::conventions(conventions, &mut problems);
    let naming: Vec<&NamingConvention> = defs
        .iter()
        .map(|def| convention_of(def.module_path, conventions))
        .collect();
    let mut resolved: Vec<_> = defs
        .iter()
        .zip(&naming)
        .map(|(def, naming)| resolve::table(def, naming, dialect, &mut problems))
        .collect();
    let duplicates = validate::duplicate_tables(&resolved, &mut problems);
    references::resolve(&mut resolved, &naming, &mut problems);
    validate::deferrable(&resolved, dialect, &mut problems);
    validate::postgresql_only(&resolved, dialect, &mut problems);
    validate::autoincrement(&resolved, dialect, &mut problems);
    validate::virtual_columns(&resolved, dialect, &mut problems);
    validate::duplicate_names(&resolved, &duplicates, &mut problems);
    let by_name = resolve::first_by_name(&resolved);
    validate::renames(&resolved, &by_name, &mut problems);
    let enums = validate::enums(&resolved, &by_name, &mut problems);
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

/// The convention of the crate `module_path` is in: the first registered for it, or the
/// default.
fn convention_of<'c>(
    module_path: &str,
    conventions: &'c [ConventionRegistration],
) -> &'c NamingConvention {
    conventions
        .iter()
        .find(|c| crate_of(c.module_path) == crate_of(module_path))
        .map_or(&NamingConvention::DEFAULT, |c| &c.convention)
}

/// The crate a module path starts with.
fn crate_of(module_path: &str) -> &str {
    module_path.split("::").next().unwrap_or(module_path)
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
