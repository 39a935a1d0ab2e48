//! The module graph of `migrator/src` has no cycle: each file is a node, and a file depends
//! on another when it names something that file defines (through `use`, or a path written
//! in the code starting at `crate`, `super` or `self`). Re-exports are followed to where
//! the item is defined, so `use crate::db::DbError` is an edge to the file that declares
//! `DbError`, not to `db/mod.rs`, and a `pub use` alone makes no edge (a module that passes
//! its children's items on does not depend on them for that). Test code (`#[cfg(test)]`, `#[test]`) is left out: it
//! only ever points inward.
//!
//! A cycle is what makes a seam leak: a dispatcher that owns the types its dialects import
//! cannot be changed without them, and the dialects cannot be compiled without it. The
//! test reads the sources with `syn`, so it needs no database and no build of the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use syn::visit::Visit;

/// A module, named by its path from the crate root (`["db", "history"]`).
type ModPath = Vec<String>;

/// What one module holds and names.
#[derive(Default)]
struct Module {
    /// The file it lives in, for messages.
    file: PathBuf,
    /// Child modules.
    children: BTreeSet<String>,
    /// Names brought in by `use`, with the absolute path they stand for (`None`: another
    /// crate's).
    imports: BTreeMap<String, Option<ModPath>>,
    /// Absolute paths this module's code names (from `use` and from written paths).
    references: Vec<ModPath>,
}

/// The crate, read from its files.
struct Crate {
    modules: BTreeMap<ModPath, Module>,
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        if attr.path().is_ident("test") {
            return true;
        }
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

/// Turns a path written in module `at` into an absolute one, when it is this crate's.
fn absolute(at: &ModPath, module: &Module, segments: &[String]) -> Option<ModPath> {
    let first = segments.first()?;
    match first.as_str() {
        "crate" => Some(segments[1..].to_vec()),
        "self" => Some([at.clone(), segments[1..].to_vec()].concat()),
        "super" => {
            let mut base = at.clone();
            let mut rest = segments;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            Some([base, rest.to_vec()].concat())
        }
        name if module.children.contains(name) => Some([at.clone(), segments.to_vec()].concat()),
        name => match module.imports.get(name) {
            Some(Some(target)) => Some([target.clone(), segments[1..].to_vec()].concat()),
            _ => None,
        },
    }
}

/// Collects `use` trees as (local name, written path) pairs; globs give the name `*`.
fn use_tree(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_tree(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let ident = name.ident.to_string();
            if ident == "self" {
                let local = prefix.last().cloned().unwrap_or_default();
                out.push((local, prefix.clone()));
            } else {
                out.push((ident.clone(), [prefix.clone(), vec![ident]].concat()));
            }
        }
        syn::UseTree::Rename(rename) => out.push((
            rename.rename.to_string(),
            [prefix.clone(), vec![rename.ident.to_string()]].concat(),
        )),
        syn::UseTree::Glob(_) => out.push(("*".to_owned(), prefix.clone())),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_tree(tree, prefix, out);
            }
        }
    }
}

