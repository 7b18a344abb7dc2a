//! Publishing a fresh folder safely: where `build --output DIR` puts the site,
//! and the checks on every `--output FILE`.
//!
//! A build never writes into the output folder while it renders. It renders
//! into a fresh folder and publishes it only when everything succeeded:
//!
//! - **Swap** (the usual case): the fresh folder `.NAME.building-PID` is made
//!   beside the output and exchanged with it in one step
//!   (`renameat2(RENAME_EXCHANGE)` on Linux), so `NAME/index.html` is never
//!   missing; where the system or the filesystem has no exchange, two renames
//!   (the output is missing for a moment).
//! - **In place**: when the output folder is a mount point (a Docker volume:
//!   the folder itself cannot be renamed), or its parent cannot be written (a
//!   web root), the fresh folder is made inside the output and, once complete,
//!   its entries are exchanged with the output's one by one. Every path is at
//!   every moment the old version or the new one; never a half-written file.
//!
//! A symlinked output is published through the link: the swap happens at the
//! link's target and the link stays. Anything that is not a folder (a file, a
//! device, a FIFO, a socket, a link to one) is refused and left alone, and so
//! is a folder holding files qingpai did not write, the content folder, any
//! folder inside it, or one holding it.
//!
//! A killed build leaves its `.NAME.building-PID` or `.NAME.old-PID` folder;
//! the next build removes those whose process is gone (they carry the marker).
//!
//! **The spare**: after a swap the previous site is kept beside the output as
//! `.NAME.spare` (its unchanged files are hard links shared with the output,
//! so it costs little disk). The next build takes it as its fresh folder and
//! brings it up to date: only what changed is written, instead of making
//! every folder and link of a province's site again. It is never the live
//! site, so changing it is safe; a build that fails removes it.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, ErrorKind};
use std::path::{Component, Path, PathBuf};

/// A marker in every output folder qingpai writes (and in its building and
/// old folders from the moment they are made), so a build never replaces or
/// cleans a folder it did not make.
pub const MARKER: &str = ".qingpai-output";

/// What a publication or a file check could not do; (zh, en).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub zh: String,
    pub en: String,
}

impl Error {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn io(what: &Path, e: &io::Error) -> Error {
        Error::new(
            format!("写不了 {}：{e}", what.display()),
            format!("cannot write {}: {e}", what.display()),
        )
    }
}

impl From<Error> for crate::site::BuildError {
    fn from(e: Error) -> Self {
        crate::site::BuildError::Other { zh: e.zh, en: e.en }
    }
}

/// How a fresh folder reaches the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The fresh folder is beside the output and takes its place.
    Swap,
    /// The fresh folder is inside the output; its entries replace the output's.
    InPlace,
}

/// A fresh folder being built, and where it will be published.
///
/// Dropped without [`Publish::commit`] (a failed or panicking build), it
/// removes the fresh folder: the output is left exactly as it was.
#[derive(Debug)]
pub struct Publish {
    /// The real output folder: symlinks and `..` resolved.
    target: PathBuf,
    /// The output folder's own name, which names the building folders.
    name: OsString,
    fresh: PathBuf,
    mode: Mode,
    /// The fresh folder is the previous build's spare, not empty.
    recycled: bool,
    /// Removing a discarded spare, while the build goes on.
    cleanup: Option<std::thread::JoinHandle<()>>,
    done: bool,
    /// The one-step exchange; a test puts a refusing one here to run the
    /// fallbacks other systems take.
    exchange: fn(&Path, &Path) -> io::Result<()>,
}

/// The real output folder, when it exists and a build may publish there: the
/// checks of [`Publish::prepare`], with nothing made, cleaned or removed (a
/// build with nothing to do looks at the output through this).
pub fn existing(output: &Path, content_dir: &Path) -> Result<Option<PathBuf>, Error> {
    let Ok(target) = resolve(output) else {
        return Ok(None);
    };
    Ok(check_folder(output, &target, content_dir)?.then_some(target))
}

