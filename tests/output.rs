//! Where `--output` may write: never over a device, FIFO, file or a link to
//! one, never into the content folder; through a symlinked folder; into a
//! mount point; leftovers of killed builds cleaned; the published site never
//! missing while a build replaces it. Everything in temporary folders.
#![cfg(unix)]

mod common;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use common::{Fixture, inventory, qingpai_in, stderr, stdout};

const FAST: &[&str] = &["--no-pdf", "--no-previews"];

fn build(content: &Path, out: &Path) -> std::process::Output {
    let mut args = vec!["build", "--output", out.to_str().unwrap()];
    args.extend_from_slice(FAST);
    qingpai_in(content, &args)
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A content folder with one compliant community, and a separate folder for outputs.
fn setup() -> (Fixture, tempfile::TempDir) {
    (
        Fixture::community(&inventory(&[])),
        tempfile::tempdir().unwrap(),
    )
}

fn assert_refused(o: &std::process::Output, words: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(o), stderr(o));
    let err = stderr(o);
    for w in words {
        assert!(err.contains(w), "“{w}” in: {err}");
    }
}

#[test]
fn a_fifo_and_a_link_to_one_are_refused_and_left_alone() {
    let (fx, outs) = setup();
    let fifo = outs.path().join("pipe");
    mkfifo(&fifo);
    let o = build(fx.path(), &fifo);
    assert_refused(&o, &["命名管道（FIFO）", "不是文件夹", "不会改动"]);
    assert!(is_fifo(&fifo), "still a FIFO");

    let link = outs.path().join("link");
    symlink(&fifo, &link).unwrap();
    let o = build(fx.path(), &link);
    assert_refused(&o, &["符号链接", "命名管道（FIFO）"]);
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), fifo);
    assert!(is_fifo(&fifo));
    assert_eq!(
        names(outs.path()),
        ["link", "pipe"],
        "nothing made beside them"
    );

    // English on request.
    let mut args = vec!["--lang", "en", "build", "--output", fifo.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let o = qingpai_in(fx.path(), &args);
    assert_refused(&o, &["a FIFO (named pipe), not a folder"]);
}

