//! Plans: which revisions `upgrade` applies and `downgrade` undoes, in order, given the set
//! of revisions the database has applied and a [`Target`]. Pure: the executor runs the plan.

use std::collections::BTreeSet;

use super::error::RevisionError;
use super::id::RevisionId;
use super::set::RevisionSet;
use super::target::{ResolvedTarget, Target};

impl RevisionSet {
    /// The revisions to apply to reach `target`: every ancestor of it (itself included) not
    /// yet applied, parents before children. `head` with several heads is an error
    /// ([`RevisionError::MultipleHeads`]); `heads` upgrades every branch. A target already
    /// reached gives an empty plan.
    pub fn upgrade_plan(
        &self,
        applied: &BTreeSet<RevisionId>,
        target: &Target,
    ) -> Result<Vec<RevisionId>, RevisionError> {
        self.check_applied(applied)?;
        let goal = match self.resolve_target(target, applied)? {
            ResolvedTarget::Base => return Ok(Vec::new()),
            ResolvedTarget::Revisions(ids) => self.ancestors_inclusive(&ids),
        };
        Ok(self.sorted(goal.iter().filter(|id| !applied.contains(*id))))
    }

    /// The revisions to undo to get back to `target`, children before parents. The target
    /// itself stays applied; revisions on other branches (not built on the target) are left
    /// alone. `base` undoes everything; `-1` steps down from where the database stands (from
    /// a merge, that undoes the merge alone). A target that is not applied is an error.
    pub fn downgrade_plan(
        &self,
        applied: &BTreeSet<RevisionId>,
        target: &Target,
    ) -> Result<Vec<RevisionId>, RevisionError> {
        self.check_applied(applied)?;
        let undo: BTreeSet<RevisionId> = match self.resolve_target(target, applied)? {
            ResolvedTarget::Base => applied.clone(),
            ResolvedTarget::Revisions(ids) => {
                if let Some(missing) = ids.iter().find(|id| !applied.contains(*id)) {
                    return Err(RevisionError::NotApplied {
                        revision: missing.clone(),
                    });
                }
                let keep = self.ancestors_inclusive(&ids);
                let above: BTreeSet<RevisionId> =
                    ids.iter().flat_map(|id| self.descendants(id)).collect();
                above
                    .into_iter()
                    .filter(|id| applied.contains(id) && !keep.contains(id))
                    .collect()
            }
        };
        let mut plan = self.sorted(&undo);
        plan.reverse();
        Ok(plan)
    }

    /// Refuses an applied set naming revisions no file defines: a plan cannot see past them.
    fn check_applied(&self, applied: &BTreeSet<RevisionId>) -> Result<(), RevisionError> {
        let unknown = self.unknown_applied(applied);
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(RevisionError::UnknownApplied {
                revisions: unknown,
                versions_dir: self.versions_dir.clone(),
            })
        }
    }
}
