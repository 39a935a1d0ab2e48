//! TLS settings, read once from a URL (and, for PostgreSQL, the libpq variables) into one
//! value that the connection and the backup tool both use, so `pg_dump` and `mysqldump`
//! reach the server the way the migrator did.
//!
//! The rules are libpq's and the MySQL client's: PostgreSQL's `sslmode` is `prefer` when
//! nothing says otherwise (encrypt when the server offers it, verify nothing); `verify-ca`
//! and `verify-full` need the certificate of the authority that signed the server's:
//! `sslrootcert=<file>`, `sslrootcert=system` (the operating system's store), or
//! `~/.postgresql/root.crt`. A client certificate comes from `sslcert`/`sslkey`, or from
//! `~/.postgresql/postgresql.crt` and `.key` when both exist. MySQL's `ssl-mode` is
//! `PREFERRED` by default, and its `VERIFY_CA` / `VERIFY_IDENTITY` need `ssl-ca`.
//!
//! Every file is checked before the first attempt: a certificate that cannot be read is
//! a setting to fix, never a server to wait for.

use std::fmt;
use std::path::{Path, PathBuf};

use super::url::query_value;
use crate::dialect::Dialect;

/// How much TLS a connection asks for, from none to a verified host name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsMode {
    /// Never encrypt (`sslmode=disable`, `ssl-mode=DISABLED`).
    Disable,
    /// Plain first, TLS if the server insists (`sslmode=allow`).
    Allow,
    /// TLS when the server offers it (`prefer`, `PREFERRED`; the default).
    Prefer,
    /// TLS or nothing, the certificate unchecked (`require`, `REQUIRED`).
    Require,
    /// TLS with a certificate signed by a trusted authority (`verify-ca`, `VERIFY_CA`).
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host (`verify-full`, `VERIFY_IDENTITY`).
    VerifyFull,
}

impl TlsMode {
    fn parse(dialect: Dialect, value: &str) -> Option<Self> {
        let mode = match (dialect, value.to_ascii_lowercase().as_str()) {
            (Dialect::Mysql, "disabled") | (Dialect::Postgresql, "disable") => Self::Disable,
            (Dialect::Postgresql, "allow") => Self::Allow,
            (Dialect::Mysql, "preferred") | (Dialect::Postgresql, "prefer") => Self::Prefer,
            (Dialect::Mysql, "required") | (Dialect::Postgresql, "require") => Self::Require,
            (Dialect::Mysql, "verify_ca") | (Dialect::Postgresql, "verify-ca") => Self::VerifyCa,
            (Dialect::Mysql, "verify_identity") | (Dialect::Postgresql, "verify-full") => {
                Self::VerifyFull
            }
            _ => return None,
        };
        Some(mode)
    }

    /// The spelling of the dialect's own setting (`verify-full`, `VERIFY_IDENTITY`).
    pub fn spelling(self, dialect: Dialect) -> &'static str {
        match (dialect, self) {
            (Dialect::Mysql, Self::Disable) => "DISABLED",
            (Dialect::Mysql, Self::Allow | Self::Prefer) => "PREFERRED",
            (Dialect::Mysql, Self::Require) => "REQUIRED",
            (Dialect::Mysql, Self::VerifyCa) => "VERIFY_CA",
            (Dialect::Mysql, Self::VerifyFull) => "VERIFY_IDENTITY",
            (_, Self::Disable) => "disable",
            (_, Self::Allow) => "allow",
            (_, Self::Prefer) => "prefer",
            (_, Self::Require) => "require",
            (_, Self::VerifyCa) => "verify-ca",
            (_, Self::VerifyFull) => "verify-full",
        }
    }

    /// Whether the server's certificate is checked against a root.
    pub fn verifies(self) -> bool {
        self >= Self::VerifyCa
    }
}

/// Where trusted authorities come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCert {
    /// A PEM file of one or more certificates.
    File(PathBuf),
    /// The operating system's store (`sslrootcert=system`).
    System,
}

/// The TLS settings of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    /// The dialect whose setting names apply.
    pub dialect: Dialect,
    /// How much TLS is asked for.
    pub mode: TlsMode,
    /// The trusted authorities, when certificates are verified.
    pub root_cert: Option<RootCert>,
    /// The client certificate (PEM) and its key, when the server wants one.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

/// A TLS setting that cannot work, found before connecting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TlsSettingError {
    /// The setting at fault (`sslrootcert`, `ssl-mode`, ...).
    pub setting: &'static str,
    /// What is wrong and what to do.
    pub problem: String,
}

impl fmt::Display for TlsSettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the TLS setting `{}` {}", self.setting, self.problem)
    }
}

