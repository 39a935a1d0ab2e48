//! Unit tests of the adoption: names, parsing, and the models of small schemas.
