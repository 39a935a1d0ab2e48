//! TLS settings, read once from a URL into one value that the connection and the backup
//! tool both use, so `pg_dump` and `mysqldump` reach the server the way the migrator did.
//!
//! The modes are common to the clients (from none to a verified host name); each database
//! kind spells them its own way ([`TlsSpelling`]) and reads them by its own rules, in its
//! folder (`dialect/postgres/tls.rs`: libpq's `sslmode` and variables; `dialect/mysql/tls.rs`:
//! the MySQL client's `ssl-mode`). What is shared lives here: the settings, the check that
//! every file named can be read before the first attempt (a certificate that cannot be read
//! is a setting to fix, never a server to wait for), and the errors.

use std::fmt;
use std::path::{Path, PathBuf};

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
    /// Every mode, weakest first.
    pub const ALL: [TlsMode; 6] = [
        Self::Disable,
        Self::Allow,
        Self::Prefer,
        Self::Require,
        Self::VerifyCa,
        Self::VerifyFull,
    ];

    /// Whether the server's certificate is checked against a root.
    pub fn verifies(self) -> bool {
        self >= Self::VerifyCa
    }
}

/// How one database kind's clients name the TLS settings and modes.
#[derive(Debug, PartialEq, Eq)]
pub struct TlsSpelling {
    /// The mode setting (`sslmode`, `ssl-mode`).
    pub mode: &'static str,
    /// The trusted authorities' setting (`sslrootcert`, `ssl-ca`).
    pub root: &'static str,
    /// The client certificate's setting.
    pub cert: &'static str,
    /// The client key's setting.
    pub key: &'static str,
    /// Each mode of [`TlsMode::ALL`] as written back (`verify-full`, `VERIFY_IDENTITY`); a
    /// kind without a mode writes the nearest one it has.
    pub modes: [&'static str; 6],
    /// The values accepted for the mode setting, compared without case.
    pub accepts: &'static [(&'static str, TlsMode)],
}

impl TlsSpelling {
    /// The mode a setting's value names, if it names one.
    pub fn parse(&self, value: &str) -> Option<TlsMode> {
        self.accepts
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value))
            .map(|(_, mode)| *mode)
    }

    /// The mode as this kind writes it.
    pub fn write(&self, mode: TlsMode) -> &'static str {
        self.modes[mode as usize]
    }

    /// The mode a setting's value asks for: `prefer` (the clients' default) when it is not
    /// set, an error naming the accepted values when it names none of them.
    pub fn mode_of(&self, value: Option<String>) -> Result<TlsMode, TlsSettingError> {
        match value {
            Some(value) => self.parse(&value).ok_or_else(|| TlsSettingError {
                setting: self.mode,
                problem: format!("is `{value}`; use {}", self.choices()),
            }),
            None => Ok(TlsMode::Prefer),
        }
    }

    /// The client certificate and key the settings name: both or neither, never one alone.
    pub fn client_pair(
        &self,
        cert: Option<String>,
        key: Option<String>,
    ) -> Result<Option<(PathBuf, PathBuf)>, TlsSettingError> {
        match (cert, key) {
            (Some(cert), Some(key)) => Ok(Some((PathBuf::from(cert), PathBuf::from(key)))),
            (Some(_), None) => Err(missing_pair(self.key, self.cert)),
            (None, Some(_)) => Err(missing_pair(self.cert, self.key)),
            (None, None) => Ok(None),
        }
    }

    /// The accepted values, for a message: `disable, allow, ... or verify-full`.
    pub fn choices(&self) -> String {
        let names: Vec<&str> = self.accepts.iter().map(|(name, _)| *name).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.join(""),
        }
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
    /// How the settings are named, for messages and for the backup tools.
    pub spelling: &'static TlsSpelling,
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

impl TlsSettings {
    /// Checks that every file the settings name can be read.
    pub fn check_files(&self) -> Result<(), TlsSettingError> {
        let spelling = self.spelling;
        if self.mode == TlsMode::Disable {
            return Ok(());
        }
        if let Some(RootCert::File(path)) = &self.root_cert {
            check_readable(spelling.root, path)?;
        }
        if let Some((cert_path, key_path)) = &self.client_cert {
            check_readable(spelling.cert, cert_path)?;
            check_readable(spelling.key, key_path)?;
        }
        Ok(())
    }

    /// The setting to change for a TLS failure, in words: what the user writes in the URL.
    pub fn mode_setting(&self, mode: TlsMode) -> String {
        format!("{}={}", self.spelling.mode, self.spelling.write(mode))
    }

    /// The root setting's name (`sslrootcert`, `ssl-ca`).
    pub fn root_setting(&self) -> &'static str {
        self.spelling.root
    }
}

/// The error for a client certificate given without its key, or the other way round.
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
