//! Questions about the shape of a history: heads, bases, parents and children, ancestors
//! and descendants, the topological order `history` prints, and where a database stands
//! given the set of revisions it has applied. Lists come out in topological order (parents
//! first, ties by `created` then id), so output is the same on every machine.

use std::collections::BTreeSet;

use super::file::RevisionFile;
use super::id::RevisionId;
use super::set::RevisionSet;

impl RevisionSet {
    /// Revisions no other revision follows.
    pub fn heads(&self) -> Vec<RevisionId> {
        self.order
            .iter()
            .filter(|id| self.children(id).is_empty())
            .cloned()
            .collect()
    }

    /// Revisions that follow none.
    pub fn bases(&self) -> Vec<RevisionId> {
        self.order
            .iter()
            .filter(|id| self.parents(id).is_empty())
            .cloned()
            .collect()
    }

    /// Whether `id` is a revision no other follows (false for an unknown id).
    pub fn is_head(&self, id: &RevisionId) -> bool {
        self.contains(id) && self.children(id).is_empty()
    }

    /// The revisions `id` follows (its `down_revision`s); empty for an unknown id.
    pub fn parents(&self, id: &RevisionId) -> &[RevisionId] {
        self.files
            .get(id)
            .map_or(&[], |f| f.down_revisions.as_slice())
    }

    /// The revisions that follow `id`; empty for an unknown id.
    pub fn children(&self, id: &RevisionId) -> &[RevisionId] {
        self.children.get(id).map_or(&[], Vec::as_slice)
    }

    /// Every revision `id` builds on, not counting itself.
    pub fn ancestors(&self, id: &RevisionId) -> BTreeSet<RevisionId> {
        self.walk([id], |r| self.parents(r))
    }

    /// Every revision that builds on `id`, not counting itself.
    pub fn descendants(&self, id: &RevisionId) -> BTreeSet<RevisionId> {
        self.walk([id], |r| self.children(r))
    }

    /// The ids in topological order: parents before children, ties by `created`, then id.
    pub fn topological_order(&self) -> &[RevisionId] {
        &self.order
    }

    /// The files in topological order, oldest first (`migrate history` prints it reversed).
    pub fn history(&self) -> Vec<&RevisionFile> {
        self.iter().collect()
    }

    /// The applied revisions that no applied revision follows: where the database stands.
    /// Ids no file defines are left out; [`RevisionSet::unknown_applied`] lists them.
    pub fn current_heads(&self, applied: &BTreeSet<RevisionId>) -> Vec<RevisionId> {
        self.order
            .iter()
            .filter(|id| applied.contains(*id))
            .filter(|id| !self.children(id).iter().any(|c| applied.contains(c)))
            .cloned()
            .collect()
    }

    /// Applied revisions that no file defines.
    pub fn unknown_applied(&self, applied: &BTreeSet<RevisionId>) -> Vec<RevisionId> {
        applied
            .iter()
            .filter(|id| !self.contains(id))
            .cloned()
            .collect()
    }

    /// The heads a merge revision would join (its `down_revisions`), or an empty list when
    /// there is at most one head and nothing to merge.
    pub fn merge_parents(&self) -> Vec<RevisionId> {
        let heads = self.heads();
        if heads.len() > 1 {
            heads
        } else {
            Vec::new()
        }
    }

    /// The given revisions and all their ancestors.
    pub(super) fn ancestors_inclusive<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a RevisionId>,
    ) -> BTreeSet<RevisionId> {
        let ids: Vec<&RevisionId> = ids.into_iter().collect();
        let mut all = self.walk(ids.iter().copied(), |r| self.parents(r));
        all.extend(ids.into_iter().cloned());
        all
    }

    /// Everything reachable from `start` along `next`, not counting `start` itself (unless
    /// a cycle led back, which `RevisionSet::new` rules out).
    fn walk<'a, 's>(
        &'s self,
        start: impl IntoIterator<Item = &'a RevisionId>,
        next: impl Fn(&RevisionId) -> &'s [RevisionId],
    ) -> BTreeSet<RevisionId> {
        let mut seen: BTreeSet<RevisionId> = BTreeSet::new();
        let mut stack: Vec<&RevisionId> = Vec::new();
        for id in start {
            stack.extend(next(id));
        }
        while let Some(id) = stack.pop() {
            if seen.insert(id.clone()) {
                stack.extend(next(id));
            }
        }
        seen
    }
}
