//! The command line: clap arguments become resolved settings once, each subcommand lives in
//! its own file, and [`main`] turns every outcome into a documented exit code. This module
//! parses and dispatches; the work happens in the engine modules.

mod diff_cmd;
mod exit;
mod output;
mod schema_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use exit::Exit;
pub use output::Output;

/// What the application binary tells the CLI about itself.
#[derive(Clone, Debug)]
pub struct App {
    /// The application's name: the default development database is `<name>_development`.
    pub name: &'static str,
    /// How many tables the models crate declares (its `link()` result). The CLI checks the
    /// registry found exactly that many, which catches a models crate dropped by the linker.
    pub expected_tables: Option<usize>,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Human,
    /// For scripts: one JSON document on stdout.
    Json,
}

/// Code-first schema migrations: compare the models with the database, write reviewed
/// revision files, apply them safely.
#[derive(Debug, Parser)]
#[command(name = "migrate", version, about, long_about = None)]
pub struct Args {
    /// Output format for commands that report something.
    #[arg(long, value_enum, global = true, default_value_t = Format::Human)]
    pub format: Format,

    /// More log output (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// The database to work on.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// The migrations folder (revision files live in its `versions/`).
    #[arg(long, global = true, default_value = "migrations")]
    pub dir: std::path::PathBuf,

    /// How long to wait for the database to answer, in seconds.
    #[arg(long, global = true, default_value_t = 60)]
    pub wait_timeout: u64,

    /// The subcommand; none runs the smart migrator.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the target schema collected from the models.
    Schema,
    /// Show the operations and SQL that would bring the database in line with the models.
    Diff,
    /// Exit 1 when the database and the models differ (the CI gate).
    Check,
}

/// Settings resolved once from the arguments and the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The database URL, if one was given.
    pub database_url: Option<String>,
    /// The migrations folder.
    pub dir: std::path::PathBuf,
    /// How long to wait for the database.
    pub wait: crate::db::Wait,
}

impl Settings {
    fn from_args(args: &Args) -> Self {
        Self {
            database_url: args.database_url.clone(),
            dir: args.dir.clone(),
            wait: crate::db::Wait {
                timeout: std::time::Duration::from_secs(args.wait_timeout),
            },
        }
    }

    /// Connects to the configured database, waiting for it as configured.
    pub async fn connect(&self) -> Result<crate::db::Database, Exit> {
        let url = self.database_url.as_deref().ok_or_else(|| {
            Exit::usage("no database given: set DATABASE_URL or pass --database-url")
        })?;
        crate::db::Database::connect(url, self.wait)
            .await
            .map_err(db_exit)
    }
}

/// Maps a database error to its exit code: unreachable is 3, anything else 2.
pub(crate) fn db_exit(error: crate::db::DbError) -> Exit {
    let code = match error {
        crate::db::DbError::Unreachable { .. } => exit::Code::Unreachable,
        _ => exit::Code::Usage,
    };
    Exit::new(code, error)
}

/// Parses the process arguments, runs the command and returns its exit code.
pub fn main(app: App) -> ExitCode {
    let args = Args::parse();
    init_tracing(&args);
    let out = Output::new(args.format);
    let settings = Settings::from_args(&args);
    let result = match &args.command {
        Some(Command::Schema) => schema_cmd::run(&app, &out),
        Some(Command::Diff) => block_on(diff_cmd::run(&app, &settings, &out, false)),
        Some(Command::Check) => block_on(diff_cmd::run(&app, &settings, &out, true)),
        None => Err(Exit::usage(
            "the smart migrator is not available yet; try `migrate schema`",
        )),
    };
    match result {
        Ok(code) => code.into(),
        Err(exit) => {
            out.error(&exit);
            exit.code().into()
        }
    }
}

fn block_on<F: std::future::Future<Output = Result<exit::Code, Exit>>>(
    future: F,
) -> Result<exit::Code, Exit> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Exit::new(exit::Code::Usage, e))?;
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