/// The paths written in code (not in `use` items), outside test code.
#[derive(Default)]
struct Paths(Vec<Vec<String>>);

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Fn(f) => &f.attrs,
            // Inline modules are read as modules of their own.
            syn::Item::Mod(_) => return,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(_) => return,
            _ => {
                syn::visit::visit_item(self, item);
                return;
            }
        };
        if !is_test(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.0
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

impl Crate {
    fn read(root: &Path) -> Result<Self> {
        let mut krate = Crate {
            modules: BTreeMap::new(),
        };
        krate.read_file(Vec::new(), root, true)?;
        Ok(krate)
    }

    /// Reads the module `at` from `file`; `owns_dir` is true for `lib.rs` and `mod.rs`,
    /// whose children sit beside them rather than in a folder named after them.
    fn read_file(&mut self, at: ModPath, file: &Path, owns_dir: bool) -> Result<()> {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let ast = syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
        let dir = match (owns_dir, file.parent(), file.file_stem()) {
            (true, Some(parent), _) => parent.to_path_buf(),
            (false, Some(parent), Some(stem)) => parent.join(stem),
            _ => bail!("{} has no folder", file.display()),
        };
        self.read_items(at, file, &ast.items, &dir)
    }

    fn read_items(
        &mut self,
        at: ModPath,
        file: &Path,
        items: &[syn::Item],
        dir: &Path,
    ) -> Result<()> {
        let mut module = Module {
            file: file.to_path_buf(),
            ..Module::default()
        };
        let mut uses: Vec<(String, Vec<String>, bool)> = Vec::new();
        let mut nested = Vec::new();
        for item in items {
            match item {
                syn::Item::Mod(m) if !is_test(&m.attrs) => {
                    module.children.insert(m.ident.to_string());
                    nested.push(m);
                }
                syn::Item::Use(u) if !is_test(&u.attrs) => {
                    let reexport = !matches!(u.vis, syn::Visibility::Inherited);
                    let mut found = Vec::new();
                    use_tree(&u.tree, &mut Vec::new(), &mut found);
                    uses.extend(found.into_iter().map(|(name, path)| (name, path, reexport)));
                }
                _ => {}
            }
        }
        // Imports first (a use may name a child module or an earlier import).
        // A re-export (`pub use`) is no dependency of the module itself: it passes the
        // item on, and whoever uses it through this path is counted as using the module
        // that defines it.
        for (local, written, reexport) in &uses {
            let target = absolute(&at, &module, written);
            if local != "*" {
                module.imports.insert(local.clone(), target.clone());
            }
            if let (Some(target), false) = (target, reexport) {
                module.references.push(target);
            }
        }
        let mut paths = Paths::default();
        for item in items {
            paths.visit_item(item);
        }
        for written in paths.0 {
            if let Some(target) = absolute(&at, &module, &written) {
                module.references.push(target);
            }
        }
        self.modules.insert(at.clone(), module);
        for m in nested {
            let child = [at.clone(), vec![m.ident.to_string()]].concat();
            match &m.content {
                Some((_, items)) => {
                    let child_dir = dir.join(m.ident.to_string());
                    self.read_items(child, file, items, &child_dir)?;
                }
                None => {
                    let flat = dir.join(format!("{}.rs", m.ident));
                    let nested_mod = dir.join(m.ident.to_string()).join("mod.rs");
                    if flat.exists() {
                        self.read_file(child, &flat, false)?;
                    } else if nested_mod.exists() {
                        self.read_file(child, &nested_mod, true)?;
                    } else {
                        bail!("module {} has no file in {}", m.ident, dir.display());
                    }
                }
            }
        }
        Ok(())
    }

    /// The module that defines what `path` names, following re-exports.
    fn resolve(&self, path: &[String], depth: usize) -> Option<ModPath> {
        let mut at: ModPath = Vec::new();
        for (i, segment) in path.iter().enumerate() {
            let module = self.modules.get(&at)?;
            if module.children.contains(segment) {
                at.push(segment.clone());
                continue;
            }
            return match module.imports.get(segment) {
                Some(Some(target)) if depth < 16 => {
                    let rest = [target.clone(), path[i + 1..].to_vec()].concat();
                    self.resolve(&rest, depth + 1)
                }
                Some(None) => None,
                _ => Some(at),
            };
        }
        // The path names a module itself: importing a module is no dependency until
        // something in it is used, which is a path of its own.
        None
    }

    /// Edges between distinct modules, each with one path that makes it.
    fn edges(&self) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
        let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (at, module) in &self.modules {
            for reference in &module.references {
                if let Some(target) = self.resolve(reference, 0) {
                    if &target != at && self.modules.contains_key(&target) {
                        edges
                            .entry(at.clone())
                            .or_default()
                            .entry(target)
                            .or_insert_with(|| reference.join("::"));
                    }
                }
            }
        }
        edges
    }
}

