//! The command line: clap arguments become resolved settings once, each subcommand lives in
//! its own file, and [`main`] turns every outcome into a documented exit code. This module
//! parses and dispatches; the work happens in the engine modules.

mod apply_cmd;
mod args;
mod ci_cmd;
mod diff_cmd;
mod exit;
mod history_cmd;
mod init_cmd;
mod migrate_cmd;
mod output;
mod revision_cmd;
mod schema_cmd;
mod settings;

use std::process::ExitCode;

use clap::Parser;

pub use args::{
    Args, CheckArgs, CiSyncArgs, Command, DowngradeArgs, Format, HistoryArgs, InitArgs, MergeArgs,
    RevisionArgs, SchemaArgs, ShowArgs, StampArgs, UpgradeArgs, CI_SYNC_COMMIT_MESSAGE,
};
pub use exit::{Code, Exit};
pub use output::Output;
pub(crate) use settings::db_exit;
pub use settings::{App, Settings};

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
        Command::Init(args) => block_on(init_cmd::run(settings, out, args)),
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
