//! What the apply tests share: a migrations folder in a temp dir that tests write revision
//! files into, and small helpers to connect and ask the database questions.

#![allow(dead_code)]

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use migrator::apply::{ApplyOptions, Session};
use migrator::db::{Database, Wait};
use migrator::revision::{self, RevisionId, RevisionSet};
use sqlx::{Connection, PgConnection};
use workspace_tests::TestDb;

/// A migrations folder holding hand-written revision files.
pub struct History {
    dir: tempfile::TempDir,
    written: Cell<u32>,
}

impl History {
    /// An empty folder.
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            written: Cell::new(0),
        }
    }

    /// The migrations folder (files go into its `versions/`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a transactional revision; each file is created a minute after the last.
    pub fn add(&self, revision: &str, parents: &[&str], up: &str, down: &str) -> PathBuf {
        self.add_with(revision, parents, up, down, true)
    }

    /// Writes a revision with the given `transactional` header.
    pub fn add_with(
        &self,
        revision: &str,
        parents: &[&str],
        up: &str,
        down: &str,
        transactional: bool,
    ) -> PathBuf {
        let n = self.written.get();
        self.written.set(n + 1);
        let parents = if parents.is_empty() {
            "none".to_owned()
        } else {
            parents.join(", ")
        };
        let text = format!(
            "-- revision: {revision}\n-- down_revision: {parents}\n-- message: step {revision}\n\
             -- created: 2026-01-01T10:{n:02}:00Z\n-- dialect: postgresql\n\
             -- transactional: {transactional}\n\n-- +up\n{up}\n\n-- +down\n{down}\n"
        );
        self.write(&format!("{revision}_step_{revision}.sql"), &text)
    }

    /// Writes a file as given.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let versions = revision::versions_dir(self.dir());
        std::fs::create_dir_all(&versions).unwrap();
        let path = versions.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Reads the files back.
    pub fn load(&self) -> RevisionSet {
        revision::load(self.dir()).unwrap()
    }
}

/// A migrator connection to the test database.
pub async fn connect(db: &TestDb) -> Database {
    Database::connect(db.url(), &Wait::default()).await.unwrap()
}

/// Short waits, so a test about the lock does not take a minute.
pub fn options() -> ApplyOptions {
    ApplyOptions {
        lock_timeout: Duration::from_millis(500),
        ..ApplyOptions::default()
    }
}

/// Opens a session, upgrades to every head, and closes it.
pub async fn upgrade_heads(db: &TestDb, set: &RevisionSet) -> Vec<RevisionId> {
    let mut database = connect(db).await;
    let mut session = Session::begin(&mut database, options()).await.unwrap();
    let report = session
        .upgrade(set, &revision::Target::Heads)
        .await
        .unwrap();
    session.finish().await.unwrap();
    report.revisions()
}

/// A plain connection for asking questions.
pub async fn plain(db: &TestDb) -> PgConnection {
    db.connect().await.unwrap()
}

/// Whether a table exists.
pub async fn table_exists(db: &TestDb, name: &str) -> bool {
    let mut conn = plain(db).await;
    sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// The version table's rows, sorted.
pub async fn heads(db: &TestDb) -> Vec<String> {
    let mut conn = plain(db).await;
    sqlx::query_scalar("SELECT revision::text FROM dgs_schema_version ORDER BY 1")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// The log as `revision direction` lines, oldest first.
pub async fn log(db: &TestDb) -> Vec<String> {
    let mut conn = plain(db).await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT revision::text, direction::text FROM dgs_schema_version_log ORDER BY id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.ok();
    rows.into_iter().map(|(r, d)| format!("{r} {d}")).collect()
}

/// `RevisionId`s from text.
pub fn ids(list: &[&str]) -> Vec<RevisionId> {
    list.iter().map(|s| RevisionId::parse(s).unwrap()).collect()
}
