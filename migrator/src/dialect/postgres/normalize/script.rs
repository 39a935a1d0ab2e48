//! The scratch DDL script: enum types the expressions need, one temporary table per planned
//! model table with the model's column types, and one statement per expression, so the
//! server parses and stores every expression exactly as it would on the real table.
//!
//! Enum types are the subtle part, because a deparsed cast names its type (`'paid'::order_status`,
//! `'low'::audit.level`) and qualifies it only when `search_path` (pinned to `public`) does
//! not find it:
//! - an enum the database already has with every value the model lists is used as is;
//! - a `public` enum that is missing or lacks values gets a copy in `pg_temp`, which
//!   PostgreSQL searches for types before `public`, so the copy deparses unqualified exactly
//!   like the real type would;
//! - an enum of another namespace that is missing or lacks values is created in that very
//!   namespace (the existing type, if any, renamed out of the way first; the namespace
//!   created if missing): only the real namespace deparses as `audit.level`. The
//!   transaction is always rolled back, so none of this is ever visible to anyone.

use std::collections::BTreeMap;

use schema_runtime::schema::{ColumnType, IndexPart, QualifiedName, Schema, Table};

use super::fragment::check_fragment;
use super::plan::{Slot, TablePlan};
use crate::dialect::postgres::inspect::{queries, InspectError};

/// Where a statement of the script came from, to name the culprit when one fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Session setup.
    Setup,
    /// An enum type the scratch columns need.
    Enum(QualifiedName),
    /// The scratch copy of `plans[plan]`.
    Table { plan: usize },
    /// `plans[plan].slots[slot]`.
    Slot { plan: usize, slot: usize },
}

/// One statement of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScriptStatement {
    pub sql: String,
    pub origin: Origin,
}

/// The scratch table standing in for `plans[plan]`.
pub(crate) fn scratch_table(plan: usize) -> String {
    format!("dgs_norm_{plan}")
}

/// The scratch check or index standing in for `plans[plan].slots[slot]`.
pub(crate) fn scratch_object(plan: usize, slot: usize) -> String {
    format!("dgs_norm_{plan}_{slot}")
}

/// Which model expression a slot holds, for messages.
pub(crate) fn describe_slot(table: &Table, slot: Slot) -> String {
    match slot {
        Slot::Default { column } => format!("default of column {}", table.columns[column].name),
        Slot::Check { check } => format!("check {}", table.checks[check].name),
        Slot::Index { index } => format!("index {}", table.indexes[index].name),
        Slot::Type { column } => format!("type of column {}", table.columns[column].name),
        Slot::Generated { column } => {
            format!(
                "generation expression of column {}",
                table.columns[column].name
            )
        }
        Slot::Exclusion { exclusion } => {
            format!("exclusion constraint {}", table.exclusions[exclusion].name)
        }
        Slot::Partitioning => "partition key".to_string(),
    }
}

/// The whole script, or the first expression that cannot be pasted into it safely.
pub(crate) fn build(
    current: &Schema,
    target: &Schema,
    plans: &[TablePlan],
) -> Result<Vec<ScriptStatement>, InspectError> {
    let mut statements = vec![ScriptStatement {
        sql: queries::SET_SEARCH_PATH.trim().to_string(),
        origin: Origin::Setup,
    }];
    let enum_refs = enum_statements(current, target, plans, &mut statements);
    for (plan_index, plan) in plans.iter().enumerate() {
        let table = &target.tables[plan.table];
        statements.push(ScriptStatement {
            sql: create_table(plan_index, table, &enum_refs),
            origin: Origin::Table { plan: plan_index },
        });
        for (slot_index, slot) in plan.slots.iter().enumerate() {
            if let Some(sql) = slot_statement(plan_index, slot_index, table, *slot)? {
                statements.push(ScriptStatement {
                    sql,
                    origin: Origin::Slot {
                        plan: plan_index,
                        slot: slot_index,
                    },
                });
            }
        }
    }
    Ok(statements)
}

