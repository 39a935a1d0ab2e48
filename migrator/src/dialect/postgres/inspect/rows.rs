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
use std::collections::{HashMap, HashSet};

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
    pub attnum: i16,
    pub name: String,
    type_oid: Oid,
    type_mod: i32,
    not_null: bool,
    /// The default, or a generated column's expression.
    expression: Option<String>,
    identity: String,
    pub generated: String,
    collation_oid: Oid,
    comment: Option<String>,
}

/// One row of [`queries::TYPES`].
struct TypeRow {
    type_sql: String,
    /// The type's own collation (0 for a type without one).
    collation_oid: Oid,
    is_enum: bool,
    is_array: bool,
    element_namespace: String,
    element_name: String,
}

/// One row of [`queries::COLLATIONS`].
struct CollationRow {
    /// As a column's collation is written.
    name: String,
    /// Quoted, as an index key part's `COLLATE` is written.
    quoted: String,
}

/// One row of [`queries::CONSTRAINTS`].
pub(crate) struct ConstraintRow {
    pub table_oid: Oid,
    pub name: String,
    kind: String,
    columns: Vec<i16>,
    ref_oid: Oid,
    ref_namespace: Option<String>,
    ref_table: Option<String>,
    ref_columns: Vec<i16>,
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
    /// How many of `parts` are key parts; the rest are `INCLUDE` columns.
    key_parts: i16,
    /// The `attnum` of each part, 0 for an expression.
    parts: Vec<i16>,
    /// Per key part, the `indoption` bits (descending, nulls first).
    options: Vec<i16>,
    /// Per key part, its operator class.
    opclasses: Vec<Oid>,
    /// Per key part, its collation (0 for none).
    collations: Vec<Oid>,
    /// Per key part, the deparsed text, when any part is an expression.
    expressions: Option<Vec<String>>,
    /// `NULLS NOT DISTINCT` (always false before PostgreSQL 15).
    nulls_not_distinct: bool,
}

/// What the rows name by OID or `attnum`, resolved once per distinct value: built by
/// [`Lookups::load`] after the columns, constraints and indexes were read.
#[derive(Default)]
pub(crate) struct Lookups {
    types: HashMap<(Oid, i32), TypeRow>,
    collations: HashMap<Oid, CollationRow>,
    /// Operator classes by OID: the name of one that is not its type's default, or none.
    opclasses: HashMap<Oid, Option<String>>,
    /// `[start, increment]` of identity sequences, by table and `attnum`.
    identities: HashMap<(Oid, i16), [i64; 2]>,
    /// Column names and collations, by table and `attnum`: every column read, and the
    /// columns of tables outside them that foreign keys reference (collation 0).
    attributes: HashMap<(Oid, i16), (String, Oid)>,
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
    let started = std::time::Instant::now();
    let rows = bind(sqlx::query(sql))
        .fetch_all(conn)
        .await
        .map_err(|source| InspectError::Query { query, source })?;
    tracing::trace!(
        query,
        rows = rows.len(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "read the catalog"
    );
    Ok(rows)
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

/// Runs a lookup `(name, sql)` over the distinct OIDs in `oids` (bound as `$1`) and decodes
/// its rows; sends nothing when there is nothing to look up.
async fn by_oids<T>(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    (query, sql): (&'static str, &'static str),
    oids: HashSet<Oid>,
    from_row: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, InspectError> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<Oid> = oids.into_iter().collect();
    let rows = fetch(conn, counter, query, sql, |q| q.bind(oids)).await?;
    decode(query, rows, from_row)
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
    let mut columns = decode("columns", rows, |row| {
        Ok(ColumnRow {
            table_oid: row.try_get("table_oid")?,
            attnum: row.try_get("attnum")?,
            name: row.try_get("name")?,
            type_oid: row.try_get("type_oid")?,
            type_mod: row.try_get("type_mod")?,
            not_null: row.try_get("not_null")?,
            expression: row.try_get("expression")?,
            identity: row.try_get("identity")?,
            generated: row.try_get("generated")?,
            collation_oid: row.try_get("collation_oid")?,
            comment: row.try_get("comment")?,
        })
    })?;
    columns.sort_unstable_by_key(|column| (column.table_oid.0, column.attnum));
    Ok(columns)
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
            columns: row
                .try_get::<Option<Vec<i16>>, _>("columns")?
                .unwrap_or_default(),
            ref_oid: row.try_get("ref_oid")?,
            ref_namespace: row.try_get("ref_namespace")?,
            ref_table: row.try_get("ref_table")?,
            ref_columns: row
                .try_get::<Option<Vec<i16>>, _>("ref_columns")?
                .unwrap_or_default(),
            on_delete: row.try_get("on_delete")?,
            on_update: row.try_get("on_update")?,
            deferrable: row.try_get("deferrable")?,
            deferred: row.try_get("deferred")?,
            validated: row.try_get("validated")?,
            definition: row.try_get("definition")?,
        })
    })
}