impl Publish {
    /// Check `output` may be replaced, clean what killed builds left, and make
    /// the fresh folder to render into.
    pub fn prepare(output: &Path, content_dir: &Path) -> Result<Publish, Error> {
        let target = resolve(output).map_err(|e| {
            Error::new(
                format!(
                    "找不到 --output {} 实际指向的位置：{e}。请换一个文件夹",
                    output.display()
                ),
                format!("cannot resolve --output {}: {e}", output.display()),
            )
        })?;
        let exists = check_folder(output, &target, content_dir)?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(refuse_place(output, &target));
        };
        let name = name.to_owned();
        clean_stale(parent, &name);
        let mut mode = if exists && is_mount_point(&target, parent) {
            Mode::InPlace
        } else {
            Mode::Swap
        };
        if mode == Mode::Swap {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
            let fresh = parent.join(leftover(&name, Leftover::Building, std::process::id()));
            if exists && claim_spare(parent, &name, &fresh) {
                let mut p = Publish::new(target, name, fresh, Mode::Swap);
                p.recycled = true;
                return Ok(p);
            }
            match make_fresh(&fresh) {
                Ok(()) => return Ok(Publish::new(target, name, fresh, Mode::Swap)),
                // A web root whose parent only the administrator can write:
                // the folder itself is still ours to publish into.
                Err(e) if exists && e.kind() == ErrorKind::PermissionDenied => {
                    mode = Mode::InPlace;
                }
                Err(e) => return Err(Error::io(&fresh, &e)),
            }
        }
        debug_assert_eq!(mode, Mode::InPlace);
        clean_stale(&target, &name);
        let fresh = target.join(leftover(&name, Leftover::Building, std::process::id()));
        make_fresh(&fresh).map_err(|e| Error::io(&fresh, &e))?;
        Ok(Publish::new(target, name, fresh, Mode::InPlace))
    }

    fn new(target: PathBuf, name: OsString, fresh: PathBuf, mode: Mode) -> Publish {
        Publish {
            target,
            name,
            fresh,
            mode,
            recycled: false,
            cleanup: None,
            done: false,
            exchange,
        }
    }

    /// Is the fresh folder the previous build's spare (a whole site, one
    /// build old) rather than an empty folder?
    pub fn recycled(&self) -> bool {
        self.recycled
    }

    /// The spare turned out unusable (written by another program, changed by
    /// hand): start from an empty fresh folder after all.
    ///
    /// Removing a province's site takes seconds: it is moved aside and
    /// removed while the build renders (a killed build leaves it marked, for
    /// the next build to remove).
    pub fn discard_recycled(&mut self) -> Result<(), Error> {
        if self.recycled {
            let parent = self.target.parent().expect("checked in prepare");
            let aside = parent.join(leftover(&self.name, Leftover::Old, std::process::id()));
            if remove_ours(&aside).is_ok() && fs::rename(&self.fresh, &aside).is_ok() {
                self.cleanup = Some(std::thread::spawn(move || {
                    let _ = fs::remove_dir_all(aside);
                }));
            } else {
                fs::remove_dir_all(&self.fresh).map_err(|e| Error::io(&self.fresh, &e))?;
            }
            make_fresh(&self.fresh).map_err(|e| Error::io(&self.fresh, &e))?;
            self.recycled = false;
        }
        Ok(())
    }

    /// The folder to write the site into.
    pub fn fresh(&self) -> &Path {
        &self.fresh
    }

    /// The real folder the site is published in (symlinks resolved).
    pub fn target(&self) -> &Path {
        &self.target
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Publish the fresh folder: it replaces the output's content. On an error
    /// the output is as it was (or, in place, each entry old or new).
    pub fn commit(mut self) -> Result<(), Error> {
        let result = match self.mode {
            Mode::Swap => self.swap(),
            Mode::InPlace => self.in_place(),
        };
        if result.is_ok() {
            self.done = true;
        }
        result
    }

    fn swap(&mut self) -> Result<(), Error> {
        let parent = self.target.parent().expect("checked in prepare").to_owned();
        let old = parent.join(leftover(&self.name, Leftover::Old, std::process::id()));
        if fs::symlink_metadata(&self.target).is_err() {
            match fs::rename(&self.fresh, &self.target) {
                Ok(()) => return Ok(()),
                // Another build published it meanwhile: exchange with that.
                Err(_) if fs::symlink_metadata(&self.target).is_ok() => {}
                Err(e) => return Err(Error::io(&self.target, &e)),
            }
        }
        match (self.exchange)(&self.fresh, &self.target) {
            Ok(()) => {
                // The fresh path now holds the previous site: the spare.
                keep_as_spare(&parent, &self.name, &self.fresh);
                return Ok(());
            }
            Err(e) if crosses_mount(&e) => return self.copy_in_place(),
            Err(e) if !no_exchange(&e) => return Err(Error::io(&self.target, &e)),
            Err(_) => {}
        }
        // No exchange here: two renames, keeping the old site until the new
        // one is in place. A discarded spare may still be going away under
        // the name the old site takes now.
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        match fs::rename(&self.target, &old) {
            Ok(()) => {}
            Err(e) if crosses_mount(&e) => return self.copy_in_place(),
            Err(e) => return Err(Error::io(&self.target, &e)),
        }
        if let Err(e) = fs::rename(&self.fresh, &self.target) {
            let _ = fs::rename(&old, &self.target);
            return Err(Error::io(&self.target, &e));
        }
        keep_as_spare(&parent, &self.name, &old);
        Ok(())
    }

    /// The output turned out to be a mount point that the checks in `prepare`
    /// did not see (a bind mount on some systems): copy the finished site
    /// into it and publish in place.
    fn copy_in_place(&mut self) -> Result<(), Error> {
        let inside = self
            .target
            .join(leftover(&self.name, Leftover::Building, std::process::id()));
        let _ = remove_ours(&inside);
        if let Err(e) = copy_tree(&self.fresh, &inside) {
            let _ = fs::remove_dir_all(&inside);
            return Err(Error::io(&inside, &e));
        }
        let _ = fs::remove_dir_all(&self.fresh);
        self.fresh = inside;
        self.mode = Mode::InPlace;
        self.in_place()
    }

    /// Replace the output's entries with the fresh folder's, one by one, each
    /// in one step where the system can exchange; then move the entries the
    /// new site no longer has out of the way.
    fn in_place(&mut self) -> Result<(), Error> {
        let pid = std::process::id();
        let trash = self.target.join(leftover(&self.name, Leftover::Old, pid));
        let mut trash_made = false;
        let new: BTreeSet<OsString> = entries(&self.fresh)
            .map_err(|e| Error::io(&self.fresh, &e))?
            .into_iter()
            .collect();
        // The front page last: a visitor reaches the new pages from it.
        let mut order: Vec<&OsString> = new.iter().filter(|n| *n != "index.html").collect();
        order.extend(new.iter().filter(|n| *n == "index.html"));
        for n in order {
            let from = self.fresh.join(n);
            let to = self.target.join(n);
            if fs::symlink_metadata(&to).is_err() {
                fs::rename(&from, &to).map_err(|e| Error::io(&to, &e))?;
                continue;
            }
            match (self.exchange)(&from, &to) {
                Ok(()) => continue,
                Err(e) if !no_exchange(&e) => return Err(Error::io(&to, &e)),
                Err(_) => {}
            }
            if !trash_made {
                make_fresh(&trash).map_err(|e| Error::io(&trash, &e))?;
                trash_made = true;
            }
            let aside = trash.join(n);
            // A file replaces a file in one rename; anything else is moved
            // aside first.
            let both_files = fs::symlink_metadata(&from).is_ok_and(|m| m.is_file())
                && fs::symlink_metadata(&to).is_ok_and(|m| m.is_file());
            if !both_files {
                fs::rename(&to, &aside).map_err(|e| Error::io(&to, &e))?;
            }
            if let Err(e) = fs::rename(&from, &to) {
                if !both_files {
                    let _ = fs::rename(&aside, &to);
                }
                return Err(Error::io(&to, &e));
            }
        }
        // What the new site no longer has goes with the old entries, which are
        // now in the fresh folder (or the trash).
        for n in entries(&self.target).map_err(|e| Error::io(&self.target, &e))? {
            if new.contains(&n) || parse_leftover(&n, &self.name).is_some() {
                continue;
            }
            let from = self.target.join(&n);
            fs::rename(&from, self.fresh.join(&n)).map_err(|e| Error::io(&from, &e))?;
        }
        let _ = fs::remove_dir_all(&self.fresh);
        if trash_made {
            let _ = fs::remove_dir_all(&trash);
        }
        Ok(())
    }
}

