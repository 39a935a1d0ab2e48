//! Deciding what to normalise, without a connection: the model tables that have
//! expressions (column defaults, checks, partial-index predicates, index expressions,
//! exclusion constraints) or
//! column types the database has not already spelled the same way.
//!
//! The unit is the table: a table is skipped when the current database has it with the
//! same column types and every one of its expressions already reads exactly as the
//! catalog deparses it. Deparsing is idempotent on a column of the same type, so such an
//! expression cannot change; everything else is sent through the server.
//!
//! Column defaults are the exception: a default cannot name a column, so its deparsed text
//! depends only on the expression, the column's type and its collation. A model's `'new'`
//! never reads like the catalog's `'new'::character varying`, so copying every table with
//! such a default copied about one table in five on every run. Instead, each distinct
//! (type, collation, expression) that does not already read like the database goes once
//! onto one shared scratch table ([`shared_defaults`]). A large schema has only a handful.

use std::collections::HashMap;

use schema_runtime::schema::{Column, ColumnType, IndexPart, QualifiedName, Schema, Table};

use crate::dialect::postgres::inspect::InspectError;

/// One expression slot of a model table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The default of `columns[column]`.
    Default { column: usize },
    /// The expression of `checks[check]`.
    Check { check: usize },
    /// The predicate and expression parts of `indexes[index]`.
    Index { index: usize },
    /// The generation expression of `columns[column]` (built with the scratch table).
    Generated { column: usize },
    /// The definition of `exclusions[exclusion]`: its elements, predicate and method.
    Exclusion { exclusion: usize },
    /// The partition key, stored on a partitioned copy of the scratch table (a table is
    /// partitioned when it is created, and the copy keeps the scratch table itself plain,
    /// since a partitioned table refuses some of the other slots).
    Partitioning,
    /// The type of `columns[column]`, when only the server knows how it reads back: a type
    /// the schema model keeps verbatim (`timestamptz(3)` reads back as
    /// `timestamp(3) with time zone`), or a numeric with a precision and no scale (stored
    /// as scale 0).
    Type { column: usize },
}

/// A model table that needs the server, with the slots to rewrite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TablePlan {
    /// Index into `target.tables`.
    pub table: usize,
    /// The slots: defaults, checks, indexes, then types.
    pub slots: Vec<Slot>,
}

/// One default to normalise on the shared scratch table: the column that holds it there
/// (named `d<position>`, with the model's type, collation and default) and every model
/// column, as `(table, column)` positions in the target, that writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SharedDefault {
    pub column: Column,
    pub users: Vec<(usize, usize)>,
}

/// The defaults of the target that do not read like the database already, each distinct
/// one once, in the order first met.
pub(crate) fn shared_defaults(current: &Schema, target: &Schema) -> Vec<SharedDefault> {
    let mut shared: Vec<SharedDefault> = Vec::new();
    let mut seen: HashMap<(&ColumnType, Option<&str>, &str), usize> = HashMap::new();
    for (table_index, table) in target.tables.iter().enumerate() {
        let existing = current.table(&table.name);
        for (column_index, column) in table.columns.iter().enumerate() {
            if !has_normalisable_default(column) {
                continue;
            }
            let Some(default) = column.default.as_deref() else {
                continue;
            };
            let in_sync = existing
                .and_then(|t| t.column(&column.name))
                .is_some_and(|c| {
                    c.ty == column.ty
                        && c.collation == column.collation
                        && c.default == column.default
                });
            if in_sync {
                continue;
            }
            let key = (&column.ty, column.collation.as_deref(), default);
            let position = *seen.entry(key).or_insert_with(|| {
                let mut holder = Column::new(format!("d{}", shared.len()), column.ty.clone());
                holder.collation.clone_from(&column.collation);
                holder.default = Some(default.to_string());
                shared.push(SharedDefault {
                    column: holder,
                    users: Vec::new(),
                });
                shared.len() - 1
            });
            shared[position].users.push((table_index, column_index));
        }
    }
    shared
}

/// The model-side name of the table holding the shared defaults (never created under this
/// name: scratch tables are named by position).
pub(crate) const SHARED_DEFAULTS: &str = "dgs_norm_shared_defaults";

