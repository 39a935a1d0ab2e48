//! The migrations directory: loading, whole-history checks, and writing new files.

use std::fs;
use std::path::Path;

use super::{id, ids, rev};
use crate::dialect::Dialect;
use crate::revision::{load, write_new, NewRevision, RevisionError, RevisionFile, RevisionSet};

/// Writes `file` into `<dir>/versions` under its own name, as a user committing it would.
fn put(dir: &Path, file: &RevisionFile) {
    let versions = dir.join("versions");
    fs::create_dir_all(&versions).unwrap();
    fs::write(versions.join(file.file_name()), file.render()).unwrap();
}

#[test]
fn revision_load_missing_folder_is_an_empty_history() {
    let tmp = tempfile::tempdir().unwrap();
    let set = load(&tmp.path().join("migrations")).unwrap();
    assert!(set.is_empty());
    assert_eq!(set.dialect(), None);
    assert!(set.heads().is_empty());
}

#[test]
fn revision_load_reads_sql_files_and_ignores_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), &rev("bbbb0002", &["aaaa0001"], 2));
    put(tmp.path(), &rev("aaaa0001", &[], 1));
    let versions = tmp.path().join("versions");
    fs::write(versions.join("README.md"), "not a migration").unwrap();
    fs::write(versions.join(".cccc0003_swap.sql"), "garbage").unwrap();
    fs::create_dir(versions.join("dddd0004_folder.sql")).unwrap();
    let set = load(tmp.path()).unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(set.topological_order(), ids(&["aaaa0001", "bbbb0002"]));
    assert_eq!(set.dialect(), Some(Dialect::Postgresql));
    let file = set.get(&id("bbbb0002")).unwrap();
    assert_eq!(file.path, versions.join("bbbb0002_step_bbbb0002.sql"));
    assert_eq!(
        file,
        &RevisionFile::parse(&file.render(), &file.path).unwrap()
    );
}

#[test]
fn revision_load_reports_a_malformed_file_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    let versions = tmp.path().join("versions");
    fs::create_dir_all(&versions).unwrap();
    let path = versions.join("aaaa0001_bad.sql");
    fs::write(
        &path,
        "-- revision: aaaa0001\n-- message: m\n-- dialect: db2\n-- +up\n",
    )
    .unwrap();
    let err = load(tmp.path()).unwrap_err();
    assert!(matches!(err, RevisionError::File(_)));
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}, line 3: ", path.display())),
        "{message}"
    );
}

#[test]
fn revision_load_rejects_a_duplicate_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let file = rev("aaaa0001", &[], 1);
    put(tmp.path(), &file);
    let versions = tmp.path().join("versions");
    fs::write(versions.join("aaaa0001_copy.sql"), file.render()).unwrap();
    let err = load(tmp.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "revision aaaa0001 is defined twice, in {} and in {}; give one of them a new id",
            versions.join("aaaa0001_copy.sql").display(),
            versions.join("aaaa0001_step_aaaa0001.sql").display()
        )
    );
}

#[test]
fn revision_load_rejects_an_unknown_down_revision() {
    let files = vec![rev("3fa1c2d4e5b6", &["9bc0a1d2e3f4"], 1)];
    let err = RevisionSet::new(
        files
            .into_iter()
            .map(|f| RevisionFile {
                path: "migrations/versions/3fa1_x.sql".into(),
                ..f
            })
            .collect(),
        "migrations/versions",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "revision 3fa1c2d4e5b6 (migrations/versions/3fa1_x.sql, line 2) names down_revision \
         9bc0a1d2e3f4, which no file in migrations/versions defines"
    );
}

#[test]
fn revision_load_rejects_a_cycle_naming_its_revisions() {
    let files = vec![
        rev("aaaa0001", &[], 1),
        rev("bbbb0002", &["aaaa0001", "dddd0004"], 2),
        rev("cccc0003", &["bbbb0002"], 3),
        rev("dddd0004", &["cccc0003"], 4),
        rev("eeee0005", &["dddd0004"], 5),
    ];
    let err = RevisionSet::new(files, "v").unwrap_err();
    match &err {
        RevisionError::Cycle { revisions } => {
            assert_eq!(revisions, &ids(&["bbbb0002", "dddd0004", "cccc0003"]))
        }
        other => panic!("expected a cycle, got {other}"),
    }
    assert!(err
        .to_string()
        .contains("(bbbb0002 -> dddd0004 -> cccc0003 -> bbbb0002)"));
    let own_parent = RevisionSet::new(vec![rev("ffff0006", &["ffff0006"], 1)], "v").unwrap_err();
    assert!(
        own_parent
            .to_string()
            .starts_with("revisions ffff0006 form a cycle"),
        "{own_parent}"
    );
}