/// The parameter spellings each driver accepts.
const PG_MODE: &[&str] = &["sslmode", "ssl-mode"];
const PG_ROOT: &[&str] = &["sslrootcert", "ssl-root-cert", "ssl-ca"];
const PG_CERT: &[&str] = &["sslcert", "ssl-cert"];
const PG_KEY: &[&str] = &["sslkey", "ssl-key"];
const MY_MODE: &[&str] = &["ssl-mode", "sslmode"];
const MY_ROOT: &[&str] = &["ssl-ca", "sslca"];
const MY_CERT: &[&str] = &["ssl-cert", "sslcert"];
const MY_KEY: &[&str] = &["ssl-key", "sslkey"];

impl TlsSettings {
    /// Reads the settings of `url`; `env` looks up environment variables (the process
    /// environment in production code) and `home` is the user's home folder.
    pub fn read(
        dialect: Dialect,
        url: &str,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self, TlsSettingError> {
        match dialect {
            Dialect::Postgresql => Self::read_postgres(url, env, home),
            Dialect::Mysql => Self::read_mysql(url),
            Dialect::Sqlite => Ok(Self {
                dialect,
                mode: TlsMode::Disable,
                root_cert: None,
                client_cert: None,
            }),
        }
    }

    /// Reads the settings of `url` with the process environment and home folder.
    pub fn from_url(dialect: Dialect, url: &str) -> Result<Self, TlsSettingError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        Self::read(
            dialect,
            url,
            &|name| std::env::var(name).ok(),
            home.as_deref(),
        )
    }