impl Drop for Publish {
    fn drop(&mut self) {
        // The site is published (or not) first; then the discarded spare's
        // removal is waited for.
        if let Some(cleanup) = self.cleanup.take() {
            let _ = cleanup.join();
        }
        if !self.done {
            let _ = fs::remove_dir_all(&self.fresh);
            if self.mode == Mode::InPlace {
                let trash =
                    self.target
                        .join(leftover(&self.name, Leftover::Old, std::process::id()));
                let _ = remove_ours(&trash);
            }
        }
    }
}

/// The kinds of folder a build leaves while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leftover {
    Building,
    Old,
}

fn leftover(name: &OsStr, kind: Leftover, pid: u32) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(match kind {
        Leftover::Building => ".building-",
        Leftover::Old => ".old-",
    });
    s.push(pid.to_string());
    s
}

/// `.NAME.building-PID` or `.NAME.old-PID` -> the kind and the PID.
fn parse_leftover(file: &OsStr, name: &OsStr) -> Option<(Leftover, u32)> {
    let file = file.to_str()?;
    let rest = file.strip_prefix('.')?.strip_prefix(name.to_str()?)?;
    let (kind, pid) = if let Some(pid) = rest.strip_prefix(".building-") {
        (Leftover::Building, pid)
    } else {
        (Leftover::Old, rest.strip_prefix(".old-")?)
    };
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((kind, pid.parse().ok()?))
}

