//! The read-only commands: `current` (where the database stands), `history`, `heads` and
//! `show` (what the files say). Only `current` and `history -i` read the database, without
//! the migration lock, so they answer while a migration runs.

use std::collections::BTreeSet;

use chrono::SecondsFormat;
use serde::Serialize;

use crate::apply::read_heads;
use crate::revision::{ResolvedTarget, RevisionFile, RevisionId, RevisionSet, Target};

use super::exit::{Code, Exit};
use super::{Format, HistoryArgs, Output, Settings, ShowArgs};

/// One revision as `--format json` lists it.
#[derive(Serialize)]
struct Listed<'a> {
    revision: &'a RevisionId,
    down_revisions: &'a [RevisionId],
    message: &'a str,
    created: String,
    path: String,
    transactional: bool,
    is_head: bool,
    is_branch_point: bool,
    is_merge_point: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_current: Option<bool>,
}

fn listed<'a>(set: &RevisionSet, file: &'a RevisionFile, current: Option<bool>) -> Listed<'a> {
    Listed {
        revision: &file.revision,
        down_revisions: &file.down_revisions,
        message: &file.message,
        created: file.created.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        path: file.path.display().to_string(),
        transactional: file.transactional,
        is_head: set.is_head(&file.revision),
        is_branch_point: set.children(&file.revision).len() > 1,
        is_merge_point: file.is_merge(),
        is_current: current,
    }
}

/// A head the database records, as `current --format json` lists it.
#[derive(Serialize)]
struct CurrentHead<'a> {
    revision: &'a RevisionId,
    message: Option<&'a str>,
    is_head: bool,
    known: bool,
}

#[derive(Serialize)]
struct CurrentReport<'a> {
    heads: Vec<CurrentHead<'a>>,
    pending: Vec<RevisionId>,
}

/// Runs `migrate current`.
pub async fn current(settings: &Settings, out: &Output) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    let mut db = settings.connect().await?;
    let heads = read_heads(&mut db, &settings.history_tables).await?;
    let pending = pending(&set, &heads);
    let report = CurrentReport {
        heads: heads
            .iter()
            .map(|id| CurrentHead {
                revision: id,
                message: set.get(id).map(|f| f.message.as_str()),
                is_head: set.is_head(id),
                known: set.contains(id),
            })
            .collect(),
        pending,
    };
    if out.format() == Format::Json {
        out.json(&report)?;
        return Ok(Code::Ok);
    }
    if report.heads.is_empty() {
        out.line("base (no revision applied)");
    }
    for head in &report.heads {
        out.line(match head.message {
            Some(message) if head.is_head => format!("{} (head), {message}", head.revision),
            Some(message) => format!("{}, {message}", head.revision),
            None => format!(
                "{} (unknown: no file in {} defines it)",
                head.revision,
                set.versions_dir().display()
            ),
        });
    }
    if !report.pending.is_empty() {
        let count = report.pending.len();
        out.info(format!(
            "{count} revision{} pending; `migrate upgrade heads` applies {}.",
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" }
        ));
    }
    Ok(Code::Ok)
}

/// What an upgrade to every head would apply; empty when that cannot be told (unknown
/// recorded revisions).
fn pending(set: &RevisionSet, heads: &[RevisionId]) -> Vec<RevisionId> {
    if heads.iter().any(|h| !set.contains(h)) {
        return Vec::new();
    }
    let mut applied = BTreeSet::new();
    for head in heads {
        applied.extend(set.ancestors(head));
        applied.insert(head.clone());
    }
    set.upgrade_plan(&applied, &Target::Heads)
        .unwrap_or_default()
}

