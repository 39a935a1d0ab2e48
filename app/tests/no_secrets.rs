//! No output anywhere holds a password. Every form a password can take in a database URL
//! (user-info, `password=` parameter, unencoded characters that break the URL) is run
//! against a private server that really checks passwords (TLS only, scram-sha-256), through
//! every output: the smart migrator's banner, each error path (bad URL, refused,
//! unreachable), `-v`, `-vv`, `MIGRATE_LOG`, `RUST_LOG`, JSON, the CI summary file, backup
//! file names and the backup tool's command line. A run that connects proves the password
//! reached the server, so hiding it never came from dropping it.

mod smart_kit;

use std::path::Path;

use smart_kit::{Bin, Project, Run};
use workspace_tests::cluster::{url_encode, ClusterConfig, PrivateCluster};

/// The password; every form of it shows `sEcReT`, which no output may contain.
const PASSWORD: &str = "Zk/9sEcReT7@q:x";
const MARK: &str = "sEcReT";

/// The URL forms, each on its own database so that each form's first run migrates (and
/// backs up) it; `None` where the form cannot connect, with the exit code expected.
fn forms(cluster: &PrivateCluster) -> Vec<(&'static str, String, i32)> {
    let port = cluster.port();
    let encoded = url_encode(PASSWORD);
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(1);
    vec![
        (
            "user-info",
            format!("postgres://app:{encoded}@127.0.0.1:{port}/form_a?sslmode=require"),
            0,
        ),
        (
            "password parameter",
            format!("postgres://app@127.0.0.1:{port}/form_b?sslmode=require&password={encoded}"),
            0,
        ),
        (
            "unencoded",
            format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/form_a"),
            2,
        ),
        (
            "refused",
            format!("postgres://app:{encoded}@127.0.0.1:{port}/nowhere?sslmode=require"),
            3,
        ),
        (
            "refused, parameter",
            format!("postgres://app@127.0.0.1:{port}/nowhere?password={encoded}"),
            3,
        ),
        (
            "unreachable",
            format!("postgres://app:{encoded}@127.0.0.1:{gone}/form_a"),
            3,
        ),
    ]
}

/// One output to check: a label, the arguments, the environment.
type Output<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// A `pg_dump` in front of the real one that writes its arguments to `args.txt`.
fn recording_pg_dump(dir: &Path) -> String {
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v pg_dump"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    assert!(!real.is_empty(), "pg_dump is not installed");
    let script = dir.join("pg_dump");
    let args = dir.join("args.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec '{real}' \"$@\"\n",
            args.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(MARK), "{what} shows the password:\n{text}");
}

/// Runs `migrate ARGS` with `url`, the log variables as given (none by default).
fn run(project: &Project, url: &str, args: &[&str], env: &[(&str, &str)], path: &str) -> Run {
    let mut invocation = project.invoke(Bin::Migrate, args).database_url(Some(url));
    for (name, value) in env {
        invocation = invocation.env(name, value);
    }
    let mut command = invocation.command();
    command.env("PATH", path).env("COLUMNS", "200");
    if !env.iter().any(|(name, _)| *name == "MIGRATE_LOG") {
        command.env_remove("MIGRATE_LOG");
    }
    let output = command.output().unwrap();
    invocation.finish(output)
}

#[tokio::test]
async fn no_output_holds_the_password_in_any_url_form() {
    let cluster = PrivateCluster::start(ClusterConfig {
        app_password: PASSWORD.into(),
        tls_only: true,
    })
    .unwrap();
    for database in ["form_a", "form_b"] {
        cluster
            .psql(&format!("CREATE DATABASE {database} OWNER app"))
            .unwrap();
    }
    let project = Project::new().await;
    let tools = tempfile::tempdir().unwrap();
    let path = recording_pg_dump(tools.path());
    let summary = project.path().join("summary.md");
    let summary_arg = summary.display().to_string();
    let mut connected = 0;
    for (form, url, code) in forms(&cluster) {
        let wait = ["--wait-timeout", "1"];
        let runs: Vec<Output<'_>> = vec![
            ("smart migrator, --backup", vec!["--backup"], vec![]),
            ("current", vec!["current"], vec![]),
            ("current -v", vec!["current", "-v"], vec![]),
            ("current -vv", vec!["current", "-vv"], vec![]),
            (
                "MIGRATE_LOG=trace",
                vec!["current"],
                vec![("MIGRATE_LOG", "trace")],
            ),
            (
                "RUST_LOG=trace",
                vec!["current", "-vv"],
                vec![("RUST_LOG", "trace")],
            ),
            ("--format json", vec!["--format", "json", "current"], vec![]),
            (
                "check --summary",
                vec!["check", "--summary", &summary_arg],
                vec![],
            ),
            ("production", vec![], vec![("DGS_ENV", "production")]),
        ];
        for (what, args, env) in runs {
            let args: Vec<&str> = wait.iter().copied().chain(args).collect();
            let result = run(&project, &url, &args, &env, &path);
            let label = format!("{form} / {what}");
            assert_clean(&label, &result.output());
            if code == 0 {
                assert!(
                    result.code == 0 || (what == "check --summary" && result.code == 1),
                    "{label}: {}",
                    result.transcript()
                );
            } else {
                assert_eq!(result.code, code, "{label}: {}", result.transcript());
            }
            if what == "smart migrator, --backup" && code == 0 {
                connected += 1;
                assert!(
                    result.stdout.contains("migrate: development environment"),
                    "{}",
                    result.stdout
                );
            }
        }
        if let Ok(text) = std::fs::read_to_string(&summary) {
            assert_clean(&format!("{form} / summary file"), &text);
        }
    }
    assert_eq!(connected, 2, "both connecting forms reached the server");
    let backups = project.backup_files();
    assert_eq!(
        backups.len(),
        2,
        "one backup per connecting form: {backups:?}"
    );
    for name in &backups {
        assert_clean("backup file name", name);
    }
    let args = std::fs::read_to_string(tools.path().join("args.txt")).unwrap();
    assert!(args.contains("--format=custom"), "{args}");
    assert_clean("pg_dump's command line", &args);
}
