//! MySQL's TLS settings, by the MySQL client's rules: `ssl-mode` is `PREFERRED` by default,
//! and `VERIFY_CA` / `VERIFY_IDENTITY` need `ssl-ca`. Only the URL says them.

use std::path::PathBuf;

use crate::db::tls::{RootCert, TlsMode, TlsSettingError, TlsSettings, TlsSpelling};
use crate::db::url::query_value;

/// The MySQL client's names. It has no "allow": plain first is written as `PREFERRED`.
pub static SPELLING: TlsSpelling = TlsSpelling {
    mode: "ssl-mode",
    root: "ssl-ca",
    cert: "ssl-cert",
    key: "ssl-key",
    modes: [
        "DISABLED",
        "PREFERRED",
        "PREFERRED",
        "REQUIRED",
        "VERIFY_CA",
        "VERIFY_IDENTITY",
    ],
    accepts: &[
        ("DISABLED", TlsMode::Disable),
        ("PREFERRED", TlsMode::Prefer),
        ("REQUIRED", TlsMode::Require),
        ("VERIFY_CA", TlsMode::VerifyCa),
        ("VERIFY_IDENTITY", TlsMode::VerifyFull),
    ],
};

/// The URL parameter spellings sqlx accepts, the client's own first.
const MODE: &[&str] = &["ssl-mode", "sslmode"];
const ROOT: &[&str] = &["ssl-ca", "sslca"];
const CERT: &[&str] = &["ssl-cert", "sslcert"];
const KEY: &[&str] = &["ssl-key", "sslkey"];

/// Reads the settings of `url`.
pub fn from_url(url: &str) -> Result<TlsSettings, TlsSettingError> {
    let mode = SPELLING.mode_of(query_value(url, MODE))?;
    let root_cert = query_value(url, ROOT).map(|v| RootCert::File(PathBuf::from(v)));
    if mode.verifies() && root_cert.is_none() {
        return Err(TlsSettingError {
            setting: SPELLING.root,
            problem: format!(
                "is needed with ssl-mode={}: set ssl-ca=/path/to/ca.pem, the authority \
                 that signed the server's certificate",
                SPELLING.write(mode)
            ),
        });
    }
    let client_cert = SPELLING.client_pair(query_value(url, CERT), query_value(url, KEY))?;
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

    #[test]
    fn mysql_reads_its_own_spellings() {
        let settings = from_url("mysql://db/app").unwrap();
        assert_eq!(settings.mode, TlsMode::Prefer);
        let settings = from_url("mysql://db/app?ssl-mode=required").unwrap();
        assert_eq!(settings.mode, TlsMode::Require);
        assert_eq!(settings.mode_setting(TlsMode::Prefer), "ssl-mode=PREFERRED");
        assert_eq!(settings.mode_setting(TlsMode::Allow), "ssl-mode=PREFERRED");
        let error = from_url("mysql://db/app?ssl-mode=VERIFY_CA").unwrap_err();
        assert_eq!(error.setting, "ssl-ca");
        let error = from_url("mysql://db/app?ssl-mode=allow").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY"),
            "{error}"
        );
    }
}
