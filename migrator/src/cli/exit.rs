//! Exit codes: stable, documented in the README, and the only way a script learns what
//! happened without parsing text.

use std::fmt;

/// A command's outcome as a process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 0: success.
    Ok = 0,
    /// 1: a migration is missing (`check`): drift that autogeneration would write. Drift
    /// left only in drops it blocks is a partial sync: a warning, and [`Code::Ok`].
    Drift = 1,
    /// 2: bad usage or bad input (arguments, models, migration files, another tool's table
    /// under the version table's name).
    Usage = 2,
    /// 3: the database could not be reached.
    Unreachable = 3,
    /// 4: a migration failed (the failing revision was rolled back, or the error says which
    /// statements of a non-transactional revision stay), or the migration lock could not be
    /// taken in time.
    MigrationFailed = 4,
    /// 5: production drift (`CRITICAL: Database schema is out of sync in PRODUCTION`).
    ProductionDrift = 5,
    /// 6: the pre-migration backup failed.
    BackupFailed = 6,
    /// 7: the migration the models need would fail on rows in the database; nothing was
    /// written or applied.
    DataWouldFail = 7,
}

impl From<Code> for std::process::ExitCode {
    fn from(code: Code) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// A failure on its way out of the CLI: the message chain to print and the code to return.
#[derive(Debug)]
pub struct Exit {
    code: Code,
    error: anyhow::Error,
}

impl Exit {
    /// A failure with the given code.
    pub fn new(code: Code, error: impl Into<anyhow::Error>) -> Self {
        Self {
            code,
            error: error.into(),
        }
    }

    /// A usage or input error (exit 2).
    pub fn usage(message: impl fmt::Display) -> Self {
        Self::new(Code::Usage, anyhow::anyhow!("{message}"))
    }

    /// The exit code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The error and its causes.
    pub fn error(&self) -> &anyhow::Error {
        &self.error
    }
}

impl From<crate::apply::ErrorClass> for Code {
    fn from(class: crate::apply::ErrorClass) -> Self {
        use crate::apply::ErrorClass;
        match class {
            ErrorClass::Input => Code::Usage,
            ErrorClass::Unreachable => Code::Unreachable,
            ErrorClass::MigrationFailed => Code::MigrationFailed,
        }
    }
}

impl From<crate::apply::ApplyError> for Exit {
    fn from(error: crate::apply::ApplyError) -> Self {
        Self::new(error.class().into(), error)
    }
}

impl From<crate::revision::RevisionError> for Exit {
    fn from(error: crate::revision::RevisionError) -> Self {
        Self::new(Code::Usage, error)
    }
}
