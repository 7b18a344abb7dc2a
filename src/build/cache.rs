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

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("plain data serialises");
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
    let text = content.sources.get(&c.file).map_or("", String::as_str);
    h.update((text.len() as u64).to_le_bytes());
    h.update(text.as_bytes());
    for f in findings {
        h.update(format!("{f:?}").as_bytes());
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
