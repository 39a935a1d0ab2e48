//! The smart migrator's environment: `DGS_ENV`, `DATABASE_URL`, `DGS_BACKUP_DIR` and
//! `DGS_VERSION_TABLE`, read once into an [`EnvConfig`], and the database a run uses when `DATABASE_URL` is unset.
//! The `migrate` binary and an application migrating on boot resolve them here, so both
//! read the same variables the same way.

use std::path::{Path, PathBuf};

use super::{defaults, Environment, Options, WorkflowError};
use crate::db::{HistoryTables, Wait};
use crate::filter::SchemaFilter;

/// The variable naming the environment (`development` or `production`).
pub const ENV_VAR: &str = "DGS_ENV";

/// The variable naming the database.
pub const DATABASE_URL_VAR: &str = "DATABASE_URL";

/// The variable naming the backup folder.
pub const BACKUP_DIR_VAR: &str = "DGS_BACKUP_DIR";

/// The variable naming the version table (default `dgs_schema_version`).
pub const VERSION_TABLE_VAR: &str = "DGS_VERSION_TABLE";

/// The backup folder when `DGS_BACKUP_DIR` is unset or empty.
pub const DEFAULT_BACKUP_DIR: &str = "backups";

/// What the environment variables say, before any flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvConfig {
    /// `DGS_ENV`.
    pub environment: Environment,
    /// `DATABASE_URL`, if set and not empty.
    pub database_url: Option<String>,
    /// `DGS_BACKUP_DIR`, or `backups`.
    pub backup_dir: PathBuf,
    /// `DGS_VERSION_TABLE`, or `dgs_schema_version`.
    pub history_tables: HistoryTables,
}

impl EnvConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, WorkflowError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (the process environment in [`from_env`]).
    ///
    /// [`from_env`]: EnvConfig::from_env
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, WorkflowError> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        Ok(Self {
            environment: Environment::parse(lookup(ENV_VAR).as_deref())?,
            database_url: set(DATABASE_URL_VAR),
            backup_dir: set(BACKUP_DIR_VAR)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_BACKUP_DIR)),
            history_tables: match set(VERSION_TABLE_VAR) {
                Some(name) => HistoryTables::new(name.trim())?,
                None => HistoryTables::default(),
            },
        })
    }

    /// The options of a run of `app`'s models over the migrations in `dir`, with every flag
    /// at its default (no force, backups as the environment wants them, 60 s waits).
    pub fn options(&self, app: &str, dir: &Path) -> Result<Options, WorkflowError> {
        let (database_url, create_database) =
            resolve_database(app, self.environment, self.database_url.as_deref(), dir)?;
        Ok(Options {
            environment: self.environment,
            database_url,
            dir: dir.to_path_buf(),
            backup_dir: self.backup_dir.clone(),
            force_sync_prod: false,
            backup: false,
            skip_backup: false,
            wait: Wait::up_to(if create_database {
                defaults::ZERO_CONFIG_WAIT
            } else {
                Wait::DEFAULT_TIMEOUT
            }),
            lock_timeout: Wait::DEFAULT_TIMEOUT,
            filter: SchemaFilter::default().with_history_tables(&self.history_tables),
            history_tables: self.history_tables.clone(),
            create_database,
            embedded: None,
        })
    }
}

/// The database a run uses and whether it may create it: the given URL as it is, or, in
/// development only, `<app>_development` on the local server of the history's dialect
/// (created if missing). Production never guesses: a deploy that forgot `DATABASE_URL`
/// must fail, not migrate a database nobody meant.
pub fn resolve_database(
    app: &str,
    environment: Environment,
    url: Option<&str>,
    dir: &Path,
) -> Result<(String, bool), WorkflowError> {
    if let Some(url) = url {
        return Ok((url.to_owned(), false));
    }
    if environment == Environment::Production {
        return Err(WorkflowError::MissingDatabaseUrl);
    }
    Ok((defaults::development_url(app, history_dialect(dir)), true))
}

/// The dialect the history in `dir` is written for; PostgreSQL for an empty history. An
/// unreadable history counts as empty here: the run itself reports it, with the file named.
pub fn history_dialect(dir: &Path) -> crate::Dialect {
    crate::revision::load(dir)
        .ok()
        .and_then(|set| set.dialect())
        .unwrap_or(crate::Dialect::Postgresql)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<EnvConfig, WorkflowError> {
        EnvConfig::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_are_development_without_a_url() {
        let config = config(&[]).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.database_url, None);
        assert_eq!(config.backup_dir, PathBuf::from("backups"));
        assert_eq!(config.history_tables, HistoryTables::default());
    }

    #[test]
    fn the_version_table_is_read_and_validated() {
        let config = config(&[("DGS_VERSION_TABLE", "ops_versions")]).unwrap();
        assert_eq!(config.history_tables.version(), "ops_versions");
        let options = config.options("app", Path::new("/nonexistent")).unwrap();
        assert_eq!(options.history_tables.log(), "ops_versions_log");
        assert!(!options.filter.manages("public", "ops_versions"));
        let error = self::config(&[("DGS_VERSION_TABLE", "x; drop")]).unwrap_err();
        assert!(
            error.to_string().starts_with(
                "DGS_VERSION_TABLE: the version table name `x; drop` is not a plain identifier"
            ),
            "{error}"
        );
    }

    #[test]
    fn variables_are_read_and_empty_ones_ignored() {
        let config = config(&[
            ("DGS_ENV", "production"),
            ("DATABASE_URL", "postgres://db/app"),
            ("DGS_BACKUP_DIR", "/var/backups/app"),
        ])
        .unwrap();
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.database_url.as_deref(), Some("postgres://db/app"));
        assert_eq!(config.backup_dir, PathBuf::from("/var/backups/app"));
        let empty = self::config(&[("DATABASE_URL", ""), ("DGS_BACKUP_DIR", " ")]).unwrap();
        assert_eq!(empty.database_url, None);
        assert_eq!(empty.backup_dir, PathBuf::from("backups"));
    }

    #[test]
    fn an_unknown_environment_is_an_error() {
        let error = config(&[("DGS_ENV", "staging")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "DGS_ENV is `staging`; set it to `development` or `production`"
        );
    }

    #[test]
    fn production_needs_a_url_and_development_has_a_default() {
        let dir = Path::new("/nonexistent/migrations");
        assert!(matches!(
            resolve_database("app", Environment::Production, None, dir),
            Err(WorkflowError::MissingDatabaseUrl)
        ));
        let (url, create) = resolve_database("app", Environment::Development, None, dir).unwrap();
        assert!(url.contains("app_development"), "{url}");
        assert!(create);
        let (url, create) = resolve_database(
            "app",
            Environment::Production,
            Some("postgres://db/app"),
            dir,
        )
        .unwrap();
        assert_eq!((url.as_str(), create), ("postgres://db/app", false));
    }
}
