//! Other migration tools' bookkeeping tables: the names the schema filter leaves alone by
//! default ([`FOREIGN_TABLES`], so that a Rails, Django or Flyway database does not show
//! their tables as drift), and the shapes ([`SIGNATURES`]) by which a table found under the
//! configured version table's name is recognised as another tool's, so that the error
//! ([`ForeignTable`]) can say whose it seems to be.

use std::fmt;

use super::history::{HistoryTables, DEFAULT_VERSION_TABLE};

/// Tables other tools keep their history in, with the tool: never managed by default (an
/// exact, case-insensitive name match), unless the models declare a table of that name.
pub const FOREIGN_TABLES: &[(&str, &str)] = &[
    (
        "schema_migrations",
        "Rails (Active Record), Ecto, golang-migrate, dbmate, and this migrator before \
         dgs_schema_version",
    ),
    ("ar_internal_metadata", "Rails (Active Record)"),
    (
        "schema_migrations_log",
        "this migrator before dgs_schema_version",
    ),
    (
        "schema_migrations_lock",
        "this migrator before dgs_schema_version",
    ),
    ("alembic_version", "Alembic"),
    ("_sqlx_migrations", "sqlx"),
    ("__diesel_schema_migrations", "Diesel"),
    ("refinery_schema_history", "Refinery"),
    ("seaql_migrations", "SeaORM"),
    ("flyway_schema_history", "Flyway"),
    ("databasechangelog", "Liquibase"),
    ("databasechangeloglock", "Liquibase"),
    ("django_migrations", "Django"),
    ("_prisma_migrations", "Prisma"),
    ("knex_migrations", "Knex"),
    ("knex_migrations_lock", "Knex"),
    ("goose_db_version", "goose"),
    ("SequelizeMeta", "Sequelize"),
    ("__EFMigrationsHistory", "Entity Framework Core"),
    ("doctrine_migration_versions", "Doctrine Migrations"),
    ("phinxlog", "Phinx"),
    ("mikro_orm_migrations", "MikroORM"),
    ("__drizzle_migrations", "Drizzle"),
];

/// How another tool's history table looks: its usual name and the columns it has.
#[derive(Clone, Copy, Debug)]
pub struct Signature {
    /// The tool, as messages name it.
    pub tool: &'static str,
    /// The table's default name.
    pub table: &'static str,
    /// Columns it always has.
    pub columns: &'static [&'static str],
    /// Whether those are all its columns (a one-column table says little otherwise).
    pub exact: bool,
}

const fn sig(
    tool: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    exact: bool,
) -> Signature {
    Signature {
        tool,
        table,
        columns,
        exact,
    }
}

/// The shapes recognised, the more specific first (golang-migrate's and Ecto's
/// `schema_migrations` before Rails' one-column table of the same name).
pub const SIGNATURES: &[Signature] = &[
    sig(
        "golang-migrate",
        "schema_migrations",
        &["version", "dirty"],
        false,
    ),
    sig(
        "Ecto",
        "schema_migrations",
        &["version", "inserted_at"],
        false,
    ),
    sig(
        "Rails (Active Record) or dbmate",
        "schema_migrations",
        &["version"],
        true,
    ),
    sig("Alembic", "alembic_version", &["version_num"], true),
    sig(
        "Flyway",
        "flyway_schema_history",
        &["installed_rank", "version", "script", "checksum", "success"],
        false,
    ),
    sig(
        "sqlx",
        "_sqlx_migrations",
        &[
            "version",
            "description",
            "installed_on",
            "success",
            "checksum",
        ],
        false,
    ),
    sig(
        "Diesel",
        "__diesel_schema_migrations",
        &["version", "run_on"],
        false,
    ),
    sig(
        "Refinery",
        "refinery_schema_history",
        &["version", "name", "applied_on", "checksum"],
        false,
    ),
    sig(
        "SeaORM",
        "seaql_migrations",
        &["version", "applied_at"],
        false,
    ),
    sig(
        "Django",
        "django_migrations",
        &["app", "name", "applied"],
        false,
    ),
    sig(
        "Prisma",
        "_prisma_migrations",
        &["migration_name", "checksum", "finished_at"],
        false,
    ),
    sig(
        "Liquibase",
        "databasechangelog",
        &["id", "author", "filename", "dateexecuted", "md5sum"],
        false,
    ),
    sig(
        "Knex",
        "knex_migrations",
        &["name", "batch", "migration_time"],
        false,
    ),
    sig(
        "goose",
        "goose_db_version",
        &["version_id", "is_applied"],
        false,
    ),
    sig("Sequelize", "SequelizeMeta", &["name"], true),
];

