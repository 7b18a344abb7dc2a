//! The per-file cache of `check` (`src/load/cache.rs`): a run that reuses it
//! reports exactly what a run without it reports; an edited file, a changed
//! photo, another program's cache or a damaged cache file is never trusted;
//! what depends on several files is worked out every time.
//!
//! Each test keeps its content in `ROOT/content`, so the cache lands in
//! `ROOT/.qingpai-cache/`, inside the test's own temporary folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{SITE, inventory};
use sha2::{Digest, Sha256};

struct Project {
    root: tempfile::TempDir,
}

impl Project {
    fn new(files: &[(&str, String)]) -> Project {
        let p = Project {
            root: tempfile::tempdir().unwrap(),
        };
        p.write("site.yaml", SITE);
        for (rel, text) in files {
            p.write(rel, text);
        }
        p
    }

    fn content(&self) -> PathBuf {
        self.root.path().join("content")
    }

    fn cache_dir(&self) -> PathBuf {
        self.root.path().join(".qingpai-cache")
    }

    /// The one cache file of this content folder.
    fn cache_file(&self) -> PathBuf {
        let files: Vec<PathBuf> = std::fs::read_dir(self.cache_dir())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "bin"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }

    fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.content().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn run(&self, args: &[&str], envs: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(common::bin());
        cmd.args(args)
            .arg("--content")
            .arg(self.content())
            .env("NO_COLOR", "1")
            .env_remove("QINGPAI_NO_CACHE");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// `check --format json`: the report's bytes and the exit status; a run
    /// must never say anything on standard error (a cache problem is silent).
    fn check(&self) -> (String, Option<i32>) {
        self.check_with(&[])
    }

    fn check_with(&self, envs: &[(&str, &str)]) -> (String, Option<i32>) {
        let out = self.run(&["check", "--format", "json"], envs);
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (String::from_utf8(out.stdout).unwrap(), out.status.code())
    }

    /// The report of a run that neither reads nor writes the cache.
    fn uncached(&self) -> (String, Option<i32>) {
        self.check_with(&[("QINGPAI_NO_CACHE", "1")])
    }
}

/// Six inventories with findings of many kinds: rules, `input.schema`, a
/// YAML error, an id used twice, two spellings of one town.
fn county() -> Project {
    Project::new(&[
        (
            "communities/城关镇/hongqi.yaml",
            inventory(&[(
                "wall_rules",
                "wall_rules:\n  - {title: 工作职责, category: duties}\n",
            )]),
        ),
        (
            "communities/城关镇/chaoyang.yaml",
            inventory(&[
                ("id", "id: chaoyang\n"),
                ("name", "name: 朝阳村\n"),
                ("kind", "kind: village\n"),
                ("gate", "gate:\n  - 朝阳村村民委员会\n"),
                ("extra", "foo: 1\n"),
            ]),
        ),
        (
            "communities/城关镇/broken.yaml",
            "id: broken\nname: [\n".to_owned(),
        ),
        (
            "communities/城关镇/twin.yaml",
            inventory(&[("name", "name: 双子社区\n")]),
        ),
        (
            "communities/Town/a.yaml",
            inventory(&[("id", "id: town-a\n"), ("town", "town: Town\n")]),
        ),
        (
            "communities/Town/b.yaml",
            inventory(&[("id", "id: town-b\n"), ("town", "town: TOWN\n")]),
        ),
    ])
}

/// The rules a report names, for the assertions that say what it holds.
fn rules(report: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(report).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

/// The cache file taken apart as `src/load/cache.rs` lays it out:
/// the header, then each entry's key, digest and payload.
struct CacheFile {
    header: Vec<u8>,
    entries: Vec<([u8; 32], Vec<u8>)>,
    /// Each entry's digest as read.
    digests: Vec<Vec<u8>>,
}

impl CacheFile {
    fn read(path: &Path) -> CacheFile {
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(&bytes[..8], b"QPCACHE2");
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let folder_len = u32_at(40);
        let count_at = 44 + folder_len;
        let count = u32_at(count_at);
        let mut at = count_at + 4;
        let mut entries = Vec::new();
        let mut digests = Vec::new();
        for _ in 0..count {
            let key: [u8; 32] = bytes[at..at + 32].try_into().unwrap();
            let len = u32_at(at + 32);
            let digest = &bytes[at + 36..at + 68];
            let payload = bytes[at + 68..at + 68 + len].to_vec();
            assert_eq!(Sha256::digest(&payload).as_slice(), digest);
            entries.push((key, payload));
            digests.push(digest.to_vec());
            at += 68 + len;
        }
        assert_eq!(at, bytes.len());
        CacheFile {
            header: bytes[..count_at].to_vec(),
            entries,
            digests,
        }
    }

    /// Written back with every digest made right again: only the program's
    /// own checks (identity, decoding, photos) stand between the file and
    /// the report.
    fn write(&self, path: &Path) {
        self.write_with(path, true);
    }

    /// Written back with each entry's old digest, whatever its payload now.
    fn write_stale(&self, path: &Path) {
        self.write_with(path, false);
    }

    fn write_with(&self, path: &Path, new_digests: bool) {
        let mut out = self.header.clone();
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for ((key, payload), old) in self.entries.iter().zip(&self.digests) {
            out.extend_from_slice(key);
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            if new_digests {
                out.extend_from_slice(&Sha256::digest(payload));
            } else {
                out.extend_from_slice(old);
            }
            out.extend_from_slice(payload);
        }
        std::fs::write(path, out).unwrap();
    }

    /// Replace `from` by `to` (the same length) in every payload holding it;
    /// how many payloads held it.
    fn poison(&mut self, from: &str, to: &str) -> usize {
        assert_eq!(from.len(), to.len());
        let mut hit = 0;
        for (_, payload) in &mut self.entries {
            let mut found = false;
            let mut at = 0;
            while let Some(i) = find(&payload[at..], from.as_bytes()) {
                payload[at + i..at + i + to.len()].copy_from_slice(to.as_bytes());
                at += i + to.len();
                found = true;
            }
            hit += usize::from(found);
        }
        hit
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_second_run_reports_the_same_as_the_first_and_as_no_cache() {
    let p = county();
    let first = p.check();
    assert_eq!(first.1, Some(2), "input errors: exit 2");
    let found = rules(&first.0);
    for rule in [
        "rules.internal-on-wall",
        "input.schema",
        "input.yaml",
        "input.duplicate-id",
    ] {
        assert!(found.iter().any(|r| r == rule), "{rule} in {found:?}");
    }
    // Beside the content folder, nothing inside it.
    let file = p.cache_file();
    assert!(!p.content().join(".qingpai-cache").exists());
    assert_eq!(CacheFile::read(&file).entries.len(), 6);

    let second = p.check();
    assert_eq!(second, first);
    // Nothing changed: the file is not written again.
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    let third = p.check();
    assert_eq!(third, first);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        before
    );

    std::fs::remove_dir_all(p.cache_dir()).unwrap();
    assert_eq!(p.uncached(), first);
    assert!(
        !p.cache_dir().exists(),
        "QINGPAI_NO_CACHE=1 writes no cache"
    );
    assert_eq!(p.check(), first, "a run after the cache was removed");
    // The other formats read the same results.
    for format in ["text", "sarif", "github"] {
        let cached = p.run(&["check", "--format", format], &[]);
        let fresh = p.run(&["check", "--format", format], &[("QINGPAI_NO_CACHE", "1")]);
        assert_eq!(cached.stdout, fresh.stdout, "{format}");
    }
}

/// The cache is used: a result changed in it (with its check sum made
/// right) shows in the report. Editing another file changes that file's
/// result alone, and the changed one is still the cache's.
#[test]
fn editing_a_file_changes_only_its_result() {
    let p = county();
    let clean = p.check();
    let file = p.cache_file();
    let mut cache = CacheFile::read(&file);
    // `foo` is chaoyang's unknown key, named in its finding.
    assert!(clean.0.contains("“foo”") && !clean.0.contains("zzz"));
    assert_eq!(cache.poison("foo", "zzz"), 1);
    cache.write(&file);

    let poisoned = p.check();
    assert!(poisoned.0.contains("“zzz”"), "{}", poisoned.0);
    assert_eq!(
        poisoned.0.replace("zzz", "foo"),
        clean.0,
        "only the changed result differs"
    );

    // hongqi gets a second wall rule to take down.
    p.write(
        "communities/城关镇/hongqi.yaml",
        &inventory(&[(
            "wall_rules",
            "wall_rules:\n  - {title: 工作职责, category: duties}\n  - {title: 财务管理制度, category: finance}\n",
        )]),
    );
    let edited = p.check();
    let fresh = p.uncached();
    assert_ne!(fresh.0, clean.0, "the edit shows");
    assert!(
        edited.0.contains("zzz"),
        "chaoyang's result is still reused"
    );
    assert_eq!(edited.0.replace("zzz", "foo"), fresh.0);
    assert_eq!(edited.1, fresh.1);
}

#[test]
fn a_cache_of_another_program_is_not_used() {
    let p = county();
    let clean = p.check();
    let file = p.cache_file();
    let mut cache = CacheFile::read(&file);
    assert_eq!(cache.poison("foo", "zzz"), 1);
    // The identity (bytes 8..40) as another build of qingpai, or this one
    // with another standard, would write it.
    cache.header[8] ^= 0xFF;
    cache.write(&file);

    assert_eq!(p.check(), clean);
    // ... and the file is written again, as this program's.
    let rewritten = CacheFile::read(&file);
    assert_ne!(rewritten.header[8], cache.header[8]);
    assert!(
        rewritten
            .entries
            .iter()
            .all(|(_, e)| find(e, b"zzz").is_none())
    );

    // A standard.yaml makes another identity too: the entries made for the
    // built-in standard are not read for it.
    let mut cache = CacheFile::read(&file);
    assert_eq!(cache.poison("foo", "zzz"), 1);
    cache.write(&file);
    p.write("standard.yaml", "name: 测试标准\n");
    let fresh = p.uncached();
    assert_eq!(p.check(), fresh);
    assert!(!fresh.0.contains("zzz"));
}

#[test]
fn a_damaged_cache_does_no_harm() {
    let p = county();
    let clean = p.check();
    let file = p.cache_file();
    let good = std::fs::read(&file).unwrap();

    let mut damaged: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        (
            "garbage".into(),
            (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("magic only".into(), b"QPCACHE2".to_vec()),
    ];
    for cut in [9, 40, 45, good.len() / 3, good.len() / 2, good.len() - 1] {
        damaged.push((format!("cut at {cut}"), good[..cut].to_vec()));
    }
    for at in [50, good.len() / 4, good.len() / 2, good.len() - 2] {
        let mut b = good.clone();
        b[at] ^= 0x5A;
        damaged.push((format!("byte {at} changed"), b));
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"tail");
    damaged.push(("bytes after the end".into(), longer));

    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(p.check(), clean, "{what}");
        // Put right again by the run.
        assert_eq!(p.check(), clean, "{what}, second run");
    }

    // A payload changed behind its digest (a disk error in the middle of a
    // message): the entry is read afresh, the change never shows.
    let mut cache = CacheFile::read(&file);
    assert_eq!(cache.poison("foo", "zzz"), 1);
    cache.write_stale(&file);
    assert_eq!(p.check(), clean);

    // A payload that no longer decodes, with a right digest: that entry is
    // read afresh.
    let mut cache = CacheFile::read(&file);
    for (_, payload) in &mut cache.entries {
        payload.truncate(payload.len() / 2);
    }
    cache.write(&file);
    assert_eq!(p.check(), clean);

    // The cache file is a folder: the run goes on without it.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    assert_eq!(p.check(), clean);
}

#[test]
fn no_place_for_the_cache_is_no_error() {
    let p = county();
    // A file where the cache folder would go: it cannot be made (as for
    // read-only content, which the tests' root user cannot simulate).
    std::fs::write(p.cache_dir(), b"not a folder").unwrap();
    let clean = p.uncached();
    assert_eq!(p.check(), clean);
    assert_eq!(p.check(), clean);
    assert_eq!(std::fs::read(p.cache_dir()).unwrap(), b"not a folder");
}

/// Duplicate ids and towns that share a folder depend on other files: they
/// come and go with those files even when the file they are reported in is
/// taken from the cache.
#[test]
fn what_depends_on_other_files_is_worked_out_every_time() {
    let p = county();
    let first = p.check();
    let count = |report: &str, needle: &str| report.matches(needle).count();
    assert_eq!(count(&first.0, "input.duplicate-id"), 1);
    assert_eq!(count(&first.0, "只差大小写"), 1, "{}", first.0);

    // twin.yaml shares hongqi's id; the duplicate is reported in twin.yaml,
    // the later file. Without hongqi, twin is alone (and unchanged).
    std::fs::remove_file(p.content().join("communities/城关镇/hongqi.yaml")).unwrap();
    let second = p.check();
    assert_eq!(count(&second.0, "input.duplicate-id"), 0);
    assert_eq!(second, p.uncached());

    // The same for the towns: b.yaml (TOWN) clashes with a.yaml (Town).
    std::fs::remove_file(p.content().join("communities/Town/a.yaml")).unwrap();
    let third = p.check();
    assert_eq!(count(&third.0, "只差大小写"), 0);
    assert_eq!(third, p.uncached());

    // And back.
    p.write(
        "communities/Town/a.yaml",
        &inventory(&[("id", "id: town-a\n"), ("town", "town: Town\n")]),
    );
    assert_eq!(count(&p.check().0, "只差大小写"), 1);
}

/// A result that depends on a photo is not reused when the photo changes.
#[test]
fn a_changed_photo_is_looked_at_again() {
    let award = "awards:\n  - title: 自治区文明社区\n    issuer: 自治区精神文明建设指导委员会\n    year: 2021\n    display: thumbnail\n    photo: photos/award.png\n";
    let p = Project::new(&[(
        "communities/城关镇/hongqi.yaml",
        inventory(&[("awards", award)]),
    )]);
    let missing = p.check();
    assert!(missing.0.contains("input.file"), "{}", missing.0);

    let png = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/photos/hongqi/award-2021.png"),
    )
    .unwrap();
    p.write_bytes("photos/award.png", &png);
    let there = p.check();
    assert!(!there.0.contains("input.file"), "{}", there.0);
    assert_eq!(there, p.uncached());

    // Cut short in copying: the same name, a broken picture.
    p.write_bytes("photos/award.png", &png[..png.len() / 2]);
    let broken = p.check();
    assert!(broken.0.contains("input.file"), "{}", broken.0);
    assert_eq!(broken, p.uncached());
}

/// `build` loads through the same cache: its site is the same with the
/// cache cold, warm, and without it.
#[test]
fn build_reads_the_same_through_the_cache() {
    let p = county();
    // Input errors would stop the build: leave their files out.
    std::fs::remove_file(p.content().join("communities/城关镇/broken.yaml")).unwrap();
    std::fs::remove_file(p.content().join("communities/城关镇/chaoyang.yaml")).unwrap();
    std::fs::remove_file(p.content().join("communities/城关镇/twin.yaml")).unwrap();
    std::fs::remove_file(p.content().join("communities/Town/b.yaml")).unwrap();
    let build = |out: &str, envs: &[(&str, &str)]| {
        let dir = p.root.path().join(out);
        let o = p.run(
            &["build", "--no-pdf", "--output", dir.to_str().unwrap()],
            envs,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    };
    let cold = build("cold", &[]);
    assert!(p.cache_file().exists());
    let warm = build("warm", &[]);
    let none = build("none", &[("QINGPAI_NO_CACHE", "1")]);
    let files = |dir: &Path| {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().to_owned();
                    // The build's manifest holds each file's time.
                    if rel != Path::new(".qingpai-manifest.json") {
                        out.push((rel, std::fs::read(&path).unwrap()));
                    }
                }
            }
        }
        out.sort();
        out
    };
    let cold = files(&cold);
    assert!(cold.len() > 5);
    assert!(cold == files(&warm), "warm build differs");
    assert!(cold == files(&none), "build without cache differs");
}
