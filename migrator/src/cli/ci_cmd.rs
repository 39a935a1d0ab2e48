//! `migrate ci-sync`: the post-merge step of the CI workflow. It upgrades a (fresh) CI
//! database to the heads of the history, compares it with the models and, when a
//! migration is missing, writes it, applies it to the same database (so a file that does
//! not run is never committed) and commits that one file with git. Also the job-summary
//! file both CI commands append to.
//!
//! It never commits anything but the file it wrote: it refuses to start when the index
//! holds staged changes, and commits with the file as the only pathspec.

mod git;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use schema_runtime::schema::Schema;
use serde::Serialize;

use crate::apply::{autogenerate_from_comparison, hand_written, HandWritten, Session};
use crate::change::Op;
use crate::compare::compare;
use crate::diff::DiffHooks;
use crate::revision::{self, NewRevision, RevisionFile, RevisionId, RevisionSet, Target};
use crate::safety::verdicts_on;
use crate::summary::{self, SyncReport};
use crate::workflow::{AUTO_SYNC_MESSAGE, MERGE_MESSAGE, PARTIAL_SYNC_MESSAGE};

use super::exit::{Code, Exit};
use super::{schema_cmd, App, CiSyncArgs, Format, Output, Settings};

pub use git::{Commit, GitError};

/// What the database and the models said, and the file written for it.
enum Synced {
    /// No drift, one head.
    InSync,
    /// A revision for the drift (following every head, so also a merge when there are
    /// several), written and applied.
    Generated {
        ops: Vec<Op>,
        blocked: Vec<Op>,
        file: RevisionFile,
        /// The parts before `file`, when the revision was written in parts.
        earlier: Vec<RevisionFile>,
    },
    /// No runnable drift but several heads: a merge revision, written and applied.
    Merged {
        heads: Vec<RevisionId>,
        blocked: Vec<Op>,
        clear: Option<HandWritten>,
        file: RevisionFile,
    },
    /// Only drops that autogeneration blocks, one head: nothing written.
    Partial {
        blocked: Vec<Op>,
        clear: Option<HandWritten>,
    },
}

/// What `--format json` prints.
#[derive(Serialize)]
struct JsonReport<'a> {
    outcome: &'static str,
    file: Option<&'a Path>,
    commit: Option<&'a str>,
    ops: Vec<String>,
    blocked: Vec<String>,
    /// The revision that runs the blocked drops, to write by hand (none when something was
    /// generated: the next run reports it).
    hand_written: Option<JsonHandWritten<'a>>,
}

/// A [`HandWritten`] revision as `--format json` prints it.
#[derive(Serialize)]
struct JsonHandWritten<'a> {
    message: &'a str,
    command: String,
    sql: &'a [String],
}

/// Runs `migrate ci-sync`.
pub async fn run(
    app: &App,
    settings: &Settings,
    out: &Output,
    args: &CiSyncArgs,
) -> Result<Code, Exit> {
    // Refuse before touching the database: a run that cannot commit must not write files.
    let repo = git::Repo::here().map_err(git_exit)?;
    repo.ensure_nothing_staged().map_err(git_exit)?;
    let target = schema_cmd::target_schema(app, settings.dialect())?;
    let set = settings.load()?;
    let synced = sync(settings, out, &set, &target).await?;
    let hooks = crate::dialect::driver(settings.dialect()).diff_hooks();
    let commit = match &synced {
        Synced::Generated { file, earlier, .. } => {
            let files: Vec<&RevisionFile> = earlier.iter().chain([file]).collect();
            Some(commit(&repo, &files, &args.message)?)
        }
        Synced::Merged { file, .. } => Some(commit(&repo, &[file], &args.message)?),
        Synced::InSync | Synced::Partial { .. } => None,
    };
    if let Some(path) = &args.summary {
        append_summary(path, &summary_text(hooks, &synced, commit.as_ref()))?;
    }
    match out.format() {
        Format::Json => out.json(&json_report(&synced, commit.as_ref()))?,
        Format::Human => print_human(hooks, &synced, commit.as_ref(), out),
    }
    Ok(Code::Ok)
}

/// Upgrades to the heads, compares, and writes and applies the missing revision, all under
/// the migration lock.
async fn sync(
    settings: &Settings,
    out: &Output,
    set: &RevisionSet,
    target: &Schema,
) -> Result<Synced, Exit> {
    let mut db = settings.connect().await?;
    let mut session = settings.begin_session(&mut db, out, false).await?;
    let result = sync_locked(&mut session, settings, set, target).await;
    let finished = session.finish().await;
    let synced = result?;
    finished?;
    Ok(synced)
}

