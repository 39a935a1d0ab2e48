//! Reading the catalog queries' rows and turning each into a piece of the schema model.
//! Normalisation reads its scratch tables through the same loaders and conversions, which
//! is what guarantees that a normalised target and an introspected database spell one
//! expression with the same text.

use schema_runtime::schema::{
    CheckConstraint, Column, ColumnType, EnumType, ExclusionConstraint, ForeignKey,
    ForeignKeyAction, Identity, IdentitySequence, Index, IndexPart, Partition, PrimaryKey,
    QualifiedName, UniqueConstraint,
};
use schema_runtime::types::parse_sql_type;
use sqlx::postgres::types::Oid;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::error::InspectError;
use super::queries;
use crate::filter::DEFAULT_NAMESPACE;

/// Counts the statements a read or a normalisation sends.
#[derive(Debug, Default)]
pub(crate) struct QueryCounter {
    pub queries: usize,
}

/// A name in the schema model: `public` becomes `None`.
pub(crate) fn qualified(namespace: &str, name: &str) -> QualifiedName {
    if namespace == DEFAULT_NAMESPACE {
        QualifiedName::new(name)
    } else {
        QualifiedName::with_schema(namespace, name)
    }
}

/// One row of [`queries::TABLES`].
pub(crate) struct TableRow {
    pub oid: Oid,
    pub namespace: String,
    pub name: String,
    pub comment: Option<String>,
    pub partition_by: Option<String>,
}

/// One row of [`queries::COLUMNS`].
pub(crate) struct ColumnRow {
    pub table_oid: Oid,
    pub name: String,
    type_sql: String,
    not_null: bool,
    pub default_expr: Option<String>,
    identity: String,
    /// `[start, increment]` of an identity column's sequence.
    identity_sequence: Option<Vec<i64>>,
    pub generated: String,
    /// The expression of a stored generated column.
    generation: Option<String>,
    collation: Option<String>,
    comment: Option<String>,
    is_enum: bool,
    is_array: bool,
    element_namespace: String,
    element_name: String,
}

/// One row of [`queries::CONSTRAINTS`].
pub(crate) struct ConstraintRow {
    pub table_oid: Oid,
    pub name: String,
    kind: String,
    columns: Vec<String>,
    ref_namespace: Option<String>,
    ref_table: Option<String>,
    ref_columns: Vec<String>,
    on_delete: String,
    on_update: String,
    deferrable: bool,
    deferred: bool,
    validated: bool,
    definition: Option<String>,
}

/// One row of [`queries::INDEXES`].
pub(crate) struct IndexRow {
    pub table_oid: Oid,
    name: String,
    is_unique: bool,
    method: String,
    predicate: Option<String>,
    part_is_expression: Vec<bool>,
    part_text: Vec<String>,
    /// Per key part: a non-default operator class and ordering, or empty.
    part_options: Vec<String>,
    /// `INCLUDE` columns.
    included: Vec<String>,
    /// `NULLS NOT DISTINCT` (always false before PostgreSQL 15).
    nulls_not_distinct: bool,
}

/// A constraint row, sorted into the schema model's kinds.
pub(crate) enum Constraint {
    Primary(PrimaryKey),
    Unique(UniqueConstraint),
    Foreign(ForeignKey),
    Check(CheckConstraint),
    Exclusion(ExclusionConstraint),
}

