//! The per-file cache of `check` (and of `build` and `serve`, which load and
//! check the same way): what reading one inventory and running every rule on
//! it gave, kept between runs so that an unchanged file is not parsed and
//! judged again.
//!
//! **Where.** `.qingpai-cache/` beside the content folder (in its parent:
//! `county/content` → `county/.qingpai-cache/`), one file per content folder,
//! `inventories-<16 hex digits of SHA-256 of the folder's full path>.bin`.
//! Nothing is ever written inside the content folder. When the folder cannot
//! be made or written (read-only content, a content folder at `/`), the run
//! goes without, silently. `QINGPAI_NO_CACHE=1` turns the cache off (nothing
//! read, nothing written); deleting the folder is always safe: the next run
//! is a cold one that writes it again.
//!
//! **What.** Per inventory: the community as read, the `input.*` findings of
//! reading it, the rules' findings on it, and the photos its reading looked
//! at with what `stat` said of each (size, times, inode) before they were
//! read. What depends on other files — duplicate ids, towns that would share
//! a folder — is not cached: it is worked out again on every run.
//!
//! **Key.** The file as a whole is trusted only when written by this very
//! program (its version and the executable's size and time, as the build's
//! manifest has it: [`crate::build::cache::program`]) for the same standard
//! (the text of `standard.yaml`, or the built-in one). An entry is found by
//! the SHA-256 of the inventory's path (relative to the content folder: it
//! gives the id and the `file` of every finding) and its bytes, and used only
//! when every photo it looked at still stats the same.
//!
//! **Layout**, all integers little-endian:
//!
//! ```text
//! magic     b"QPCACHE2"
//! identity  32 bytes: SHA-256 of the program, the standard and the use
//! folder    u32 length, then the content folder's full path (UTF-8)
//! count     u32
//! entries   count × (32-byte key, u32 length, 32-byte SHA-256 of the payload, payload)
//! ```
//!
//! A file with another magic or identity, or whose entries do not add up to
//! its length exactly, is not used at all; an entry whose payload fails its
//! SHA-256 or does not decode is not used: that inventory is then read as it
//! would be without a cache. (Each payload is checked by the thread that
//! uses it, so no thread waits for the whole file to be checked.) A cache is
//! only ever a way to skip work, never a source of findings of its own.
//!
//! The file is written whole to a temporary name and renamed over the old
//! one, so a reader sees the old file or the new, never half of one; two runs
//! at once each write a whole file, and the last one stays. On writing, the
//! files of content folders that no longer exist are removed from the cache
//! folder (temporary folders of tests, projects moved away).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Finding, Loc, Msg, Rule};
use crate::model::{
    Award, Board, Certificate, Community, Direction, Entry, IndoorPlaque, Kind, Orientation, Place,
    Plaque, Room, Text, WallRule,
};

/// The cache folder's name, beside the content folder.
pub const DIR: &str = ".qingpai-cache";

/// Set (to anything but empty or `0`), the cache is neither read nor written.
pub const ENV_OFF: &str = "QINGPAI_NO_CACHE";

const MAGIC: &[u8; 8] = b"QPCACHE2";
const PREFIX: &str = "inventories-";

/// A cache file larger than this is not read (10,000 inventories take about
/// 20 MB).
const MAX_BYTES: u64 = 1 << 30;

pub type Key = [u8; 32];

/// What `stat` says of a path an inventory names: `None` when there is
/// nothing to stat. Compared, never interpreted.
pub type Stamp = Option<[u64; 6]>;

/// The stamp of `path` (following links, as the photo is read).
pub fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    let nanos = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64)
    };
    #[cfg(unix)]
    let (ino, dev, ctime) = {
        use std::os::unix::fs::MetadataExt;
        (
            meta.ino(),
            meta.dev(),
            (meta.ctime() as u64)
                .wrapping_mul(1_000_000_000)
                .wrapping_add(meta.ctime_nsec() as u64),
        )
    };
    #[cfg(not(unix))]
    let (ino, dev, ctime) = (0, 0, 0);
    Some([
        u64::from(meta.is_file()) | u64::from(meta.is_dir()) << 1,
        meta.len(),
        nanos(meta.modified()),
        ctime,
        ino,
        dev,
    ])
}

