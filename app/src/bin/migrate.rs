//! The example application's `migrate` binary: link the models, hand over to the CLI.

fn main() -> std::process::ExitCode {
    migrator::cli::main(migrator::cli::App {
        name: "app",
        models: Some(app_schema::link()),
    })
}