/// Indexes of the given tables that back no constraint, on a server whose
/// `server_version_num` is `version`.
pub(crate) async fn load_indexes(
    conn: &mut PgConnection,
    counter: &mut QueryCounter,
    tables: &[Oid],
    version: u32,
) -> Result<Vec<IndexRow>, InspectError> {
    let sql = if version >= 150_000 {
        queries::INDEXES
    } else {
        queries::INDEXES_BEFORE_15
    };
    let rows = fetch(conn, counter, "indexes", sql, |q| q.bind(tables)).await?;
    decode("indexes", rows, |row| {
        Ok(IndexRow {
            table_oid: row.try_get("table_oid")?,
            name: row.try_get("name")?,
            is_unique: row.try_get("is_unique")?,
            method: row.try_get("method")?,
            predicate: row.try_get("predicate")?,
            key_parts: row.try_get("key_parts")?,
            parts: row.try_get("parts")?,
            options: row.try_get("options")?,
            opclasses: row.try_get("opclasses")?,
            collations: row.try_get("collations")?,
            expressions: row.try_get("expressions")?,
            nulls_not_distinct: row.try_get("nulls_not_distinct")?,
        })
    })
}

impl Lookups {
    /// Resolves what `columns`, `constraints` and `indexes` name by OID: at most five
    /// queries, each over the distinct values, and none where there is nothing to resolve.
    pub(crate) async fn load(
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        columns: &[ColumnRow],
        constraints: &[ConstraintRow],
        indexes: &[IndexRow],
    ) -> Result<Lookups, InspectError> {
        let mut lookups = Lookups {
            attributes: columns
                .iter()
                .map(|c| ((c.table_oid, c.attnum), (c.name.clone(), c.collation_oid)))
                .collect(),
            ..Lookups::default()
        };
        lookups.load_types(conn, counter, columns).await?;
        lookups.load_referenced(conn, counter, constraints).await?;
        lookups
            .load_collations(conn, counter, columns, indexes)
            .await?;
        lookups.load_opclasses(conn, counter, indexes).await?;
        lookups.load_identities(conn, counter, columns).await?;
        Ok(lookups)
    }

    async fn load_types(
        &mut self,
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        columns: &[ColumnRow],
    ) -> Result<(), InspectError> {
        let pairs: HashSet<(Oid, i32)> = columns.iter().map(|c| (c.type_oid, c.type_mod)).collect();
        if pairs.is_empty() {
            return Ok(());
        }
        let (oids, mods): (Vec<Oid>, Vec<i32>) = pairs.into_iter().unzip();
        let rows = fetch(conn, counter, "types", queries::TYPES, |q| {
            q.bind(oids).bind(mods)
        })
        .await?;
        for (key, row) in decode("types", rows, |row| {
            Ok((
                (row.try_get("type_oid")?, row.try_get("type_mod")?),
                TypeRow {
                    type_sql: row.try_get("type_sql")?,
                    collation_oid: row.try_get("collation_oid")?,
                    is_enum: row.try_get("is_enum")?,
                    is_array: row.try_get("is_array")?,
                    element_namespace: row.try_get("element_namespace")?,
                    element_name: row.try_get("element_name")?,
                },
            ))
        })? {
            self.types.insert(key, row);
        }
        Ok(())
    }

    /// The column names of referenced tables that were not read themselves.
    async fn load_referenced(
        &mut self,
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        constraints: &[ConstraintRow],
    ) -> Result<(), InspectError> {
        let outside = constraints
            .iter()
            .filter(|c| c.kind == "f")
            .flat_map(|c| c.ref_columns.iter().map(|&attnum| (c.ref_oid, attnum)))
            .filter(|key| !self.attributes.contains_key(key))
            .map(|(oid, _)| oid)
            .collect();
        let names = by_oids(
            conn,
            counter,
            ("referenced columns", queries::ATTRIBUTES),
            outside,
            |row| {
                Ok((
                    (row.try_get("table_oid")?, row.try_get("attnum")?),
                    (row.try_get("name")?, Oid(0)),
                ))
            },
        )
        .await?;
        self.attributes.extend(names);
        Ok(())
    }

    /// The collations a column or an index key part states apart from its type's or its
    /// column's own: only those are read back.
    async fn load_collations(
        &mut self,
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        columns: &[ColumnRow],
        indexes: &[IndexRow],
    ) -> Result<(), InspectError> {
        let mut wanted: HashSet<Oid> = columns
            .iter()
            .filter_map(|c| self.column_collation_oid(c))
            .collect();
        for index in indexes {
            wanted.extend((0..index.key_count()).filter_map(|k| self.part_collation_oid(index, k)));
        }
        let collations = by_oids(
            conn,
            counter,
            ("collations", queries::COLLATIONS),
            wanted,
            |row| {
                Ok((
                    row.try_get("collation_oid")?,
                    CollationRow {
                        name: row.try_get("name")?,
                        quoted: row.try_get("quoted")?,
                    },
                ))
            },
        )
        .await?;
        self.collations.extend(collations);
        Ok(())
    }

