//! Every revision is whole or not at all, however the migrator is stopped: the real
//! `migrate` binary is SIGKILLed at random moments while it upgrades a fresh PostgreSQL
//! database through a six-revision history (plain revisions that fill tables, two that add
//! enum values and use them and so run in parts, one `transactional: false`), and while the
//! smart migrator writes and applies a project's first revision. After each kill the
//! database must be at a revision boundary (its schema and data equal the reference taken
//! at the revision the version table names; inside a revision that runs in parts, its
//! committed parts and nothing more, each with its `up_part` row; inside the
//! non-transactional one, a statement boundary), every revision file must be whole, and a
//! rerun must finish at head with each revision logged once.
//!
//! `DGS_KILL_RUNS` (default 30) and `DGS_KILL_SMART_RUNS` (default 10) set the number of
//! kills; `DGS_KILL_SEED` repeats a run's kill moments (each test prints its seed). The
//! test prints where the kills landed.

mod cli_kit;
mod kill_kit;
mod smart_kit;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use kill_kit::{
    bookkeeping, count, fingerprint, history, kill_after, reset, seed, settle, Bookkeeping,
    Fingerprint, Kind, Revision, Rng,
};
use migrator::revision::{self, RevisionFile};

/// A project holding the kill history, on a fresh database.
async fn project(history: &[Revision]) -> cli_kit::Project {
    let project = cli_kit::Project::empty().await;
    for revision in history {
        project.write(&revision.file, &revision.text);
    }
    project
}

/// The database at each revision, and how long a whole run takes.
struct Reference {
    /// `at[0]` is the empty database, `at[n]` the database after `n` revisions.
    at: Vec<Fingerprint>,
    /// A `migrate upgrade head` on a fresh database, start to exit.
    duration: Duration,
}

impl Reference {
    /// Upgrades one database revision by revision, taking the fingerprint at each, and
    /// times a whole run on another.
    async fn take(history: &[Revision]) -> Self {
        let project = project(history).await;
        let mut at = vec![fingerprint(project.db()).await];
        for revision in history {
            let run = project.run(&["upgrade", revision.id]);
            assert_eq!(run.code, 0, "{}", run.transcript());
            at.push(fingerprint(project.db()).await);
        }
        // The shorter of two whole runs, so that few kills come after the end.
        let mut duration = Duration::MAX;
        for _ in 0..2 {
            let whole = self::project(history).await;
            let started = Instant::now();
            let run = whole.run(&["upgrade", "head"]);
            duration = duration.min(started.elapsed());
            assert_eq!(run.code, 0, "{}", run.transcript());
            let head = at.last().unwrap();
            assert_eq!(
                &fingerprint(whole.db()).await,
                head,
                "one run and six agree"
            );
            assert_at_head(history, &bookkeeping(whole.db()).await);
        }
        Self { at, duration }
    }
}

/// Where a kill left the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Landing {
    /// No revision applied (killed before or inside the first).
    AtBase,
    /// Between two revisions, or inside a transactional one (rolled back).
    MidHistory,
    /// Inside a revision that runs in parts, with some of them committed.
    InsideParts,
    /// Inside the `transactional: false` revision, with some statements in effect.
    InsideNonTransactional,
    /// At head, killed before the process exited.
    AtHead,
    /// The run ended by itself before the kill.
    Finished,
}

impl fmt::Display for Landing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AtBase => "at base (nothing committed yet)",
            Self::MidHistory => "mid-history at a revision boundary",
            Self::InsideParts => "inside a revision run in parts (parts committed)",
            Self::InsideNonTransactional => "inside the non-transactional revision",
            Self::AtHead => "at head, before the process exited",
            Self::Finished => "after the run had finished",
        })
    }
}

/// The log of a database whose version table names `applied` revisions of `history`:
/// one `up` row for each of them and none for the rest; `up_part` rows only for revisions
/// run in parts, as many as they have parts but the last for the applied ones.
fn assert_log(history: &[Revision], applied: usize, book: &Bookkeeping) {
    for (index, revision) in history.iter().enumerate() {
        let ups = book.count(revision.id, "up");
        assert_eq!(
            ups,
            usize::from(index < applied),
            "{}: {book:?}",
            revision.id
        );
        let parts = book.count(revision.id, "up_part");
        match revision.kind {
            Kind::Parted { labels } if index < applied => {
                assert_eq!(parts, labels.len(), "{}: {book:?}", revision.id)
            }
            Kind::Parted { labels } if index == applied => {
                assert!(parts <= labels.len(), "{}: {book:?}", revision.id)
            }
            _ => assert_eq!(parts, 0, "{}: {book:?}", revision.id),
        }
    }
    assert!(
        book.log.iter().all(|(_, d)| d == "up" || d == "up_part"),
        "{book:?}"
    );
}

