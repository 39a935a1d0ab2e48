//! The models of a schema: one struct per table and one enum per enum type a column uses,
//! under the naming convention that leaves the fewest names to state, and the registry's
//! resolution of them.

use std::collections::{BTreeMap, BTreeSet};

use schema_runtime::registry::{self, ConventionRegistration, RegistryError};
use schema_runtime::{Dialect, QualifiedName, Schema};

use super::declare::{self, parse_exclusion, EnumSource, ModelSource, Target};
use super::kinds::{Convention, Crate, LeftOut};
use super::names::{self, Unique};

/// The models for a database.
#[derive(Clone, Debug)]
pub struct Adoption {
    /// The database kind they are written for.
    pub dialect: Dialect,
    /// One per table.
    pub models: Vec<ModelSource>,
    /// One per enum type a column uses.
    pub enums: Vec<EnumSource>,
    /// The naming convention that leaves the fewest names to state.
    pub convention: Convention,
    /// What the models cannot say.
    pub left_out: Vec<LeftOut>,
}

impl Adoption {
    /// The crates the field types come from.
    pub fn crates(&self) -> BTreeSet<Crate> {
        self.models
            .iter()
            .flat_map(|m| m.crates.iter().copied())
            .collect()
    }

    /// The number of names the models state (`name = ..`, `fk_name`, a verbatim check).
    fn stated_names(&self) -> usize {
        let table = |m: &ModelSource| {
            m.table_attrs
                .iter()
                .filter(|a| {
                    a.contains("name = ") && !a.starts_with("name = ") || a.contains("verbatim")
                })
                .count()
        };
        let fields = |m: &ModelSource| {
            m.fields
                .iter()
                .flat_map(|f| &f.attrs)
                .filter(|a| a.starts_with("fk_name"))
                .count()
        };
        self.models.iter().map(|m| table(m) + fields(m)).sum()
    }
}

/// The models declaring `schema`, read from a database of kind `dialect` (its default
/// namespace left unnamed): the convention that matches more of its names, Rust names
/// unique across the crate.
pub fn declare(schema: &Schema, dialect: Dialect) -> Adoption {
    let default = declare_with(schema, dialect, Convention::Default);
    let postgres = declare_with(schema, dialect, Convention::Postgres);
    if postgres.stated_names() < default.stated_names() {
        postgres
    } else {
        default
    }
}

fn declare_with(schema: &Schema, dialect: Dialect, convention: Convention) -> Adoption {
    let templates = convention.templates();
    let mut types = Unique::with(["Table", "DbEnum"].map(String::from));
    let mut modules =
        Unique::with(["enums", "mod", "lib", "main", "build", "tests"].map(String::from));
    let used: BTreeSet<&QualifiedName> = schema
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter_map(|c| match &c.ty {
            schema_runtime::ColumnType::Enum { name } => Some(name),
            schema_runtime::ColumnType::Array { element } => match &**element {
                schema_runtime::ColumnType::Enum { name } => Some(name),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut left_out = Vec::new();
    let mut enums = BTreeMap::new();
    for ty in &schema.enums {
        if !used.contains(&ty.name) {
            left_out.push(LeftOut {
                kind: "enum type",
                name: ty.name.to_string(),
                why: "no column of the adopted tables uses it, and a DbEnum is declared through the fields that use it".into(),
            });
            continue;
        }
        let ident = types.give(names::camel_case(&ty.name.name));
        enums.insert(ty.name.clone(), declare::enum_source(ty, &ident, "enums"));
    }
    let modelled: BTreeSet<QualifiedName> = schema.tables.iter().map(|t| t.name.clone()).collect();
    let target = Target {
        dialect,
        convention: &templates,
        modelled: &modelled,
        enums: &enums,
    };
    let models = schema
        .tables
        .iter()
        .map(|table| {
            let struct_name = types.give(names::struct_name(&table.name.name));
            let stem = match &table.name.schema {
                Some(schema) => format!("{schema}_{}", table.name.name),
                None => table.name.name.clone(),
            };
            let mut module = names::snake_case(&stem);
            if names::is_keyword(&module) || module.starts_with('_') {
                module = format!("{}_table", module.trim_start_matches('_'));
            }
            let module = modules.give(module);
            for exclusion in &table.exclusions {
                if parse_exclusion(exclusion).is_none() {
                    left_out.push(LeftOut {
                        kind: "exclusion constraint",
                        name: format!("{} on {}", exclusion.name, table.name),
                        why: format!(
                            "its definition has parts exclude(..) cannot state: {}",
                            exclusion.definition
                        ),
                    });
                }
            }
            declare::model_source(table, &struct_name, &module, &target)
        })
        .collect();
    Adoption {
        dialect,
        models,
        enums: enums.into_values().collect(),
        convention,
        left_out,
    }
}

/// The schema the generated models declare, as the registry resolves it: what `check`
/// will compare with the database once the models are built.
pub fn resolve(adoption: &Adoption) -> Result<Schema, RegistryError> {
    let defs = adoption.models.iter().map(|m| m.def.clone()).collect();
    let conventions = [ConventionRegistration {
        module_path: "models",
        convention: adoption.convention.templates(),
    }];
    registry::build_with(defs, adoption.dialect, &conventions)
}