/// The strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(
    nodes: &[ModPath],
    edges: &BTreeMap<ModPath, BTreeMap<ModPath, String>>,
) -> Vec<Vec<ModPath>> {
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeMap<ModPath, String>>,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        found: Vec<Vec<ModPath>>,
    }
    fn visit(state: &mut State<'_>, node: &ModPath) {
        let n = state.index.len();
        state.index.insert(node.clone(), n);
        state.low.insert(node.clone(), n);
        state.stack.push(node.clone());
        state.on_stack.insert(node.clone());
        let targets: Vec<ModPath> = state
            .edges
            .get(node)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        for target in targets {
            if !state.index.contains_key(&target) {
                visit(state, &target);
                let low = state.low[node].min(state.low[&target]);
                state.low.insert(node.clone(), low);
            } else if state.on_stack.contains(&target) {
                let low = state.low[node].min(state.index[&target]);
                state.low.insert(node.clone(), low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(&top);
                let done = &top == node;
                component.push(top);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in nodes {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

fn name(path: &ModPath) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

fn describe(
    krate: &Crate,
    component: &[ModPath],
    edges: &BTreeMap<ModPath, BTreeMap<ModPath, String>>,
) -> String {
    let members: BTreeSet<&ModPath> = component.iter().collect();
    let mut lines = vec![format!(
        "cycle of {} modules: {}",
        component.len(),
        component.iter().map(name).collect::<Vec<_>>().join(", ")
    )];
    for from in component {
        for (to, via) in edges.get(from).into_iter().flatten() {
            if members.contains(to) {
                let file = krate.modules[from].file.display();
                lines.push(format!(
                    "  {} -> {} ({file} names {via})",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    lines.join("\n")
}

fn migrator_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrator/src")
}

/// Issue 14's "done when": no module of `migrator/src` depends, through any chain of
/// others, on itself. The report names every edge of each cycle and the file and path that
/// make it, so the fix (usually: move a shared type into a file of its own, beside the trait
/// that needs it) is plain from the failure.
#[test]
fn migrator_modules_form_no_cycle() -> Result<()> {
    let krate = Crate::read(&migrator_src().join("lib.rs"))?;
    let edges = krate.edges();
    let nodes: Vec<ModPath> = krate.modules.keys().cloned().collect();
    let found = cycles(&nodes, &edges);
    if !found.is_empty() {
        let report: Vec<String> = found.iter().map(|c| describe(&krate, c, &edges)).collect();
        bail!("migrator/src has import cycles:\n{}", report.join("\n"));
    }
    // The reader must have seen the crate: a graph of a few modules means it lost its way.
    if krate.modules.len() < 50 {
        bail!(
            "read only {} modules of migrator/src; the reader no longer follows its files",
            krate.modules.len()
        );
    }
    Ok(())
}

#[test]
fn the_graph_reader_finds_a_cycle_it_is_shown() -> Result<()> {
    // Two files that name each other's items, and a third that re-exports one of them.
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("lib.rs"),
        "mod a;\nmod b;\nmod c;\npub use c::Shared;\n",
    )?;
    std::fs::write(
        dir.path().join("a.rs"),
        "use crate::b::Beta;\npub struct Alpha;\n",
    )?;
    std::fs::write(
        dir.path().join("b.rs"),
        "pub struct Beta;\nfn f() { let _ = crate::Shared; }\n#[cfg(test)]\nmod tests { use crate::a::Alpha; }\n",
    )?;
    std::fs::write(
        dir.path().join("c.rs"),
        "pub struct Shared;\nfn g() { let _ = super::a::Alpha; }\n",
    )?;
    let krate = Crate::read(&dir.path().join("lib.rs"))?;
    let edges = krate.edges();
    let nodes: Vec<ModPath> = krate.modules.keys().cloned().collect();
    let found = cycles(&nodes, &edges);
    // a -> b -> c (through the re-export) -> a; the test module's import is not counted.
    assert_eq!(
        found,
        vec![vec![
            vec!["a".to_owned()],
            vec!["b".to_owned()],
            vec!["c".to_owned()]
        ]]
    );
    std::fs::write(dir.path().join("c.rs"), "pub struct Shared;\n")?;
    let krate = Crate::read(&dir.path().join("lib.rs"))?;
    assert!(cycles(&nodes, &krate.edges()).is_empty());
    Ok(())
}