async fn sync_locked(
    session: &mut Session<'_>,
    settings: &Settings,
    set: &RevisionSet,
    target: &Schema,
) -> Result<Synced, Exit> {
    session.upgrade(set, &Target::Heads).await?;
    let comparison = compare(session.database(), target, &settings.filter)
        .await
        .map_err(super::db_exit)?;
    let driver = session.database().driver();
    let heads = set.heads();
    let generated = autogenerate_from_comparison(
        &comparison,
        driver,
        set,
        &settings.dir,
        AUTO_SYNC_MESSAGE,
        None,
    )?;
    // With no file written nothing was emitted: the drops run against the database as it is.
    let clear = if generated.file.is_none() && !generated.blocked.is_empty() {
        Some(
            hand_written(driver, &comparison.current, &[], &generated.blocked)
                .map_err(|e| Exit::new(Code::Usage, e))?,
        )
    } else {
        None
    };
    let synced = match generated.file {
        Some(file) => Synced::Generated {
            ops: comparison.ops,
            blocked: generated.blocked,
            file,
            earlier: generated.earlier,
        },
        None if heads.len() > 1 => {
            let new = NewRevision::new(MERGE_MESSAGE, driver.dialect(), heads.clone());
            let file = revision::write_new(&settings.dir, RevisionFile::new(new))?;
            Synced::Merged {
                heads,
                blocked: generated.blocked,
                clear,
                file,
            }
        }
        None if generated.blocked.is_empty() => Synced::InSync,
        None => Synced::Partial {
            blocked: generated.blocked,
            clear,
        },
    };
    match &synced {
        Synced::Generated { file, earlier, .. } => {
            let files: Vec<&RevisionFile> = earlier.iter().chain([file]).collect();
            apply_new(session, settings, &files).await?;
        }
        Synced::Merged { file, .. } => apply_new(session, settings, &[file]).await?,
        Synced::InSync | Synced::Partial { .. } => {}
    }
    Ok(synced)
}

/// Applies the files just written to the CI database, so that a revision that does not run
/// is removed instead of committed.
async fn apply_new(
    session: &mut Session<'_>,
    settings: &Settings,
    files: &[&RevisionFile],
) -> Result<(), Exit> {
    let applied = async {
        let set = settings.load()?;
        session.upgrade(&set, &Target::Heads).await?;
        Ok::<_, Exit>(())
    }
    .await;
    if applied.is_err() {
        files.iter().for_each(|file| remove(&file.path));
    }
    applied
}

/// Commits the written files (a revision, or its parts) alone; on failure the files are
/// removed, so a rerun starts from the same state.
fn commit(repo: &git::Repo, files: &[&RevisionFile], message: &str) -> Result<Commit, Exit> {
    let paths: Vec<&Path> = files.iter().map(|file| file.path.as_path()).collect();
    repo.commit_files(&paths, message).map_err(|error| {
        paths.iter().for_each(|path| remove(path));
        git_exit(error)
    })
}

fn remove(path: &Path) {
    if let Err(error) = std::fs::remove_file(path) {
        tracing::warn!(%error, path = %path.display(), "could not remove the generated file");
    }
}

fn git_exit(error: GitError) -> Exit {
    Exit::new(Code::Usage, error)
}