    async fn load_opclasses(
        &mut self,
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        indexes: &[IndexRow],
    ) -> Result<(), InspectError> {
        let wanted = indexes
            .iter()
            .flat_map(|index| index.opclasses.iter().copied())
            .collect();
        let opclasses = by_oids(
            conn,
            counter,
            ("operator classes", queries::OPCLASSES),
            wanted,
            |row| {
                let is_default: bool = row.try_get("is_default")?;
                let name: String = row.try_get("name")?;
                Ok((row.try_get("opclass_oid")?, (!is_default).then_some(name)))
            },
        )
        .await?;
        self.opclasses.extend(opclasses);
        Ok(())
    }

    async fn load_identities(
        &mut self,
        conn: &mut PgConnection,
        counter: &mut QueryCounter,
        columns: &[ColumnRow],
    ) -> Result<(), InspectError> {
        let tables = columns
            .iter()
            .filter(|c| !c.identity.is_empty())
            .map(|c| c.table_oid)
            .collect();
        let sequences = by_oids(
            conn,
            counter,
            ("identity sequences", queries::IDENTITIES),
            tables,
            |row| {
                Ok((
                    (row.try_get("table_oid")?, row.try_get("attnum")?),
                    [row.try_get("start")?, row.try_get("increment")?],
                ))
            },
        )
        .await?;
        self.identities.extend(sequences);
        Ok(())
    }

    fn column_type(&self, column: &ColumnRow) -> Result<&TypeRow, InspectError> {
        self.types
            .get(&(column.type_oid, column.type_mod))
            .ok_or_else(|| InspectError::Changed {
                what: format!("the type of column {}", column.name),
            })
    }

    /// A column's collation where it is not its type's own.
    fn column_collation_oid(&self, column: &ColumnRow) -> Option<Oid> {
        let own = self
            .types
            .get(&(column.type_oid, column.type_mod))?
            .collation_oid;
        (column.collation_oid != own).then_some(column.collation_oid)
    }

    /// A column key part's collation where it is not its column's own (an expression
    /// part's collation is not read).
    fn part_collation_oid(&self, index: &IndexRow, part: usize) -> Option<Oid> {
        let attnum = *index.parts.get(part)?;
        let collation = *index.collations.get(part)?;
        let (_, column_collation) = self.attributes.get(&(index.table_oid, attnum))?;
        (collation != Oid(0) && collation != *column_collation).then_some(collation)
    }

    /// The column `attnum` of table `table`, by name.
    fn attribute(&self, table: Oid, attnum: i16, of: &str) -> Result<String, InspectError> {
        self.attributes
            .get(&(table, attnum))
            .map(|(name, _)| name.clone())
            .ok_or_else(|| InspectError::Changed {
                what: format!("column {attnum} of {of}"),
            })
    }
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
    pub(crate) fn to_column(&self, lookups: &Lookups) -> Result<Column, InspectError> {
        let identity = match self.identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        let ty = lookups.column_type(self)?;
        let collation = match lookups.column_collation_oid(self) {
            Some(oid) if oid != Oid(0) => Some(
                lookups
                    .collations
                    .get(&oid)
                    .ok_or_else(|| InspectError::Changed {
                        what: format!("the collation of column {}", self.name),
                    })?
                    .name
                    .clone(),
            ),
            _ => None,
        };
        let sequence = lookups.identities.get(&(self.table_oid, self.attnum));
        Ok(Column {
            name: self.name.clone(),
            ty: column_type(ty),
            nullable: !self.not_null,
            default: if identity.is_some() || !self.generated.is_empty() {
                None
            } else {
                self.expression.clone()
            },
            identity,
            identity_sequence: match sequence {
                Some(&[start, increment]) if identity.is_some() => {
                    IdentitySequence::of(start, increment)
                }
                _ => None,
            },
            autoincrement: false,
            collation,
            generated: if self.generated == "s" {
                self.expression.clone()
            } else {
                None
            },
            generated_virtual: false,
            comment: self.comment.clone(),
            renamed_from: None,
        })
    }
}

