//! The Markdown job summaries of the CI commands: what a reviewer sees on a pull request
//! whose models drifted from the migration history (`migrate check --summary FILE`), and
//! what the post-merge job did about drift on the main branch (`migrate ci-sync --summary
//! FILE`). Each shows the proposed migration file, an analysis of each op (the one
//! [`verdicts_on`] every command shows), and how to fix the build. Drift left only in drops
//! that autogeneration blocks is a ⚠️ partial sync, not a failure: the check passes, and the
//! summary gives the revision to write by hand. Pure: it takes ops and file texts, and
//! returns text; the CLI appends it to the file GitHub renders.

use std::fmt::Write as _;

use crate::apply::HandWritten;
use crate::change::Op;
use crate::diff::DiffHooks;
use crate::safety::{verdicts_on, Risk, Verdict};

/// GitHub renders at most 1 MiB of summary per step; a first migration of a large schema
/// can come close, so the SQL shown is cut (at a line end) past this many bytes.
const MAX_SQL_BYTES: usize = 256 * 1024;

/// The heading of a drift left only in blocked drops, for `check` and `ci-sync` alike.
pub const PARTIAL_SYNC_HEADING: &str = "## ⚠️ Partial sync: schema drift persists";

/// What `check` and `diff` print first for a drift left only in blocked drops: the
/// summary's heading, as a line.
pub const PARTIAL_SYNC_WARNING: &str = "⚠️ Partial sync: schema drift persists.";

/// The summary of `migrate check`: "no drift"; the drift, its analysis, the proposed
/// migration and how to fix the build; or, when `proposed` is `None` (autogeneration has
/// nothing to write: only blocked drops are left), the ⚠️ partial sync with `clear`, the
/// revision to write by hand.
/// `hooks` are the database's, whose own risks the analysis shows.
pub fn markdown(
    hooks: &dyn DiffHooks,
    ops: &[Op],
    proposed: Option<(&str, &str)>,
    clear: Option<&HandWritten>,
) -> String {
    if ops.is_empty() {
        return in_sync("");
    }
    let verdicts = verdicts_on(hooks, ops);
    let Some((name, body)) = proposed else {
        return partial(
            ops,
            &verdicts,
            clear,
            "`make migrate` has nothing to generate, so this check passes (exit 0)",
        );
    };
    let mut text = String::from("## ❌ Schema drift: a migration is missing\n\n");
    let _ = writeln!(
        text,
        "The models differ from a database upgraded to the head of the migration history by \
         {}. This check fails until the missing migration is committed.\n",
        count(ops.len(), "operation")
    );
    analysis(&mut text, ops, &verdicts);
    text.push_str("### How to fix\n\n");
    let has = |risk: Risk| verdicts.iter().any(|v| v.risk == risk && !v.is_blocked());
    let mut steps = vec![
        "Run `make migrate` locally (the smart migrator: the `migrate` binary with no \
         command). It writes the missing file to `migrations/versions/` and applies it to \
         your development database.",
        "Review the file (it matches the proposal below, with another id), commit it with \
         your model change, and push.",
    ];
    if has(Risk::DataDependent) {
        steps.push(
            "Before merging, make sure the changes marked ⚠️ fit the data in production: \
             fill NULLs before `SET NOT NULL`, shorten values before a narrower type, remove \
             duplicates before a unique key (an `UPDATE` above the `ALTER` in the same \
             revision does it).",
        );
    }
    if has(Risk::Loosening) {
        steps.push(
            "The changes marked 🔓 stop the database from enforcing a rule (a unique or \
             primary key, a foreign key, a check): make sure nothing relies on it any more, \
             since rows it refused will be accepted.",
        );
    }
    for (n, step) in steps.iter().enumerate() {
        let _ = writeln!(text, "{}. {step}", n + 1);
    }
    if verdicts.iter().any(Verdict::is_blocked) {
        text.push('\n');
        text.push_str(BLOCKED_ADVICE);
    }
    // Last, because it can be long: the reviewer reads the verdict and the fix first.
    text.push('\n');
    proposed_file(&mut text, "Proposed migration", name, body);
    text
}