/// Adds the enum DDL and returns how each needed enum is referred to.
fn enum_statements(
    current: &Schema,
    target: &Schema,
    plans: &[TablePlan],
    statements: &mut Vec<ScriptStatement>,
) -> BTreeMap<QualifiedName, String> {
    let mut needed = BTreeMap::new();
    for plan in plans {
        for column in &target.tables[plan.table].columns {
            if let Some(name) = enum_of(&column.ty) {
                needed.insert(name.clone(), ());
            }
        }
    }
    let mut refs = BTreeMap::new();
    for (shadow, name) in needed.into_keys().enumerate() {
        let reference = match target.enum_type(&name) {
            Some(wanted) if !has_values(current, &name, &wanted.values) => {
                let (reference, sql) = shadow_enum(shadow, &name, &wanted.values);
                statements.extend(sql.into_iter().map(|sql| ScriptStatement {
                    sql,
                    origin: Origin::Enum(name.clone()),
                }));
                reference
            }
            // Already there with every value, or not a model enum at all: the real type.
            _ => real_type(&name),
        };
        refs.insert(name, reference);
    }
    refs
}

fn enum_of(ty: &ColumnType) -> Option<&QualifiedName> {
    match ty {
        ColumnType::Enum { name } => Some(name),
        ColumnType::Array { element } => enum_of(element),
        _ => None,
    }
}

fn has_values(current: &Schema, name: &QualifiedName, values: &[String]) -> bool {
    current
        .enum_type(name)
        .is_some_and(|e| values.iter().all(|v| e.values.contains(v)))
}

/// The explicit spelling of an existing type, so that a `pg_temp` copy of another enum
/// can never be picked up by mistake.
fn real_type(name: &QualifiedName) -> String {
    let namespace = name.schema.as_deref().unwrap_or("public");
    format!("{}.{}", quote_ident(namespace), quote_ident(&name.name))
}

