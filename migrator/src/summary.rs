//! The Markdown job summaries of the CI commands: what a reviewer sees on a pull request
//! whose models drifted from the migration history (`migrate check --summary FILE`), and
//! what the post-merge job did about drift on the main branch (`migrate ci-sync --summary
//! FILE`). Each shows the proposed migration file, an analysis of what in it is destructive
//! or may fail on existing data, and how to fix the build. Pure: it takes ops and file
//! texts, and returns text; the CLI appends it to the file GitHub renders.

use std::fmt::Write as _;

use crate::change::{ColumnChanges, Op};
use crate::safety::{classify_all, is_widening, Risk};

/// GitHub renders at most 1 MiB of summary per step; a first migration of a large schema
/// can come close, so the SQL shown is cut (at a line end) past this many bytes.
const MAX_SQL_BYTES: usize = 256 * 1024;

/// The summary of `migrate check`: "no drift", or the drift, its analysis, the proposed
/// migration and how to fix the build. `proposed` is the name and text of the file
/// autogeneration would write (`None` when nothing can be generated: only drops are left).
pub fn markdown(ops: &[Op], proposed: Option<(&str, &str)>) -> String {
    if ops.is_empty() {
        return in_sync("");
    }
    let risks = classify_all(ops);
    let mut text = String::from("## ❌ Schema drift: a migration is missing\n\n");
    let _ = writeln!(
        text,
        "The models differ from a database upgraded to the head of the migration history by \
         {}. This check fails until the missing migration is committed.\n",
        count(ops.len(), "operation")
    );
    analysis(&mut text, ops, &risks);
    text.push_str("### How to fix\n\n");
    if proposed.is_some() {
        text.push_str(
            "1. Run `make migrate` locally (the smart migrator: the `migrate` binary with no \
             command). It writes the missing file to `migrations/versions/` and applies it to \
             your development database.\n\
             2. Review the file (it matches the proposal below, with another id), commit it \
             with your model change, and push.\n",
        );
        if risks.contains(&Risk::DataDependent) {
            text.push_str(
                "3. Before merging, make sure the changes marked ⚠️ fit the data in \
                 production: fill NULLs before `SET NOT NULL`, shorten values before a \
                 narrower type, remove duplicates before a unique key (an `UPDATE` above the \
                 `ALTER` in the same revision does it).\n",
            );
        }
        if risks.contains(&Risk::Destructive) {
            text.push('\n');
            text.push_str(DESTRUCTIVE_ADVICE);
        }
    } else {
        text.push_str(ONLY_DESTRUCTIVE_ADVICE);
    }
    // Last, because it can be long: the reviewer reads the verdict and the fix first.
    text.push('\n');
    match proposed {
        Some((name, body)) => proposed_file(&mut text, "Proposed migration", name, body),
        None => text.push_str(
            "### Proposed migration\n\nNone: every remaining operation is destructive, and \
             autogeneration never writes a drop.\n",
        ),
    }
    text
}

/// What `migrate ci-sync` did, for its summary.
#[derive(Clone, Copy, Debug)]
pub enum SyncReport<'a> {
    /// No drift and a single head: nothing was committed.
    InSync,
    /// Drift: the generated migration was committed.
    Committed {
        /// Every op of the drift (the blocked destructive ones too).
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
        /// Destructive drift left (never generated).
        blocked: &'a [Op],
        /// The committed file's name and text.
        file: (&'a str, &'a str),
        /// The commit, as `<short id> <subject>`.
        commit: &'a str,
    },
    /// The only drift is destructive: nothing can be generated, nothing was committed.
    Partial {
        /// The blocked ops.
        ops: &'a [Op],
    },
}

/// The summary of `migrate ci-sync`.
pub fn ci_sync_markdown(report: &SyncReport<'_>) -> String {
    match *report {
        SyncReport::InSync => in_sync(" Nothing to commit."),
        SyncReport::Committed { ops, file, commit } => committed(ops, file, commit),
        SyncReport::Merged {
            heads,
            blocked,
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
                    "The models also differ from the database by destructive operations \
                     only, which are never generated:\n\n",
                );
                analysis(&mut text, blocked, &classify_all(blocked));
                text.push_str("### How to fix\n\n");
                text.push_str(ONLY_DESTRUCTIVE_ADVICE);
            }
            text
        }
        SyncReport::Partial { ops } => {
            let mut text = String::from("## ⚠️ Partial sync: schema drift persists\n\n");
            let _ = writeln!(
                text,
                "The models differ from the database by {}, all destructive. Autogeneration \
                 never writes a drop, so nothing was committed. The application is safe (it \
                 ignores what it no longer declares), but the database keeps that data.\n",
                count(ops.len(), "operation")
            );
            analysis(&mut text, ops, &classify_all(ops));
            text.push_str("### How to fix\n\n");
            text.push_str(ONLY_DESTRUCTIVE_ADVICE);
            text
        }
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

