//! [`RevisionSet`]: the parsed files of one history, checked to fit together (one file per
//! revision, every `down_revision` defined, no cycle, one dialect) and indexed for the graph
//! queries in `graph.rs`, `target.rs` and `plan.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::dialect::Dialect;

use super::error::RevisionError;
use super::file::RevisionFile;
use super::id::RevisionId;

/// The revisions of one history, validated as a graph.
#[derive(Clone, Debug)]
pub struct RevisionSet {
    pub(super) versions_dir: PathBuf,
    pub(super) files: BTreeMap<RevisionId, RevisionFile>,
    /// Each revision's children, in topological order.
    pub(super) children: BTreeMap<RevisionId, Vec<RevisionId>>,
    /// Parents before children; ties broken by `created`, then id.
    pub(super) order: Vec<RevisionId>,
    /// Each revision's index in `order`.
    pub(super) rank: BTreeMap<RevisionId, usize>,
}

impl RevisionSet {
    /// A history with no revisions.
    pub fn empty(versions_dir: impl Into<PathBuf>) -> Self {
        Self {
            versions_dir: versions_dir.into(),
            files: BTreeMap::new(),
            children: BTreeMap::new(),
            order: Vec::new(),
            rank: BTreeMap::new(),
        }
    }

    /// Checks that `files` form one history and indexes them. `versions_dir` is named in
    /// errors. Files are checked in the order given (the loader sorts them by name), so the
    /// errors are deterministic.
    pub fn new(
        files: Vec<RevisionFile>,
        versions_dir: impl Into<PathBuf>,
    ) -> Result<Self, RevisionError> {
        let versions_dir = versions_dir.into();
        check_dialects(&files)?;
        let files = index_unique(files)?;
        check_parents(&files, &versions_dir)?;
        let mut children = children_of(&files);
        let order = topological_order(&files, &mut children)?;
        let rank = order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        Ok(Self {
            versions_dir,
            files,
            children,
            order,
            rank,
        })
    }

    /// The directory the files came from.
    pub fn versions_dir(&self) -> &Path {
        &self.versions_dir
    }

    /// The file of a revision.
    pub fn get(&self, id: &RevisionId) -> Option<&RevisionFile> {
        self.files.get(id)
    }

    /// Whether a file defines this revision.
    pub fn contains(&self, id: &RevisionId) -> bool {
        self.files.contains_key(id)
    }

    /// The number of revisions.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the history has no revisions.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The database the history is written for; `None` for an empty history.
    pub fn dialect(&self) -> Option<Dialect> {
        self.files.values().next().map(|f| f.dialect)
    }

    /// The files in topological order: parents before children.
    pub fn iter(&self) -> impl Iterator<Item = &RevisionFile> + '_ {
        self.order.iter().filter_map(|id| self.files.get(id))
    }

    /// `ids` sorted in topological order (unknown ids last, by id).
    pub(super) fn sorted<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a RevisionId>,
    ) -> Vec<RevisionId> {
        let mut ids: Vec<RevisionId> = ids.into_iter().cloned().collect();
        ids.sort_by(|a, b| {
            let ra = self.rank.get(a).copied().unwrap_or(usize::MAX);
            let rb = self.rank.get(b).copied().unwrap_or(usize::MAX);
            ra.cmp(&rb).then_with(|| a.cmp(b))
        });
        ids
    }
}

fn check_dialects(files: &[RevisionFile]) -> Result<(), RevisionError> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    match files.iter().find(|f| f.dialect != first.dialect) {
        Some(other) => Err(RevisionError::MixedDialects {
            first: first.path.clone(),
            first_dialect: first.dialect,
            second: other.path.clone(),
            second_dialect: other.dialect,
        }),
        None => Ok(()),
    }
}

fn index_unique(
    files: Vec<RevisionFile>,
) -> Result<BTreeMap<RevisionId, RevisionFile>, RevisionError> {
    let mut index: BTreeMap<RevisionId, RevisionFile> = BTreeMap::new();
    for file in files {
        if let Some(first) = index.get(&file.revision) {
            return Err(RevisionError::DuplicateRevision {
                revision: file.revision.clone(),
                first: first.path.clone(),
                second: file.path,
            });
        }
        index.insert(file.revision.clone(), file);
    }
    Ok(index)
}

