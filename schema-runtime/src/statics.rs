//! The form `#[derive(Table)]` writes a model in: one `static` of plain data per model
//! (text as `&'static str`, lists as slices, a field's type as two function pointers), which
//! this module turns into the owned [`TableDef`] when the registry asks. The conversion is
//! compiled once, here, instead of code in every model that builds each `String` and `Vec`
//! itself: a models crate of thousands of tables is mostly data for the compiler, not code.
//!
//! Each conversion takes its static apart field by field, so a field added to a `*Def`
//! without a static counterpart fails to compile here.

use crate::decl::{
    CheckDef, ColumnDef, ColumnVariant, ExclusionDef, ForeignKeyDef, IndexDef, TableDef,
    TableVariant, UniqueDef,
};
use crate::dialect::Dialect;
use crate::schema::{ColumnType, EnumType, ForeignKeyAction};

/// A static text that may be absent.
type Text = Option<&'static str>;

/// A list of static names.
type Names = &'static [&'static str];

fn owned(text: Text) -> Option<String> {
    text.map(str::to_owned)
}

fn names(list: Names) -> Vec<String> {
    list.iter().map(|name| (*name).to_owned()).collect()
}

/// [`TableDef`], as static data.
#[derive(Debug)]
pub struct StaticTable {
    pub rust_name: &'static str,
    pub module_path: &'static str,
    pub name: &'static str,
    pub schema: Text,
    pub comment: Text,
    pub renamed_from: Text,
    pub columns: &'static [StaticColumn],
    pub primary_key: Option<Names>,
    pub primary_key_name: Text,
    pub foreign_keys: &'static [StaticForeignKey],
    pub indexes: &'static [StaticIndex],
    pub uniques: &'static [StaticUnique],
    pub checks: &'static [StaticCheck],
    pub exclusions: &'static [StaticExclusion],
    pub partition_by: Text,
    pub no_primary_key: bool,
    pub variants: &'static [StaticTableVariant],
}

impl StaticTable {
    /// The owned declaration the registry reads.
    pub fn to_def(&self) -> TableDef {
        let StaticTable {
            rust_name,
            module_path,
            name,
            schema,
            comment,
            renamed_from,
            columns,
            primary_key,
            primary_key_name,
            foreign_keys,
            indexes,
            uniques,
            checks,
            exclusions,
            partition_by,
            no_primary_key,
            variants,
        } = *self;
        TableDef {
            rust_name,
            module_path,
            name: name.to_owned(),
            schema: owned(schema),
            comment: owned(comment),
            renamed_from: owned(renamed_from),
            columns: columns.iter().map(StaticColumn::to_def).collect(),
            primary_key: primary_key.map(names),
            primary_key_name: owned(primary_key_name),
            foreign_keys: foreign_keys.iter().map(StaticForeignKey::to_def).collect(),
            indexes: indexes.iter().map(StaticIndex::to_def).collect(),
            uniques: uniques.iter().map(StaticUnique::to_def).collect(),
            checks: checks.iter().map(StaticCheck::to_def).collect(),
            exclusions: exclusions.iter().map(StaticExclusion::to_def).collect(),
            partition_by: owned(partition_by),
            no_primary_key,
            variants: variants.iter().map(StaticTableVariant::to_def).collect(),
        }
    }
}

/// [`TableVariant`], as static data.
#[derive(Debug)]
pub struct StaticTableVariant {
    pub dialect: Dialect,
    pub name: Text,
    pub schema: Text,
    pub indexes: &'static [StaticIndex],
    pub uniques: &'static [StaticUnique],
    pub checks: &'static [StaticCheck],
}

impl StaticTableVariant {
    fn to_def(&self) -> TableVariant {
        let StaticTableVariant {
            dialect,
            name,
            schema,
            indexes,
            uniques,
            checks,
        } = *self;
        TableVariant {
            dialect,
            name: owned(name),
            schema: owned(schema),
            indexes: indexes.iter().map(StaticIndex::to_def).collect(),
            uniques: uniques.iter().map(StaticUnique::to_def).collect(),
            checks: checks.iter().map(StaticCheck::to_def).collect(),
        }
    }
}