const DESTRUCTIVE_ADVICE: &str = "**The operations marked 🛑 are never generated**: the \
migration file lists them as comments only. If the model change meant to remove that data, \
write the drop in a revision of its own (`migrate revision -m \"drop ...\"`) and have it \
reviewed. If a table or column was renamed, add `renamed_from = \"old_name\"` to the model \
instead: the rename is generated and no data is lost.\n";

const ONLY_DESTRUCTIVE_ADVICE: &str = "1. If a table or column was renamed, add \
`renamed_from = \"old_name\"` to the model: the rename is generated and no data is lost.\n\
2. If the model change meant to remove that data, write the drop by hand \
(`migrate revision -m \"drop ...\"`; `migrate diff` prints its SQL), review it and commit it.\n\
3. If the field was removed by mistake, put it back in the model.\n";

fn in_sync(extra: &str) -> String {
    format!(
        "## ✅ No schema drift\n\nThe models match a database upgraded to the head of the \
         migration history.{extra}\n"
    )
}

fn committed(ops: &[Op], (name, body): (&str, &str), commit: &str) -> String {
    let risks = classify_all(ops);
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
    analysis(&mut text, ops, &risks);
    proposed_file(&mut text, "Committed migration", name, body);
    if risks.contains(&Risk::Destructive) {
        text.push_str("### What is left\n\n");
        text.push_str(DESTRUCTIVE_ADVICE);
    }
    text
}

/// The table of ops that need care, then every op in a collapsed list.
fn analysis(text: &mut String, ops: &[Op], risks: &[Risk]) {
    text.push_str("### Destructive change analysis\n\n");
    let flagged: Vec<(&Op, Risk)> = ops
        .iter()
        .zip(risks.iter().copied())
        .filter(|(_, risk)| *risk != Risk::Safe)
        .collect();
    if flagged.is_empty() {
        text.push_str(
            "✅ Nothing destructive: no operation drops data, depends on the data already in \
             the tables, or locks a table for long.\n\n",
        );
    } else {
        let _ = writeln!(text, "{}\n", tally(risks));
        text.push_str("| Risk | Operation | Why it needs care |\n|---|---|---|\n");
        // Worst first; the sort is stable, so ops of one risk keep the diff's order.
        let mut rows = flagged;
        rows.sort_by_key(|(_, risk)| std::cmp::Reverse(*risk));
        for (op, risk) in rows {
            let _ = writeln!(
                text,
                "| {} | {} | {} |",
                mark(risk),
                cell(&op.describe()),
                cell(&reason(op, risk))
            );
        }
        text.push('\n');
    }
    let _ = writeln!(
        text,
        "<details><summary>All operations ({})</summary>\n",
        ops.len()
    );
    for (op, risk) in ops.iter().zip(risks) {
        let _ = writeln!(text, "- {} ({})", op.describe(), risk.as_str());
    }
    text.push_str("\n</details>\n\n");
}

/// One sentence counting the flagged ops by risk, worst first.
fn tally(risks: &[Risk]) -> String {
    let n = |wanted: Risk| risks.iter().filter(|r| **r == wanted).count();
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
    parts.join(", ") + "."
}

fn mark(risk: Risk) -> &'static str {
    match risk {
        Risk::Destructive => "🛑 destructive",
        Risk::DataDependent => "⚠️ may fail on existing data",
        Risk::Blocking => "⏳ locks the table",
        Risk::Loosening => "🔓 removes a guarantee",
        Risk::Safe => "safe",
    }
}

