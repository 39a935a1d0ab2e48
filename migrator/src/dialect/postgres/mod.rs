//! PostgreSQL: catalog introspection, DDL rendering, expression normalisation.