/// [`ColumnDef`], as static data. The field's Rust type answers through [`crate::SqlType`]:
/// its column type and enum type as functions, its nullability as a constant.
#[derive(Debug)]
pub struct StaticColumn {
    pub field: &'static str,
    pub name: &'static str,
    pub ty: fn() -> ColumnType,
    pub nullable: bool,
    pub enum_type: fn() -> Option<EnumType>,
    pub sql_type: Text,
    pub max_length: Option<u32>,
    pub primary_key: bool,
    pub identity: Option<bool>,
    pub identity_always: bool,
    pub identity_start: Option<i64>,
    pub identity_increment: Option<i64>,
    pub generated: Text,
    pub generated_virtual: bool,
    pub default: Text,
    pub unique: bool,
    pub index: bool,
    pub references: Text,
    pub fk_name: Text,
    pub external: bool,
    pub on_delete: Option<ForeignKeyAction>,
    pub on_update: Option<ForeignKeyAction>,
    pub check: Text,
    pub collation: Text,
    pub comment: Text,
    pub renamed_from: Text,
    pub variants: &'static [StaticColumnVariant],
}

impl StaticColumn {
    /// A plain column of the field `field` named `name`, with what the field's Rust type
    /// says through [`crate::SqlType`]: the derive completes it with the attributes the
    /// field states.
    pub const fn of(
        field: &'static str,
        name: &'static str,
        ty: fn() -> ColumnType,
        nullable: bool,
        enum_type: fn() -> Option<EnumType>,
    ) -> Self {
        StaticColumn {
            field,
            name,
            ty,
            nullable,
            enum_type,
            sql_type: None,
            max_length: None,
            primary_key: false,
            identity: None,
            identity_always: false,
            identity_start: None,
            identity_increment: None,
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
            variants: &[],
        }
    }

    fn to_def(&self) -> ColumnDef {
        let StaticColumn {
            field,
            name,
            ty,
            nullable,
            enum_type,
            sql_type,
            max_length,
            primary_key,
            identity,
            identity_always,
            identity_start,
            identity_increment,
            generated,
            generated_virtual,
            default,
            unique,
            index,
            references,
            fk_name,
            external,
            on_delete,
            on_update,
            check,
            collation,
            comment,
            renamed_from,
            variants,
        } = *self;
        ColumnDef {
            field,
            name: name.to_owned(),
            ty: ty(),
            nullable,
            enum_type: enum_type(),
            sql_type: owned(sql_type),
            max_length,
            primary_key,
            identity,
            identity_always,
            identity_start,
            identity_increment,
            // Only a dialect variant (`sqlite(autoincrement)`) sets it.
            autoincrement: false,
            generated: owned(generated),
            generated_virtual,
            default: owned(default),
            unique,
            index,
            references: owned(references),
            fk_name: owned(fk_name),
            external,
            on_delete,
            on_update,
            check: owned(check),
            collation: owned(collation),
            comment: owned(comment),
            renamed_from: owned(renamed_from),
            variants: variants.iter().map(StaticColumnVariant::to_def).collect(),
        }
    }
}

/// [`ColumnVariant`], as static data.
#[derive(Debug)]
pub struct StaticColumnVariant {
    pub dialect: Dialect,
    pub sql_type: Text,
    pub default: Text,
    pub check: Text,
    pub collation: Text,
    pub autoincrement: bool,
}

impl StaticColumnVariant {
    fn to_def(&self) -> ColumnVariant {
        let StaticColumnVariant {
            dialect,
            sql_type,
            default,
            check,
            collation,
            autoincrement,
        } = *self;
        ColumnVariant {
            dialect,
            sql_type: owned(sql_type),
            default: owned(default),
            check: owned(check),
            collation: owned(collation),
            autoincrement,
        }
    }
}

