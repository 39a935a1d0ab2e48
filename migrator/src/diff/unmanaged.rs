//! What the models cannot state, and so what the diff leaves alone: an index over an
//! expression, with an access method of its own (`gist`, `gin`, ...), or with options
//! (`INCLUDE`, an operator class, `DESC`). The comparison cannot see such an object fully
//! from the models' side, so it never drops, rebuilds or replaces one; it reports it as not
//! managed instead, and a model member of the same name is not created over it.

use schema_runtime::schema::{Index, IndexPart, QualifiedName, Schema};
use serde::Serialize;

/// An object of the database that the models cannot state, left as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmanaged {
    /// The table it belongs to.
    pub table: QualifiedName,
    /// `index`, or `table` for a table the models reference as external.
    pub kind: &'static str,
    /// Its name in the database.
    pub name: String,
    /// What the models cannot state about it.
    pub why: String,
}

impl Unmanaged {
    /// One line for listings: `index docs_search_idx on docs (uses gist): not managed`.
    pub fn describe(&self) -> String {
        if self.kind == "table" {
            return format!(
                "table {} ({}): not managed, left as it is",
                self.table, self.why
            );
        }
        format!(
            "{} {} on {} ({}): not managed, left as it is",
            self.kind, self.name, self.table, self.why
        )
    }
}

/// Why the models cannot state this index, if they cannot.
pub fn index_reason(index: &Index) -> Option<String> {
    if let Some(options) = &index.options {
        return Some(format!("has {options}"));
    }
    if let Some(method) = &index.method {
        return Some(format!("uses {method}"));
    }
    index
        .parts
        .iter()
        .any(|p| matches!(p, IndexPart::Expression(_)))
        .then(|| "is over an expression".to_owned())
}

/// Every object of `schema` (the database's) that the models cannot state.
pub fn unmanaged(schema: &Schema) -> Vec<Unmanaged> {
    let mut found = Vec::new();
    for table in &schema.tables {
        for index in &table.indexes {
            if let Some(why) = index_reason(index) {
                found.push(Unmanaged {
                    table: table.name.clone(),
                    kind: "index",
                    name: index.name.clone(),
                    why,
                });
            }
        }
    }
    found
}