async fn fetch<'q>(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    query: &'static str,
    sql: &'q str,
    bind: impl FnOnce(
        sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> Result<Vec<PgRow>, InspectError> {
    counter.queries += 1;
    bind(sqlx::query(sql))
        .fetch_all(conn)
        .await
        .map_err(|source| InspectError::Query { query, source })
}

fn decode<T>(
    query: &'static str,
    rows: Vec<PgRow>,
    from_row: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, InspectError> {
    rows.iter()
        .map(|row| from_row(row).map_err(|source| InspectError::Query { query, source }))
        .collect()
}

/// The managed tables' rows (the filter's patterns are applied by the caller).
pub(crate) async fn load_tables(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    namespaces: &[String],
) -> Result<Vec<TableRow>, InspectError> {
    let rows = fetch(conn, counter, "tables", queries::TABLES, |q| {
        q.bind(namespaces)
    })
    .await?;
    decode("tables", rows, |row| {
        Ok(TableRow {
            oid: row.try_get("table_oid")?,
            namespace: row.try_get("namespace")?,
            name: row.try_get("name")?,
            comment: row.try_get("comment")?,
            partition_by: row.try_get("partition_by")?,
        })
    })
}

/// The partitions of the given tables, as `(parent oid, partition)`.
pub(crate) async fn load_partitions(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    tables: &[Oid],
) -> Result<Vec<(Oid, Partition)>, InspectError> {
    let rows = fetch(conn, counter, "partitions", queries::PARTITIONS, |q| {
        q.bind(tables)
    })
    .await?;
    decode("partitions", rows, |row| {
        let namespace: String = row.try_get("namespace")?;
        let name: String = row.try_get("name")?;
        Ok((
            row.try_get("table_oid")?,
            Partition {
                name: qualified(&namespace, &name),
                bound: row.try_get("bound")?,
            },
        ))
    })
}

/// This session's scratch tables (normalisation), as `(oid, name, partition key)`.
pub(crate) async fn load_scratch_tables(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
) -> Result<Vec<(Oid, String, Option<String>)>, InspectError> {
    let rows = fetch(
        conn,
        counter,
        "scratch tables",
        queries::SCRATCH_TABLES,
        |q| q,
    )
    .await?;
    decode("scratch tables", rows, |row| {
        Ok((
            row.try_get("table_oid")?,
            row.try_get("name")?,
            row.try_get("partition_by")?,
        ))
    })
}

/// Columns of the given tables, in table then `attnum` order.
pub(crate) async fn load_columns(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    tables: &[Oid],
) -> Result<Vec<ColumnRow>, InspectError> {
    let rows = fetch(conn, counter, "columns", queries::COLUMNS, |q| {
        q.bind(tables)
    })
    .await?;
    decode("columns", rows, |row| {
        Ok(ColumnRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            type_sql: row.try_get("type_sql")?,
            not_null: row.try_get("not_null")?,
            default_expr: row.try_get("default_expr")?,
            identity: row.try_get("identity")?,
            identity_sequence: row.try_get("identity_sequence")?,
            generated: row.try_get("generated")?,
            generation: row.try_get("generation")?,
            collation: row.try_get("collation")?,
            comment: row.try_get("comment")?,
            is_enum: row.try_get("is_enum")?,
            is_array: row.try_get("is_array")?,
            element_namespace: row.try_get("element_namespace")?,
            element_name: row.try_get("element_name")?,
        })
    })
}

/// Constraints of the given tables.
pub(crate) async fn load_constraints(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    tables: &[Oid],
) -> Result<Vec<ConstraintRow>, InspectError> {
    let rows = fetch(conn, counter, "constraints", queries::CONSTRAINTS, |q| {
        q.bind(tables)
    })
    .await?;
    decode("constraints", rows, |row| {
        Ok(ConstraintRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            kind: row.try_get("kind")?,
            columns: row.try_get("columns")?,
            ref_namespace: row.try_get("ref_namespace")?,
            ref_table: row.try_get("ref_table")?,
            ref_columns: row.try_get("ref_columns")?,
            on_delete: row.try_get("on_delete")?,
            on_update: row.try_get("on_update")?,
            deferrable: row.try_get("deferrable")?,
            deferred: row.try_get("deferred")?,
            validated: row.try_get("validated")?,
            definition: row.try_get("definition")?,
        })
    })
}

