//! Paths written in content files: always relative to the content folder, and
//! never allowed to reach outside it (not by `..`, not by an absolute path, not
//! through a symbolic link).

use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum PathProblem {
    Absolute,
    Escapes,
    Missing,
}

/// Check `raw` (as written in YAML) against `content_dir`; on success return the
/// path relative to the content folder with `/` separators.
pub fn resolve(content_dir: &Path, raw: &str) -> Result<String, PathProblem> {
    let rel = lexical(raw)?;
    let full: PathBuf = content_dir.join(&rel);
    if !full.is_file() {
        return Err(PathProblem::Missing);
    }
    // A symbolic link inside content/ may still point outside it.
    let (Ok(real), Ok(root)) = (full.canonicalize(), content_dir.canonicalize()) else {
        return Err(PathProblem::Missing);
    };
    if !real.starts_with(&root) {
        return Err(PathProblem::Escapes);
    }
    Ok(rel)
}

/// The path with `.` and `..` worked out, without touching the disk.
pub fn lexical(raw: &str) -> Result<String, PathProblem> {
    let raw = raw.trim().replace('\\', "/");
    let bytes = raw.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if raw.starts_with('/') || raw.starts_with('~') || drive || raw.contains('\0') {
        return Err(PathProblem::Absolute);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PathProblem::Escapes);
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(PathProblem::Missing);
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical("photos/a.jpg").unwrap(), "photos/a.jpg");
        assert_eq!(lexical("photos\\a.jpg").unwrap(), "photos/a.jpg");
        assert_eq!(lexical("./photos/x/../a.jpg").unwrap(), "photos/a.jpg");
        assert_eq!(lexical("../../etc/passwd"), Err(PathProblem::Escapes));
        assert_eq!(lexical("photos/../../x"), Err(PathProblem::Escapes));
        assert_eq!(lexical("/etc/passwd"), Err(PathProblem::Absolute));
        assert_eq!(lexical("C:\\Users\\a.jpg"), Err(PathProblem::Absolute));
    }
}
