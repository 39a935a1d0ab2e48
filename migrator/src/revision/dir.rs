//! The migrations directory on disk: reading every `versions/*.sql` into a [`RevisionSet`]
//! and writing a new revision file without ever overwriting one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::error::RevisionError;
use super::file::RevisionFile;
use super::id::RevisionId;
use super::set::RevisionSet;

/// The migrations directory used when none is given.
pub const DEFAULT_DIR: &str = "migrations";

/// The folder inside the migrations directory that holds the revision files.
pub const VERSIONS_DIR: &str = "versions";

/// `<dir>/versions`.
pub fn versions_dir(dir: &Path) -> PathBuf {
    dir.join(VERSIONS_DIR)
}

/// Reads every `*.sql` file in `<dir>/versions` (in name order; other files, hidden files
/// and folders are ignored) and checks that they form one history. A missing folder is an
/// empty history, so a project's first `migrate` run needs no setup.
pub fn load(dir: &Path) -> Result<RevisionSet, RevisionError> {
    let versions = versions_dir(dir);
    let paths = match sql_files(&versions) {
        Ok(paths) => paths?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            tracing::debug!(dir = %versions.display(), "no versions folder: empty history");
            return Ok(RevisionSet::empty(versions));
        }
        Err(source) => {
            return Err(RevisionError::Io {
                action: "list",
                path: versions,
                source,
            })
        }
    };
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = fs::read_to_string(&path).map_err(|source| RevisionError::Io {
            action: "read",
            path: path.clone(),
            source,
        })?;
        files.push(RevisionFile::parse(&text, &path)?);
    }
    tracing::debug!(dir = %versions.display(), count = files.len(), "loaded revision files");
    RevisionSet::new(files, versions)
}

/// Writes `file` as `<dir>/versions/<file name>`, creating the folder if needed, and returns
/// it as [`load`] will read it back (its `path`, `checksum` and `lines` set from the
/// written text). Refuses when the file exists or another file already carries the revision.
pub fn write_new(dir: &Path, file: RevisionFile) -> Result<RevisionFile, RevisionError> {
    let versions = versions_dir(dir);
    fs::create_dir_all(&versions).map_err(|source| RevisionError::Io {
        action: "create",
        path: versions.clone(),
        source,
    })?;
    if let Some(existing) = file_of_revision(&versions, &file.revision)? {
        return Err(RevisionError::AlreadyExists { path: existing });
    }
    let path = versions.join(file.file_name());
    let text = file.render();
    // Parsing before writing guarantees the caller gets exactly what a later load sees.
    let written = RevisionFile::parse(&text, &path)?;
    let write_error = |source| RevisionError::Io {
        action: "write",
        path: path.clone(),
        source,
    };
    // Written in full under a hidden name (which `load` skips) and then linked into place:
    // a run killed while writing leaves no truncated revision file that would fail every
    // later load, and the link, unlike a rename, refuses to replace a file of that name.
    let temp = versions.join(format!(".{}.{}.tmp", file.file_name(), std::process::id()));
    let placed = write_synced(&temp, &text).and_then(|()| {
        fs::hard_link(&temp, &path).or_else(|error| match error.kind() {
            io::ErrorKind::AlreadyExists => Err(error),
            // A filesystem without hard links (some network and container mounts): the
            // file is written in place, as whole as one write and a flush make it.
            _ => {
                tracing::debug!(%error, "no hard link here; writing the revision file in place");
                write_new_in_place(&path, &text)
            }
        })
    });
    if let Err(error) = fs::remove_file(&temp) {
        tracing::debug!(path = %temp.display(), %error, "could not remove the temporary file");
    }
    match placed {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(RevisionError::AlreadyExists { path })
        }
        Err(e) => return Err(write_error(e)),
    }
    tracing::info!(path = %path.display(), revision = %written.revision, "wrote revision file");
    Ok(written)
}

/// Writes `text` to `path` (replacing what a killed run left there) and flushes it to disk,
/// so the name it is then linked under never points at less than the whole text.
fn write_synced(path: &Path, text: &str) -> io::Result<()> {
    let mut out = fs::File::create(path)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()
}

/// Creates `path`, which must not exist yet, with `text`.
fn write_new_in_place(path: &Path, text: &str) -> io::Result<()> {
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    out.write_all(text.as_bytes())?;
    out.sync_all()
}

/// The revision files in `versions`, sorted. Only a missing folder is an `io` error (an
/// empty history to the caller); an entry that looks meant as a revision but cannot be read
/// as one (a dangling link, `.SQL`, a name that is not UTF-8) is an error naming it, since
/// skipping it would silently drop part of the history.
fn sql_files(versions: &Path) -> io::Result<Result<Vec<PathBuf>, RevisionError>> {
    let mut paths = Vec::new();
    for entry in fs::read_dir(versions)? {
        let entry = entry?;
        let path = entry.path();
        let bad = |problem| {
            Ok(Err(RevisionError::BadEntry {
                path: path.clone(),
                problem,
            }))
        };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return bad("has a name that is not UTF-8: rename it `<revision>_<slug>.sql`");
        };
        if name.starts_with('.') {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".sql") && !name.ends_with(".sql") {
            return bad("does not end in `.sql` (lower case), so it would be skipped: rename it");
        }
        if !name.ends_with(".sql") {
            continue;
        }
        // metadata() follows symlinks, so a linked file counts and a folder does not.
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => paths.push(path),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return bad("is a symbolic link to nothing: restore what it points at or remove it")
            }
            Err(source) => {
                return Ok(Err(RevisionError::Io {
                    action: "read",
                    path,
                    source,
                }))
            }
        }
    }
    paths.sort();
    Ok(Ok(paths))
}

/// A file in `versions` whose name claims `revision`.
fn file_of_revision(
    versions: &Path,
    revision: &RevisionId,
) -> Result<Option<PathBuf>, RevisionError> {
    let paths = sql_files(versions).map_err(|source| RevisionError::Io {
        action: "list",
        path: versions.to_path_buf(),
        source,
    })??;
    let id = revision.as_str();
    Ok(paths.into_iter().find(|path| {
        path.file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|stem| {
                stem == id || stem.strip_prefix(id).is_some_and(|r| r.starts_with('_'))
            })
    }))
}