fn assert_at_head(history: &[Revision], book: &Bookkeeping) {
    assert_eq!(book.head(), history.last().map(|r| r.id), "{book:?}");
    assert_log(history, history.len(), book);
}

/// Asserts that the database is at a revision boundary and says where.
fn landing(
    history: &[Revision],
    reference: &Reference,
    book: &Bookkeeping,
    found: &Fingerprint,
    finished: bool,
) -> Landing {
    let applied = match book.heads.as_deref() {
        None | Some([]) => 0,
        Some([head]) => {
            1 + history
                .iter()
                .position(|r| r.id == head)
                .unwrap_or_else(|| panic!("the version table names {head}, no revision"))
        }
        Some(heads) => panic!("the version table names several revisions: {heads:?}"),
    };
    assert_log(history, applied, book);
    let at = &reference.at[applied];
    let Some(next) = history.get(applied) else {
        assert_eq!(found, at, "at head");
        return if finished {
            Landing::Finished
        } else {
            Landing::AtHead
        };
    };
    assert!(!finished, "the run ended by itself before head: {book:?}");
    let context = || {
        format!(
            "the database is at {} of {}, next {}:\nfound\n{found:?}\nexpected\n{at:?}",
            applied,
            history.len(),
            next.id
        )
    };
    let between = match next.kind {
        Kind::Plain => None,
        Kind::Parted { labels } => {
            let parts = book.count(next.id, "up_part");
            (parts > 0).then(|| {
                assert_eq!(found.without_enums(), at.without_enums(), "{}", context());
                assert_eq!(found.mood(), Some(labels[parts - 1]), "{}", context());
                Landing::InsideParts
            })
        }
        Kind::NonTransactional => (found != at).then(|| {
            let after = &reference.at[applied + 1];
            assert!(found.is_between(at, after), "{}", context());
            Landing::InsideNonTransactional
        }),
    };
    if let Some(between) = between {
        return between;
    }
    assert_eq!(found, at, "{}", context());
    if applied == 0 {
        Landing::AtBase
    } else {
        Landing::MidHistory
    }
}

/// How many kills landed where, and at which revision.
#[derive(Default)]
struct Tally {
    landings: BTreeMap<Landing, usize>,
    at_revision: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, landing: Landing, book: &Bookkeeping) {
        *self.landings.entry(landing).or_default() += 1;
        let at = book.head().unwrap_or("base").to_owned();
        *self.at_revision.entry(at).or_default() += 1;
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (landing, n) in &self.landings {
            writeln!(f, "  {n:>3} {landing}")?;
        }
        let revisions: Vec<String> = self
            .at_revision
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect();
        write!(f, "  the version table said: {}", revisions.join(", "))
    }
}

#[tokio::test]
async fn a_killed_upgrade_leaves_a_revision_boundary_and_the_rerun_finishes() {
    let history = history();
    let reference = Reference::take(&history).await;
    let kills = count("DGS_KILL_RUNS", 30);
    let seed = seed("DGS_KILL_SEED");
    println!(
        "upgrade kills: {kills}, seed {seed} (DGS_KILL_SEED={seed} repeats the moments), a whole \
         run takes {:?}",
        reference.duration
    );
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    let started = Instant::now();
    let project = project(&history).await;
    let mut duration = reference.duration;
    for kill in 0..kills {
        let delay = rng.up_to(duration);
        reset(project.db()).await;
        assert_eq!(&fingerprint(project.db()).await, &reference.at[0]);
        let finished = kill_after(project.command(&["upgrade", "head"]), delay).await;
        settle(project.db()).await;
        let book = bookkeeping(project.db()).await;
        let found = fingerprint(project.db()).await;
        let landing = landing(&history, &reference, &book, &found, finished);
        println!(
            "kill {kill} after {delay:?}: {landing}, at {:?}",
            book.heads
        );
        tally.add(landing, &book);
        if landing == Landing::Finished {
            // A run that ended before `delay` bounds how long a whole run takes now (the
            // reference was timed while the machine may have been busier), so that later
            // kills land inside the run rather than after it.
            duration = duration.min(delay);
        }

        let rerun = project.run(&["upgrade", "head"]);
        assert_eq!(
            rerun.code,
            0,
            "kill {kill} after {delay:?} ({landing}), then:\n{}",
            rerun.transcript()
        );
        assert_eq!(
            &fingerprint(project.db()).await,
            reference.at.last().unwrap(),
            "kill {kill} after {delay:?} ({landing}), rerun"
        );
        assert_at_head(&history, &bookkeeping(project.db()).await);
    }
    println!(
        "upgrade kills: {kills} in {:?} (a whole run took at most {duration:?}), every one at \
         a revision boundary and every rerun at head:\n{tally}",
        started.elapsed()
    );
}