#[test]
fn revision_load_rejects_mixed_dialects() {
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), &rev("aaaa0001", &[], 1));
    let sqlite = RevisionFile::new(NewRevision {
        revision: id("bbbb0002"),
        ..NewRevision::new("on sqlite", Dialect::Sqlite, ids(&["aaaa0001"]))
    });
    put(tmp.path(), &sqlite);
    let err = load(tmp.path()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, RevisionError::MixedDialects { .. }));
    assert!(
        message.contains("aaaa0001_step_aaaa0001.sql is written for postgresql"),
        "{message}"
    );
    assert!(
        message.contains("bbbb0002_on_sqlite.sql for sqlite"),
        "{message}"
    );
}

#[test]
fn revision_write_new_creates_the_folder_and_reads_back_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    let base = write_new(&dir, rev("aaaa0001", &[], 1)).unwrap();
    let mut draft = NewRevision::new(
        "Add note to orders",
        Dialect::Postgresql,
        vec![base.revision.clone()],
    );
    draft.up = "ALTER TABLE orders ADD note text;".into();
    let written = write_new(&dir, RevisionFile::new(draft)).unwrap();
    assert!(written.path.starts_with(dir.join("versions")));
    assert!(written
        .path
        .to_string_lossy()
        .ends_with("_add_note_to_orders.sql"));
    let set = load(&dir).unwrap();
    assert_eq!(set.get(&written.revision), Some(&written));
    assert_eq!(set.heads(), std::slice::from_ref(&written.revision));
}

#[test]
fn revision_write_new_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let file = rev("aaaa0001", &[], 1);
    let first = write_new(tmp.path(), file.clone()).unwrap();
    let before = fs::read_to_string(&first.path).unwrap();
    let err = write_new(tmp.path(), file.clone()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} already exists; refusing to overwrite it",
            first.path.display()
        )
    );
    // The same id under another message is refused too: ids are unique, not names.
    let renamed = RevisionFile {
        message: "other words".into(),
        ..file
    };
    assert!(matches!(
        write_new(tmp.path(), renamed),
        Err(RevisionError::AlreadyExists { .. })
    ));
    assert_eq!(fs::read_to_string(&first.path).unwrap(), before);
}

/// A write is all or nothing: what a killed write leaves (its hidden temporary file, cut
/// short) is skipped by `load` and replaced by the next write, which leaves only the
/// finished file behind.
#[test]
fn revision_write_new_leaves_only_whole_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = rev("aaaa0001", &[], 1);
    let versions = tmp.path().join("versions");
    fs::create_dir_all(&versions).unwrap();
    let leftover = versions.join(format!(".{}.{}.tmp", file.file_name(), std::process::id()));
    fs::write(&leftover, "-- revision: aaaa0001\n-- down_rev").unwrap();
    assert!(load(tmp.path()).unwrap().is_empty());
    let written = write_new(tmp.path(), file).unwrap();
    let names: Vec<String> = fs::read_dir(&versions)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["aaaa0001_step_aaaa0001.sql"]);
    assert_eq!(
        load(tmp.path()).unwrap().get(&written.revision),
        Some(&written)
    );
}

/// Puts one odd entry into a `versions` folder.
type MakeEntry = Box<dyn Fn(&Path)>;

/// Entries that look meant as revision files but cannot be read as one are errors naming
/// them: skipping them would drop part of the history without a word.
#[test]
fn revision_load_names_entries_it_cannot_take() {
    let cases: Vec<(&str, MakeEntry)> = vec![
        (
            "symbolic link to nothing",
            Box::new(|versions: &Path| {
                #[cfg(unix)]
                std::os::unix::fs::symlink(
                    versions.join("gone.sql"),
                    versions.join("bbbb0002_link.sql"),
                )
                .unwrap();
            }),
        ),
        (
            "does not end in `.sql`",
            Box::new(|versions: &Path| {
                fs::write(versions.join("bbbb0002_upper.SQL"), "-- +up").unwrap()
            }),
        ),
        (
            "not UTF-8",
            Box::new(|versions: &Path| {
                #[cfg(unix)]
                {
                    use std::os::unix::ffi::OsStrExt;
                    let name = std::ffi::OsStr::from_bytes(b"bbbb0002_caf\xe9.sql");
                    fs::write(versions.join(name), "-- +up").unwrap();
                }
            }),
        ),
    ];
    for (problem, make) in cases {
        let tmp = tempfile::tempdir().unwrap();
        put(tmp.path(), &rev("aaaa0001", &[], 1));
        make(&tmp.path().join("versions"));
        let error = load(tmp.path()).unwrap_err();
        assert!(
            matches!(error, RevisionError::BadEntry { .. }),
            "{problem}: {error}"
        );
        assert!(error.to_string().contains(problem), "{error}");
        assert!(error.to_string().contains("bbbb0002_"), "{error}");
    }
}
