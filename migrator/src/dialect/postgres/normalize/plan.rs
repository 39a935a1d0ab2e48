//! Deciding what to normalise, without a connection: the model tables that have
//! expressions (column defaults, checks, partial-index predicates, index expressions,
//! exclusion constraints) or
//! column types the database has not already spelled the same way.
//!
//! The unit is the table: a table is skipped when the current database has it with the
//! same column types and every one of its expressions already reads exactly as the
//! catalog deparses it. Deparsing is idempotent on a column of the same type, so such an
//! expression cannot change; everything else is sent through the server.

use schema_runtime::schema::{Column, ColumnType, IndexPart, Schema, Table};

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

/// The tables to normalise; empty when the target already reads like the database.
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
    let defaults = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| has_normalisable_default(c))
        .map(|(column, _)| Slot::Default { column });
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
    defaults
        .chain(checks)
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
        return false;
    };
    let same_columns = table.columns.iter().all(|column| {
        existing
            .column(&column.name)
            .is_some_and(|c| c.ty == column.ty && c.collation == column.collation)
    });
    same_columns
        && slots
            .iter()
            .all(|slot| slot_in_sync(existing, table, *slot))
}

fn slot_in_sync(existing: &Table, table: &Table, slot: Slot) -> bool {
    match slot {
        Slot::Default { column } => {
            let column = &table.columns[column];
            existing
                .column(&column.name)
                .is_some_and(|c| c.default == column.default)
        }
        Slot::Check { check } => {
            let check = &table.checks[check];
            existing
                .checks
                .iter()
                .any(|c| c.name == check.name && c.expression == check.expression)
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
                .any(|e| e.name == exclusion.name && e.definition == exclusion.definition)
        }
        Slot::Index { index } => {
            let index = &table.indexes[index];
            existing.indexes.iter().any(|i| {
                i.name == index.name
                    && i.predicate == index.predicate
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
    fn identity_sequence_defaults_and_plain_indexes_are_not_slots() {
        assert_eq!(
            slots(&orders()),
            vec![
                Slot::Default { column: 2 },
                Slot::Check { check: 0 },
                Slot::Index { index: 0 }
            ]
        );
        assert!(is_sequence_default("  NEXTVAL('s'::regclass)"));
        assert!(!is_sequence_default("next"));
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
