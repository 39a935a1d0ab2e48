//! The schema model (the IR): what a database looks like, independent of where the
//! description came from. Models produce it through the registry, introspection produces it
//! from a live database, and the diff engine compares two of them. Nothing here talks to a
//! database or knows about a dialect's spelling of things.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A table or type name, optionally inside a namespace (a PostgreSQL schema).
///
/// `schema: None` means "the connection's default namespace" (`public` on PostgreSQL,
/// `main` on SQLite, the connected database on MySQL). Comparisons treat an explicit default
/// namespace and `None` alike once [`Schema::normalize_default_namespace`] has run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QualifiedName {
    /// The namespace, or `None` for the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl QualifiedName {
    /// A name in the default namespace.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            schema: None,
            name: name.into(),
        }
    }

    /// A name in an explicit namespace.
    pub fn with_schema(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// Parses `"table"` or `"schema.table"`.
    pub fn parse(text: &str) -> Self {
        match text.split_once('.') {
            Some((schema, name)) => Self::with_schema(schema, name),
            None => Self::new(text),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A column's type, in a dialect-neutral vocabulary. Each dialect renders and parses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ColumnType {
    /// `boolean`.
    Boolean,
    /// 16-bit integer (`smallint`).
    SmallInt,
    /// 32-bit integer (`integer`).
    Integer,
    /// 64-bit integer (`bigint`).
    BigInt,
    /// 32-bit float (`real`).
    Real,
    /// 64-bit float (`double precision`).
    Double,
    /// Exact decimal (`numeric(p, s)`); both absent means unconstrained.
    Numeric {
        /// Total digits.
        precision: Option<u32>,
        /// Digits after the point.
        scale: Option<u32>,
    },
    /// Unbounded text.
    Text,
    /// `varchar(n)`; `None` is an unbounded varchar.
    Varchar {
        /// The maximum length in characters.
        length: Option<u32>,
    },
    /// Fixed-length `char(n)`.
    Char {
        /// The length in characters.
        length: u32,
    },
    /// Binary data (`bytea`, `blob`).
    Bytes,
    /// A UUID.
    Uuid,
    /// A calendar date.
    Date,
    /// A time of day without zone.
    Time,
    /// A timestamp without time zone.
    Timestamp,
    /// A timestamp with time zone.
    TimestampTz,
    /// A time span.
    Interval,
    /// JSON stored as text.
    Json,
    /// Binary JSON (`jsonb` on PostgreSQL; plain JSON elsewhere).
    Jsonb,
    /// An array of the inner type (PostgreSQL only).
    Array {
        /// The element type.
        element: Box<ColumnType>,
    },
    /// A named enum type declared with `#[derive(DbEnum)]`.
    Enum {
        /// The enum type's name.
        name: QualifiedName,
    },
    /// A type this vocabulary does not know, kept verbatim (lower-cased).
    Custom {
        /// The SQL spelling.
        sql: String,
    },
}

impl ColumnType {
    /// True for the integer types an identity column may have.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt
        )
    }

    /// True for the textual types `max_length` applies to.
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            ColumnType::Text | ColumnType::Varchar { .. } | ColumnType::Char { .. }
        )
    }

    /// A readable, dialect-neutral spelling for messages and the `schema` command.
    pub fn describe(&self) -> String {
        match self {
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
            ColumnType::Bytes => "bytes".into(),
            ColumnType::Uuid => "uuid".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time => "time".into(),
            ColumnType::Timestamp => "timestamp".into(),
            ColumnType::TimestampTz => "timestamptz".into(),
            ColumnType::Interval => "interval".into(),
            ColumnType::Json => "json".into(),
            ColumnType::Jsonb => "jsonb".into(),
            ColumnType::Array { element } => format!("{}[]", element.describe()),
            ColumnType::Enum { name } => format!("enum {name}"),
            ColumnType::Custom { sql } => sql.clone(),
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// How an identity column generates values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED BY DEFAULT AS IDENTITY`: explicit values are accepted (seeds, copies).
    ByDefault,
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
}

/// The sequence options of an identity column that differ from the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySequence {
    /// `START WITH`: the first value.
    pub start: i64,
    /// `INCREMENT BY`: the step.
    pub increment: i64,
}

