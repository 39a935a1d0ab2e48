//! PostgreSQL's backup: `pg_dump` in its custom format (restorable with `pg_restore`),
//! with mode 0600. The password reaches `pg_dump` through its environment, never its
//! command line, where any user of the machine could read it.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::db::backup::{file_name, Backup, BackupError, Pending};
use crate::db::tls::RootCert;

/// Backs up into `dir`, naming the file after the database, the time and `revision`.
pub fn backup(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    pg_dump(url, dir, revision)
}

fn pg_dump(url: &str, dir: &Path, revision: &str) -> Result<Backup, BackupError> {
    let environment = pg_dump_environment(url)?;
    let database = environment
        .iter()
        .find(|(name, _)| *name == "PGDATABASE")
        .map_or_else(|| "postgres".to_owned(), |(_, value)| value.clone());
    let (pending, file) =
        Pending::create(dir, &file_name(&database, revision, chrono::Utc::now()))?;
    let mut command = Command::new("pg_dump");
    command
        .args(PG_DUMP_ARGS)
        .envs(environment)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::piped());
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            pending.discard();
            return Err(BackupError::ToolMissing { tool: "pg_dump" });
        }
        Err(source) => return Err(pending.fail(source)),
    };
    if !output.status.success() {
        pending.discard();
        return Err(BackupError::ToolFailed {
            tool: "pg_dump",
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    pending.finish("pg_dump")
}

/// `pg_dump`'s arguments: everything about the connection goes through its environment.
const PG_DUMP_ARGS: [&str; 2] = ["--format=custom", "--no-password"];

/// The libpq variables that make `pg_dump` connect where the migrator did: host or socket
/// folder, port, user, database, the password from whichever form the URL holds it in, and
/// the TLS settings (mode, root, client certificate). What the URL does not say is left to
/// the variables the process already has, as the migrator's own connection left it.
pub fn pg_dump_environment(url: &str) -> Result<Vec<(&'static str, String)>, BackupError> {
    let (options, tls) = crate::dialect::postgres::connect::options(url)
        .map_err(|e| BackupError::BadUrl(e.to_string()))?;
    let host = match options.get_socket() {
        Some(socket) => socket.display().to_string(),
        None => options.get_host().to_owned(),
    };
    let mut environment = vec![
        ("PGHOST", host),
        ("PGPORT", options.get_port().to_string()),
        ("PGUSER", options.get_username().to_owned()),
        (
            "PGDATABASE",
            options.get_database().unwrap_or("postgres").to_owned(),
        ),
        ("PGAPPNAME", "migrate-backup".to_owned()),
        ("PGSSLMODE", tls.spelling.write(tls.mode).to_owned()),
    ];
    if let Some(password) = crate::db::password_of(url) {
        environment.push(("PGPASSWORD", password));
    }
    match &tls.root_cert {
        Some(RootCert::File(path)) => {
            environment.push(("PGSSLROOTCERT", path.display().to_string()))
        }
        Some(RootCert::System) => environment.push(("PGSSLROOTCERT", system_bundle())),
        None => {}
    }
    if let Some((cert, key)) = &tls.client_cert {
        environment.push(("PGSSLCERT", cert.display().to_string()));
        environment.push(("PGSSLKEY", key.display().to_string()));
    }
    if let Some(server_options) = options.get_options() {
        environment.push(("PGOPTIONS", server_options.to_owned()));
    }
    Ok(environment)
}

/// The system's CA bundle as a file, for `sslrootcert=system`: libpq before 16 reads
/// `system` as a file name, so the file is named where one is known.
fn system_bundle() -> String {
    let candidates = [
        std::env::var("SSL_CERT_FILE").ok(),
        Some("/etc/ssl/certs/ca-certificates.crt".to_owned()),
        Some("/etc/pki/tls/certs/ca-bundle.crt".to_owned()),
        Some("/etc/ssl/cert.pem".to_owned()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|path| Path::new(path).exists())
        .unwrap_or_else(|| "system".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_dump_gets_the_password_and_tls_of_every_url_form() {
        let secret = "pw/with@odd:chars";
        let encoded = "pw%2Fwith%40odd%3Achars";
        for url in [
            format!("postgres://app:{encoded}@db:6432/shop?sslmode=require"),
            format!("postgres://app@db:6432/shop?password={encoded}&sslmode=require"),
        ] {
            let environment = pg_dump_environment(&url).unwrap();
            let get = |name: &str| {
                environment
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(get("PGPASSWORD"), Some(secret), "{url}");
            assert_eq!(get("PGSSLMODE"), Some("require"));
            assert_eq!(get("PGHOST"), Some("db"));
            assert_eq!(get("PGPORT"), Some("6432"));
            assert_eq!(get("PGDATABASE"), Some("shop"));
            assert!(!PG_DUMP_ARGS.iter().any(|arg| arg.contains("pw")));
        }
    }
}
