//! Hostile and careless input (issue 12): files that used to be left out in
//! silence, files that hung the checker, reports that grew with the length
//! of a line, names that passed `check` and failed `build`, control
//! characters, broken photos; and a property test that mutates the sample's
//! inventories.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, bin, inventory, sample_content, stdout};
use serde_json::Value;

/// The findings of `check --format json` as (rule, file, line), with the exit status.
fn findings(fx: &Fixture) -> (i32, Vec<(String, String, u64)>) {
    let (code, json) = fx.check_json();
    let list = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (code, list)
}

fn messages(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} {}", f["file"], f["message"], f["fix"]))
        .collect()
}

/// Run qingpai on `content`, killed (and the test failed) after `limit`.
fn run_within(content: &Path, args: &[&str], limit: Duration) -> std::process::Output {
    run_measured(content, args, limit).0
}

/// [`run_within`], with the child's peak memory in KB: its `VmHWM` while it
/// runs. (Its `ru_maxrss` would not do: that counts the test process's own
/// memory at the fork.) The mark only grows, so the last reading before the
/// exit is within the last 10 ms of the peak.
fn run_measured(content: &Path, args: &[&str], limit: Duration) -> (std::process::Output, i64) {
    use std::io::Read;
    let mut child = Command::new(bin())
        .args(args)
        .arg("--content")
        .arg(content)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qingpai runs");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let mut killed = false;
    let mut peak_kb = 0;
    let status_file = format!("/proc/{}/status", child.id());
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit && !killed {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        !killed,
        "qingpai {args:?} still running after {limit:?}: it hangs"
    );
    let output = std::process::Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, peak_kb)
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

// ---- 1. bounded diagnostics ------------------------------------------------

#[test]
fn one_long_line_with_35000_findings_gives_a_bounded_report() {
    // ~980 KB: one flow list of 35,000 plaques that are none of the roles.
    let entry = "退役军人服务站aaaaa";
    let list = vec![entry; 35_000].join(", ");
    let yaml = inventory(&[("gate", &format!("gate: [{list}]\n"))]);
    assert!(
        yaml.len() > 950_000 && yaml.len() < 1_048_576,
        "{}",
        yaml.len()
    );
    let fx = Fixture::community(&yaml);
    let start = Instant::now();
    let (out, max_kb) = run_measured(fx.path(), &["check"], Duration::from_secs(120));
    let took = start.elapsed();
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
    let n = text.matches("error[gate.unlisted]").count();
    assert_eq!(n, 35_000);
    // Each finding costs its message, its fix (Chinese: 3 bytes a
    // character) and a cut line, never the 980 KB line itself.
    let per = text.len() / n;
    assert!(per < 700, "{per} bytes per finding");
    let longest = text.lines().map(str::len).max().unwrap();
    assert!(longest < 400, "a report line of {longest} bytes");
    assert!(max_kb > 0 && max_kb < 200 * 1024, "peak memory {max_kb} KB");
    eprintln!(
        "35,000 findings: {took:?}, {} bytes, {per} bytes each, peak memory {max_kb} KB",
        text.len()
    );
}

#[test]
fn file_names_with_control_characters_do_not_reach_the_terminal() {
    let fx = Fixture::new(&[]);
    let bad = inventory(&[("name", "name: \"红旗\\e[31m社区\"\n")]);
    fx.write_bytes("communities/城关镇/\x1b[31mhongqi.yaml", bad.as_bytes());
    let out = fx.run(&["check"]);
    assert!(!out.stdout.contains(&0x1b), "{}", stdout(&out));
    assert!(!out.stderr.contains(&0x1b));
    assert!(
        stdout(&out).contains("\u{241b}[31mhongqi.yaml"),
        "{}",
        stdout(&out)
    );
}

// ---- 2. every file read or reported -----------------------------------------

