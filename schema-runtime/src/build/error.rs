//! What can stop a models crate's build script: a source file it cannot read or parse, a
//! `mod` declaration without its file, an output it cannot write.

use std::path::PathBuf;

/// Why the build script could not list the crate's models.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// A source file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file, relative to the crate's manifest directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A source file is not valid Rust.
    #[error(
        "{}:{line}:{column}: cannot parse this file ({message}), so the models in it cannot be \
         listed; fix the syntax error (the compiler will show it in full once the build script \
         passes)",
        path.display()
    )]
    Parse {
        /// The file, relative to the crate's manifest directory.
        path: PathBuf,
        /// The line of the error, from 1 (0 when unknown).
        line: usize,
        /// The column of the error, from 1 (0 when unknown).
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A `mod name;` declaration has no file.
    #[error(
        "module `{module}` is declared in {} but neither {} exists; create the file or fix \
         the `mod` declaration",
        declared_in.display(),
        candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" nor ")
    )]
    ModuleNotFound {
        /// The module's path inside the crate (`tasks::comments`).
        module: String,
        /// The file holding the `mod` declaration.
        declared_in: PathBuf,
        /// The files the module could live in.
        candidates: Vec<PathBuf>,
    },
    /// The generated list could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file in `OUT_DIR`.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}
