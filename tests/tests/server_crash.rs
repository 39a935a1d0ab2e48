//! The server crashes under a running upgrade: a private PostgreSQL cluster (started here,
//! so stopping it disturbs no other test) is stopped with `pg_ctl stop -m immediate` while
//! a revision sleeps in `pg_sleep`, once inside a plain transactional revision and once in
//! the last part of a revision that runs in parts. Each time the migrator must fail with
//! an error that names the revision and where the database stands, the restarted server
//! must be at that revision boundary (for the parted revision: its committed part logged),
//! and the next run must carry on from there to head.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use migrator::apply::{ApplyError, ApplyOptions, ErrorClass, Session};
use migrator::db::{Database, Wait};
use migrator::revision::{self, Target};
use workspace_tests::cluster::{ClusterConfig, PrivateCluster};

/// A pause that only the test's database setting makes long: the test clears the setting
/// before the run that must get through.
fn pause(revision: &str) -> String {
    format!(
        "SELECT pg_sleep(coalesce(nullif(current_setting('dgs_test.pause_{revision}', true), ''), \
         '0')::float8);"
    )
}

/// crash01 fills a table; crash02 is slow; crash03 adds an enum value, uses it, then is
/// slow, so the server goes down after its first part committed. Its plain `ADD VALUE`
/// (no `IF NOT EXISTS`) fails if it runs twice: only a rerun that resumes after the
/// committed part gets through.
fn write_history(dir: &std::path::Path) -> Result<()> {
    let versions = revision::versions_dir(dir);
    std::fs::create_dir_all(&versions)?;
    let files = [
        (
            "crash01",
            "none",
            "CREATE TYPE colour AS ENUM ('red', 'blue');\n\
             CREATE TABLE paint (id int PRIMARY KEY, colour colour NOT NULL);\n\
             INSERT INTO paint SELECT g, 'red' FROM generate_series(1, 1000) AS g;"
                .to_owned(),
        ),
        (
            "crash02",
            "crash01",
            format!(
                "CREATE TABLE brush (id int PRIMARY KEY);\n{}\nINSERT INTO brush VALUES (1);",
                pause("crash02")
            ),
        ),
        (
            "crash03",
            "crash02",
            format!(
                "ALTER TYPE colour ADD VALUE 'green';\n\
                 UPDATE paint SET colour = 'green' WHERE id % 2 = 0;\n{}",
                pause("crash03")
            ),
        ),
    ];
    for (minute, (id, parent, up)) in files.iter().enumerate() {
        let text = format!(
            "-- revision: {id}\n-- down_revision: {parent}\n-- message: step {id}\n\
             -- created: 2026-04-01T10:{minute:02}:00Z\n-- dialect: postgresql\n\
             -- transactional: true\n\n-- +up\n{up}\n\n-- +down\n"
        );
        std::fs::write(versions.join(format!("{id}_step_{id}.sql")), text)?;
    }
    Ok(())
}

/// One `upgrade head` through the library, as `migrate upgrade` runs it.
async fn upgrade(url: String, dir: std::path::PathBuf) -> Result<(), ApplyError> {
    let set = revision::load(&dir)?;
    let mut db = Database::connect(&url, &Wait::default()).await?;
    let mut session = Session::begin(&mut db, ApplyOptions::default()).await?;
    let result = session.upgrade(&set, &Target::Head).await.map(|_| ());
    // After a crash releasing the lock fails too; the upgrade's error is the one to see.
    let finished = session.finish().await;
    result?;
    finished
}