/// Runs `migrate history`.
pub async fn history(settings: &Settings, out: &Output, args: &HistoryArgs) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    let current: Option<Vec<RevisionId>> = if args.indicate_current {
        let mut db = settings.connect().await?;
        Some(read_heads(&mut db, &settings.history_tables).await?)
    } else {
        None
    };
    let is_current = |id: &RevisionId| current.as_ref().map(|heads| heads.contains(id));
    let files: Vec<&RevisionFile> = set.history().into_iter().rev().collect();
    if out.format() == Format::Json {
        let revisions: Vec<Listed<'_>> = files
            .iter()
            .map(|f| listed(&set, f, is_current(&f.revision)))
            .collect();
        out.json(&serde_json::json!({ "revisions": revisions }))?;
        return Ok(Code::Ok);
    }
    if files.is_empty() {
        out.info(format!("No revisions in {}.", set.versions_dir().display()));
    }
    for file in files {
        let parents = if file.is_base() {
            "<base>".to_owned()
        } else {
            ids(&file.down_revisions)
        };
        out.line(format!(
            "{parents} -> {}{}, {}",
            file.revision,
            markers(&set, file, is_current(&file.revision).unwrap_or(false)),
            file.message
        ));
    }
    Ok(Code::Ok)
}

/// ` (head) (branchpoint) (mergepoint) (current)`, as they apply.
fn markers(set: &RevisionSet, file: &RevisionFile, current: bool) -> String {
    let mut text = String::new();
    if set.is_head(&file.revision) {
        text.push_str(" (head)");
    }
    if set.children(&file.revision).len() > 1 {
        text.push_str(" (branchpoint)");
    }
    if file.is_merge() {
        text.push_str(" (mergepoint)");
    }
    if current {
        text.push_str(" (current)");
    }
    text
}

fn ids(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `migrate heads`.
pub fn heads(settings: &Settings, out: &Output) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    let heads: Vec<&RevisionFile> = set.heads().iter().filter_map(|id| set.get(id)).collect();
    if out.format() == Format::Json {
        let heads: Vec<Listed<'_>> = heads.iter().map(|f| listed(&set, f, None)).collect();
        out.json(&serde_json::json!({ "heads": heads }))?;
        return Ok(Code::Ok);
    }
    if heads.is_empty() {
        out.info(format!("No revisions in {}.", set.versions_dir().display()));
    }
    for file in heads {
        out.line(format!("{} (head), {}", file.revision, file.message));
    }
    Ok(Code::Ok)
}

/// Runs `migrate show`.
pub fn show(settings: &Settings, out: &Output, args: &ShowArgs) -> Result<Code, Exit> {
    let set = settings.load_existing()?;
    let target: Target = args.revision.parse()?;
    let ids = match set.resolve_target(&target, &BTreeSet::new())? {
        ResolvedTarget::Base => {
            return Err(Exit::usage(
                "base is the state before the first revision, not a revision to show",
            ))
        }
        ResolvedTarget::Revisions(ids) => ids,
    };
    let files = set
        .history()
        .into_iter()
        .filter(|f| ids.contains(&f.revision));
    for (index, file) in files.enumerate() {
        if index > 0 {
            out.line("");
        }
        print_file(out, &set, file);
    }
    Ok(Code::Ok)
}

fn print_file(out: &Output, set: &RevisionSet, file: &RevisionFile) {
    let none = || "none".to_owned();
    let parents = if file.is_base() {
        "<base>".to_owned()
    } else {
        ids(&file.down_revisions)
    };
    let children = set.children(&file.revision);
    let fields = [
        (
            "Rev",
            format!("{}{}", file.revision, markers(set, file, false)),
        ),
        ("Parent", parents),
        (
            "Children",
            if children.is_empty() {
                none()
            } else {
                ids(children)
            },
        ),
        ("Path", file.path.display().to_string()),
        (
            "Created",
            file.created.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        ),
        ("Dialect", file.dialect.to_string()),
        ("Transactional", file.transactional.to_string()),
        ("Checksum", file.checksum.to_hex()),
    ];
    for (label, value) in fields {
        out.line(format!("{} {value}", out.bold(&format!("{label}:"))));
    }
    out.line("");
    out.line(format!("    {}", file.message));
    out.line("");
    out.line(out.dim("-- +up"));
    if !file.up.is_empty() {
        out.line(&file.up);
    }
    out.line("");
    out.line(out.dim("-- +down"));
    if !file.down.is_empty() {
        out.line(&file.down);
    }
}