/// What `migrate ci-sync` did, for its summary.
#[derive(Clone, Copy, Debug)]
pub enum SyncReport<'a> {
    /// No drift and a single head: nothing was committed.
    InSync,
    /// Drift: the generated migration was committed.
    Committed {
        /// Every op of the drift (the blocked ones too).
        ops: &'a [Op],
        /// The committed file's name and text.
        file: (&'a str, &'a str),
        /// The commit, as `<short id> <subject>`.
        commit: &'a str,
    },
    /// No drift but several heads: a merge revision was committed.
    Merged {
        /// The heads it merges.
        heads: &'a [String],
        /// Blocked drops left (never generated).
        blocked: &'a [Op],
        /// The revision that runs them, written by hand.
        clear: Option<&'a HandWritten>,
        /// The committed file's name and text.
        file: (&'a str, &'a str),
        /// The commit, as `<short id> <subject>`.
        commit: &'a str,
    },
    /// The only drift is blocked drops: nothing can be generated, nothing was committed.
    Partial {
        /// The blocked ops.
        ops: &'a [Op],
        /// The revision that runs them, written by hand.
        clear: Option<&'a HandWritten>,
    },
}

/// The summary of `migrate ci-sync`, with the risks of the database `hooks` describe.
pub fn ci_sync_markdown(hooks: &dyn DiffHooks, report: &SyncReport<'_>) -> String {
    match *report {
        SyncReport::InSync => in_sync(" Nothing to commit."),
        SyncReport::Committed { ops, file, commit } => committed(hooks, ops, file, commit),
        SyncReport::Merged {
            heads,
            blocked,
            clear,
            file: (name, body),
            commit,
        } => {
            let mut text = String::from("## 🔀 Migration heads merged\n\n");
            let _ = writeln!(
                text,
                "The history had {} heads ({}): branches that each added a migration were \
                 merged. The production migrator refuses several heads, so a merge revision \
                 was committed as `{}`.\n",
                heads.len(),
                code_list(heads),
                cell(commit)
            );
            proposed_file(&mut text, "Committed merge revision", name, body);
            if !blocked.is_empty() {
                text.push_str(
                    "The models also differ from the database by drops that autogeneration \
                     blocks, which are never generated:\n\n",
                );
                analysis(&mut text, blocked, &verdicts_on(hooks, blocked));
                how_to_clear(&mut text, clear);
            }
            text
        }
        SyncReport::Partial { ops, clear } => partial(
            ops,
            &verdicts_on(hooks, ops),
            clear,
            "`make migrate` has nothing to generate, so nothing was committed",
        ),
    }
}

/// A note for the top of a summary when the database is not at the history's heads: the
/// comparison, and so the proposed migration, then includes what pending revisions do.
pub fn not_at_heads(database: &[String], heads: &[String]) -> String {
    let at = if database.is_empty() {
        "no revision".to_string()
    } else {
        code_list(database)
    };
    format!(
        "> **Note:** the database is at {at}, not at the head of the history ({}): the \
         comparison below includes what the pending revisions do. Upgrade it first \
         (`migrate upgrade heads`).\n\n",
        if heads.is_empty() {
            "no revisions".to_string()
        } else {
            code_list(heads)
        }
    )
}

const BLOCKED_ADVICE: &str = "**The operations marked 🛑 are never generated**: the \
migration file lists them as comments only. Once it is committed, this check passes with a \
⚠️ partial sync warning that lists them and gives the revision that drops them, to write by \
hand if the model change meant to remove that data. If a table or column was renamed, add \
`renamed_from = \"old_name\"` to the model instead: the rename is generated and no data is \
lost.\n";

