//! The generated models laid out as files: a new models crate (manifest, build script,
//! root module and one file per table) or a module of an existing crate.

use std::path::{Path, PathBuf};

use super::declare;
use super::kinds::{AdoptError, Convention, Crate};
use super::model::Adoption;
use super::source;

/// How the models are laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A new models crate in this directory: `Cargo.toml`, `build.rs`, `src/lib.rs` and
    /// one file per table (or every model in `src/lib.rs`).
    NewCrate {
        /// The crate directory.
        dir: PathBuf,
        /// The package name.
        name: String,
        /// One file per table, or all in one.
        per_table: bool,
    },
    /// A module of an existing crate: the directory `dir` with `mod.rs` and one file per
    /// table, or (not per table) the one file `dir.rs`.
    Module {
        /// The module's directory (or, for one file, its path without `.rs`).
        dir: PathBuf,
        /// One file per table, or all in one.
        per_table: bool,
    },
}

/// One file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes.
    pub path: PathBuf,
    /// What it holds.
    pub text: String,
}

/// The `schema-runtime` dependency of a new crate: a path to the one this binary was
/// built from when it is there (a checkout of the toolkit), else the version.
fn runtime_dependency(crate_dir: &Path, features: &[&str]) -> String {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema-runtime");
    let features = if features.is_empty() {
        String::new()
    } else {
        format!(
            ", features = [{}]",
            features
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match here.canonicalize() {
        Ok(path) => {
            let from = std::path::absolute(crate_dir).unwrap_or_else(|_| crate_dir.to_path_buf());
            let from = lexically_normal(&from);
            let shown = relative(&from, &path).unwrap_or(path);
            format!(
                "{{ path = {}{features} }}",
                declare::literal(&shown.to_string_lossy())
            )
        }
        Err(_) => format!(
            "{{ version = \"{}\"{features} }}",
            env!("CARGO_PKG_VERSION")
        ),
    }
}

/// `to` as seen from `from`, both absolute.
/// `path` without `.` and `..` parts, read as text (`a/b/../c` is `a/c`): the crate's
/// folder may not exist yet, so it cannot be canonicalised, and `--crate ../models` must
/// count its way up like any other folder.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    Some(out)
}

/// The files of the models, laid out as `layout` says.
pub fn files(adoption: &Adoption, layout: &Layout) -> Result<Vec<OutputFile>, AdoptError> {
    let (dir, per_table, new_crate) = match layout {
        Layout::NewCrate {
            dir,
            name,
            per_table,
        } => (dir.join("src"), *per_table, Some((dir, name))),
        Layout::Module { dir, per_table } => (dir.clone(), *per_table, None),
    };
    let mut out = Vec::new();
    let mut head = String::new();
    let tables = adoption.models.len();
    head.push_str(&format!(
        "//! The models of {tables} table{}, generated from the database by `migrate init --from-db`.\n//! Edit them as the schema changes; `migrate check` compares them with the database.\n\n",
        if tables == 1 { "" } else { "s" }
    ));
    if new_crate.is_some() {
        head.push_str("schema_runtime::models_crate!();\n");
    }
    if adoption.convention == Convention::Postgres {
        head.push_str("schema_runtime::naming_convention!(postgres);\n");
    }
    if per_table {
        if !adoption.enums.is_empty() {
            head.push_str("\npub mod enums;\npub use enums::*;\n");
            out.push(OutputFile {
                path: dir.join("enums.rs"),
                text: source::enums_file(&adoption.enums)?,
            });
        }
        head.push('\n');
        for model in &adoption.models {
            head.push_str(&format!(
                "pub mod {m};\npub use {m}::{};\n",
                model.struct_name,
                m = model.module
            ));
            out.push(OutputFile {
                path: dir.join(format!("{}.rs", model.module)),
                text: source::model_file(model, "enums")?,
            });
        }
    } else {
        head.push_str("\nuse schema_runtime::Table;\n");
        if !adoption.enums.is_empty() {
            head.push_str("use schema_runtime::DbEnum;\n");
        }
        for e in &adoption.enums {
            head.push('\n');
            head.push_str(&source::enum_item(e));
        }
        for model in &adoption.models {
            head.push('\n');
            head.push_str(&source::model_item(model));
        }
    }
    let root = match (&new_crate, per_table) {
        (Some(_), _) => dir.join("lib.rs"),
        (None, true) => dir.join("mod.rs"),
        (None, false) => dir.with_extension("rs"),
    };
    // The module doc of a module file is an inner doc; syn keeps it, prettyplease prints it.
    out.insert(
        0,
        OutputFile {
            path: root,
            text: source::format(&head, "the models' root module")?,
        },
    );
    if let Some((crate_dir, name)) = new_crate {
        out.extend(crate_files(adoption, crate_dir, name));
    }
    Ok(out)
}

/// `Cargo.toml` and `build.rs` of a new models crate.
fn crate_files(adoption: &Adoption, dir: &Path, name: &str) -> Vec<OutputFile> {
    let crates = adoption.crates();
    let features: Vec<&str> = crates.iter().map(|c| c.name()).collect();
    let mut manifest = format!(
        "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\ndescription = \"The models of the adopted database, generated by migrate init --from-db.\"\n\n[dependencies]\nschema-runtime = {}\n",
        declare::literal(name),
        runtime_dependency(dir, &features)
    );
    for c in &crates {
        let extra = match c {
            Crate::Uuid => ", features = [\"v4\"]",
            _ => "",
        };
        manifest.push_str(&format!(
            "{} = {{ version = \"{}\"{extra} }}\n",
            c.name(),
            c.version()
        ));
    }
    manifest.push_str(&format!(
        "\n[build-dependencies]\n# build.rs lists the models, for the registry's check that none was dropped.\nschema-runtime = {}\n",
        runtime_dependency(dir, &["build"])
    ));
    vec![
        OutputFile {
            path: dir.join("Cargo.toml"),
            text: manifest,
        },
        OutputFile {
            path: dir.join("build.rs"),
            text: "//! Lists this crate's models for `link()`.\n\nfn main() {\n    schema_runtime::build::declare_models();\n}\n".into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_above_the_current_folder_finds_the_runtime() {
        let normal = lexically_normal(Path::new("/work/app/project/../models/./x"));
        assert_eq!(normal, Path::new("/work/app/models/x"));
        let shown = relative(&normal, Path::new("/work/toolkit/schema-runtime"));
        assert_eq!(
            shown,
            Some(PathBuf::from("../../../toolkit/schema-runtime"))
        );
    }
}
