//! Model declarations: what `#[derive(Table)]` records about a struct, before the registry
//! resolves names, references and identity across the whole schema. The derive fills these
//! structs in; tests and tools can build them by hand.

use crate::dialect::Dialect;
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
    /// `primary_key(name = "..")`: the key's name, verbatim; otherwise the convention's.
    pub primary_key_name: Option<String>,
    /// Table-level `foreign_key(...)` declarations.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// Table-level `index(...)` declarations.
    pub indexes: Vec<IndexDef>,
    /// Table-level `unique(...)` declarations.
    pub uniques: Vec<UniqueDef>,
    /// Table-level `check(...)` declarations.
    pub checks: Vec<CheckDef>,
    /// Table-level `exclude(...)` declarations (PostgreSQL).
    pub exclusions: Vec<ExclusionDef>,
    /// `#[table(partition_by = "RANGE (taken_at)")]`: a partitioned table (PostgreSQL).
    pub partition_by: Option<String>,
    /// `#[table(no_primary_key)]`: the table deliberately has no primary key.
    pub no_primary_key: bool,
    /// `#[table(sqlite(name = "..", schema = ".."))]` and the like: where the table lives on
    /// one dialect, when not where `name` and `schema` put it.
    pub variants: Vec<TableVariant>,
}

/// A table on one dialect (`#[table(sqlite(name = "audit_events", check(...)))]`).
///
/// Where the variant gives a `name` or a `schema`, the two together replace the table's
/// qualified name on that dialect: without `schema` the table is in the default namespace,
/// which is how a model in a namespace reaches a database that has none. Each index,
/// unique or check of the variant replaces the declared one of the same name there, or is
/// added when none has that name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableVariant {
    /// The dialect the variant applies to.
    pub dialect: Dialect,
    /// The table name there; the declared name when `None`.
    pub name: Option<String>,
    /// The namespace there; the default namespace when `None` (and `name` is given).
    pub schema: Option<String>,
    /// Indexes that replace (by name) or add to the declared ones there.
    pub indexes: Vec<IndexDef>,
    /// Unique constraints that replace (by name) or add to the declared ones there.
    pub uniques: Vec<UniqueDef>,
    /// Checks that replace (by name) or add to the declared ones there.
    pub checks: Vec<CheckDef>,
}

/// A column's SQL on one dialect (`#[column(sqlite(sql_type = "json", default = "'[]'"))]`):
/// each value given replaces the declared one there, as SQLAlchemy's `with_variant` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnVariant {
    /// The dialect the variant applies to.
    pub dialect: Dialect,
    /// The SQL type there (it also replaces `max_length`).
    pub sql_type: Option<String>,
    /// The server default there.
    pub default: Option<String>,
    /// The column's CHECK there.
    pub check: Option<String>,
    /// The column's collation there (`utf8mb4_bin` on MySQL where PostgreSQL has `C`).
    pub collation: Option<String>,
    /// `sqlite(autoincrement)`: SQLite's `AUTOINCREMENT` on the identity key.
    pub autoincrement: bool,
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
    /// `identity = "always"`: `GENERATED ALWAYS AS IDENTITY`, which refuses explicit
    /// values; implies `identity`.
    pub identity_always: bool,
    /// `identity_start = N`: the identity's first value (1 when `None`). PostgreSQL only.
    pub identity_start: Option<i64>,
    /// `identity_increment = N`: the identity's step (1 when `None`). PostgreSQL only.
    pub identity_increment: Option<i64>,
    /// SQLite's `AUTOINCREMENT` (set by `sqlite(autoincrement)`): ids are never reused.
    pub autoincrement: bool,
    /// `generated = "..."`: `GENERATED ALWAYS AS (expr) STORED`, the column computed by
    /// the database from the others.
    pub generated: Option<String>,
    /// `generated_virtual`: the generated column is `VIRTUAL`, computed when read (SQLite,
    /// MySQL).
    pub generated_virtual: bool,
    /// `default = "..."`: a server default written as SQL.
    pub default: Option<String>,
    /// `unique`.
    pub unique: bool,
    /// `index`.
    pub index: bool,
    /// `references = "table.column"` or `"schema.table.column"`.
    pub references: Option<String>,
    /// `fk_name = "..."`: the foreign key's name, verbatim; otherwise the convention's.
    pub fk_name: Option<String>,
    /// `external`: the referenced table is not one of the models; it is looked up in the
    /// database instead.
    pub external: bool,
    /// `on_delete = "..."`.
    pub on_delete: Option<ForeignKeyAction>,
    /// `on_update = "..."`.
    pub on_update: Option<ForeignKeyAction>,
    /// `check = "..."`: a CHECK on this column.
    pub check: Option<String>,
    /// `collation = "..."`: the column's collation, as the database names it (`C`,
    /// `und-x-icu`, `utf8mb4_bin`, `NOCASE`); the database's default when `None`.
    pub collation: Option<String>,
    /// The column comment (the derive defaults it to the field's doc comment).
    pub comment: Option<String>,
    /// `renamed_from = "..."`.
    pub renamed_from: Option<String>,
    /// `postgresql(..)`, `mysql(..)`, `sqlite(..)`: the column's SQL on one dialect.
    pub variants: Vec<ColumnVariant>,
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
            identity_always: false,
            identity_start: None,
            identity_increment: None,
            autoincrement: false,
            generated: None,
            generated_virtual: false,
            default: None,
            unique: false,
            index: false,
            references: None,
            fk_name: None,
            external: false,
            on_delete: None,
            on_update: None,
            check: None,
            collation: None,
            comment: None,
            renamed_from: None,
            variants: Vec::new(),
        }
    }
}

