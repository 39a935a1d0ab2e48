//! MySQL's and MariaDB's backup: `mysqldump` or `mariadb-dump`, the password through
//! `MYSQL_PWD`.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::db::backup::{file_name, Backup, BackupError, Pending};
use crate::db::tls::{RootCert, TlsMode, TlsSettings};

/// Backs up into `dir`, naming the file after the database, the time and `revision`.
pub fn backup(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    mysql_dump(url, dir, revision)
}

/// MySQL / MariaDB: `mysqldump` (or `mariadb-dump`, where only that name is installed)
/// as one consistent snapshot (`--single-transaction`, InnoDB), routines and triggers
/// included, written as SQL text into a `.sql` file of mode 0600. The password goes
/// through `MYSQL_PWD`, never the command line.
fn mysql_dump(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let (options, tls) = crate::dialect::mysql::connect::options(url)
        .map_err(|e| BackupError::BadUrl(e.to_string()))?;
    let Some(database) = options.get_database().map(str::to_owned) else {
        return Err(BackupError::BadUrl(
            "a MySQL URL must name the database to back up".into(),
        ));
    };
    let name = file_name(&database, revision, chrono::Utc::now()).replace(".dump", ".sql");
    let mut last_missing = "mysqldump";
    for tool in ["mysqldump", "mariadb-dump"] {
        let (pending, file) = Pending::create(dir, &name)?;
        let mut command = Command::new(tool);
        command
            .args([
                "--single-transaction",
                "--routines",
                "--triggers",
                "--no-tablespaces",
            ])
            .args(mysql_place_args(&options))
            .arg(format!("--user={}", options.get_username()))
            .args(mysql_tls_args(&tls, is_mariadb_tool(tool)))
            .arg(&database)
            .env_remove("MYSQL_PWD")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(Stdio::piped());
        if let Some(password) = crate::db::password_of(url) {
            command.env("MYSQL_PWD", password);
        }
        let output = match command.output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                pending.discard();
                last_missing = tool;
                continue;
            }
            Err(source) => return Err(pending.fail(source)),
        };
        if !output.status.success() {
            pending.discard();
            return Err(BackupError::ToolFailed {
                tool,
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            });
        }
        return pending.finish(tool);
    }
    Err(BackupError::ToolMissing { tool: last_missing })
}

/// Where the dump tool connects: the socket the URL names, or TCP to its host and port
/// (`--protocol=TCP`, since the MySQL tools take `localhost` to mean the default socket,
/// which may be another server than the URL's port).
fn mysql_place_args(options: &sqlx::mysql::MySqlConnectOptions) -> Vec<String> {
    match options.get_socket() {
        Some(socket) => vec![format!("--socket={}", socket.display())],
        None => vec![
            "--protocol=TCP".to_owned(),
            format!("--host={}", options.get_host()),
            format!("--port={}", options.get_port()),
        ],
    }
}

/// Whether the dump tool is MariaDB's, whose TLS flags differ from MySQL's (`--ssl` and
/// `--ssl-verify-server-cert` where MySQL has `--ssl-mode`).
fn is_mariadb_tool(tool: &str) -> bool {
    tool.starts_with("mariadb")
        || Command::new(tool)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("MariaDB"))
}

/// The dump tool's TLS flags for the connection's settings.
pub fn mysql_tls_args(tls: &TlsSettings, mariadb: bool) -> Vec<String> {
    let mut args = Vec::new();
    if mariadb {
        match tls.mode {
            TlsMode::Disable => args.push("--skip-ssl".to_owned()),
            TlsMode::Allow | TlsMode::Prefer => {}
            TlsMode::Require | TlsMode::VerifyCa => args.push("--ssl".to_owned()),
            TlsMode::VerifyFull => {
                args.push("--ssl".to_owned());
                args.push("--ssl-verify-server-cert".to_owned());
            }
        }
    } else if tls.mode != TlsMode::Allow {
        args.push(format!("--ssl-mode={}", tls.spelling.write(tls.mode)));
    }
    if tls.mode != TlsMode::Disable {
        if let Some(RootCert::File(path)) = &tls.root_cert {
            args.push(format!("--ssl-ca={}", path.display()));
        }
        if let Some((cert, key)) = &tls.client_cert {
            args.push(format!("--ssl-cert={}", cert.display()));
            args.push(format!("--ssl-key={}", key.display()));
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_dump_tools_get_their_own_tls_flags() {
        let tls = |url: &str| super::super::tls::from_url(url).unwrap();
        let required = tls("mysql://db/app?ssl-mode=REQUIRED");
        assert_eq!(mysql_tls_args(&required, true), vec!["--ssl"]);
        assert_eq!(
            mysql_tls_args(&required, false),
            vec!["--ssl-mode=REQUIRED"]
        );
        let disabled = tls("mysql://db/app?ssl-mode=DISABLED");
        assert_eq!(mysql_tls_args(&disabled, true), vec!["--skip-ssl"]);
        assert!(mysql_tls_args(&tls("mysql://db/app"), true).is_empty());
    }
}
