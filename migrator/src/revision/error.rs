//! The errors of the revision system. A [`FileError`] is one malformed migration file and
//! always names the file and the line; a [`RevisionError`] is everything else (a directory
//! that cannot be read, a history whose files do not fit together, a target that resolves to
//! nothing). Messages read as sentences and say what to do.

use std::io;
use std::path::PathBuf;

use crate::dialect::Dialect;

use super::id::RevisionId;

/// A migration file that cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[error("{}, line {line}: {kind}", path.display())]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line the problem is on.
    pub line: usize,
    /// What is wrong.
    pub kind: FileErrorKind,
}

/// What is wrong with a migration file.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileErrorKind {
    /// `COMMIT`, `ROLLBACK` or `BEGIN` in a transactional revision.
    #[error(
        "`{keyword}` in a transactional revision would end the migrator's own transaction \
         halfway; remove it, or mark the file `-- transactional: false` to run it statement \
         by statement"
    )]
    TransactionControl {
        /// The statement's first words.
        keyword: String,
    },
    /// Something other than a header line comes first.
    #[error("text before the header; a migration file starts with `-- revision: <id>`")]
    TextBeforeHeader,
    /// A line in the header block that is not `-- key: value`.
    #[error("`{text}` is not a header line; header lines read `-- key: value`")]
    MalformedHeaderLine {
        /// The line as written.
        text: String,
    },
    /// A header key this format does not define.
    #[error(
        "unknown header key `{key}`; the keys are revision, down_revision, message, created, \
         dialect and transactional"
    )]
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// A header key given twice.
    #[error("header key `{key}` is given twice (first on line {first_line})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// Where it was first given.
        first_line: usize,
    },
    /// A required header key is absent.
    #[error(
        "missing header key `{key}`; the header is the block of `-- key: value` lines at the top \
         of the file, with no blank line inside it"
    )]
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// A header value that does not parse.
    #[error("`{value}` is not a valid {key}: expected {expected}")]
    InvalidValue {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
        /// What the value should look like.
        expected: &'static str,
    },
    /// The file has no `-- +up` line.
    #[error("no `-- +up` marker; the SQL to apply follows a line reading `-- +up`")]
    MissingUpMarker,
    /// `-- +down` comes before `-- +up`.
    #[error("`-- +down` comes before `-- +up`; write the up section first")]
    DownBeforeUp,
    /// A section marker appears twice.
    #[error("`{marker}` appears twice (first on line {first_line})")]
    DuplicateMarker {
        /// The marker, `-- +up` or `-- +down`.
        marker: &'static str,
        /// Where it first appears.
        first_line: usize,
    },
    /// SQL between the header and `-- +up`, which would never run.
    #[error("SQL outside a section would never run; move it below `-- +up` or `-- +down`")]
    TextOutsideSection,
    /// The header's revision is not the one the file name starts with.
    #[error(
        "the header says revision {revision} but the file name is {file_name}; migration files \
         are named `<revision>_<slug>.sql`"
    )]
    NameMismatch {
        /// The header's revision.
        revision: RevisionId,
        /// The file's name.
        file_name: String,
    },
}

