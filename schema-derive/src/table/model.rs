//! The checked model of one `#[derive(Table)]` struct: names resolved to their defaults, each
//! attribute validated on its own (its value, and the attributes of the same field or
//! `#[table(...)]` item it conflicts with). Checks across fields live in `check`.

use darling::error::Accumulator;
use proc_macro2::Span;
use syn::{ext::IdentExt, Ident, Type};

use super::input::{
    CheckInput, ColumnInput, ColumnVariantInput, ExcludeInput, ForeignKeyInput, IndexInput,
    KeyInput, TableInput, TableVariantInput, TargetInput, UniqueInput,
};
use crate::args::{
    error_at, Arg, ColumnList, ColumnRef, DialectList, DialectName, IdentityArg, Item, Word,
};
use crate::text::{doc_comment, snake_case};

/// One struct, ready for the cross-field checks and code generation.
pub struct Table {
    pub ident: Ident,
    pub name: String,
    pub schema: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    pub columns: Vec<Column>,
    /// Fields marked `skip`, for messages that name them.
    pub skipped: Vec<String>,
    pub primary_key: Option<Key>,
    pub indexes: Vec<Index>,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub exclusions: Vec<Exclusion>,
    pub partition_by: Option<String>,
    pub no_primary_key: Option<Span>,
    pub variants: Vec<TableVariant>,
}

/// `sqlite(name = "..", schema = "..", index(..), unique(..), check(..))` on the table.
pub struct TableVariant {
    pub dialect: DialectName,
    pub name: Option<String>,
    pub schema: Option<String>,
    pub indexes: Vec<Index>,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
}

/// `sqlite(sql_type = "..", default = "..", check = "..")` on a field.
pub struct ColumnVariant {
    pub dialect: DialectName,
    pub sql_type: Option<String>,
    pub default: Option<String>,
    pub check: Option<String>,
    pub collation: Option<String>,
    pub autoincrement: bool,
}

/// A table-level `primary_key(name = "..", columns(...))`. Without columns it names the
/// key its fields declare.
pub struct Key {
    pub key: Span,
    pub name: Option<String>,
    pub columns: Vec<ColumnRef>,
}

/// A table-level `foreign_key(...)`.
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<ColumnRef>,
    pub referenced_table: String,
    pub referenced_columns: Vec<ColumnRef>,
    pub on_delete: Option<ReferentialAction>,
    pub on_update: Option<ReferentialAction>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub external: bool,
    pub not_valid: bool,
    pub dialects: Vec<DialectName>,
}

/// A table-level `index(...)`: over `columns`, or over `parts` written as SQL.
pub struct Index {
    pub name: Option<String>,
    pub columns: Vec<ColumnRef>,
    pub parts: Vec<String>,
    pub unique: bool,
    pub predicate: Option<String>,
    pub method: Option<String>,
    pub include: Vec<ColumnRef>,
    pub nulls_not_distinct: bool,
    pub dialects: Vec<DialectName>,
}

/// A table-level `unique(...)`.
pub struct Unique {
    pub name: Option<String>,
    pub columns: Vec<ColumnRef>,
    pub dialects: Vec<DialectName>,
}

/// A table-level `check(...)`.
pub struct Check {
    pub name: String,
    pub expression: String,
    pub verbatim: bool,
    pub not_valid: bool,
    pub dialects: Vec<DialectName>,
}

/// A table-level `exclude(...)`.
pub struct Exclusion {
    pub name: String,
    pub method: Option<String>,
    pub elements: Vec<String>,
    pub predicate: Option<String>,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub dialects: Vec<DialectName>,
}

