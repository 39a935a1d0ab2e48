//! The small types the adoption's parts share: the crates a field type needs, the naming
//! convention, what is left out, and the error of laying source out.

use schema_runtime::naming::NamingConvention;

/// What can go wrong laying out the models.
#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    /// The generated text did not parse as Rust: a bug, reported with the object.
    #[error("the generated source of {what} is not valid Rust ({message}); please report this with the table's definition")]
    Source {
        /// The table or enum whose source it is.
        what: String,
        /// The parser's message.
        message: String,
    },
}

/// A crate a generated field type comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Crate {
    /// `chrono`: dates, times, timestamps, intervals.
    Chrono,
    /// `rust_decimal`: exact decimals.
    RustDecimal,
    /// `serde_json`: JSON.
    SerdeJson,
    /// `uuid`: UUIDs.
    Uuid,
}

impl Crate {
    /// The crate's name on crates.io.
    pub fn name(self) -> &'static str {
        match self {
            Crate::Chrono => "chrono",
            Crate::RustDecimal => "rust_decimal",
            Crate::SerdeJson => "serde_json",
            Crate::Uuid => "uuid",
        }
    }

    /// The version requirement a new crate's manifest gives it.
    pub(super) fn version(self) -> &'static str {
        match self {
            Crate::Chrono => "0.4",
            Crate::RustDecimal => "1",
            Crate::SerdeJson => "1",
            Crate::Uuid => "1",
        }
    }
}

/// The naming convention the generated crate declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// `pk_<table>`, `fk_<table>_<cols>_<reftable>`, ...: nothing to declare.
    Default,
    /// PostgreSQL's own names: `naming_convention!(postgres)`.
    Postgres,
}

impl Convention {
    pub(super) fn templates(self) -> NamingConvention {
        match self {
            Convention::Default => NamingConvention::DEFAULT,
            Convention::Postgres => NamingConvention::POSTGRES,
        }
    }
}

/// Something in the database the generated models leave out, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LeftOut {
    /// What it is (`enum type`, `exclusion constraint`).
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// Why the models do not say it.
    pub why: String,
}
