//! What a user may name as the goal of `upgrade`, `downgrade` or `stamp`, as Alembic spells
//! it: a full revision id or a unique prefix, `head`, `heads`, `base`, or a relative step
//! (`+2` and `-1` from where the database stands, `head-1`, `<revision>+1`, `base+1`), and
//! how each resolves against a history and the set of applied revisions.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use super::error::RevisionError;
use super::id::RevisionId;
use super::set::RevisionSet;

/// A revision target as typed on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The single head; an error when the history has several.
    Head,
    /// Every head.
    Heads,
    /// Before the first revision: nothing applied.
    Base,
    /// A revision id or a prefix of one (lower-cased).
    Revision(String),
    /// A number of steps from an anchor: up (towards the heads) when positive.
    Relative {
        /// Where the walk starts.
        anchor: Anchor,
        /// How far it goes; negative walks down.
        steps: i64,
    },
}

/// Where a relative target starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Where the database stands (`+2`, `-1`).
    Current,
    /// The single head (`head-1`).
    Head,
    /// Before the first revision (`base+1`).
    Base,
    /// A revision id or prefix (`3fa1+1`).
    Revision(String),
}

/// A target resolved against a history: a position in the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolvedTarget {
    /// Before the first revision.
    Base,
    /// These revisions (and so all their ancestors) applied; several for `heads` or for a
    /// step down from a merge.
    Revisions(BTreeSet<RevisionId>),
}

impl FromStr for Target {
    type Err = RevisionError;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let text = given.trim().to_ascii_lowercase();
        let invalid = || RevisionError::InvalidTarget {
            given: given.to_owned(),
        };
        match text.as_str() {
            "head" => return Ok(Self::Head),
            "heads" => return Ok(Self::Heads),
            "base" => return Ok(Self::Base),
            _ => {}
        }
        let Some(pos) = text.rfind(['+', '-']) else {
            return if is_prefix(&text) {
                Ok(Self::Revision(text))
            } else {
                Err(invalid())
            };
        };
        let (anchor, count) = (&text[..pos], &text[pos + 1..]);
        if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let count: i64 = count.parse().map_err(|_| invalid())?;
        let steps = if text.as_bytes()[pos] == b'-' {
            -count
        } else {
            count
        };
        let anchor = match anchor {
            "" => Anchor::Current,
            "head" => Anchor::Head,
            "base" => Anchor::Base,
            a if is_prefix(a) && a != "heads" => Anchor::Revision(a.to_owned()),
            _ => return Err(invalid()),
        };
        Ok(Self::Relative { anchor, steps })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Head => f.write_str("head"),
            Self::Heads => f.write_str("heads"),
            Self::Base => f.write_str("base"),
            Self::Revision(prefix) => f.write_str(prefix),
            Self::Relative { anchor, steps } => {
                match anchor {
                    Anchor::Current => {}
                    Anchor::Head => f.write_str("head")?,
                    Anchor::Base => f.write_str("base")?,
                    Anchor::Revision(prefix) => f.write_str(prefix)?,
                }
                write!(f, "{steps:+}")
            }
        }
    }
}

/// Text that could start a revision id.
fn is_prefix(text: &str) -> bool {
    (1..=40).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'_')
}