/// Indexes of the given tables that back no constraint.
pub(crate) async fn load_indexes(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    tables: &[Oid],
) -> Result<Vec<IndexRow>, InspectError> {
    let rows = fetch(conn, counter, "indexes", queries::INDEXES, |q| {
        q.bind(tables)
    })
    .await?;
    decode("indexes", rows, |row| {
        Ok(IndexRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            is_unique: row.try_get("is_unique")?,
            method: row.try_get("method")?,
            predicate: row.try_get("predicate")?,
            part_is_expression: row.try_get("part_is_expression")?,
            part_text: row.try_get("part_text")?,
            part_options: row.try_get("part_options")?,
            included: row.try_get("included")?,
            nulls_not_distinct: row.try_get("nulls_not_distinct")?,
        })
    })
}

/// Enum types of the given namespaces.
pub(crate) async fn load_enums(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    namespaces: &[String],
) -> Result<Vec<EnumType>, InspectError> {
    let rows = fetch(conn, counter, "enums", queries::ENUMS, |q| {
        q.bind(namespaces)
    })
    .await?;
    decode("enums", rows, |row| {
        let namespace: String = row.try_get("namespace")?;
        let name: String = row.try_get("name")?;
        Ok(EnumType {
            name: qualified(&namespace, &name),
            values: row.try_get("labels")?,
            comment: row.try_get("comment")?,
        })
    })
}

impl ColumnRow {
    /// The column as the schema model describes it.
    ///
    /// An identity column has no default (its sequence is implicit). A `serial` column is
    /// reported as what it is in the catalog, an integer with the default
    /// `nextval('..._seq'::regclass)`, and no identity: the diff decides what to make of it.
    /// A stored generated column has its expression in `generated`, not as a default.
    pub(crate) fn to_column(&self) -> Column {
        let identity = match self.identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        Column {
            name: self.name.clone(),
            ty: self.column_type(),
            nullable: !self.not_null,
            default: if identity.is_some() {
                None
            } else {
                self.default_expr.clone()
            },
            identity,
            identity_sequence: match self.identity_sequence.as_deref() {
                Some([start, increment]) if identity.is_some() => {
                    IdentitySequence::of(*start, *increment)
                }
                _ => None,
            },
            autoincrement: false,
            collation: self.collation.clone(),
            generated: self.generation.clone(),
            generated_virtual: false,
            comment: self.comment.clone(),
            renamed_from: None,
        }
    }

    /// Enum types come from catalog facts, so that a name needing quotes or a namespace
    /// (`audit."Level"[]`) still becomes a clean [`QualifiedName`]; every other type is
    /// parsed from `format_type()`, which collapses synonyms.
    fn column_type(&self) -> ColumnType {
        if !self.is_enum {
            return parse_sql_type(&without_default_precision(&self.type_sql));
        }
        let element = ColumnType::Enum {
            name: qualified(&self.element_namespace, &self.element_name),
        };
        if self.is_array {
            ColumnType::Array {
                element: Box::new(element),
            }
        } else {
            element
        }
    }
}

/// `format_type()` with the precision of `time` and `timestamp` left out where it is 6,
/// the default: `timestamp(6) without time zone` (what Rails writes) is `timestamp`, and
/// a model's `timestamp` column matches it.
fn without_default_precision(type_sql: &str) -> String {
    type_sql
        .replace("timestamp(6) ", "timestamp ")
        .replace("time(6) ", "time ")
}

impl ConstraintRow {
    /// The constraint in the schema model's vocabulary.
    pub(crate) fn to_constraint(&self) -> Result<Constraint, InspectError> {
        let constraint = match self.kind.as_str() {
            "p" => Constraint::Primary(PrimaryKey {
                name: self.name.clone(),
                columns: self.columns.clone(),
            }),
            "u" => Constraint::Unique(UniqueConstraint {
                name: self.name.clone(),
                columns: self.columns.clone(),
            }),
            "f" => Constraint::Foreign(self.to_foreign_key()?),
            "x" => Constraint::Exclusion(ExclusionConstraint {
                name: self.name.clone(),
                definition: self.definition.clone().unwrap_or_default(),
            }),
            _ => Constraint::Check(CheckConstraint {
                name: self.name.clone(),
                expression: check_expression(self.definition.as_deref().unwrap_or_default()),
                not_valid: !self.validated,
            }),
        };
        Ok(constraint)
    }