/// One inventory's results, as cached.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    /// The paths (relative to the content folder) the reading looked at on
    /// disk, each with its stamp from before it was read.
    pub photos: Vec<(String, Stamp)>,
    pub community: Community,
    /// The `input.*` findings of reading the file.
    pub read: Vec<Finding>,
    /// What [`crate::load::Derive`] gave on the community (for `check`, the
    /// rules' findings).
    pub derived: Vec<Finding>,
}

/// The cache of one content folder, as this run found it.
pub struct Cache {
    file: PathBuf,
    folder: String,
    identity: Key,
    /// The previous run's file, and where each entry (its digest, then its
    /// payload) lies in it.
    old: Vec<u8>,
    index: Index,
}

/// Where each entry lies in the file: its digest's offset and its payload's length.
type Index = HashMap<Key, (usize, usize)>;

/// Is the cache turned off by [`ENV_OFF`]?
pub fn disabled() -> bool {
    std::env::var_os(ENV_OFF).is_some_and(|v| !v.is_empty() && v != "0")
}

impl Cache {
    /// The cache of `content_dir` for the standard written as `standard`
    /// (`None`: the built-in one) and the use `purpose` (what the derived
    /// findings are: another use of the cache never reads these entries).
    /// `None` when turned off or when there is no place for it.
    pub fn open(content_dir: &Path, standard: Option<&str>, purpose: &str) -> Option<Cache> {
        if disabled() {
            return None;
        }
        let real = content_dir.canonicalize().ok()?;
        let parent = real.parent()?;
        let folder = real.to_str()?.to_owned();
        let name = format!(
            "{PREFIX}{}.bin",
            &hex(&Sha256::digest(folder.as_bytes()))[..16]
        );
        let file = parent.join(DIR).join(name);

        let mut h = Sha256::new();
        for part in [
            crate::build::cache::program().as_bytes(),
            standard.map_or(b"\0builtin".as_slice(), str::as_bytes),
            purpose.as_bytes(),
        ] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let identity: Key = h.finalize().into();

        let mut cache = Cache {
            file,
            folder,
            identity,
            old: Vec::new(),
            index: HashMap::new(),
        };
        if let Some((old, index)) = read_file(&cache.file, &identity) {
            cache.old = old;
            cache.index = index;
        }
        Some(cache)
    }

    /// Where the cache file is.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The key of the inventory `rel` holding `bytes`.
    pub fn key(rel: &str, bytes: &[u8]) -> Key {
        let mut h = Sha256::new();
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(bytes);
        h.finalize().into()
    }

    /// The cached results for `key`, when there are some and every photo
    /// they looked at (under `content_dir`) still stats the same.
    pub fn get(&self, key: &Key, content_dir: &Path) -> Option<Cached> {
        let stored = self.stored(key)?;
        let (digest, payload) = stored.split_at(32);
        if Sha256::digest(payload).as_slice() != digest {
            return None;
        }
        let entry = decode_entry(payload)?;
        let unchanged = entry
            .photos
            .iter()
            .all(|(rel, was)| stamp(&content_dir.join(rel)) == *was);
        unchanged.then_some(entry)
    }

    /// The stored bytes of an entry (its digest, then its payload), to
    /// carry it over as it is.
    pub fn stored(&self, key: &Key) -> Option<&[u8]> {
        let &(from, len) = self.index.get(key)?;
        self.old.get(from..from + 32 + len)
    }

    /// Does the file on disk hold exactly `keys` (in any order)? Then there
    /// is nothing to write.
    pub fn holds_exactly(&self, keys: &[Key]) -> bool {
        keys.len() == self.index.len() && keys.iter().all(|k| self.index.contains_key(k))
    }

