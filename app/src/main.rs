//! The example application's server. It serves nothing: it stands for the process a deploy
//! starts, to show migrating on boot. With `APP_MIGRATE_ON_BOOT=1` it runs the smart
//! migrator before it is ready, through the library function the `migrate` binary uses
//! and with the same environment (`DGS_ENV`, `DATABASE_URL`, `DGS_BACKUP_DIR`, the
//! migrations in `./migrations`), and refuses to start when the database does not fit the
//! models. Then it prints that it is ready and exits.

use std::path::Path;
use std::process::ExitCode;

use migrator::workflow::{self, Event, Outcome, Report};
use schema_runtime::registry::Declared;

/// The application's name: the development database is `app_development`.
const APP_NAME: &str = "app";

/// The variable that turns migrating on boot on.
const MIGRATE_ON_BOOT: &str = "APP_MIGRATE_ON_BOOT";

/// Where the migration files are, relative to the working directory, as for `migrate`.
const MIGRATIONS_DIR: &str = "migrations";

fn main() -> ExitCode {
    let models = app_schema::link();
    match migrate_on_boot_enabled() {
        Ok(false) => println!("app: migrating on boot is off (set {MIGRATE_ON_BOOT}=1)"),
        Ok(true) => {
            if let Err(message) = migrate(&models) {
                eprintln!("app: not starting: {message}");
                return ExitCode::FAILURE;
            }
        }
        Err(message) => {
            eprintln!("app: not starting: {message}");
            return ExitCode::from(2);
        }
    }
    println!("app: ready");
    ExitCode::SUCCESS
}

/// Reads `APP_MIGRATE_ON_BOOT`. A value that is neither on nor off is an error rather than
/// a guess, so a typo does not silently skip the migration.
fn migrate_on_boot_enabled() -> Result<bool, String> {
    let value = std::env::var(MIGRATE_ON_BOOT).unwrap_or_default();
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        other => Err(format!(
            "{MIGRATE_ON_BOOT} is `{other}`; set it to 1 (migrate on boot) or 0"
        )),
    }
}

/// Runs the smart migrator; `Err` when the application must not start.
fn migrate(models: &Declared) -> Result<(), String> {
    // The models on the database's dialect, each declared one checked to be collected (a
    // dropped registration would read as "drop that table").
    let target = |dialect| models.collect(dialect).map_err(|e| e.to_string());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut print = |event: &Event| {
        if !matches!(event, Event::Connected { .. }) {
            println!("app: migrate: {event}");
        }
    };
    let report = runtime
        .block_on(workflow::migrate_on_boot(
            APP_NAME,
            &target,
            Path::new(MIGRATIONS_DIR),
            &mut print,
        ))
        .map_err(|e| format!("migrating on boot failed: {e}"))?;
    print_outcome(&report);
    if report.outcome.is_success() {
        Ok(())
    } else {
        Err("the database schema does not match the models".to_owned())
    }
}

fn print_outcome(report: &Report) {
    println!("app: migrate: {}", report.outcome.headline());
    match &report.outcome {
        Outcome::InSync => {}
        Outcome::Synced { file } => {
            println!("app: migrate: commit the new file: {}", file.display());
        }
        Outcome::PartialSync { file, blocked, .. } => {
            if let Some(file) = file {
                println!("app: migrate: commit the new file: {}", file.display());
            }
            for op in blocked {
                println!(
                    "app: migrate: blocked (write it by hand): {}",
                    op.describe()
                );
            }
        }
        Outcome::ProductionDrift { missing, .. } => {
            for op in missing {
                println!("app: migrate: missing migration for: {}", op.describe());
            }
        }
    }
}
