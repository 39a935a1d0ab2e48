//! [`Session`]: one run of the migrator against one database, holding the migration lock
//! from [`Session::begin`] to [`Session::finish`]. It reads where the database stands,
//! checks the applied files' checksums, and runs upgrade, downgrade and stamp plans.

use crate::db::{
    Database, DbError, HeadChange, HistorySql, HistoryStatus, HistoryTables, LogAction,
    LogDuration, LogEntry,
};
use crate::dialect::Dialect;
use crate::revision::{
    ResolvedTarget, RevisionError, RevisionFile, RevisionId, RevisionSet, Target,
};
use std::collections::BTreeSet;

use super::checksums::changed_checksums;
use super::error::ApplyError;
use super::execute::{Executor, Step};
use super::{AppliedStep, ApplyOptions, ApplyReport, Direction, Progress};

/// A progress callback.
type ProgressFn<'a> = Box<dyn FnMut(Progress<'_>) + Send + 'a>;

/// The previous build's history tables, renamed to the configured ones by
/// [`Session::begin`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarriedOver {
    /// The previous version table (`schema_migrations`).
    pub from: String,
    /// The version table now (`dgs_schema_version`).
    pub to: String,
}

impl std::fmt::Display for CarriedOver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "carried the history over from {} to {}",
            self.from, self.to
        )
    }
}