impl RevisionSet {
    /// The revision a full id or a unique prefix names. An exact id wins over longer ids
    /// it is a prefix of.
    pub fn resolve(&self, given: &str) -> Result<RevisionId, RevisionError> {
        let text = given.trim().to_ascii_lowercase();
        if let Ok(id) = RevisionId::parse(&text) {
            if self.contains(&id) {
                return Ok(id);
            }
        }
        let candidates: Vec<RevisionId> = if text.is_empty() {
            Vec::new()
        } else {
            self.files
                .keys()
                .filter(|id| id.as_str().starts_with(&text))
                .cloned()
                .collect()
        };
        match candidates.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(RevisionError::UnknownRevision {
                given: given.trim().to_owned(),
                versions_dir: self.versions_dir.clone(),
            }),
            _ => Err(RevisionError::AmbiguousRevision {
                prefix: text,
                candidates,
            }),
        }
    }

    /// Where `target` points, given the revisions the database has applied (which only
    /// relative steps from the current position look at).
    pub fn resolve_target(
        &self,
        target: &Target,
        applied: &BTreeSet<RevisionId>,
    ) -> Result<ResolvedTarget, RevisionError> {
        match target {
            Target::Head => self.single_head(),
            Target::Heads => Ok(position(self.heads())),
            Target::Base => Ok(ResolvedTarget::Base),
            Target::Revision(prefix) => Ok(position([self.resolve(prefix)?])),
            Target::Relative { anchor, steps } => {
                let mut at = self.anchor(anchor, applied)?;
                let label = target.to_string();
                for _ in 0..steps.unsigned_abs() {
                    at = if *steps > 0 {
                        self.step_up(at, &label)?
                    } else {
                        self.step_down(at, &label)?
                    };
                }
                Ok(at)
            }
        }
    }

    fn single_head(&self) -> Result<ResolvedTarget, RevisionError> {
        let heads = self.heads();
        if heads.len() > 1 {
            return Err(RevisionError::MultipleHeads { heads });
        }
        Ok(position(heads))
    }

    fn anchor(
        &self,
        anchor: &Anchor,
        applied: &BTreeSet<RevisionId>,
    ) -> Result<ResolvedTarget, RevisionError> {
        match anchor {
            Anchor::Current => {
                let heads = self.current_heads(applied);
                if heads.len() > 1 {
                    return Err(RevisionError::MultipleCurrentHeads { heads });
                }
                Ok(position(heads))
            }
            Anchor::Head => self.single_head(),
            Anchor::Base => Ok(ResolvedTarget::Base),
            Anchor::Revision(prefix) => Ok(position([self.resolve(prefix)?])),
        }
    }

    /// One step towards the heads; refuses to choose between branches.
    fn step_up(&self, at: ResolvedTarget, label: &str) -> Result<ResolvedTarget, RevisionError> {
        let (from, next) = match &at {
            ResolvedTarget::Base => ("base".to_owned(), self.bases()),
            ResolvedTarget::Revisions(ids) => {
                let children = ids.iter().flat_map(|id| self.children(id));
                let from: Vec<&str> = ids.iter().map(RevisionId::as_str).collect();
                (
                    from.join(", "),
                    self.sorted(children.collect::<BTreeSet<_>>()),
                )
            }
        };
        match next.len() {
            0 => Err(RevisionError::RelativeOutOfRange {
                target: label.to_owned(),
                upward: true,
            }),
            1 => Ok(position(next)),
            _ => Err(RevisionError::AmbiguousStep {
                target: label.to_owned(),
                from,
                choices: next,
            }),
        }
    }

    /// One step towards the base; a step down from a merge lands on all its parents.
    fn step_down(&self, at: ResolvedTarget, label: &str) -> Result<ResolvedTarget, RevisionError> {
        match at {
            ResolvedTarget::Base => Err(RevisionError::RelativeOutOfRange {
                target: label.to_owned(),
                upward: false,
            }),
            ResolvedTarget::Revisions(ids) => {
                let parents: Vec<RevisionId> = ids
                    .iter()
                    .flat_map(|id| self.parents(id))
                    .cloned()
                    .collect();
                Ok(position(parents))
            }
        }
    }
}

/// `Base` for no revisions, else those revisions.
fn position(ids: impl IntoIterator<Item = RevisionId>) -> ResolvedTarget {
    let ids: BTreeSet<RevisionId> = ids.into_iter().collect();
    if ids.is_empty() {
        ResolvedTarget::Base
    } else {
        ResolvedTarget::Revisions(ids)
    }
}