fn spare_name(name: &OsStr) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(".spare");
    s
}

/// Take the spare as the fresh folder `fresh` (one rename: of two builds at
/// once, one gets it and the other starts empty).
fn claim_spare(parent: &Path, name: &OsStr, fresh: &Path) -> bool {
    let spare = parent.join(spare_name(name));
    let ours = fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(spare.join(MARKER)).is_ok_and(|m| m.is_file());
    if !(ours && remove_ours(fresh).is_ok() && fs::rename(&spare, fresh).is_ok()) {
        return false;
    }
    // A fresh folder's time says its build is alive where a process cannot
    // be asked (see `running`): a file made and removed in it renews it.
    let touch = fresh.join(".qingpai-claimed");
    let _ = fs::write(&touch, b"");
    let _ = fs::remove_file(&touch);
    true
}

/// Keep the site just replaced, now at `old`, as the spare (an older spare
/// gives way); a folder qingpai did not write is removed instead.
fn keep_as_spare(parent: &Path, name: &OsStr, old: &Path) {
    let spare = parent.join(spare_name(name));
    let marked = fs::symlink_metadata(old.join(MARKER)).is_ok_and(|m| m.is_file());
    if !(marked && remove_ours(&spare).is_ok() && fs::rename(old, &spare).is_ok()) {
        let _ = fs::remove_dir_all(old);
    }
}

/// Remove what killed builds left beside `target` (and inside it, for an
/// output published in place): a build with nothing to do does this too.
pub fn clean_leftovers(target: &Path) {
    if let (Some(parent), Some(name)) = (target.parent(), target.file_name()) {
        clean_stale(parent, name);
        clean_stale(target, name);
    }
}

/// Make a new folder (not one that is there already) carrying the marker, so
/// that if this build is killed the next one knows the folder as its own.
fn make_fresh(dir: &Path) -> io::Result<()> {
    // Our own PID on a leftover means a build before a restart: it is stale.
    remove_ours(dir)?;
    fs::create_dir(dir)?;
    fs::write(
        dir.join(MARKER),
        b"qingpai build in progress; removed by the next build if left behind\n",
    )
}

/// Remove `dir` if it is a folder qingpai made (marker or empty); a symlink
/// or anything else of that name is left alone.
fn remove_ours(dir: &Path) -> io::Result<()> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() && is_ours(dir) => fs::remove_dir_all(dir),
        Ok(_) => Err(io::Error::new(
            ErrorKind::AlreadyExists,
            "a file or folder of that name that qingpai did not make",
        )),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
        || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Remove the building and old folders of builds that are no longer running.
fn clean_stale(dir: &Path, name: &OsStr) {
    let Ok(list) = entries(dir) else { return };
    for file in list {
        let Some((_, pid)) = parse_leftover(&file, name) else {
            continue;
        };
        let path = dir.join(&file);
        if pid != std::process::id() && running(pid, &path) {
            continue;
        }
        let _ = remove_ours(&path);
    }
}

/// Whether the build that made `folder` may still be running.
#[cfg(target_os = "linux")]
fn running(pid: u32, _folder: &Path) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Whether the build that made `folder` may still be running. Without a
/// cheap way to ask about a process here, a folder untouched for a day is
/// taken as left behind.
#[cfg(not(target_os = "linux"))]
fn running(_pid: u32, folder: &Path) -> bool {
    fs::symlink_metadata(folder)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(24 * 3600))
}

fn entries(dir: &Path) -> io::Result<Vec<OsString>> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir)? {
        out.push(e?.file_name());
    }
    Ok(out)
}

/// Whether `dir` is the root of a mount (its folder cannot be renamed).
#[cfg_attr(not(unix), allow(unused_variables))]
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (fs::metadata(dir), fs::metadata(parent))
            && a.dev() != b.dev()
        {
            return true;
        }
    }
    mount_root(dir)
}

/// A bind mount of a folder of the same filesystem has the parent's device
/// number; Linux marks the root of every mount.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn mount_root(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a zeroed statx is a valid value of the plain C struct.
    let mut buf: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a NUL-terminated path and `buf` a statx the call fills.
    let r = unsafe { libc::statx(libc::AT_FDCWD, c.as_ptr(), 0, 0, &mut buf) };
    let flag = libc::STATX_ATTR_MOUNT_ROOT as u64;
    r == 0 && buf.stx_attributes_mask & flag != 0 && buf.stx_attributes & flag != 0
}

