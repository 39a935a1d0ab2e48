//! Lists this crate's `#[derive(Table)]` structs for `link()`, so the `migrate` binary can
//! check that the registry collected every one of them. Nothing to update by hand.

fn main() {
    schema_runtime::build::declare_models();
}
