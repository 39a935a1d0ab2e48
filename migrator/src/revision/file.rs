//! One migration file: its format (a `-- key: value` header, then `-- +up` and `-- +down`
//! sections of SQL), the parser, which names the file and line of every problem, and the
//! writer, whose output parses back to an equal value.
//!
//! ```sql
//! -- revision: 3fa1c2d4e5b6
//! -- down_revision: 9bc0a1d2e3f4
//! -- message: auto sync schema
//! -- created: 2026-11-24T10:00:00Z
//! -- dialect: postgresql
//! -- transactional: true
//!
//! -- +up
//! ALTER TABLE "orders" ADD COLUMN "note" text;
//!
//! -- +down
//! ALTER TABLE "orders" DROP COLUMN "note";
//! ```
//!
//! Reading is tolerant where it costs nothing: `down_revision` may be absent or `none` (a
//! base revision), `created` may be absent (read as the Unix epoch, so such files sort
//! first), `transactional` defaults to `true`, `-- +down` may be absent (an empty down
//! section), and `--` comment lines may sit between the header and `-- +up`. The writer
//! always writes every key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::dialect::Dialect;

use super::error::{FileError, FileErrorKind};
use super::id::{Checksum, RevisionId};
use super::split::{statements_for, SourceStatement};

/// The longest slug a file name gets.
const MAX_SLUG: usize = 40;

const UP_MARKER: &str = "-- +up";
const DOWN_MARKER: &str = "-- +down";

/// One parsed migration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionFile {
    /// This revision's id.
    pub revision: RevisionId,
    /// The revisions this one follows: none for a base, one usually, several for a merge.
    pub down_revisions: Vec<RevisionId>,
    /// What the revision does, in a few words.
    pub message: String,
    /// When the file was written; orders revisions that the graph leaves unordered.
    pub created: DateTime<Utc>,
    /// The database the SQL is written for.
    pub dialect: Dialect,
    /// Whether the up (and down) section runs inside one transaction.
    pub transactional: bool,
    /// The SQL to apply.
    pub up: String,
    /// The SQL that undoes `up`; empty for an irreversible revision.
    pub down: String,
    /// Where the file is (for a revision not yet written: its file name).
    pub path: PathBuf,
    /// The checksum of the file's text, as the version table records it.
    pub checksum: Checksum,
    /// Where things are in the file, for error messages.
    pub lines: SourceLines,
}

/// The 1-based lines of a migration file's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceLines {
    /// The `revision` header.
    pub revision: usize,
    /// The `down_revision` header, if present.
    pub down_revision: Option<usize>,
    /// The first line of the up section's SQL.
    pub up: usize,
    /// The first line of the down section's SQL.
    pub down: usize,
}

/// The contents of a revision about to be written; [`RevisionFile::new`] turns it into a
/// file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRevision {
    /// The new revision's id.
    pub revision: RevisionId,
    /// The revisions it follows (the current heads; several for a merge).
    pub down_revisions: Vec<RevisionId>,
    /// What it does; line breaks become spaces.
    pub message: String,
    /// When it is written.
    pub created: DateTime<Utc>,
    /// The database the SQL is written for.
    pub dialect: Dialect,
    /// Whether the sections run inside a transaction.
    pub transactional: bool,
    /// The SQL to apply. Like `down`, it must not hold a line reading `-- +up` or
    /// `-- +down`, which would read back as a section marker.
    pub up: String,
    /// The SQL that undoes it.
    pub down: String,
}

impl NewRevision {
    /// A revision with a fresh random id, created now (to the second), transactional (but
    /// on MySQL, where DDL commits on its own and the file should say so), with empty
    /// sections: what `migrate revision -m MSG` writes.
    pub fn new(
        message: impl Into<String>,
        dialect: Dialect,
        down_revisions: Vec<RevisionId>,
    ) -> Self {
        let now = Utc::now();
        Self {
            revision: RevisionId::generate(),
            down_revisions,
            message: message.into(),
            created: DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now),
            dialect,
            transactional: crate::dialect::driver(dialect).transactional_ddl(),
            up: String::new(),
            down: String::new(),
        }
    }
}

