//! `migrate init --from-db`: adopt an existing database. The models that declare it, a
//! report of what they leave out, a baseline revision, and the database stamped at it;
//! nothing is written unless the models, compared with the database, show no drift.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::adopt::{self, Layout, OutputFile};
use crate::revision::{write_new, RevisionFile, Target};

use super::exit::{Code, Exit};
use super::{InitArgs, Output, Settings};

/// The report's file name, beside the models.
pub const REPORT_FILE: &str = "adoption-report.md";

/// What `--format json` prints.
#[derive(Serialize)]
struct Summary<'a> {
    tables: usize,
    enum_types: usize,
    files: Vec<String>,
    baseline: Option<String>,
    stamped: bool,
    dry_run: bool,
    history_tables_of_other_tools: &'a [adopt::ForeignHistory],
    left_to_hand_written_revisions: Vec<String>,
}

/// Runs `migrate init --from-db`.
pub async fn run(settings: &Settings, out: &Output, args: &InitArgs) -> Result<Code, Exit> {
    let set = settings.load()?;
    if !set.is_empty() {
        return Err(Exit::usage(format!(
            "{} already holds {} revision{}: `init --from-db` starts a history, so it needs an empty --dir (or a new one)",
            crate::revision::versions_dir(&settings.dir).display(),
            set.len(),
            if set.len() == 1 { "" } else { "s" }
        )));
    }
    let layout = layout(args)?;
    let mut db = settings.connect().await?;
    if db
        .history_exists(&settings.history_tables)
        .await
        .map_err(super::db_exit)?
    {
        return Err(Exit::usage(format!(
            "the database already has a migration history in {}: it is adopted already; `migrate check` compares it with the models",
            settings.history_tables.version()
        )));
    }
    let adopted = adopt::adopt(&mut db, &settings.filter)
        .await
        .map_err(|e| match e {
            adopt::RunError::Db(e) => super::db_exit(e),
            other => Exit::new(Code::Usage, other),
        })?;
    if !adopted.comparison.ops.is_empty() {
        let ops: Vec<String> = adopted
            .comparison
            .ops
            .iter()
            .map(|op| format!("  {}", op.describe()))
            .collect();
        return Err(Exit::new(
            Code::Drift,
            anyhow::anyhow!(
                "the generated models would still differ from the database, so nothing was written (please report this with the objects named):\n{}",
                ops.join("\n")
            ),
        ));
    }
    let composed =
        adopt::baseline(&adopted, &args.message).map_err(|e| Exit::new(Code::Usage, e))?;
    // Usually one file; a baseline of thousands of tables comes in parts, and the database
    // is stamped at the last.
    let parts: Vec<RevisionFile> = composed
        .into_iter()
        .map(|c| RevisionFile::new(c.revision))
        .collect();
    let baseline = parts.last();
    let database =
        crate::workflow::defaults::describe(settings.database_url.as_deref().unwrap_or_default());
    let report_text = adopt::report(&adopted, &database, baseline.map(|b| b.revision.as_str()));
    let mut files =
        adopt::files(&adopted.adoption, &layout).map_err(|e| Exit::new(Code::Usage, e))?;
    files.push(OutputFile {
        path: report_dir(&layout).join(REPORT_FILE),
        text: report_text,
    });
    let summary = |stamped: bool| Summary {
        tables: adopted.adoption.models.len(),
        enum_types: adopted.adoption.enums.len(),
        files: files.iter().map(|f| f.path.display().to_string()).collect(),
        baseline: baseline.map(|b| b.revision.as_str().to_string()),
        stamped,
        dry_run: args.dry_run,
        history_tables_of_other_tools: &adopted.foreign,
        left_to_hand_written_revisions: adopted
            .others
            .iter()
            .map(|o| o.describe())
            .chain(adopted.comparison.unmanaged.iter().map(|u| u.describe()))
            .chain(
                adopted
                    .adoption
                    .left_out
                    .iter()
                    .map(|l| format!("{} {}: {}", l.kind, l.name, l.why)),
            )
            .collect(),
    };
    if args.dry_run {
        if out.format() == super::Format::Json {
            out.json(&summary(false))?;
            return Ok(Code::Ok);
        }
        for file in &files {
            out.line(out.bold(&format!("==> {} <==", file.path.display())));
            out.line(&file.text);
        }
        for file in &parts {
            out.line(out.bold(&format!(
                    "==> {} <==",
                    crate::revision::versions_dir(&settings.dir)
                        .join(file.file_name())
                        .display()
                )));
            out.line(file.render());
        }
        out.info("Dry run: nothing was written and the database was not stamped.");
        return Ok(Code::Ok);
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|f| f.path.exists() && !f.path.ends_with(REPORT_FILE))
        .map(|f| f.path.display().to_string())
        .collect();
    if !existing.is_empty() && !args.force {
        return Err(Exit::usage(format!(
            "these files exist and would be overwritten: {}; pass --force to overwrite them, or choose another --crate or --module",
            existing.join(", ")
        )));
    }
    for file in &files {
        write_file(file)?;
    }
    let mut stamped = false;
    if let Some((last, earlier)) = parts.split_last() {
        for part in earlier {
            write_new(&settings.dir, part.clone())?;
        }
        let written = write_new(&settings.dir, last.clone())?;
        let set = settings.load()?;
        let mut session = settings.begin_session(&mut db, out, false).await?;
        let outcome = session
            .stamp(
                &set,
                &Target::Revision(written.revision.as_str().to_string()),
            )
            .await;
        let finished = session.finish().await;
        outcome?;
        finished?;
        stamped = true;
        if out.format() == super::Format::Human {
            if !earlier.is_empty() {
                out.info(format!(
                    "The baseline would hold more locks than one transaction should take, so it \
                     is written in {} parts, each applied in a transaction of its own.",
                    parts.len()
                ));
            }
            out.info(format!(
                "Wrote the baseline {} and stamped the database at it; no SQL ran.",
                written.path.display()
            ));
        }
    }
    if out.format() == super::Format::Json {
        out.json(&summary(stamped))?;
        return Ok(Code::Ok);
    }
    human_summary(out, &adopted, &files, &layout);
    Ok(Code::Ok)
}