/// One field that is a column.
pub struct Column {
    /// The field name without `r#`.
    pub field: String,
    pub ty: Type,
    pub name: String,
    /// Where the column name comes from: the `name = ".."` value or the field.
    pub name_span: Span,
    pub sql_type: Option<String>,
    /// The length, with the span of the `max_length` key.
    pub max_length: Option<(u32, Span)>,
    /// The span of `primary_key`, when written.
    pub primary_key: Option<Span>,
    /// The value, with the span of the `identity` key.
    pub identity: Option<(IdentityArg, Span)>,
    pub identity_start: Option<i64>,
    pub identity_increment: Option<i64>,
    pub default: Option<String>,
    pub generated: Option<String>,
    pub generated_virtual: bool,
    pub unique: bool,
    pub index: bool,
    pub references: Option<String>,
    pub fk_name: Option<String>,
    pub external: bool,
    pub on_delete: Option<ReferentialAction>,
    pub on_update: Option<ReferentialAction>,
    pub check: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    pub variants: Vec<ColumnVariant>,
}

/// A referential action, named after its `ForeignKeyAction` variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferentialAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl ReferentialAction {
    const VALID: &'static str = "`cascade`, `set null`, `set default`, `restrict`, `no action`";

    /// Case-insensitive; `set null`, `set_null` and `set-null` are one action.
    pub fn parse(text: &str) -> Option<Self> {
        let spaced = text.to_ascii_lowercase().replace(['_', '-'], " ");
        match spaced
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "no action" => Some(Self::NoAction),
            "restrict" => Some(Self::Restrict),
            "cascade" => Some(Self::Cascade),
            "set null" => Some(Self::SetNull),
            "set default" => Some(Self::SetDefault),
            _ => None,
        }
    }

    /// The variant name of `schema_runtime::schema::ForeignKeyAction`.
    pub fn variant(self) -> &'static str {
        match self {
            Self::NoAction => "NoAction",
            Self::Restrict => "Restrict",
            Self::Cascade => "Cascade",
            Self::SetNull => "SetNull",
            Self::SetDefault => "SetDefault",
        }
    }
}

/// Builds the table from its parsed attributes and already-built columns.
pub fn table(
    ident: &Ident,
    input: TableInput,
    columns: Vec<Column>,
    skipped: Vec<String>,
    errors: &mut Accumulator,
) -> Table {
    let rust_name = ident.unraw().to_string();
    let primary_key = input.primary_key.and_then(|item| key(item, errors));
    let variants = [
        (DialectName::Postgresql, input.postgresql),
        (DialectName::Mysql, input.mysql),
        (DialectName::Sqlite, input.sqlite),
    ]
    .into_iter()
    .filter_map(|(dialect, blocks)| table_variant(dialect, blocks, errors))
    .collect();
    Table {
        ident: ident.clone(),
        name: non_empty(input.name, errors).unwrap_or_else(|| snake_case(&rust_name)),
        schema: non_empty(input.schema, errors),
        comment: comment(input.comment, &input.attrs),
        renamed_from: non_empty(input.renamed_from, errors),
        partition_by: non_empty(input.partition_by, errors),
        columns,
        skipped,
        primary_key,
        indexes: input
            .index
            .into_iter()
            .filter_map(|item| index(item, errors))
            .collect(),
        uniques: input
            .unique
            .into_iter()
            .filter_map(|item| unique(item, errors))
            .collect(),
        checks: input
            .check
            .into_iter()
            .filter_map(|item| check(item, errors))
            .collect(),
        foreign_keys: input
            .foreign_key
            .into_iter()
            .filter_map(|item| foreign_key(item, errors))
            .collect(),
        exclusions: input
            .exclude
            .into_iter()
            .filter_map(|item| exclusion(item, errors))
            .collect(),
        no_primary_key: input.no_primary_key.span(),
        variants,
    }
}