impl RevisionFile {
    /// Builds the file for a new revision: the text [`RevisionFile::render`] will write,
    /// its checksum and line numbers, and its file name as `path`.
    pub fn new(new: NewRevision) -> Self {
        let mut file = Self {
            revision: new.revision,
            down_revisions: new.down_revisions,
            message: normalise_message(&new.message),
            created: new.created,
            dialect: new.dialect,
            transactional: new.transactional,
            up: normalise_section(&new.up),
            down: normalise_section(&new.down),
            path: PathBuf::new(),
            checksum: Checksum::of_text(""),
            lines: SourceLines {
                revision: 1,
                down_revision: None,
                up: 1,
                down: 1,
            },
        };
        let (text, lines) = file.render_with_lines();
        file.checksum = Checksum::of_text(&text);
        file.lines = lines;
        file.path = PathBuf::from(file.file_name());
        file
    }

    /// Parses a migration file's text; `path` is named in errors, and a `.sql` path's name
    /// must start with the header's revision.
    pub fn parse(text: &str, path: &Path) -> Result<Self, FileError> {
        let file = Parser::new(text, path).parse()?;
        file.check_transaction_control()?;
        Ok(file)
    }

    /// A transactional revision runs in the executor's own transaction, so a `COMMIT` or
    /// `ROLLBACK` of its own would end that transaction halfway: statements before it stay
    /// (or are undone) while the version table says otherwise. Refused with its line, before
    /// anything runs; a revision that needs it is `-- transactional: false`.
    fn check_transaction_control(&self) -> Result<(), FileError> {
        if !self.transactional {
            return Ok(());
        }
        let statements = self
            .up_statements()
            .into_iter()
            .chain(self.down_statements());
        for statement in statements {
            if let Some(keyword) = transaction_control(&statement.sql) {
                return Err(FileError {
                    path: self.path.clone(),
                    line: statement.line,
                    kind: FileErrorKind::TransactionControl { keyword },
                });
            }
        }
        Ok(())
    }

    /// The file's text. Deterministic; parsing it gives back this value (for a value made
    /// by [`RevisionFile::new`] or parsed from a file this wrote).
    pub fn render(&self) -> String {
        self.render_with_lines().0
    }

    /// `<revision>_<slug>.sql`, or `<revision>.sql` when the message has no letters or
    /// digits.
    pub fn file_name(&self) -> String {
        let slug = slug(&self.message);
        if slug.is_empty() {
            format!("{}.sql", self.revision)
        } else {
            format!("{}_{slug}.sql", self.revision)
        }
    }

    /// Whether this revision merges several heads.
    pub fn is_merge(&self) -> bool {
        self.down_revisions.len() > 1
    }

    /// Whether this revision starts a history.
    pub fn is_base(&self) -> bool {
        self.down_revisions.is_empty()
    }

    /// The up section's statements, with their lines in the file.
    pub fn up_statements(&self) -> Vec<SourceStatement> {
        section_statements(&self.up, self.lines.up, self.dialect)
    }

    /// The down section's statements, with their lines in the file.
    pub fn down_statements(&self) -> Vec<SourceStatement> {
        section_statements(&self.down, self.lines.down, self.dialect)
    }

    fn render_with_lines(&self) -> (String, SourceLines) {
        let down_revisions = if self.down_revisions.is_empty() {
            "none".to_owned()
        } else {
            let ids: Vec<&str> = self.down_revisions.iter().map(|r| r.as_str()).collect();
            ids.join(", ")
        };
        let created = self.created.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        let message = normalise_message(&self.message);
        let header = [
            ("revision", self.revision.to_string()),
            ("down_revision", down_revisions),
            ("message", message),
            ("created", created),
            ("dialect", self.dialect.to_string()),
            ("transactional", self.transactional.to_string()),
        ];
        let mut text = String::new();
        for (key, value) in header {
            // An empty message leaves no trailing space behind.
            text.push_str(format!("-- {key}: {value}").trim_end());
            text.push('\n');
        }
        text.push('\n');
        text.push_str(UP_MARKER);
        text.push('\n');
        let up = normalise_section(&self.up);
        let down = normalise_section(&self.down);
        // Header (6 lines), a blank line, the marker: the up SQL starts on line 9.
        let up_line = 9;
        push_section(&mut text, &up);
        text.push('\n');
        text.push_str(DOWN_MARKER);
        text.push('\n');
        let down_line = up_line + section_lines(&up) + 2;
        push_section(&mut text, &down);
        let lines = SourceLines {
            revision: 1,
            down_revision: Some(2),
            up: up_line,
            down: down_line,
        };
        (text, lines)
    }
}

