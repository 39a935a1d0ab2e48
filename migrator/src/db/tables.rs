//! The names of the migrator's history tables, chosen once (`--version-table`,
//! `DGS_VERSION_TABLE`) and validated on construction, so that every statement may write
//! them unquoted.

use std::fmt;
use std::str::FromStr;

/// The version table's name when none is configured: a name no other tool uses.
pub const DEFAULT_VERSION_TABLE: &str = "dgs_schema_version";

/// The version table's name before it was configurable; databases migrated by those builds
/// are carried over to [`DEFAULT_VERSION_TABLE`].
pub const LEGACY_VERSION_TABLE: &str = "schema_migrations";

/// The longest version table name: `ck_<name>_log_direction`, the longest name derived
/// from it, then stays within PostgreSQL's 63 bytes.
pub const MAX_VERSION_TABLE_LEN: usize = 46;

/// The log's columns, as the migrator creates them: a table of the log's name is the
/// migrator's when it has all of them.
pub const LOG_COLUMNS: [&str; 8] = [
    "id",
    "revision",
    "direction",
    "checksum",
    "message",
    "applied_at",
    "duration_ms",
    "applied_by",
];

/// The names of the migrator's history tables: the version table, chosen by the user, and
/// the log (`<name>_log`) and SQLite lock table (`<name>_lock`) derived from it.
///
/// The name is validated on construction (a plain identifier of at most
/// [`MAX_VERSION_TABLE_LEN`] bytes), so SQL may write it unquoted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistoryTables {
    version: String,
    log: String,
    lock: String,
}

impl HistoryTables {
    /// The tables for the version table `name`; an error unless it is a plain identifier
    /// (`[A-Za-z_][A-Za-z0-9_]*`) of at most [`MAX_VERSION_TABLE_LEN`] bytes.
    pub fn new(name: &str) -> Result<Self, VersionTableError> {
        let mut chars = name.chars();
        let plain = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !plain {
            return Err(VersionTableError::NotAnIdentifier {
                name: name.to_owned(),
            });
        }
        if name.len() > MAX_VERSION_TABLE_LEN {
            return Err(VersionTableError::TooLong {
                name: name.to_owned(),
            });
        }
        Ok(Self {
            version: name.to_owned(),
            log: format!("{name}_log"),
            lock: format!("{name}_lock"),
        })
    }

    /// The tables of the builds before the name was configurable (`schema_migrations`).
    pub fn legacy() -> Self {
        Self::known(LEGACY_VERSION_TABLE)
    }

    fn known(name: &str) -> Self {
        Self {
            version: name.to_owned(),
            log: format!("{name}_log"),
            lock: format!("{name}_lock"),
        }
    }

    /// The version table: the revisions the database is at (its heads).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The log table: every revision applied, undone, stamped or accepted.
    pub fn log(&self) -> &str {
        &self.log
    }

    /// The migration lock's table on SQLite (other databases lock without a table).
    pub fn lock(&self) -> &str {
        &self.lock
    }

    /// All three names: version, log, lock.
    pub fn names(&self) -> [&str; 3] {
        [&self.version, &self.log, &self.lock]
    }

    /// True for the default name, the only one the previous build's tables are carried
    /// over to.
    pub fn is_default(&self) -> bool {
        self.version == DEFAULT_VERSION_TABLE
    }

    /// The tables whose columns [`classify`](super::history::classify) needs: these, and the previous build's when
    /// this is the default name.
    pub fn lookup_names(&self) -> Vec<String> {
        let mut names = vec![self.version.clone(), self.log.clone()];
        if self.is_default() {
            let legacy = Self::legacy();
            names.push(legacy.version);
            names.push(legacy.log);
        }
        names
    }
}

impl Default for HistoryTables {
    /// `dgs_schema_version`, `dgs_schema_version_log`, `dgs_schema_version_lock`.
    fn default() -> Self {
        Self::known(DEFAULT_VERSION_TABLE)
    }
}

impl FromStr for HistoryTables {
    type Err = VersionTableError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl fmt::Display for HistoryTables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.version)
    }
}

/// A version table name that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionTableError {
    /// Not `[A-Za-z_][A-Za-z0-9_]*`.
    #[error(
        "the version table name `{name}` is not a plain identifier: use ASCII letters, digits \
         and underscores, starting with a letter or an underscore (the default is \
         `dgs_schema_version`)"
    )]
    NotAnIdentifier {
        /// The name as given.
        name: String,
    },
    /// Longer than [`MAX_VERSION_TABLE_LEN`].
    #[error(
        "the version table name `{name}` is {} bytes long; use at most 46, so that the names \
         derived from it (`{name}_log`, its index and check constraint) stay within \
         PostgreSQL's 63 bytes", name.len()
    )]
    TooLong {
        /// The name as given.
        name: String,
    },
}
