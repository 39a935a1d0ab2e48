//! The toolkit's benchmarks, run against the local PostgreSQL (`DGS_TEST_POSTGRES_URL`, as
//! the tests read it). Each prints a Markdown table of medians and, beside each figure, the
//! peer or baseline measured in the same run, so that the ratios hold on a noisy machine.
//!
//! `cargo run --release -p bench -- adopt [--tables 100,1000] [--runs 3]`
//! `cargo run --release -p bench -- check [--tables 100,1000] [--runs 3]`

mod adopt;
mod check;
mod plain;
mod proxy;
mod schema;
mod scratch;

use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// The PostgreSQL server the tests use unless `DGS_TEST_POSTGRES_URL` says otherwise.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432";

#[derive(Parser)]
#[command(about = "Benchmarks of the toolkit, as ratios measured in one run")]
struct Args {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// `migrate init --from-db` on generated schemas, against introspection alone and
    /// `pg_dump --schema-only` on the same database.
    Adopt {
        /// The schema sizes, in tables.
        #[arg(long, value_delimiter = ',', default_values_t = [100, 1000])]
        tables: Vec<usize>,
        /// Measured runs per size (after one warm-up), of which the median is shown.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Prints the generated schema's SQL (`bench sql --tables 1000 | psql ...`), to look at
    /// one size by hand.
    Sql {
        /// The schema size, in tables.
        #[arg(long, default_value_t = 100)]
        tables: usize,
    },
    /// `migrate check`, `revision --autogenerate` after 5% of the tables changed, and the
    /// first `upgrade head`, against Alembic + SQLAlchemy on the same databases; the
    /// models crate's build time.
    Check {
        /// The schema sizes, in tables.
        #[arg(long, value_delimiter = ',', default_values_t = [100, 1000])]
        tables: Vec<usize>,
        /// Measured runs per size and command (after one warm-up); the median is shown.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let server =
        std::env::var("DGS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
    match args.bench {
        Bench::Adopt { tables, runs } => {
            let mut figures = Vec::new();
            for n in tables {
                figures.push(adopt::measure(&server, n, runs.max(1)).await?);
            }
            println!("{}", adopt::table(&figures));
        }
        Bench::Sql { tables } => print!("{}", schema::postgres(tables)),
        Bench::Check { tables, runs } => {
            let place = check::Workplace::prepare()?;
            let relay = proxy::Relay::start(proxy::address(&server)?).await?;
            let mut figures = Vec::new();
            for n in tables.into_iter().filter(|n| *n > 0) {
                eprintln!("  {n} tables");
                figures.push(check::measure(&place, &relay, &server, n, runs.max(1)).await?);
            }
            println!("{}", check::tables(&figures));
        }
    }
    Ok(())
}

/// The median of `values` (the upper one of an even count).
pub fn median<T: Ord + Copy + Default>(values: &mut [T]) -> T {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// `0.123 s`.
pub fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}