/// The slug of a file name: the message lower-cased, each run of characters other than
/// ASCII letters and digits turned into one `_`, trimmed of `_`, at most 40 characters.
pub fn slug(message: &str) -> String {
    let mut slug = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.truncate(MAX_SLUG);
    slug.trim_end_matches('_').to_owned()
}

fn section_statements(sql: &str, first_line: usize, dialect: Dialect) -> Vec<SourceStatement> {
    statements_for(sql, crate::dialect::driver(dialect).lexicon())
        .into_iter()
        .map(|s| SourceStatement {
            line: s.line + first_line - 1,
            ..s
        })
        .collect()
}

/// The transaction-control keyword a statement starts with (`COMMIT`, `ROLLBACK`, ...), if
/// any; `ROLLBACK TO` a savepoint and `SAVEPOINT` stay inside the transaction and pass.
fn transaction_control(sql: &str) -> Option<String> {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(2)
        .map(|w| w.trim_end_matches(';').to_ascii_uppercase())
        .collect();
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str);
    let controls = match first {
        "BEGIN" => true,
        "START" => second == Some("TRANSACTION"),
        "COMMIT" | "END" | "ABORT" => true,
        "ROLLBACK" => !matches!(second, Some("TO")),
        _ => false,
    };
    controls.then(|| words.join(" "))
}

/// A message fit for one header line.
fn normalise_message(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    parts.join(" ")
}

/// A section as the parser reads it back: `\n` line ends, no leading blank lines, no
/// trailing whitespace.
fn normalise_section(sql: &str) -> String {
    let lines: Vec<&str> = split_lines(sql)
        .skip_while(|l| l.trim().is_empty())
        .collect();
    lines.join("\n").trim_end().to_owned()
}

/// The lines of a text, with any `\r` before a line end dropped (a stray one from a
/// mangled checkout too), so writer and parser agree on what a line is.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.trim_end_matches('\r'))
}

fn push_section(text: &mut String, sql: &str) {
    if !sql.is_empty() {
        text.push_str(sql);
        text.push('\n');
    }
}

fn section_lines(sql: &str) -> usize {
    sql.lines().count()
}

/// Which section marker a line is, if any (`-- +up`, tolerating spacing).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Up,
    Down,
}

fn marker(line: &str) -> Option<Marker> {
    match line.trim().strip_prefix("--")?.trim() {
        "+up" => Some(Marker::Up),
        "+down" => Some(Marker::Down),
        _ => None,
    }
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("--")
}

const KEYS: [&str; 6] = [
    "revision",
    "down_revision",
    "message",
    "created",
    "dialect",
    "transactional",
];

const EXPECT_ID: &str = "a revision id (4 to 40 characters of 0-9, a-z and _)";
const EXPECT_IDS: &str = "none, or distinct revision ids separated by commas";
const EXPECT_DIALECT: &str = "postgresql, mysql or sqlite";
const EXPECT_BOOL: &str = "true or false";
const EXPECT_TIME: &str = "an RFC 3339 timestamp such as 2026-11-24T10:00:00Z";

/// A header value and its line.
struct Entry<'a> {
    line: usize,
    value: &'a str,
}