#[test]
fn a_file_as_output_is_refused_and_unchanged() {
    let (fx, outs) = setup();
    let file = outs.path().join("site.txt");
    std::fs::write(&file, "keep me").unwrap();
    let o = build(fx.path(), &file);
    assert_refused(&o, &["普通文件", "不是文件夹"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    assert_eq!(names(outs.path()), ["site.txt"]);
}

#[test]
fn an_output_inside_the_content_folder_is_refused() {
    let (fx, outs) = setup();
    let before = names(fx.path());
    // Directly, through `..`, and through a symlink to the content folder.
    let link = outs.path().join("content-link");
    symlink(fx.path(), &link).unwrap();
    for out in [
        fx.path().join("out"),
        fx.path().join("communities/城关镇/out"),
        fx.path().join("communities/城关镇/../../out/x"),
        link.join("out"),
        outs.path()
            .join("..")
            .join(fx.path().file_name().unwrap())
            .join("out"),
        fx.path().to_owned(),
        fx.path().parent().unwrap().to_owned(),
    ] {
        let o = build(fx.path(), &out);
        assert_refused(&o, &["内容文件夹"]);
        assert_eq!(names(fx.path()), before, "{}", out.display());
    }
}

#[test]
fn stats_and_schema_never_write_over_content_or_a_fifo() {
    let (fx, outs) = setup();
    let site = fx.path().join("site.yaml");
    let before = std::fs::read(&site).unwrap();
    let o = fx.run(&["stats", "--output", site.to_str().unwrap()]);
    assert_refused(&o, &["内容文件夹"]);
    assert_eq!(std::fs::read(&site).unwrap(), before, "site.yaml unchanged");
    let o = fx.run(&["schema", "--output", site.to_str().unwrap()]);
    assert_refused(&o, &["内容文件夹"]);
    assert_eq!(std::fs::read(&site).unwrap(), before);
    // The schema's own place in the content folder is fine.
    let schema = fx.path().join("community.schema.json");
    let o = fx.run(&["schema", "--output", schema.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&schema)
            .unwrap()
            .contains("$schema")
    );

    let fifo = outs.path().join("stats.csv");
    mkfifo(&fifo);
    let link = outs.path().join("link.csv");
    symlink(&fifo, &link).unwrap();
    for path in [&fifo, &link] {
        let o = fx.run(&["stats", "--output", path.to_str().unwrap()]);
        assert_refused(&o, &["命名管道（FIFO）", "不是普通文件"]);
        assert!(is_fifo(&fifo));
    }
    // A regular file, also through a link, is written.
    let real = outs.path().join("real.csv");
    std::fs::write(&real, "old old old old old old old old old old old old").unwrap();
    let link = outs.path().join("to-real.csv");
    symlink(&real, &link).unwrap();
    let o = fx.run(&["stats", "--output", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains("红旗社区") && !text.contains("old"), "{text}");
}

#[test]
fn a_symlinked_output_is_published_through_the_link() {
    let (fx, outs) = setup();
    let web = outs.path().join("srv/web");
    std::fs::create_dir_all(&web).unwrap();
    let link = outs.path().join("site");
    symlink(&web, &link).unwrap();
    for round in 0..3 {
        if round > 0 {
            // A change, so that the build publishes again.
            let site = std::fs::read_to_string(fx.path().join("site.yaml")).unwrap();
            fx.write("site.yaml", &format!("{site}# round {round}\n"));
        }
        let o = build(fx.path(), &link);
        assert_eq!(o.status.code(), Some(0), "round {round}: {}", stderr(&o));
        assert!(
            std::fs::symlink_metadata(&link).unwrap().is_symlink(),
            "the link is kept"
        );
        assert_eq!(std::fs::read_link(&link).unwrap(), web);
        assert!(
            web.join("index.html").is_file(),
            "the site is at the target"
        );
        assert!(web.join("communities/hongqi/index.html").is_file());
        assert_eq!(names(outs.path()), ["site", "srv"], "round {round}");
        // From the second build on, the site it replaced is kept as the
        // spare the next build brings up to date.
        let expected: &[&str] = if round == 0 {
            &[".web.lock", "web"]
        } else {
            &[".web.lock", ".web.spare", "web"]
        };
        assert_eq!(names(&outs.path().join("srv")), expected, "round {round}");
    }
    // A link to a folder not made yet: the folder is made at the target.
    let later = outs.path().join("later");
    symlink(outs.path().join("srv/new"), &later).unwrap();
    let o = build(fx.path(), &later);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&later).unwrap().is_symlink());
    assert!(outs.path().join("srv/new/index.html").is_file());
}

/// A PID no process has: the first from 12345 up without a /proc entry.
fn dead_pid() -> u32 {
    (12345..)
        .find(|p| !Path::new("/proc").join(p.to_string()).exists())
        .unwrap()
}

#[test]
fn leftovers_of_killed_builds_are_cleaned_and_builds_leave_none() {
    let (fx, outs) = setup();
    let out = outs.path().join("out");
    let o = build(fx.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The site, and the lock builds into it take turns by.
    assert_eq!(names(outs.path()), [".out.lock", "out"]);

    // What `kill -9` leaves: a half-built folder and a previous site, both
    // marked; and a folder of that shape that is not ours.
    let pid = dead_pid();
    for kind in ["building", "old"] {
        let dir = outs.path().join(format!(".out.{kind}-{pid}"));
        std::fs::create_dir_all(dir.join("communities/x")).unwrap();
        std::fs::write(dir.join(".qingpai-output"), "").unwrap();
        std::fs::write(dir.join("communities/x/index.html"), "stale").unwrap();
    }
    let foreign = outs.path().join(format!(".out.old-{}", pid + 1));
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "not qingpai's").unwrap();
    // A running process's building folder (this test's own) is not touched.
    let running = outs
        .path()
        .join(format!(".out.building-{}", std::process::id()));
    std::fs::create_dir(&running).unwrap();
    std::fs::write(running.join(".qingpai-output"), "").unwrap();

    let o = build(fx.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut expected = vec![
        ".out.lock".to_owned(),
        format!(".out.building-{}", std::process::id()),
        format!(".out.old-{}", pid + 1),
        "out".to_owned(),
    ];
    expected.sort();
    assert_eq!(names(outs.path()), expected);
    assert!(foreign.join("notes.txt").is_file());
    assert!(out.join("index.html").is_file());
    assert!(!out.join("communities/x").exists());

    // A folder that was not written by qingpai is never replaced.
    let other = outs.path().join("mine");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("a.txt"), "mine").unwrap();
    let o = build(fx.path(), &other);
    assert_refused(&o, &["不是 qingpai 生成的"]);
    assert_eq!(names(&other), ["a.txt"]);
}

/// A reader polling `out/index.html` while 20 builds replace the site never
/// finds it missing (Linux: the folders are exchanged in one step).
#[cfg(target_os = "linux")]
#[test]
fn the_published_site_is_never_missing_during_a_rebuild() {
    let (fx, outs) = setup();
    let out = outs.path().join("out");
    let o = build(fx.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stop = Arc::new(AtomicBool::new(false));
    let (probes, misses) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let page: PathBuf = out.join("index.html");
    let reader = {
        let (stop, probes, misses) = (stop.clone(), probes.clone(), misses.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if std::fs::File::open(&page).is_err() {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
                probes.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let site = std::fs::read_to_string(fx.path().join("site.yaml")).unwrap();
    for i in 0..20 {
        // A change each time: a build with nothing to do would publish nothing.
        fx.write("site.yaml", &format!("{site}# build {i}\n"));
        let o = build(fx.path(), &out);
        assert_eq!(o.status.code(), Some(0), "build {i}: {}", stderr(&o));
        assert!(!stdout(&o).contains("已是最新"), "build {i} published");
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    let (p, m) = (
        probes.load(Ordering::Relaxed),
        misses.load(Ordering::Relaxed),
    );
    eprintln!("{p} probes, {m} misses");
    assert!(p > 1000, "the reader ran: {p} probes");
    assert_eq!(m, 0, "index.html missing in {m} of {p} probes");
    assert_eq!(names(outs.path()), [".out.lock", ".out.spare", "out"]);
}

/// A mount point (a Docker volume) cannot be renamed: the site is published
/// into it. Needs a private mount namespace (`unshare -m`, as root); where
/// there is none the test says so and checks nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_is_published_into() {
    let (fx, outs) = setup();
    let mnt = outs.path().join("volume");
    std::fs::create_dir(&mnt).unwrap();
    let probe = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs none \"$1\"", "sh"])
        .arg(&mnt)
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no private mount namespace here ({probe:?})");
        return;
    }
    // Two builds into the tmpfs, then what is in it, all inside the namespace
    // (the mount goes with it).
    let script = r#"
        mount -t tmpfs none "$1" || exit 90
        "$2" build --content "$3" --output "$1" --no-pdf --no-previews || exit 91
        echo old > "$1/gone.html"
        "$2" build --content "$3" --output "$1" --no-pdf --no-previews || exit 92
        ls -a "$1"
        test -f "$1/communities/hongqi/index.html" || exit 93
        ls -a "$(dirname "$1")"
    "#;
    let o = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&mnt)
        .arg(common::bin())
        .arg(fx.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    let listed: Vec<&str> = text.lines().map(str::trim).collect();
    for want in ["index.html", "communities", ".qingpai-output"] {
        assert!(listed.contains(&want), "{want} in {listed:?}");
    }
    assert!(
        !listed.contains(&"gone.html"),
        "the old entry went: {listed:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|n| n.contains(".building-") || n.contains(".old-")),
        "no leftovers inside the volume or beside it: {listed:?}"
    );
}

/// A web root whose parent cannot be written (here: made immutable with
/// `chattr +i`, which binds root too) is published into. Where the
/// filesystem has no immutable flag the test says so and checks nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_folder_whose_parent_cannot_be_written_is_published_into() {
    struct Mutable(PathBuf);
    impl Drop for Mutable {
        fn drop(&mut self) {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
    }
    let (fx, outs) = setup();
    let parent = outs.path().join("www");
    let web = parent.join("html");
    std::fs::create_dir_all(&web).unwrap();
    let locked = std::process::Command::new("chattr")
        .arg("+i")
        .arg(&parent)
        .output();
    if !locked.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no chattr +i here ({locked:?})");
        return;
    }
    let _unlock = Mutable(parent.clone());
    let site = std::fs::read_to_string(fx.path().join("site.yaml")).unwrap();
    for round in 0..2 {
        // A change each round, so the second publishes over the first.
        fx.write("site.yaml", &format!("{site}# round {round}\n"));
        let o = build(fx.path(), &web);
        assert_eq!(o.status.code(), Some(0), "round {round}: {}", stderr(&o));
        assert!(web.join("communities/hongqi/index.html").is_file());
        let inside = names(&web);
        assert!(
            !inside
                .iter()
                .any(|n| n.contains(".building-") || n.contains(".old-")),
            "{inside:?}"
        );
        assert_eq!(names(&parent), ["html"]);
    }
}

/// Two builds publishing into one output take turns: while another holds
/// the turn (here the test, locking `.site.lock` as a build does), a build
/// says it is waiting and publishes nothing; it goes on when the turn is
/// free. A launcher that locks the folder holding the output (`flock DIR
/// qingpai build --output DIR/site`, as cron jobs do) is no other build.
#[test]
fn a_build_waits_for_another_publishing_there() {
    use std::io::Read;
    let (fx, outs) = setup();
    let out = outs.path().join("site");
    let lock = outs.path().join(".site.lock");
    let holder = std::fs::File::create(&lock).unwrap();
    holder.lock().unwrap();
    let folder = std::fs::File::open(outs.path()).unwrap();
    folder.lock().unwrap();

    let mut child = std::process::Command::new(common::bin())
        .args(["build", "--output", out.to_str().unwrap()])
        .args(FAST)
        .arg("--content")
        .arg(fx.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        let mut text = String::new();
        err.read_to_string(&mut text).unwrap();
        text
    });
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build waits while another holds the turn"
    );
    assert!(!out.exists(), "nothing published while waiting");
    assert_eq!(names(outs.path()), [".site.lock"], "nothing else beside");

    holder.unlock().unwrap();
    let status = child.wait().unwrap();
    let said = said.join().unwrap();
    assert!(status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "另一个 qingpai build 正在向 {} 发布网站",
            out.display()
        )),
        "{said}"
    );
    assert!(out.join("index.html").is_file());
    assert_eq!(names(outs.path()), [".site.lock", "site"]);
    drop(folder);
}

/// A parent folder not made yet is made before the turn is taken, so a
/// build that starts while the first is rendering waits for it too.
#[test]
fn the_turn_is_taken_where_the_output_will_be() {
    let (fx, outs) = setup();
    let out = outs.path().join("new/deeper/site");
    let o = build(fx.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        names(&outs.path().join("new/deeper")),
        [".site.lock", "site"]
    );
}
