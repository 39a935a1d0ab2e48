//! Adopting an existing database: the models that declare what it holds
//! (`migrate init --from-db`). [`declare`] turns a schema read from the database into
//! `#[derive(Table)]` and `#[derive(DbEnum)]` source, with beside each model the
//! declaration the derive builds from that source; [`resolve`] runs those declarations
//! through the registry, so that the caller can compare them with the database before
//! anything is written; [`files`] lays the source out as a new models crate or as a module.

mod declare;
mod kept;
mod kinds;
mod layout;
mod model;
mod names;
mod report;
mod run;
mod source;
#[cfg(test)]
mod tests;

pub use declare::{parse_exclusion, EnumSource, FieldSource, ModelSource};
pub use kinds::{AdoptError, Convention, Crate, LeftOut};
pub use layout::{files, Layout, OutputFile};
pub use model::{declare, resolve, Adoption};
pub use report::report;
pub use run::{adopt, baseline, Adopted, ForeignHistory, RunError};