struct Parser<'a> {
    path: &'a Path,
    checksum: Checksum,
    lines: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, path: &'a Path) -> Self {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        Self {
            path,
            checksum: Checksum::of_text(text),
            lines: split_lines(body).collect(),
        }
    }

    fn error(&self, line: usize, kind: FileErrorKind) -> FileError {
        FileError {
            path: self.path.to_path_buf(),
            line,
            kind,
        }
    }

    fn parse(self) -> Result<RevisionFile, FileError> {
        let (header, header_end) = self.header()?;
        let required = |key: &'static str| {
            header
                .get(key)
                .ok_or_else(|| self.error(header_end + 1, FileErrorKind::MissingKey { key }))
        };
        let revision_entry = required("revision")?;
        let message = required("message")?.value.to_owned();
        let dialect = self.dialect(required("dialect")?)?;
        let revision = self.revision(revision_entry)?;
        let down_revisions = match header.get("down_revision") {
            Some(entry) => self.down_revisions(entry)?,
            None => Vec::new(),
        };
        let created = match header.get("created") {
            Some(entry) => self.created(entry)?,
            None => DateTime::UNIX_EPOCH,
        };
        let transactional = match header.get("transactional") {
            Some(entry) => self.boolean("transactional", entry)?,
            None => true,
        };
        self.check_file_name(&revision, revision_entry.line)?;
        let (up_marker, down_marker) = self.markers(header_end)?;
        let (up, up_line) = self.section(up_marker + 1, down_marker.unwrap_or(self.lines.len()));
        let (down, down_line) = match down_marker {
            Some(at) => self.section(at + 1, self.lines.len()),
            None => (String::new(), self.lines.len() + 1),
        };
        Ok(RevisionFile {
            revision,
            down_revisions,
            message,
            created,
            dialect,
            transactional,
            up,
            down,
            path: self.path.to_path_buf(),
            checksum: self.checksum,
            lines: SourceLines {
                revision: revision_entry.line,
                down_revision: header.get("down_revision").map(|e| e.line),
                up: up_line,
                down: down_line,
            },
        })
    }

    /// Reads the header block; returns its entries and the index of the line after it.
    fn header(&self) -> Result<(BTreeMap<&'static str, Entry<'a>>, usize), FileError> {
        let mut idx = self
            .lines
            .iter()
            .position(|l| !l.trim().is_empty())
            .unwrap_or(self.lines.len());
        if let Some(line) = self.lines.get(idx) {
            if !is_comment(line) {
                return Err(self.error(idx + 1, FileErrorKind::TextBeforeHeader));
            }
        }
        let mut entries: BTreeMap<&'static str, Entry<'a>> = BTreeMap::new();
        while let Some(&line) = self.lines.get(idx) {
            if !is_comment(line) || marker(line).is_some() {
                break;
            }
            let (key, value) = self.header_line(line, idx + 1)?;
            if let Some(first) = entries.get(key) {
                return Err(self.error(
                    idx + 1,
                    FileErrorKind::DuplicateKey {
                        key: key.to_owned(),
                        first_line: first.line,
                    },
                ));
            }
            entries.insert(
                key,
                Entry {
                    line: idx + 1,
                    value,
                },
            );
            idx += 1;
        }
        Ok((entries, idx))
    }

    fn header_line(
        &self,
        line: &'a str,
        number: usize,
    ) -> Result<(&'static str, &'a str), FileError> {
        let malformed = || {
            self.error(
                number,
                FileErrorKind::MalformedHeaderLine {
                    text: line.trim().to_owned(),
                },
            )
        };
        let rest = line.trim_start().strip_prefix("--").ok_or_else(malformed)?;
        let (key, value) = rest.split_once(':').ok_or_else(malformed)?;
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
            return Err(malformed());
        }
        let known = KEYS.iter().find(|k| **k == key).ok_or_else(|| {
            self.error(
                number,
                FileErrorKind::UnknownKey {
                    key: key.to_owned(),
                },
            )
        })?;
        Ok((known, value.trim()))
    }

    /// Finds the section markers at or after `from`; only blank and comment lines may sit
    /// before `-- +up`.
    fn markers(&self, from: usize) -> Result<(usize, Option<usize>), FileError> {
        let mut up = None;
        let mut down = None;
        for (idx, line) in self.lines.iter().enumerate().skip(from) {
            let number = idx + 1;
            match (marker(line), up, down) {
                (Some(Marker::Up), Some(first), _) => {
                    return Err(self.duplicate_marker(number, UP_MARKER, first))
                }
                (Some(Marker::Up), None, _) => up = Some(idx),
                (Some(Marker::Down), None, _) => {
                    return Err(self.error(number, FileErrorKind::DownBeforeUp))
                }
                (Some(Marker::Down), Some(_), Some(first)) => {
                    return Err(self.duplicate_marker(number, DOWN_MARKER, first))
                }
                (Some(Marker::Down), Some(_), None) => down = Some(idx),
                (None, None, _) if !line.trim().is_empty() && !is_comment(line) => {
                    return Err(self.error(number, FileErrorKind::TextOutsideSection))
                }
                (None, _, _) => {}
            }
        }
        let up =
            up.ok_or_else(|| self.error(self.lines.len().max(1), FileErrorKind::MissingUpMarker))?;
        Ok((up, down))
    }

    fn duplicate_marker(&self, number: usize, marker: &'static str, first: usize) -> FileError {
        self.error(
            number,
            FileErrorKind::DuplicateMarker {
                marker,
                first_line: first + 1,
            },
        )
    }

    /// The SQL of lines `from..to` (0-based) and the 1-based line it starts on.
    fn section(&self, from: usize, to: usize) -> (String, usize) {
        let body = &self.lines[from..to];
        let skipped = body.iter().take_while(|l| l.trim().is_empty()).count();
        let first_line = if skipped == body.len() {
            from + 1
        } else {
            from + skipped + 1
        };
        let sql = body[skipped..].join("\n").trim_end().to_owned();
        (sql, first_line)
    }

    fn invalid(&self, key: &'static str, entry: &Entry<'_>, expected: &'static str) -> FileError {
        self.error(
            entry.line,
            FileErrorKind::InvalidValue {
                key,
                value: entry.value.to_owned(),
                expected,
            },
        )
    }

    fn revision(&self, entry: &Entry<'_>) -> Result<RevisionId, FileError> {
        RevisionId::parse(entry.value).map_err(|_| self.invalid("revision", entry, EXPECT_ID))
    }

    fn down_revisions(&self, entry: &Entry<'_>) -> Result<Vec<RevisionId>, FileError> {
        if entry.value.is_empty() || entry.value.eq_ignore_ascii_case("none") {
            return Ok(Vec::new());
        }
        let mut ids: Vec<RevisionId> = Vec::new();
        for part in entry.value.split(',') {
            let id = RevisionId::parse(part.trim())
                .map_err(|_| self.invalid("down_revision", entry, EXPECT_IDS))?;
            if ids.contains(&id) {
                return Err(self.invalid("down_revision", entry, EXPECT_IDS));
            }
            ids.push(id);
        }
        Ok(ids)
    }

    fn dialect(&self, entry: &Entry<'_>) -> Result<Dialect, FileError> {
        Dialect::from_name(entry.value)
            .ok_or_else(|| self.invalid("dialect", entry, EXPECT_DIALECT))
    }

    fn boolean(&self, key: &'static str, entry: &Entry<'_>) -> Result<bool, FileError> {
        match entry.value.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.invalid(key, entry, EXPECT_BOOL)),
        }
    }

    fn created(&self, entry: &Entry<'_>) -> Result<DateTime<Utc>, FileError> {
        DateTime::parse_from_rfc3339(entry.value)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| self.invalid("created", entry, EXPECT_TIME))
    }

    /// A `.sql` file's name must be `<revision>.sql` or `<revision>_<anything>.sql`, so a
    /// copied file whose header was not updated is caught.
    fn check_file_name(&self, revision: &RevisionId, line: usize) -> Result<(), FileError> {
        let is_sql = self.path.extension().is_some_and(|e| e == "sql");
        let Some(stem) = self.path.file_stem().and_then(|s| s.to_str()) else {
            return Ok(());
        };
        let matches = stem == revision.as_str()
            || stem
                .strip_prefix(revision.as_str())
                .is_some_and(|rest| rest.starts_with('_'));
        if !is_sql || matches {
            return Ok(());
        }
        let file_name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Err(self.error(
            line,
            FileErrorKind::NameMismatch {
                revision: revision.clone(),
                file_name,
            },
        ))
    }
}
