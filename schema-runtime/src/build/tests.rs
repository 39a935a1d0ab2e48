//! Unit tests of the scan on source text: a crate is a map of file names to contents.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::{generate, scan, BuildError, FoundModel, Scan};

fn scan_files(files: &[(&str, &str)]) -> Result<Scan, BuildError> {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), text.to_string()))
        .collect();
    scan(Path::new("src/lib.rs"), &mut |path| {
        files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    })
}

/// `module::Name` (or `Name` at the root) of every model found, with its cfg.
fn found(files: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    scan_files(files)
        .unwrap()
        .models
        .into_iter()
        .map(|m| {
            let path = if m.module.is_empty() {
                m.rust_name
            } else {
                format!("{}::{}", m.module, m.rust_name)
            };
            (path, m.cfg)
        })
        .collect()
}

fn plain(paths: &[&str]) -> Vec<(String, Option<String>)> {
    paths.iter().map(|p| (p.to_string(), None)).collect()
}

#[test]
fn every_spelling_of_the_derive_counts_and_nothing_else_does() {
    let lib = r#"
        use schema_runtime::Table;
        #[derive(Table)] pub struct A { id: i64 }
        #[derive(Debug, Clone, Table)] pub struct B { id: i64 }
        #[derive(schema_runtime::Table)] pub struct C { id: i64 }
        #[derive(::schema_runtime::Table, serde::Serialize)] struct D { id: i64 }
        #[derive(Debug)] pub struct NotAModel { id: i64 }
        #[derive(DbEnum)] pub enum Status { Open }
        #[derive(Tables)] pub struct AlmostTable;
        /// Doc comments and other attributes around it do not matter.
        #[derive(Table)]
        #[table(name = "es")]
        pub struct E { id: i64 }
    "#;
    assert_eq!(
        found(&[("src/lib.rs", lib)]),
        plain(&["A", "B", "C", "D", "E"])
    );
}

#[test]
fn models_in_nested_modules_carry_their_module_path() {
    let files = [
        (
            "src/lib.rs",
            "mod tasks; pub mod billing; mod inline { #[derive(Table)] struct I; }",
        ),
        (
            "src/tasks.rs",
            "#[derive(Table)] pub struct Task; mod comments;",
        ),
        (
            "src/tasks/comments.rs",
            "#[derive(Table)] pub struct Comment;",
        ),
        (
            "src/billing/mod.rs",
            "mod invoices; #[derive(Table)] pub struct Plan;",
        ),
        (
            "src/billing/invoices.rs",
            "#[derive(Table)] pub struct Invoice;",
        ),
    ];
    assert_eq!(
        found(&files),
        plain(&[
            "tasks::Task",
            "tasks::comments::Comment",
            "billing::invoices::Invoice",
            "billing::Plan",
            "inline::I",
        ])
    );
}

#[test]
fn path_attributes_are_followed_as_rustc_does() {
    let files = [
        (
            "src/lib.rs",
            r#"#[path = "models/all.rs"] mod models;
               #[path = "elsewhere"] mod inline { mod deep; }"#,
        ),
        // A file loaded through #[path] resolves its children from its own directory.
        ("src/models/all.rs", "#[derive(Table)] struct A; mod child;"),
        ("src/models/child.rs", "#[derive(Table)] struct B;"),
        ("src/elsewhere/deep.rs", "#[derive(Table)] struct C;"),
    ];
    assert_eq!(
        found(&files),
        plain(&["models::A", "models::child::B", "inline::deep::C"])
    );
}

#[test]
fn inline_modules_inside_a_non_mod_rs_file_nest_under_its_name() {
    let files = [
        ("src/lib.rs", "mod a;"),
        ("src/a.rs", "mod inner { mod leaf; }"),
        ("src/a/inner/leaf.rs", "#[derive(Table)] struct L;"),
    ];
    assert_eq!(found(&files), plain(&["a::inner::leaf::L"]));
}

#[test]
fn moving_a_model_into_a_submodule_needs_no_other_change() {
    let before = [(
        "src/lib.rs",
        "#[derive(Table)] pub struct Task; #[derive(Table)] pub struct Comment;",
    )];
    let after = [
        (
            "src/lib.rs",
            "#[derive(Table)] pub struct Task; mod threads; pub use threads::Comment;",
        ),
        (
            "src/threads.rs",
            "use super::*; #[derive(Table)] pub struct Comment;",
        ),
    ];
    assert_eq!(found(&before), plain(&["Task", "Comment"]));
    assert_eq!(found(&after), plain(&["Task", "threads::Comment"]));
}