/// The plans for `target`, the shared defaults last: their holder table is appended to
/// `target` for the run, and [`take_shared_defaults`] takes it off again.
pub(crate) fn plan_with_shared_defaults(
    current: &Schema,
    target: &mut Schema,
) -> (Vec<TablePlan>, Vec<SharedDefault>) {
    let mut plans = plan(current, target);
    let shared = shared_defaults(current, target);
    if !shared.is_empty() {
        let mut holder = Table::new(QualifiedName::new(SHARED_DEFAULTS));
        holder.columns = shared.iter().map(|s| s.column.clone()).collect();
        plans.push(TablePlan {
            table: target.tables.len(),
            slots: shared_slots(&shared),
        });
        target.tables.push(holder);
    }
    (plans, shared)
}

/// Takes the holder of the shared defaults off `target` and, when the run `succeeded`,
/// gives each model column the deparsed text of its default.
pub(crate) fn take_shared_defaults(target: &mut Schema, shared: &[SharedDefault], succeeded: bool) {
    if shared.is_empty() {
        return;
    }
    let Some(holder) = target.tables.pop() else {
        return;
    };
    if !succeeded {
        return;
    }
    for (default, column) in shared.iter().zip(&holder.columns) {
        for &(table, position) in &default.users {
            target.tables[table].columns[position]
                .default
                .clone_from(&column.default);
        }
    }
}

/// An error about a shared default, told about the first model column that writes it.
pub(crate) fn blame_users(
    mut error: InspectError,
    shared: &[SharedDefault],
    target: &Schema,
) -> InspectError {
    if let InspectError::Expression { table, what, .. }
    | InspectError::UnsafeExpression { table, what, .. } = &mut error
    {
        // `default of column d3`: the holder's column names the shared default.
        let user = what
            .rsplit_once(" d")
            .filter(|_| table.name == SHARED_DEFAULTS)
            .and_then(|(lead, number)| Some((lead, number.parse::<usize>().ok()?)))
            .and_then(|(lead, position)| Some((lead, shared.get(position)?.users.first()?)));
        if let Some((lead, &(user_table, user_column))) = user {
            let model = &target.tables[user_table];
            *what = format!("{lead} {}", model.columns[user_column].name);
            *table = model.name.clone();
        }
    }
    error
}

/// The slots of the shared scratch table that holds `shared`: each default, and the type of
/// each column whose type only the server can spell (so that its text is checked before
/// it is pasted into the script, as on any scratch table).
pub(crate) fn shared_slots(shared: &[SharedDefault]) -> Vec<Slot> {
    let defaults = (0..shared.len()).map(|column| Slot::Default { column });
    let types = shared
        .iter()
        .enumerate()
        .filter(|(_, s)| type_needs_the_server(&s.column.ty))
        .map(|(column, _)| Slot::Type { column });
    defaults.chain(types).collect()
}

/// The tables to normalise (their defaults apart: see [`shared_defaults`]); empty when the
/// target already reads like the database.
pub(crate) fn plan(current: &Schema, target: &Schema) -> Vec<TablePlan> {
    target
        .tables
        .iter()
        .enumerate()
        .filter_map(|(position, table)| {
            let slots = slots(table);
            if slots.is_empty() || in_sync(current, table, &slots) {
                return None;
            }
            Some(TablePlan {
                table: position,
                slots,
            })
        })
        .collect()
}

/// True for a default the server must not see: `nextval('seq'::regclass)` names a sequence
/// that may not exist yet, and its text is kept exactly as written.
pub(crate) fn is_sequence_default(default: &str) -> bool {
    let text = default.trim_start();
    text.len() >= 8 && text[..8].eq_ignore_ascii_case("nextval(")
}

/// A column whose default is normalised: not an identity column (its values come from the
/// identity sequence, and a default there is the model's mistake for the diff to report),
/// and not a sequence default.
fn has_normalisable_default(column: &Column) -> bool {
    column.identity.is_none()
        && column
            .default
            .as_deref()
            .is_some_and(|d| !is_sequence_default(d))
}