/// An error of the revision system beyond a single malformed file.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    /// A malformed migration file.
    #[error(transparent)]
    File(#[from] FileError),
    /// Reading or writing the directory failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`read`, `create`, `write`, `list`).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// An entry of `versions/` that looks meant as a revision file but cannot be one.
    #[error("{} {problem}", path.display())]
    BadEntry {
        /// The entry.
        path: PathBuf,
        /// What is wrong and what to do.
        problem: &'static str,
    },
    /// Two files define one revision.
    #[error(
        "revision {revision} is defined twice, in {} and in {}; give one of them a new id",
        first.display(),
        second.display()
    )]
    DuplicateRevision {
        /// The revision.
        revision: RevisionId,
        /// The first file (in name order).
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// A `down_revision` that no file defines.
    #[error(
        "revision {revision} ({}, line {line}) names down_revision {down_revision}, which no \
         file in {} defines",
        path.display(),
        versions_dir.display()
    )]
    UnknownDownRevision {
        /// The revision naming it.
        revision: RevisionId,
        /// Its file.
        path: PathBuf,
        /// The `down_revision` header's line.
        line: usize,
        /// The missing parent.
        down_revision: RevisionId,
        /// The directory searched.
        versions_dir: PathBuf,
    },
    /// Revisions whose `down_revision` headers go round in a circle.
    #[error(
        "revisions {} form a cycle through their down_revision headers ({}); a revision may only \
         name older revisions",
        join(revisions),
        cycle_path(revisions)
    )]
    Cycle {
        /// The revisions in the cycle, each naming the next as its down_revision.
        revisions: Vec<RevisionId>,
    },
    /// Files written for different databases in one history.
    #[error(
        "{} is written for {first_dialect} but {} for {second_dialect}; a history is written for \
         one database kind",
        first.display(),
        second.display()
    )]
    MixedDialects {
        /// A file of the first dialect.
        first: PathBuf,
        /// Its dialect.
        first_dialect: Dialect,
        /// A file of another dialect.
        second: PathBuf,
        /// That dialect.
        second_dialect: Dialect,
    },
    /// `write_new` found the file (or another file with the revision) already there.
    #[error("{} already exists; refusing to overwrite it", path.display())]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A revision (or prefix) that no file defines.
    #[error("unknown revision `{given}`: no file in {} defines it", versions_dir.display())]
    UnknownRevision {
        /// The text given.
        given: String,
        /// The directory searched.
        versions_dir: PathBuf,
    },
    /// A prefix that matches several revisions.
    #[error(
        "revision prefix `{prefix}` is ambiguous: it matches {}; type more characters",
        join(candidates)
    )]
    AmbiguousRevision {
        /// The prefix given.
        prefix: String,
        /// The revisions it matches.
        candidates: Vec<RevisionId>,
    },
    /// `head` asked for while the history has several.
    #[error(
        "the history has several heads ({}); name one of them, use `heads` to upgrade all of \
         them, or write a merge revision with `migrate merge`",
        join(heads)
    )]
    MultipleHeads {
        /// The heads.
        heads: Vec<RevisionId>,
    },
    /// A step relative to the current revision while the database is at several.
    #[error(
        "the database is at several heads ({}); a relative step needs one, so name a revision \
         instead",
        join(heads)
    )]
    MultipleCurrentHeads {
        /// The applied heads.
        heads: Vec<RevisionId>,
    },
    /// Text that is not a target.
    #[error(
        "`{given}` is not a revision target: use a revision id or prefix, head, heads, base, or \
         a relative step such as -1, +2, head-1 or <revision>+1"
    )]
    InvalidTarget {
        /// The text given.
        given: String,
    },
    /// A relative step that walks past either end of the history.
    #[error("`{target}` walks past the {} of the history", if *upward { "head" } else { "base" })]
    RelativeOutOfRange {
        /// The target as written.
        target: String,
        /// Whether it walked up (towards the heads) or down.
        upward: bool,
    },
    /// A relative step up from a branch point.
    #[error(
        "`{target}` is ambiguous: {from} has several next revisions ({}); name the revision \
         instead",
        join(choices)
    )]
    AmbiguousStep {
        /// The target as written.
        target: String,
        /// Where the walk forked (a revision, or `base`).
        from: String,
        /// The revisions it could go to.
        choices: Vec<RevisionId>,
    },
    /// A downgrade to a revision that is not applied.
    #[error(
        "cannot downgrade to {revision}: it is not applied (`migrate current` shows what is); \
         use `upgrade` to move forward"
    )]
    NotApplied {
        /// The target revision.
        revision: RevisionId,
    },
    /// The database records revisions that no file defines.
    #[error(
        "the database records revision(s) {}, which no file in {} defines; restore the file(s), \
         or `migrate stamp` the database to a revision that exists",
        join(revisions),
        versions_dir.display()
    )]
    UnknownApplied {
        /// The unknown revisions.
        revisions: Vec<RevisionId>,
        /// The directory searched.
        versions_dir: PathBuf,
    },
}

/// `a, b, c`.
fn join(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a -> b -> a`: each revision followed by its down_revision, back to the start.
fn cycle_path(ids: &[RevisionId]) -> String {
    let mut parts: Vec<&str> = ids.iter().map(RevisionId::as_str).collect();
    if let Some(first) = ids.first() {
        parts.push(first.as_str());
    }
    parts.join(" -> ")
}
