//! Helpers for the integration tests: fixture content trees in temporary
//! folders, and the real `qingpai` binary run on them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const SITE: &str =
    "title: 测试县公示\nregion: 测试县\nsupervision:\n  - level: 县\n    phone: \"0951-0000000\"\n";

/// A compliant community; tests replace one section at a time.
pub const GOOD: &[(&str, &str)] = &[
    ("id", "id: hongqi\n"),
    ("name", "name: 红旗社区\n"),
    ("kind", "kind: community\n"),
    ("town", "town: 城关镇\n"),
    (
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n",
    ),
    ("header", "header:\n  - 中国社区\n  - 党群服务中心\n"),
    (
        "gate_walls",
        "gate_walls:\n  - text: 一室八中心引导牌\n    rooms:\n      - {name: 便民服务中心, floor: 1}\n",
    ),
];

/// The compliant community with some sections replaced (or added, or, with an
/// empty text, removed).
pub fn inventory(changes: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, text) in GOOD {
        match changes.iter().find(|(k, _)| k == key) {
            Some((_, replacement)) => out.push_str(replacement),
            None => out.push_str(text),
        }
    }
    for (key, text) in changes {
        if !GOOD.iter().any(|(k, _)| k == key) {
            out.push_str(text);
        }
    }
    out
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A content folder with site.yaml and the given files (relative paths).
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let f = Fixture { dir };
        f.write("site.yaml", SITE);
        for (path, text) in files {
            f.write(path, text);
        }
        f
    }

    /// One community file at communities/城关镇/hongqi.yaml.
    pub fn community(yaml: &str) -> Fixture {
        Fixture::new(&[("communities/城关镇/hongqi.yaml", yaml)])
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn run(&self, args: &[&str]) -> Output {
        qingpai_in(self.path(), args)
    }

    /// `check --format json`, parsed.
    pub fn check_json(&self) -> (i32, Value) {
        let out = self.run(&["check", "--format", "json"]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("JSON report: {e}\n{}", String::from_utf8_lossy(&out.stdout))
        });
        (out.status.code().unwrap_or(-1), json)
    }

    /// The (rule, line) of every finding.
    pub fn findings(&self) -> Vec<(String, u64)> {
        let (_, json) = self.check_json();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    pub fn codes(&self) -> Vec<String> {
        self.findings().into_iter().map(|(c, _)| c).collect()
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_qingpai"))
}

/// Run qingpai with `--content DIR` (the content folder).
pub fn qingpai_in(content: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .arg("--content")
        .arg(content)
        .env("NO_COLOR", "1")
        .output()
        .expect("the qingpai binary runs")
}

/// The repository's sample content.
pub fn sample_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