fn slots(table: &Table) -> Vec<Slot> {
    let checks = (0..table.checks.len()).map(|check| Slot::Check { check });
    let indexes = table
        .indexes
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.predicate.is_some()
                || !i.part_options.is_empty()
                || i.parts
                    .iter()
                    .any(|p| matches!(p, IndexPart::Expression(_)))
        })
        .map(|(index, _)| Slot::Index { index });
    let types = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| type_needs_the_server(&c.ty))
        .map(|(column, _)| Slot::Type { column });
    let generated = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.generated.is_some())
        .map(|(column, _)| Slot::Generated { column });
    let exclusions = (0..table.exclusions.len()).map(|exclusion| Slot::Exclusion { exclusion });
    let partitioning = table.partition_by.iter().map(|_| Slot::Partitioning);
    checks
        .chain(indexes)
        .chain(types)
        .chain(generated)
        .chain(exclusions)
        .chain(partitioning)
        .collect()
}

/// True for a type whose spelling in the schema model may differ from how PostgreSQL
/// reports it.
pub(crate) fn type_needs_the_server(ty: &ColumnType) -> bool {
    match ty {
        ColumnType::Custom { .. } => true,
        ColumnType::Numeric {
            precision: Some(_),
            scale: None,
        } => true,
        ColumnType::Array { element } => type_needs_the_server(element),
        _ => false,
    }
}

fn in_sync(current: &Schema, table: &Table, slots: &[Slot]) -> bool {
    let Some(existing) = current.table(&table.name) else {
        tracing::trace!(table = %table.name, "normalised: a new table");
        return false;
    };
    let differing_column = table.columns.iter().find(|column| {
        !existing
            .column(&column.name)
            .is_some_and(|c| c.ty == column.ty && c.collation == column.collation)
    });
    if let Some(column) = differing_column {
        tracing::trace!(table = %table.name, column = %column.name, "normalised: the column's type differs");
        return false;
    }
    match slots
        .iter()
        .find(|slot| !slot_in_sync(existing, table, **slot))
    {
        Some(slot) => {
            tracing::trace!(table = %table.name, ?slot, "normalised: differs from the catalog");
            false
        }
        None => true,
    }
}

