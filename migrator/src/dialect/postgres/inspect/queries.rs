//! The catalog queries, one per object kind, each over every managed table at once (the
//! Atlas way): the number of round trips does not grow with the number of tables.
//!
//! Every query casts `name` and `"char"` columns to `text` so that rows decode into plain
//! Rust strings, and every function and catalog is schema-qualified so that the session's
//! `search_path` can only change how deparsed expressions spell names, never what is read.

/// Pins `search_path` for the rest of the transaction. `public` alone is what the schema
/// model's `None` namespace means, so deparsed expressions qualify exactly the names the
/// model qualifies (`'low'::audit.level`, but `'paid'::order_status`).
///
/// It also turns JIT compilation off for the transaction. The planner's cost estimates
/// for the catalog queries (joins over `pg_attribute`, `pg_index`, `pg_depend`) pass the
/// JIT threshold on a server with JIT on. Compiling them then takes far longer than running
/// them: 310 ms of the 394 ms of a 100-table check were JIT before this.
pub const SET_SEARCH_PATH: &str =
    "SELECT pg_catalog.set_config('search_path', 'public', true), pg_catalog.set_config('jit', 'off', true)";

/// Ordinary and partitioned tables (not partitions, not extension members) of the
/// namespaces in `$1`, a partitioned one with its partition key. System namespaces are
/// refused even if a filter names them.
pub const TABLES: &str = r#"
SELECT c.oid AS table_oid,
       n.nspname::text AS namespace,
       c.relname::text AS name,
       pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1)
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname
"#;

/// Columns of the tables whose OIDs are in `$1`, in `attnum` order. The element type of
/// an array (or the type itself) is joined so that enum columns and enum arrays are
/// recognised by catalog facts rather than by parsing `format_type()` output.
pub const COLUMNS: &str = r#"
SELECT a.attrelid AS table_oid,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_sql,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END
           AS default_expr,
       a.attidentity::text AS identity,
       -- Only for an identity column: its sequence's start and step.
       CASE WHEN a.attidentity <> '' THEN
           (SELECT ARRAY[s.seqstart, s.seqincrement]
            FROM pg_catalog.pg_depend sd
            JOIN pg_catalog.pg_sequence s ON s.seqrelid = sd.objid
            WHERE sd.refclassid = 'pg_catalog.pg_class'::regclass
              AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum
              AND sd.classid = 'pg_catalog.pg_class'::regclass AND sd.deptype = 'i')
       END AS identity_sequence,
       a.attgenerated::text AS generated,
       CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END
           AS generation,
       CASE WHEN a.attcollation <> t.typcollation THEN
           CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text
                ELSE cn.nspname || '.' || co.collname END
       END AS collation,
       pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
       et.typtype = 'e' AS is_enum,
       et.oid <> t.oid AS is_array,
       en.nspname::text AS element_namespace,
       et.typname::text AS element_name
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
JOIN pg_catalog.pg_type et
  ON et.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"#;

