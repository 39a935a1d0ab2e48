//! PostgreSQL's TLS settings, by libpq's rules: `sslmode` is `prefer` when nothing says
//! otherwise (encrypt when the server offers it, verify nothing); `verify-ca` and
//! `verify-full` need the certificate of the authority that signed the server's:
//! `sslrootcert=<file>`, `sslrootcert=system` (the operating system's store), or
//! `~/.postgresql/root.crt`. A client certificate comes from `sslcert`/`sslkey`, or from
//! `~/.postgresql/postgresql.crt` and `.key` when both exist. Each setting can come from the
//! URL or from its libpq variable (`PGSSLMODE`, `PGSSLROOTCERT`, ...), the URL first.

use std::path::{Path, PathBuf};

use crate::db::tls::{RootCert, TlsMode, TlsSettingError, TlsSettings, TlsSpelling};
use crate::db::url::query_value;

/// libpq's names.
pub static SPELLING: TlsSpelling = TlsSpelling {
    mode: "sslmode",
    root: "sslrootcert",
    cert: "sslcert",
    key: "sslkey",
    modes: [
        "disable",
        "allow",
        "prefer",
        "require",
        "verify-ca",
        "verify-full",
    ],
    accepts: &[
        ("disable", TlsMode::Disable),
        ("allow", TlsMode::Allow),
        ("prefer", TlsMode::Prefer),
        ("require", TlsMode::Require),
        ("verify-ca", TlsMode::VerifyCa),
        ("verify-full", TlsMode::VerifyFull),
    ],
};

/// The URL parameter spellings sqlx and libpq accept, libpq's first.
const MODE: &[&str] = &["sslmode", "ssl-mode"];
const ROOT: &[&str] = &["sslrootcert", "ssl-root-cert", "ssl-ca"];
const CERT: &[&str] = &["sslcert", "ssl-cert"];
const KEY: &[&str] = &["sslkey", "ssl-key"];

/// Reads the settings of `url` with the process environment and home folder.
pub fn from_url(url: &str) -> Result<TlsSettings, TlsSettingError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    read(url, &|name| std::env::var(name).ok(), home.as_deref())
}

/// Reads the settings of `url`; `env` looks up environment variables and `home` is the
/// user's home folder.
pub fn read(
    url: &str,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<TlsSettings, TlsSettingError> {
    let setting = |keys: &[&str], var: &str| {
        query_value(url, keys)
            .or_else(|| env(var))
            .filter(|v| !v.is_empty())
    };
    let mode = SPELLING.mode_of(setting(MODE, "PGSSLMODE"))?;
    let pg_dir = home.map(|home| home.join(".postgresql"));
    let root_cert = match setting(ROOT, "PGSSLROOTCERT") {
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
            setting: SPELLING.root,
            problem: format!(
                "is needed with sslmode={}: set sslrootcert=/path/to/ca.pem (the \
                 authority that signed the server's certificate; managed services publish \
                 it), or sslrootcert=system to trust the system's store, or put it at \
                 ~/.postgresql/root.crt",
                SPELLING.write(mode)
            ),
        });
    }
    let client_cert =
        match SPELLING.client_pair(setting(CERT, "PGSSLCERT"), setting(KEY, "PGSSLKEY"))? {
            Some(pair) => Some(pair),
            None => pg_dir.and_then(|dir| {
                let (cert, key) = (dir.join("postgresql.crt"), dir.join("postgresql.key"));
                (cert.exists() && key.exists()).then_some((cert, key))
            }),
        };
    let settings = TlsSettings {
        spelling: &SPELLING,
        mode,
        root_cert,
        client_cert,
    };
    settings.check_files()?;
    Ok(settings)
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
        read(url, &env, home)
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
}