/// A table-level `index(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexDef {
    /// An explicit name; otherwise the convention's (`ix_<table>_<cols>`), which an index
    /// over an expression cannot have.
    pub name: Option<String>,
    /// The indexed columns, in order (or `parts`).
    pub columns: Vec<String>,
    /// `unique`.
    pub unique: bool,
    /// `where = "..."`: makes a partial index.
    pub predicate: Option<String>,
    /// `parts(..)`, instead of `columns`: each key part as SQL, a column or an
    /// expression, with an operator class and ordering if any (`"lower(email)"`,
    /// `"created_at DESC"`, `"name text_pattern_ops"`). PostgreSQL only.
    pub parts: Vec<String>,
    /// `method = ".."`: the access method (`gin`, `gist`, `brin`, `hash`); btree when
    /// `None`. PostgreSQL only.
    pub method: Option<String>,
    /// `include(..)`: columns stored in the index but not part of its key. PostgreSQL only.
    pub include: Vec<String>,
    /// `nulls_not_distinct`: a unique index that counts NULLs as equal (PostgreSQL 15+).
    pub nulls_not_distinct: bool,
    /// `dialects(..)`: the dialects the index exists on; every one when empty.
    pub dialects: Vec<Dialect>,
}

/// A table-level `unique(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UniqueDef {
    /// An explicit name; otherwise `uq_<table>_<cols>`.
    pub name: Option<String>,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
    /// `dialects(..)`: the dialects the constraint exists on; every one when empty.
    pub dialects: Vec<Dialect>,
}

/// A table-level `check(...)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckDef {
    /// The check's name: the naming convention's `{name}` (by default the constraint is
    /// `ck_<table>_<name>`), or the constraint's whole name when `verbatim`.
    pub name: String,
    /// The boolean SQL expression.
    pub expression: String,
    /// `verbatim`: `name` is the constraint's name as it is, no convention applied.
    pub verbatim: bool,
    /// `not_valid`: the check is added `NOT VALID`, leaving rows already there unchecked.
    /// PostgreSQL only.
    pub not_valid: bool,
    /// `dialects(..)`: the dialects the check exists on; every one when empty.
    pub dialects: Vec<Dialect>,
}

/// A table-level `exclude(...)`: an exclusion constraint (PostgreSQL), which refuses two
/// rows whose elements all compare true under their operators (two bookings of one room
/// whose periods overlap).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExclusionDef {
    /// The constraint's name, verbatim.
    pub name: String,
    /// The index access method (`using = "gist"`); `gist` when `None`.
    pub method: Option<String>,
    /// The elements, each `<column or (expression)> WITH <operator>` as SQL.
    pub elements: Vec<String>,
    /// `where = ".."`: only rows for which this holds are compared.
    pub predicate: Option<String>,
    /// `deferrable`: the check may be put off to the end of the transaction.
    pub deferrable: bool,
    /// `initially_deferred`: the check is put off unless `SET CONSTRAINTS` says otherwise
    /// (implies `deferrable`).
    pub initially_deferred: bool,
    /// `dialects(..)`: the dialects the constraint exists on; every one when empty.
    pub dialects: Vec<Dialect>,
}

impl ExclusionDef {
    /// The definition as `ALTER TABLE .. ADD CONSTRAINT name` takes it:
    /// `EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (..) DEFERRABLE`.
    pub fn definition(&self) -> String {
        let method = self.method.as_deref().unwrap_or("gist");
        let mut sql = format!("EXCLUDE USING {method} ({})", self.elements.join(", "));
        if let Some(predicate) = &self.predicate {
            sql.push_str(&format!(" WHERE ({predicate})"));
        }
        if self.deferrable || self.initially_deferred {
            sql.push_str(" DEFERRABLE");
        }
        if self.initially_deferred {
            sql.push_str(" INITIALLY DEFERRED");
        }
        sql
    }
}

/// A table-level `foreign_key(...)`: a key of one or more columns, which may be deferrable
/// and may reference a table the models do not manage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForeignKeyDef {
    /// An explicit name, verbatim; otherwise the convention's (`fk_<table>_<cols>_<reftable>`).
    pub name: Option<String>,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table, `table` (the default namespace) or `schema.table`.
    pub referenced_table: String,
    /// The referenced columns, matching `columns` one to one.
    pub referenced_columns: Vec<String>,
    /// `on_delete`; `NO ACTION` when `None`.
    pub on_delete: Option<ForeignKeyAction>,
    /// `on_update`; `NO ACTION` when `None`.
    pub on_update: Option<ForeignKeyAction>,
    /// `deferrable`: the check may be put off to the end of the transaction.
    pub deferrable: bool,
    /// `initially_deferred`: the check is put off unless `SET CONSTRAINTS` says otherwise
    /// (implies `deferrable`).
    pub initially_deferred: bool,
    /// `external`: the referenced table is not one of the models; it is looked up in the
    /// database instead.
    pub external: bool,
    /// `not_valid`: the key is added `NOT VALID`, leaving rows already there unchecked.
    /// PostgreSQL only.
    pub not_valid: bool,
    /// `dialects(..)`: the dialects the key exists on; every one when empty.
    pub dialects: Vec<Dialect>,
}