/// Primary keys, uniques, foreign keys and checks of the tables in `$1`. Key columns come
/// back by name in key order. `conparentid = 0` drops the per-partition clones PostgreSQL
/// adds for a foreign key that references a partitioned table.
pub const CONSTRAINTS: &str = r#"
SELECT c.conrelid AS table_oid,
       c.conname::text AS name,
       c.contype::text AS kind,
       ARRAY(SELECT a.attname::text
             FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       rn.nspname::text AS ref_namespace,
       r.relname::text AS ref_table,
       ARRAY(SELECT a.attname::text
             FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_columns,
       c.confdeltype::text AS on_delete,
       c.confupdtype::text AS on_update,
       c.condeferrable AS deferrable,
       c.condeferred AS deferred,
       c.convalidated AS validated,
       CASE WHEN c.contype IN ('c', 'x') THEN pg_catalog.pg_get_constraintdef(c.oid) END
           AS definition
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE c.conrelid = ANY($1)
  AND c.contype IN ('p', 'u', 'f', 'c', 'x')
  AND c.conparentid = 0
ORDER BY c.conrelid, c.conname
"#;

/// Indexes of the tables in `$1` that do not back a primary key, unique or exclusion
/// constraint. Each key part is a column name or, for an expression key, its deparsed text.
pub const INDEXES: &str = r#"
SELECT i.indrelid AS table_oid,
       ic.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       ARRAY(SELECT i.indkey[k - 1] = 0
             FROM pg_catalog.generate_series(1, i.indnkeyatts::int) AS k
             ORDER BY k) AS part_is_expression,
       ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0
                         THEN pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
                         ELSE (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                               WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1])
                    END
             FROM pg_catalog.generate_series(1, i.indnkeyatts::int) AS k
             ORDER BY k) AS part_text,
       ARRAY(SELECT pg_catalog.concat_ws(' ',
                        -- A column part's collation where it is not the column's own.
                        CASE WHEN i.indcollation[k - 1] <> 0
                                  AND i.indcollation[k - 1] <> ka.attcollation THEN
                             'COLLATE ' || CASE WHEN kcn.nspname IN ('pg_catalog', 'public')
                                 THEN pg_catalog.quote_ident(kc.collname)
                                 ELSE pg_catalog.quote_ident(kcn.nspname) || '.'
                                      || pg_catalog.quote_ident(kc.collname) END
                        END,
                        CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END,
                        CASE i.indoption[k - 1]::int & 3
                             WHEN 1 THEN 'DESC NULLS LAST'
                             WHEN 3 THEN 'DESC'
                             WHEN 2 THEN 'NULLS FIRST' END)
             FROM pg_catalog.generate_series(1, i.indnkeyatts::int) AS k
             LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k - 1]
             LEFT JOIN pg_catalog.pg_attribute ka
               ON ka.attrelid = i.indrelid AND ka.attnum = i.indkey[k - 1]
             LEFT JOIN pg_catalog.pg_collation kc ON kc.oid = i.indcollation[k - 1]
             LEFT JOIN pg_catalog.pg_namespace kcn ON kcn.oid = kc.collnamespace
             ORDER BY k) AS part_options,
       ARRAY(SELECT a.attname::text
             FROM pg_catalog.generate_series(i.indnkeyatts::int + 1, i.indnatts::int) AS k
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
             ORDER BY k) AS included,
       -- The column exists from PostgreSQL 15 on; read through the row so that one
       -- query serves every version.
       COALESCE((pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false)
           AS nulls_not_distinct
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1)
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        AND c.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"#;

/// The partitions of the tables in `$1`, with their bounds: read to be listed, never
/// compared (partitions come and go with the data).
pub const PARTITIONS: &str = r#"
SELECT i.inhparent AS table_oid,
       n.nspname::text AS namespace,
       c.relname::text AS name,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.inhparent = ANY($1)
  AND c.relispartition
ORDER BY i.inhparent, n.nspname, c.relname
"#;

/// Enum types of the namespaces in `$1` with their labels in `enumsortorder` order.
pub const ENUMS: &str = r#"
SELECT n.nspname::text AS namespace,
       t.typname::text AS name,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
       pg_catalog.obj_description(t.oid, 'pg_type') AS comment
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND n.nspname = ANY($1)
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"#;

/// The scratch tables normalisation made in this session's temporary namespace (named
/// `dgs_norm_<n>`; the caller's own temporary tables, if any, are not read).
pub const SCRATCH_TABLES: &str = r#"
SELECT c.oid AS table_oid, c.relname::text AS name,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by
FROM pg_catalog.pg_class c
WHERE c.relnamespace = pg_catalog.pg_my_temp_schema()
  AND c.relkind IN ('r', 'p')
  AND c.relname LIKE 'dgs\_norm\_%'
ORDER BY c.relname
"#;
