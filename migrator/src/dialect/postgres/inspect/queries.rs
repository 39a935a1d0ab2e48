//! The catalog queries, one per object kind, each over every managed table at once (the
//! Atlas way): the number of round trips does not grow with the number of tables.
//!
//! A row carries only what differs per row. What many rows share (a column's type, a
//! collation, an operator class, the name of a key column) comes back as an OID or an
//! `attnum` and is resolved by a follow-up query over the distinct values, or from the
//! columns already read. Work done per row on the server (a correlated subquery, a
//! function such as `col_description` that runs a query of its own) costs microseconds,
//! and a schema of 5,000 tables has 55,000 columns: written per row, the reads took 1.5 s
//! at that size; written this way, a quarter of that.
//!
//! Every query casts `name` and `"char"` columns to `text` so that rows decode into plain
//! Rust strings, and every function and catalog is schema-qualified so that the session's
//! `search_path` can only change how deparsed expressions spell names, never what is read.

/// The text of [`SET_SEARCH_PATH`], which [`PIN_SEARCH_PATH`] extends.
macro_rules! set_search_path {
    () => {
        "SELECT pg_catalog.set_config('search_path', 'public', true), pg_catalog.set_config('jit', 'off', true)"
    };
}

/// Pins `search_path` for the rest of the transaction. `public` alone is what the schema
/// model's `None` namespace means, so deparsed expressions qualify exactly the names the
/// model qualifies (`'low'::audit.level`, but `'paid'::order_status`).
///
/// It also turns JIT compilation off for the transaction. The planner's cost estimates
/// for the catalog queries (joins over `pg_attribute`, `pg_index`, `pg_depend`) pass the
/// JIT threshold on a server with JIT on. Compiling them then takes far longer than running
/// them: 310 ms of the 394 ms of a 100-table check were JIT before this.
pub const SET_SEARCH_PATH: &str = set_search_path!();

/// [`SET_SEARCH_PATH`], answering with the server's `server_version_num` (which decides
/// how indexes are read), as a read sends it.
pub const PIN_SEARCH_PATH: &str = concat!(
    set_search_path!(),
    ", pg_catalog.current_setting('server_version_num')::int4 AS version"
);

/// Ordinary and partitioned tables (not partitions, not extension members) of the
/// namespaces in `$1`, a partitioned one with its partition key. System namespaces are
/// refused even if a filter names them.
pub const TABLES: &str = r#"
SELECT c.oid AS table_oid,
       n.nspname::text AS namespace,
       c.relname::text AS name,
       ds.description AS comment,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = ANY($1)
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
"#;

/// Columns of the tables whose OIDs are in `$1`, in no particular order (the caller sorts
/// them by `attnum`). Types, collations and identity sequences come back as OIDs, which
/// [`TYPES`], [`COLLATIONS`] and [`IDENTITIES`] resolve once per distinct value: the row
/// holds only what differs per column. `expression` is the default, or a generated
/// column's expression.
pub const COLUMNS: &str = r#"
SELECT a.attrelid AS table_oid,
       a.attnum,
       a.attname::text AS name,
       a.atttypid AS type_oid,
       a.atttypmod AS type_mod,
       a.attnotnull AS not_null,
       -- A default cannot refer to a column, so it is deparsed without its table: given
       -- one, pg_get_expr opens it (a relation cache entry and a lock per table, most of
       -- the cost of a first read on a new connection).
       pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END)
           AS expression,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       a.attcollation AS collation_oid,
       ds.description AS comment
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description ds
  ON ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass
 AND ds.objsubid = a.attnum
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
"#;

/// The column types whose `(oid, typmod)` pairs are `$1` and `$2`, spelled by
/// `format_type()`, with the type's own collation. The element type of an array (or the
/// type itself) is joined so that enum columns and enum arrays are recognised by catalog
/// facts rather than by parsing `format_type()` output.
pub const TYPES: &str = r#"
SELECT k.type_oid,
       k.type_mod,
       pg_catalog.format_type(k.type_oid, k.type_mod) AS type_sql,
       t.typcollation AS collation_oid,
       et.typtype = 'e' AS is_enum,
       et.oid <> t.oid AS is_array,
       en.nspname::text AS element_namespace,
       et.typname::text AS element_name
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.int4[]))
     AS k(type_oid, type_mod)
JOIN pg_catalog.pg_type t ON t.oid = k.type_oid
JOIN pg_catalog.pg_type et
  ON et.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END
JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
"#;

/// The collations whose OIDs are in `$1`: as a column's collation is written
/// (`"C"` as `C`, a namespace only outside `pg_catalog` and `public`), and quoted, as an
/// index key part's `COLLATE` is written.
pub const COLLATIONS: &str = r#"
SELECT co.oid AS collation_oid,
       CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text
            ELSE cn.nspname || '.' || co.collname END AS name,
       CASE WHEN cn.nspname IN ('pg_catalog', 'public')
            THEN pg_catalog.quote_ident(co.collname)
            ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
       END AS quoted
FROM pg_catalog.pg_collation co
JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
WHERE co.oid = ANY($1)
"#;

/// The start and step of the identity sequences of the tables in `$1`, by column.
pub const IDENTITIES: &str = r#"
SELECT sd.refobjid AS table_oid,
       sd.refobjsubid::int2 AS attnum,
       s.seqstart AS start,
       s.seqincrement AS increment
FROM pg_catalog.pg_depend sd
JOIN pg_catalog.pg_sequence s ON s.seqrelid = sd.objid
WHERE sd.refclassid = 'pg_catalog.pg_class'::regclass
  AND sd.refobjid = ANY($1)
  AND sd.classid = 'pg_catalog.pg_class'::regclass
  AND sd.deptype = 'i'
"#;

/// The column names of the tables in `$1`: the tables foreign keys reference outside the
/// ones being read, whose columns [`COLUMNS`] did not return.
pub const ATTRIBUTES: &str = r#"
SELECT a.attrelid AS table_oid, a.attnum, a.attname::text AS name
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
"#;

/// Primary keys, uniques, foreign keys and checks of the tables in `$1`. Key columns come
/// back as `attnum`s in key order, named from the columns already read. `conparentid = 0`
/// drops the per-partition clones PostgreSQL adds for a foreign key that references a
/// partitioned table.
pub const CONSTRAINTS: &str = r#"
SELECT c.conrelid AS table_oid,
       c.conname::text AS name,
       c.contype::text AS kind,
       c.conkey AS columns,
       c.confrelid AS ref_oid,
       rn.nspname::text AS ref_namespace,
       r.relname::text AS ref_table,
       c.confkey AS ref_columns,
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
"#;

/// [`INDEXES`] and [`INDEXES_BEFORE_15`], which differ in how `NULLS NOT DISTINCT` is
/// read (the column exists from PostgreSQL 15 on).
macro_rules! indexes {
    ($nulls_not_distinct:literal) => {
        concat!(
            r#"
SELECT i.indrelid AS table_oid,
       ic.relname::text AS name,
       i.indisunique AS is_unique,
       am.amname::text AS method,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       i.indnkeyatts AS key_parts,
       -- The vectors count from 0; a slice counts from 1, as the driver expects.
       (i.indkey::pg_catalog.int2[])[:] AS parts,
       (i.indoption::pg_catalog.int2[])[:] AS options,
       (i.indclass::pg_catalog.oid[])[:] AS opclasses,
       (i.indcollation::pg_catalog.oid[])[:] AS collations,
       CASE WHEN i.indexprs IS NOT NULL THEN
           ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
                 FROM pg_catalog.generate_series(1, i.indnkeyatts::int) AS k
                 ORDER BY k)
       END AS expressions,
       "#,
            $nulls_not_distinct,
            r#" AS nulls_not_distinct
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1)
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        AND c.contype IN ('p', 'u', 'x'))
"#
        )
    };
}

/// Indexes of the tables in `$1` that do not back a primary key, unique or exclusion
/// constraint, on PostgreSQL 15 and later. Key parts come back as the catalog keeps them:
/// `attnum`s (0 for an expression, whose text is in `expressions`), sort options,
/// operator class and collation OIDs, resolved by the caller; the parts past `key_parts`
/// are the `INCLUDE` columns.
pub const INDEXES: &str = indexes!("i.indnullsnotdistinct");

/// [`INDEXES`] for a server before 15, where no index is `NULLS NOT DISTINCT`.
pub const INDEXES_BEFORE_15: &str = indexes!("false");

/// The operator classes whose OIDs are in `$1`, with whether each is its type's default.
pub const OPCLASSES: &str = r#"
SELECT opc.oid AS opclass_oid, opc.opcname::text AS name, opc.opcdefault AS is_default
FROM pg_catalog.pg_opclass opc
WHERE opc.oid = ANY($1)
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