/// The dialect's blocks merged into one variant (`None` without blocks). `name` and
/// `schema` may each be given once across them.
fn table_variant(
    dialect: DialectName,
    blocks: Vec<Item<TableVariantInput>>,
    errors: &mut Accumulator,
) -> Option<TableVariant> {
    let (mut name, mut schema) = (None, None);
    let (mut indexes, mut uniques, mut checks) = (Vec::new(), Vec::new(), Vec::new());
    let found = !blocks.is_empty();
    for block in blocks {
        let input = block.value;
        if input.name.is_none()
            && input.schema.is_none()
            && input.index.is_empty()
            && input.unique.is_empty()
            && input.check.is_empty()
        {
            errors.push(error_at(
                block.key,
                "this variant changes nothing; give the table's `name` (and `schema`, if any) or the `index`, `unique` and `check` items it has on this dialect, like `sqlite(name = \"audit_events\")`",
            ));
        }
        once(&mut name, input.name, "name", errors);
        once(&mut schema, input.schema, "schema", errors);
        indexes.extend(input.index);
        uniques.extend(input.unique);
        checks.extend(input.check);
    }
    if !found {
        return None;
    }
    // An item inside a dialect block is on that dialect only already.
    let mut inside = |key: Option<Span>| {
        if let Some(key) = key {
            errors.push(error_at(
                key,
                "`dialects(...)` has no place inside a dialect block: the item is on that dialect only already",
            ));
        }
    };
    indexes
        .iter()
        .for_each(|i| inside(i.value.dialects.as_ref().map(|d| d.key)));
    uniques
        .iter()
        .for_each(|u| inside(u.value.dialects.as_ref().map(|d| d.key)));
    checks
        .iter()
        .for_each(|c| inside(c.value.dialects.as_ref().map(|d| d.key)));
    Some(TableVariant {
        dialect,
        name: non_empty(name, errors),
        schema: non_empty(schema, errors),
        indexes: indexes
            .into_iter()
            .filter_map(|item| index(item, errors))
            .collect(),
        uniques: uniques
            .into_iter()
            .filter_map(|item| unique(item, errors))
            .collect(),
        checks: checks
            .into_iter()
            .filter_map(|item| check(item, errors))
            .collect(),
    })
}

fn column_variant(
    dialect: DialectName,
    item: Item<ColumnVariantInput>,
    errors: &mut Accumulator,
) -> Option<ColumnVariant> {
    let ColumnVariantInput {
        sql_type,
        default,
        check,
        collation,
        autoincrement,
    } = item.value;
    if sql_type.is_none()
        && default.is_none()
        && check.is_none()
        && collation.is_none()
        && !autoincrement.is_present()
    {
        errors.push(error_at(
            item.key,
            "this variant changes nothing; give the column's `sql_type`, `default`, `check` or `collation` on this dialect, like `sqlite(sql_type = \"json\")`",
        ));
        return None;
    }
    Some(ColumnVariant {
        dialect,
        sql_type: non_empty(sql_type, errors),
        default: default.map(|d| d.value),
        check: check.map(|c| c.value),
        collation: non_empty(collation, errors),
        autoincrement: autoincrement.is_present(),
    })
}

/// Keeps the first `key = ".."` of a dialect's blocks; a second is an error at its key.
fn once(
    slot: &mut Option<Arg<String>>,
    arg: Option<Arg<String>>,
    key: &str,
    errors: &mut Accumulator,
) {
    let Some(arg) = arg else { return };
    if slot.is_some() {
        errors.push(error_at(
            arg.key,
            format!("`{key}` is given twice for this dialect; keep one"),
        ));
    } else {
        *slot = Some(arg);
    }
}

/// `dialects(...)`, which must name at least one dialect when written.
fn dialects(item: Option<Item<DialectList>>, errors: &mut Accumulator) -> Vec<DialectName> {
    let Some(item) = item else {
        return Vec::new();
    };
    if item.value.0.is_empty() {
        errors.push(error_at(
            item.key,
            "`dialects(...)` needs at least one dialect, like `dialects(\"postgresql\")`; leave it out to keep the item on every dialect",
        ));
    }
    item.value.0
}

/// An explicit `comment` wins (an empty one means "no comment"); otherwise the doc comment.
fn comment(explicit: Option<Arg<String>>, attrs: &[syn::Attribute]) -> Option<String> {
    match explicit {
        Some(arg) if arg.value.trim().is_empty() => None,
        Some(arg) => Some(arg.value),
        None => doc_comment(attrs),
    }
}

