//! The scan: from the crate root, follow every `mod` declaration the way rustc resolves it
//! (`name.rs`, `name/mod.rs`, `#[path]`, inline modules) and list each struct that derives
//! `Table`, with its module path and the `cfg` condition it exists under.
//!
//! Following `mod` declarations rather than globbing `src/**/*.rs` gives the module path
//! `module_path!()` will report, skips files the crate does not compile, and honours
//! `#[path]`. Items made by macros, and structs inside function bodies, are not seen: they
//! are not required, which is the safe side (more collected than declared is fine).

use std::io;
use std::path::{Path, PathBuf};

use syn::{Item, ItemMod};

use super::cfg::{self, Condition};
use super::BuildError;

/// A `#[derive(Table)]` struct the scan found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundModel {
    /// The module inside the crate (`tasks::comments`); empty for the root.
    pub module: String,
    /// The struct's name.
    pub rust_name: String,
    /// The `cfg` predicate it exists under, as source text; `None` when unconditional.
    pub cfg: Option<String>,
}

/// What a scan found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The models, in source order.
    pub models: Vec<FoundModel>,
    /// Every file read, relative to the manifest directory.
    pub files: Vec<PathBuf>,
    /// Conditional modules that could not be read or parsed: their models are not required.
    pub warnings: Vec<String>,
}

/// Scans the crate whose root file is `root` (`src/lib.rs`), reading files through `read`
/// (paths as they are joined from `root`; a missing file is `io::ErrorKind::NotFound`).
pub fn scan(
    root: &Path,
    read: &mut dyn FnMut(&Path) -> io::Result<String>,
) -> Result<Scan, BuildError> {
    let mut walker = Walker {
        read,
        scan: Scan::default(),
    };
    let text = walker.read_file(root)?;
    let file = parse(root, &text)?;
    let dir = ModDir {
        dir: root.parent().map(Path::to_path_buf).unwrap_or_default(),
        relative: None,
    };
    let condition = cfg::existence(&file.attrs);
    let at = Location {
        file: root,
        module: &[],
        condition: &condition,
        dir: &dir,
    };
    walker.items(&file.items, &at)?;
    Ok(walker.scan)
}

/// Where rustc looks for the files of a module's `mod name;` children: `dir`, plus the
/// module's own name when the module lives in a non-`mod.rs` file (rustc's "relative").
#[derive(Clone, Debug)]
struct ModDir {
    dir: PathBuf,
    relative: Option<String>,
}

impl ModDir {
    /// The directory an unannotated child module's file is looked up in.
    fn children(&self) -> PathBuf {
        match &self.relative {
            Some(name) => self.dir.join(name),
            None => self.dir.clone(),
        }
    }
}

/// The module being walked.
struct Location<'a> {
    file: &'a Path,
    module: &'a [String],
    condition: &'a Condition,
    dir: &'a ModDir,
}

struct Walker<'r> {
    read: &'r mut dyn FnMut(&Path) -> io::Result<String>,
    scan: Scan,
}

impl Walker<'_> {
    fn read_file(&mut self, path: &Path) -> Result<String, BuildError> {
        let text = (self.read)(path).map_err(|source| BuildError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.scan.files.push(path.to_path_buf());
        Ok(text)
    }

    fn items(&mut self, items: &[Item], at: &Location<'_>) -> Result<(), BuildError> {
        for item in items {
            match item {
                Item::Struct(s) => {
                    if let Some(derived) = cfg::derives_table(&s.attrs) {
                        let condition = at
                            .condition
                            .and_all(&cfg::existence(&s.attrs))
                            .and_all(&derived);
                        self.scan.models.push(FoundModel {
                            module: at.module.join("::"),
                            rust_name: s.ident.to_string(),
                            cfg: condition.predicate(),
                        });
                    }
                }
                Item::Mod(m) => self.module(m, at)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn module(&mut self, m: &ItemMod, at: &Location<'_>) -> Result<(), BuildError> {
        let mut module = at.module.to_vec();
        module.push(m.ident.to_string());
        let condition = at.condition.and_all(&cfg::existence(&m.attrs));
        let path = cfg::path_attribute(&m.attrs);
        if let Some((_, items)) = &m.content {
            // Inline: `#[path]` names the directory; otherwise the module's name is one.
            let dir = ModDir {
                dir: match path {
                    Some(path) => at.dir.dir.join(path),
                    None => at.dir.children().join(m.ident.to_string()),
                },
                relative: None,
            };
            let inner = Location {
                file: at.file,
                module: &module,
                condition: &condition,
                dir: &dir,
            };
            return self.items(items, &inner);
        }
        let Some((file, dir, text)) = self.module_file(m, path, at, &module, &condition)? else {
            return Ok(());
        };
        let parsed = match parse(&file, &text) {
            Ok(parsed) => parsed,
            Err(error) if !condition.is_always() => {
                self.skip(&module, &condition, &error.to_string());
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let condition = condition.and_all(&cfg::existence(&parsed.attrs));
        let inner = Location {
            file: &file,
            module: &module,
            condition: &condition,
            dir: &dir,
        };
        self.items(&parsed.items, &inner)
    }

    /// Finds and reads the file of `mod name;`. `None` when a conditional module has none.
    fn module_file(
        &mut self,
        m: &ItemMod,
        path: Option<String>,
        at: &Location<'_>,
        module: &[String],
        condition: &Condition,
    ) -> Result<Option<(PathBuf, ModDir, String)>, BuildError> {
        let name = m.ident.to_string();
        let candidates = match path {
            Some(path) => {
                let file = at.dir.dir.join(path);
                let dir = ModDir {
                    dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
                    relative: None,
                };
                vec![(file, dir)]
            }
            None => {
                let base = at.dir.children();
                vec![
                    (
                        base.join(format!("{name}.rs")),
                        ModDir {
                            dir: base.clone(),
                            relative: Some(name.clone()),
                        },
                    ),
                    (
                        base.join(&name).join("mod.rs"),
                        ModDir {
                            dir: base.join(&name),
                            relative: None,
                        },
                    ),
                ]
            }
        };
        for (file, dir) in &candidates {
            match (self.read)(file) {
                Ok(text) => {
                    self.scan.files.push(file.clone());
                    return Ok(Some((file.clone(), dir.clone(), text)));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(source) if condition.is_always() => {
                    return Err(BuildError::Read {
                        path: file.clone(),
                        source,
                    })
                }
                Err(source) => {
                    self.skip(module, condition, &source.to_string());
                    return Ok(None);
                }
            }
        }
        if !condition.is_always() {
            self.skip(module, condition, "its file does not exist");
            return Ok(None);
        }
        Err(BuildError::ModuleNotFound {
            module: module.join("::"),
            declared_in: at.file.to_path_buf(),
            candidates: candidates.into_iter().map(|(file, _)| file).collect(),
        })
    }

    fn skip(&mut self, module: &[String], condition: &Condition, why: &str) {
        self.scan.warnings.push(format!(
            "module `{}` exists only under #[cfg({})] and could not be scanned ({why}); \
             the models in it are not checked",
            module.join("::"),
            condition.predicate().unwrap_or_default(),
        ));
    }
}

fn parse(path: &Path, text: &str) -> Result<syn::File, BuildError> {
    syn::parse_file(text).map_err(|error| {
        let start = error.span().start();
        BuildError::Parse {
            path: path.to_path_buf(),
            line: start.line,
            column: start.column + 1,
            message: error.to_string(),
        }
    })
}