    /// Write the cache with `entries` as its whole content: each a key and
    /// what [`Cache::stored`] or [`seal`] gave. Any failure leaves the cache
    /// as it was (or without the file): never an error for the run.
    pub fn save<'a>(&self, entries: impl IntoIterator<Item = (&'a Key, &'a [u8])>) {
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir(dir).is_err() && !dir.is_dir() {
            return;
        }
        prune(dir, &self.file);
        let entries: Vec<(&Key, &[u8])> = entries
            .into_iter()
            .filter(|(_, sealed)| sealed.len() >= 32)
            .collect();
        let mut head = Vec::with_capacity(64 + self.folder.len());
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&self.identity);
        put_u32(&mut head, self.folder.len());
        head.extend_from_slice(self.folder.as_bytes());
        put_u32(&mut head, entries.len());

        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".tmp-{}-{seq}", std::process::id()));
        // Streamed from the entries where they are: for a county, tens of
        // megabytes not gathered into one buffer first.
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
            out.write_all(&head)?;
            for (key, sealed) in &entries {
                out.write_all(*key)?;
                out.write_all(
                    &u32::try_from(sealed.len() - 32)
                        .unwrap_or(u32::MAX)
                        .to_le_bytes(),
                )?;
                out.write_all(sealed)?;
            }
            out.into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            std::fs::rename(&tmp, &self.file)
        };
        if write().is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The cache file being written, if any.
static WRITING: std::sync::Mutex<Option<std::thread::JoinHandle<()>>> = std::sync::Mutex::new(None);

/// Run `write` (a [`Cache::save`]) on a thread of its own, after the one
/// before it: a cold `check` of a county writes megabytes while it reports.
pub fn write_in_background(write: impl FnOnce() + Send + 'static) {
    let mut writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(previous) = writing.take() {
        let _ = previous.join();
    }
    // No thread to be had: the cache is only a cache.
    if let Ok(handle) = std::thread::Builder::new()
        .name("qingpai-cache".into())
        .spawn(write)
    {
        *writing = Some(handle);
    }
}

/// Wait until the cache file is written: before the program exits.
pub fn wait_for_writes() {
    let pending = WRITING.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(handle) = pending {
        let _ = handle.join();
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A payload with its SHA-256 in front, as the file stores it.
pub fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + payload.len());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

/// The previous file, when it is this program's for this standard and its
/// entries add up: its bytes and its index (the payloads are checked when
/// used).
fn read_file(path: &Path, identity: &Key) -> Option<(Vec<u8>, Index)> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let mut r = Reader::new(&bytes);
    if r.take(8)? != MAGIC || r.take(32)? != identity {
        return None;
    }
    let folder_len = r.u32()? as usize;
    r.take(folder_len)?;
    let count = r.u32()? as usize;
    let mut index = HashMap::with_capacity(count.min(bytes.len() / 68));
    for _ in 0..count {
        let key: Key = r.take(32)?.try_into().ok()?;
        let len = r.u32()? as usize;
        let from = r.at;
        r.take(32)?;
        r.take(len)?;
        index.insert(key, (from, len));
    }
    if r.at != bytes.len() {
        return None;
    }
    Some((bytes, index))
}

