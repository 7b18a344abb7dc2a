//! The commands of SPEC §1, one file each.

pub mod build;
pub mod check;
pub mod new;
pub mod schema;
pub mod standard;
pub mod stats;

/// Write to standard output; a closed pipe (`qingpai check | head`) is not an error.
pub fn print(s: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
