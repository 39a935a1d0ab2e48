//! Statement splitting: what the executor runs one by one, and the lines errors point at.

use crate::dialect::Dialect;
use crate::revision::{statements, statements_for};

/// `(sql, line)` pairs, for compact assertions.
fn split(sql: &str) -> Vec<(String, usize)> {
    statements(sql)
        .into_iter()
        .map(|s| (s.sql, s.line))
        .collect()
}

fn split_for(sql: &str, dialect: Dialect) -> Vec<(String, usize)> {
    statements_for(sql, crate::dialect::driver(dialect).lexicon())
        .into_iter()
        .map(|s| (s.sql, s.line))
        .collect()
}

fn sqls(sql: &str) -> Vec<String> {
    split(sql).into_iter().map(|(s, _)| s).collect()
}

#[test]
fn revision_split_plain_statements_with_lines() {
    let sql = "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int\n);\nSELECT 1";
    assert_eq!(
        split(sql),
        [
            ("CREATE TABLE a (id int)".to_owned(), 1),
            ("CREATE TABLE b (\n  id int\n)".to_owned(), 3),
            ("SELECT 1".to_owned(), 6),
        ]
    );
}

#[test]
fn revision_split_drops_empty_and_comment_only_statements() {
    let sql = ";;\n-- just a comment; with a semicolon\n/* block; */ ;\n  ;\n";
    assert!(split(sql).is_empty());
    assert!(split("").is_empty());
}

#[test]
fn revision_split_leading_and_trailing_comments_are_not_part_of_a_statement() {
    let sql = "-- add a note column; safe\n/* reviewed */\nALTER TABLE t ADD note text; -- trailing; comment\n";
    assert_eq!(split(sql), [("ALTER TABLE t ADD note text".to_owned(), 3)]);
    // Comments inside a statement stay, so the database sees exactly what was written.
    assert_eq!(
        sqls("SELECT 1 -- one; two\n + 2;"),
        ["SELECT 1 -- one; two\n + 2"]
    );
}

#[test]
fn revision_split_respects_strings_and_quoted_identifiers() {
    let sql = "INSERT INTO \"we;ird\" VALUES ('a;b', 'it''s; fine');\nSELECT `x;y` FROM t;";
    assert_eq!(
        sqls(sql),
        [
            "INSERT INTO \"we;ird\" VALUES ('a;b', 'it''s; fine')",
            "SELECT `x;y` FROM t"
        ]
    );
    assert_eq!(sqls("SELECT \"a\"\";b\";"), ["SELECT \"a\"\";b\""]);
}

#[test]
fn revision_split_escape_strings() {
    // In E'..' a backslash escapes the quote; in a plain string it does not.
    let sql = "SELECT E'it\\'s; here';\nSELECT 'C:\\';\nSELECT e'\\\\';";
    assert_eq!(
        sqls(sql),
        ["SELECT E'it\\'s; here'", "SELECT 'C:\\'", "SELECT e'\\\\'"]
    );
    // A word ending in e is not an escape-string prefix.
    assert_eq!(
        sqls("SELECT type'a\\';SELECT 2;"),
        ["SELECT type'a\\'", "SELECT 2"]
    );
}

#[test]
fn revision_split_dollar_quoted_bodies() {
    let sql = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  UPDATE t SET x = 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
               DO $body$ BEGIN PERFORM 'x$$y;'; END $body$;\nSELECT $1, a$b FROM t;";
    let got = split(sql);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got[0].0.ends_with("$$ LANGUAGE plpgsql"));
    assert_eq!(got[0].1, 1);
    assert_eq!(
        got[1],
        ("DO $body$ BEGIN PERFORM 'x$$y;'; END $body$".to_owned(), 7)
    );
    assert_eq!(got[2], ("SELECT $1, a$b FROM t".to_owned(), 8));
}

#[test]
fn revision_split_block_comments_nest_in_postgres() {
    let sql = "/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2;";
    assert_eq!(sqls(sql), ["SELECT 1", "SELECT 2"]);
    // MySQL does not nest: the first */ ends the comment.
    assert_eq!(
        split_for("/* a /* b */ SELECT 1; SELECT 2;", Dialect::Mysql),
        [("SELECT 1".to_owned(), 1), ("SELECT 2".to_owned(), 1)]
    );
}

#[test]
fn revision_split_mysql_backslashes_hash_comments_and_routines() {
    let sql = "# setup; ignore\nINSERT INTO t VALUES ('it\\'s; ok', \"q\\\";\");\n\
               CREATE PROCEDURE p()\nBEGIN\n  IF 1 THEN\n    SELECT 1;\n  END IF;\n  SELECT 2;\nEND;\nSELECT 3;";
    let got = split_for(sql, Dialect::Mysql);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(
        got[0],
        (
            "INSERT INTO t VALUES ('it\\'s; ok', \"q\\\";\")".to_owned(),
            2
        )
    );
    assert!(got[1].0.starts_with("CREATE PROCEDURE p()") && got[1].0.ends_with("END"));
    assert_eq!(got[1].1, 3);
    assert_eq!(got[2], ("SELECT 3".to_owned(), 10));
}

#[test]
fn revision_split_sqlite_trigger_bodies_and_brackets() {
    let sql = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET v = CASE WHEN new.v > 0 THEN 1 ELSE 0 END;\n  DELETE FROM [odd;name];\nEND;\nSELECT 1;";
    let got = split_for(sql, Dialect::Sqlite);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].0.ends_with("DELETE FROM [odd;name];\nEND"));
    assert_eq!(got[1], ("SELECT 1".to_owned(), 5));
}

#[test]
fn revision_split_postgres_begin_atomic_and_plain_begin() {
    let sql = "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND;\n\
               CREATE TABLE events (begin int, \"end\" int);\nBEGIN;\nCOMMIT;";
    let got = sqls(sql);
    assert_eq!(got.len(), 4, "{got:#?}");
    assert!(got[0].ends_with("SELECT a + b;\nEND"));
    assert_eq!(got[1], "CREATE TABLE events (begin int, \"end\" int)");
    assert_eq!(got[2..], ["BEGIN", "COMMIT"]);
    // A PostgreSQL trigger has no body, so its ; ends it.
    let trigger =
        "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;";
    assert_eq!(sqls(trigger).len(), 2);
}

#[test]
fn revision_split_unterminated_quote_runs_to_the_end() {
    assert_eq!(sqls("SELECT 'oops; SELECT 2;"), ["SELECT 'oops; SELECT 2;"]);
    assert_eq!(sqls("SELECT 1; /* open; SELECT 2;"), ["SELECT 1"]);
}

#[test]
fn revision_split_counts_lines_across_multibyte_text() {
    let sql = "INSERT INTO t VALUES ('café; crème');\n-- ünïcode; comment\nINSERT INTO t VALUES ('日本');";
    assert_eq!(
        split(sql),
        [
            ("INSERT INTO t VALUES ('café; crème')".to_owned(), 1),
            ("INSERT INTO t VALUES ('日本')".to_owned(), 3),
        ]
    );
}
