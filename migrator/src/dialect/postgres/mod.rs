//! PostgreSQL: catalog introspection, DDL rendering, expression normalisation.

pub mod inspect;
pub mod normalize;
pub mod render;
