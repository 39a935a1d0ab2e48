//! The guard against dropped registrations: what a models crate declares, by name, and the
//! check that the registry collected every one of them.
//!
//! A models crate that nothing references can be dropped by the linker together with its
//! `inventory` registrations (inventory issue #7), and a target schema missing a table reads
//! as "drop that table". So a models crate's build script lists its `#[derive(Table)]`
//! structs ([`crate::build`]), [`models_crate!`](crate::models_crate) turns the list into the
//! crate's `link()`, and [`check_declared`] compares it with what was collected. Nothing in
//! it is written by hand, so it cannot go stale when a model is added, removed, renamed or
//! moved.

use std::collections::HashSet;
use std::fmt;

use crate::decl::TableDef;
use crate::dialect::Dialect;
use crate::schema::Schema;

use super::RegistryError;

/// One `#[derive(Table)]` struct a models crate's build script found in its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeclaredModel {
    /// The module inside the crate (`tasks::comments`); empty for the crate root.
    pub module: &'static str,
    /// The struct's name (`Comment`).
    pub rust_name: &'static str,
}

impl DeclaredModel {
    /// A struct `rust_name` in `module` (relative to the crate root, `""` for the root).
    pub const fn new(module: &'static str, rust_name: &'static str) -> Self {
        Self { module, rust_name }
    }
}

/// What a models crate declares: its name and every model its build script found. Made by
/// the `link()` function [`models_crate!`](crate::models_crate) defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    crate_name: &'static str,
    models: Vec<DeclaredModel>,
}

impl Declared {
    /// The declaration of the crate whose root module is the first segment of
    /// `module_path` (what `module_path!()` says anywhere in the crate).
    pub fn new(module_path: &'static str, mut models: Vec<DeclaredModel>) -> Self {
        let crate_name = module_path.split("::").next().unwrap_or(module_path);
        models.sort();
        models.dedup();
        Self { crate_name, models }
    }

    /// The crate's name as Rust paths spell it (`app_schema`).
    pub fn crate_name(&self) -> &'static str {
        self.crate_name
    }

    /// The declared models, sorted by module and name.
    pub fn models(&self) -> &[DeclaredModel] {
        &self.models
    }

    /// The full Rust module path of `model` (`app_schema::tasks`), as `module_path!()`
    /// spells it where the struct is defined.
    pub fn module_path(&self, model: &DeclaredModel) -> String {
        if model.module.is_empty() {
            self.crate_name.to_string()
        } else {
            format!("{}::{}", self.crate_name, model.module)
        }
    }

    /// Every model linked into this binary, checked against this declaration, built and
    /// validated as the schema they declare on `dialect`.
    pub fn collect(&self, dialect: Dialect) -> Result<Schema, CollectError> {
        let defs = super::registered();
        check_declared(self, &defs)?;
        Ok(super::build(defs, dialect)?)
    }
}

/// Checks that `collected` holds a registration for every model `declared` names. More
/// collected than declared is fine (a struct a macro made, which the build script cannot
/// see; a model from another crate); nothing collected at all is always an error.
pub fn check_declared(declared: &Declared, collected: &[TableDef]) -> Result<(), LinkError> {
    // A set, not a scan per model: at 20,000 models the scan was 400 million comparisons.
    let registered: HashSet<(&str, &str)> = collected
        .iter()
        .map(|def| (def.module_path, def.rust_name))
        .collect();
    let missing: Vec<String> = declared
        .models()
        .iter()
        .filter_map(|model| {
            let module_path = declared.module_path(model);
            (!registered.contains(&(module_path.as_str(), model.rust_name)))
                .then(|| format!("{module_path}::{}", model.rust_name))
        })
        .collect();
    if collected.is_empty() && missing.is_empty() {
        return Err(LinkError::NoModels {
            crate_name: declared.crate_name().to_string(),
        });
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LinkError::NotCollected {
            crate_name: declared.crate_name().to_string(),
            missing,
        })
    }
}

/// The registry did not collect what the models crate declares.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// Models the build script found have no registration in this binary.
    #[error("{}", NotCollectedMessage { crate_name, missing })]
    NotCollected {
        /// The models crate (`app_schema`).
        crate_name: String,
        /// The Rust paths of the models that were not collected (`app_schema::Comment`).
        missing: Vec<String>,
    },
    /// Nothing was collected, and the build script found no model either.
    #[error(
        "no models were registered, and the build script of `{crate_name}` found no \
         `#[derive(Table)]` struct under its src/; an empty target schema would read as \
         \"drop every table\", so declare a model (or check that the structs derive \
         `schema_runtime::Table`)"
    )]
    NoModels {
        /// The models crate (`app_schema`).
        crate_name: String,
    },
}

/// The message of [`LinkError::NotCollected`], singular or plural.
struct NotCollectedMessage<'a> {
    crate_name: &'a str,
    missing: &'a [String],
}

impl fmt::Display for NotCollectedMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = self
            .missing
            .iter()
            .map(|path| format!("`{path}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (noun, verb, it, they_derive) = if self.missing.len() == 1 {
            ("registration", "was", "it", "it derives")
        } else {
            ("registrations", "were", "them", "they derive")
        };
        let krate = self.crate_name;
        write!(
            f,
            "the {noun} of {list} {verb} not collected: the linker dropped {it}; call \
             `{krate}::link()` from the binary's main (it is what keeps the crate linked); \
             if main calls it already, check that {they_derive} `schema_runtime::Table` and \
             that the build holds one version of schema-runtime"
        )
    }
}

/// Why [`Declared::collect`] found no usable target schema.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// A declared model was not collected.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// The collected models are not a valid schema.
    #[error(transparent)]
    Models(#[from] RegistryError),
}
