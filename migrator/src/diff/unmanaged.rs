//! What the comparison leaves alone and says so: a table the models reference as
//! `external`, which is read from the database but never changed, and the partitions of
//! a partitioned table, which come and go with the data.

use schema_runtime::schema::QualifiedName;
use serde::Serialize;

/// An object of the database the models do not manage, left as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmanaged {
    /// The table it belongs to.
    pub table: QualifiedName,
    /// What it is: `table` for a table the models reference as external, `partition`
    /// for a partition of a table the models declare.
    pub kind: &'static str,
    /// Its name in the database.
    pub name: String,
    /// Why it is not managed, or what it is (a partition's bound).
    pub why: String,
}

impl Unmanaged {
    /// One line for listings: `table billing.accounts (referenced as external by ..): not
    /// managed, left as it is`.
    pub fn describe(&self) -> String {
        if self.kind == "table" {
            return format!(
                "table {} ({}): not managed, left as it is",
                self.table, self.why
            );
        }
        let of = if self.kind == "partition" { "of" } else { "on" };
        format!(
            "{} {} {of} {} ({}): not managed, left as it is",
            self.kind, self.name, self.table, self.why
        )
    }
}
