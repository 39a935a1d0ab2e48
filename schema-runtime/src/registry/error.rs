//! What can be wrong with a set of models: one [`ModelProblem`] per mistake, each a full
//! sentence naming the Rust type, its module and the table or column, and the
//! [`RegistryError`] that reports all of them at once so a user fixes the models in one pass.

use std::fmt;

use crate::naming::MAX_IDENTIFIER_BYTES;
use crate::schema::{ColumnType, QualifiedName};

/// Where a problem is: the Rust type that declared the table, and the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRef {
    /// The Rust type's name (`Task`).
    pub rust_name: &'static str,
    /// The module it lives in (`app_schema::tasks`); empty when unknown.
    pub module_path: &'static str,
    /// The table it declares.
    pub table: QualifiedName,
}

impl ModelRef {
    /// The Rust path of the model (`app_schema::tasks::Task`).
    pub fn path(&self) -> String {
        if self.module_path.is_empty() {
            self.rust_name.to_string()
        } else {
            format!("{}::{}", self.module_path, self.rust_name)
        }
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model {} (table {})", self.path(), self.table)
    }
}

/// The kinds of named database objects a model declares, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A namespace (PostgreSQL schema).
    Namespace,
    /// A table.
    Table,
    /// A column.
    Column,
    /// A primary key constraint.
    PrimaryKey,
    /// A UNIQUE constraint.
    Unique,
    /// An index.
    Index,
    /// A FOREIGN KEY constraint.
    ForeignKey,
    /// A CHECK constraint.
    Check,
    /// An EXCLUDE constraint.
    Exclusion,
    /// An enum type.
    EnumType,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Namespace => "namespace",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::Unique => "unique constraint",
            ObjectKind::Index => "index",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Exclusion => "exclusion constraint",
            ObjectKind::Check => "check constraint",
            ObjectKind::EnumType => "enum type",
        })
    }
}

/// The owner of a name in a namespace: which kind of object, declared by which model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameOwner {
    /// The model that declares the object.
    pub model: ModelRef,
    /// What the object is.
    pub kind: ObjectKind,
}

impl fmt::Display for NameOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the {} of {}", self.kind, self.model)
    }
}

/// One column's use of an enum type, for [`ModelProblem::ConflictingEnum`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumUse {
    /// The model whose column uses the type.
    pub model: ModelRef,
    /// The column.
    pub column: String,
    /// The values this use declares.
    pub values: Vec<String>,
}

impl fmt::Display for EnumUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} column {} as [{}]",
            self.model,
            self.column,
            self.values.join(", ")
        )
    }
}