/// A migration run holding the migration lock for its whole life.
///
/// Call [`Session::finish`] to release the lock, on the error path too. A session dropped
/// without it keeps the lock until its connection closes (which ending the process does).
pub struct Session<'a> {
    db: &'a mut Database,
    options: ApplyOptions,
    history: HistorySql,
    client: Option<String>,
    progress: Option<ProgressFn<'a>>,
    /// False until the history tables are known to exist (see [`Session::begin_deferred`]).
    tables_ready: bool,
    /// Set when this session renamed the previous build's tables.
    carried_over: Option<CarriedOver>,
    /// The version table exists but its log does not: the applied files' checksums are
    /// gone (see [`ApplyError::ChecksumsLost`]).
    log_lost: bool,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("options", &self.options)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl<'a> Session<'a> {
    /// Takes the migration lock (waiting up to `options.lock_timeout`, then failing with
    /// the holder's pid, application name, client address and since when), checks the
    /// history tables (see [`Session::begin_deferred`]) and creates them if they are
    /// missing.
    pub async fn begin(db: &'a mut Database, options: ApplyOptions) -> Result<Self, ApplyError> {
        let mut session = Self::begin_deferred(db, options).await?;
        // A lost log is recreated only by the recovery that records the checksums again;
        // an empty one made here would pass for a history without checksums.
        if session.log_lost {
            return Ok(session);
        }
        if let Err(error) = session.ensure_tables().await {
            session.release_after_error().await;
            return Err(error);
        }
        Ok(session)
    }

    /// Takes the migration lock like [`Session::begin`] but creates the history tables
    /// only when a plan is about to write to them, so a run that ends up changing nothing
    /// (nothing pending, or a failed pre-migration backup) leaves the database untouched.
    ///
    /// Under the lock, before anything is written, it checks the tables of the configured
    /// names ([`ApplyOptions::history_tables`]): another tool's table under one of them is
    /// an error that leaves it untouched, and the previous build's tables
    /// (`schema_migrations`, when the default name is configured) are renamed to the
    /// configured ones, once ([`Session::carried_over`]).
    pub async fn begin_deferred(
        db: &'a mut Database,
        options: ApplyOptions,
    ) -> Result<Self, ApplyError> {
        let history = HistorySql::for_dialect(db.dialect(), &options.history_tables)?;
        db.lock(&options.history_tables, options.lock_timeout)
            .await?;
        let mut session = Self {
            db,
            options,
            history,
            client: client_identity(),
            progress: None,
            tables_ready: false,
            carried_over: None,
            log_lost: false,
        };
        if let Err(error) = session.prepare_tables().await {
            session.release_after_error().await;
            return Err(error);
        }
        Ok(session)
    }

    /// The carry-over this session did when it began, if any.
    pub fn carried_over(&self) -> Option<&CarriedOver> {
        self.carried_over.as_ref()
    }

    /// The shape check and the carry-over of [`Session::begin_deferred`].
    async fn prepare_tables(&mut self) -> Result<(), ApplyError> {
        let tables = self.options.history_tables.clone();
        match self.db.history_status(&tables).await? {
            HistoryStatus::Missing => {}
            HistoryStatus::Present { complete } => {
                self.tables_ready = complete;
                self.log_lost = !complete;
            }
            HistoryStatus::Legacy { log } => {
                let legacy = HistoryTables::legacy();
                self.db.carry_over_history(&legacy, &tables, log).await?;
                let carried = CarriedOver {
                    from: legacy.version().to_owned(),
                    to: tables.version().to_owned(),
                };
                tracing::info!("{carried}");
                self.carried_over = Some(carried);
                self.tables_ready = log;
            }
        }
        Ok(())
    }

    async fn release_after_error(&mut self) {
        if let Err(error) = self.db.unlock(&self.options.history_tables).await {
            tracing::debug!(%error, "releasing the migration lock after an error failed");
        }
    }

    /// Calls `callback` as each revision starts and finishes.
    pub fn on_progress(&mut self, callback: impl FnMut(Progress<'_>) + Send + 'a) {
        self.progress = Some(Box::new(callback));
    }

    /// The connection, for work done under the lock (comparing with the models).
    pub fn database(&mut self) -> &mut Database {
        self.db
    }

    /// The revisions the version table records as heads, sorted by id.
    pub async fn current_heads(&mut self) -> Result<Vec<RevisionId>, ApplyError> {
        Ok(self.db.read_heads(&self.options.history_tables).await?)
    }

    /// Every applied revision: the recorded heads and their ancestors. A recorded head no
    /// file defines is an error ([`RevisionError::UnknownApplied`]).
    pub async fn applied(&mut self, set: &RevisionSet) -> Result<BTreeSet<RevisionId>, ApplyError> {
        let heads = self.current_heads().await?;
        applied_from_heads(set, &heads)
    }

    /// Applies what `target` needs, one revision per transaction, after checking that the
    /// history suits the database and that no applied file changed.
    pub async fn upgrade(
        &mut self,
        set: &RevisionSet,
        target: &Target,
    ) -> Result<ApplyReport, ApplyError> {
        check_dialect(set, self.db.dialect())?;
        let mut heads = self.current_heads().await?;
        let mut applied = applied_from_heads(set, &heads)?;
        self.check_checksums(set, &applied).await?;
        let plan = set.upgrade_plan(&applied, target)?;
        tracing::info!(target = %target, revisions = plan.len(), "upgrade plan");
        if !plan.is_empty() {
            self.ensure_tables().await?;
        }
        let mut report = ApplyReport::default();
        for id in &plan {
            let file = file_of(set, id)?;
            applied.insert(id.clone());
            let after = set.current_heads(&applied);
            report
                .steps
                .push(self.run_step(file, Direction::Up, &heads, &after).await?);
            heads = after;
        }
        Ok(report)
    }

    /// Undoes the revisions above `target`, newest first. Refuses, before running anything,
    /// when one of them has an empty down section.
    pub async fn downgrade(
        &mut self,
        set: &RevisionSet,
        target: &Target,
    ) -> Result<ApplyReport, ApplyError> {
        check_dialect(set, self.db.dialect())?;
        let mut heads = self.current_heads().await?;
        let mut applied = applied_from_heads(set, &heads)?;
        self.check_checksums(set, &applied).await?;
        let plan = set.downgrade_plan(&applied, target)?;
        for id in &plan {
            check_reversible(file_of(set, id)?)?;
        }
        tracing::info!(target = %target, revisions = plan.len(), "downgrade plan");
        if !plan.is_empty() {
            self.ensure_tables().await?;
        }
        let mut report = ApplyReport::default();
        for id in &plan {
            let file = file_of(set, id)?;
            applied.remove(id);
            let after = set.current_heads(&applied);
            report
                .steps
                .push(self.run_step(file, Direction::Down, &heads, &after).await?);
            heads = after;
        }
        Ok(report)
    }

    /// Records the database as being at `target` without running any SQL (for a database
    /// whose schema is known to match). Recorded heads that no file defines are removed, so
    /// stamping is also how a version table naming a lost revision is repaired. Each
    /// revision newly marked applied is logged with its checksum, the baseline later runs
    /// check the file against.
    pub async fn stamp(&mut self, set: &RevisionSet, target: &Target) -> Result<(), ApplyError> {
        check_dialect(set, self.db.dialect())?;
        let recorded = self.current_heads().await?;
        let known: Vec<RevisionId> = recorded
            .iter()
            .filter(|id| set.contains(id))
            .cloned()
            .collect();
        let before = ancestors_inclusive(set, &known);
        let after = match set.resolve_target(target, &before)? {
            ResolvedTarget::Base => BTreeSet::new(),
            ResolvedTarget::Revisions(ids) => ancestors_inclusive(set, &ids),
        };
        let new_heads = set.current_heads(&after);
        // Without the log, the revisions that stay applied have no baseline either; a stamp
        // says the database matches the files, so it records one for each of them too,
        // rather than leaving an empty log that would pass for "nothing to check".
        let rebaseline = self.log_lost;
        if rebaseline {
            tracing::warn!(
                log = self.options.history_tables.log(),
                "the log was missing: recording the stamped revisions' files as they are now as the new baseline"
            );
        }
        self.ensure_tables().await?;
        let mut script = vec![self.history.begin().to_owned()];
        script.extend(
            self.history
                .update_heads(&HeadChange::between(&recorded, &new_heads)),
        );
        for file in set.iter().filter(|f| after.contains(&f.revision)) {
            if rebaseline || !before.contains(&file.revision) {
                script.push(self.log(file, LogAction::StampUp));
            }
        }
        for file in set.history().into_iter().rev() {
            if before.contains(&file.revision) && !after.contains(&file.revision) {
                script.push(self.log(file, LogAction::StampDown));
            }
        }
        for lost in recorded.iter().filter(|id| !set.contains(id)) {
            script.push(self.history.log(&LogEntry {
                revision: lost,
                action: LogAction::StampDown,
                checksum: None,
                message: "",
                duration: LogDuration::Unknown,
                client: self.client.as_deref(),
            }));
        }
        script.push(self.history.commit().to_owned());
        self.run_script("stamping the version table", &script)
            .await?;
        self.log_lost = false;
        tracing::info!(from = ?recorded, to = ?new_heads, "stamped");
        Ok(())
    }

    /// Releases the migration lock.
    pub async fn finish(self) -> Result<(), ApplyError> {
        if !self.db.unlock(&self.options.history_tables).await? {
            tracing::warn!("the migration lock was not held at the end of the run");
        }
        Ok(())
    }

    async fn run_step(
        &mut self,
        file: &RevisionFile,
        direction: Direction,
        heads_before: &[RevisionId],
        heads_after: &[RevisionId],
    ) -> Result<AppliedStep, ApplyError> {
        if let Some(progress) = self.progress.as_mut() {
            progress(Progress::Starting { file, direction });
        }
        tracing::info!(revision = %file.revision, direction = direction.verb(), "running");
        let mut executor = Executor {
            db: self.db,
            history: &self.history,
            client: self.client.as_deref(),
        };
        let step = executor
            .run(&Step {
                file,
                direction,
                heads_before,
                heads_after,
            })
            .await?;
        if let Some(progress) = self.progress.as_mut() {
            progress(Progress::Finished(&step));
        }
        Ok(step)
    }

    async fn ensure_tables(&mut self) -> Result<(), ApplyError> {
        if self.tables_ready {
            return Ok(());
        }
        if !self
            .db
            .history_complete(&self.options.history_tables)
            .await?
        {
            let mut script = vec![self.history.begin().to_owned()];
            script.extend(self.history.create_tables());
            script.push(self.history.commit().to_owned());
            self.run_script("creating the history tables", &script)
                .await?;
        }
        self.tables_ready = true;
        Ok(())
    }

    /// Refuses to run when applied files changed, unless told to accept them, in which
    /// case their new checksums are logged as the baseline.
    async fn check_checksums(
        &mut self,
        set: &RevisionSet,
        applied: &BTreeSet<RevisionId>,
    ) -> Result<(), ApplyError> {
        if self.log_lost && !applied.is_empty() {
            return self.recover_lost_log(set, applied).await;
        }
        let recorded = self.db.read_checksums(&self.options.history_tables).await?;
        let changed = changed_checksums(set, applied, &recorded);
        if changed.is_empty() {
            return Ok(());
        }
        if !self.options.accept_changed_checksums {
            return Err(ApplyError::ChangedChecksums { changed });
        }
        let mut script = vec![self.history.begin().to_owned()];
        for change in &changed {
            tracing::warn!(
                revision = %change.revision,
                path = %change.path.display(),
                "accepting the changed checksum of an applied file"
            );
            if let Some(file) = set.get(&change.revision) {
                script.push(self.log(file, LogAction::Accept));
            }
        }
        script.push(self.history.commit().to_owned());
        self.run_script("recording the accepted checksums", &script)
            .await
    }

    /// The log was dropped: without its checksums an edited applied file would pass
    /// unnoticed, so the run stops, unless `--accept-changed-checksums` asks to record the
    /// files as they are now as the new baseline.
    async fn recover_lost_log(
        &mut self,
        set: &RevisionSet,
        applied: &BTreeSet<RevisionId>,
    ) -> Result<(), ApplyError> {
        if !self.options.accept_changed_checksums {
            return Err(ApplyError::ChecksumsLost {
                log: self.options.history_tables.log().to_owned(),
                applied: applied.len(),
            });
        }
        self.ensure_tables().await?;
        let mut script = vec![self.history.begin().to_owned()];
        for file in set.iter().filter(|f| applied.contains(&f.revision)) {
            script.push(self.log(file, LogAction::Accept));
        }
        script.push(self.history.commit().to_owned());
        tracing::warn!(
            revisions = applied.len(),
            "the log was missing: recorded the applied files' checksums as the new baseline"
        );
        self.run_script("recording the checksums again", &script)
            .await?;
        self.log_lost = false;
        Ok(())
    }

    fn log(&self, file: &RevisionFile, action: LogAction) -> String {
        self.history.log(&LogEntry {
            revision: &file.revision,
            action,
            checksum: Some(file.checksum),
            message: &file.message,
            duration: LogDuration::Unknown,
            client: self.client.as_deref(),
        })
    }

    /// Runs bookkeeping statements (the script opens and commits its own transaction),
    /// rolling back on failure.
    async fn run_script(
        &mut self,
        context: &'static str,
        script: &[String],
    ) -> Result<(), ApplyError> {
        for sql in script {
            if let Err(source) = self.db.execute(sql).await {
                if let Err(error) = self.db.execute(self.history.rollback()).await {
                    tracing::debug!(%error, "rollback failed");
                }
                return Err(DbError::query(context, source).into());
            }
        }
        Ok(())
    }
}

/// The version table's heads without taking the lock or writing anything: what `current`
/// shows, readable while another migrator runs. Empty for a database without history.
///
/// The tables are checked as a session checks them (another tool's table under the
/// configured name is an error). History still under the previous build's name is read
/// where it is: renaming it is left to the next session, which holds the lock.
pub async fn read_heads(
    db: &mut Database,
    tables: &HistoryTables,
) -> Result<Vec<RevisionId>, ApplyError> {
    match db.history_status(tables).await? {
        HistoryStatus::Legacy { .. } => {
            let legacy = HistoryTables::legacy();
            tracing::info!(
                "reading the history from {}; the next upgrade carries it over to {}",
                legacy.version(),
                tables.version()
            );
            Ok(db.read_heads(&legacy).await?)
        }
        HistoryStatus::Missing => Ok(Vec::new()),
        HistoryStatus::Present { .. } => Ok(db.read_heads(tables).await?),
    }
}

/// The recorded heads and all their ancestors; a head no file defines is an error.
pub(super) fn applied_from_heads(
    set: &RevisionSet,
    heads: &[RevisionId],
) -> Result<BTreeSet<RevisionId>, ApplyError> {
    let unknown: Vec<RevisionId> = heads.iter().filter(|h| !set.contains(h)).cloned().collect();
    if !unknown.is_empty() {
        return Err(RevisionError::UnknownApplied {
            revisions: unknown,
            versions_dir: set.versions_dir().to_path_buf(),
        }
        .into());
    }
    Ok(ancestors_inclusive(set, heads))
}

pub(super) fn ancestors_inclusive<'i>(
    set: &RevisionSet,
    ids: impl IntoIterator<Item = &'i RevisionId>,
) -> BTreeSet<RevisionId> {
    let mut all = BTreeSet::new();
    for id in ids {
        all.extend(set.ancestors(id));
        all.insert(id.clone());
    }
    all
}

