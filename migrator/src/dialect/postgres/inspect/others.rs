//! What PostgreSQL holds besides tables and enum types, for the adoption report: views and
//! materialized views, triggers, functions, procedures and aggregates, row-level security
//! policies, rules, sequences no column owns, domains, and extensions. One catalog query reads them
//! all ([`OTHER_OBJECTS`]), inside a read transaction that pins `search_path` as
//! introspection does, so that definitions spell names alike on every run.
//!
//! Left out on purpose: what an extension installed (its functions, views and sequences
//! are the extension's, listed once as the extension), the sequences of serial and identity
//! columns (the models state those columns), triggers PostgreSQL made itself (foreign keys)
//! or cloned onto partitions, and the `_RETURN` rule of every view. Domains are listed: the
//! models name them as column types (`sql_type`) but cannot create them.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::error::InspectError;
use super::{begin, pin_search_path, rollback, QueryCounter};
use crate::db::others::{qualify, sorted};
use crate::db::OtherObject;
use crate::filter::SchemaFilter;

/// Every object of the namespaces in `$1` that the models cannot describe, one row each:
/// `kind` (one of [`OtherObject::KINDS`]), `namespace` (none for what belongs to a table,
/// or to the database as a whole), `name`, the table's `table_namespace` and `table_name`,
/// and the `definition` where the catalog gives it. Extensions belong to the database, not
/// to a namespace, so all of them are read; `plpgsql` comes with every database.
pub const OTHER_OBJECTS: &str = r#"
WITH ns AS (
    SELECT n.oid, n.nspname::text AS nspname,
           CASE WHEN n.nspname = 'public' THEN ''
                ELSE pg_catalog.quote_ident(n.nspname) || '.' END AS prefix
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname = ANY($1)
      AND n.nspname !~ '^pg_'
      AND n.nspname <> 'information_schema'
)
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'sequence' END
           AS kind,
       ns.nspname AS namespace,
       c.relname::text AS name,
       NULL::text AS table_namespace,
       NULL::text AS table_name,
       CASE c.relkind
           WHEN 'v' THEN 'CREATE VIEW ' || ns.prefix || pg_catalog.quote_ident(c.relname)
                         || ' AS' || pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), ';')
           WHEN 'm' THEN 'CREATE MATERIALIZED VIEW ' || ns.prefix
                         || pg_catalog.quote_ident(c.relname)
                         || ' AS' || pg_catalog.rtrim(pg_catalog.pg_get_viewdef(c.oid), ';')
           ELSE 'CREATE SEQUENCE ' || ns.prefix || pg_catalog.quote_ident(c.relname)
                || ' AS ' || pg_catalog.format_type(s.seqtypid, NULL)
                || ' INCREMENT BY ' || s.seqincrement
                || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax
                || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
                || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
       END AS definition
FROM pg_catalog.pg_class c
JOIN ns ON ns.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind IN ('v', 'm', 'S')
  -- Neither an extension's, nor a sequence a column owns (serial: 'a', identity: 'i').
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
        AND (d.deptype = 'e'
             OR (d.deptype IN ('a', 'i') AND d.refclassid = 'pg_catalog.pg_class'::regclass
                 AND d.refobjsubid > 0)))
UNION ALL
SELECT 'trigger', NULL, t.tgname::text, ns.nspname, tc.relname::text,
       pg_catalog.pg_get_triggerdef(t.oid)
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class tc ON tc.oid = t.tgrelid
JOIN ns ON ns.oid = tc.relnamespace
WHERE NOT t.tgisinternal
  -- A partition's clone of its parent's trigger (PostgreSQL 13 on; read through the row
  -- so that one query serves every version).
  AND COALESCE((pg_catalog.to_jsonb(t) ->> 'tgparentid')::oid, 0) = 0
UNION ALL
SELECT CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' ELSE 'aggregate' END,
       ns.nspname, p.proname::text, NULL, NULL,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid) END
