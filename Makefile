# What people type. Each target is a one-liner over cargo.

.PHONY: migrate test check schema bench doc

# Run the smart migrator of the example app (development auto-sync by default).
migrate:
	cargo run --quiet --bin migrate

# Print the target schema the example models declare.
schema:
	cargo run --quiet --bin migrate -- schema

# The whole test suite (needs PostgreSQL and MariaDB on 127.0.0.1; see README).
test:
	cargo test --workspace --locked

# Formatting, lints and docs, as CI runs them.
check:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

# The benchmarks, against the local PostgreSQL (see the README's Benchmarks section).
bench:
	cargo run --quiet --release -p bench -- check --tables 100,1000
	cargo run --quiet --release -p bench -- adopt --tables 100,1000

doc:
	cargo doc --workspace --no-deps --open
