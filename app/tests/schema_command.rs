//! The `migrate` binary sees every model of the example app, and prints the collected
//! schema for people and for scripts.

use std::process::Command;

use anyhow::{ensure, Context, Result};

fn migrate(args: &[&str]) -> Result<std::process::Output> {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .context("running the migrate binary")
}

#[test]
fn the_binary_collects_every_model_of_the_example_app() -> Result<()> {
    let output = migrate(&["schema", "--format", "json"])?;
    ensure!(
        output.status.success(),
        "migrate schema failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let tables: Vec<String> = schema["tables"]
        .as_array()
        .context("tables is an array")?
        .iter()
        .map(|t| {
            let name = t["name"]["name"].as_str().unwrap_or_default();
            match t["name"]["schema"].as_str() {
                Some(ns) => format!("{ns}.{name}"),
                None => name.to_string(),
            }
        })
        .collect();
    assert_eq!(tables.len(), app_schema::link().models().len());
    for expected in [
        "organisations",
        "users",
        "memberships",
        "projects",
        "tasks",
        "comments",
        "invoices",
        "daily_task_counts",
        "audit.events",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "{expected} missing from {tables:?}"
        );
    }
    Ok(())
}

#[test]
fn the_collected_schema_matches_the_snapshot() -> Result<()> {
    app_schema::link();
    let schema = schema_runtime::registry::collect(schema_runtime::Dialect::Postgresql)?;
    insta::assert_json_snapshot!("example_schema", schema);
    Ok(())
}

#[test]
fn the_human_listing_matches_the_snapshot() -> Result<()> {
    let output = migrate(&["schema"])?;
    ensure!(output.status.success(), "migrate schema failed");
    insta::assert_snapshot!("example_schema_human", String::from_utf8(output.stdout)?);
    Ok(())
}
