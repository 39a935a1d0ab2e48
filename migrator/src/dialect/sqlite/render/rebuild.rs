//! The table rebuild: how SQLite does what its `ALTER TABLE` cannot (SQLite's documented
//! "making other kinds of table schema changes" procedure):
//!
//! ```sql
//! PRAGMA defer_foreign_keys = ON;
//! CREATE TABLE "_new_t" (...the target definition...);
//! INSERT INTO "_new_t" ("a", "b") SELECT "a", "b" FROM "t";
//! DROP TABLE "t";
//! ALTER TABLE "_new_t" RENAME TO "t";
//! CREATE INDEX ...;                     -- the table's indexes, dropped with it
//! PRAGMA foreign_key_check("t");
//! ```
//!
//! All of it runs inside the revision's transaction. The procedure's first step, turning
//! `PRAGMA foreign_keys` off, cannot be done inside a transaction, so the migrator's own
//! connection runs with foreign keys off (see `dialect::sqlite::connect`): with them on, the `DROP TABLE`
//! would delete the rows of tables that reference `t` with `ON DELETE CASCADE`.
//! `defer_foreign_keys` covers a session that has them on anyway (a script piped into
//! `sqlite3`): violations then wait for the commit instead of failing halfway. The closing
//! `foreign_key_check` is the procedure's step 10; the migrator's executor treats a row it
//! returns as an error, so a rebuild that breaks a reference rolls back.
//!
//! Columns are copied by name: those in both the old and the new definition, except
//! generated ones, which the new table computes. A new column gets its default; a column whose new definition is NOT NULL fails the copy on a NULL row,
//! as `ALTER COLUMN ... SET NOT NULL` would elsewhere.

use schema_runtime::schema::{Index, QualifiedName, Table};

use super::table::create_table_sql;
use crate::dialect::sqlite::quote::{quote_ident, quote_name};
use crate::dialect::Statement;

/// With `AUTOINCREMENT`, SQLite keeps the largest id ever handed out in `sqlite_sequence`;
/// the copy only knows the largest id left, so an id deleted from the top would be handed
/// out again. The new table takes the larger of the two marks (`sqlite_sequence` has no
/// key: the row kept is the one with the larger mark), and the rename moves it.
fn keep_sequence(table: &str) -> Vec<Statement> {
    let old = crate::dialect::sqlite::quote::quote_literal(table);
    let new = crate::dialect::sqlite::quote::quote_literal(&format!("_new_{table}"));
    vec![
        Statement::new(format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {new}, MAX(seq) FROM \
             sqlite_sequence WHERE name IN ({old}, {new}) HAVING MAX(seq) IS NOT NULL"
        )),
        Statement::new(format!(
            "DELETE FROM sqlite_sequence WHERE name = {new} AND rowid <> (SELECT rowid \
             FROM sqlite_sequence WHERE name = {new} ORDER BY seq DESC LIMIT 1)"
        )),
    ]
}

/// The statements that turn the table `before` into `after` (same name) with its rows.
pub fn rebuild(before: &Table, after: &Table) -> Vec<Statement> {
    let temp = quote_ident(&format!("_new_{}", after.name.name));
    let name = quote_name(&after.name);
    // A generated column is computed by the new table, and cannot be written.
    let common: Vec<String> = after
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter(|c| {
            before
                .column(&c.name)
                .is_some_and(|b| b.generated.is_none())
        })
        .map(|c| quote_ident(&c.name))
        .collect();
    let mut statements = vec![
        Statement::new("PRAGMA defer_foreign_keys = ON"),
        Statement::new(create_table_sql(after, &temp, &after.foreign_keys)),
    ];
    if !common.is_empty() {
        let list = common.join(", ");
        statements.push(Statement::new(format!(
            "INSERT INTO {temp} ({list}) SELECT {list} FROM {name}"
        )));
    }
    let autoincrement = |t: &Table| t.columns.iter().any(|c| c.autoincrement);
    if autoincrement(before) && autoincrement(after) {
        statements.extend(keep_sequence(&after.name.name));
    }
    statements.push(Statement::new(format!("DROP TABLE {name}")));
    statements.push(Statement::new(format!(
        "ALTER TABLE {temp} RENAME TO {name}"
    )));
    statements.extend(
        after
            .indexes
            .iter()
            .map(|index| Statement::new(create_index(&after.name, index))),
    );
    statements.push(Statement::new(format!("PRAGMA foreign_key_check({name})")));
    statements
}

/// `CREATE [UNIQUE] INDEX "ix" ON "t" ("a", (expr)) [WHERE predicate]`.
pub fn create_index(table: &QualifiedName, index: &Index) -> String {
    let parts = index.key_sql(quote_ident);
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        quote_name(table),
        parts.join(", ")
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

/// Whether a statement is a rebuild's closing foreign key check, which an executor must
/// treat as an assertion (the pragma only reports violations).
pub fn is_foreign_key_check(sql: &str) -> bool {
    sql.trim_start()
        .get(..24)
        .is_some_and(|head| head.eq_ignore_ascii_case("PRAGMA foreign_key_check"))
}