#[test]
fn yml_files_are_read_like_yaml() {
    let fx = Fixture::new(&[
        ("communities/城关镇/hongqi.yaml", &inventory(&[])),
        (
            "communities/城关镇/xingfu.yml",
            &inventory(&[
                ("id", "id: xingfu\n"),
                ("name", "name: 幸福社区\n"),
                (
                    "gate",
                    "gate:\n  - 中共幸福社区委员会\n  - 幸福社区居民委员会\n  - 幸福社区服务站\n  - 幸福社区退役军人服务站\n",
                ),
            ]),
        ),
        (
            "communities/城关镇/upper.YML",
            &inventory(&[("id", "id: upper\n"), ("name", "name: 红旗社区\n")]),
        ),
    ]);
    let (code, f) = findings(&fx);
    assert_eq!(code, 1, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, file, _)| r == "gate.unlisted" && file.ends_with("xingfu.yml")),
        "{f:?}"
    );
    let (_, json) = fx.check_json();
    assert_eq!(json["summary"]["communities"], 3);
    // build --strict fails on the .yml community's violation, and publishes it.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("out");
    let out = fx.run(&[
        "build",
        "--strict",
        "--no-pdf",
        "--no-previews",
        "--output",
        site.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    assert!(site.join("communities/xingfu/index.html").is_file());
}

#[test]
fn names_that_are_not_utf8_are_reported() {
    let fx = Fixture::community(&inventory(&[]));
    let dir = fx.path().join("communities/城关镇");
    let name = std::ffi::OsStr::from_bytes(b"\xba\xec\xc6\xec.yaml"); // 红旗 in GBK
    std::fs::write(dir.join(name), inventory(&[("id", "id: other\n")])).unwrap();
    let folder = std::ffi::OsStr::from_bytes(b"\xb3\xc7\xc4\xcf");
    std::fs::create_dir_all(fx.path().join("communities").join(folder)).unwrap();
    std::fs::write(
        fx.path().join("communities").join(folder).join("a.yaml"),
        inventory(&[("id", "id: a\n")]),
    )
    .unwrap();
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
    let files: Vec<&str> = f
        .iter()
        .filter(|(r, _, _)| r == "input.file")
        .map(|(_, file, _)| file.as_str())
        .collect();
    assert_eq!(files.len(), 2, "{f:?}");
    assert!(files.iter().all(|p| p.contains('\u{FFFD}')), "{files:?}");
    let (_, json) = fx.check_json();
    assert!(
        messages(&json).iter().any(|m| m.contains("不是 UTF-8")),
        "{json:#}"
    );
}

#[test]
fn folders_past_the_depth_limit_are_reported() {
    let fx = Fixture::community(&inventory(&[]));
    let deep = (0..10)
        .map(|i| format!("d{i}"))
        .collect::<Vec<_>>()
        .join("/");
    fx.write(
        &format!("communities/{deep}/deep.yaml"),
        &inventory(&[("id", "id: deep\n")]),
    );
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
    let hit: Vec<_> = f.iter().filter(|(r, _, _)| r == "input.file").collect();
    assert_eq!(hit.len(), 1, "{f:?}");
    assert!(
        hit[0]
            .1
            .starts_with("communities/d0/d1/d2/d3/d4/d5/d6/d7/d8"),
        "{hit:?}"
    );
}

#[test]
fn unreadable_folders_are_reported() {
    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "communities/locked/a.yaml",
        &inventory(&[("id", "id: a\n")]),
    );
    let locked = fx.path().join("communities/locked");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        // Root reads any folder: the case cannot arise for this user.
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("skipped: running as a user who can read a folder with mode 000");
        return;
    }
    let (code, f) = findings(&fx);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 2, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, file, _)| r == "input.file" && file == "communities/locked"),
        "{f:?}"
    );
}

#[test]
fn hidden_inventories_are_reported_and_tool_folders_are_not() {
    let fx = Fixture::community(&inventory(&[]));
    fx.write(
        "communities/城关镇/.draft.yaml",
        &inventory(&[("id", "id: draft\n")]),
    );
    fx.write(
        "communities/.old/城关镇/x.yml",
        &inventory(&[("id", "id: x\n")]),
    );
    fx.write("communities/.git/config", "[core]\n");
    fx.write("communities/城关镇/.DS_Store", "\0\0");
    std::os::unix::fs::symlink(
        "root@host.1234",
        fx.path().join("communities/城关镇/.#hongqi.yaml"),
    )
    .unwrap();
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
    let mut files: Vec<&str> = f
        .iter()
        .filter(|(r, _, _)| r == "input.file")
        .map(|(_, file, _)| file.as_str())
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["communities/.old", "communities/城关镇/.draft.yaml"],
        "{f:?}"
    );
}

