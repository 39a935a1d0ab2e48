//! Running one revision: its statements and its bookkeeping (the version-table update and
//! the log row), in one transaction when the revision is transactional, statement by
//! statement when it is not, and in several transactions when it uses an enum value it
//! adds. Every failure becomes an error that says which statements are in effect.

use std::time::Instant;

use crate::db::{
    parts_committed, Database, HeadChange, HistorySql, LogAction, LogDuration, LogEntry,
    ServerError, ServerErrorKind,
};
use crate::revision::{RevisionFile, RevisionId, SourceStatement};

use super::error::{ApplyError, PartialFailure, PartialReason, StatementFailure};
use super::{AppliedStep, Direction};

/// One revision to run, and where the version table stands around it.
pub(super) struct Step<'f> {
    /// The revision's file.
    pub file: &'f RevisionFile,
    /// Which section runs.
    pub direction: Direction,
    /// The version table's rows now.
    pub heads_before: &'f [RevisionId],
    /// Its rows once the revision is recorded.
    pub heads_after: &'f [RevisionId],
}

impl Step<'_> {
    fn statements(&self) -> Vec<SourceStatement> {
        match self.direction {
            Direction::Up => self.file.up_statements(),
            Direction::Down => self.file.down_statements(),
        }
    }

    fn action(&self) -> LogAction {
        match self.direction {
            Direction::Up => LogAction::Up,
            Direction::Down => LogAction::Down,
        }
    }

    /// What the log records for a committed part of this step's section.
    fn part_action(&self) -> LogAction {
        match self.direction {
            Direction::Up => LogAction::UpPart,
            Direction::Down => LogAction::DownPart,
        }
    }

    fn failure(&self, line: Option<usize>, statement: &str, error: ServerError) -> ApplyError {
        ApplyError::Statement(Box::new(StatementFailure {
            revision: self.file.revision.clone(),
            message: self.file.message.clone(),
            path: self.file.path.clone(),
            direction: self.direction,
            line,
            statement: statement.to_owned(),
            error,
            database_at: self.heads_before.to_vec(),
            fix: None,
        }))
    }
}

/// Runs steps against one connection, recording them with one dialect's history SQL.
pub(super) struct Executor<'d> {
    pub db: &'d mut Database,
    pub history: &'d HistorySql,
    /// `user@host` of this machine, for the log's `applied_by`.
    pub client: Option<&'d str>,
}

/// How a transactional attempt ended without an error to report.
enum Attempt {
    Done,
    /// A statement used an enum value added earlier in the transaction; all was rolled back.
    NeedsCommitPoints,
}