impl IdentitySequence {
    /// The options, or `None` for PostgreSQL's defaults (start at 1, count by 1).
    pub fn of(start: i64, increment: i64) -> Option<Self> {
        (start != 1 || increment != 1).then_some(Self { start, increment })
    }
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The column's type.
    #[serde(rename = "type")]
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The server default, as an SQL expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity generation, if the column is an identity column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The identity's sequence where it does not start at 1 and count by 1 (PostgreSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_sequence: Option<IdentitySequence>,
    /// SQLite's `AUTOINCREMENT` on the rowid key: a deleted largest id is never handed
    /// out again (without it SQLite may reuse it). What Django and Rails write there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autoincrement: bool,
    /// A non-default collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the expression the database computes the
    /// column from (such a column has no default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// The generated column is `VIRTUAL`, computed when read instead of stored (SQLite,
    /// MySQL).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated_virtual: bool,
    /// The column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The name this column had before (a model hint: rename instead of drop + add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

impl Column {
    /// A NOT NULL column of the given type with nothing else set.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Self {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            identity: None,
            identity_sequence: None,
            autoincrement: false,
            collation: None,
            generated: None,
            generated_virtual: false,
            comment: None,
            renamed_from: None,
        }
    }
}

/// The referential action of a foreign key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForeignKeyAction {
    /// `NO ACTION` (the SQL default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl ForeignKeyAction {
    /// Parses the spellings accepted in `on_delete` / `on_update` (case-insensitive,
    /// `set null` or `set_null`).
    pub fn parse(text: &str) -> Option<Self> {
        let normal = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        match normal.as_str() {
            "no action" => Some(Self::NoAction),
            "restrict" => Some(Self::Restrict),
            "cascade" => Some(Self::Cascade),
            "set null" => Some(Self::SetNull),
            "set default" => Some(Self::SetDefault),
            _ => None,
        }
    }

    /// The SQL keywords.
    pub fn as_sql(self) -> &'static str {
        match self {
            Self::NoAction => "NO ACTION",
            Self::Restrict => "RESTRICT",
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::SetDefault => "SET DEFAULT",
        }
    }
}

/// A primary key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// The constraint name.
    pub name: String,
    /// The key's columns, in order.
    pub columns: Vec<String>,
}

/// One part of an index key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexPart {
    /// A plain column.
    Column(String),
    /// An expression (reported by introspection; models declare columns only).
    Expression(String),
}

impl IndexPart {
    /// A MySQL key prefix: the first `length` characters of `column` (`` `name`(20) ``).
    /// It is an expression to every other database, in the one spelling MySQL's catalog
    /// reads back, so that a model and the database compare as equal text.
    pub fn prefix(column: &str, length: u32) -> Self {
        IndexPart::Expression(format!("`{}`({length})", column.replace('`', "``")))
    }

    /// The column and length of a key prefix made by [`IndexPart::prefix`], else `None`.
    pub fn as_prefix(&self) -> Option<(String, u32)> {
        let IndexPart::Expression(text) = self else {
            return None;
        };
        let rest = text.strip_prefix('`')?;
        let (column, length) = rest.strip_suffix(')')?.rsplit_once("`(")?;
        let length = length.parse().ok().filter(|n: &u32| *n > 0)?;
        // A lone backtick inside the name would have been doubled.
        let bare = column.replace("``", "");
        (!column.is_empty() && !bare.contains('`')).then(|| (column.replace("``", "`"), length))
    }
}

impl fmt::Display for IndexPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexPart::Column(c) => f.write_str(c),
            IndexPart::Expression(e) => write!(f, "({e})"),
        }
    }
}

/// An index (not backing a constraint).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// The key parts, in order.
    pub parts: Vec<IndexPart>,
    /// Whether the index enforces uniqueness.
    pub unique: bool,
    /// The predicate of a partial index, as SQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The access method when not the default (`btree`), e.g. `gin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Per key part, what follows it in the index definition: a non-default operator
    /// class and the ordering, as PostgreSQL writes them (`text_pattern_ops`, `DESC`,
    /// `DESC NULLS LAST`, `NULLS FIRST`), an empty string for a part with neither. Empty
    /// when no part has any (the canonical form, so that equal indexes compare equal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_options: Vec<String>,
    /// `INCLUDE` columns: stored in the index, not part of its key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT` (PostgreSQL 15+): a unique index that counts NULLs as equal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
}

impl Index {
    /// The options of key part `at` (`""` when it has none).
    pub fn part_option(&self, at: usize) -> &str {
        self.part_options.get(at).map_or("", String::as_str)
    }

