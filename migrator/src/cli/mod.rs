//! The command line: clap arguments become resolved settings once, each subcommand lives in
//! its own file, and [`main`] turns every outcome into a documented exit code. This module
//! parses and dispatches; the work happens in the engine modules.

mod apply_cmd;
mod args;
mod ci_cmd;
mod diff_cmd;
mod exit;
mod history_cmd;
mod migrate_cmd;
mod output;
mod revision_cmd;
mod schema_cmd;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::apply::ApplyOptions;
use crate::revision::RevisionSet;

pub use args::{
    Args, CheckArgs, CiSyncArgs, Command, DowngradeArgs, Format, HistoryArgs, MergeArgs,
    RevisionArgs, SchemaArgs, ShowArgs, StampArgs, UpgradeArgs, CI_SYNC_COMMIT_MESSAGE,
};
pub use exit::{Code, Exit};
pub use output::Output;

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
    fn from_args(args: &Args, app: &App) -> Result<Self, Exit> {
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

/// Parses the process arguments, runs the command and returns its exit code.
pub fn main(app: App) -> ExitCode {
    let args = Args::parse();
    init_tracing(&args);
    let out = Output::new(args.format).quiet(args.quiet);
    let result = Settings::from_args(&args, &app).map(|mut settings| {
        settings.wait_notifier = out.wait_notifier();
        settings
    });
    let result = result.and_then(|settings| match &args.command {
        Some(command) => run(command, &app, &settings, &out),
        None => block_on(migrate_cmd::run(&app, &settings, &args.migrate, &out)),
    });
    match result {
        Ok(code) => code.into(),
        Err(exit) => {
            out.error(&exit);
            exit.code().into()
        }
    }
}

/// Runs one subcommand.
pub fn run(command: &Command, app: &App, settings: &Settings, out: &Output) -> Result<Code, Exit> {
    match command {
        Command::Upgrade(args) => block_on(apply_cmd::upgrade(settings, out, args)),
        Command::Downgrade(args) => block_on(apply_cmd::downgrade(settings, out, args)),
        Command::Stamp(args) => block_on(apply_cmd::stamp(settings, out, args)),
        Command::Current => block_on(history_cmd::current(settings, out)),
        Command::History(args) => block_on(history_cmd::history(settings, out, args)),
        Command::Heads => history_cmd::heads(settings, out),
        Command::Show(args) => history_cmd::show(settings, out, args),
        Command::Revision(args) => block_on(revision_cmd::revision(app, settings, out, args)),
        Command::Merge(args) => revision_cmd::merge(settings, out, args),
        Command::Schema(args) => {
            schema_cmd::run(app, args.dialect.unwrap_or_else(|| settings.dialect()), out)
        }
        Command::Diff => block_on(diff_cmd::run(app, settings, out, None)),
        Command::Check(args) => block_on(diff_cmd::run(app, settings, out, Some(args))),
        Command::CiSync(args) => block_on(ci_cmd::run(app, settings, out, args)),
    }
}

fn block_on<F: std::future::Future<Output = Result<Code, Exit>>>(future: F) -> Result<Code, Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Exit::new(Code::Usage, e))?;
    runtime.block_on(future)
}

fn init_tracing(args: &Args) {
    let default = match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MIGRATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(output::color_enabled_stderr())
        .try_init();
}