/// Appends `text` to a job-summary file (GitHub's `$GITHUB_STEP_SUMMARY` collects what each
/// command of a step appends), creating it if missing.
pub(super) fn append_summary(path: &Path, text: &str) -> Result<(), Exit> {
    let fail = |e: std::io::Error| {
        Exit::new(
            Code::Usage,
            anyhow::Error::new(e).context(format!(
                "cannot append the job summary to {}",
                path.display()
            )),
        )
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(fail)?;
    // What an earlier command wrote may not end with a blank line; Markdown needs one
    // before a heading.
    let separator = if file.metadata().map_err(fail)?.len() > 0 {
        "\n"
    } else {
        ""
    };
    write!(file, "{separator}{text}").map_err(fail)
}

fn summary_text(hooks: &dyn DiffHooks, synced: &Synced, commit: Option<&Commit>) -> String {
    let commit = commit
        .map(|c| format!("{} {}", c.short, c.subject))
        .unwrap_or_default();
    match synced {
        Synced::InSync => summary::ci_sync_markdown(hooks, &SyncReport::InSync),
        Synced::Partial { blocked, clear } => summary::ci_sync_markdown(
            hooks,
            &SyncReport::Partial {
                ops: blocked,
                clear: clear.as_ref(),
            },
        ),
        Synced::Generated { ops, file, .. } => {
            let (name, text) = file_text(file);
            summary::ci_sync_markdown(
                hooks,
                &SyncReport::Committed {
                    ops,
                    file: (&name, &text),
                    commit: &commit,
                },
            )
        }
        Synced::Merged {
            heads,
            blocked,
            clear,
            file,
        } => {
            let (name, text) = file_text(file);
            let heads: Vec<String> = heads.iter().map(|h| h.as_str().to_string()).collect();
            summary::ci_sync_markdown(
                hooks,
                &SyncReport::Merged {
                    heads: &heads,
                    blocked,
                    clear: clear.as_ref(),
                    file: (&name, &text),
                    commit: &commit,
                },
            )
        }
    }
}

fn file_text(file: &RevisionFile) -> (String, String) {
    (file.file_name(), file.render())
}

fn print_human(hooks: &dyn DiffHooks, synced: &Synced, commit: Option<&Commit>, out: &Output) {
    match synced {
        Synced::InSync => out.line(out.green(
            "The database matches the models after upgrading to the heads: no drift, nothing \
             to commit.",
        )),
        Synced::Generated {
            ops, file, earlier, ..
        } => {
            report_ops(hooks, out, ops);
            for file in earlier.iter().chain([file]) {
                out.info(format!("Generating {} ... done", file.path.display()));
            }
        }
        Synced::Merged {
            heads,
            blocked,
            clear,
            file,
        } => {
            let heads: Vec<&str> = heads.iter().map(RevisionId::as_str).collect();
            out.info(format!(
                "The history has {} heads ({}); no drift to generate, so a merge revision \
                 joins them.",
                heads.len(),
                heads.join(", ")
            ));
            report_ops(hooks, out, blocked);
            report_clear(out, clear.as_ref());
            out.info(format!("Generating {} ... done", file.path.display()));
        }
        Synced::Partial { blocked, clear } => {
            out.line(out.yellow(PARTIAL_SYNC_MESSAGE));
            report_ops(hooks, out, blocked);
            out.line(
                "Nothing to commit: only drops that autogeneration blocks are left, so there \
                 is no migration to generate.",
            );
            report_clear(out, clear.as_ref());
        }
    }
    if let Some(commit) = commit {
        out.line(format!("Committed {} {}", commit.short, commit.subject));
    }
}

/// Each op with the label every command shows; the blocked ones stand out.
fn report_ops(hooks: &dyn DiffHooks, out: &Output, ops: &[Op]) {
    for (op, verdict) in ops.iter().zip(verdicts_on(hooks, ops)) {
        let line = format!("Detected {} ({})", op.describe(), verdict.label());
        if verdict.is_blocked() {
            out.line(out.yellow(&line));
        } else {
            out.info(line);
        }
    }
}

/// The revision that runs the blocked drops, to write by hand.
fn report_clear(out: &Output, clear: Option<&HandWritten>) {
    let Some(clear) = clear.filter(|c| !c.sql.is_empty()) else {
        return;
    };
    out.line(format!(
        "To clear it, write the drop by hand: `{}`, paste this into its -- +up section, and \
         commit it:",
        clear.command()
    ));
    for line in clear.sql.iter().flat_map(|s| s.lines()) {
        out.line(format!("    {line}"));
    }
}

fn json_report<'a>(synced: &'a Synced, commit: Option<&'a Commit>) -> JsonReport<'a> {
    let describe = |ops: &[Op]| ops.iter().map(Op::describe).collect::<Vec<_>>();
    let (outcome, file, ops, blocked): (_, Option<&PathBuf>, _, _) = match synced {
        Synced::InSync => ("in_sync", None, Vec::new(), Vec::new()),
        Synced::Generated {
            ops, blocked, file, ..
        } => (
            "committed",
            Some(&file.path),
            describe(ops),
            describe(blocked),
        ),
        Synced::Merged { blocked, file, .. } => {
            ("merged", Some(&file.path), Vec::new(), describe(blocked))
        }
        Synced::Partial { blocked, .. } => ("partial", None, describe(blocked), describe(blocked)),
    };
    let clear = match synced {
        Synced::Merged { clear, .. } | Synced::Partial { clear, .. } => clear.as_ref(),
        Synced::InSync | Synced::Generated { .. } => None,
    };
    JsonReport {
        outcome,
        file: file.map(PathBuf::as_path),
        commit: commit.map(|c| c.id.as_str()),
        ops,
        blocked,
        hand_written: clear.map(|clear| JsonHandWritten {
            message: &clear.message,
            command: clear.command(),
            sql: &clear.sql,
        }),
    }
}