#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
fn mount_root(_dir: &Path) -> bool {
    false
}

/// Exchange two paths in one step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths; AT_FDCWD makes them relative to
    // the current folder like every other path here.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(ErrorKind::Unsupported))
}

/// The system or this filesystem has no exchange (old kernels, some network
/// and FUSE filesystems).
fn no_exchange(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
    ) {
        return true;
    }
    e.kind() == ErrorKind::Unsupported
}

/// The folder is a mount point, or the two paths are on different mounts.
fn crosses_mount(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ResourceBusy | ErrorKind::CrossesDevices
    )
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir(to)?;
    for e in fs::read_dir(from)? {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let t = e.file_type()?;
        if t.is_dir() {
            copy_tree(&src, &dst)?;
        } else if t.is_file() {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// Builds publishing into the same output take turns: each holds an
/// advisory lock (`flock`, released when the build ends or dies) from the
/// moment it looks at the output until it has published. The lock is the
/// file `.NAME.lock` beside the output (made once, kept, empty). Where that
/// folder cannot be written (a web root published into in place), the output
/// folder itself is locked: it is never renamed then.
pub struct Turn {
    _held: Option<fs::File>,
}

/// How taking the turn went, for the build to say.
pub enum TurnEvent<'a> {
    /// Another build holds the turn: this one waits for it.
    Waiting,
    /// No lock could be taken (`why`): the build goes on without one.
    Unlocked(&'a io::Error),
}

fn lock_name(name: &OsStr) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(".lock");
    s
}

/// Wait for the turn to publish into `output` (see [`Turn`]), which
/// [`existing`] has accepted. `event` hears of a wait or of no lock.
pub fn take_turn(output: &Path, event: impl FnOnce(TurnEvent)) -> Turn {
    let locked = resolve(output).and_then(|target| {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(io::Error::new(ErrorKind::InvalidInput, "no parent folder"));
        };
        // Made now, as the publication would make it: a build that starts
        // later locks the same file.
        fs::create_dir_all(parent)?;
        let beside = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(parent.join(lock_name(name)));
        match beside {
            Ok(file) => Ok(file),
            Err(e) if e.kind() == ErrorKind::PermissionDenied && target.is_dir() => {
                fs::File::open(&target)
            }
            Err(e) => Err(e),
        }
    });
    let file = match locked {
        Ok(file) => file,
        Err(e) => {
            event(TurnEvent::Unlocked(&e));
            return Turn { _held: None };
        }
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            event(TurnEvent::Waiting);
            if file.lock().is_err() {
                return Turn { _held: None };
            }
        }
        Err(fs::TryLockError::Error(e)) => {
            event(TurnEvent::Unlocked(&e));
            return Turn { _held: None };
        }
    }
    Turn { _held: Some(file) }
}

/// The real path `p` names: symlinks and `..` resolved, also when the path
/// (or the end of a symlink chain) does not exist yet.
pub fn resolve(p: &Path) -> io::Result<PathBuf> {
    resolve_hops(p, 0)
}

fn resolve_hops(p: &Path, hops: u32) -> io::Result<PathBuf> {
    if hops > 40 {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            "too many levels of symbolic links",
        ));
    }
    let abs = std::path::absolute(p)?;
    match fs::canonicalize(&abs) {
        Ok(real) => return Ok(real),
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    // A symlink to something not there yet: follow it by hand.
    if fs::symlink_metadata(&abs).is_ok_and(|m| m.is_symlink()) {
        let to = fs::read_link(&abs)?;
        let base = abs.parent().unwrap_or(Path::new("/"));
        return resolve_hops(&base.join(to), hops + 1);
    }
    let mut parts = abs.components();
    let last = parts.next_back();
    let parent = parts.as_path();
    match last {
        Some(Component::Normal(name)) => Ok(resolve_hops(parent, hops)?.join(name)),
        Some(Component::CurDir) => resolve_hops(parent, hops),
        Some(Component::ParentDir) => {
            let up = resolve_hops(parent, hops)?;
            Ok(up.parent().map_or_else(|| up.clone(), Path::to_owned))
        }
        _ => Ok(abs),
    }
}

