//! What the kill tests share: a PostgreSQL history whose revisions take long enough to be
//! killed in the middle of (tables filled from `generate_series`, revisions that add enum
//! values and use them, so they run in parts, and a `transactional: false` one), a
//! fingerprint of a database's schema and data to compare with the reference taken at each
//! revision, the database's bookkeeping (version table and log), a wait for a killed
//! migrator's server sessions to end, and a small seeded random number generator so a run's
//! kill moments can be repeated.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fmt;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use workspace_tests::TestDb;

/// How a revision runs, which says what a kill inside it may leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One transaction: all of it or nothing.
    Plain,
    /// It uses enum values it adds, so it commits after each `ADD VALUE` and logs an
    /// `up_part` row with each: the labels of `mood` once `n` parts committed are
    /// `labels[n - 1]`.
    Parted {
        /// `mood`'s labels after each committed part, in order.
        labels: &'static [&'static str],
    },
    /// `transactional: false`: a kill leaves a statement boundary.
    NonTransactional,
}

/// One revision of the [`history`].
#[derive(Clone, Debug)]
pub struct Revision {
    /// Its id.
    pub id: &'static str,
    /// The file name in `migrations/versions`.
    pub file: String,
    /// The file's text.
    pub text: String,
    /// How it runs.
    pub kind: Kind,
}

/// `mood`'s labels once the first part of `kill04` committed.
const TENSE: &str = "happy, tense, sad, calm";
/// `mood`'s labels once both of its parts committed.
const ELATED: &str = "happy, tense, sad, calm, elated";

/// Six revisions in a line: two that create and fill tables, one that adds an enum value and
/// uses it as generated revisions do (`IF NOT EXISTS`), one written by hand with plain
/// `ADD VALUE`s (which fails if it runs twice, so a rerun must resume after the committed
/// parts), one `transactional: false` with idempotent statements, and one that changes a
/// filled table. A whole run takes a few hundred milliseconds, mostly in the server.
pub fn history() -> Vec<Revision> {
    vec![
        revision(
            "kill01",
            None,
            "create people",
            Kind::Plain,
            "CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE person (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    mood mood NOT NULL DEFAULT 'happy'
);
INSERT INTO person (id, name, mood)
SELECT g, 'person ' || g, (CASE WHEN g % 2 = 0 THEN 'happy' ELSE 'sad' END)::mood
FROM generate_series(1, 20000) AS g;",
            "DROP TABLE person;\nDROP TYPE mood;",
        ),
        revision(
            "kill02",
            Some("kill01"),
            "create orders",
            Kind::Plain,
            "CREATE TABLE orders (
    id bigint PRIMARY KEY,
    person_id bigint NOT NULL,
    amount numeric(10, 2) NOT NULL
);
INSERT INTO orders (id, person_id, amount)
SELECT g, 1 + g % 20000, (g % 1000) / 10.0 FROM generate_series(1, 20000) AS g;
ALTER TABLE orders ADD CONSTRAINT orders_person_fk FOREIGN KEY (person_id) REFERENCES person (id);
CREATE INDEX orders_person_idx ON orders (person_id);",
            "DROP TABLE orders;",
        ),
        revision(
            "kill03",
            Some("kill02"),
            "calm people",
            Kind::Parted {
                labels: &["happy, sad, calm"],
            },
            "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'calm';
UPDATE person SET mood = 'calm' WHERE id % 2 = 0;
ALTER TABLE person ALTER COLUMN mood SET DEFAULT 'calm';",
            "ALTER TABLE person ALTER COLUMN mood SET DEFAULT 'happy';",
        ),
        revision(
            "kill04",
            Some("kill03"),
            "tense and elated people",
            Kind::Parted {
                labels: &[TENSE, ELATED],
            },
            "ALTER TYPE mood ADD VALUE 'tense' BEFORE 'sad';
ALTER TYPE mood ADD VALUE 'elated';
UPDATE person SET mood = 'tense' WHERE id % 3 = 0;
CREATE TABLE mood_count AS SELECT mood, count(*) AS people FROM person GROUP BY mood;
UPDATE person SET mood = 'elated' WHERE id % 7 = 0;",
            "DROP TABLE mood_count;",
        ),
        revision(
            "kill05",
            Some("kill04"),
            "index concurrently",
            Kind::NonTransactional,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS person_mood_idx ON person (mood);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_amount_idx ON orders (amount);",
            "DROP INDEX CONCURRENTLY IF EXISTS orders_amount_idx;
DROP INDEX CONCURRENTLY IF EXISTS person_mood_idx;",
        ),
        revision(
            "kill06",
            Some("kill05"),
            "order status and totals",
            Kind::Plain,
            "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
UPDATE orders SET status = 'paid' WHERE id % 4 = 0;
CREATE TABLE person_total AS
SELECT person_id, sum(amount) AS total FROM orders GROUP BY person_id;
ALTER TABLE person_total ADD PRIMARY KEY (person_id);",
            "DROP TABLE person_total;\nALTER TABLE orders DROP COLUMN status;",
        ),
    ]
}

