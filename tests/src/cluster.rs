//! A private PostgreSQL server for the tests that need one configured otherwise than the
//! shared server: password authentication, TLS only, a certificate from an authority of
//! its own (made fresh with `openssl`, so no system store trusts it). It is made from the installed
//! binaries (`initdb`, `pg_ctl`) in a temporary folder, on its own port and socket folder,
//! as the `postgres` OS user when the tests run as root (PostgreSQL refuses to run as
//! root), and stopped and removed when the [`PrivateCluster`] value is dropped.
//!
//! ```no_run
//! use workspace_tests::cluster::{ClusterConfig, PrivateCluster};
//!
//! let cluster = PrivateCluster::start(ClusterConfig { tls_only: true, ..ClusterConfig::default() })?;
//! let url = cluster.url("app", "app-password", "app", "sslmode=require");
//! # let _ = url;
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// How the private server is set up.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// A role `app` with this password owns a database `app`.
    pub app_password: String,
    /// TCP connections must use TLS (`hostssl` only); the server offers TLS either way.
    pub tls_only: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            app_password: "app-password".into(),
            tls_only: false,
        }
    }
}

/// A running private PostgreSQL server; stopped and removed on drop.
#[derive(Debug)]
pub struct PrivateCluster {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    port: u16,
    as_postgres: bool,
}

/// The certificate the shared local server uses (Debian's self-signed "snakeoil"
/// certificate, issued to `localhost`).
pub const SNAKEOIL_CERT: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