#[test]
fn a_fifo_named_yaml_hangs_nothing() {
    let fx = Fixture::community(&inventory(&[]));
    mkfifo(&fx.path().join("communities/城关镇/x.yaml"));
    std::os::unix::fs::symlink("x.yaml", fx.path().join("communities/城关镇/link.yaml")).unwrap();
    mkfifo(&fx.path().join("photos/p.jpg"));
    fx.write(
        "communities/城关镇/photo.yaml",
        &inventory(&[
            ("id", "id: photo\n"),
            (
                "awards",
                "awards:\n  - {title: 先进集体, display: stored, photo: photos/p.jpg}\n",
            ),
        ]),
    );
    let limit = Duration::from_secs(30);
    let out = run_within(fx.path(), &["check", "--format", "json"], limit);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "input.file")
        .map(|f| format!("{}:{}", f["file"].as_str().unwrap(), f["line"]))
        .collect();
    assert!(
        files.contains(&"communities/城关镇/x.yaml:1".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&"communities/城关镇/link.yaml:1".to_owned()),
        "{files:?}"
    );
    // The photo that is a FIFO is "missing" (not a regular file), at its line.
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("communities/城关镇/photo.yaml:")),
        "{files:?}"
    );
    assert!(
        messages(&json).iter().any(|m| m.contains("命名管道")),
        "{json:#}"
    );
    let site = tempfile::tempdir().unwrap();
    let out_dir = site.path().join("out");
    let out = run_within(
        fx.path(),
        &[
            "build",
            "--no-pdf",
            "--no-previews",
            "--output",
            out_dir.to_str().unwrap(),
        ],
        limit,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run_within(fx.path(), &["stats", "--format", "csv"], limit);
    assert!(out.status.success());
    // site.yaml itself a FIFO.
    std::fs::remove_file(fx.path().join("site.yaml")).unwrap();
    mkfifo(&fx.path().join("site.yaml"));
    let out = run_within(fx.path(), &["check", "--format", "json"], limit);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == "site.yaml" && f["rule"] == "input.file"),
        "{json:#}"
    );
}

// ---- 3. what would fail the build fails the check ---------------------------

/// A county with the sample's hongqi at `town`, plus `others`.
fn town_fixture(town_line: &str, others: &[(&str, &str)]) -> Fixture {
    let fx = Fixture::community(&inventory(&[("town", town_line)]));
    for (id, town) in others {
        fx.write(
            &format!("communities/{id}.yaml"),
            &inventory(&[
                ("id", &format!("id: {id}\n")),
                ("town", &format!("town: {town}\n")),
            ]),
        );
    }
    fx
}