    /// Each key part with its options (`""` for none), in order.
    pub fn parts_with_options(&self) -> impl Iterator<Item = (&IndexPart, &str)> {
        self.parts
            .iter()
            .enumerate()
            .map(|(at, part)| (part, self.part_option(at)))
    }

    /// Each key part as `CREATE INDEX` lists it: a column as `quote` spells it or an
    /// expression in parentheses, followed by its options (`"email" DESC`, `(lower(a))`).
    pub fn key_sql(&self, quote: impl Fn(&str) -> String) -> Vec<String> {
        self.parts_with_options()
            .map(|(part, options)| {
                let key = match part {
                    IndexPart::Column(column) => quote(column),
                    IndexPart::Expression(expression) => format!("({expression})"),
                };
                match options {
                    "" => key,
                    options => format!("{key} {options}"),
                }
            })
            .collect()
    }

    /// True when the index says more than plain parts in default order under btree: an
    /// access method, an expression key, an operator class or ordering, `INCLUDE`
    /// columns or `NULLS NOT DISTINCT` (what only PostgreSQL models may state).
    pub fn is_elaborate(&self) -> bool {
        self.method.is_some()
            || self
                .parts
                .iter()
                .any(|p| matches!(p, IndexPart::Expression(_)))
            || !self.part_options.is_empty()
            || !self.include.is_empty()
            || self.nulls_not_distinct
    }

    /// The plain column names of the key (expressions left out).
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            IndexPart::Column(c) => Some(c.as_str()),
            IndexPart::Expression(_) => None,
        })
    }
}

/// A UNIQUE constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// The constraint name.
    pub name: String,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
}

/// A FOREIGN KEY constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint name.
    pub name: String,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: QualifiedName,
    /// The referenced columns, matching `columns` one to one.
    pub referenced_columns: Vec<String>,
    /// What happens when the referenced row is deleted.
    pub on_delete: ForeignKeyAction,
    /// What happens when the referenced key is updated.
    pub on_update: ForeignKeyAction,
    /// `DEFERRABLE`: a transaction may put the check off to its end (`SET CONSTRAINTS`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`: the check is put off unless a transaction says otherwise.
    /// Only a deferrable key is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub initially_deferred: bool,
    /// `NOT VALID`: rows that were there when the key was added are not checked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
}

/// A CHECK constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// The constraint name.
    pub name: String,
    /// The boolean SQL expression.
    pub expression: String,
    /// `NOT VALID`: rows that were there when the check was added are not checked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_valid: bool,
}

/// A table with everything that hangs off it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The table's name.
    pub name: QualifiedName,
    /// The columns, in declaration order.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Indexes, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// UNIQUE constraints, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueConstraint>,
    /// Foreign keys, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
    /// The table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The name this table had before (a model hint: rename instead of drop + create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<QualifiedName>,
    /// The names of this table's constraints and indexes that the model did not state but
    /// took from the naming convention (a model hint): the diff matches each of those with
    /// the database's by what it is, whatever the database calls it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub conventional_names: std::collections::BTreeSet<String>,
    /// Exclusion constraints (PostgreSQL), sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionConstraint>,
    /// How the table is partitioned (PostgreSQL), as `pg_get_partkeydef` writes it:
    /// `RANGE (taken_at)`, `LIST (region)`, `HASH (id)`. `None`: an ordinary table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// The partitions a partitioned table has in the database, sorted by name. Read, never
    /// changed: partitions come and go with the data (a scheduled job, `pg_partman`), so
    /// the models declare the parent and a revision or a job manages its partitions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<Partition>,
}

/// One partition of a partitioned table, as the database holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    /// The partition, a table of its own.
    pub name: QualifiedName,
    /// Its bound, as the database writes it (`FOR VALUES FROM ('2026-01-01') TO (..)`).
    pub bound: String,
}

/// An `EXCLUDE` constraint (PostgreSQL), as the database defines it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionConstraint {
    /// The constraint name.
    pub name: String,
    /// Its definition as the database writes it (`EXCLUDE USING gist (room WITH =, ..)`),
    /// deferrability included; a model's is normalised to that spelling by the server.
    pub definition: String,
}