fn non_empty(arg: Option<Arg<String>>, errors: &mut Accumulator) -> Option<String> {
    let arg = arg?;
    if arg.value.trim().is_empty() {
        errors.push(error_at(
            arg.span,
            "this value is empty; write one or leave the argument out",
        ));
        return None;
    }
    Some(arg.value)
}

/// The names of `columns(...)`, which must be present and not empty.
fn column_list(
    columns: Option<Item<ColumnList>>,
    owner: Span,
    what: &str,
    errors: &mut Accumulator,
) -> Option<Vec<ColumnRef>> {
    let (list, span) = match columns {
        Some(item) => (item.value.0, item.key),
        None => (Vec::new(), owner),
    };
    if list.is_empty() {
        errors.push(error_at(
            span,
            format!("`{what}(...)` needs at least one column, like `columns(\"customer_id\")`"),
        ));
        return None;
    }
    Some(list)
}

fn key(item: Item<KeyInput>, errors: &mut Accumulator) -> Option<Key> {
    let KeyInput { name, columns } = item.value;
    let name = non_empty(name, errors);
    // `primary_key(name = "..")` alone names the key the fields declare.
    let columns = match (&name, columns) {
        (Some(_), None) => Vec::new(),
        (_, columns) => column_list(columns, item.key, "primary_key", errors)?,
    };
    Some(Key {
        key: item.key,
        name,
        columns,
    })
}

fn foreign_key(item: Item<ForeignKeyInput>, errors: &mut Accumulator) -> Option<ForeignKey> {
    let ForeignKeyInput {
        name,
        columns,
        references,
        on_delete,
        on_update,
        deferrable,
        initially_deferred,
        external,
        not_valid,
        dialects: only,
    } = item.value;
    let name = non_empty(name, errors);
    let dialects = dialects(only, errors);
    let on_delete = key_action("on_delete", on_delete.as_ref(), errors);
    let on_update = key_action("on_update", on_update.as_ref(), errors);
    let columns = column_list(columns, item.key, "foreign_key", errors);
    let Some(target) = references else {
        errors.push(error_at(
            item.key,
            "this foreign key has no `references(...)`; name the table and its columns, like `references(table = \"order_lines\", columns(\"order_id\", \"line\"))`",
        ));
        return None;
    };
    let TargetInput {
        table,
        columns: referenced,
    } = target.value;
    let Some(table) = table else {
        errors.push(error_at(
            target.key,
            "`references(...)` needs the referenced `table = \"..\"` (or \"schema.table\")",
        ));
        return None;
    };
    let table = well_formed_table(table, errors)?;
    let referenced = column_list(referenced, target.key, "references", errors)?;
    let columns = columns?;
    if columns.len() != referenced.len() {
        errors.push(error_at(
            target.key,
            format!(
                "this foreign key has {} column(s) but references {}; give one referenced column per column, in the same order",
                columns.len(),
                referenced.len()
            ),
        ));
        return None;
    }
    Some(ForeignKey {
        name,
        columns,
        referenced_table: table,
        referenced_columns: referenced,
        on_delete,
        on_update,
        deferrable: deferrable.is_present() || initially_deferred.is_present(),
        initially_deferred: initially_deferred.is_present(),
        external: external.is_present(),
        not_valid: not_valid.is_present(),
        dialects,
    })
}

/// `table` or `schema.table`, without spaces; reports the other forms at the value.
fn well_formed_table(arg: Arg<String>, errors: &mut Accumulator) -> Option<String> {
    let parts: Vec<&str> = arg.value.split('.').collect();
    let ok = parts.len() <= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace));
    if ok {
        return Some(arg.value);
    }
    errors.push(error_at(
        arg.span,
        format!(
            "`table` names the referenced table as \"table\" or \"schema.table\", but `{}` is neither",
            arg.value
        ),
    ));
    None
}

