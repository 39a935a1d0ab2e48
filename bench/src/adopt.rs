//! `bench adopt`: how long `migrate init --from-db` takes on a large database, against
//! two measures taken in the same run on the same database: introspection alone (the
//! catalog reads every command starts with) and `pg_dump --schema-only` (a peer reading
//! the same catalog to write the same schema out as SQL).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use migrator::adopt::{self, Layout};
use migrator::db::{Database, Wait};
use migrator::filter::SchemaFilter;

use crate::scratch::ScratchDb;
use crate::{median, schema, seconds};

/// One size's figures: medians over the runs.
pub struct Figures {
    pub tables: usize,
    pub inspect: Duration,
    pub adopt: Duration,
    pub write: Duration,
    pub pg_dump: Duration,
    pub source_bytes: usize,
    pub source_files: usize,
}

pub async fn measure(server: &str, tables: usize, runs: usize) -> Result<Figures> {
    let db = ScratchDb::create(server, &format!("bench_adopt_{tables}")).await?;
    db.load(&schema::postgres(tables)).await?;
    let url = db.url();
    let filter = SchemaFilter::default();
    let (mut inspect, mut adopting, mut write, mut dump) = (vec![], vec![], vec![], vec![]);
    let (mut source_bytes, mut source_files) = (0, 0);
    // The first round warms the server's caches and is not counted.
    for round in 0..=runs {
        let started = Instant::now();
        let mut database = Database::connect(&url, &Wait::default()).await?;
        database.inspect(&filter).await?;
        let inspected = started.elapsed();
        drop(database);

        let started = Instant::now();
        let mut database = Database::connect(&url, &Wait::default()).await?;
        let adopted = adopt::adopt(&mut database, &filter).await?;
        let adopted_in = started.elapsed();
        ensure!(
            adopted.comparison.ops.is_empty(),
            "the generated models do not describe the database: {} ops, the first {}",
            adopted.comparison.ops.len(),
            adopted.comparison.ops[0].describe()
        );

        let started = Instant::now();
        let layout = Layout::NewCrate {
            dir: PathBuf::from("models"),
            name: "models".into(),
            per_table: true,
        };
        let files = adopt::files(&adopted.adoption, &layout)?;
        let baseline = adopt::baseline(&adopted, "baseline")?;
        ensure!(!baseline.is_empty(), "no baseline");
        let written = started.elapsed();
        source_bytes = files.iter().map(|f| f.text.len()).sum::<usize>()
            + baseline
                .iter()
                .map(|part| part.revision.up.len() + part.revision.down.len())
                .sum::<usize>();
        source_files = files.len() + baseline.len();

        let started = Instant::now();
        let status = Command::new("pg_dump")
            .args(["--schema-only", "--no-owner", "--no-privileges"])
            .arg(&url)
            .stdout(Stdio::null())
            .status()
            .context("cannot run pg_dump")?;
        ensure!(status.success(), "pg_dump failed: {status}");
        let dumped = started.elapsed();
        eprintln!(
            "  {tables} tables, round {round}: inspect {}, adopt {}, write {}, pg_dump {}",
            seconds(inspected),
            seconds(adopted_in),
            seconds(written),
            seconds(dumped)
        );
        if round > 0 {
            inspect.push(inspected);
            adopting.push(adopted_in);
            write.push(written);
            dump.push(dumped);
        }
    }
    db.drop_now().await?;
    Ok(Figures {
        tables,
        inspect: median(&mut inspect),
        adopt: median(&mut adopting),
        write: median(&mut write),
        pg_dump: median(&mut dump),
        source_bytes,
        source_files,
    })
}

/// The Markdown table the README shows.
pub fn table(figures: &[Figures]) -> String {
    let mut out = String::from(
        "| tables | introspection | adopt (read, declare, compare) | write models + baseline | init --from-db total | pg_dump --schema-only | total / pg_dump | generated |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for f in figures {
        let total = f.adopt + f.write;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.2}x | {} files, {} KiB |\n",
            f.tables,
            seconds(f.inspect),
            seconds(f.adopt),
            seconds(f.write),
            seconds(total),
            seconds(f.pg_dump),
            total.as_secs_f64() / f.pg_dump.as_secs_f64(),
            f.source_files,
            f.source_bytes / 1024
        ));
    }
    out
}