fn assert_town_refused(fx: &Fixture, file: &str, line: u64) {
    let (code, f) = findings(fx);
    assert_eq!(code, 2, "{f:?}");
    assert!(
        f.iter()
            .any(|(r, p, l)| r == "input.schema" && p == file && *l == line),
        "{file}:{line} in {f:?}"
    );
    // And the build stops at the check, not half-way with a write error.
    let site = tempfile::tempdir().unwrap();
    let out_dir = site.path().join("out");
    let out = fx.run(&[
        "build",
        "--no-pdf",
        "--no-previews",
        "--output",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out_dir.exists());
}

#[test]
fn towns_that_cannot_be_a_sheet_or_folder_name_are_check_findings() {
    let hongqi = "communities/城关镇/hongqi.yaml";
    for town in ["\"'城关'\"", "城关/镇", "\"城关[镇]\"", "城关镇."] {
        let fx = town_fixture(&format!("town: {town}\n"), &[]);
        assert_town_refused(&fx, hongqi, 4);
    }
    let long = "城".repeat(86);
    let fx = town_fixture(&format!("town: {long}\n"), &[]);
    assert_town_refused(&fx, hongqi, 4);
    let (_, json) = fx.check_json();
    assert!(
        messages(&json).iter().any(|m| m.contains("太长")),
        "{json:#}"
    );
    // 31 characters still go.
    let fx = town_fixture(&format!("town: {}\n", "城".repeat(31)), &[]);
    let (code, f) = findings(&fx);
    assert_eq!(code, 0, "{f:?}");
}

#[test]
fn towns_that_share_a_folder_are_check_findings() {
    // Town / TOWN: one folder on a case-insensitive disk, one sheet in Excel.
    // (communities/zz.yaml comes first: its spelling is the one kept.)
    let fx = town_fixture("town: Town\n", &[("zz", "TOWN")]);
    assert_town_refused(&fx, "communities/城关镇/hongqi.yaml", 4);
    let (_, json) = fx.check_json();
    assert!(
        messages(&json).iter().any(|m| m.contains("只差大小写")),
        "{json:#}"
    );
    // Each spelling once is fine.
    let fx = town_fixture("town: Town\n", &[("zz", "Town")]);
    assert_eq!(findings(&fx).0, 0);
    // 城关/镇 would share 城关镇's page: refused as a name already.
    let fx = town_fixture("town: 城关镇\n", &[("zz", "城关/镇")]);
    assert_town_refused(&fx, "communities/zz.yaml", 4);
}

#[test]
fn an_invalid_theme_is_a_check_finding() {
    for theme in ["../../etc", "nosuch", ".hidden"] {
        let fx = Fixture::community(&inventory(&[]));
        fx.write("site.yaml", &format!("{}theme: {theme}\n", common::SITE));
        let (code, f) = findings(&fx);
        assert_eq!(code, 2, "{theme}: {f:?}");
        assert!(
            f.contains(&("input.schema".to_owned(), "site.yaml".to_owned(), 6)),
            "{theme}: {f:?}"
        );
    }
}

// ---- 4. control characters, line ends, photos, base_url ---------------------

#[test]
fn control_characters_in_text_fields_are_located() {
    // Written as YAML escapes: the finding is at the scalar.
    let fx = Fixture::community(&inventory(&[("name", "name: \"红旗\\a社区\"\n")]));
    let (code, json) = fx.check_json();
    assert_eq!(code, 2);
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "input.schema")
        .expect("a finding");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(2), Some(7)),
        "{f}"
    );
    assert!(f["message"].as_str().unwrap().contains("U+0007"), "{f}");
    // Written raw into a block scalar (where YAML lets it through): the
    // finding is at the character itself.
    let fx = Fixture::community(&inventory(&[(
        "wall_rules",
        "wall_rules:\n  - title: 借阅须知\n    category: notice\n    body: |\n      第一条\n      第二\u{85}条\n",
    )]));
    let (code, json) = fx.check_json();
    assert_eq!(code, 2, "{json:#}");
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "input.schema")
        .expect("a finding");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(21), Some(9)),
        "{f}"
    );
    // A raw ESC YAML itself refuses; the report shows it, never sends it.
    let fx = Fixture::community(&inventory(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区\x1b居民委员会\n  - 红旗社区服务站\n",
    )]));
    let (code, f) = findings(&fx);
    assert_eq!(code, 2);
    assert!(
        f.iter().any(|(r, _, l)| r.starts_with("input.") && *l == 7),
        "{f:?}"
    );
    let text = fx.run(&["check"]);
    assert!(!text.stdout.contains(&0x1b), "{}", stdout(&text));
    assert!(
        stdout(&text).contains("红旗社区\u{241b}居民委员会"),
        "{}",
        stdout(&text)
    );
    // A body may hold newlines and tabs; a title may not.
    let fx = Fixture::community(&inventory(&[(
        "wall_rules",
        "wall_rules:\n  - title: 借阅须知\n    category: notice\n    body: \"第一条\\t借书\\n第二条\\t还书\\n\"\n",
    )]));
    assert_eq!(findings(&fx).0, 0);
    let fx = Fixture::community(&inventory(&[(
        "wall_rules",
        "wall_rules:\n  - title: \"借阅\\n须知\"\n    category: notice\n",
    )]));
    assert_eq!(findings(&fx).0, 2);
    // site.yaml too.
    let fx = Fixture::community(&inventory(&[]));
    let rest = &common::SITE["title: 测试县公示\n".len()..];
    fx.write("site.yaml", &format!("title: \"测试县\\0公示\"\n{rest}"));
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
    assert!(
        f.contains(&("input.schema".to_owned(), "site.yaml".to_owned(), 1)),
        "{f:?}"
    );
}