fn check_parents(
    files: &BTreeMap<RevisionId, RevisionFile>,
    versions_dir: &Path,
) -> Result<(), RevisionError> {
    let mut by_path: Vec<&RevisionFile> = files.values().collect();
    by_path.sort_by(|a, b| a.path.cmp(&b.path));
    for file in by_path {
        if let Some(missing) = file.down_revisions.iter().find(|p| !files.contains_key(p)) {
            return Err(RevisionError::UnknownDownRevision {
                revision: file.revision.clone(),
                path: file.path.clone(),
                line: file.lines.down_revision.unwrap_or(file.lines.revision),
                down_revision: missing.clone(),
                versions_dir: versions_dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

fn children_of(
    files: &BTreeMap<RevisionId, RevisionFile>,
) -> BTreeMap<RevisionId, Vec<RevisionId>> {
    let mut children: BTreeMap<RevisionId, Vec<RevisionId>> =
        files.keys().map(|id| (id.clone(), Vec::new())).collect();
    for file in files.values() {
        for parent in &file.down_revisions {
            if let Some(list) = children.get_mut(parent) {
                list.push(file.revision.clone());
            }
        }
    }
    children
}

/// Kahn's algorithm with the ready revisions kept sorted by (created, id), so the order is
/// the same on every machine. Revisions left over sit on or behind a cycle.
fn topological_order(
    files: &BTreeMap<RevisionId, RevisionFile>,
    children: &mut BTreeMap<RevisionId, Vec<RevisionId>>,
) -> Result<Vec<RevisionId>, RevisionError> {
    let key = |id: &RevisionId| -> (DateTime<Utc>, RevisionId) {
        let created = files.get(id).map_or(DateTime::UNIX_EPOCH, |f| f.created);
        (created, id.clone())
    };
    let mut waiting: BTreeMap<&RevisionId, usize> = files
        .values()
        .map(|f| (&f.revision, f.down_revisions.len()))
        .collect();
    let mut ready: BTreeSet<(DateTime<Utc>, RevisionId)> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| key(id))
        .collect();
    let mut order = Vec::with_capacity(files.len());
    while let Some((_, id)) = ready.pop_first() {
        for child in children.get(&id).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(key(child));
                }
            }
        }
        order.push(id);
    }
    if order.len() < files.len() {
        let done: BTreeSet<&RevisionId> = order.iter().collect();
        let left: BTreeSet<&RevisionId> = files.keys().filter(|id| !done.contains(id)).collect();
        return Err(RevisionError::Cycle {
            revisions: find_cycle(files, &left),
        });
    }
    let rank: BTreeMap<&RevisionId, usize> =
        order.iter().enumerate().map(|(i, id)| (id, i)).collect();
    for list in children.values_mut() {
        list.sort_by_key(|id| rank.get(id).copied());
    }
    Ok(order)
}

/// A cycle among `left` (revisions Kahn's algorithm could not order), each naming the next
/// as a down_revision, starting at its smallest id. Every such revision has a parent in
/// `left`, so walking parents from any of them must come back round.
fn find_cycle(
    files: &BTreeMap<RevisionId, RevisionFile>,
    left: &BTreeSet<&RevisionId>,
) -> Vec<RevisionId> {
    let mut path: Vec<RevisionId> = Vec::new();
    let mut current = left.first().map(|id| (*id).clone());
    while let Some(id) = current {
        if let Some(pos) = path.iter().position(|p| *p == id) {
            let mut cycle = path.split_off(pos);
            let smallest = cycle
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.cmp(b.1))
                .map_or(0, |(i, _)| i);
            cycle.rotate_left(smallest);
            return cycle;
        }
        current = files
            .get(&id)
            .and_then(|f| f.down_revisions.iter().find(|p| left.contains(p)).cloned());
        path.push(id);
    }
    path
}