impl PrivateCluster {
    /// Creates and starts a server: scram-sha-256 for TCP connections (TLS only with
    /// `tls_only`), trust on its own socket for the test's administration, TLS with a
    /// certificate for `localhost` signed by the cluster's own authority
    /// ([`PrivateCluster::ca_cert`]).
    pub fn start(config: ClusterConfig) -> Result<Self> {
        let bindir = bindir()?;
        let dir = tempfile::Builder::new()
            .prefix("dgs-cluster-")
            .tempdir()
            .context("making the cluster folder")?;
        let as_postgres = is_root();
        let cluster = Self {
            port: free_port()?,
            dir,
            bindir,
            as_postgres,
        };
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(cluster.dir.path()))?;
        }
        cluster.initdb()?;
        cluster.configure(&config)?;
        cluster.pg_start()?;
        cluster.psql(&format!(
            "CREATE ROLE app LOGIN PASSWORD '{}'",
            config.app_password.replace('\'', "''")
        ))?;
        cluster.psql("CREATE DATABASE app OWNER app")?;
        Ok(cluster)
    }

    /// The certificate of the authority that signed the server's (PEM).
    pub fn ca_cert(&self) -> PathBuf {
        self.path("ca.crt")
    }

    /// The folder of its Unix socket (`.s.PGSQL.<port>` inside).
    pub fn socket_dir(&self) -> PathBuf {
        self.path("sock")
    }

    /// The TCP port it listens on (127.0.0.1 only).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for `user` with `password` (percent-encoded here) to `database` over TCP on
    /// `host` (`127.0.0.1` or `localhost`), with `params` as the query string.
    pub fn url_on(
        &self,
        host: &str,
        user: &str,
        password: &str,
        database: &str,
        params: &str,
    ) -> String {
        let password: String = url_encode(password);
        let query = if params.is_empty() {
            String::new()
        } else {
            format!("?{params}")
        };
        format!(
            "postgres://{user}:{password}@{host}:{}/{database}{query}",
            self.port
        )
    }

    /// [`PrivateCluster::url_on`] on 127.0.0.1.
    pub fn url(&self, user: &str, password: &str, database: &str, params: &str) -> String {
        self.url_on("127.0.0.1", user, password, database, params)
    }

    /// Stops the server the way a crash does (`pg_ctl stop -m immediate`): sessions are cut
    /// off mid-statement, nothing is checkpointed, and the next start recovers from the WAL.
    /// The data stays for [`PrivateCluster::restart`].
    pub fn stop_immediate(&self) -> Result<()> {
        self.pg_ctl(&["-m", "immediate", "-w", "stop"], None)
    }

    /// Starts the stopped server again on the same data, port and socket folder, and waits
    /// until it accepts connections (after crash recovery, when it was stopped by
    /// [`PrivateCluster::stop_immediate`]).
    pub fn restart(&self) -> Result<()> {
        self.pg_start()
    }

    fn pg_start(&self) -> Result<()> {
        self.pg_ctl(
            &["-w", "-t", "60", "start", "-l"],
            Some(&self.path("server.log")),
        )
    }

    /// Runs SQL as the superuser in the `postgres` database; returns the output rows.
    pub fn psql(&self, sql: &str) -> Result<String> {
        self.psql_in("postgres", sql)
    }

    /// Runs SQL as the superuser in `database` over the cluster's socket; returns the
    /// output rows.
    pub fn psql_in(&self, database: &str, sql: &str) -> Result<String> {
        let output = self
            .command("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-U",
                "postgres",
                "-d",
            ])
            .arg(database)
            .arg("-h")
            .arg(self.path("sock"))
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-c")
            .arg(sql)
            .output()
            .context("running psql")?;
        checked("psql", output)
    }

    fn initdb(&self) -> Result<()> {
        let output = self
            .command(&self.bindir.join("initdb").display().to_string())
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .arg("-D")
            .arg(self.path("data"))
            .output()
            .context("running initdb")?;
        checked("initdb", output).map(|_| ())
    }

    fn configure(&self, config: &ClusterConfig) -> Result<()> {
        let data = self.path("data");
        let sock = self.path("sock");
        std::fs::create_dir_all(&sock)?;
        make_certificates(self.dir.path(), &data)?;
        let conf = format!(
            "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
             shared_buffers = 16MB\nmax_connections = 40\n",
            self.port,
            sock.display()
        );
        append(&data.join("postgresql.conf"), &conf)?;
        let tcp = if config.tls_only { "hostssl" } else { "host" };
        let hba = format!("local all all trust\n{tcp} all all 127.0.0.1/32 scram-sha-256\n");
        std::fs::write(data.join("pg_hba.conf"), hba)?;
        if self.as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(self.dir.path()))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                data.join("server.key"),
                std::fs::Permissions::from_mode(0o600),
            )?;
        }
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str], log: Option<&Path>) -> Result<()> {
        let mut command = self.command(&self.bindir.join("pg_ctl").display().to_string());
        command.arg("-D").arg(self.path("data")).args(args);
        if let Some(log) = log {
            command.arg(log);
        }
        let output = command.output().context("running pg_ctl")?;
        if !output.status.success() {
            let log = std::fs::read_to_string(self.path("server.log")).unwrap_or_default();
            bail!(
                "pg_ctl {args:?} failed: {}\n{log}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }

    fn command(&self, program: &str) -> Command {
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--", program]);
            command
        } else {
            Command::new(program)
        };
        command
            .current_dir(self.dir.path())
            .env_remove("PGPASSWORD");
        command
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"], None);
    }
}

/// An authority (`ca.crt` in `dir`) and a server certificate for `localhost` it signed
/// (`server.crt`, `server.key` in `data`).
pub fn make_certificates(dir: &Path, data: &Path) -> Result<()> {
    make_authority(dir, "ca", "dgs test authority")?;
    let ext = dir.join("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )?;
    run(Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(data.join("server.key"))
        .arg("-out")
        .arg(dir.join("server.csr")))?;
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
        .arg("-in")
        .arg(dir.join("server.csr"))
        .arg("-CA")
        .arg(dir.join("ca.crt"))
        .arg("-CAkey")
        .arg(dir.join("ca.key"))
        .arg("-extfile")
        .arg(&ext)
        .arg("-out")
        .arg(data.join("server.crt")))
}

/// A self-signed authority `<name>.crt` / `<name>.key` in `dir`.
pub fn make_authority(dir: &Path, name: &str, common_name: &str) -> Result<PathBuf> {
    let cert = dir.join(format!("{name}.crt"));
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .arg("-subj")
        .arg(format!("/CN={common_name}"))
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        .arg("-keyout")
        .arg(dir.join(format!("{name}.key")))
        .arg("-out")
        .arg(&cert))?;
    Ok(cert)
}

/// The folder of the installed server binaries: `pg_config --bindir`, else the newest
/// `/usr/lib/postgresql/<version>/bin`.
fn bindir() -> Result<PathBuf> {
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("no PostgreSQL server binaries: install the server package (initdb, pg_ctl)")?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|dir| dir.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .context("no initdb under /usr/lib/postgresql: install the PostgreSQL server package")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    checked(&format!("{command:?}"), output).map(|_| ())
}

fn checked(what: &str, output: Output) -> Result<String> {
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// Percent-encodes everything but unreserved characters, as a URL's user-info needs.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