/// The ⚠️ partial sync: drift left only in drops that autogeneration blocks.
fn partial(ops: &[Op], verdicts: &[Verdict], clear: Option<&HandWritten>, so: &str) -> String {
    let mut text = format!("{PARTIAL_SYNC_HEADING}\n\n");
    let _ = writeln!(
        text,
        "The models differ from a database upgraded to the head of the migration history by \
         {}, all of them drops that autogeneration blocks (a field, table or enum type the \
         models no longer declare): {so}. The application is safe (it ignores what it no \
         longer declares), but the database keeps that data.\n",
        count(ops.len(), "operation")
    );
    analysis(&mut text, ops, verdicts);
    how_to_clear(&mut text, clear);
    text
}

/// How to clear blocked drops: the revision to write by hand, or the model to fix.
fn how_to_clear(text: &mut String, clear: Option<&HandWritten>) {
    text.push_str("### How to clear it\n\n");
    match clear {
        Some(clear) if !clear.sql.is_empty() => {
            let _ = writeln!(
                text,
                "1. If the model change meant to remove that data, write the drop by hand: \
                 `{}`, paste this into its `-- +up` section, review it and commit it:\n\n   \
                 ```sql\n{}\n   ```",
                clear.command(),
                clear
                    .sql
                    .iter()
                    .flat_map(|s| s.lines())
                    .map(|line| format!("   {line}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        _ => text.push_str(
            "1. If the model change meant to remove that data, write the drop by hand \
             (`migrate revision -m drop_...`; `migrate diff` prints its SQL), review it and \
             commit it.\n",
        ),
    }
    text.push_str(
        "2. If a table or column was renamed, add `renamed_from = \"old_name\"` to the model: \
         the rename is generated and no data is lost.\n\
         3. If the field was removed by mistake, put it back in the model.\n",
    );
}

fn in_sync(extra: &str) -> String {
    format!(
        "## ✅ No schema drift\n\nThe models match a database upgraded to the head of the \
         migration history.{extra}\n"
    )
}

fn committed(
    hooks: &dyn DiffHooks,
    ops: &[Op],
    (name, body): (&str, &str),
    commit: &str,
) -> String {
    let verdicts = verdicts_on(hooks, ops);
    let mut text = String::from("## 🤖 Missing migration committed\n\n");
    let _ = writeln!(
        text,
        "The models on this branch differ from a database upgraded to the head of the \
         migration history by {} (a pull request merged without its migration, or a merge \
         resolution changed the models). The missing migration was generated and committed \
         as `{}`. Nobody has reviewed it yet: read it before the next deploy.\n",
        count(ops.len(), "operation"),
        cell(commit)
    );
    analysis(&mut text, ops, &verdicts);
    proposed_file(&mut text, "Committed migration", name, body);
    if verdicts.iter().any(Verdict::is_blocked) {
        text.push_str("### What is left\n\n");
        text.push_str(
            "**The operations marked 🛑 are never generated**: the committed file lists them \
             as comments only, and the next run reports them as a ⚠️ partial sync with the \
             revision that drops them, to write by hand if the model change meant to remove \
             that data.\n",
        );
    }
    text
}

/// The table of ops that need care, then every op in a collapsed list, each with the
/// label every command shows.
fn analysis(text: &mut String, ops: &[Op], verdicts: &[Verdict]) {
    text.push_str("### Destructive change analysis\n\n");
    let flagged: Vec<(&Op, &Verdict)> = ops
        .iter()
        .zip(verdicts)
        .filter(|(_, verdict)| verdict.risk != Risk::Safe)
        .collect();
    if flagged.is_empty() {
        text.push_str(
            "✅ Nothing destructive: no operation drops data, depends on the data already in \
             the tables, removes a guarantee, or locks a table for long.\n\n",
        );
    } else {
        let _ = writeln!(text, "{}\n", tally(verdicts));
        text.push_str("| Risk | Operation | Why it needs care |\n|---|---|---|\n");
        // Worst first; the sort is stable, so ops of one risk keep the diff's order.
        let mut rows = flagged;
        rows.sort_by_key(|(_, verdict)| std::cmp::Reverse(verdict.risk));
        for (op, verdict) in rows {
            let _ = writeln!(
                text,
                "| {} {} | {} | {} |",
                mark(verdict.risk),
                cell(&verdict.label()),
                cell(&op.describe()),
                cell(&verdict.why)
            );
        }
        text.push('\n');
    }
    let _ = writeln!(
        text,
        "<details><summary>All operations ({})</summary>\n",
        ops.len()
    );
    for (op, verdict) in ops.iter().zip(verdicts) {
        let _ = writeln!(text, "- {} ({})", op.describe(), verdict.label());
    }
    text.push_str("\n</details>\n\n");
}

/// One sentence counting the flagged ops by risk, worst first.
fn tally(verdicts: &[Verdict]) -> String {
    let n = |wanted: Risk| verdicts.iter().filter(|v| v.risk == wanted).count();
    let mut parts = Vec::new();
    let destructive = n(Risk::Destructive);
    if destructive > 0 {
        parts.push(format!(
            "🛑 **{}** (never generated)",
            count(destructive, "destructive operation")
        ));
    }
    let data = n(Risk::DataDependent);
    if data > 0 {
        parts.push(format!("⚠️ **{data} that may fail on existing data**",));
    }
    let blocking = n(Risk::Blocking);
    if blocking > 0 {
        parts.push(format!("⏳ {blocking} that may lock a table for long"));
    }
    let loosening = n(Risk::Loosening);
    if loosening > 0 {
        parts.push(format!(
            "🔓 {loosening} that remove{} a guarantee",
            if loosening == 1 { "s" } else { "" }
        ));
    }
    parts.join(", ") + "."
}

fn mark(risk: Risk) -> &'static str {
    match risk {
        Risk::Destructive => "🛑",
        Risk::DataDependent => "⚠️",
        Risk::Blocking => "⏳",
        Risk::Loosening => "🔓",
        Risk::Safe => "✅",
    }
}

/// A file in a fenced SQL block, cut past [`MAX_SQL_BYTES`].
fn proposed_file(text: &mut String, title: &str, name: &str, body: &str) {
    let _ = writeln!(text, "### {title}: `{name}`\n");
    let body = body.trim_end();
    let shown = cut(body, MAX_SQL_BYTES);
    let _ = writeln!(text, "```sql\n{shown}\n```\n");
    if shown.len() < body.len() {
        let _ = writeln!(
            text,
            "_The file is longer than a job summary can show: {} more bytes. `migrate diff` \
             prints all of it._\n",
            body.len() - shown.len()
        );
    }
}

/// At most `limit` bytes of `text`, ending at a line end when it has to cut.
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    head.rfind('\n').map_or(head, |at| &head[..at])
}

/// Text safe inside a table cell: a `|` would end the cell and a line break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::ColumnChanges;
    use schema_runtime::schema::{Column, ColumnType, QualifiedName};

    fn narrowing_and_drop() -> Vec<Op> {
        let table = QualifiedName::new("users");
        let wide = Column::new("name", ColumnType::Varchar { length: Some(200) });
        let narrow = Column::new("name", ColumnType::Varchar { length: Some(20) });
        let mut nullable = Column::new("email", ColumnType::Text);
        nullable.nullable = true;
        let required = Column {
            nullable: false,
            ..nullable.clone()
        };
        vec![
            Op::AlterColumn {
                table: table.clone(),
                from: wide,
                to: narrow,
                changes: ColumnChanges::TYPE,
            },
            Op::AlterColumn {
                table: table.clone(),
                from: nullable,
                to: required,
                changes: ColumnChanges::NULLABLE,
            },
            Op::DropColumn {
                table,
                column: Column::new("legacy", ColumnType::Text),
            },
        ]
    }

    fn clear() -> HandWritten {
        HandWritten {
            message: "drop_legacy".into(),
            sql: vec!["ALTER TABLE \"users\" DROP COLUMN \"legacy\";".into()],
        }
    }

    #[test]
    fn no_drift_says_so() {
        let text = markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &[],
            None,
            None,
        );
        assert!(text.contains("No schema drift"), "{text}");
        assert!(!text.contains("How to fix"), "{text}");
    }

    #[test]
    fn drops_narrowing_and_not_null_are_flagged_worst_first() {
        let ops = narrowing_and_drop();
        let text = markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &ops,
            Some(("abc_auto_sync_schema.sql", "-- +up\n")),
            Some(&clear()),
        );
        assert!(text.starts_with("## ❌ Schema drift"), "{text}");
        let drop = text
            .find("| 🛑 destructive, blocked: never generated | drop column users.legacy |")
            .unwrap();
        let narrow = text
            .find("narrows the type from varchar(200) to varchar(20)")
            .unwrap();
        assert!(drop < narrow, "{text}");
        assert!(
            text.contains("sets NOT NULL on an existing column"),
            "{text}"
        );
        assert!(text.contains("🛑 **1 destructive operation** (never generated)"));
        assert!(text.contains("⚠️ **2 that may fail on existing data**"));
        assert!(text.contains("3. Before merging, make sure the changes marked ⚠️"));
        assert!(text.contains("### Proposed migration: `abc_auto_sync_schema.sql`"));
        assert!(text.contains("make migrate"), "{text}");
        assert!(text.contains("renamed_from"), "{text}");
    }

    #[test]
    fn only_blocked_drops_are_a_partial_sync_with_the_revision_to_write() {
        let ops = narrowing_and_drop().split_off(2);
        let text = markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &ops,
            None,
            Some(&clear()),
        );
        assert!(text.starts_with(PARTIAL_SYNC_HEADING), "{text}");
        assert!(!text.contains("❌"), "{text}");
        assert!(text.contains("this check passes (exit 0)"), "{text}");
        assert!(text.contains("`migrate revision -m drop_legacy`"), "{text}");
        assert!(
            text.contains("   ALTER TABLE \"users\" DROP COLUMN \"legacy\";"),
            "{text}"
        );
        assert!(
            text.contains("- drop column users.legacy (destructive, blocked: never generated)"),
            "{text}"
        );
    }

    #[test]
    fn a_dropped_constraint_is_flagged_as_removing_a_guarantee() {
        let ops = vec![Op::DropCheck {
            table: QualifiedName::new("users"),
            check: schema_runtime::schema::CheckConstraint {
                name: "ck_users_age".into(),
                expression: "age >= 0".into(),
                not_valid: false,
            },
        }];
        let text = markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &ops,
            Some(("abc_auto_sync_schema.sql", "-- +up\n")),
            None,
        );
        assert!(text.contains("🔓 1 that removes a guarantee."), "{text}");
        assert!(
            text.contains(
                "| 🔓 loosening | drop check constraint ck_users_age on users | removes a \
                 guarantee: from then on rows may break `age >= 0` |"
            ),
            "{text}"
        );
        assert!(text.contains("3. The changes marked 🔓"), "{text}");
    }

    #[test]
    fn ci_sync_reports_name_the_commit() {
        let ops = narrowing_and_drop();
        let text = ci_sync_markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &SyncReport::Committed {
                ops: &ops,
                file: ("abc_auto_sync_schema.sql", "-- +up\n"),
                commit: "1234567 chore: auto-generate migration [skip ci]",
            },
        );
        assert!(text.contains("`1234567 chore: auto-generate migration [skip ci]`"));
        assert!(text.contains("### Committed migration: `abc_auto_sync_schema.sql`"));
        let clear = clear();
        let partial = ci_sync_markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &SyncReport::Partial {
                ops: &ops[2..],
                clear: Some(&clear),
            },
        );
        assert!(partial.starts_with(PARTIAL_SYNC_HEADING), "{partial}");
        assert!(partial.contains("nothing was committed"), "{partial}");
        assert!(ci_sync_markdown(
            &crate::dialect::postgres::diff::PostgresDiff,
            &SyncReport::InSync
        )
        .contains("Nothing to commit."));
    }

    #[test]
    fn pipes_do_not_break_the_table_and_long_files_are_cut_at_a_line() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        let long = "SELECT 1;\n".repeat(10);
        assert_eq!(cut(&long, 25), "SELECT 1;\nSELECT 1;");
        assert_eq!(cut("ééé", 3), "é");
    }
}