impl Table {
    /// An empty table with the given name.
    pub fn new(name: QualifiedName) -> Self {
        Self {
            name,
            columns: Vec::new(),
            primary_key: None,
            indexes: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            comment: None,
            renamed_from: None,
            conventional_names: std::collections::BTreeSet::new(),
            exclusions: Vec::new(),
            partition_by: None,
            partitions: Vec::new(),
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sorts the constraint and index lists so that equal tables compare equal.
    pub fn sort_members(&mut self) {
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        self.partitions.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// True when [`Table::sort_members`] would leave the table as it is.
    pub fn members_sorted(&self) -> bool {
        self.indexes.is_sorted_by(|a, b| a.name <= b.name)
            && self.uniques.is_sorted_by(|a, b| a.name <= b.name)
            && self.foreign_keys.is_sorted_by(|a, b| a.name <= b.name)
            && self.checks.is_sorted_by(|a, b| a.name <= b.name)
            && self.exclusions.is_sorted_by(|a, b| a.name <= b.name)
            && self.partitions.is_sorted_by(|a, b| a.name <= b.name)
    }
}

/// A named enum type with ordered values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// The type's name.
    pub name: QualifiedName,
    /// The values, in declaration order (the order matters for comparisons in SQL).
    pub values: Vec<String>,
    /// The type comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A whole database schema: the target built from models, or the current one read from a
/// database.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Enum types, sorted by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Tables, sorted by name.
    pub tables: Vec<Table>,
}

impl Schema {
    /// The table with this name.
    ///
    /// The diff, the rename resolution and the normalisation plan ask once per table, so
    /// a linear search made them quadratic. A schema is sorted ([`Schema::sort`]) before it
    /// is compared, so a binary search finds the table in logarithmic time; one that is not
    /// sorted is still answered right, by the linear search a miss falls back to (a binary
    /// search on an unsorted list can only miss, never find a wrong table).
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        match self.tables.binary_search_by(|t| t.name.cmp(name)) {
            Ok(found) => Some(&self.tables[found]),
            Err(_) => self.tables.iter().find(|t| &t.name == name),
        }
    }

    /// The enum type with this name (found as [`Schema::table`] finds a table).
    pub fn enum_type(&self, name: &QualifiedName) -> Option<&EnumType> {
        match self.enums.binary_search_by(|e| e.name.cmp(name)) {
            Ok(found) => Some(&self.enums[found]),
            Err(_) => self.enums.iter().find(|e| &e.name == name),
        }
    }

    /// Sorts tables, enums and every table's members into their canonical order.
    pub fn sort(&mut self) {
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &mut self.tables {
            table.sort_members();
        }
    }

    /// True when [`Schema::sort`] would leave the schema as it is (both sorts are stable).
    pub fn is_sorted(&self) -> bool {
        self.tables.is_sorted_by(|a, b| a.name <= b.name)
            && self.enums.is_sorted_by(|a, b| a.name <= b.name)
            && self.tables.iter().all(Table::members_sorted)
    }

    /// True when some name in the schema states `namespace` explicitly: the names that
    /// [`Schema::normalize_default_namespace`] rewrites. Without one, and with the schema
    /// sorted, that rewrite changes nothing, and a caller can skip copying the schema.
    pub fn mentions_namespace(&self, namespace: &str) -> bool {
        let names = |name: &QualifiedName| name.schema.as_deref() == Some(namespace);
        self.enums.iter().any(|e| names(&e.name))
            || self.tables.iter().any(|table| {
                names(&table.name)
                    || table.renamed_from.as_ref().is_some_and(names)
                    || table.columns.iter().any(|c| type_names(&c.ty, &names))
                    || table
                        .foreign_keys
                        .iter()
                        .any(|fk| names(&fk.referenced_table))
            })
    }

    /// Rewrites every explicit mention of the dialect's default namespace (`public` on
    /// PostgreSQL) to `None`, so that `schema = "public"` in a model and an introspected
    /// `public` table are the same name.
    pub fn normalize_default_namespace(&mut self, default: &str) {
        let fix = |name: &mut QualifiedName| {
            if name.schema.as_deref() == Some(default) {
                name.schema = None;
            }
        };
        for e in &mut self.enums {
            fix(&mut e.name);
        }
        for table in &mut self.tables {
            fix(&mut table.name);
            if let Some(old) = &mut table.renamed_from {
                fix(old);
            }
            for column in &mut table.columns {
                fix_type(&mut column.ty, &fix);
            }
            for fk in &mut table.foreign_keys {
                fix(&mut fk.referenced_table);
            }
        }
        self.sort();
    }
}

/// Whether `ty` names a type that `names` picks ([`Schema::mentions_namespace`]); the
/// same places [`fix_type`] rewrites.
fn type_names(ty: &ColumnType, names: &impl Fn(&QualifiedName) -> bool) -> bool {
    match ty {
        ColumnType::Enum { name } => names(name),
        ColumnType::Array { element } => type_names(element, names),
        _ => false,
    }
}

fn fix_type(ty: &mut ColumnType, fix: &impl Fn(&mut QualifiedName)) {
    match ty {
        ColumnType::Enum { name } => fix(name),
        ColumnType::Array { element } => fix_type(element, fix),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn foreign_key(name: &str, referenced: QualifiedName) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: vec!["owner_id".into()],
            referenced_table: referenced,
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::NoAction,
            deferrable: false,
            initially_deferred: false,
            not_valid: false,
        }
    }

