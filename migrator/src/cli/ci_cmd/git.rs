//! The few git commands `ci-sync` needs, run as subprocesses in the current directory:
//! check for a work tree with nothing staged, then commit exactly one new file. Going
//! through the `git` binary keeps the user's configuration (identity, hooks, signing) in
//! force, as a commit made by hand would.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git command that could not run or refused.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The `git` binary could not be started.
    #[error("cannot run git (is it installed and on PATH?)")]
    NotInstalled(#[source] io::Error),
    /// The current directory is not inside a git work tree.
    #[error(
        "ci-sync commits the migration it generates, so it runs inside a git work tree; {dir} \
         is not in one{}", detail(.stderr)
    )]
    NotAWorkTree {
        /// The current directory.
        dir: PathBuf,
        /// What git said.
        stderr: String,
    },
    /// The index already holds staged changes, which a commit would take along.
    #[error(
        "the git index already has staged changes ({}); ci-sync commits only the migration it \
         generates, so commit or unstage them first", .paths.join(", ")
    )]
    StagedChanges {
        /// The staged paths.
        paths: Vec<String>,
    },
    /// A git command failed.
    #[error("`git {command}` failed{}", detail(.stderr))]
    Failed {
        /// The command, without `git`.
        command: String,
        /// What git said.
        stderr: String,
    },
}

fn detail(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

/// A commit `ci-sync` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The full commit id.
    pub id: String,
    /// The abbreviated id.
    pub short: String,
    /// The subject line.
    pub subject: String,
}

/// The git work tree around the current directory.
#[derive(Debug)]
pub struct Repo(());

impl Repo {
    /// The work tree the current directory is in; an error outside one.
    pub fn here() -> Result<Self, GitError> {
        match git(["rev-parse", "--is-inside-work-tree"]) {
            Ok(out) if out.trim() == "true" => Ok(Self(())),
            Ok(_) => Err(not_a_work_tree(String::new())),
            Err(GitError::Failed { stderr, .. }) => Err(not_a_work_tree(stderr)),
            Err(other) => Err(other),
        }
    }

    /// Fails when anything is staged: a commit would take it along.
    pub fn ensure_nothing_staged(&self) -> Result<(), GitError> {
        let out = git(["diff", "--cached", "--name-only", "-z"])?;
        let paths: Vec<String> = out
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        if paths.is_empty() {
            Ok(())
        } else {
            Err(GitError::StagedChanges { paths })
        }
    }

    /// Stages `paths` and commits them alone: the pathspec makes `git commit` take those
    /// files and nothing else from the index, whatever happened since the check. When the
    /// commit fails, the files are unstaged again.
    pub fn commit_files(&self, paths: &[&Path], message: &str) -> Result<Commit, GitError> {
        let with = |head: &[&'static str]| -> Vec<&OsStr> {
            head.iter()
                .map(|word| OsStr::new(*word))
                .chain(std::iter::once(OsStr::new("--")))
                .chain(paths.iter().map(|p| p.as_os_str()))
                .collect()
        };
        git(with(&["add"]))?;
        let mut commit = vec![
            OsStr::new("commit"),
            OsStr::new("--quiet"),
            OsStr::new("-m"),
            OsStr::new(message),
        ];
        commit.extend(with(&[]));
        if let Err(error) = git(commit) {
            if let Err(e) = git(with(&["rm", "--cached", "--quiet"])) {
                tracing::warn!(error = %e, "could not unstage the generated files");
            }
            return Err(error);
        }
        let out = git(["log", "-1", "--format=%H%n%h%n%s"])?;
        let mut lines = out.lines().map(str::to_string);
        Ok(Commit {
            id: lines.next().unwrap_or_default(),
            short: lines.next().unwrap_or_default(),
            subject: lines.next().unwrap_or_default(),
        })
    }
}

fn not_a_work_tree(stderr: String) -> GitError {
    GitError::NotAWorkTree {
        dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        stderr,
    }
}

/// Runs `git ARGS` in the current directory and returns its standard output.
fn git<I, S>(args: I) -> Result<String, GitError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<S> = args.into_iter().collect();
    let command = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    tracing::debug!(%command, "git");
    let output = Command::new("git")
        .args(&args)
        .output()
        .map_err(GitError::NotInstalled)?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(GitError::Failed {
            command,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}