/// Enum types come from catalog facts, so that a name needing quotes or a namespace
/// (`audit."Level"[]`) still becomes a clean [`QualifiedName`]; every other type is
/// parsed from `format_type()`, which collapses synonyms.
fn column_type(ty: &TypeRow) -> ColumnType {
    if !ty.is_enum {
        return parse_sql_type(&without_default_precision(&ty.type_sql));
    }
    let element = ColumnType::Enum {
        name: qualified(&ty.element_namespace, &ty.element_name),
    };
    if ty.is_array {
        ColumnType::Array {
            element: Box::new(element),
        }
    } else {
        element
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
    pub(crate) fn to_constraint(&self, lookups: &Lookups) -> Result<Constraint, InspectError> {
        let constraint = match self.kind.as_str() {
            "p" => Constraint::Primary(PrimaryKey {
                name: self.name.clone(),
                columns: self.column_names(lookups)?,
            }),
            "u" => Constraint::Unique(UniqueConstraint {
                name: self.name.clone(),
                columns: self.column_names(lookups)?,
            }),
            "f" => Constraint::Foreign(self.to_foreign_key(lookups)?),
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
    fn to_foreign_key(&self, lookups: &Lookups) -> Result<ForeignKey, InspectError> {
        Ok(ForeignKey {
            name: self.name.clone(),
            columns: self.column_names(lookups)?,
            referenced_table: qualified(
                self.ref_namespace.as_deref().unwrap_or_default(),
                self.ref_table.as_deref().unwrap_or_default(),
            ),
            referenced_columns: self
                .ref_columns
                .iter()
                .map(|&attnum| lookups.attribute(self.ref_oid, attnum, &self.name))
                .collect::<Result<_, _>>()?,
            on_delete: self.action(&self.on_delete)?,
            on_update: self.action(&self.on_update)?,
            deferrable: self.deferrable,
            initially_deferred: self.deferrable && self.deferred,
            not_valid: !self.validated,
        })
    }

    /// The key's columns, by name, in key order.
    fn column_names(&self, lookups: &Lookups) -> Result<Vec<String>, InspectError> {
        self.columns
            .iter()
            .map(|&attnum| lookups.attribute(self.table_oid, attnum, &self.name))
            .collect()
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
    /// How many key parts the index has (the rest of `parts` are `INCLUDE` columns).
    fn key_count(&self) -> usize {
        usize::try_from(self.key_parts)
            .unwrap_or_default()
            .min(self.parts.len())
    }

    /// The index in the schema model's vocabulary; `btree` is the default method and is
    /// left out.
    pub(crate) fn to_index(&self, lookups: &Lookups) -> Result<Index, InspectError> {
        let keys = self.key_count();
        let mut parts = Vec::with_capacity(keys);
        let mut part_options = Vec::with_capacity(keys);
        for (k, &attnum) in self.parts[..keys].iter().enumerate() {
            parts.push(if attnum == 0 {
                let text = self
                    .expressions
                    .as_ref()
                    .and_then(|texts| texts.get(k))
                    .ok_or_else(|| InspectError::Changed {
                        what: format!("key part {} of index {}", k + 1, self.name),
                    })?;
                IndexPart::Expression(text.clone())
            } else {
                IndexPart::Column(lookups.attribute(self.table_oid, attnum, &self.name)?)
            });
            part_options.push(self.part_options(lookups, k)?);
        }
        let include = self.parts[keys..]
            .iter()
            .map(|&attnum| lookups.attribute(self.table_oid, attnum, &self.name))
            .collect::<Result<_, _>>()?;
        Ok(Index {
            name: self.name.clone(),
            parts,
            unique: self.is_unique,
            predicate: self.predicate.clone(),
            method: (self.method != "btree").then(|| self.method.clone()),
            part_options: if part_options.iter().all(String::is_empty) {
                Vec::new()
            } else {
                part_options
            },
            include,
            nulls_not_distinct: self.nulls_not_distinct,
        })
    }

    /// Key part `k`'s options, as `CREATE INDEX` writes them after the part: a collation
    /// where it is not the column's own, an operator class that is not its type's default,
    /// and the ordering; empty for a plain part.
    fn part_options(&self, lookups: &Lookups, k: usize) -> Result<String, InspectError> {
        let mut words: Vec<&str> = Vec::new();
        let collate;
        if let Some(oid) = lookups.part_collation_oid(self, k) {
            let collation = lookups
                .collations
                .get(&oid)
                .ok_or_else(|| InspectError::Changed {
                    what: format!("the collation of key part {} of index {}", k + 1, self.name),
                })?;
            collate = format!("COLLATE {}", collation.quoted);
            words.push(&collate);
        }
        // A non-default operator class (an unknown one, gone since, is left out).
        if let Some(Some(name)) = self
            .opclasses
            .get(k)
            .and_then(|oid| lookups.opclasses.get(oid))
        {
            words.push(name);
        }
        match self.options.get(k).map(|bits| bits & 3) {
            Some(1) => words.push("DESC NULLS LAST"),
            Some(3) => words.push("DESC"),
            Some(2) => words.push("NULLS FIRST"),
            _ => {}
        }
        Ok(words.join(" "))
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
