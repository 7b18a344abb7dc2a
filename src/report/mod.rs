//! Printing a check report: rustc-style text for people, JSON (SPEC §5) for programs.

pub mod json;
pub mod sarif;
pub mod text;