/// Waits until a session runs the pause of `revision` (or the upgrade ends, which is an
/// error). The limit only keeps a broken setup from hanging the test.
async fn wait_for_pause(
    cluster: &PrivateCluster,
    revision: &str,
    running: &tokio::task::JoinHandle<Result<(), ApplyError>>,
) -> Result<()> {
    let limit = Instant::now() + Duration::from_secs(60);
    let sql = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'app' AND state = 'active' \
         AND pid <> pg_backend_pid() AND query LIKE '%pause\\_{revision}%'"
    );
    while cluster.psql(&sql)? != "1" {
        ensure!(
            !running.is_finished(),
            "the upgrade ended before {revision}'s pause"
        );
        ensure!(
            Instant::now() < limit,
            "the upgrade never reached {revision}'s pause"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Runs an upgrade in the background, crashes the server once `revision` pauses, and
/// returns the upgrade's error after the server is back.
async fn crash_during(
    cluster: &PrivateCluster,
    url: &str,
    dir: &std::path::Path,
    revision: &str,
) -> Result<ApplyError> {
    let running = tokio::spawn(upgrade(url.to_owned(), dir.to_path_buf()));
    if let Err(error) = wait_for_pause(cluster, revision, &running).await {
        let outcome = running.await?;
        return Err(error.context(format!("the upgrade said: {outcome:?}")));
    }
    cluster.stop_immediate()?;
    let outcome = running.await?;
    cluster.restart()?;
    match outcome {
        Ok(()) => anyhow::bail!("the upgrade survived the crash in {revision}"),
        Err(error) => Ok(error),
    }
}

fn query(cluster: &PrivateCluster, sql: &str) -> Result<String> {
    cluster
        .psql_in("app", sql)
        .with_context(|| format!("asking: {sql}"))
}

/// The version table's rows.
fn heads(cluster: &PrivateCluster) -> Result<String> {
    query(
        cluster,
        "SELECT string_agg(revision, ',' ORDER BY revision) FROM dgs_schema_version",
    )
}

/// The log as `revision direction` lines, oldest first.
fn log(cluster: &PrivateCluster) -> Result<String> {
    query(
        cluster,
        "SELECT string_agg(revision || ' ' || direction, ', ' ORDER BY id) \
         FROM dgs_schema_version_log",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_crash_mid_upgrade_leaves_a_revision_boundary_and_the_rerun_finishes() -> Result<()>
{
    let cluster = PrivateCluster::start(ClusterConfig::default())?;
    // The cluster runs with synchronous_commit off for speed, which an immediate stop turns
    // into lost commits; here a commit the migrator saw must survive.
    cluster.psql(
        "ALTER DATABASE app SET synchronous_commit = on; \
         ALTER DATABASE app SET dgs_test.pause_crash02 = '120'; \
         ALTER DATABASE app SET dgs_test.pause_crash03 = '120'",
    )?;
    let url = cluster.url("app", "app-password", "app", "");
    let project = tempfile::tempdir()?;
    let dir = project.path().join("migrations");
    write_history(&dir)?;

    // A crash inside a transactional revision: it is rolled back, the one before stays.
    let error = crash_during(&cluster, &url, &dir, "crash02").await?;
    let message = error.to_string();
    ensure!(
        error.class() == ErrorClass::MigrationFailed,
        "{:?}: {message}",
        error.class()
    );
    ensure!(
        message.contains("upgrade of revision crash02 (step crash02) failed")
            && message.contains("and was rolled back: the database is still at crash01")
            && message.contains("the connection to the database was lost"),
        "{message}"
    );
    ensure!(heads(&cluster)? == "crash01", "{}", heads(&cluster)?);
    ensure!(
        query(&cluster, "SELECT to_regclass('brush') IS NULL")? == "t",
        "crash02's table survived its rollback"
    );
    ensure!(log(&cluster)? == "crash01 up", "{}", log(&cluster)?);
    println!("crash in crash02:\n{message}");

    // A crash in the last part of a revision run in parts: its first part (the enum
    // value) stays, logged, and the version table still names the revision before.
    cluster.psql("ALTER DATABASE app RESET dgs_test.pause_crash02")?;
    let error = crash_during(&cluster, &url, &dir, "crash03").await?;
    let message = error.to_string();
    ensure!(
        error.class() == ErrorClass::MigrationFailed,
        "{:?}: {message}",
        error.class()
    );
    ensure!(
        message.contains("upgrade of revision crash03 (step crash03) failed")
            && message.contains("ran and kept: line 9: ALTER TYPE colour ADD VALUE")
            && message.contains("the connection to the database was lost")
            && message.contains("the version table still records crash02")
            && message.contains("it resumes after the kept statements"),
        "{message}"
    );
    ensure!(heads(&cluster)? == "crash02", "{}", heads(&cluster)?);
    ensure!(
        log(&cluster)? == "crash01 up, crash02 up, crash03 up_part",
        "{}",
        log(&cluster)?
    );
    ensure!(
        query(&cluster, "SELECT enum_range(NULL::colour)::text")? == "{red,blue,green}",
        "the committed part is in effect"
    );
    ensure!(
        query(
            &cluster,
            "SELECT count(*) FROM paint WHERE colour = 'green'"
        )? == "0",
        "the part the crash cut short was rolled back"
    );
    println!("crash in crash03:\n{message}");

    // With the pauses gone the rerun resumes after the committed part and reaches head.
    cluster.psql("ALTER DATABASE app RESET dgs_test.pause_crash03")?;
    upgrade(url.clone(), dir.clone()).await?;
    ensure!(heads(&cluster)? == "crash03", "{}", heads(&cluster)?);
    ensure!(
        log(&cluster)? == "crash01 up, crash02 up, crash03 up_part, crash03 up",
        "{}",
        log(&cluster)?
    );
    ensure!(query(&cluster, "SELECT count(*) FROM brush")? == "1");
    ensure!(
        query(
            &cluster,
            "SELECT count(*) FROM paint WHERE colour = 'green'"
        )? == "500"
    );
    Ok(())
}