fn layout(args: &InitArgs) -> Result<Layout, Exit> {
    let per_table = !args.single_file;
    if let Some(dir) = &args.module {
        return Ok(Layout::Module {
            dir: dir.clone(),
            per_table,
        });
    }
    let dir = args
        .crate_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("models"));
    let name = match &args.crate_name {
        Some(name) => name.clone(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().replace(' ', "-"))
            .filter(|n| !n.is_empty() && n != "." && n != "..")
            .ok_or_else(|| {
                Exit::usage(format!(
                    "cannot name a crate after {}; give --crate-name",
                    dir.display()
                ))
            })?,
    };
    Ok(Layout::NewCrate {
        dir,
        name,
        per_table,
    })
}

/// Where the report goes: the crate's directory, or the module's.
fn report_dir(layout: &Layout) -> PathBuf {
    match layout {
        Layout::NewCrate { dir, .. } => dir.clone(),
        Layout::Module {
            dir,
            per_table: true,
        } => dir.clone(),
        Layout::Module {
            dir,
            per_table: false,
        } => dir
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    }
}

fn write_file(file: &OutputFile) -> Result<(), Exit> {
    let fail = |e: std::io::Error| {
        Exit::new(
            Code::Usage,
            anyhow::anyhow!("could not write {}: {e}", file.path.display()),
        )
    };
    if let Some(parent) = file.path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(&file.path, &file.text).map_err(fail)
}

fn human_summary(out: &Output, adopted: &adopt::Adopted, files: &[OutputFile], layout: &Layout) {
    let adoption = &adopted.adoption;
    out.info(format!(
        "Declared {} tables and {} enum types in {} files; `migrate check` finds no drift.",
        adoption.models.len(),
        adoption.enums.len(),
        files.len()
    ));
    for found in &adopted.foreign {
        out.info(format!(
            "Left out {} ({}): another tool's history.",
            found.table, found.tool
        ));
    }
    let left = adopted.others.len() + adopted.comparison.unmanaged.len() + adoption.left_out.len();
    if left > 0 {
        out.info(format!(
            "{left} {} the models cannot state {} listed in {} for hand-written revisions.",
            if left == 1 { "object" } else { "objects" },
            if left == 1 { "is" } else { "are" },
            report_dir(layout).join(REPORT_FILE).display()
        ));
    }
    let crates: Vec<&str> = adoption.crates().iter().map(|c| c.name()).collect();
    match layout {
        Layout::NewCrate { dir, name, .. } => out.info(format!(
            "Next: depend on the crate from the `migrate` binary ({name} = {{ path = \"{}\" }}), pass `models: Some({}::link())` to migrator::cli::App, and commit it with migrations/.",
            dir.display(),
            name.replace('-', "_")
        )),
        Layout::Module { dir, .. } => out.info(format!(
            "Next: declare the module (`mod {};`) in the models crate{}, and commit it with migrations/.",
            dir.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default(),
            if crates.is_empty() {
                String::new()
            } else {
                format!(" (it needs the crates {} and schema-runtime's features of the same names)", crates.join(", "))
            }
        )),
    }
}
