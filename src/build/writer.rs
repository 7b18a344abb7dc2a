//! Where a build's files go: a folder on disk (the fresh folder that is
//! published at the end), or memory (for `serve`). On disk, a file whose
//! bytes equal the previous build's is taken over from it by a hard link
//! (same inode, same time: "nothing changed" rewrites nothing), and a
//! community whose key is unchanged has all its files taken over unread.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::BuildError;

/// Where a build's files go: a folder on disk, or memory (for `serve`).
enum Sink {
    Disk(PathBuf),
    Memory(std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>),
}

/// Writes the site's files, counting them.
pub struct Writer {
    sink: Sink,
    pub(crate) files: AtomicUsize,
    pub(crate) bytes: AtomicU64,
    /// The previous build's folder, whose unchanged files are taken over.
    previous: Option<PathBuf>,
    pub(crate) reused: AtomicUsize,
    /// Every path written or taken over, for the manifest.
    written: Mutex<Vec<String>>,
}

impl Writer {
    pub fn new(root: PathBuf) -> Writer {
        Writer::with(Sink::Disk(root))
    }

    /// A writer that keeps every file in memory.
    pub fn memory() -> Writer {
        Writer::with(Sink::Memory(Default::default()))
    }

    fn with(sink: Sink) -> Writer {
        Writer {
            sink,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            previous: None,
            reused: AtomicUsize::new(0),
            written: Mutex::new(Vec::new()),
        }
    }

    /// Take over unchanged files from the previous build in `previous`.
    pub fn with_previous(mut self, previous: Option<PathBuf>) -> Writer {
        self.previous = previous;
        self
    }

    /// Take `rel` over from the previous build unchanged; false if it has
    /// no such file (or this writer keeps files in memory).
    pub fn reuse(&self, rel: &str) -> bool {
        let (Sink::Disk(root), Some(prev)) = (&self.sink, &self.previous) else {
            return false;
        };
        let old = prev.join(rel);
        if !old.is_file() {
            return false;
        }
        let new = root.join(rel);
        if let Some(parent) = new.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            return false;
        }
        // The publisher puts its marker in the fresh folder first: the old
        // one, identical, replaces it.
        if new.exists() {
            let _ = std::fs::remove_file(&new);
        }
        // A hard link keeps the file's time; a copy where links are refused.
        let ok = std::fs::hard_link(&old, &new).is_ok() || std::fs::copy(&old, &new).is_ok();
        if ok {
            let len = std::fs::metadata(&new).map_or(0, |m| m.len());
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(len, Ordering::Relaxed);
            self.reused.fetch_add(1, Ordering::Relaxed);
            self.record(rel);
        }
        ok
    }

    /// Undo [`Writer::reuse`] of `rel` (a community that must be rendered after all).
    pub fn forget(&self, rel: &str) {
        if let Sink::Disk(root) = &self.sink {
            let _ = std::fs::remove_file(root.join(rel));
        }
    }

    fn record(&self, rel: &str) {
        self.written
            .lock()
            .expect("the list of files")
            .push(rel.to_owned());
    }

    /// Every path written or taken over so far.
    pub fn written(&self) -> Vec<String> {
        self.written.lock().expect("the list of files").clone()
    }

    /// Is the previous build's `rel` exactly `bytes`?
    fn unchanged(&self, rel: &str, bytes: &[u8]) -> bool {
        let Some(prev) = &self.previous else {
            return false;
        };
        let old = prev.join(rel);
        std::fs::metadata(&old).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&old).is_ok_and(|b| b == bytes)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        if self.unchanged(rel, bytes) && self.reuse(rel) {
            return Ok(());
        }
        match &self.sink {
            Sink::Disk(root) => {
                let path = root.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
                }
                std::fs::write(&path, bytes).map_err(|e| io_error(&path, &e))?;
            }
            Sink::Memory(files) => {
                files
                    .lock()
                    .expect("the file map")
                    .insert(rel.to_owned(), bytes.to_vec());
            }
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.record(rel);
        Ok(())
    }

    /// The files written to memory (empty for a disk writer).
    pub fn into_files(self) -> std::collections::BTreeMap<String, Vec<u8>> {
        match self.sink {
            Sink::Memory(files) => files.into_inner().expect("the file map"),
            Sink::Disk(_) => Default::default(),
        }
    }
}

pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> BuildError {
    BuildError::other(
        format!("写不了 {}：{e}", path.display()),
        format!("cannot write {}: {e}", path.display()),
    )
}
