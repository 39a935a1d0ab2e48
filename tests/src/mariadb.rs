//! A private MariaDB server for the tests that need TLS on MySQL's side (the shared one runs
//! without it): made with `mariadb-install-db` in a temporary folder, on its own port and
//! socket, with a certificate for `localhost` from a fresh authority and
//! `require_secure_transport`, so a connection without TLS is turned away. Stopped and
//! removed when the [`PrivateMariadb`] value is dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cluster::make_certificates;

/// A running private MariaDB; `root` without a password over TLS, database `app`.
#[derive(Debug)]
pub struct PrivateMariadb {
    dir: tempfile::TempDir,
    port: u16,
    server: Child,
}

impl PrivateMariadb {
    /// Creates and starts the server, and a database `app`.
    pub fn start() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("dgs-mariadb-")
            .tempdir()
            .context("making the server folder")?;
        let data = dir.path().join("data");
        let tls = dir.path().join("tls");
        std::fs::create_dir_all(&tls)?;
        make_certificates(&tls, &tls)?;
        let installed = Command::new("mariadb-install-db")
            .args([
                "--no-defaults",
                "--user=root",
                "--auth-root-authentication-method=normal",
            ])
            .arg("--skip-test-db")
            .arg(format!("--datadir={}", data.display()))
            .output()
            .context("running mariadb-install-db (install the MariaDB server package)")?;
        if !installed.status.success() {
            bail!(
                "mariadb-install-db failed: {}",
                String::from_utf8_lossy(&installed.stderr)
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let server = Command::new("mariadbd")
            .arg("--no-defaults")
            .arg("--user=root")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--port={port}"))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", dir.path().join("sock").display()))
            .arg(format!("--ssl-cert={}", tls.join("server.crt").display()))
            .arg(format!("--ssl-key={}", tls.join("server.key").display()))
            .arg(format!("--ssl-ca={}", tls.join("ca.crt").display()))
            .args([
                "--require-secure-transport=ON",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("error.log"))?)
            .spawn()
            .context("starting mariadbd")?;
        let mariadb = Self { dir, port, server };
        mariadb.wait_ready()?;
        mariadb.sql("CREATE DATABASE app")?;
        Ok(mariadb)
    }

    fn wait_ready(&self) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if self.sql("SELECT 1").is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default();
        bail!("the private MariaDB did not start within 30 s:\n{log}")
    }

    /// Runs SQL as root over the server's socket.
    pub fn sql(&self, sql: &str) -> Result<String> {
        let output = Command::new("mariadb")
            .arg("--no-defaults")
            .arg(format!(
                "--socket={}",
                self.dir.path().join("sock").display()
            ))
            .args(["-u", "root", "-N", "-B", "-e", sql])
            .output()
            .context("running mariadb")?;
        if !output.status.success() {
            bail!(
                "mariadb failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// `mysql://root@<host>:<port>/app?<params>`.
    pub fn url_on(&self, host: &str, params: &str) -> String {
        let query = if params.is_empty() {
            String::new()
        } else {
            format!("?{params}")
        };
        format!("mysql://root@{host}:{}/app{query}", self.port)
    }

    /// The certificate of the authority that signed the server's.
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.path().join("tls/ca.crt")
    }
}

impl Drop for PrivateMariadb {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
