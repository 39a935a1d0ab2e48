//! The round-trip property's parts: random schemas A ([`model`]), random mutations of A
//! into B ([`mutate`]), rows valid for both ([`data`]), and the run against a live
//! database ([`run`]). The generator is this suite's own, independent of the diff
//! engine's in-memory property tests, so that the two check each other.

pub mod data;
pub mod model;
pub mod mutate;
pub mod run;
