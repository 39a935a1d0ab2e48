//! Compile-error messages of `#[derive(Table)]` and `#[derive(DbEnum)]`, one case per
//! message, each pinned with its span in the `.stderr` file next to it; and the model of
//! DESIGN.md §2, which must compile and run.

#[test]
fn derive_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
