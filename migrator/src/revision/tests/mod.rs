//! Tests of the revision system: file format, statement splitting, the directory, and the
//! graph with its targets and plans.

mod dir;
mod file;
mod graph;
mod props;
mod split;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::{NewRevision, RevisionFile, RevisionId, RevisionSet};
use crate::dialect::Dialect;

fn id(text: &str) -> RevisionId {
    RevisionId::parse(text).unwrap()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

/// A revision created `seconds` after a fixed instant, with a one-line up and down.
fn rev(revision: &str, parents: &[&str], seconds: i64) -> RevisionFile {
    RevisionFile::new(NewRevision {
        revision: id(revision),
        down_revisions: parents.iter().map(|p| id(p)).collect(),
        message: format!("step {revision}"),
        created: at(seconds),
        dialect: Dialect::Postgresql,
        transactional: true,
        up: format!("CREATE TABLE t_{revision} (id int);"),
        down: format!("DROP TABLE t_{revision};"),
    })
}

fn set(files: Vec<RevisionFile>) -> RevisionSet {
    RevisionSet::new(files, "migrations/versions").unwrap()
}

fn ids(list: &[&str]) -> Vec<RevisionId> {
    list.iter().map(|s| id(s)).collect()
}

fn applied(list: &[&str]) -> BTreeSet<RevisionId> {
    list.iter().map(|s| id(s)).collect()
}