/// Remove the cache files of content folders that are gone. Only files
/// named as this module names them, that start with its magic and name a
/// folder that does not exist, are removed; leftovers of interrupted writes
/// older than an hour too.
fn prune(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path == keep {
            continue;
        }
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(".tmp-") {
            let old = e
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if old {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        if !(name.starts_with(PREFIX) && name.ends_with(".bin")) {
            continue;
        }
        if folder_of(&path).is_some_and(|f| !Path::new(&f).exists()) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The content folder a cache file names in its header.
fn folder_of(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(8 + 32 + 4 + 4096)
        .read_to_end(&mut head)
        .ok()?;
    let mut r = Reader::new(&head);
    if r.take(8)? != MAGIC {
        return None;
    }
    r.take(32)?;
    let len = r.u32()? as usize;
    let folder = std::str::from_utf8(r.take(len)?).ok()?;
    // Only a full path: a relative one would be judged from wherever this runs.
    Path::new(folder).is_absolute().then(|| folder.to_owned())
}

// ---------------------------------------------------------------------------
// The payload: a plain binary form of the model, written and read field by
// field. Every read is checked: a payload that does not decode is a miss.
// The encoders take their structs apart with `let Struct { .. } = value`
// naming every field, so a field added to the model fails to compile here
// until the cache carries it.

/// Encode one inventory's results (the parts of a [`Cached`]).
pub fn encode_entry(
    photos: &[(String, Stamp)],
    community: &Community,
    read: &[Finding],
    derived: &[Finding],
) -> Vec<u8> {
    let mut w = Vec::with_capacity(2048);
    photos.len().put(&mut w);
    for (rel, stamp) in photos {
        rel.put(&mut w);
        match stamp {
            None => w.push(0),
            Some(s) => {
                w.push(1);
                for n in s {
                    n.put(&mut w);
                }
            }
        }
    }
    community.put(&mut w);
    for list in [read, derived] {
        list.len().put(&mut w);
        for f in list {
            put_finding(f, community, &mut w);
        }
    }
    w
}

/// A finding, its file and community written only when they are not the
/// inventory's own (they nearly always are).
fn put_finding(f: &Finding, c: &Community, w: &mut Vec<u8>) {
    let Finding {
        rule,
        community,
        file,
        loc,
        entry,
        message,
        fix,
        related,
    } = f;
    let own_file = *file == c.file;
    let own_id = community.as_deref() == Some(c.id.as_str());
    w.push(u8::from(own_file) | u8::from(own_id) << 1);
    if !own_file {
        file.put(w);
    }
    if !own_id {
        community.put(w);
    }
    rule.put(w);
    loc.put(w);
    entry.put(w);
    message.put(w);
    fix.put(w);
    related.put(w);
}

fn get_finding(r: &mut Reader, c: &Community) -> Option<Finding> {
    let flags = r.byte()?;
    if flags > 3 {
        return None;
    }
    let file = if flags & 1 != 0 {
        c.file.clone()
    } else {
        String::get(r)?
    };
    let community = if flags & 2 != 0 {
        Some(c.id.clone())
    } else {
        Option::get(r)?
    };
    Some(Finding {
        rule: Rule::get(r)?,
        community,
        file,
        loc: Loc::get(r)?,
        entry: Option::get(r)?,
        message: <Msg as Codec>::get(r)?,
        fix: Option::get(r)?,
        related: Vec::get(r)?,
    })
}

fn get_findings(r: &mut Reader, c: &Community) -> Option<Vec<Finding>> {
    let n = r.len()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(get_finding(r, c)?);
    }
    Some(out)
}

/// Decode what [`encode_entry`] wrote; `None` for anything else.
pub fn decode_entry(bytes: &[u8]) -> Option<Cached> {
    let mut r = Reader::new(bytes);
    let n = r.len()?;
    let mut photos = Vec::with_capacity(n);
    for _ in 0..n {
        let rel = String::get(&mut r)?;
        let stamp = match r.byte()? {
            0 => None,
            1 => {
                let mut s = [0u64; 6];
                for n in &mut s {
                    *n = u64::get(&mut r)?;
                }
                Some(s)
            }
            _ => return None,
        };
        photos.push((rel, stamp));
    }
    let community = Community::get(&mut r)?;
    let entry = Cached {
        photos,
        read: get_findings(&mut r, &community)?,
        derived: get_findings(&mut r, &community)?,
        community,
    };
    (r.at == bytes.len()).then_some(entry)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of items that follow, each at least one byte: never more
    /// than the bytes left, so a damaged count cannot ask for a huge vector.
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.bytes.len() - self.at).then_some(n)
    }
}

trait Codec: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Codec for u64 {
    fn put(&self, w: &mut Vec<u8>) {
        let mut n = *self;
        loop {
            let b = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                w.push(b);
                return;
            }
            w.push(b | 0x80);
        }
    }
    fn get(r: &mut Reader) -> Option<u64> {
        r.varint()
    }
}