/// What kind of file a metadata describes, for messages; (zh, en).
fn kind_of(m: &fs::Metadata) -> (&'static str, &'static str) {
    let t = m.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return ("命名管道（FIFO）", "a FIFO (named pipe)");
        }
        if t.is_char_device() {
            return ("字符设备", "a character device");
        }
        if t.is_block_device() {
            return ("块设备", "a block device");
        }
        if t.is_socket() {
            return ("套接字（socket）", "a socket");
        }
    }
    if t.is_file() {
        ("普通文件", "a regular file")
    } else if t.is_dir() {
        ("文件夹", "a folder")
    } else {
        ("特殊文件", "a special file")
    }
}

/// " (a symlink to /real)" when the user's path is not the real one.
fn via(shown: &Path, real: &Path) -> (String, String) {
    let linked = fs::symlink_metadata(shown).is_ok_and(|m| m.is_symlink());
    if linked {
        (
            format!("（符号链接，指向 {}）", real.display()),
            format!(" (a symlink to {})", real.display()),
        )
    } else {
        (String::new(), String::new())
    }
}

fn refuse_place(shown: &Path, real: &Path) -> Error {
    Error::new(
        format!(
            "不能把网站写到 {}（{}）：这里放着内容文件夹、当前文件夹或系统根目录，生成时会被整个替换。请用 --output 指定一个单独的文件夹，如 output",
            shown.display(),
            real.display()
        ),
        format!(
            "refusing to write the site to {} ({}): it is, holds or is inside the content folder, or holds the current folder; choose a separate --output folder such as output",
            shown.display(),
            real.display()
        ),
    )
}

/// Whether `real` is the content folder, inside it, or holds it.
fn touches_content(real: &Path, content_dir: &Path) -> bool {
    let content = resolve(content_dir).unwrap_or_else(|_| content_dir.to_owned());
    real.starts_with(&content) || content.starts_with(real)
}

/// Check the output folder may be replaced; returns whether it exists.
fn check_folder(shown: &Path, real: &Path, content_dir: &Path) -> Result<bool, Error> {
    let cwd = std::env::current_dir().and_then(|d| resolve(&d)).ok();
    if real.parent().is_none()
        || touches_content(real, content_dir)
        || cwd.is_some_and(|d| d.starts_with(real))
    {
        return Err(refuse_place(shown, real));
    }
    let (via_zh, via_en) = via(shown, real);
    let meta = match fs::symlink_metadata(real) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(Error::new(
                format!("读不了 --output {}{via_zh}：{e}", shown.display()),
                format!("cannot read --output {}{via_en}: {e}", shown.display()),
            ));
        }
    };
    if !meta.is_dir() {
        let (zh, en) = kind_of(&meta);
        return Err(Error::new(
            format!(
                "--output {}{via_zh} 是{zh}，不是文件夹；qingpai 不会改动、替换或删除它。请用 --output 指定一个文件夹（不存在的会自动创建），如 --output output",
                shown.display()
            ),
            format!(
                "--output {}{via_en} is {en}, not a folder; qingpai leaves it alone. Give --output a folder (it is created if missing), such as --output output",
                shown.display()
            ),
        ));
    }
    let first = fs::read_dir(real).map(|mut d| d.next()).map_err(|e| {
        Error::new(
            format!(
                "读不了 --output 文件夹 {}{via_zh}：{e}。请检查它的权限，或换一个文件夹",
                shown.display()
            ),
            format!(
                "cannot read the --output folder {}{via_en}: {e}",
                shown.display()
            ),
        )
    })?;
    let marked = fs::symlink_metadata(real.join(MARKER)).is_ok_and(|m| m.is_file());
    if first.is_some() && !marked {
        return Err(Error::new(
            format!(
                "--output 文件夹 {}{via_zh} 里已有别的文件，不是 qingpai 生成的（没有 {MARKER} 标记）；为免误删，请换一个 --output 文件夹，或先清空它",
                shown.display()
            ),
            format!(
                "the --output folder {}{via_en} holds files qingpai did not write (no {MARKER} marker); choose another --output or empty it",
                shown.display()
            ),
        ));
    }
    Ok(true)
}

/// Where a `--output FILE` may be inside the content folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InContent {
    /// Nowhere (`stats`: a table is not content).
    Never,
    /// Only a `.json` file (`schema`: `content/community.schema.json` is
    /// where the inventories' `$schema` lines point), never an input file.
    JsonOnly,
}