impl Executor<'_> {
    /// Runs the step and records it; the error says what is in effect.
    pub async fn run(&mut self, step: &Step<'_>) -> Result<AppliedStep, ApplyError> {
        let statements = step.statements();
        let started = Instant::now();
        if !step.file.transactional {
            self.run_autocommit(step, &statements, started, PartialReason::NonTransactional)
                .await?;
        } else if !self.db.transactional_ddl() {
            // Whatever the header says, the server commits each DDL statement on its own:
            // run it as what it is, so a failure says exactly what ran.
            tracing::info!(
                revision = %step.file.revision,
                "this database cannot run DDL in a transaction; running the revision statement by statement"
            );
            self.run_autocommit(
                step,
                &statements,
                started,
                PartialReason::NoTransactionalDdl,
            )
            .await?;
        } else {
            let done = self.parts_done(step, &statements).await?;
            if done > 0 {
                tracing::info!(
                    revision = %step.file.revision,
                    parts = done,
                    "an earlier run committed part of the revision and stopped; resuming after it"
                );
                self.run_in_segments(step, &statements, started, done)
                    .await?;
            } else if let Attempt::NeedsCommitPoints =
                self.run_in_transaction(step, &statements, started).await?
            {
                tracing::info!(
                    revision = %step.file.revision,
                    "the revision uses an enum value it adds; running it again with a commit after each ALTER TYPE ... ADD VALUE"
                );
                self.run_in_segments(step, &statements, started, 0).await?;
            }
        }
        Ok(AppliedStep {
            revision: step.file.revision.clone(),
            message: step.file.message.clone(),
            path: step.file.path.clone(),
            direction: step.direction,
            duration: started.elapsed(),
            statements: statements.len(),
        })
    }

    /// How many parts of the step an earlier, stopped run committed (0 for a revision that
    /// never runs in parts); an error when they came from another version of the file.
    async fn parts_done(
        &mut self,
        step: &Step<'_>,
        statements: &[SourceStatement],
    ) -> Result<usize, ApplyError> {
        if !statements
            .iter()
            .any(|s| self.db.commits_before_use(&s.sql))
        {
            return Ok(0);
        }
        let rows = self
            .db
            .latest_log_rows(self.history.tables(), &step.file.revision)
            .await?;
        let (parts, checksum) = parts_committed(&rows, step.part_action());
        if parts > 0 && checksum != Some(step.file.checksum) {
            return Err(ApplyError::PartsOfChangedFile {
                revision: step.file.revision.clone(),
                path: step.file.path.clone(),
                parts,
            });
        }
        Ok(parts)
    }

    /// The version-table update and the log row, timed up to now.
    fn bookkeeping(&self, step: &Step<'_>, started: Instant) -> Vec<String> {
        let mut sql = self
            .history
            .update_heads(&HeadChange::between(step.heads_before, step.heads_after));
        sql.push(self.log_row(step, step.action(), started));
        sql
    }

    /// The step's log row recording `action`, timed up to now.
    fn log_row(&self, step: &Step<'_>, action: LogAction, started: Instant) -> String {
        self.history.log(&LogEntry {
            revision: &step.file.revision,
            action,
            checksum: Some(step.file.checksum),
            message: &step.file.message,
            duration: LogDuration::Measured(started.elapsed()),
            client: self.client,
        })
    }

    async fn rollback(&mut self) {
        if let Err(error) = self.db.execute(self.history.rollback()).await {
            // The server rolls back by itself when the connection is gone.
            tracing::debug!(%error, "rollback failed");
        }
    }

    async fn run_in_transaction(
        &mut self,
        step: &Step<'_>,
        statements: &[SourceStatement],
        started: Instant,
    ) -> Result<Attempt, ApplyError> {
        let begin = self.history.begin();
        self.db
            .execute(begin)
            .await
            .map_err(|e| step.failure(None, begin, e))?;
        let commit_points = statements
            .iter()
            .any(|s| self.db.commits_before_use(&s.sql));
        for statement in statements {
            if let Err(error) = self.db.execute(&statement.sql).await {
                self.rollback().await;
                if error.kind == ServerErrorKind::UsedBeforeCommit && commit_points {
                    return Ok(Attempt::NeedsCommitPoints);
                }
                let fix = self.fix_for(&statement.sql, &error);
                let mut failure = step.failure(Some(statement.line), &statement.sql, error);
                if let ApplyError::Statement(failure) = &mut failure {
                    failure.fix = fix;
                }
                return Err(failure);
            }
        }
        self.finish_transaction(step, started).await?;
        Ok(Attempt::Done)
    }

    /// Advice for a failure with a known cause: an enum value that exists already was
    /// most likely committed by an earlier run of this revision that stopped, since such a
    /// revision commits after each value it adds.
    fn fix_for(&self, sql: &str, error: &ServerError) -> Option<String> {
        (error.kind == ServerErrorKind::AlreadyExists && self.db.commits_before_use(sql)).then(
            || {
                "the value is there already, most likely committed by an earlier run of this \
             revision that stopped before the rest (a revision that uses enum values it adds \
             commits after each one); write `ADD VALUE IF NOT EXISTS`, which is what \
             generated revisions say, and run it again"
                    .to_owned()
            },
        )
    }

    /// Bookkeeping and commit of the transaction the step runs in.
    async fn finish_transaction(
        &mut self,
        step: &Step<'_>,
        started: Instant,
    ) -> Result<(), ApplyError> {
        let mut closing = self.bookkeeping(step, started);
        closing.push(self.history.commit().to_owned());
        for sql in &closing {
            if let Err(error) = self.db.execute(sql).await {
                self.rollback().await;
                return Err(step.failure(None, sql, error));
            }
        }
        Ok(())
    }

    /// One transaction per stretch of statements ending with one whose work must be
    /// committed before use, each but the last logged as a part, so a rerun can skip the
    /// first `done` of them; the bookkeeping goes with the last stretch.
    async fn run_in_segments(
        &mut self,
        step: &Step<'_>,
        statements: &[SourceStatement],
        started: Instant,
        done: usize,
    ) -> Result<(), ApplyError> {
        let segments = segments(statements, |sql| self.db.commits_before_use(sql));
        let mut committed: usize = segments.iter().take(done).map(Vec::len).sum();
        for (index, segment) in segments.iter().enumerate().skip(done) {
            let last = index + 1 == segments.len();
            let result = self.run_segment(step, segment, last, started).await;
            match result {
                Ok(()) => committed += segment.len(),
                Err((line, sql, error)) => {
                    if committed == 0 {
                        return Err(step.failure(line, &sql, error));
                    }
                    let ran = statements[..committed].to_vec();
                    return Err(partial(
                        step,
                        PartialReason::CommittedEnumValues,
                        ran,
                        statements[committed..]
                            .iter()
                            .filter(|s| Some(s.line) != line)
                            .map(|s| s.line)
                            .collect(),
                        (line, sql, error),
                    ));
                }
            }
        }
        Ok(())
    }

    async fn run_segment(
        &mut self,
        step: &Step<'_>,
        segment: &[SourceStatement],
        last: bool,
        started: Instant,
    ) -> Result<(), (Option<usize>, String, ServerError)> {
        let begin = self.history.begin();
        self.db
            .execute(begin)
            .await
            .map_err(|e| (None, begin.to_owned(), e))?;
        for statement in segment {
            if let Err(error) = self.db.execute(&statement.sql).await {
                self.rollback().await;
                return Err((Some(statement.line), statement.sql.clone(), error));
            }
        }
        let mut closing = if last {
            self.bookkeeping(step, started)
        } else {
            // The part and the row that records it commit together, so a run stopped at
            // any moment leaves the log saying exactly which parts are in effect.
            let mut sql = self.history.widen_log();
            sql.push(self.log_row(step, step.part_action(), started));
            sql
        };
        closing.push(self.history.commit().to_owned());
        for sql in closing {
            if let Err(error) = self.db.execute(&sql).await {
                self.rollback().await;
                return Err((None, sql, error));
            }
        }
        Ok(())
    }

    /// A `transactional: false` revision: every statement commits on its own, then the
    /// bookkeeping runs in a transaction of its own.
    async fn run_autocommit(
        &mut self,
        step: &Step<'_>,
        statements: &[SourceStatement],
        started: Instant,
        reason: PartialReason,
    ) -> Result<(), ApplyError> {
        for (index, statement) in statements.iter().enumerate() {
            if let Err(error) = self.db.execute(&statement.sql).await {
                return Err(partial(
                    step,
                    reason,
                    statements[..index].to_vec(),
                    statements[index + 1..].iter().map(|s| s.line).collect(),
                    (Some(statement.line), statement.sql.clone(), error),
                ));
            }
        }
        let mut script = vec![self.history.begin().to_owned()];
        script.extend(self.bookkeeping(step, started));
        script.push(self.history.commit().to_owned());
        for sql in &script {
            if let Err(error) = self.db.execute(sql).await {
                self.rollback().await;
                return Err(partial(
                    step,
                    reason,
                    statements.to_vec(),
                    Vec::new(),
                    (None, sql.clone(), error),
                ));
            }
        }
        Ok(())
    }
}

fn partial(
    step: &Step<'_>,
    reason: PartialReason,
    ran: Vec<SourceStatement>,
    not_applied: Vec<usize>,
    (line, statement, error): (Option<usize>, String, ServerError),
) -> ApplyError {
    ApplyError::Partial(Box::new(PartialFailure {
        revision: step.file.revision.clone(),
        message: step.file.message.clone(),
        path: step.file.path.clone(),
        direction: step.direction,
        reason,
        ran,
        line,
        statement,
        error,
        not_applied,
        database_at: step.heads_before.to_vec(),
    }))
}

/// Splits statements after each one `commit_after` picks; never returns an empty list of
/// segments (a revision without statements is one empty segment, for its bookkeeping).
pub(super) fn segments(
    statements: &[SourceStatement],
    commit_after: impl Fn(&str) -> bool,
) -> Vec<Vec<SourceStatement>> {
    let mut segments = vec![Vec::new()];
    for statement in statements {
        if let Some(current) = segments.last_mut() {
            current.push(statement.clone());
        }
        if commit_after(&statement.sql) {
            segments.push(Vec::new());
        }
    }
    if segments.len() > 1 && segments.last().is_some_and(Vec::is_empty) {
        segments.pop();
    }
    segments
}