FROM pg_catalog.pg_proc p
JOIN ns ON ns.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'a')
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'policy', NULL, pol.polname::text, ns.nspname, pc.relname::text,
       'CREATE POLICY ' || pg_catalog.quote_ident(pol.polname)
       || ' ON ' || ns.prefix || pg_catalog.quote_ident(pc.relname)
       || CASE WHEN pol.polpermissive THEN '' ELSE ' AS RESTRICTIVE' END
       || ' FOR ' || CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
                                     WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
       || ' TO ' || pg_catalog.array_to_string(ARRAY(
              SELECT CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pr.rolname) END
              FROM pg_catalog.unnest(pol.polroles) WITH ORDINALITY AS r(oid, ord)
              LEFT JOIN pg_catalog.pg_roles pr ON pr.oid = r.oid
              ORDER BY r.ord), ', ')
       || COALESCE(' USING (' || pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) || ')', '')
       || COALESCE(' WITH CHECK ('
                   || pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', '')
FROM pg_catalog.pg_policy pol
JOIN pg_catalog.pg_class pc ON pc.oid = pol.polrelid
JOIN ns ON ns.oid = pc.relnamespace
UNION ALL
SELECT 'rule', NULL, ru.rulename::text, ns.nspname, rc.relname::text,
       pg_catalog.rtrim(pg_catalog.pg_get_ruledef(ru.oid), ';')
FROM pg_catalog.pg_rewrite ru
JOIN pg_catalog.pg_class rc ON rc.oid = ru.ev_class
JOIN ns ON ns.oid = rc.relnamespace
WHERE ru.rulename <> '_RETURN'
UNION ALL
SELECT 'domain', ns.nspname, t.typname::text, NULL, NULL,
       'CREATE DOMAIN ' || ns.prefix || pg_catalog.quote_ident(t.typname)
       || ' AS ' || pg_catalog.format_type(t.typbasetype, t.typtypmod)
       || CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation
               THEN ' COLLATE ' || pg_catalog.quote_ident(co.collname) ELSE '' END
       || COALESCE(' DEFAULT ' || t.typdefault, '')
       || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
       || COALESCE((SELECT pg_catalog.string_agg(
                        ' CONSTRAINT ' || pg_catalog.quote_ident(dc.conname) || ' '
                        || pg_catalog.pg_get_constraintdef(dc.oid), '' ORDER BY dc.conname)
                    FROM pg_catalog.pg_constraint dc
                    WHERE dc.contypid = t.oid AND dc.contype = 'c'), '')
FROM pg_catalog.pg_type t
JOIN ns ON ns.oid = t.typnamespace
JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
WHERE t.typtype = 'd'
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'extension', NULL, e.extname::text, NULL, NULL,
       'CREATE EXTENSION IF NOT EXISTS ' || pg_catalog.quote_ident(e.extname)
       || CASE WHEN en.nspname = 'public' THEN ''
               ELSE ' WITH SCHEMA ' || pg_catalog.quote_ident(en.nspname) END
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace en ON en.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
"#;

/// The objects the models cannot describe, in the filter's namespaces; one that belongs to
/// a table the filter leaves out is left out. Four statements, whatever their number:
/// begin, pin `search_path`, the query, roll back.
pub async fn other_objects(
    conn: &mut PgConnection,
    filter: &SchemaFilter,
) -> Result<Vec<OtherObject>, InspectError> {
    let mut counter = QueryCounter::default();
    let mut tx = begin(conn, &mut counter).await?;
    let read = read(&mut tx, filter).await;
    let rollback = rollback(tx, &mut counter).await;
    let objects = read?;
    rollback?;
    tracing::debug!(objects = objects.len(), "read PostgreSQL's other objects");
    Ok(objects)
}

async fn read(
    conn: &mut PgConnection,
    filter: &SchemaFilter,
) -> Result<Vec<OtherObject>, InspectError> {
    const QUERY: &str = "other objects";
    pin_search_path(conn, &mut QueryCounter::default()).await?;
    let rows = sqlx::query(OTHER_OBJECTS)
        .bind(filter.namespaces())
        .fetch_all(&mut *conn)
        .await
        .map_err(|source| InspectError::Query {
            query: QUERY,
            source,
        })?;
    let mut objects = Vec::with_capacity(rows.len());
    for row in &rows {
        let object = to_object(row).map_err(|source| InspectError::Query {
            query: QUERY,
            source,
        })?;
        if let Some(object) = object.filter(|o| o.manages_table(filter)) {
            objects.push(object.object);
        }
    }
    Ok(sorted(objects))
}

/// A row of [`OTHER_OBJECTS`], with its table's namespace kept apart for the filter.
struct Found {
    object: OtherObject,
    /// `(namespace, table)` of what belongs to a table.
    table: Option<(String, String)>,
}

impl Found {
    /// Whether the filter reads the object's table, or the object belongs to none.
    fn manages_table(&self, filter: &SchemaFilter) -> bool {
        self.table
            .as_ref()
            .is_none_or(|(namespace, table)| filter.manages(namespace, table))
    }
}

/// The row as an object; `None` for a kind this version does not know (the query only
/// writes known ones).
fn to_object(row: &PgRow) -> Result<Option<Found>, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let Some(kind) = OtherObject::kind_named(&kind) else {
        tracing::warn!(%kind, "an object of a kind this version does not know is not listed");
        return Ok(None);
    };
    let namespace: Option<String> = row.try_get("namespace")?;
    let name: String = row.try_get("name")?;
    let table_namespace: Option<String> = row.try_get("table_namespace")?;
    let table_name: Option<String> = row.try_get("table_name")?;
    let definition: Option<String> = row.try_get("definition")?;
    let table = table_namespace.zip(table_name);
    Ok(Some(Found {
        object: OtherObject {
            kind,
            name: match namespace {
                Some(namespace) => qualify(&namespace, &name),
                None => name,
            },
            table: table
                .as_ref()
                .map(|(namespace, table)| qualify(namespace, table)),
            // pg_get_functiondef ends with a line break; nothing else does.
            definition: definition.map(|d| d.trim_end().to_owned()),
        },
        table,
    }))
}