/// Check a `--output FILE`: absent or a regular file (also through a
/// symlink), and not a file of the content folder.
pub fn check_file(path: &Path, content_dir: &Path, rule: InContent) -> Result<(), Error> {
    let real = resolve(path).map_err(|e| {
        Error::new(
            format!("找不到 --output {} 实际指向的位置：{e}", path.display()),
            format!("cannot resolve --output {}: {e}", path.display()),
        )
    })?;
    let content = resolve(content_dir).unwrap_or_else(|_| content_dir.to_owned());
    if real.starts_with(&content) {
        let json = real.extension().is_some_and(|x| x == "json");
        if rule == InContent::Never || !json || real == content {
            return Err(Error::new(
                format!(
                    "不能写到 --output {}：它在内容文件夹 {} 里，会覆盖或混入清单文件。{}",
                    path.display(),
                    content_dir.display(),
                    match rule {
                        InContent::Never => "请写到内容文件夹以外，如 --output stats.csv",
                        InContent::JsonOnly =>
                            "请写到内容文件夹以外，或写成其中的 .json 文件，如 --output content/community.schema.json",
                    }
                ),
                format!(
                    "refusing to write --output {}: it is inside the content folder {}; {}",
                    path.display(),
                    content_dir.display(),
                    match rule {
                        InContent::Never => "write it elsewhere, such as --output stats.csv",
                        InContent::JsonOnly =>
                            "write it elsewhere, or as a .json file such as --output content/community.schema.json",
                    }
                ),
            ));
        }
    }
    match fs::metadata(&real) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => {
            let (zh, en) = kind_of(&m);
            let (via_zh, via_en) = via(path, &real);
            Err(Error::new(
                format!(
                    "--output {}{via_zh} 是{zh}，不是普通文件；qingpai 不会写入或替换它。请用 --output 指定一个普通文件",
                    path.display()
                ),
                format!(
                    "--output {}{via_en} is {en}, not a regular file; qingpai leaves it alone. Give --output a regular file",
                    path.display()
                ),
            ))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::new(
            format!("读不了 --output {}：{e}", path.display()),
            format!("cannot read --output {}: {e}", path.display()),
        )),
    }
}

