//! Model declarations: what `#[derive(Table)]` records about a struct, before the registry
//! resolves names, references and identity across the whole schema. The derive fills these
//! structs in; tests and tools can build them by hand.

use crate::schema::{ColumnType, EnumType, ForeignKeyAction};

/// One `#[derive(Table)]` struct, as declared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableDef {
    /// The Rust type's name, for messages (`Order`).
    pub rust_name: &'static str,
    /// The module the struct lives in, for messages (`app_schema::orders`).
    pub module_path: &'static str,
    /// The table name (the derive defaults it to the struct name in snake_case).
    pub name: String,
    /// The namespace, if not the default one.
    pub schema: Option<String>,
    /// The table comment (the derive defaults it to the doc comment).
    pub comment: Option<String>,
    /// The previous name of the table (`schema.table` or `table`).
    pub renamed_from: Option<String>,
    /// The columns, in field order, skipped fields left out.
    pub columns: Vec<ColumnDef>,
    /// A table-level `primary_key(columns(...))`.
    pub primary_key: Option<Vec<String>>,
    /// Table-level `index(...)` declarations.
    pub indexes: Vec<IndexDef>,
    /// Table-level `unique(...)` declarations.
    pub uniques: Vec<UniqueDef>,
    /// Table-level `check(...)` declarations.
    pub checks: Vec<CheckDef>,
    /// `#[table(no_primary_key)]`: the table deliberately has no primary key.
    pub no_primary_key: bool,
}

/// One field that is a column, as declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    /// The Rust field name, for messages.
    pub field: &'static str,
    /// The column name (the field name unless `name = "..."`).
    pub name: String,
    /// The type from the field's [`SqlType`](crate::SqlType) impl.
    pub ty: ColumnType,
    /// Whether the field's type admits NULL.
    pub nullable: bool,
    /// The enum type the field's type needs, if any.
    pub enum_type: Option<EnumType>,
    /// `sql_type = "..."`: an explicit SQL type that replaces `ty`.
    pub sql_type: Option<String>,
    /// `max_length = N`: makes a string column `varchar(N)`.
    pub max_length: Option<u32>,
    /// `primary_key`.
    pub primary_key: bool,
    /// `identity = false` turns off the identity a lone integer key would get; `true` asks
    /// for it explicitly. `None` is the default rule.
    pub identity: Option<bool>,
    /// `default = "..."`: a server default written as SQL.
    pub default: Option<String>,
    /// `unique`.
    pub unique: bool,
    /// `index`.
    pub index: bool,
    /// `references = "table.column"` or `"schema.table.column"`.
    pub references: Option<String>,
    /// `on_delete = "..."`.
    pub on_delete: Option<ForeignKeyAction>,
    /// `on_update = "..."`.
    pub on_update: Option<ForeignKeyAction>,
    /// `check = "..."`: a CHECK on this column.
    pub check: Option<String>,
    /// The column comment (the derive defaults it to the field's doc comment).
    pub comment: Option<String>,
    /// `renamed_from = "..."`.
    pub renamed_from: Option<String>,
}

impl ColumnDef {
    /// A declaration for a field with only its name and type set.
    pub fn new(field: &'static str, ty: ColumnType, nullable: bool) -> Self {
        Self {
            field,
            name: field.to_string(),
            ty,
            nullable,
            enum_type: None,
            sql_type: None,
            max_length: None,
            primary_key: false,
            identity: None,
            default: None,
            unique: false,
            index: false,
            references: None,
            on_delete: None,
            on_update: None,
            check: None,
            comment: None,
            renamed_from: None,
        }
    }
}

/// A table-level `index(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexDef {
    /// An explicit name; otherwise `ix_<table>_<cols>` (or `uq_...` when unique).
    pub name: Option<String>,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// `unique`.
    pub unique: bool,
    /// `where = "..."`: makes a partial index.
    pub predicate: Option<String>,
}

/// A table-level `unique(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UniqueDef {
    /// An explicit name; otherwise `uq_<table>_<cols>`.
    pub name: Option<String>,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
}

/// A table-level `check(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckDef {
    /// The check's short name; the constraint is named `ck_<table>_<name>`.
    pub name: String,
    /// The boolean SQL expression.
    pub expression: String,
}