#[test]
fn conditions_are_carried_into_the_list() {
    let files = [
        (
            "src/lib.rs",
            r#"
            #[cfg(feature = "billing")] mod billing;
            #[cfg(test)] #[derive(Table)] struct OnlyInTests;
            #[cfg_attr(feature = "db", derive(Table))] struct MaybeModel;
            #[cfg(any(unix, not(feature = "x")))] #[derive(Table)] struct Either;
            #[cfg_attr(feature = "strict", cfg(feature = "y"))] #[derive(Table)] struct Nested;
            "#,
        ),
        (
            "src/billing.rs",
            r#"#![cfg(not(feature = "free"))]
               #[derive(Table)] pub struct Invoice;"#,
        ),
    ];
    let cfg = |s: &str| Some(s.to_string());
    assert_eq!(
        found(&files),
        vec![
            (
                "billing::Invoice".to_string(),
                cfg(r#"all(feature = "billing", not (feature = "free"))"#)
            ),
            ("OnlyInTests".to_string(), cfg("test")),
            ("MaybeModel".to_string(), cfg(r#"feature = "db""#)),
            (
                "Either".to_string(),
                cfg(r#"any (unix , not (feature = "x"))"#)
            ),
            (
                "Nested".to_string(),
                cfg(r#"any(not(feature = "strict"), feature = "y")"#)
            ),
        ]
    );
}

#[test]
fn a_conditional_module_without_its_file_is_not_required() {
    let scan = scan_files(&[(
        "src/lib.rs",
        r#"#[cfg(windows)] mod win; #[derive(Table)] struct A;"#,
    )])
    .unwrap();
    assert_eq!(scan.models.len(), 1);
    assert_eq!(scan.warnings.len(), 1);
    assert!(scan.warnings[0].contains("module `win` exists only under #[cfg(windows)]"));
}

#[test]
fn structs_made_by_macros_or_inside_functions_are_not_required() {
    let lib = r#"
        macro_rules! model { ($name:ident) => { #[derive(Table)] pub struct $name; } }
        model!(Generated);
        some_crate::models! { #[derive(Table)] pub struct InMacroInput; }
        fn helper() { #[derive(Table)] struct Local; }
        #[derive(Table)] pub struct Real;
    "#;
    assert_eq!(found(&[("src/lib.rs", lib)]), plain(&["Real"]));
}

#[test]
fn a_parse_error_names_the_file_line_and_column() {
    let err = scan_files(&[
        ("src/lib.rs", "mod broken;"),
        (
            "src/broken.rs",
            "#[derive(Table)]\npub struct Oops {\n    id: i64,,\n}\n",
        ),
    ])
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("src/broken.rs:3:13: cannot parse this file ("),
        "{text}"
    );
    assert!(text.contains("fix the syntax error"), "{text}");
}

#[test]
fn a_missing_module_file_is_an_error_naming_both_candidates() {
    let err = scan_files(&[("src/lib.rs", "mod gone;")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module `gone` is declared in src/lib.rs but neither src/gone.rs nor src/gone/mod.rs \
         exists; create the file or fix the `mod` declaration"
    );
}

#[test]
fn the_generated_list_is_a_slice_with_a_cfg_per_conditional_model() {
    let text = generate(&[
        FoundModel {
            module: String::new(),
            rust_name: "Task".into(),
            cfg: None,
        },
        FoundModel {
            module: "billing".into(),
            rust_name: "Invoice".into(),
            cfg: Some(r#"feature = "billing""#.into()),
        },
    ]);
    assert!(text.contains("    ::schema_runtime::registry::DeclaredModel::new(\"\", \"Task\"),\n"));
    assert!(text.contains(
        "    #[cfg(feature = \"billing\")]\n    \
         ::schema_runtime::registry::DeclaredModel::new(\"billing\", \"Invoice\"),\n"
    ));
    // One slice expression, so that `link()` can hold it in a `static`.
    let slice = match syn::parse_str::<syn::Expr>(&text) {
        Ok(syn::Expr::Reference(reference)) => matches!(*reference.expr, syn::Expr::Array(_)),
        _ => false,
    };
    assert!(slice, "not a slice expression:\n{text}");
}
