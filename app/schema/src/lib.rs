//! Example models.