/// One mistake in the models, found by the registry before any database is touched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelProblem {
    /// No model was collected at all.
    #[error(
        "no models were registered, so the target schema would be empty and look like \
         \"drop every table\"; if the models live in another crate, call that crate's \
         `link()` (which `schema_runtime::models_crate!()` defines) from the binary's main, \
         since it is what keeps the crate linked"
    )]
    NoModels,

    /// Two models declare one table.
    #[error(
        "models {} and {} both declare table {table}; give one of them another name with \
         #[table(name = \"...\")]",
        .first.path(), .second.path()
    )]
    DuplicateTable {
        /// The table name.
        table: QualifiedName,
        /// The first model, in canonical order.
        first: ModelRef,
        /// The other model.
        second: ModelRef,
    },

    /// Two fields map to one column name.
    #[error(
        "{model}: fields {first_field} and {second_field} are both column {column}; give one \
         of them another name with #[column(name = \"...\")]"
    )]
    DuplicateColumn {
        /// The model.
        model: ModelRef,
        /// The column name both fields map to.
        column: String,
        /// The first field.
        first_field: &'static str,
        /// The second field.
        second_field: &'static str,
    },

    /// A `references` string that is neither `table.column` nor `schema.table.column`.
    #[error(
        "{model}: column {column} has references = \"{reference}\", which is neither \
         \"table.column\" nor \"schema.table.column\""
    )]
    InvalidReference {
        /// The model.
        model: ModelRef,
        /// The referencing column.
        column: String,
        /// The reference as written.
        reference: String,
    },

    /// A reference to a table no model declares.
    #[error(
        "{model}: column {column} references {reference}, but no model declares a table \
         {table}{}",
        namespace_hint(.table, .candidates, .reference)
    )]
    MissingReferencedTable {
        /// The model.
        model: ModelRef,
        /// The referencing column.
        column: String,
        /// The reference as written.
        reference: String,
        /// The table it resolves to.
        table: QualifiedName,
        /// Tables of that name in other namespaces, to suggest.
        candidates: Vec<QualifiedName>,
    },

    /// A reference to a column the referenced table does not have.
    #[error(
        "{model}: column {column} references {reference}, but {target} has no column \
         {referenced_column}"
    )]
    MissingReferencedColumn {
        /// The model.
        model: ModelRef,
        /// The referencing column.
        column: String,
        /// The reference as written.
        reference: String,
        /// The model that declares the referenced table.
        target: ModelRef,
        /// The missing column.
        referenced_column: String,
    },

    /// A foreign key whose column type differs from the referenced column's.
    #[error(
        "{model}: column {column} is {column_type} but references {reference}, which is \
         {referenced_type}; a foreign key column must have the type of the column it references"
    )]
    ReferenceTypeMismatch {
        /// The model.
        model: ModelRef,
        /// The referencing column.
        column: String,
        /// The referencing column's type.
        column_type: ColumnType,
        /// The reference as written.
        reference: String,
        /// The referenced column's type.
        referenced_type: ColumnType,
    },

    /// A reference to a column that is neither the primary key nor unique.
    #[error(
        "{model}: column {column} references {reference}, which is neither the primary key \
         of its table nor unique; the database requires a foreign key to point at one of those"
    )]
    ReferencedColumnNotUnique {
        /// The model.
        model: ModelRef,
        /// The referencing column.
        column: String,
        /// The reference as written.
        reference: String,
    },

    /// `on_delete` / `on_update` on a column without `references`.
    #[error(
        "{model}: column {column} sets {action} but has no references = \"table.column\" for \
         it to apply to"
    )]
    ActionWithoutReference {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// `on_delete` or `on_update`.
        action: &'static str,
    },

    /// `set null` on a column that cannot hold NULL.
    #[error(
        "{model}: column {column} has {action} = \"set null\" but is NOT NULL, so the action \
         would fail; make the field an Option<...> or choose another action"
    )]
    SetNullOnNotNullColumn {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// `on_delete` or `on_update`.
        action: &'static str,
    },

    /// A primary key, unique constraint or index that names a column the table lacks.
    #[error("{model}: the {kind} {name} names column {column}, which the table does not have")]
    UnknownColumn {
        /// The model.
        model: ModelRef,
        /// What names the column.
        kind: ObjectKind,
        /// The constraint or index name.
        name: String,
        /// The unknown column.
        column: String,
    },

    /// A primary key, unique constraint or index with no columns.
    #[error("{model}: {} lists no columns", described(*.kind, .name))]
    EmptyColumnList {
        /// The model.
        model: ModelRef,
        /// What has the empty list.
        kind: ObjectKind,
        /// Its explicit name, if it has one.
        name: Option<String>,
    },

    /// A column listed twice in one primary key, unique constraint or index.
    #[error("{model}: the {kind} {name} lists column {column} more than once")]
    RepeatedColumn {
        /// The model.
        model: ModelRef,
        /// What lists the column twice.
        kind: ObjectKind,
        /// The constraint or index name.
        name: String,
        /// The repeated column.
        column: String,
    },

    /// A table without a primary key that did not say so.
    #[error(
        "{model} has no primary key; mark a field #[column(primary_key)], declare \
         #[table(primary_key(columns(...)))], or add #[table(no_primary_key)] if the table \
         deliberately has none"
    )]
    MissingPrimaryKey {
        /// The model.
        model: ModelRef,
    },

    /// A primary key declared both on fields and at table level.
    #[error(
        "{model}: the primary key is declared both on fields ({}) and with \
         #[table(primary_key(...))] ({}); keep one of the two",
        .fields.join(", "), .table_level.join(", ")
    )]
    PrimaryKeyDeclaredTwice {
        /// The model.
        model: ModelRef,
        /// The columns marked `primary_key` on their fields.
        fields: Vec<String>,
        /// The table-level key's columns.
        table_level: Vec<String>,
    },

    /// `no_primary_key` together with a primary key.
    #[error(
        "{model} is marked #[table(no_primary_key)] but also declares a primary key ({}); \
         keep one of the two",
        .columns.join(", ")
    )]
    PrimaryKeyOnKeylessTable {
        /// The model.
        model: ModelRef,
        /// The declared key's columns.
        columns: Vec<String>,
    },

    /// A nullable primary key column, which the database would make NOT NULL anyway.
    #[error(
        "{model}: primary key column {column} is nullable (an Option field), but the database \
         makes every primary key column NOT NULL; make the field non-optional"
    )]
    NullablePrimaryKeyColumn {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
    },

    /// `identity = true` on a column that is not an integer.
    #[error(
        "{model}: column {column} has identity = true, but it is {ty} and identity columns \
         must be smallint, integer or bigint"
    )]
    IdentityOnNonInteger {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// Its type.
        ty: ColumnType,
    },

    /// `identity = true` on one column of a composite primary key, where the database
    /// generates values only for a lone key.
    #[error(
        "{model}: column {column} has identity = true, but it is part of a composite primary \
         key; on {dialect} identity applies only to a lone integer primary key (PostgreSQL \
         has it on any integer column)"
    )]
    IdentityOnCompositeKey {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// `identity = true` on a column outside the primary key, where the database
    /// generates values only for the key.
    #[error(
        "{model}: column {column} has identity = true, but it is not the primary key; on \
         {dialect} identity applies only to a lone integer primary key (PostgreSQL has it on \
         any integer column)"
    )]
    IdentityOnNonKey {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// `identity = "always"` where the database cannot refuse explicit values.
    #[error(
        "{model}: column {column} has identity = \"always\", but {dialect} cannot refuse \
         values written to an auto-increment column; use `identity = true` (by default) there"
    )]
    IdentityAlwaysUnsupported {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// An identity column that also has a default.
    #[error(
        "{model}: column {column} is an identity column and also has default = \"{default}\"; \
         an identity column generates its own values, so remove the default or set \
         identity = false"
    )]
    IdentityWithDefault {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The default as written.
        default: String,
    },

    /// `max_length` on a column that is not text.
    #[error(
        "{model}: column {column} has max_length = {max_length}, which applies only to text \
         columns, but it is {ty}"
    )]
    MaxLengthOnNonString {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The declared length.
        max_length: u32,
        /// The column's type.
        ty: ColumnType,
    },

    /// Both `sql_type` and `max_length` on one column.
    #[error(
        "{model}: column {column} has both sql_type = \"{sql_type}\" and max_length = \
         {max_length}; write the length in the sql_type (varchar(N)) and drop max_length"
    )]
    MaxLengthWithSqlType {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The explicit SQL type.
        sql_type: String,
        /// The declared length.
        max_length: u32,
    },

    /// Two objects that share one name in a namespace.
    #[error(
        "{first} and {second} are both named {name} in {}; index and constraint names must be \
         unique per namespace, so give one of them an explicit name",
        in_namespace(.namespace)
    )]
    DuplicateName {
        /// The namespace (`None`: the default one).
        namespace: Option<String>,
        /// The shared name.
        name: String,
        /// The first owner, in canonical order.
        first: NameOwner,
        /// The other owner.
        second: NameOwner,
    },

    /// An identifier written by the user that the database would truncate.
    #[error(
        "{model}: the {kind} name {name} is {} bytes long, over the {MAX_IDENTIFIER_BYTES}-byte \
         identifier limit (PostgreSQL would silently cut it); choose a shorter name",
        .name.len()
    )]
    IdentifierTooLong {
        /// The model.
        model: ModelRef,
        /// What the name names.
        kind: ObjectKind,
        /// The name.
        name: String,
    },

    /// A table `renamed_from` its own name.
    #[error(
        "{model} has renamed_from = \"{renamed_from}\", which is its own name; remove \
         renamed_from (once the rename has been applied everywhere it is no longer needed)"
    )]
    TableRenamedToItself {
        /// The model.
        model: ModelRef,
        /// The old name as resolved.
        renamed_from: QualifiedName,
    },

    /// A table `renamed_from` a table another model still declares.
    #[error(
        "{model} has renamed_from = \"{renamed_from}\", but {other} still declares that \
         table; a table cannot be renamed from one that still exists"
    )]
    TableRenamedFromExisting {
        /// The model.
        model: ModelRef,
        /// The old name as resolved.
        renamed_from: QualifiedName,
        /// The model that still declares the old name.
        other: ModelRef,
    },

    /// A column `renamed_from` its own name.
    #[error(
        "{model}: column {column} has renamed_from = \"{column}\", which is its own name; \
         remove renamed_from"
    )]
    ColumnRenamedToItself {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
    },

    /// A column `renamed_from` a column the table still has.
    #[error(
        "{model}: column {column} has renamed_from = \"{renamed_from}\", but the table still \
         has a column {renamed_from}; a column cannot be renamed from one that still exists"
    )]
    ColumnRenamedFromExisting {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The old name.
        renamed_from: String,
    },

    /// One enum type name declared with two different value lists.
    #[error(
        "enum type {name} is declared with different values by {first} and by {second}; \
         Rust enums that map to one database type must list the same values"
    )]
    ConflictingEnum {
        /// The enum type's name.
        name: QualifiedName,
        /// The first use, in canonical order.
        first: EnumUse,
        /// The conflicting use.
        second: EnumUse,
    },

    /// An enum type named like a table (PostgreSQL keeps both in one namespace of types).
    #[error(
        "enum type {name}, used by {model} column {column}, has the name of the table of \
         {table_model}; the database keeps types and tables in one namespace, so rename one"
    )]
    EnumNameClashesWithTable {
        /// The enum type's name.
        name: QualifiedName,
        /// The model whose column uses the enum.
        model: ModelRef,
        /// The column.
        column: String,
        /// The model that declares the table.
        table_model: ModelRef,
    },

    /// A table-level foreign key whose two column lists differ in length, or whose
    /// referenced table is not `table` or `schema.table`.
    #[error(
        "{model}: the foreign key over ({}) references {reference}; it needs one referenced \
         column per column, in a table written \"table\" or \"schema.table\"",
        .columns.join(", ")
    )]
    ForeignKeyArity {
        /// The model.
        model: ModelRef,
        /// The referencing columns.
        columns: Vec<String>,
        /// The reference as written.
        reference: String,
    },

    /// An `external` reference to a table that a model declares.
    #[error(
        "{model}: column {column} references {reference} as external, but {target} declares \
         that table; remove `external`, so the reference is checked against the model"
    )]
    ExternalReferenceToModel {
        /// The model.
        model: ModelRef,
        /// The referencing column or columns.
        column: String,
        /// The reference as written.
        reference: String,
        /// The model that declares the referenced table.
        target: ModelRef,
    },

    /// A deferrable foreign key on a database that checks keys at once.
    #[error(
        "{model}: the foreign key {name} is deferrable, but {dialect} checks foreign keys \
         immediately; limit it with `dialects(..)` or drop `deferrable` there"
    )]
    DeferrableUnsupported {
        /// The model.
        model: ModelRef,
        /// The key's name.
        name: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// An `index(parts(..))` entry that is not a key part.
    #[error("{model}: the index part `{part}` cannot be read: {why}")]
    InvalidIndexPart {
        /// The model.
        model: ModelRef,
        /// The part as written.
        part: String,
        /// What is wrong.
        why: String,
    },

    /// An index over an expression without a name (there are no columns to name it by).
    #[error(
        "{model}: the index over ({}) has an expression key, so it needs a `name = \"..\"`",
        .parts.join(", ")
    )]
    ExpressionIndexWithoutName {
        /// The model.
        model: ModelRef,
        /// The parts as written.
        parts: Vec<String>,
    },

    /// An index that says what only PostgreSQL can hold, on another database.
    #[error(
        "{model}: the index {name} {what}, which {dialect} cannot hold; keep it on \
         PostgreSQL with `dialects(\"postgresql\")` and declare what {dialect} gets in a \
         `{dialect}(index(..))` block"
    )]
    IndexUnsupported {
        /// The model.
        model: ModelRef,
        /// The index.
        name: String,
        /// What it says (`uses gin`, `has INCLUDE columns`, ...).
        what: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// A generated column with a default or an identity: its values come from the
    /// expression only.
    #[error(
        "{model}: column {column} is generated from `{generated}` and also has {default}; \
         a generated column takes its values from its expression only, so remove one"
    )]
    GeneratedWithDefault {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The generation expression.
        generated: String,
        /// The default (or "an identity").
        default: String,
    },

    /// `generated_virtual` on a column that is not generated, or on PostgreSQL.
    #[error("{model}: column {column} is generated_virtual, but {why}")]
    VirtualMisplaced {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// What is wrong, as the end of a sentence.
        why: String,
    },

    /// `autoincrement` where SQLite would not take it.
    #[error("{model}: column {column} has autoincrement, but {why}")]
    AutoincrementMisplaced {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// What is wrong, as the end of a sentence.
        why: String,
    },

    /// `identity_start` or `identity_increment` on a column that is no identity.
    #[error(
        "{model}: column {column} has identity_start or identity_increment but is not an \
         identity column (`identity = false`); drop the options or the `false`"
    )]
    SequenceOptionsWithoutIdentity {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
    },

    /// An identity that would never move.
    #[error("{model}: column {column} has identity_increment = 0; a sequence must move")]
    IdentityIncrementZero {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
    },

    /// Identity sequence options where only PostgreSQL's identities take them.
    #[error(
        "{model}: column {column} states identity_start or identity_increment, which only \
         PostgreSQL's identities take; leave them out on {dialect}"
    )]
    SequenceOptionsUnsupported {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// A NOT NULL generated column where generated columns admit NULL (MySQL, MariaDB).
    #[error(
        "{model}: column {column} is generated and NOT NULL, but {dialect}'s generated \
         columns admit NULL; make the field an `Option<..>`"
    )]
    GeneratedNotNull {
        /// The model.
        model: ModelRef,
        /// The column.
        column: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// An exclusion constraint with nothing to compare.
    #[error(
        "{model}: the exclusion constraint {name} has no elements; list them, like \
         `elements(\"room_id WITH =\", \"during WITH &&\")`"
    )]
    ExclusionWithoutElements {
        /// The model.
        model: ModelRef,
        /// The constraint.
        name: String,
    },

    /// A partitioned table where only PostgreSQL's partitioning is supported.
    #[error(
        "{model}: the table is partitioned by {key}, which is supported on PostgreSQL only \
         so far; keep the model on PostgreSQL"
    )]
    PartitioningUnsupported {
        /// The model.
        model: ModelRef,
        /// The partition key as written.
        key: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// An exclusion constraint where only PostgreSQL has them.
    #[error(
        "{model}: the exclusion constraint {name} exists on PostgreSQL only; limit it with \
         `dialects(\"postgresql\")` and, if {dialect} needs a guarantee, declare what it \
         can hold (a unique, a check)"
    )]
    ExclusionUnsupported {
        /// The model.
        model: ModelRef,
        /// The constraint.
        name: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// A `NOT VALID` constraint where only PostgreSQL has them.
    #[error(
        "{model}: the {kind} {name} is not_valid, which only PostgreSQL has; limit it with \
         `dialects(\"postgresql\")` or drop `not_valid` for {dialect}"
    )]
    NotValidUnsupported {
        /// The model.
        model: ModelRef,
        /// `check` or `foreign key`.
        kind: ObjectKind,
        /// The constraint.
        name: String,
        /// The database.
        dialect: crate::dialect::Dialect,
    },

    /// Two naming conventions for one models crate.
    #[error(
        "crate {krate} chooses its naming convention twice (in {first} and {second}); keep \
         one `naming_convention!`"
    )]
    NamingConventionTwice {
        /// The crate.
        krate: String,
        /// The module of the first.
        first: &'static str,
        /// The module of the second.
        second: &'static str,
    },

    /// A naming convention template that cannot give names.
    #[error("the naming convention in {module}: {problem}")]
    BadNamingConvention {
        /// Where `naming_convention!` is written.
        module: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

fn in_namespace(schema: &Option<String>) -> String {
    match schema {
        Some(schema) => format!("namespace {schema}"),
        None => "the default namespace".to_string(),
    }
}

fn described(kind: ObjectKind, name: &Option<String>) -> String {
    match name {
        Some(name) => format!("the {kind} {name}"),
        None => format!("a {kind}"),
    }
}

fn namespace_hint(table: &QualifiedName, candidates: &[QualifiedName], reference: &str) -> String {
    if candidates.is_empty() {
        return "; declare a model for it, or add `external` to the reference when the table \
                is managed elsewhere (it is then looked up in the database)"
            .to_string();
    }
    let column = reference.rsplit('.').next().unwrap_or(reference);
    let where_ = if table.schema.is_none() {
        " in the default namespace"
    } else {
        ""
    };
    match candidates {
        [one] => format!("{where_}; did you mean references = \"{one}.{column}\"?"),
        many => {
            let names: Vec<String> = many.iter().map(ToString::to_string).collect();
            format!(
                "{where_} (tables of that name exist as {}); name the namespace, as in \
                 references = \"schema.table.column\"",
                names.join(", ")
            )
        }
    }
}

/// Everything wrong with a set of models, reported together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct RegistryError {
    /// One entry per problem, in a deterministic order.
    pub problems: Vec<ModelProblem>,
}

impl From<Vec<ModelProblem>> for RegistryError {
    fn from(problems: Vec<ModelProblem>) -> Self {
        Self { problems }
    }
}

fn render(problems: &[ModelProblem]) -> String {
    let count = problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    let mut out = format!("{count} {noun} in the models:");
    for problem in problems {
        out.push_str("\n  - ");
        out.push_str(&problem.to_string());
    }
    out
}
