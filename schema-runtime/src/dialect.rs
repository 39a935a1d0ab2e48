//! The database kinds a model can be written for. The registry needs the name to pick a
//! model's per-dialect variants; the migrator uses the same type as its dialect seam, so
//! one spelling (`postgresql`, `mysql`, `sqlite`) serves models, URLs and file headers.

use std::fmt;

use serde::Serialize;

/// A database kind a history, a URL or a model variant can be written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// PostgreSQL (12 or later), the production target and the default.
    #[default]
    Postgresql,
    /// MySQL 8 and MariaDB 10.5+.
    Mysql,
    /// SQLite 3.35+.
    Sqlite,
}

impl Dialect {
    /// Every dialect, in the order messages list them.
    pub const ALL: [Dialect; 3] = [Self::Postgresql, Self::Mysql, Self::Sqlite];

    /// The dialect of a database URL, from its scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':').map(|(s, _)| s)?;
        Self::from_name(scheme)
    }

    /// Parses the name used in migration file headers and URL schemes (`postgres` and
    /// `mariadb` are accepted as the URL schemes they are).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Some(Self::Postgresql),
            "mysql" | "mariadb" => Some(Self::Mysql),
            "sqlite" => Some(Self::Sqlite),
            _ => None,
        }
    }

    /// The name written in migration file headers and in model variants.
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgresql => "postgresql",
            Self::Mysql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }

    /// The namespace a name without schema lives in.
    pub fn default_namespace(self) -> &'static str {
        match self {
            Self::Postgresql => "public",
            Self::Mysql => "",
            Self::Sqlite => "main",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_url_schemes_are_read() {
        for dialect in Dialect::ALL {
            assert_eq!(Dialect::from_name(dialect.name()), Some(dialect));
        }
        assert_eq!(
            Dialect::from_url("postgres://u@h/db"),
            Some(Dialect::Postgresql)
        );
        assert_eq!(Dialect::from_url("mariadb://h/db"), Some(Dialect::Mysql));
        assert_eq!(Dialect::from_url("sqlite://a.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::from_url("oracle://h"), None);
        assert_eq!(Dialect::from_url("no scheme"), None);
    }
}