impl Signature {
    fn fits(&self, columns: &[String]) -> bool {
        let has = |c: &&str| columns.iter().any(|f| f.eq_ignore_ascii_case(c));
        self.columns.iter().all(has) && (!self.exact || columns.len() == self.columns.len())
    }
}

/// The tool whose history table a table of this name and these columns seems to be: a
/// shape under its usual name first, then a shape alone (most tools let the name be
/// changed); `None` when nothing fits.
pub fn recognise(table: &str, columns: &[String]) -> Option<&'static str> {
    let named = SIGNATURES
        .iter()
        .find(|s| s.table.eq_ignore_ascii_case(table) && s.fits(columns));
    named
        .or_else(|| SIGNATURES.iter().find(|s| s.fits(columns)))
        .map(|s| s.tool)
}

/// Which of the migrator's tables a name was taken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryRole {
    /// The version table.
    Version,
    /// The log table.
    Log,
}

/// A table under one of the configured history names that is not the migrator's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignTable {
    /// The table.
    pub table: String,
    /// Which of the migrator's tables has its name.
    pub role: HistoryRole,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// The tool it seems to belong to; `None` for an unknown one.
    pub tool: Option<&'static str>,
    /// The configured version table name.
    pub configured: String,
}

impl ForeignTable {
    /// The error for `table`, found with `columns` where `tables` wants its own.
    pub fn new(
        table: &str,
        role: HistoryRole,
        columns: Vec<String>,
        tables: &HistoryTables,
    ) -> Self {
        Self {
            table: table.to_owned(),
            role,
            tool: recognise(table, &columns),
            columns,
            configured: tables.version().to_owned(),
        }
    }
}

impl fmt::Display for ForeignTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, ours) = match self.role {
            HistoryRole::Version => ("version table", "a single `revision` column"),
            HistoryRole::Log => ("history log", "revision, direction, checksum, ..."),
        };
        write!(
            f,
            "the table `{}` is not the migrator's {what}: its columns ({}) are not the \
             migrator's ({ours}), so it seems to belong to {}. Nothing was written: its rows \
             are untouched and no table was created. Give the migrator's history another \
             name with --version-table NAME or DGS_VERSION_TABLE=NAME",
            self.table,
            self.columns.join(", "),
            self.tool.unwrap_or("an unknown tool"),
        )?;
        if self.configured != DEFAULT_VERSION_TABLE {
            write!(
                f,
                " (the default, {DEFAULT_VERSION_TABLE}, is used by no other tool)"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn the_schema_migrations_tables_are_told_apart() {
        let r = |cols_: &[&str]| recognise("schema_migrations", &cols(cols_));
        assert_eq!(r(&["version"]), Some("Rails (Active Record) or dbmate"));
        assert_eq!(r(&["version", "dirty"]), Some("golang-migrate"));
        assert_eq!(r(&["version", "inserted_at"]), Some("Ecto"));
        assert_eq!(r(&["version", "note"]), None);
        assert_eq!(
            recognise("alembic_version", &cols(&["version_num"])),
            Some("Alembic")
        );
        assert_eq!(
            recognise("my_versions", &cols(&["version", "dirty"])),
            Some("golang-migrate"),
            "a renamed table is recognised by its shape"
        );
    }

    #[test]
    fn every_signature_table_is_left_alone_by_default() {
        for signature in SIGNATURES {
            assert!(
                FOREIGN_TABLES.iter().any(|(t, _)| *t == signature.table),
                "{}",
                signature.table
            );
        }
    }

    #[test]
    fn the_error_names_the_table_the_columns_the_tool_and_the_flag() {
        let error = ForeignTable::new(
            "schema_migrations",
            HistoryRole::Version,
            cols(&["version", "dirty"]),
            &HistoryTables::new("schema_migrations").unwrap(),
        );
        assert_eq!(
            error.to_string(),
            "the table `schema_migrations` is not the migrator's version table: its columns \
             (version, dirty) are not the migrator's (a single `revision` column), so it seems \
             to belong to golang-migrate. Nothing was written: its rows are untouched and no \
             table was created. Give the migrator's history another name with --version-table \
             NAME or DGS_VERSION_TABLE=NAME (the default, dgs_schema_version, is used by no \
             other tool)"
        );
        let unknown = ForeignTable::new(
            "dgs_schema_version",
            HistoryRole::Version,
            cols(&["id", "note"]),
            &HistoryTables::default(),
        );
        assert!(unknown.to_string().contains("belong to an unknown tool."));
        assert!(unknown.to_string().ends_with("DGS_VERSION_TABLE=NAME"));
    }
}