fn revision(
    id: &'static str,
    parent: Option<&str>,
    message: &str,
    kind: Kind,
    up: &str,
    down: &str,
) -> Revision {
    let slug = message.replace(' ', "_");
    let minute = history_minute(id);
    let text = format!(
        "-- revision: {id}\n-- down_revision: {}\n-- message: {message}\n\
         -- created: 2026-03-01T10:{minute:02}:00Z\n-- dialect: postgresql\n\
         -- transactional: {}\n\n-- +up\n{up}\n\n-- +down\n{down}\n",
        parent.unwrap_or("none"),
        kind != Kind::NonTransactional,
    );
    Revision {
        id,
        file: format!("{id}_{slug}.sql"),
        text,
        kind,
    }
}

/// `kill03` was created at minute 3.
fn history_minute(id: &str) -> u32 {
    id.trim_start_matches("kill").parse().unwrap_or(0)
}

/// The schema and data of a database, the history tables left out: one sorted line per
/// table, column, constraint, index (with its validity) and enum type (labels in order),
/// and per table its row count and a hash of its rows.
#[derive(Clone, PartialEq, Eq)]
pub struct Fingerprint(pub Vec<String>);

impl Fingerprint {
    /// The lines that are not about enum types.
    pub fn without_enums(&self) -> Vec<&str> {
        self.lines().filter(|l| !l.starts_with("enum ")).collect()
    }

    /// The labels of `mood` (`None` when there is no such type).
    pub fn mood(&self) -> Option<&str> {
        self.lines().find_map(|l| l.strip_prefix("enum mood: "))
    }

    /// Every line of `lower` is here and every line here is in `upper`.
    pub fn is_between(&self, lower: &Fingerprint, upper: &Fingerprint) -> bool {
        let here: BTreeSet<&str> = self.lines().collect();
        lower.lines().all(|l| here.contains(l))
            && here.iter().all(|l| upper.0.iter().any(|u| u == l))
    }

    fn lines(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.0 {
            writeln!(f, "    {line}")?;
        }
        Ok(())
    }
}

/// The catalog half of the fingerprint: every object of `public` but the history tables.
const SCHEMA_LINES: &str = "
WITH t AS (
    SELECT c.oid, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'dgs\\_%'
)
SELECT 'table ' || relname FROM t
UNION ALL
SELECT format('column %s.%s #%s %s%s default %s', t.relname, a.attname, a.attnum,
              format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
UNION ALL
SELECT format('constraint %s.%s %s', t.relname, k.conname, pg_get_constraintdef(k.oid))
FROM t JOIN pg_constraint k ON k.conrelid = t.oid
UNION ALL
SELECT format('index %s valid=%s %s', i.indexrelid::regclass, i.indisvalid,
              pg_get_indexdef(i.indexrelid))
FROM t JOIN pg_index i ON i.indrelid = t.oid
UNION ALL
SELECT format('enum %s: %s', ty.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder))
FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace
JOIN pg_enum e ON e.enumtypid = ty.oid
WHERE n.nspname = 'public'
GROUP BY ty.typname
ORDER BY 1";

/// The tables whose rows the fingerprint hashes.
const DATA_TABLES: &str = "
SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'dgs\\_%' ORDER BY 1";

