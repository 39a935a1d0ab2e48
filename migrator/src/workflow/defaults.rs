//! The zero-configuration development database: with no `DATABASE_URL`, development uses
//! a database named after the application on the local server of the history's dialect,
//! created if missing (as Rails does), so a first run needs no setup.

use std::time::Duration;

use crate::db::{DbError, Wait};
use crate::dialect::Dialect;

/// How long the zero-configuration run waits for a local server before saying there is
/// none: a laptop's server is either running or not, so a minute of waiting helps nobody.
pub const ZERO_CONFIG_WAIT: Duration = Duration::from_secs(2);

/// The development database URL for `app` on the local server of `dialect`, read from the
/// process environment (see [`development_url_with`]).
pub fn development_url(app: &str, dialect: Dialect) -> String {
    development_url_with(app, dialect, &|name| std::env::var(name).ok())
}

/// The development database URL for `app` on the local server of `dialect`.
///
/// PostgreSQL: `postgres:///<database>`, everything else left to the libpq variables as
/// `psql` reads them (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`, ...), which
/// the driver honours; without `PGHOST` the server's socket is looked for where the
/// packages put it, then `localhost`. `PGDATABASE` names the database instead of
/// `<app>_development`. MySQL: `root` on 127.0.0.1:3306. SQLite: a file in the working
/// folder.
pub fn development_url_with(
    app: &str,
    dialect: Dialect,
    env: &dyn Fn(&str) -> Option<String>,
) -> String {
    crate::dialect::driver(dialect).development_url(&format!("{app}_development"), env)
}

/// Where a zero-configuration URL leads, in words: `app_development on
/// /var/run/postgresql:5432 as root` (the URL alone, `postgres:///app_development`, leaves
/// the rest to the environment).
pub fn describe(url: &str) -> String {
    Dialect::from_url(url)
        .and_then(|dialect| crate::dialect::driver(dialect).describe(url))
        .unwrap_or_else(|| crate::db::redact(url))
}

/// The database's name, for messages: the PostgreSQL or MySQL database, or the SQLite file.
pub fn database_name(url: &str) -> String {
    Dialect::from_url(url)
        .and_then(|dialect| crate::dialect::driver(dialect).database_name(url))
        .unwrap_or_else(|| crate::db::redact(url))
}

/// True for a URL whose database connecting will create (an SQLite file that does not
/// exist yet).
pub fn file_missing(url: &str) -> bool {
    Dialect::from_url(url)
        .is_some_and(|dialect| crate::dialect::driver(dialect).creates_on_connect(url))
}

/// Creates the database the URL names when it does not exist yet (PostgreSQL: through the
/// `postgres` maintenance database of the same server; MySQL: through
/// `information_schema`). SQLite creates its file on connect. True when it was created.
pub async fn ensure_database(url: &str, wait: &Wait) -> Result<bool, DbError> {
    crate::db::Database::create_if_missing(url, wait).await
}
