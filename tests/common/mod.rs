//! Helpers shared by the integration tests: `mod common;` in a test file, then
//! `common::corpus::write_corpus(dir, documents)` for a deterministic corpus of interviews.

pub mod corpus;