impl Codec for u32 {
    fn put(&self, w: &mut Vec<u8>) {
        u64::from(*self).put(w);
    }
    fn get(r: &mut Reader) -> Option<u32> {
        u32::try_from(r.varint()?).ok()
    }
}

impl Codec for usize {
    fn put(&self, w: &mut Vec<u8>) {
        (*self as u64).put(w);
    }
    fn get(r: &mut Reader) -> Option<usize> {
        usize::try_from(r.varint()?).ok()
    }
}

impl Codec for i64 {
    fn put(&self, w: &mut Vec<u8>) {
        // Zigzag: small negative numbers stay short.
        (((*self << 1) ^ (*self >> 63)) as u64).put(w);
    }
    fn get(r: &mut Reader) -> Option<i64> {
        let n = r.varint()?;
        Some(((n >> 1) as i64) ^ -((n & 1) as i64))
    }
}

impl Codec for bool {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Option<bool> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Codec for String {
    fn put(&self, w: &mut Vec<u8>) {
        self.len().put(w);
        w.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Option<String> {
        let n = usize::get(r)?;
        let bytes = r.take(n)?;
        std::str::from_utf8(bytes).ok().map(str::to_owned)
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Option<Option<T>> {
        match r.byte()? {
            0 => Some(None),
            1 => Some(Some(T::get(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        self.len().put(w);
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader) -> Option<Vec<T>> {
        let n = r.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::get(r)?);
        }
        Some(out)
    }
}

impl Codec for [u32; 2] {
    fn put(&self, w: &mut Vec<u8>) {
        self[0].put(w);
        self[1].put(w);
    }
    fn get(r: &mut Reader) -> Option<[u32; 2]> {
        Some([u32::get(r)?, u32::get(r)?])
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn put(&self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Option<(A, B)> {
        Some((A::get(r)?, B::get(r)?))
    }
}

/// A fieldless enum as its position in a fixed list.
macro_rules! enum_codec {
    ($ty:ty, [$($v:expr),+ $(,)?]) => {
        impl Codec for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                const ALL: &[$ty] = &[$($v),+];
                let i = ALL.iter().position(|v| v == self).unwrap_or(0);
                w.push(i as u8);
            }
            fn get(r: &mut Reader) -> Option<$ty> {
                const ALL: &[$ty] = &[$($v),+];
                ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    };
}

enum_codec!(Kind, [Kind::Community, Kind::Village]);
enum_codec!(
    Orientation,
    [Orientation::Vertical, Orientation::Horizontal]
);
enum_codec!(
    Direction,
    [
        Direction::Left,
        Direction::Right,
        Direction::Ahead,
        Direction::Up,
        Direction::Down,
    ]
);
enum_codec!(
    Place,
    [
        Place::Gate,
        Place::Header,
        Place::GateWalls,
        Place::Indoor,
        Place::WallRules,
        Place::Awards,
        Place::Certificates,
    ]
);

impl Codec for Rule {
    fn put(&self, w: &mut Vec<u8>) {
        let i = Rule::ALL.iter().position(|r| r == self).unwrap_or(0);
        w.push(i as u8);
    }
    fn get(r: &mut Reader) -> Option<Rule> {
        Rule::ALL.get(usize::from(r.byte()?)).copied()
    }
}

/// A struct as its fields in order: `fields!(Type { a, b, c })`.
macro_rules! struct_codec {
    ($ty:ident { $($f:ident),+ $(,)? }) => {
        impl Codec for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                let $ty { $($f),+ } = self;
                $($f.put(w);)+
            }
            fn get(r: &mut Reader) -> Option<$ty> {
                $(let $f = Codec::get(r)?;)+
                Some($ty { $($f),+ })
            }
        }
    };
}

struct_codec!(Loc { line, column, len });

impl Codec for Text {
    // The normal form is nearly always the text itself: then one byte.
    fn put(&self, w: &mut Vec<u8>) {
        let Text { raw, norm, loc } = self;
        raw.put(w);
        if norm == raw {
            w.push(0);
        } else {
            w.push(1);
            norm.put(w);
        }
        loc.put(w);
    }
    fn get(r: &mut Reader) -> Option<Text> {
        let raw = String::get(r)?;
        let norm = match r.byte()? {
            0 => raw.clone(),
            1 => String::get(r)?,
            _ => return None,
        };
        let loc = Loc::get(r)?;
        Some(Text { raw, norm, loc })
    }
}
struct_codec!(Msg { zh, en });
struct_codec!(Entry { place, index });
struct_codec!(Plaque {
    loc,
    text,
    orientation,
    size_mm,
    photo
});
struct_codec!(Board {
    loc,
    text,
    rooms,
    size_mm,
    photo
});
struct_codec!(Room {
    loc,
    name,
    floor,
    direction
});
struct_codec!(IndoorPlaque {
    loc,
    text,
    approval,
    location,
    photo
});
struct_codec!(WallRule {
    loc,
    title,
    category,
    on_wall,
    body
});
struct_codec!(Award {
    loc,
    title,
    issuer,
    year,
    display,
    photo
});
struct_codec!(Certificate {
    loc,
    name,
    purpose,
    basis
});
struct_codec!(Community {
    file,
    id,
    id_loc,
    name,
    kind,
    town,
    address,
    surveyed_on,
    gate,
    header,
    gate_walls,
    indoor,
    wall_rules,
    awards,
    certificates,
    gate_loc,
    header_loc,
    gate_walls_loc,
    complete,
});

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cached {
        let src = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/communities/城关镇/hongqi.yaml"
        ))
        .unwrap();
        let std = crate::standard::Standard::builtin();
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/content"));
        let (community, read, _) = crate::load::community_from_bytes(
            dir,
            "communities/城关镇/hongqi.yaml",
            src.into_bytes(),
            &std,
        );
        let mut derived = crate::rules::check(&community, &std);
        derived.push(Finding {
            rule: Rule::TextMissingGlyph,
            community: None,
            file: "x".into(),
            loc: Loc {
                line: u32::MAX,
                column: 0,
                len: 7,
            },
            entry: Some(Entry {
                place: Place::Certificates,
                index: 3,
            }),
            message: Msg::new("中", "en"),
            fix: None,
            related: vec![(Loc::START, Msg::new("甲", "a"))],
        });
        derived.push(Finding {
            community: Some("other".into()),
            ..derived[0].clone()
        });
        Cached {
            photos: vec![
                ("photos/a.jpg".into(), Some([1, 2, 3, 4, 5, u64::MAX])),
                ("b".into(), None),
            ],
            community,
            read,
            derived,
        }
    }

    #[test]
    fn an_entry_comes_back_as_it_went_in() {
        let e = sample();
        assert!(!e.community.gate.is_empty(), "the sample has plaques");
        let bytes = encode_entry(&e.photos, &e.community, &e.read, &e.derived);
        assert_eq!(decode_entry(&bytes), Some(e));
        for n in [0i64, 1, -1, i64::MIN, i64::MAX, 2019] {
            let mut w = Vec::new();
            n.put(&mut w);
            assert_eq!(i64::get(&mut Reader::new(&w)), Some(n));
        }
    }

    /// Cut anywhere or with any byte changed, a payload decodes to nothing
    /// or to something (never a panic); cut, always to nothing.
    #[test]
    fn damaged_payloads_do_not_panic() {
        let e = sample();
        let bytes = encode_entry(&e.photos, &e.community, &e.read, &e.derived);
        for cut in 0..bytes.len() {
            assert_eq!(decode_entry(&bytes[..cut]), None, "cut at {cut}");
        }
        for at in (0..bytes.len()).step_by(7) {
            for x in [0x00, 0xFF, 0x80, 0x01] {
                let mut b = bytes.clone();
                b[at] ^= x;
                let _ = decode_entry(&b);
            }
        }
    }
}