/// Takes the database's [`Fingerprint`].
pub async fn fingerprint(db: &TestDb) -> Fingerprint {
    let mut conn: PgConnection = db.connect().await.unwrap();
    let mut lines: Vec<String> = sqlx::query_scalar(SCHEMA_LINES)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(DATA_TABLES)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for table in tables {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT count(*) || ' ' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '-') \
             FROM \"{table}\" AS r"
        ))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        lines.push(format!("rows {table} {rows}"));
    }
    conn.close().await.ok();
    lines.sort();
    Fingerprint(lines)
}

/// What the database's history tables say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bookkeeping {
    /// The version table's rows; `None` when the table does not exist.
    pub heads: Option<Vec<String>>,
    /// The log as `(revision, direction)`, oldest first.
    pub log: Vec<(String, String)>,
}

impl Bookkeeping {
    /// The one revision the version table names; `None` when it is missing or empty.
    pub fn head(&self) -> Option<&str> {
        match self.heads.as_deref() {
            Some([one]) => Some(one.as_str()),
            _ => None,
        }
    }

    /// How many log rows of `revision` have `direction`.
    pub fn count(&self, revision: &str, direction: &str) -> usize {
        self.log
            .iter()
            .filter(|(r, d)| r == revision && d == direction)
            .count()
    }
}

/// Reads the version table and the log (each may be missing: a run killed before it made
/// them leaves none).
pub async fn bookkeeping(db: &TestDb) -> Bookkeeping {
    let mut conn: PgConnection = db.connect().await.unwrap();
    let exists = |name: &'static str| {
        sqlx::query_scalar::<_, bool>("SELECT to_regclass($1) IS NOT NULL").bind(name)
    };
    let heads = if exists("dgs_schema_version")
        .fetch_one(&mut conn)
        .await
        .unwrap()
    {
        Some(
            sqlx::query_scalar("SELECT revision::text FROM dgs_schema_version ORDER BY 1")
                .fetch_all(&mut conn)
                .await
                .unwrap(),
        )
    } else {
        None
    };
    let log = if exists("dgs_schema_version_log")
        .fetch_one(&mut conn)
        .await
        .unwrap()
    {
        sqlx::query_as(
            "SELECT revision::text, direction::text FROM dgs_schema_version_log ORDER BY id",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
    } else {
        Vec::new()
    };
    conn.close().await.ok();
    Bookkeeping { heads, log }
}

/// Empties the database (schema `public`, which holds everything the history and the
/// migrator make), much faster than a new database.
pub async fn reset(db: &TestDb) {
    db.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        .await
        .unwrap();
}

/// Waits until no other session is connected to the database. A SIGKILLed client's server
/// session runs on until its statement ends and it finds the socket closed (PostgreSQL does
/// not look sooner); until then its transaction could still commit, and it holds the
/// migration lock. The limit only keeps a broken server from hanging the test.
pub async fn settle(db: &TestDb) {
    let mut conn: PgConnection = db.connect().await.unwrap();
    let limit = Instant::now() + Duration::from_secs(120);
    loop {
        let others: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if others == 0 {
            break;
        }
        assert!(
            Instant::now() < limit,
            "{others} session(s) of the killed migrator still connected to {}",
            db.name()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    conn.close().await.ok();
}

/// SplitMix64: enough randomness to spread kill moments, and repeatable from its seed.
pub struct Rng(u64);

impl Rng {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A duration in `[0, max]`.
    pub fn up_to(&mut self, max: Duration) -> Duration {
        let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(self.next_u64() % micros.saturating_add(1))
    }
}

/// The seed from `variable` when set (to repeat a run), else from the clock.
pub fn seed(variable: &str) -> u64 {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{variable}={value} is not a number")),
        _ => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
    }
}

/// The count from `variable` when set, else `default`.
pub fn count(variable: &str, default: usize) -> usize {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{variable}={value} is not a number")),
        _ => default,
    }
}

/// Starts `command`, kills it (SIGKILL) after `delay` unless it ended by itself, and says
/// whether it did: `true` when the process finished before the kill.
pub async fn kill_after(mut command: std::process::Command, delay: Duration) -> bool {
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(delay).await;
    let finished = child.try_wait().unwrap();
    if finished.is_none() {
        child.kill().unwrap();
    }
    let status = child.wait().unwrap();
    match finished {
        Some(status) => {
            assert!(status.success(), "the run ended by itself with {status}");
            true
        }
        None => {
            // It may have finished between try_wait and kill; either way it is done now.
            status.success()
        }
    }
}