    /// `DEFERRABLE` and `INITIALLY DEFERRED` as the catalog has them.
    fn to_foreign_key(&self) -> Result<ForeignKey, InspectError> {
        Ok(ForeignKey {
            name: self.name.clone(),
            columns: self.columns.clone(),
            referenced_table: qualified(
                self.ref_namespace.as_deref().unwrap_or_default(),
                self.ref_table.as_deref().unwrap_or_default(),
            ),
            referenced_columns: self.ref_columns.clone(),
            on_delete: self.action(&self.on_delete)?,
            on_update: self.action(&self.on_update)?,
            deferrable: self.deferrable,
            initially_deferred: self.deferrable && self.deferred,
            not_valid: !self.validated,
        })
    }

    fn action(&self, code: &str) -> Result<ForeignKeyAction, InspectError> {
        match code {
            "a" => Ok(ForeignKeyAction::NoAction),
            "r" => Ok(ForeignKeyAction::Restrict),
            "c" => Ok(ForeignKeyAction::Cascade),
            "n" => Ok(ForeignKeyAction::SetNull),
            "d" => Ok(ForeignKeyAction::SetDefault),
            other => Err(InspectError::UnknownAction {
                constraint: self.name.clone(),
                code: other.to_string(),
            }),
        }
    }
}

/// `CHECK ((total >= (0)::numeric)) NOT VALID` becomes `(total >= (0)::numeric)`: the
/// expression alone, as a model writes it inside `CHECK (...)`.
pub(crate) fn check_expression(definition: &str) -> String {
    let mut text = definition.trim();
    for suffix in [" NOT VALID", " NO INHERIT"] {
        text = text.strip_suffix(suffix).unwrap_or(text);
    }
    text.strip_prefix("CHECK (")
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(text)
        .to_string()
}

impl IndexRow {
    /// The index in the schema model's vocabulary; `btree` is the default method and is
    /// left out.
    pub(crate) fn to_index(&self) -> Index {
        let parts = self
            .part_is_expression
            .iter()
            .zip(&self.part_text)
            .map(|(&is_expression, text)| {
                if is_expression {
                    IndexPart::Expression(text.clone())
                } else {
                    IndexPart::Column(text.clone())
                }
            })
            .collect();
        Index {
            name: self.name.clone(),
            parts,
            unique: self.is_unique,
            predicate: self.predicate.clone(),
            method: (self.method != "btree").then(|| self.method.clone()),
            part_options: if self.part_options.iter().all(String::is_empty) {
                Vec::new()
            } else {
                self.part_options.clone()
            },
            include: self.included.clone(),
            nulls_not_distinct: self.nulls_not_distinct,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_definitions_lose_their_keyword_and_outer_parentheses() {
        assert_eq!(
            check_expression("CHECK ((total >= (0)::numeric))"),
            "(total >= (0)::numeric)"
        );
        assert_eq!(check_expression("CHECK (flag) NOT VALID"), "flag");
        assert_eq!(
            check_expression("CHECK ((a > 0)) NO INHERIT NOT VALID"),
            "(a > 0)"
        );
        assert_eq!(check_expression("odd"), "odd");
    }

    #[test]
    fn public_is_the_unnamed_namespace() {
        assert_eq!(qualified("public", "t"), QualifiedName::new("t"));
        assert_eq!(
            qualified("audit", "t"),
            QualifiedName::with_schema("audit", "t")
        );
    }
}