#[test]
fn cr_only_line_ends_read_like_lf() {
    let lf = inventory(&[(
        "gate",
        "gate:\n  - 中共红旗社区委员会\n  - 红旗社区退役军人服务站\n",
    )]);
    let a = Fixture::community(&lf);
    let b = Fixture::community(&lf.replace('\n', "\r"));
    let (ca, fa) = findings(&a);
    let (cb, fb) = findings(&b);
    assert_eq!(ca, 1, "{fa:?}");
    assert_eq!((ca, fa), (cb, fb));
    // The text report shows the line, not the whole file.
    let out = b.run(&["check"]);
    assert!(
        stdout(&out).contains("7 |   - 红旗社区退役军人服务站\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn broken_photos_are_input_file_findings() {
    let jpg = std::fs::read(sample_content().join("photos/chaoyang/award-2020.jpg")).unwrap();
    let png = std::fs::read(sample_content().join("photos/hongqi/award-2021.png")).unwrap();
    let awards = "awards:\n  - {title: 先进集体, display: stored, photo: photos/a.jpg}\n  - {title: 文明单位, display: stored, photo: photos/b.png}\n";
    let fx = Fixture::community(&inventory(&[("awards", awards)]));
    fx.write_bytes("photos/a.jpg", &jpg);
    fx.write_bytes("photos/b.png", &png);
    assert_eq!(findings(&fx).0, 0, "the sample's photos are whole");
    fx.write_bytes("photos/a.jpg", &jpg[..jpg.len() / 2]);
    fx.write_bytes("photos/b.png", &png[..png.len() / 2]);
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
    let lines: Vec<u64> = f
        .iter()
        .filter(|(r, _, _)| r == "input.file")
        .map(|(_, _, l)| *l)
        .collect();
    assert_eq!(lines, [17, 18], "{f:?}");
    let (_, json) = fx.check_json();
    assert!(
        messages(&json).iter().any(|m| m.contains("不完整")),
        "{json:#}"
    );
    // Not an image at all.
    fx.write_bytes("photos/a.jpg", b"GIF89a....");
    fx.write_bytes("photos/b.png", &png);
    let (code, f) = findings(&fx);
    assert_eq!(code, 2, "{f:?}");
}

#[test]
fn a_protocol_relative_base_url_is_refused() {
    for (url, ok) in [
        ("//evil.example/", false),
        ("/\\evil.example/", false),
        ("https://", false),
        ("/", true),
        ("/qingpai/", true),
        ("https://example.gov.cn/qingpai/", true),
    ] {
        let fx = Fixture::community(&inventory(&[]));
        fx.write(
            "site.yaml",
            &format!(
                "{}base_url: \"{}\"\n",
                common::SITE,
                url.replace('\\', "\\\\")
            ),
        );
        let (code, f) = findings(&fx);
        assert_eq!(code == 0, ok, "{url}: {f:?}");
        if !ok {
            assert!(
                f.contains(&("input.schema".to_owned(), "site.yaml".to_owned(), 6)),
                "{url}: {f:?}"
            );
        }
    }
}

// ---- 5. property test: mutated sample inventories ---------------------------

mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use qingpai::check::Report;
    use qingpai::diag::{Lang, Summary};
    use qingpai::report::text;
    use qingpai::standard::Standard;

    /// The sample's inventories: (path relative to content/, bytes).
    fn sample() -> Vec<(String, Vec<u8>)> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.push((rel, std::fs::read(&p).unwrap()));
                }
            }
        }
        let root = sample_content();
        let mut out = Vec::new();
        walk(&root, &root.join("communities"), &mut out);
        out.sort();
        assert!(out.len() >= 10, "the sample has its inventories");
        out
    }

    #[derive(Clone, Debug)]
    enum Mutation {
        Flip(Vec<(usize, u8)>),
        Truncate(usize),
        Duplicate {
            at: usize,
            count: usize,
            times: usize,
        },
        Nest {
            at: usize,
            depth: usize,
            flow: bool,
        },
        HugeList {
            n: usize,
            entry: u8,
        },
        Insert {
            at: usize,
            bytes: Vec<u8>,
        },
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            prop::collection::vec((any::<usize>(), 1..=255u8), 1..8).prop_map(Mutation::Flip),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), 1..20usize, 1..200usize)
                .prop_map(|(at, count, times)| Mutation::Duplicate { at, count, times }),
            (any::<usize>(), 1..300usize, any::<bool>())
                .prop_map(|(at, depth, flow)| Mutation::Nest { at, depth, flow }),
            (1..20_000usize, 0..4u8).prop_map(|(n, entry)| Mutation::HugeList { n, entry }),
            (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
                .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        ]
    }

    /// Line starts of `bytes`.
    fn line_starts(bytes: &[u8]) -> Vec<usize> {
        let mut s = vec![0];
        s.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        s
    }

    fn apply(src: &[u8], m: &Mutation) -> Vec<u8> {
        let mut b = src.to_vec();
        match m {
            Mutation::Flip(flips) => {
                for (at, x) in flips {
                    let i = at % b.len();
                    b[i] ^= x;
                }
            }
            Mutation::Truncate(at) => b.truncate(at % b.len()),
            Mutation::Duplicate { at, count, times } => {
                let starts = line_starts(&b);
                let first = at % starts.len();
                let from = starts[first];
                let to = starts.get(first + count).copied().unwrap_or(b.len());
                let chunk = b[from..to].to_vec();
                for _ in 0..*times {
                    b.splice(to..to, chunk.iter().copied());
                }
            }
            Mutation::Nest { at, depth, flow } => {
                let starts = line_starts(&b);
                let pos = starts[at % starts.len()];
                let mut nested = String::from("deep: ");
                if *flow {
                    nested.push_str(&"[".repeat(*depth));
                    nested.push_str(&"]".repeat(*depth));
                } else {
                    for d in 0..*depth {
                        nested.push('\n');
                        nested.push_str(&"  ".repeat(d + 1));
                        nested.push_str("- ");
                        nested.push_str("k:");
                    }
                    nested.push_str(" x");
                }
                nested.push('\n');
                b.splice(pos..pos, nested.into_bytes());
            }
            Mutation::HugeList { n, entry } => {
                // Replace the gate section by one long flow list.
                let text = String::from_utf8_lossy(&b).into_owned();
                let mut out = String::new();
                let mut in_gate = false;
                for line in text.lines() {
                    if line.starts_with("gate:") {
                        in_gate = true;
                        let item = ["a", "中共红旗社区委员会", "{text: 红旗社区服务站}", "\"\""]
                            [*entry as usize];
                        out.push_str("gate: [");
                        out.push_str(&vec![item; *n].join(", "));
                        out.push_str("]\n");
                        continue;
                    }
                    if in_gate && (line.starts_with(' ') || line.starts_with('-')) {
                        continue;
                    }
                    in_gate = false;
                    out.push_str(line);
                    out.push('\n');
                }
                b = out.into_bytes();
            }
            Mutation::Insert { at, bytes } => {
                let i = at % (b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
        }
        b
    }

    /// CPU time of this thread: the bound holds however busy the machine is.
    fn thread_cpu() -> Duration {
        let mut t: libc::timespec = unsafe { std::mem::zeroed() };
        // SAFETY: clock_gettime writes into the struct it is given.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }

    fn check_one(rel: &str, bytes: Vec<u8>, std: &Standard) -> Result<(), TestCaseError> {
        // Lines as the reader counts them: LF, and a CR not before an LF.
        let lines = 1 + bytes
            .iter()
            .enumerate()
            .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count() as u32;
        let bytes_len = bytes.len();
        let start = thread_cpu();
        let (community, mut found, src) =
            qingpai::load::community_from_bytes(&sample_content(), rel, bytes, std);
        found.extend(qingpai::rules::check(&community, std));
        let took = thread_cpu() - start;
        // A guard against runaway (quadratic) work, not a speed measurement:
        // a duplicated gate line of a huge flow list can hold 700,000 entries
        // (20 MB, past the reader's size limit, which this bypasses), read in
        // about a second of debug CPU; a quadratic pass over them would take
        // hours. One second plus one per megabyte.
        let budget = Duration::from_secs(1) + Duration::from_secs(bytes_len as u64 / 1_000_000);
        prop_assert!(took < budget, "{rel}: {took:?} for {bytes_len} bytes");
        for f in &found {
            prop_assert_eq!(&f.file, rel);
            prop_assert!(
                f.loc.line >= 1 && f.loc.line <= lines + 1,
                "{}: line {} of {} lines: {:?}",
                rel,
                f.loc.line,
                lines,
                f.message.en
            );
        }
        // The text report of it all: no panic, and bounded per finding.
        qingpai::diag::sort_findings(&mut found);
        let n = found.len();
        let report = Report {
            summary: Summary {
                communities: 1,
                compliant: 0,
                errors: n,
                warnings: 0,
            },
            findings: found,
        };
        let mut sources = std::collections::HashMap::new();
        if let Some(src) = src {
            sources.insert(rel.to_owned(), src);
        }
        let out = text::render(&report, &sources, Lang::Zh, text::Style::default());
        prop_assert!(
            out.len() <= 600 + n * 2_000,
            "{} bytes for {} findings",
            out.len(),
            n
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 48,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn mutated_inventories_never_panic_and_stay_located(
            pick in any::<usize>(),
            muts in prop::collection::vec(mutation(), 1..3),
        ) {
            let files = sample();
            let std = Standard::builtin();
            let (rel, src) = &files[pick % files.len()];
            let mut bytes = src.clone();
            for m in &muts {
                if bytes.is_empty() {
                    break;
                }
                bytes = apply(&bytes, m);
            }
            check_one(rel, bytes, &std)?;
        }
    }

    /// The longest flow lists the property test makes, of every kind of
    /// entry: within the CPU budget (the hand-written YAML reader once
    /// counted each entry's column from the start of the line).
    #[test]
    fn the_longest_flow_lists_are_read_in_linear_time() {
        let std = Standard::builtin();
        if let Some((rel, src)) = sample().into_iter().next() {
            for entry in 0..4 {
                let bytes = apply(&src, &Mutation::HugeList { n: 19_999, entry });
                check_one(&rel, bytes, &std).unwrap();
            }
        }
    }

    #[test]
    fn every_sample_inventory_checks_clean_of_input_errors() {
        // The property test's starting point is sound: the sample reads.
        let std = Standard::builtin();
        for (rel, bytes) in sample() {
            let (_, found, _) =
                qingpai::load::community_from_bytes(&sample_content(), &rel, bytes, &std);
            assert!(
                found.is_empty(),
                "{rel}: {:?}",
                found.iter().map(|f| &f.message.en).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn the_sample_is_untouched_by_the_stricter_checks() {
    // The sample county passes check with no input.* finding, as before.
    let out = common::qingpai_in(&sample_content(), &["check", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let input: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("input."))
        .collect();
    assert!(input.is_empty(), "{input:#?}");
}

#[test]
fn serve_s_incremental_check_recounts_town_clashes() {
    // `check::update` (what serve runs after an edit) must drop a clash that
    // an edit of the other file resolved, and find one an edit made.
    let fx = town_fixture("town: Town\n", &[("zz", "TOWN")]);
    let mut content = qingpai::load::load(fx.path());
    let mut report = qingpai::check::check(&content);
    let clashes = |r: &qingpai::check::Report| {
        r.findings
            .iter()
            .filter(|f| f.message.en.starts_with("two towns"))
            .count()
    };
    assert_eq!(clashes(&report), 1);
    let edit = |content: &mut qingpai::load::Content,
                report: &mut qingpai::check::Report,
                rel: &str,
                town: &str| {
        fx.write(
            rel,
            &inventory(&[("id", "id: zz\n"), ("town", &format!("town: {town}\n"))]),
        );
        let (c, found, src) = qingpai::load::load_community(fx.path(), rel, &content.standard);
        content.findings.retain(|f| f.file != rel);
        content.findings.extend(found);
        content.sources.insert(rel.to_owned(), src.unwrap());
        let i = content
            .communities
            .iter()
            .position(|c| c.file == rel)
            .unwrap();
        content.communities[i] = c;
        qingpai::check::update(report, content, &[rel.to_owned()]);
    };
    edit(&mut content, &mut report, "communities/zz.yaml", "Town");
    assert_eq!(clashes(&report), 0, "{:?}", report.findings);
    assert_eq!(report.exit_code(), 0);
    edit(&mut content, &mut report, "communities/zz.yaml", "TOWN");
    assert_eq!(clashes(&report), 1);
    assert_eq!(report.exit_code(), 2);
}