/// Why an op is flagged, in a reviewer's words.
fn reason(op: &Op, risk: Risk) -> String {
    match op {
        Op::DropTable { .. } => "drops the table and every row in it".into(),
        Op::DropColumn { .. } => "drops the column and its data".into(),
        Op::DropEnum { .. } => "drops the enum type".into(),
        Op::ReplaceEnumValues { from, to, .. } if risk == Risk::Destructive => {
            let removed: Vec<String> = from
                .iter()
                .filter(|v| !to.contains(v))
                .map(|v| format!("'{v}'"))
                .collect();
            format!(
                "removes the value{} {}, which rows may hold",
                if removed.len() == 1 { "" } else { "s" },
                removed.join(", ")
            )
        }
        Op::ReplaceEnumValues { .. } => {
            "reorders the values: every column of the type is converted in place".into()
        }
        Op::AlterColumn {
            from, to, changes, ..
        } => alter_reason(from, to, *changes),
        Op::AddColumn { .. } if risk == Risk::DataDependent => {
            "adds a NOT NULL column without a default: fails if the table has rows".into()
        }
        Op::AddColumn { column, .. } if column.identity.is_some() => {
            "numbers every existing row of the new identity column: rewrites the table".into()
        }
        Op::AddColumn { .. } => {
            "its volatile default is computed row by row: rewrites the table".into()
        }
        Op::AddUnique { .. } => "adds uniqueness: fails if existing rows repeat a value".into(),
        Op::CreateIndex { index, .. } if index.unique => {
            "adds a unique index: fails if existing rows repeat a value".into()
        }
        Op::CreateIndex { .. } => {
            "builds an index, blocking writes to the table while it runs".into()
        }
        Op::AddPrimaryKey { .. } => "adds a primary key: fails on NULLs or duplicates".into(),
        Op::AddCheck { .. } => "adds a check: fails if an existing row violates it".into(),
        Op::AddForeignKey { .. } => {
            "adds a foreign key: fails if a row references a missing key".into()
        }
        _ => risk.as_str().into(),
    }
}

fn alter_reason(
    from: &schema_runtime::schema::Column,
    to: &schema_runtime::schema::Column,
    changes: ColumnChanges,
) -> String {
    let mut why = Vec::new();
    if changes.contains(ColumnChanges::TYPE) {
        if is_widening(&from.ty, &to.ty) {
            why.push(format!(
                "changes the type from {} to {}: rewrites the table",
                from.ty, to.ty
            ));
        } else {
            why.push(format!(
                "narrows the type from {} to {}: fails if an existing value does not fit",
                from.ty, to.ty
            ));
        }
    }
    if changes.contains(ColumnChanges::NULLABLE) && !to.nullable {
        why.push("sets NOT NULL on an existing column: fails if a row holds NULL".into());
    }
    if why.is_empty() {
        why.push("changes the column in place".into());
    }
    why.join("; ")
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

    #[test]
    fn no_drift_says_so() {
        let text = markdown(&[], None);
        assert!(text.contains("No schema drift"), "{text}");
        assert!(!text.contains("How to fix"), "{text}");
    }

    #[test]
    fn drops_narrowing_and_not_null_are_flagged_worst_first() {
        let ops = narrowing_and_drop();
        let text = markdown(&ops, Some(("abc_auto_sync_schema.sql", "-- +up\n")));
        let drop = text
            .find("| 🛑 destructive | drop column users.legacy |")
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
        assert!(text.contains("### Proposed migration: `abc_auto_sync_schema.sql`"));
        assert!(text.contains("make migrate"), "{text}");
        assert!(text.contains("renamed_from"), "{text}");
    }

    #[test]
    fn only_drops_propose_nothing_and_say_how_to_drop_by_hand() {
        let ops = narrowing_and_drop().split_off(2);
        let text = markdown(&ops, None);
        assert!(text.contains("None: every remaining operation is destructive"));
        assert!(text.contains("migrate revision -m"), "{text}");
        assert!(!text.contains("make migrate"), "{text}");
    }

    #[test]
    fn ci_sync_reports_name_the_commit() {
        let ops = narrowing_and_drop();
        let text = ci_sync_markdown(&SyncReport::Committed {
            ops: &ops,
            file: ("abc_auto_sync_schema.sql", "-- +up\n"),
            commit: "1234567 chore: auto-generate migration [skip ci]",
        });
        assert!(text.contains("`1234567 chore: auto-generate migration [skip ci]`"));
        assert!(text.contains("### Committed migration: `abc_auto_sync_schema.sql`"));
        let partial = ci_sync_markdown(&SyncReport::Partial { ops: &ops[2..] });
        assert!(partial.contains("Partial sync: schema drift persists"));
        assert!(ci_sync_markdown(&SyncReport::InSync).contains("Nothing to commit."));
    }

    #[test]
    fn pipes_do_not_break_the_table_and_long_files_are_cut_at_a_line() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        let long = "SELECT 1;\n".repeat(10);
        assert_eq!(cut(&long, 25), "SELECT 1;\nSELECT 1;");
        assert_eq!(cut("ééé", 3), "é");
    }
}