    /// Two sorted tables in `billing`, naming nothing in `public`.
    fn schema() -> Schema {
        let mut owners = Table::new(QualifiedName::with_schema("billing", "owners"));
        owners.columns.push(Column::new("id", ColumnType::BigInt));
        let mut things = Table::new(QualifiedName::with_schema("billing", "things"));
        things
            .columns
            .push(Column::new("owner_id", ColumnType::BigInt));
        things.foreign_keys.push(foreign_key(
            "fk_a",
            QualifiedName::with_schema("billing", "owners"),
        ));
        Schema {
            enums: Vec::new(),
            tables: vec![owners, things],
        }
    }

    #[test]
    fn each_place_normalisation_rewrites_is_a_mention_of_the_namespace() {
        fn public(name: &str) -> QualifiedName {
            QualifiedName::with_schema("public", name)
        }
        fn enum_type(name: QualifiedName) -> ColumnType {
            ColumnType::Enum { name }
        }
        type Mention = Box<dyn Fn(&mut Schema)>;
        let mentions: Vec<(&str, Mention)> = vec![
            ("a table", Box::new(|s| s.tables[1].name = public("things"))),
            (
                "a rename's old name",
                Box::new(|s| s.tables[0].renamed_from = Some(public("people"))),
            ),
            (
                "an enum type",
                Box::new(|s| {
                    s.enums.push(EnumType {
                        name: public("mood"),
                        values: vec!["ok".into()],
                        comment: None,
                    })
                }),
            ),
            (
                "a column's enum",
                Box::new(|s| s.tables[0].columns[0].ty = enum_type(public("mood"))),
            ),
            (
                "an array's element",
                Box::new(|s| {
                    s.tables[0].columns[0].ty = ColumnType::Array {
                        element: Box::new(enum_type(public("mood"))),
                    }
                }),
            ),
            (
                "a referenced table",
                Box::new(|s| s.tables[1].foreign_keys[0].referenced_table = public("owners")),
            ),
        ];
        let plain = schema();
        assert!(!plain.mentions_namespace("public"));
        let mut normalized = plain.clone();
        normalized.normalize_default_namespace("public");
        assert_eq!(normalized, plain, "nothing to rewrite");
        for (what, mention) in &mentions {
            let mut mentioned = schema();
            mention(&mut mentioned);
            assert!(mentioned.mentions_namespace("public"), "{what}");
            assert!(!mentioned.mentions_namespace("billing_archive"), "{what}");
            let mut normalized = mentioned.clone();
            normalized.normalize_default_namespace("public");
            assert_ne!(normalized, mentioned, "{what} is rewritten");
            assert!(!normalized.mentions_namespace("public"), "{what}");
        }
    }

    #[test]
    fn a_schema_is_sorted_when_sorting_would_change_nothing() {
        let sorted = schema();
        assert!(sorted.is_sorted());
        let mut tables = schema();
        tables.tables.reverse();
        let mut members = schema();
        members.tables[1]
            .foreign_keys
            .insert(0, foreign_key("fk_b", QualifiedName::new("owners")));
        let mut enums = schema();
        for name in ["b", "a"] {
            enums.enums.push(EnumType {
                name: QualifiedName::new(name),
                values: Vec::new(),
                comment: None,
            });
        }
        for (what, mut unsorted) in [("tables", tables), ("members", members), ("enums", enums)] {
            assert!(!unsorted.is_sorted(), "{what}");
            unsorted.sort();
            assert!(unsorted.is_sorted(), "{what}");
        }
    }
}