/// A history written for another database kind is refused before anything runs.
pub fn check_dialect(set: &RevisionSet, database: Dialect) -> Result<(), ApplyError> {
    match set.dialect() {
        Some(history) if history != database => Err(ApplyError::DialectMismatch {
            versions_dir: set.versions_dir().to_path_buf(),
            history,
            database,
        }),
        _ => Ok(()),
    }
}

/// A revision that changes something but has nothing to undo it cannot be downgraded.
pub(super) fn check_reversible(file: &RevisionFile) -> Result<(), ApplyError> {
    if file.down_statements().is_empty() && !file.up_statements().is_empty() {
        return Err(ApplyError::Irreversible {
            revision: file.revision.clone(),
            path: file.path.clone(),
        });
    }
    Ok(())
}

pub(super) fn file_of<'s>(
    set: &'s RevisionSet,
    id: &RevisionId,
) -> Result<&'s RevisionFile, ApplyError> {
    set.get(id).ok_or_else(|| {
        RevisionError::UnknownRevision {
            given: id.to_string(),
            versions_dir: set.versions_dir().to_path_buf(),
        }
        .into()
    })
}

/// `user@host` of the machine running the migrator, as far as the environment says it
/// cheaply; the log records it next to the database user.
fn client_identity() -> Option<String> {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    match (user, host) {
        (Some(user), Some(host)) => Some(format!("{user}@{host}")),
        (Some(user), None) => Some(user),
        (None, Some(host)) => Some(format!("@{host}")),
        (None, None) => None,
    }
}
