//! What each artefact is made from, as a key, and what the previous build
//! made (its manifest). A community's files are taken from the previous
//! output when its key is unchanged; everything else is rendered and, when
//! its bytes are unchanged, taken over too (see [`super::writer::Writer`]).
//!
//! The manifest is `.qingpai-manifest.json` in the output folder itself: a
//! new output folder, or one whose manifest was written by another program
//! version, is a cold build.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diag::Finding;
use crate::load::Content;
use crate::model::Community;
use crate::theme::Theme;

pub const MANIFEST: &str = ".qingpai-manifest.json";

/// What the previous build made.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The program that wrote it: a manifest of another program is not used.
    pub program: String,
    /// Per community id: the key its files were made from, and the files.
    pub communities: BTreeMap<String, Made>,
    /// What the whole output was made from ([`site_key`]): the same key and
    /// every file still as [`Manifest::files`] says means nothing to do.
    #[serde(default)]
    pub site: String,
    /// The pages the build counted, to report them when nothing changed.
    #[serde(default)]
    pub pages: usize,
    /// Every file of the output (but this manifest) with its size and time.
    #[serde(default)]
    pub files: BTreeMap<String, Stamp>,
}

/// A file's size and modification time, to see it is the one a build left.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    /// Nanoseconds since 1970.
    pub modified: u128,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Made {
    pub key: String,
    pub files: Vec<String>,
}

impl Manifest {
    /// The manifest in `output`, if there is one this program can trust.
    pub fn read(output: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(output.join(MANIFEST)).ok()?;
        let m: Manifest = serde_json::from_slice(&bytes).ok()?;
        (m.program == program()).then_some(m)
    }

    /// Is the output in `output` still exactly what this manifest lists
    /// (every file there, of the same size and time, and no other file)?
    pub fn intact(&self, output: &Path) -> bool {
        use rayon::prelude::*;
        let all_there = self.files.par_iter().all(|(rel, stamp)| {
            std::fs::symlink_metadata(output.join(rel))
                .is_ok_and(|m| m.is_file() && Stamp::of(&m) == *stamp)
        });
        // A file added by hand (or a folder) is not what the build left.
        all_there && count_files(output).is_some_and(|n| n == self.files.len() + 1)
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Compact: 80,000 file stamps for a province.
        let mut out = serde_json::to_vec(self).expect("plain data serialises");
        out.push(b'\n');
        out
    }
}

/// This program: its version and the executable's size and time, so a
/// rebuilt binary (new fonts, new templates, new code) never reuses files
/// made by another.
pub fn program() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{t}", m.len())
        })
        .unwrap_or_default();
    format!("qingpai {} {exe}", env!("CARGO_PKG_VERSION"))
}

/// The number of files under `dir` (folders not counted), or `None` when a
/// folder cannot be read or something else than files and folders is there.
fn count_files(dir: &Path) -> Option<usize> {
    let mut n = 0;
    for e in std::fs::read_dir(dir).ok()? {
        let e = e.ok()?;
        let kind = e.file_type().ok()?;
        if kind.is_dir() {
            n += count_files(&e.path())?;
        } else if kind.is_file() {
            n += 1;
        } else {
            return None;
        }
    }
    Some(n)
}

/// What the whole output is made from: the base, every community's key in
/// the order the site lists them, and the findings about no community (a
/// site.yaml warning shows on no page, but keeps the key honest).
pub fn site_key<'a>(
    base: &str,
    communities: impl Iterator<Item = (&'a str, &'a str)>,
    other_findings: impl Iterator<Item = &'a Finding>,
) -> String {
    let mut h = Sha256::new();
    feed(&mut h, base.as_bytes());
    for (id, key) in communities {
        feed(&mut h, id.as_bytes());
        feed(&mut h, key.as_bytes());
    }
    h.update(b"|");
    for f in other_findings {
        feed_finding(&mut h, f);
    }
    hex(h.finalize())
}

fn hex(d: impl AsRef<[u8]>) -> String {
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// What every artefact depends on: the program, the site, the standard, the
/// theme, the build's options and date.
pub fn base_key(content: &Content, theme: &Theme, options: &str, built_on: &str) -> String {
    let mut h = Sha256::new();
    // The site and the standard as written (the built-in standard is part of
    // the program); their parsed forms hold hash maps, whose order varies.
    let file = |name: &str| content.sources.get(name).map_or("", String::as_str);
    for part in [
        program().as_bytes(),
        file("site.yaml").as_bytes(),
        file("standard.yaml").as_bytes(),
        theme.fingerprint.as_bytes(),
        options.as_bytes(),
        built_on.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    hex(h.finalize())
}

/// A length-prefixed field, so ("ab", "c") and ("a", "bc") differ.
fn feed(h: &mut Sha256, part: &[u8]) {
    h.update((part.len() as u64).to_le_bytes());
    h.update(part);
}

/// Everything a finding shows, fed field by field (formatting it with
/// `Debug` was an eighth of a build with nothing to do).
fn feed_finding(h: &mut Sha256, f: &Finding) {
    let loc = |h: &mut Sha256, l: &crate::diag::Loc| {
        h.update(l.line.to_le_bytes());
        h.update(l.column.to_le_bytes());
        h.update(l.len.to_le_bytes());
    };
    let msg = |h: &mut Sha256, m: &crate::diag::Msg| {
        feed(h, m.zh.as_bytes());
        feed(h, m.en.as_bytes());
    };
    feed(h, f.rule.code().as_bytes());
    feed(h, f.community.as_deref().unwrap_or("").as_bytes());
    feed(h, f.file.as_bytes());
    loc(h, &f.loc);
    match &f.entry {
        Some(e) => {
            feed(h, format!("{:?}", e.place).as_bytes());
            h.update((e.index as u64).to_le_bytes());
        }
        None => feed(h, b""),
    }
    msg(h, &f.message);
    match &f.fix {
        Some(m) => {
            h.update([1]);
            msg(h, m);
        }
        None => h.update([0]),
    }
    h.update((f.related.len() as u64).to_le_bytes());
    for (l, m) in &f.related {
        loc(h, l);
        msg(h, m);
    }
}

/// What one community's files are made from: the base, its inventory as
/// read, its findings (which also carry what other files decide, such as a
/// duplicate id), and the photos it refers to (their size and time).
pub fn community_key(
    base: &str,
    content: &Content,
    c: &Community,
    findings: &[&Finding],
) -> String {
    let mut h = Sha256::new();
    h.update(base.as_bytes());
    feed(&mut h, c.file.as_bytes());
    let text = content.sources.get(&c.file).map_or("", String::as_str);
    feed(&mut h, text.as_bytes());
    for f in findings {
        feed_finding(&mut h, f);
    }
    let photos = c
        .gate
        .iter()
        .chain(&c.header)
        .filter_map(|p| p.photo.as_deref())
        .chain(c.awards.iter().filter_map(|a| a.photo.as_deref()))
        .chain(c.indoor.iter().filter_map(|p| p.photo.as_deref()));
    for p in photos {
        let meta = std::fs::metadata(content.dir.join(p)).ok();
        let stamp = meta.map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            (m.len(), t)
        });
        h.update(format!("{p}{stamp:?}").as_bytes());
    }
    hex(h.finalize())
}
