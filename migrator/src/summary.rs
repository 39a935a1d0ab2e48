//! The Markdown job summary of `migrate check --summary FILE`: what a reviewer sees on a
//! pull request whose models drifted from the migration history: the proposed migration
//! file, an analysis of what in it is destructive or may fail on existing data, and how to
//! fix the build. Pure: it takes ops and a proposed file, and returns text.

use std::fmt::Write as _;

use crate::change::{ColumnChanges, Op};
use crate::safety::{classify_all, Risk};

/// Renders the summary. `proposed` is the text of the migration file autogeneration would
/// write (`None` when nothing can be generated, e.g. only drops are left).
pub fn markdown(ops: &[Op], proposed: Option<(&str, &str)>) -> String {
    let mut text = String::new();
    if ops.is_empty() {
        text.push_str("## ✅ No schema drift\n\n");
        text.push_str(
            "The models match a database upgraded to the head of the migration history.\n",
        );
        return text;
    }
    let risks = classify_all(ops);
    let _ = writeln!(text, "## ❌ Schema drift: a migration is missing\n");
    let _ = writeln!(
        text,
        "The models and a database upgraded to the head of `migrations/versions/` differ by \
         {} operation{}. This build fails until the migration is committed.\n",
        ops.len(),
        if ops.len() == 1 { "" } else { "s" }
    );
    analysis(&mut text, ops, &risks);
    if let Some((name, body)) = proposed {
        let _ = writeln!(text, "### Proposed migration: `{name}`\n");
        let _ = writeln!(text, "```sql\n{}\n```\n", body.trim_end());
    } else {
        text.push_str(
            "### Proposed migration\n\nNothing can be generated: every remaining operation \
             is destructive and must be written by hand.\n\n",
        );
    }
    text.push_str("### How to fix\n\n");
    text.push_str(
        "1. Run `make migrate` locally: it writes the missing file to `migrations/versions/` \
         and applies it to your development database.\n\
         2. Review the file, then commit and push it with your model change.\n",
    );
    if risks.contains(&Risk::Destructive) {
        text.push_str(
            "3. The destructive operations are never generated. If you meant them, write them \
             by hand in a revision (`migrate revision -m \"...\"`); if a column or table was \
             renamed, add `renamed_from = \"old_name\"` to the model instead.\n",
        );
    }
    text
}

fn analysis(text: &mut String, ops: &[Op], risks: &[Risk]) {
    let flagged: Vec<(&Op, Risk)> = ops
        .iter()
        .zip(risks.iter().copied())
        .filter(|(_, risk)| matches!(risk, Risk::Destructive | Risk::DataDependent))
        .collect();
    text.push_str("### Destructive change analysis\n\n");
    if flagged.is_empty() {
        text.push_str("No operation drops data or depends on the data already in the tables.\n\n");
    } else {
        text.push_str("| | Operation | Why it needs care |\n|---|---|---|\n");
        for (op, risk) in &flagged {
            let mark = match risk {
                Risk::Destructive => "🛑 destructive",
                _ => "⚠️ may fail on existing data",
            };
            let _ = writeln!(text, "| {mark} | {} | {} |", op.describe(), reason(op));
        }
        text.push('\n');
    }
    text.push_str("<details><summary>All operations</summary>\n\n");
    for (op, risk) in ops.iter().zip(risks) {
        let _ = writeln!(text, "- {} ({})", op.describe(), risk.as_str());
    }
    text.push_str("\n</details>\n\n");
}

/// Why an op is flagged, in a reviewer's words.
fn reason(op: &Op) -> String {
    match op {
        Op::DropTable { .. } => "drops the table and every row in it".into(),
        Op::DropColumn { .. } => "drops the column and its data".into(),
        Op::DropEnum { .. } => "drops the enum type".into(),
        Op::ReplaceEnumValues { .. } => "removes enum values that rows may hold".into(),
        Op::AlterColumn {
            from, to, changes, ..
        } => {
            let mut why = Vec::new();
            if changes.contains(ColumnChanges::TYPE) {
                why.push(format!(
                    "narrows {} to {}: existing values may not fit",
                    from.ty, to.ty
                ));
            }
            if changes.contains(ColumnChanges::NULLABLE) && !to.nullable {
                why.push("sets NOT NULL on an existing column: fails if a row holds NULL".into());
            }
            why.join("; ")
        }
        Op::AddColumn { .. } => {
            "adds a NOT NULL column without a default: fails if the table has rows".into()
        }
        Op::AddUnique { .. } | Op::CreateIndex { .. } => {
            "adds uniqueness: fails if existing rows repeat a value".into()
        }
        Op::AddPrimaryKey { .. } => "adds a primary key: fails on NULLs or duplicates".into(),
        Op::AddCheck { .. } => "adds a check: fails if an existing row violates it".into(),
        Op::AddForeignKey { .. } => {
            "adds a foreign key: fails if a row references a missing key".into()
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_runtime::schema::{Column, ColumnType, QualifiedName};

    #[test]
    fn no_drift_says_so() {
        assert!(markdown(&[], None).contains("No schema drift"));
    }

    #[test]
    fn drops_and_narrowing_are_flagged() {
        let table = QualifiedName::new("users");
        let wide = Column::new("name", ColumnType::Varchar { length: Some(200) });
        let narrow = Column::new("name", ColumnType::Varchar { length: Some(20) });
        let ops = vec![
            Op::AlterColumn {
                table: table.clone(),
                from: wide,
                to: narrow,
                changes: ColumnChanges::TYPE,
            },
            Op::DropColumn {
                table,
                column: Column::new("legacy", ColumnType::Text),
            },
        ];
        let text = markdown(&ops, Some(("abc_auto_sync_schema.sql", "-- +up\n")));
        assert!(text.contains("🛑 destructive | drop column users.legacy"));
        assert!(text.contains("narrows varchar(200) to varchar(20)"));
        assert!(text.contains("`abc_auto_sync_schema.sql`"));
        assert!(text.contains("renamed_from"));
    }
}
