//! The text of a revision file's sections, and the comment-only statements that stand in
//! the script for what the database must not run.

use crate::dialect::Statement;

/// The text of a revision file section: each statement followed by `;` and a newline, a
/// blank line between the groups of different ops. Comment-only statements get no `;`
/// (after a `--` comment it would be part of the comment). Empty groups are left out.
///
/// Takes groups rather than a flat list because a flat list has lost where one op ends and
/// the next begins, which is what the blank lines show the reviewer.
pub fn render_script(groups: &[Vec<Statement>]) -> String {
    groups
        .iter()
        .filter(|group| !group.is_empty())
        .map(|group| group.iter().map(terminated).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn terminated(statement: &Statement) -> String {
    if statement.is_comment_only() {
        format!("{}\n", statement.sql)
    } else {
        format!("{};\n", statement.sql)
    }
}

// Defined here rather than next to `Statement` because comment-only statements exist for
// rendering's sake; the executor only needs to recognise them.
impl Statement {
    /// A statement that runs nothing: `text` as `--` comment lines, for what a reviewer
    /// must read in a script but the database must not run (an irreversible `down`).
    pub fn comment(text: &str) -> Self {
        let sql = if text.is_empty() {
            "--".to_owned()
        } else {
            text.lines()
                .map(|line| format!("-- {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        Self::new(sql)
    }

    /// True when the SQL holds nothing but blank lines and `--` comments, so an executor
    /// skips it. Read from the text, so statements parsed back from a revision file are
    /// recognised too.
    pub fn is_comment_only(&self) -> bool {
        self.sql.lines().all(|line| {
            let line = line.trim_start();
            line.is_empty() || line.starts_with("--")
        })
    }
}
