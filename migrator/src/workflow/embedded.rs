//! The embedded default: a development run with no `DATABASE_URL` and no local server goes
//! to an SQLite file with a history folder of its own, so the first command of a fresh
//! clone needs no database server at all. The committed history (written for the server
//! the team deploys to) is left alone: the embedded database's revisions are for the
//! machine that wrote them.

use schema_runtime::schema::Schema;

use super::error::WorkflowError;
use super::options::Embedded;
use super::report::{Event, Report};
use super::{open, run_on, Options};
use crate::db::DbError;
use crate::Dialect;

/// Runs the smart migrator with the models' schema for whichever database it reaches:
/// `targets` builds it for a dialect. When the zero-configuration server does not answer
/// and `options.embedded` is set, the run says so and goes to the embedded SQLite database
/// instead, with the SQLite variants of the models.
pub async fn run_models(
    targets: &dyn Fn(Dialect) -> Result<Schema, String>,
    options: &Options,
    on_event: &mut dyn FnMut(&Event),
) -> Result<Report, WorkflowError> {
    match open(options, on_event).await {
        Ok(db) => {
            let target = targets(db.dialect()).map_err(WorkflowError::Models)?;
            run_on(db, &target, options, on_event).await
        }
        Err(WorkflowError::Db(no_server @ DbError::NoLocalServer { .. }))
            if options.embedded.is_some() =>
        {
            let Some(embedded) = options.embedded.clone() else {
                return Err(no_server.into());
            };
            let target = targets(Embedded::DIALECT).map_err(|error| {
                WorkflowError::Models(format!(
                    "{no_server}; the embedded SQLite database cannot hold them either: {error}"
                ))
            })?;
            on_event(&Event::EmbeddedFallback {
                reason: no_server_reason(&no_server),
                embedded: embedded.clone(),
            });
            let sqlite = Options {
                database_url: embedded.url(),
                dir: embedded.dir.clone(),
                embedded: None,
                ..options.clone()
            };
            std::fs::create_dir_all(embedded.dir.join("versions")).map_err(|source| {
                crate::revision::RevisionError::Io {
                    action: "create",
                    path: embedded.dir.join("versions"),
                    source,
                }
            })?;
            let db = open(&sqlite, on_event).await?;
            let mut report = run_on(db, &target, &sqlite, on_event).await?;
            report.embedded = Some(embedded);
            Ok(report)
        }
        Err(error) => Err(error),
    }
}

/// "No PostgreSQL server answers on this machine (tried ...)": the first half of the
/// error, without the advice the fallback replaces.
fn no_server_reason(error: &DbError) -> String {
    match error {
        DbError::NoLocalServer { place, reason, .. } => {
            format!("no PostgreSQL server answers on this machine ({place}: {reason})")
        }
        other => other.to_string(),
    }
}