/// Where a kill left the smart migrator's first sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SyncLanding {
    /// No file, nothing applied.
    BeforeTheFile,
    /// The file is written, not yet applied.
    FileNotApplied,
    /// The file is applied.
    Applied,
}

#[tokio::test]
async fn a_killed_first_sync_leaves_whole_files_and_a_revision_boundary() {
    let reference = smart_kit::Project::new().await;
    let started = Instant::now();
    reference.migrate(&[]).expect(0);
    let duration = started.elapsed();
    let kills = count("DGS_KILL_SMART_RUNS", 10);
    let seed = seed("DGS_KILL_SEED");
    println!("first-sync kills: {kills}, seed {seed}, a whole first sync takes {duration:?}");
    let mut rng = Rng::new(seed);
    let mut landings: BTreeMap<SyncLanding, usize> = BTreeMap::new();
    for kill in 0..kills {
        let delay = rng.up_to(duration);
        let project = smart_kit::Project::new().await;
        let command = project.invoke(smart_kit::Bin::Migrate, &[]).command();
        kill_after(command, delay).await;
        settle(project.db()).await;

        let files = whole_files(&project);
        assert!(files.len() <= 1, "kill {kill}: {files:?}");
        let book = bookkeeping(project.db()).await;
        let landing = match (book.head(), files.first()) {
            (None, file) => {
                let tables: Vec<String> = project
                    .tables()
                    .await
                    .into_iter()
                    .filter(|t| !t.starts_with("public.dgs_schema_version"))
                    .collect();
                assert!(
                    tables.is_empty(),
                    "kill {kill}: nothing applied, yet {tables:?}"
                );
                if file.is_some() {
                    SyncLanding::FileNotApplied
                } else {
                    SyncLanding::BeforeTheFile
                }
            }
            (Some(head), Some(file)) => {
                assert_eq!(head, file.revision.as_str(), "kill {kill}");
                project.migrate(&["check"]).expect(0);
                SyncLanding::Applied
            }
            (Some(head), None) => panic!("kill {kill}: {head} applied, yet no file"),
        };
        println!("kill {kill} after {delay:?}: {landing:?}");
        *landings.entry(landing).or_default() += 1;

        project.migrate(&[]).expect(0);
        let files = whole_files(&project);
        assert_eq!(files.len(), 1, "kill {kill}, rerun: {files:?}");
        assert_eq!(
            bookkeeping(project.db()).await.head(),
            Some(files[0].revision.as_str())
        );
        project.migrate(&["check"]).expect(0);
    }
    println!("first-sync kills: {kills}, every file whole and every rerun in sync: {landings:?}");
}

/// The revision files of the project, each of which must parse, and which must load as one
/// history. A killed write may leave its hidden temporary file, which loading skips.
fn whole_files(project: &smart_kit::Project) -> Vec<RevisionFile> {
    let mut files = Vec::new();
    for name in project.files() {
        if name.starts_with('.') {
            println!("  left behind: {name} (hidden, skipped by loading)");
            continue;
        }
        let path = project.versions().join(&name);
        let text = std::fs::read_to_string(&path).unwrap();
        let file = RevisionFile::parse(&text, &path)
            .unwrap_or_else(|e| panic!("{name} is not a whole revision file: {e}\n{text}"));
        files.push(file);
    }
    revision::load(&project.migrations()).unwrap();
    files
}
