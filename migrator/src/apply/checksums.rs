//! Catching applied files that were edited: each applied revision's file is hashed and
//! compared with the checksum the log recorded when it was last applied, stamped or
//! accepted. A revision with no such record (applied by an older tool, or stamped before
//! the log existed) has no baseline and is not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use crate::db::RecordedChecksum;
use crate::revision::{Checksum, RevisionId, RevisionSet};

/// An applied file whose text changed since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedChecksum {
    /// The revision.
    pub revision: RevisionId,
    /// Its file.
    pub path: PathBuf,
    /// The message of the revision.
    pub message: String,
    /// The checksum the log recorded.
    pub recorded: Checksum,
    /// When it was recorded (UTC, RFC 3339).
    pub recorded_at: String,
    /// The checksum of the file now.
    pub current: Checksum,
}

/// The applied revisions whose file no longer has its recorded checksum, in topological
/// order.
pub fn changed_checksums(
    set: &RevisionSet,
    applied: &BTreeSet<RevisionId>,
    recorded: &[RecordedChecksum],
) -> Vec<ChangedChecksum> {
    let baselines: BTreeMap<&RevisionId, &RecordedChecksum> = recorded
        .iter()
        .filter(|r| r.action.sets_baseline())
        .map(|r| (&r.revision, r))
        .collect();
    set.iter()
        .filter(|file| applied.contains(&file.revision))
        .filter_map(|file| {
            let baseline = baselines.get(&file.revision)?;
            let recorded = baseline.checksum?;
            (recorded != file.checksum).then(|| ChangedChecksum {
                revision: file.revision.clone(),
                path: file.path.clone(),
                message: file.message.clone(),
                recorded,
                recorded_at: baseline.recorded_at.clone(),
                current: file.checksum,
            })
        })
        .collect()
}