/// [`IndexDef`], as static data.
#[derive(Debug)]
pub struct StaticIndex {
    pub name: Text,
    pub columns: Names,
    pub unique: bool,
    pub predicate: Text,
    pub parts: Names,
    pub method: Text,
    pub include: Names,
    pub nulls_not_distinct: bool,
    pub dialects: &'static [Dialect],
}

impl StaticIndex {
    fn to_def(&self) -> IndexDef {
        let StaticIndex {
            name,
            columns,
            unique,
            predicate,
            parts,
            method,
            include,
            nulls_not_distinct,
            dialects,
        } = *self;
        IndexDef {
            name: owned(name),
            columns: names(columns),
            unique,
            predicate: owned(predicate),
            parts: names(parts),
            method: owned(method),
            include: names(include),
            nulls_not_distinct,
            dialects: dialects.to_vec(),
        }
    }
}

/// [`UniqueDef`], as static data.
#[derive(Debug)]
pub struct StaticUnique {
    pub name: Text,
    pub columns: Names,
    pub dialects: &'static [Dialect],
}

impl StaticUnique {
    fn to_def(&self) -> UniqueDef {
        let StaticUnique {
            name,
            columns,
            dialects,
        } = *self;
        UniqueDef {
            name: owned(name),
            columns: names(columns),
            dialects: dialects.to_vec(),
        }
    }
}

/// [`CheckDef`], as static data.
#[derive(Debug)]
pub struct StaticCheck {
    pub name: &'static str,
    pub expression: &'static str,
    pub verbatim: bool,
    pub not_valid: bool,
    pub dialects: &'static [Dialect],
}

impl StaticCheck {
    fn to_def(&self) -> CheckDef {
        let StaticCheck {
            name,
            expression,
            verbatim,
            not_valid,
            dialects,
        } = *self;
        CheckDef {
            name: name.to_owned(),
            expression: expression.to_owned(),
            verbatim,
            not_valid,
            dialects: dialects.to_vec(),
        }
    }
}

/// [`ExclusionDef`], as static data.
#[derive(Debug)]
pub struct StaticExclusion {
    pub name: &'static str,
    pub method: Text,
    pub elements: Names,
    pub predicate: Text,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub dialects: &'static [Dialect],
}

impl StaticExclusion {
    fn to_def(&self) -> ExclusionDef {
        let StaticExclusion {
            name,
            method,
            elements,
            predicate,
            deferrable,
            initially_deferred,
            dialects,
        } = *self;
        ExclusionDef {
            name: name.to_owned(),
            method: owned(method),
            elements: names(elements),
            predicate: owned(predicate),
            deferrable,
            initially_deferred,
            dialects: dialects.to_vec(),
        }
    }
}

/// [`ForeignKeyDef`], as static data.
#[derive(Debug)]
pub struct StaticForeignKey {
    pub name: Text,
    pub columns: Names,
    pub referenced_table: &'static str,
    pub referenced_columns: Names,
    pub on_delete: Option<ForeignKeyAction>,
    pub on_update: Option<ForeignKeyAction>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub external: bool,
    pub not_valid: bool,
    pub dialects: &'static [Dialect],
}

impl StaticForeignKey {
    fn to_def(&self) -> ForeignKeyDef {
        let StaticForeignKey {
            name,
            columns,
            referenced_table,
            referenced_columns,
            on_delete,
            on_update,
            deferrable,
            initially_deferred,
            external,
            not_valid,
            dialects,
        } = *self;
        ForeignKeyDef {
            name: owned(name),
            columns: names(columns),
            referenced_table: referenced_table.to_owned(),
            referenced_columns: names(referenced_columns),
            on_delete,
            on_update,
            deferrable,
            initially_deferred,
            external,
            not_valid,
            dialects: dialects.to_vec(),
        }
    }
}