/// `on_delete` / `on_update`, parsed (a field's also needs its `references`).
fn key_action(
    key: &str,
    arg: Option<&Arg<String>>,
    errors: &mut Accumulator,
) -> Option<ReferentialAction> {
    let arg = arg?;
    let parsed = ReferentialAction::parse(&arg.value);
    if parsed.is_none() {
        errors.push(error_at(
            arg.span,
            format!(
                "`{}` is not a referential action for `{key}`; expected one of {}",
                arg.value,
                ReferentialAction::VALID
            ),
        ));
    }
    parsed
}

fn index(item: Item<IndexInput>, errors: &mut Accumulator) -> Option<Index> {
    let IndexInput {
        name,
        columns,
        parts,
        unique,
        predicate,
        method,
        include,
        nulls_not_distinct,
        dialects: only,
    } = item.value;
    let name = non_empty(name, errors);
    let dialects = dialects(only, errors);
    let method = non_empty(method, errors);
    let include = include.map(|i| i.value.0).unwrap_or_default();
    let (columns, parts) = match (columns, parts) {
        (Some(_), Some(parts)) => {
            errors.push(error_at(
                parts.key,
                "an index has `columns(...)` or `parts(...)`, not both; write every key part in `parts` when one of them needs SQL",
            ));
            return None;
        }
        (None, Some(parts)) => {
            let written = column_list(Some(parts), item.key, "parts", errors)?;
            (Vec::new(), written.into_iter().map(|p| p.name).collect())
        }
        (columns, None) => (column_list(columns, item.key, "index", errors)?, Vec::new()),
    };
    Some(Index {
        columns,
        parts,
        name,
        unique: unique.is_present(),
        predicate: predicate.map(|p| p.value),
        method,
        include,
        nulls_not_distinct: nulls_not_distinct.is_present(),
        dialects,
    })
}

fn unique(item: Item<UniqueInput>, errors: &mut Accumulator) -> Option<Unique> {
    let name = non_empty(item.value.name, errors);
    let dialects = dialects(item.value.dialects, errors);
    Some(Unique {
        columns: column_list(item.value.columns, item.key, "unique", errors)?,
        name,
        dialects,
    })
}

fn check(item: Item<CheckInput>, errors: &mut Accumulator) -> Option<Check> {
    const EXAMPLE: &str = "`check(name = \"total_non_negative\", expr = \"total >= 0\")`";
    let CheckInput {
        name,
        expr,
        verbatim,
        not_valid,
        dialects: only,
    } = item.value;
    let dialects = dialects(only, errors);
    match (name, expr) {
        (Some(name), Some(expr)) if !expr.value.trim().is_empty() => Some(Check {
            name: non_empty(Some(name), errors)?,
            expression: expr.value,
            verbatim: verbatim.is_present(),
            not_valid: not_valid.is_present(),
            dialects,
        }),
        (Some(_), Some(expr)) => {
            errors.push(error_at(
                expr.span,
                "the check's `expr` is empty; write the SQL condition",
            ));
            None
        }
        (None, _) => {
            errors.push(error_at(
                item.key,
                format!("this check has no `name`; a check needs both `name` and `expr`, like {EXAMPLE}"),
            ));
            None
        }
        (Some(_), None) => {
            errors.push(error_at(
                item.key,
                format!("this check has no `expr`; a check needs both `name` and `expr`, like {EXAMPLE}"),
            ));
            None
        }
    }
}

fn exclusion(item: Item<ExcludeInput>, errors: &mut Accumulator) -> Option<Exclusion> {
    const EXAMPLE: &str =
        "`exclude(name = \"no_double_booking\", elements(\"room_id WITH =\", \"during WITH &&\"))`";
    let ExcludeInput {
        name,
        using,
        elements,
        predicate,
        deferrable,
        initially_deferred,
        dialects: only,
    } = item.value;
    let dialects = dialects(only, errors);
    let method = non_empty(using, errors);
    let predicate = non_empty(predicate, errors);
    let Some(name) = name else {
        errors.push(error_at(
            item.key,
            format!("this exclusion constraint has no `name`; write one, like {EXAMPLE}"),
        ));
        return None;
    };
    let name = non_empty(Some(name), errors)?;
    let elements = match elements {
        Some(list) if !list.value.0.is_empty() => list.value.0,
        _ => {
            errors.push(error_at(
                item.key,
                format!("this exclusion constraint has no `elements(...)`; list what it compares, like {EXAMPLE}"),
            ));
            return None;
        }
    };
    let mut written = Vec::new();
    for element in elements {
        if has_with(&element.name) {
            written.push(element.name);
        } else {
            errors.push(error_at(
                element.span,
                "an element is a column or a parenthesised expression, `WITH` and the operator that must not hold between two rows, like \"during WITH &&\"",
            ));
        }
    }
    if written.is_empty() {
        return None;
    }
    Some(Exclusion {
        name,
        method,
        elements: written,
        predicate,
        deferrable: deferrable.is_present(),
        initially_deferred: initially_deferred.is_present(),
        dialects,
    })
}