    fn read_postgres(
        url: &str,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self, TlsSettingError> {
        let setting = |keys: &[&str], var: &str| {
            query_value(url, keys)
                .or_else(|| env(var))
                .filter(|v| !v.is_empty())
        };
        let mode = match setting(PG_MODE, "PGSSLMODE") {
            Some(value) => TlsMode::parse(Dialect::Postgresql, &value).ok_or(TlsSettingError {
                setting: "sslmode",
                problem: format!(
                    "is `{value}`; use disable, allow, prefer, require, verify-ca or verify-full"
                ),
            })?,
            None => TlsMode::Prefer,
        };
        let pg_dir = home.map(|home| home.join(".postgresql"));
        let root_cert = match setting(PG_ROOT, "PGSSLROOTCERT") {
            Some(value) if value == "system" => Some(RootCert::System),
            Some(value) => Some(RootCert::File(PathBuf::from(value))),
            None => pg_dir
                .as_ref()
                .map(|dir| dir.join("root.crt"))
                .filter(|path| mode.verifies() && path.exists())
                .map(RootCert::File),
        };
        if mode.verifies() && root_cert.is_none() {
            return Err(TlsSettingError {
                setting: "sslrootcert",
                problem: format!(
                    "is needed with sslmode={}: set sslrootcert=/path/to/ca.pem (the \
                     authority that signed the server's certificate; managed services publish \
                     it), or sslrootcert=system to trust the system's store, or put it at \
                     ~/.postgresql/root.crt",
                    mode.spelling(Dialect::Postgresql)
                ),
            });
        }
        let client_cert = match (setting(PG_CERT, "PGSSLCERT"), setting(PG_KEY, "PGSSLKEY")) {
            (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
            (Some(_), None) => return Err(missing_pair("sslkey", "sslcert")),
            (None, Some(_)) => return Err(missing_pair("sslcert", "sslkey")),
            (None, None) => pg_dir.and_then(|dir| {
                let (cert, key) = (dir.join("postgresql.crt"), dir.join("postgresql.key"));
                (cert.exists() && key.exists()).then_some((cert, key))
            }),
        };
        let settings = Self {
            dialect: Dialect::Postgresql,
            mode,
            root_cert,
            client_cert,
        };
        settings.check_files()?;
        Ok(settings)
    }

    fn read_mysql(url: &str) -> Result<Self, TlsSettingError> {
        let mode = match query_value(url, MY_MODE) {
            Some(value) => TlsMode::parse(Dialect::Mysql, &value).ok_or(TlsSettingError {
                setting: "ssl-mode",
                problem: format!(
                    "is `{value}`; use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or \
                     VERIFY_IDENTITY"
                ),
            })?,
            None => TlsMode::Prefer,
        };
        let root_cert = query_value(url, MY_ROOT).map(|v| RootCert::File(PathBuf::from(v)));
        if mode.verifies() && root_cert.is_none() {
            return Err(TlsSettingError {
                setting: "ssl-ca",
                problem: format!(
                    "is needed with ssl-mode={}: set ssl-ca=/path/to/ca.pem, the authority \
                     that signed the server's certificate",
                    mode.spelling(Dialect::Mysql)
                ),
            });
        }
        let client_cert = match (query_value(url, MY_CERT), query_value(url, MY_KEY)) {
            (Some(cert), Some(key)) => Some((PathBuf::from(cert), PathBuf::from(key))),
            (Some(_), None) => return Err(missing_pair("ssl-key", "ssl-cert")),
            (None, Some(_)) => return Err(missing_pair("ssl-cert", "ssl-key")),
            (None, None) => None,
        };
        let settings = Self {
            dialect: Dialect::Mysql,
            mode,
            root_cert,
            client_cert,
        };
        settings.check_files()?;
        Ok(settings)
    }

    /// The names of this dialect's settings: (mode, root, cert, key).
    fn names(&self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self.dialect {
            Dialect::Mysql => ("ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"),
            _ => ("sslmode", "sslrootcert", "sslcert", "sslkey"),
        }
    }

    fn check_files(&self) -> Result<(), TlsSettingError> {
        let (_, root, cert, key) = self.names();
        if self.mode == TlsMode::Disable {
            return Ok(());
        }
        if let Some(RootCert::File(path)) = &self.root_cert {
            check_readable(root, path)?;
        }
        if let Some((cert_path, key_path)) = &self.client_cert {
            check_readable(cert, cert_path)?;
            check_readable(key, key_path)?;
        }
        Ok(())
    }

    /// The setting to change for a TLS failure, in words: what the user writes in the URL.
    pub fn mode_setting(&self, mode: TlsMode) -> String {
        format!("{}={}", self.names().0, mode.spelling(self.dialect))
    }

    /// The root setting's name (`sslrootcert`, `ssl-ca`).
    pub fn root_setting(&self) -> &'static str {
        self.names().1
    }
}

fn missing_pair(missing: &'static str, given: &str) -> TlsSettingError {
    TlsSettingError {
        setting: missing,
        problem: format!("is missing: {given} names a client certificate, which needs its key too"),
    }
}

fn check_readable(setting: &'static str, path: &Path) -> Result<(), TlsSettingError> {
    match std::fs::File::open(path) {
        Ok(_) => Ok(()),
        Err(error) => Err(TlsSettingError {
            setting,
            problem: format!(
                "names {}, which cannot be read ({error}); point it at a PEM file",
                path.display()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(
        url: &str,
        vars: &[(&str, &str)],
        home: Option<&Path>,
    ) -> Result<TlsSettings, TlsSettingError> {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        TlsSettings::read(Dialect::Postgresql, url, &env, home)
    }

    #[test]
    fn postgres_prefers_tls_when_nothing_is_said() {
        let settings = pg("postgres://db/app", &[], None).unwrap();
        assert_eq!(settings.mode, TlsMode::Prefer);
        assert_eq!(settings.root_cert, None);
        let settings = pg("postgres://db/app", &[("PGSSLMODE", "require")], None).unwrap();
        assert_eq!(settings.mode, TlsMode::Require);
        let settings = pg(
            "postgres://db/app?sslmode=disable",
            &[("PGSSLMODE", "require")],
            None,
        )
        .unwrap();
        assert_eq!(settings.mode, TlsMode::Disable);
    }

    #[test]
    fn verification_needs_a_root_and_says_where_to_put_it() {
        let error = pg("postgres://db/app?sslmode=verify-full", &[], None).unwrap_err();
        assert_eq!(error.setting, "sslrootcert");
        assert!(error.to_string().contains("sslrootcert=system"), "{error}");
        let settings = pg(
            "postgres://db/app?sslmode=verify-full&sslrootcert=system",
            &[],
            None,
        )
        .unwrap();
        assert_eq!(settings.root_cert, Some(RootCert::System));
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".postgresql")).unwrap();
        let root = home.path().join(".postgresql/root.crt");
        std::fs::write(&root, "pem").unwrap();
        let settings = pg(
            "postgres://db/app?sslmode=verify-ca",
            &[],
            Some(home.path()),
        )
        .unwrap();
        assert_eq!(settings.root_cert, Some(RootCert::File(root)));
    }

    #[test]
    fn unreadable_files_and_unknown_modes_are_named() {
        let error = pg(
            "postgres://db/app?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
            &[],
            None,
        )
        .unwrap_err();
        assert_eq!(error.setting, "sslrootcert");
        assert!(error.to_string().contains("/nonexistent/ca.pem"), "{error}");
        let error = pg("postgres://db/app?sslmode=sometimes", &[], None).unwrap_err();
        assert_eq!(error.setting, "sslmode");
        let error = pg("postgres://db/app?sslcert=/a.crt", &[], None).unwrap_err();
        assert_eq!(error.setting, "sslkey");
    }

    #[test]
    fn mysql_reads_its_own_spellings() {
        let settings = TlsSettings::from_url(Dialect::Mysql, "mysql://db/app").unwrap();
        assert_eq!(settings.mode, TlsMode::Prefer);
        let settings =
            TlsSettings::from_url(Dialect::Mysql, "mysql://db/app?ssl-mode=REQUIRED").unwrap();
        assert_eq!(settings.mode, TlsMode::Require);
        assert_eq!(settings.mode_setting(TlsMode::Prefer), "ssl-mode=PREFERRED");
        let error =
            TlsSettings::from_url(Dialect::Mysql, "mysql://db/app?ssl-mode=VERIFY_CA").unwrap_err();
        assert_eq!(error.setting, "ssl-ca");
    }
}
