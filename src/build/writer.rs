//! Where a build's files go: a folder on disk (the fresh folder that is
//! published at the end), or memory (for `serve`). On disk, a file whose
//! bytes equal the previous build's is taken over from it by a hard link
//! (same inode, same time: "nothing changed" rewrites nothing), and a
//! community whose key is unchanged has all its files taken over unread.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::BuildError;
use super::cache::Stamp;

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
    /// Every path written or taken over, with its stamp, for the manifest.
    written: Mutex<Vec<(String, Stamp)>>,
    /// The folder is a recycled spare whose files may be hard links shared
    /// with the live site: a file is replaced (a new inode), never rewritten.
    recycled: bool,
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
            recycled: false,
        }
    }

    /// The folder is the previous build's spare (see [`crate::output`]).
    pub fn recycled(mut self, recycled: bool) -> Writer {
        self.recycled = recycled;
        self
    }

    /// Keep files the recycled folder already has as they are (a community
    /// whose key equals the spare's); `stamps` are the spare's, checked
    /// before. All or none.
    pub fn keep_all(
        &self,
        files: &[String],
        stamps: &std::collections::BTreeMap<String, Stamp>,
    ) -> bool {
        if !self.recycled {
            return false;
        }
        let Some(found) = files
            .iter()
            .map(|f| stamps.get(f).map(|s| (f, *s)))
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        let mut written = self.written.lock().expect("the list of files");
        for (f, stamp) in found {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(stamp.len, Ordering::Relaxed);
            self.reused.fetch_add(1, Ordering::Relaxed);
            written.push((f.clone(), stamp));
        }
        true
    }

    /// Remove what the recycled folder had (`before`) and this build did not
    /// write or keep, and the folders that leaves empty.
    pub fn remove_stale<'a>(&self, before: impl Iterator<Item = &'a String>) {
        let Sink::Disk(root) = &self.sink else { return };
        if !self.recycled {
            return;
        }
        let now: std::collections::HashSet<String> =
            self.written().into_iter().map(|(f, _)| f).collect();
        for rel in before.filter(|f| !now.contains(*f)) {
            let path = root.join(rel);
            let _ = std::fs::remove_file(&path);
            // Up from the file while folders are empty (a community gone).
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d == root || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
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
        let new = root.join(rel);
        if let Some(parent) = new.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            return false;
        }
        self.take_over(&prev.join(rel), &new, rel, None)
    }

    /// Take a community's files over, all or none: its folders are made
    /// once, and each file costs one link and one stat (the build with
    /// nothing to render is mostly this, 80,000 times for a province).
    /// `stamps` are the previous build's: a file that is not the one it left
    /// (changed by hand, put there by a build killed while publishing in
    /// place, or by another build at the same time) is not taken over.
    pub fn reuse_all(
        &self,
        files: &[String],
        stamps: &std::collections::BTreeMap<String, Stamp>,
    ) -> bool {
        let (Sink::Disk(root), Some(prev)) = (&self.sink, &self.previous) else {
            return false;
        };
        let mut made: Vec<&str> = Vec::new();
        for (i, rel) in files.iter().enumerate() {
            let folder = rel.rsplit_once('/').map_or("", |(f, _)| f);
            if !made.contains(&folder) {
                if std::fs::create_dir_all(root.join(folder)).is_err() {
                    self.forget_all(&files[..i]);
                    return false;
                }
                made.push(folder);
            }
            let Some(stamp) = stamps.get(rel) else {
                self.forget_all(&files[..i]);
                return false;
            };
            if !self.take_over(&prev.join(rel), &root.join(rel), rel, Some(*stamp)) {
                self.forget_all(&files[..i]);
                return false;
            }
        }
        true
    }

    /// Link `old` to `new` (a copy where links are refused); true when done,
    /// and when what is now at `new` is a regular file (not a symlink put in
    /// the output) of the `expected` size and time, if given.
    fn take_over(&self, old: &Path, new: &Path, rel: &str, expected: Option<Stamp>) -> bool {
        let mut linked = std::fs::hard_link(old, new);
        // The publisher puts its marker in the fresh folder first: the old
        // one, identical, replaces it.
        if linked
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists)
            && std::fs::remove_file(new).is_ok()
        {
            linked = std::fs::hard_link(old, new);
        }
        // A hard link keeps the file's time.
        if linked.is_err() && (!old.is_file() || std::fs::copy(old, new).is_err()) {
            return false;
        }
        let Ok(meta) = std::fs::symlink_metadata(new) else {
            return false;
        };
        let stamp = Stamp::of(&meta);
        if !meta.is_file() || expected.is_some_and(|e| e != stamp) {
            let _ = std::fs::remove_file(new);
            return false;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(stamp.len, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.record(rel, stamp);
        true
    }

    /// Undo [`Writer::reuse`] of these files (a community that must be
    /// rendered after all).
    fn forget_all(&self, files: &[String]) {
        let Sink::Disk(root) = &self.sink else { return };
        let mut written = self.written.lock().expect("the list of files");
        for rel in files {
            let _ = std::fs::remove_file(root.join(rel));
            if let Some(i) = written.iter().rposition(|(w, _)| w == rel) {
                let (_, stamp) = written.swap_remove(i);
                self.files.fetch_sub(1, Ordering::Relaxed);
                self.bytes.fetch_sub(stamp.len, Ordering::Relaxed);
                self.reused.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    fn record(&self, rel: &str, stamp: Stamp) {
        self.written
            .lock()
            .expect("the list of files")
            .push((rel.to_owned(), stamp));
    }

    /// Every path written or taken over so far, with its size and time.
    pub fn written(&self) -> Vec<(String, Stamp)> {
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
                if self.recycled {
                    // The old file may be the live site's too (a hard link):
                    // it is replaced, never written into.
                    match std::fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io_error(&path, &e)),
                    }
                }
                std::fs::write(&path, bytes).map_err(|e| io_error(&path, &e))?;
                let meta = std::fs::metadata(&path).map_err(|e| io_error(&path, &e))?;
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                self.record(rel, Stamp::of(&meta));
                return Ok(());
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
        self.record(rel, Stamp::default());
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