/// True when `element` has a `WITH` keyword between a key and an operator.
fn has_with(element: &str) -> bool {
    let words: Vec<&str> = element.split_whitespace().collect();
    words.len() >= 3
        && words[1..words.len() - 1]
            .iter()
            .any(|w| w.eq_ignore_ascii_case("with"))
}

/// Builds one field's column, or `None` for a skipped field (or one whose attributes are wrong).
pub fn column(input: ColumnInput, errors: &mut Accumulator) -> Option<Column> {
    let ident = input.ident.clone()?;
    let field = ident.unraw().to_string();
    if input.skip.is_present() {
        reject_with_skip(&input, errors);
        return None;
    }
    let variants = [
        (DialectName::Postgresql, input.postgresql),
        (DialectName::Mysql, input.mysql),
        (DialectName::Sqlite, input.sqlite),
    ]
    .into_iter()
    .filter_map(|(dialect, item)| column_variant(dialect, item?, errors))
    .collect();
    if let (Some(_), Some(max)) = (&input.sql_type, &input.max_length) {
        errors.push(error_at(
            max.key,
            "`max_length` cannot be combined with `sql_type`; write the length in the SQL type instead, like `sql_type = \"varchar(40)\"`",
        ));
    }
    if let Some(max) = input.max_length.as_ref().filter(|m| m.value == 0) {
        errors.push(error_at(
            max.span,
            "`max_length = 0` would allow no text at all; give a length of at least 1",
        ));
    }
    if let Some(span) = input.primary_key.span() {
        if is_option(&input.ty) {
            errors.push(error_at(
                span,
                format!("a primary key cannot be NULL, but field `{field}` is an `Option`; remove the `Option` or the `primary_key`"),
            ));
        }
    }
    let (name, name_span) = match non_empty(input.name.clone(), errors) {
        Some(name) => (name, input.name.as_ref().map_or(ident.span(), |n| n.span)),
        None => (field.clone(), ident.span()),
    };
    let references = input
        .references
        .as_ref()
        .and_then(|r| references(r, errors));
    for (key, span) in [
        ("fk_name", input.fk_name.as_ref().map(|a| a.key)),
        ("external", input.external.span()),
    ] {
        if let (Some(span), None) = (span, &input.references) {
            errors.push(error_at(
                span,
                format!("`{key}` applies to a foreign key, and this field has none; add `references = \"table.column\"` or remove `{key}`"),
            ));
        }
    }
    let on_delete = action(
        "on_delete",
        input.on_delete.as_ref(),
        &input.references,
        errors,
    );
    let on_update = action(
        "on_update",
        input.on_update.as_ref(),
        &input.references,
        errors,
    );
    Some(Column {
        field,
        ty: input.ty,
        name,
        name_span,
        sql_type: non_empty(input.sql_type, errors),
        max_length: input.max_length.map(|m| (m.value, m.key)),
        primary_key: input.primary_key.span(),
        identity: input.identity.map(|i| (i.value, i.key)),
        identity_start: input.identity_start.as_ref().map(|a| a.value),
        identity_increment: input.identity_increment.as_ref().map(|a| a.value),
        default: input.default.map(|d| d.value),
        generated: non_empty(input.generated, errors),
        generated_virtual: input.generated_virtual.is_present(),
        unique: input.unique.is_present(),
        index: input.index.is_present(),
        references,
        fk_name: non_empty(input.fk_name.clone(), errors),
        external: input.external.is_present(),
        on_delete,
        on_update,
        check: input.check.map(|c| c.value),
        collation: non_empty(input.collation, errors),
        comment: comment(input.comment, &input.attrs),
        renamed_from: non_empty(input.renamed_from, errors),
        variants,
    })
}

