//! What every command starts from: the application's own facts ([`App`]) and the settings
//! resolved once from flags and environment ([`Settings`]).

use std::time::Duration;

use super::args::*;
use super::exit::{Code, Exit};
use super::output::Output;
use crate::apply::ApplyOptions;
use crate::revision::RevisionSet;

/// What the application binary tells the CLI about itself.
#[derive(Clone, Debug)]
pub struct App {
    /// The application's name: the default development database is `<name>_development`.
    pub name: &'static str,
    /// The models the models crate declares (its `link()` result, from
    /// `schema_runtime::models_crate!()`). The CLI checks the registry collected every one,
    /// which catches registrations the linker dropped. `None` for a crate without the build
    /// script: then only collecting no model at all is caught.
    pub models: Option<schema_runtime::registry::Declared>,
}

/// Settings resolved once from the arguments and the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The application's name, for the zero-configuration development database.
    pub app: &'static str,
    /// The database URL, if one was given.
    pub database_url: Option<String>,
    /// The migrations folder.
    pub dir: std::path::PathBuf,
    /// How long to wait for the database, when `--wait-timeout` says.
    pub wait_timeout: Option<Duration>,
    /// Told while we wait for the database (the CLI's progress line).
    pub wait_notifier: Option<crate::db::WaitNotifier>,
    /// How long to wait for another migrator's lock.
    pub lock_timeout: Duration,
    /// Which namespaces and tables are managed (`--namespace`, `--include`, `--exclude`;
    /// the history tables of `--version-table` are left out).
    pub filter: crate::filter::SchemaFilter,
    /// The history tables' names (`--version-table`, `DGS_VERSION_TABLE`).
    pub history_tables: crate::db::HistoryTables,
}

impl Settings {
    pub(super) fn from_args(args: &Args, app: &App) -> Result<Self, Exit> {
        let filter =
            crate::filter::SchemaFilter::parse(&args.namespaces, &args.include, &args.exclude)
                .map_err(|e| Exit::new(Code::Usage, e))?
                .with_history_tables(&args.version_table);
        Ok(Self {
            app: app.name,
            database_url: args.database_url.clone(),
            dir: args.dir.clone(),
            wait_timeout: args.wait_timeout.map(Duration::from_secs),
            wait_notifier: None,
            lock_timeout: Duration::from_secs(args.lock_timeout),
            filter,
            history_tables: args.version_table.clone(),
        })
    }

    /// Connects to the configured database, waiting for it as configured. Without a URL,
    /// development uses (and creates) the same zero-configuration database as the smart
    /// migrator; production requires `DATABASE_URL`.
    pub async fn connect(&self) -> Result<crate::db::Database, Exit> {
        let environment =
            crate::workflow::Environment::parse(std::env::var("DGS_ENV").ok().as_deref())
                .map_err(|e| Exit::new(Code::Usage, e))?;
        let (url, create) = crate::workflow::env::resolve_database(
            self.app,
            environment,
            self.given_url(),
            &self.dir,
        )
        .map_err(|e| Exit::new(Code::Usage, e))?;
        match crate::workflow::connect(&url, &self.wait(create), create).await {
            Ok(db) => Ok(db),
            Err(error @ crate::db::DbError::NoLocalServer { .. }) => {
                Err(self.no_local_server(error))
            }
            Err(error) => Err(db_exit(error)),
        }
    }

    /// No local server: where the smart migrator fell back to the embedded database before,
    /// say how to reach that one.
    fn no_local_server(&self, error: crate::db::DbError) -> Exit {
        let embedded = crate::workflow::Embedded::for_app(self.app, &self.dir);
        if !embedded.file.exists() {
            return db_exit(error);
        }
        Exit::new(
            Code::Unreachable,
            anyhow::anyhow!(
                "{error}\nThe smart migrator used the embedded SQLite database {} instead; to \
                 run this command on it: DATABASE_URL=sqlite://{} migrate --dir {} ...",
                embedded.file.display(),
                embedded.file.display(),
                embedded.dir.display()
            ),
        )
    }

    /// How to wait for the database: `--wait-timeout`, or 60 s, or, for the
    /// zero-configuration development database (`zero_config`), a few seconds, since a
    /// local server either runs or does not.
    pub fn wait(&self, zero_config: bool) -> crate::db::Wait {
        let default = if zero_config {
            crate::workflow::ZERO_CONFIG_WAIT
        } else {
            crate::db::Wait::DEFAULT_TIMEOUT
        };
        let wait = crate::db::Wait::up_to(self.wait_timeout.unwrap_or(default));
        match &self.wait_notifier {
            Some(notifier) => wait.notify(notifier.clone()),
            None => wait,
        }
    }

    fn given_url(&self) -> Option<&str> {
        self.database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    }

    /// The dialect the models are built for, known before connecting so that a mistake in
    /// the models is reported before any database is touched: the URL's; without a URL,
    /// the history's (which is also the zero-configuration database's); PostgreSQL for an
    /// empty history.
    pub fn dialect(&self) -> crate::Dialect {
        self.given_url()
            .and_then(crate::Dialect::from_url)
            .unwrap_or_else(|| crate::workflow::env::history_dialect(&self.dir))
    }

    /// The run options of a session.
    pub fn apply_options(&self, accept_changed_checksums: bool) -> ApplyOptions {
        ApplyOptions {
            lock_timeout: self.lock_timeout,
            accept_changed_checksums,
            history_tables: self.history_tables.clone(),
        }
    }

    /// Begins a session under the migration lock (see [`crate::apply::Session::begin`]),
    /// saying so in one line when it carried the previous build's history over.
    pub async fn begin_session<'d>(
        &self,
        db: &'d mut crate::db::Database,
        out: &Output,
        accept_changed_checksums: bool,
    ) -> Result<crate::apply::Session<'d>, Exit> {
        let session =
            crate::apply::Session::begin(db, self.apply_options(accept_changed_checksums)).await?;
        if let Some(carried) = session.carried_over() {
            if out.format() == Format::Human {
                out.info(format!("{carried}."));
            }
        }
        Ok(session)
    }

    /// Reads the migration files.
    pub fn load(&self) -> Result<RevisionSet, Exit> {
        crate::revision::load(&self.dir).map_err(Exit::from)
    }

    /// Reads the migration files of a folder that must exist: for the commands that apply
    /// or show a history, a mistyped `--dir` is an error, not an empty history with
    /// "nothing to do".
    pub fn load_existing(&self) -> Result<RevisionSet, Exit> {
        if !self.dir.is_dir() {
            return Err(Exit::usage(format!(
                "there is no migrations folder at {}: check --dir (the default is \
                 `migrations`), or run `migrate` (or `migrate revision`) to write the first \
                 revision",
                self.dir.display()
            )));
        }
        self.load()
    }
}

/// Maps a database error to its exit code: unreachable is 3, a lock timeout 4, anything
/// else 2.
pub(crate) fn db_exit(error: crate::db::DbError) -> Exit {
    Exit::from(crate::apply::ApplyError::from(error))
}