fn slot_in_sync(existing: &Table, table: &Table, slot: Slot) -> bool {
    match slot {
        Slot::Default { column } => {
            let column = &table.columns[column];
            existing
                .column(&column.name)
                .is_some_and(|c| c.default == column.default)
        }
        // The question is whether the model's text already reads as the catalog's, not
        // which constraint it is: the diff matches a constraint by what it is, so its
        // name (the convention's, where the database has its own) does not count here.
        Slot::Check { check } => {
            let check = &table.checks[check];
            existing
                .checks
                .iter()
                .any(|c| c.expression == check.expression)
        }
        Slot::Type { column } => {
            let column = &table.columns[column];
            existing
                .column(&column.name)
                .is_some_and(|c| c.ty == column.ty)
        }
        Slot::Generated { column } => {
            let column = &table.columns[column];
            existing
                .column(&column.name)
                .is_some_and(|c| c.generated == column.generated)
        }
        Slot::Partitioning => existing.partition_by == table.partition_by,
        Slot::Exclusion { exclusion } => {
            let exclusion = &table.exclusions[exclusion];
            existing
                .exclusions
                .iter()
                .any(|e| e.definition == exclusion.definition)
        }
        Slot::Index { index } => {
            let index = &table.indexes[index];
            existing.indexes.iter().any(|i| {
                i.predicate == index.predicate
                    && i.parts == index.parts
                    && i.part_options == index.part_options
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use schema_runtime::schema::{
        CheckConstraint, ColumnType, Identity, Index, QualifiedName, Table,
    };

    use super::*;

    fn orders() -> Table {
        let mut table = Table::new(QualifiedName::new("orders"));
        let mut id = Column::new("id", ColumnType::BigInt);
        id.identity = Some(Identity::ByDefault);
        let mut legacy = Column::new("legacy", ColumnType::Integer);
        legacy.default = Some("nextval('orders_legacy_seq'::regclass)".into());
        let mut total = Column::new(
            "total",
            ColumnType::Numeric {
                precision: Some(12),
                scale: Some(2),
            },
        );
        total.default = Some("0".into());
        let mut deleted = Column::new("deleted_at", ColumnType::TimestampTz);
        deleted.nullable = true;
        table.columns = vec![id, legacy, total, deleted];
        table.checks.push(CheckConstraint {
            name: "total_non_negative".into(),
            expression: "(total >= (0)::numeric)".into(),
            not_valid: false,
        });
        table.indexes.push(Index {
            name: "ix_live".into(),
            parts: vec![IndexPart::Column("id".into())],
            unique: false,
            predicate: Some("deleted_at IS NULL".into()),
            method: None,
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        });
        table.indexes.push(Index {
            name: "ix_plain".into(),
            parts: vec![IndexPart::Column("total".into())],
            unique: false,
            predicate: None,
            method: None,
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        });
        table
    }

    fn schema(table: Table) -> Schema {
        Schema {
            enums: Vec::new(),
            tables: vec![table],
        }
    }

    #[test]
    fn defaults_and_plain_indexes_are_not_table_slots() {
        assert_eq!(
            slots(&orders()),
            vec![Slot::Check { check: 0 }, Slot::Index { index: 0 }]
        );
        assert!(is_sequence_default("  NEXTVAL('s'::regclass)"));
        assert!(!is_sequence_default("next"));
    }

    #[test]
    fn each_distinct_default_is_shared_once_and_one_that_reads_alike_not_at_all() {
        let current = schema(orders());
        let mut target = current.clone();
        // In sync: nothing to normalise.
        assert_eq!(shared_defaults(&current, &target), vec![]);
        // The model's spelling of `total`'s default, on the table and on two new ones
        // (one with another type): two distinct defaults, the first written three times.
        // The identity and the sequence default are never normalised.
        target.tables[0].columns[2].default = Some("'0'".into());
        let mut copy = target.tables[0].clone();
        copy.name = QualifiedName::new("orders_copy");
        let mut other = copy.clone();
        other.name = QualifiedName::new("orders_int");
        other.columns[2].ty = ColumnType::Integer;
        target.tables.push(copy);
        target.tables.push(other);
        let shared = shared_defaults(&current, &target);
        let users: Vec<Vec<(usize, usize)>> = shared.iter().map(|s| s.users.clone()).collect();
        assert_eq!(users, [vec![(0, 2), (1, 2)], vec![(2, 2)]]);
        assert_eq!(shared[1].column.ty, ColumnType::Integer);
        assert_eq!(shared[0].column.name, "d0");
        assert_eq!(shared[0].column.default.as_deref(), Some("'0'"));
    }

    #[test]
    fn a_table_that_reads_like_the_database_is_skipped() {
        let current = schema(orders());
        assert_eq!(plan(&current, &current), vec![]);
    }

    #[test]
    fn a_different_spelling_or_a_new_table_is_planned() {
        let current = schema(orders());
        let mut target = current.clone();
        target.tables[0].checks[0].expression = "total >= 0".into();
        assert_eq!(plan(&current, &target).len(), 1);
        assert_eq!(plan(&Schema::default(), &current).len(), 1);
    }

    #[test]
    fn types_only_the_server_can_spell_are_slots() {
        let mut table = Table::new(QualifiedName::new("t"));
        table.columns = vec![
            Column::new(
                "at",
                ColumnType::Custom {
                    sql: "timestamptz(3)".into(),
                },
            ),
            Column::new(
                "n",
                ColumnType::Numeric {
                    precision: Some(10),
                    scale: None,
                },
            ),
            Column::new(
                "ns",
                ColumnType::Array {
                    element: Box::new(ColumnType::Numeric {
                        precision: Some(10),
                        scale: Some(2),
                    }),
                },
            ),
        ];
        assert_eq!(
            slots(&table),
            vec![Slot::Type { column: 0 }, Slot::Type { column: 1 }]
        );
        // A new table with such a type is planned; once the database reads the same, not.
        assert_eq!(plan(&Schema::default(), &schema(table.clone())).len(), 1);
        assert_eq!(plan(&schema(table.clone()), &schema(table)), vec![]);
    }

    #[test]
    fn a_changed_column_type_replans_even_equal_texts() {
        let current = schema(orders());
        let mut target = current.clone();
        target.tables[0].columns[2].ty = ColumnType::Integer;
        assert_eq!(plan(&current, &target).len(), 1);
    }
}