/// The statements creating a stand-in for `name` with `values`, and how to refer to it.
fn shadow_enum(shadow: usize, name: &QualifiedName, values: &[String]) -> (String, Vec<String>) {
    let labels = values
        .iter()
        .map(|v| quote_literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(namespace) = &name.schema else {
        let reference = format!("pg_temp.{}", quote_ident(&name.name));
        let create = format!("CREATE TYPE {reference} AS ENUM ({labels})");
        return (reference, vec![create]);
    };
    let reference = real_type(name);
    let make_room = format!(
        "DO $dgs$\nBEGIN\n  IF pg_catalog.to_regtype({type_literal}) IS NOT NULL THEN\n    \
         ALTER TYPE {reference} RENAME TO {renamed};\n  END IF;\n  \
         IF pg_catalog.to_regnamespace({namespace_literal}) IS NULL THEN\n    \
         CREATE SCHEMA {namespace_ident};\n  END IF;\nEND\n$dgs$",
        type_literal = quote_literal(&reference),
        renamed = quote_ident(&format!("dgs_norm_shadowed_{shadow}")),
        namespace_literal = quote_literal(&quote_ident(namespace)),
        namespace_ident = quote_ident(namespace),
    );
    let create = format!("CREATE TYPE {reference} AS ENUM ({labels})");
    (reference, vec![make_room, create])
}

fn create_table(plan: usize, table: &Table, enum_refs: &BTreeMap<QualifiedName, String>) -> String {
    let columns = table
        .columns
        .iter()
        .map(|column| {
            let mut sql = format!(
                "{} {}",
                quote_ident(&column.name),
                scratch_type(&column.ty, enum_refs)
            );
            if let Some(collation) = &column.collation {
                sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
            }
            if let Some(expression) = &column.generated {
                // Checked as a fragment by its slot before the script is used.
                sql.push_str(&format!(" GENERATED ALWAYS AS (\n{expression}\n) STORED"));
            }
            sql
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "CREATE TEMPORARY TABLE {} ({columns})",
        quote_ident(&scratch_table(plan))
    )
}

/// The statement storing one slot's expression(s) on the scratch table; `None` for an
/// index that cannot be rebuilt (no key at all), which is then left as written.
fn slot_statement(
    plan: usize,
    slot_index: usize,
    table: &Table,
    slot: Slot,
) -> Result<Option<String>, InspectError> {
    let scratch = format!("pg_temp.{}", quote_ident(&scratch_table(plan)));
    let object = quote_ident(&scratch_object(plan, slot_index));
    let fragment = |expression: &str| -> Result<String, InspectError> {
        check_fragment(expression).map_err(|reason| InspectError::UnsafeExpression {
            table: table.name.clone(),
            what: describe_slot(table, slot),
            expression: expression.to_string(),
            reason: reason.to_string(),
        })?;
        // The newline ends a trailing `--` comment inside the expression.
        Ok(format!("(\n{expression}\n)"))
    };
    let sql = match slot {
        // The scratch table's column has the type already; only make sure a custom type's
        // text cannot end the statement it is pasted into.
        Slot::Type { column } => {
            custom_types(&table.columns[column].ty).try_for_each(|sql| fragment(sql).map(drop))?;
            return Ok(None);
        }
        // Built with the scratch table (a column cannot become generated later); the
        // expression is checked here, before `build` pastes it in.
        Slot::Generated { column } => {
            fragment(
                table.columns[column]
                    .generated
                    .as_deref()
                    .unwrap_or_default(),
            )?;
            return Ok(None);
        }
        Slot::Default { column } => {
            let column = &table.columns[column];
            let default = column.default.as_deref().unwrap_or_default();
            format!(
                "ALTER TABLE {scratch} ALTER COLUMN {} SET DEFAULT {}",
                quote_ident(&column.name),
                fragment(default)?
            )
        }
        Slot::Check { check } => format!(
            "ALTER TABLE {scratch} ADD CONSTRAINT {object} CHECK {}",
            fragment(&table.checks[check].expression)?
        ),
        // A partitioned copy of the scratch table's columns (plain ones: LIKE copies no
        // generation expression) holds the key.
        Slot::Partitioning => {
            let key = table.partition_by.as_deref().unwrap_or_default();
            fragment(key)?;
            format!("CREATE TEMPORARY TABLE {object} (LIKE {scratch}) PARTITION BY {key}")
        }
        // The definition is a clause, not an expression: checked as a fragment, pasted bare.
        Slot::Exclusion { exclusion } => {
            let definition = &table.exclusions[exclusion].definition;
            fragment(definition)?;
            format!("ALTER TABLE {scratch} ADD CONSTRAINT {object} {definition}")
        }
        Slot::Index { index } => {
            let index = &table.indexes[index];
            if index.parts.is_empty() {
                return Ok(None);
            }
            let parts = index
                .parts_with_options()
                .map(|(part, options)| {
                    let key = match part {
                        IndexPart::Column(column) => quote_ident(column),
                        IndexPart::Expression(expression) => fragment(expression)?,
                    };
                    // Options are words (an operator class, an ordering): nothing a
                    // fragment could hide, so anything else is refused.
                    match options {
                        "" => Ok(key),
                        options if options.split(' ').all(is_option_word) => {
                            Ok(format!("{key} {options}"))
                        }
                        options => Err(InspectError::UnsafeExpression {
                            table: table.name.clone(),
                            what: describe_slot(table, slot),
                            expression: options.to_string(),
                            reason: "an index part's options are words: a collation, an \
                                     operator class and an ordering"
                                .to_string(),
                        }),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?
                .join(", ");
            let method = quote_ident(index.method.as_deref().unwrap_or("btree"));
            let mut sql = format!("CREATE INDEX {object} ON {scratch} USING {method} ({parts})");
            if let Some(predicate) = &index.predicate {
                sql.push_str(&format!(" WHERE {}", fragment(predicate)?));
            }
            sql
        }
    };
    Ok(Some(sql))
}

/// A word of an index part's options: an identifier or a qualified one, each part bare or
/// double-quoted (a collation, `"C"`), nothing that could end the statement.
fn is_option_word(word: &str) -> bool {
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let quoted = |w: &str| {
        w.len() > 2 && w.starts_with('"') && w.ends_with('"') && !w[1..w.len() - 1].contains('"')
    };
    !word.is_empty() && word.split('.').all(|w| plain(w) || quoted(w))
}

/// The verbatim SQL of the custom types in a type (itself, or an array's element).
fn custom_types(ty: &ColumnType) -> impl Iterator<Item = &str> {
    let mut ty = ty;
    while let ColumnType::Array { element } = ty {
        ty = element;
    }
    match ty {
        ColumnType::Custom { sql } => Some(sql.as_str()),
        _ => None,
    }
    .into_iter()
}

/// The PostgreSQL spelling of a model type, with enums spelled as decided above.
fn scratch_type(ty: &ColumnType, enum_refs: &BTreeMap<QualifiedName, String>) -> String {
    match ty {
        ColumnType::Boolean => "boolean".into(),
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Real => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p},{s})"),
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("numeric({p})"),
        ColumnType::Numeric { .. } => "numeric".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar { length: Some(n) } => format!("varchar({n})"),
        ColumnType::Varchar { length: None } => "varchar".into(),
        ColumnType::Char { length } => format!("char({length})"),
        ColumnType::Bytes => "bytea".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::Timestamp => "timestamp".into(),
        ColumnType::TimestampTz => "timestamptz".into(),
        ColumnType::Interval => "interval".into(),
        ColumnType::Json => "json".into(),
        ColumnType::Jsonb => "jsonb".into(),
        ColumnType::Array { element } => format!("{}[]", scratch_type(element, enum_refs)),
        ColumnType::Enum { name } => enum_refs
            .get(name)
            .cloned()
            .unwrap_or_else(|| real_type(name)),
        ColumnType::Custom { sql } => sql.clone(),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A plain single-quoted literal; the script pins nothing about backslashes, so values
/// with one use PostgreSQL's escape-string form like `quote_literal()` does.
fn quote_literal(value: &str) -> String {
    let quoted = value.replace('\'', "''");
    if value.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

#[cfg(test)]
mod tests {
    use schema_runtime::schema::{CheckConstraint, Column, EnumType, Index};

    use super::super::plan::{blame_users, plan_with_shared_defaults};
    use super::*;

    fn target() -> Schema {
        let mut orders = Table::new(QualifiedName::new("orders"));
        let mut status = Column::new(
            "status",
            ColumnType::Enum {
                name: QualifiedName::new("order_status"),
            },
        );
        status.default = Some("'pending'".into());
        let mut level = Column::new(
            "level",
            ColumnType::Array {
                element: Box::new(ColumnType::Enum {
                    name: QualifiedName::with_schema("audit", "level"),
                }),
            },
        );
        level.default = Some("'{low}'".into());
        let mut name = Column::new("Name", ColumnType::Varchar { length: Some(40) });
        name.collation = Some("C".into());
        orders.columns = vec![status, level, name];
        orders.checks.push(CheckConstraint {
            name: "status_known".into(),
            expression: "status <> 'lost'".into(),
            not_valid: false,
        });
        orders.indexes.push(Index {
            name: "ix_orders_name".into(),
            parts: vec![
                IndexPart::Column("Name".into()),
                IndexPart::Expression("lower(\"Name\")".into()),
            ],
            unique: false,
            predicate: Some("status = 'paid' -- live ones".into()),
            method: None,
            part_options: Vec::new(),
            include: Vec::new(),
            nulls_not_distinct: false,
        });
        Schema {
            enums: vec![
                EnumType {
                    name: QualifiedName::with_schema("audit", "level"),
                    values: vec!["low".into(), "high".into()],
                    comment: None,
                },
                EnumType {
                    name: QualifiedName::new("order_status"),
                    values: vec!["pending".into(), "paid".into(), "it's".into()],
                    comment: None,
                },
            ],
            tables: vec![orders],
        }
    }

    fn script(current: &Schema, target: &Schema) -> String {
        let mut target = target.clone();
        let (plans, _) = plan_with_shared_defaults(current, &mut target);
        build(current, &target, &plans)
            .unwrap()
            .iter()
            .map(|s| format!("{};\n", s.sql))
            .collect()
    }

    #[test]
    fn new_enums_get_stand_ins_that_deparse_like_the_real_ones() {
        insta::assert_snapshot!(script(&Schema::default(), &target()));
    }

    #[test]
    fn enums_the_database_already_has_are_used_as_they_are() {
        let target = target();
        let mut current = Schema {
            enums: target.enums.clone(),
            ..Schema::default()
        };
        current.enums[1].values.push("extra".into());
        let sql = script(&current, &target);
        assert!(!sql.contains("CREATE TYPE"), "{sql}");
        assert!(sql.contains(r#""status" "public"."order_status""#), "{sql}");
        assert!(sql.contains(r#""level" "audit"."level"[]"#), "{sql}");
    }

    #[test]
    fn an_expression_that_would_end_its_statement_is_refused() {
        let mut target = target();
        target.tables[0].columns[0].default = Some("'pending'; COMMIT".into());
        let mut scratch = target.clone();
        let (plans, shared) = plan_with_shared_defaults(&Schema::default(), &mut scratch);
        let error = build(&Schema::default(), &scratch, &plans).unwrap_err();
        // The default is met on the shared table; the error names the model's column.
        let error = blame_users(error, &shared, &target);
        assert_eq!(
            error.to_string(),
            "the default of column status of orders in the models, `'pending'; COMMIT`, \
             contains `;` outside a string: write one expression"
        );
    }
}