/// Write a `--output FILE` after [`check_file`]. The file is opened without
/// blocking and checked again once open, so a FIFO or device put there in
/// the meantime is neither waited on nor written to.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    content_dir: &Path,
    rule: InContent,
) -> Result<(), Error> {
    use std::io::Write;
    check_file(path, content_dir, rule)?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(|e| Error::io(path, &e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, &e))?;
    if !meta.is_file() {
        let (zh, en) = kind_of(&meta);
        return Err(Error::new(
            format!("--output {} 是{zh}，不是普通文件；没有写入", path.display()),
            format!(
                "--output {} is {en}, not a regular file; nothing written",
                path.display()
            ),
        ));
    }
    file.set_len(0).map_err(|e| Error::io(path, &e))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(|e| Error::io(path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path, files: &[(&str, &str)]) {
        for (rel, text) in files {
            let p = dir.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
    }

    fn read(p: &Path) -> String {
        fs::read_to_string(p).unwrap()
    }

    #[test]
    fn leftover_names_round_trip() {
        let n = OsStr::new("out");
        assert_eq!(leftover(n, Leftover::Building, 12), ".out.building-12");
        assert_eq!(
            parse_leftover(OsStr::new(".out.building-12"), n),
            Some((Leftover::Building, 12))
        );
        assert_eq!(
            parse_leftover(OsStr::new(".out.old-7"), n),
            Some((Leftover::Old, 7))
        );
        for other in [
            ".out.old-",
            ".out.old-1x",
            ".output.old-1",
            "out.old-1",
            ".out.new-1",
        ] {
            assert_eq!(parse_leftover(OsStr::new(other), n), None, "{other}");
        }
    }

    #[test]
    fn resolve_follows_links_to_paths_not_there_yet() {
        let root = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(root.path()).unwrap();
        fs::create_dir(real.join("a")).unwrap();
        assert_eq!(
            resolve(&real.join("a/../b/./c")).unwrap(),
            real.join("b/c"),
            "a path not there yet, with .. through a folder that is"
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(real.join("a/web"), real.join("link")).unwrap();
            assert_eq!(resolve(&real.join("link")).unwrap(), real.join("a/web"));
            std::os::unix::fs::symlink("loop", real.join("loop")).unwrap();
            assert!(resolve(&real.join("loop")).is_err(), "a loop ends");
        }
    }

    /// The in-place publication (a mount point, or a web root whose parent
    /// cannot be written): entries exchanged, removed ones gone, the marker
    /// kept, other builds' folders untouched, nothing of ours left.
    #[test]
    fn in_place_replaces_every_entry_and_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = fs::canonicalize(root.path()).unwrap().join("web");
        tree(
            &target,
            &[
                (MARKER, "old"),
                ("index.html", "old index"),
                ("gone.html", "a page the new site no longer has"),
                ("communities/a/index.html", "old a"),
                ("communities/b/index.html", "old b"),
                (".web.building-999999999/x", "another build's folder"),
            ],
        );
        let name = OsString::from("web");
        let fresh = target.join(leftover(&name, Leftover::Building, std::process::id()));
        make_fresh(&fresh).unwrap();
        tree(
            &fresh,
            &[
                (MARKER, "new"),
                ("index.html", "new index"),
                ("communities/a/index.html", "new a"),
                ("new.html", "new page"),
            ],
        );
        Publish::new(target.clone(), name, fresh, Mode::InPlace)
            .commit()
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(read(&target.join("index.html")), "new index");
        assert_eq!(read(&target.join("communities/a/index.html")), "new a");
        assert!(
            !target.join("communities/b").exists(),
            "the old folder went"
        );
        assert_eq!(read(&target.join("new.html")), "new page");
        assert!(!target.join("gone.html").exists());
        assert_eq!(read(&target.join(MARKER)), "new");
        let mut left = entries(&target).unwrap();
        left.sort();
        assert_eq!(
            left,
            [
                ".qingpai-output",
                ".web.building-999999999",
                "communities",
                "index.html",
                "new.html"
            ],
            "only the site and another build's folder"
        );
    }

    fn refuse(_: &Path, _: &Path) -> io::Result<()> {
        Err(io::Error::from(ErrorKind::Unsupported))
    }

    /// Where there is no exchange: two renames for the folder, and in place
    /// each entry moved aside and replaced; the same result, nothing left.
    #[test]
    fn without_an_exchange_the_fallbacks_publish_the_same() {
        for mode in [Mode::Swap, Mode::InPlace] {
            let root = tempfile::tempdir().unwrap();
            let content = root.path().join("content");
            fs::create_dir(&content).unwrap();
            let out = root.path().join("out");
            tree(
                &out,
                &[
                    (MARKER, "old"),
                    ("index.html", "old index"),
                    ("a/index.html", "old a"),
                    ("gone/index.html", "gone"),
                ],
            );
            let mut p = Publish::prepare(&out, &content).unwrap();
            if mode == Mode::InPlace {
                let inside = p.target.join(leftover(&p.name, Leftover::Building, 1));
                make_fresh(&inside).unwrap();
                fs::remove_dir_all(&p.fresh).unwrap();
                p.fresh = inside;
                p.mode = Mode::InPlace;
            }
            p.exchange = refuse;
            tree(
                p.fresh(),
                &[
                    (MARKER, "new"),
                    ("index.html", "new index"),
                    ("a", "a is a file now"),
                ],
            );
            p.commit().unwrap_or_else(|e| panic!("{mode:?}: {e:?}"));
            assert_eq!(read(&out.join("index.html")), "new index", "{mode:?}");
            assert_eq!(read(&out.join("a")), "a is a file now", "{mode:?}");
            assert_eq!(read(&out.join(MARKER)), "new", "{mode:?}");
            let mut left = entries(&out).unwrap();
            left.sort();
            assert_eq!(left, [MARKER, "a", "index.html"], "{mode:?}");
            let mut beside = entries(root.path()).unwrap();
            beside.sort();
            // A swap keeps the replaced site as the spare.
            let spare: &[&str] = match mode {
                Mode::Swap => &[".out.spare"],
                Mode::InPlace => &[],
            };
            assert_eq!(beside, [spare, &["content", "out"]].concat(), "{mode:?}");
            if mode == Mode::Swap {
                let spare = root.path().join(".out.spare");
                assert_eq!(read(&spare.join("index.html")), "old index");
                fs::remove_dir_all(spare).unwrap();
            }
        }
    }

    #[test]
    fn a_dropped_publication_removes_its_fresh_folder() {
        let root = tempfile::tempdir().unwrap();
        let content = root.path().join("content");
        fs::create_dir(&content).unwrap();
        let out = root.path().join("out");
        tree(&out, &[(MARKER, ""), ("index.html", "old")]);
        let p = Publish::prepare(&out, &content).unwrap();
        assert_eq!(p.mode(), Mode::Swap);
        let fresh = p.fresh().to_owned();
        assert!(fresh.join(MARKER).is_file(), "marked from the start");
        drop(p);
        assert!(!fresh.exists());
        assert_eq!(read(&out.join("index.html")), "old");
    }

    #[test]
    fn a_leftover_without_the_marker_is_not_removed() {
        let root = tempfile::tempdir().unwrap();
        let stranger = root.path().join(".out.old-999999999");
        tree(&stranger, &[("precious.txt", "not ours")]);
        clean_stale(root.path(), OsStr::new("out"));
        assert!(stranger.join("precious.txt").exists());
    }
}