/// `skip` says "not a column", so every column attribute next to it is a contradiction.
fn reject_with_skip(input: &ColumnInput, errors: &mut Accumulator) {
    let words: [(&str, Word); 5] = [
        ("primary_key", input.primary_key),
        ("unique", input.unique),
        ("index", input.index),
        ("external", input.external),
        ("generated_virtual", input.generated_virtual),
    ];
    let mut keys: Vec<(&str, Span)> = words
        .iter()
        .filter_map(|(name, word)| word.span().map(|s| (*name, s)))
        .collect();
    keys.extend(input.identity.as_ref().map(|a| ("identity", a.key)));
    keys.extend(input.max_length.as_ref().map(|a| ("max_length", a.key)));
    keys.extend(
        input
            .identity_start
            .as_ref()
            .map(|a| ("identity_start", a.key)),
    );
    keys.extend(
        input
            .identity_increment
            .as_ref()
            .map(|a| ("identity_increment", a.key)),
    );
    let variants = [
        ("postgresql", &input.postgresql),
        ("mysql", &input.mysql),
        ("sqlite", &input.sqlite),
    ];
    keys.extend(
        variants
            .iter()
            .filter_map(|(name, item)| item.as_ref().map(|i| (*name, i.key))),
    );
    let strings = [
        ("name", &input.name),
        ("sql_type", &input.sql_type),
        ("default", &input.default),
        ("generated", &input.generated),
        ("references", &input.references),
        ("fk_name", &input.fk_name),
        ("on_delete", &input.on_delete),
        ("on_update", &input.on_update),
        ("check", &input.check),
        ("collation", &input.collation),
        ("comment", &input.comment),
        ("renamed_from", &input.renamed_from),
    ];
    keys.extend(
        strings
            .iter()
            .filter_map(|(name, arg)| arg.as_ref().map(|a| (*name, a.key))),
    );
    for (name, span) in keys {
        errors.push(error_at(
            span,
            format!("`{name}` cannot be combined with `skip`: a skipped field is not a column"),
        ));
    }
}

/// `Option<..>`, spelled any way that ends in `Option` (`std::option::Option<..>` too).
/// Aliases of `Option` are caught by a compile-time assertion in the generated code instead.
pub fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Option"),
        Type::Group(group) => is_option(&group.elem),
        Type::Paren(paren) => is_option(&paren.elem),
        _ => false,
    }
}

/// `table.column` or `schema.table.column`, every part non-empty and without spaces.
fn references(arg: &Arg<String>, errors: &mut Accumulator) -> Option<String> {
    let parts: Vec<&str> = arg.value.split('.').collect();
    let well_formed = matches!(parts.len(), 2 | 3)
        && parts
            .iter()
            .all(|p| !p.is_empty() && !p.contains(char::is_whitespace));
    if well_formed {
        return Some(arg.value.clone());
    }
    errors.push(error_at(
        arg.span,
        format!(
            "`references` names the referenced column as \"table.column\" or \"schema.table.column\", but `{}` is neither",
            arg.value
        ),
    ));
    None
}

fn action(
    key: &str,
    arg: Option<&Arg<String>>,
    references: &Option<Arg<String>>,
    errors: &mut Accumulator,
) -> Option<ReferentialAction> {
    let parsed = key_action(key, arg, errors);
    let arg = arg?;
    if references.is_none() {
        errors.push(error_at(
            arg.key,
            format!("`{key}` applies to a foreign key, and this field has none; add `references = \"table.column\"` or remove `{key}`"),
        ));
    }
    parsed
}
