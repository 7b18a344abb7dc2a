//! The incremental build (issue 11): a build with nothing changed rewrites
//! no file; an edited inventory re-renders only its community and the pages
//! that list it; a changed theme, standard or site.yaml re-renders what
//! depends on them; a cache written by another program is not used.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{Fixture, inventory};

/// Every file of a folder: (inode, mtime in ns, bytes).
fn files(root: &Path) -> BTreeMap<String, (u64, i64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let m = std::fs::metadata(&p).unwrap();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                let t = m.mtime() * 1_000_000_000 + m.mtime_nsec();
                out.insert(rel, (m.ino(), t, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

fn county() -> Fixture {
    let mut files = Vec::new();
    for (i, (id, name, town)) in [
        ("a", "甲社区", "甲镇"),
        ("b", "乙社区", "甲镇"),
        ("c", "丙社区", "乙镇"),
    ]
    .iter()
    .enumerate()
    {
        let gate = format!("gate:\n  - 中共{name}委员会\n  - {name}居民委员会\n  - {name}服务站\n");
        let text = inventory(&[
            ("id", &format!("id: {id}\n")),
            ("name", &format!("name: {name}\n")),
            ("town", &format!("town: {town}\n")),
            ("gate", &gate),
        ]);
        files.push((format!("communities/{town}/{id}.yaml"), text, i));
    }
    let f = Fixture::new(&[]);
    for (path, text, _) in &files {
        f.write(path, text);
    }
    f
}

/// Build, and return how many communities the build says it rendered.
fn build(f: &Fixture, out: &Path) -> usize {
    build_in(f.path(), out)
}

fn build_in(content: &Path, out: &Path) -> usize {
    let run = common::qingpai_in(
        content,
        &["build", "--output", out.to_str().unwrap(), "--lang", "en"],
    );
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Nothing to do: the output was left as it was.
    if stdout.contains(" is up to date: ") {
        return 0;
    }
    // "...; 3 communities rendered, in 0.4 s."
    let before = stdout
        .split(" communities rendered")
        .next()
        .filter(|_| stdout.contains(" communities rendered"))
        .unwrap_or_else(|| panic!("no count in: {stdout}"));
    let n: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    n.chars().rev().collect::<String>().parse().unwrap()
}

fn changed(
    before: &BTreeMap<String, (u64, i64, Vec<u8>)>,
    after: &BTreeMap<String, (u64, i64, Vec<u8>)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k).is_none_or(|b| b.0 != v.0 || b.1 != v.1))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn nothing_changed_rewrites_nothing() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&f, &out), 3, "a cold build renders every community");
    let first = files(&out);
    assert!(first.contains_key("communities/a/sheet.pdf"));
    assert_eq!(build(&f, &out), 0);
    let second = files(&out);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        changed(&first, &second),
        Vec::<String>::new(),
        "no file rewritten"
    );
    for (k, v) in &first {
        assert_eq!(v.2, second[k].2, "{k} is byte-identical");
    }
}

/// The up-to-date answer is only given when the output is as the last build
/// left it: a file removed or altered by hand, or one added, is put right.
#[test]
fn an_output_changed_by_hand_is_rebuilt() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&f, &out);
    let first = files(&out);
    let run = |out: &Path| {
        let run = common::qingpai_in(
            f.path(),
            &["build", "--output", out.to_str().unwrap(), "--lang", "en"],
        );
        assert_eq!(run.status.code(), Some(0));
        String::from_utf8_lossy(&run.stdout).into_owned()
    };
    assert!(run(&out).contains(" is up to date: "));

    std::fs::remove_file(out.join("communities/a/index.html")).unwrap();
    let said = run(&out);
    assert!(!said.contains("up to date"), "{said}");
    assert!(
        std::fs::read(out.join("communities/a/index.html")).unwrap()
            == first["communities/a/index.html"].2,
        "the removed page is back as it was"
    );

    std::fs::write(out.join("towns/甲镇/index.html"), "<p>defaced</p>").unwrap();
    assert!(!run(&out).contains("up to date"));
    assert!(
        std::fs::read(out.join("towns/甲镇/index.html")).unwrap()
            == first["towns/甲镇/index.html"].2,
        "the town page is put right"
    );

    // A community's own files, changed by hand or replaced by a symlink,
    // are rendered again, not taken over.
    std::fs::write(out.join("communities/a/index.html"), "<p>defaced</p>").unwrap();
    assert!(!run(&out).contains("up to date"));
    assert!(
        std::fs::read(out.join("communities/a/index.html")).unwrap()
            == first["communities/a/index.html"].2,
        "the community page is put right"
    );
    std::fs::remove_file(out.join("communities/b/gate.svg")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", out.join("communities/b/gate.svg")).unwrap();
    assert!(!run(&out).contains("up to date"));
    let gate = out.join("communities/b/gate.svg");
    assert!(
        std::fs::symlink_metadata(&gate).unwrap().is_file()
            && std::fs::read(&gate).unwrap() == first["communities/b/gate.svg"].2,
        "the drawing is a file again, as built"
    );
    assert!(run(&out).contains(" is up to date: "));

    std::fs::write(out.join("extra.html"), "<p>left by hand</p>").unwrap();
    assert!(!run(&out).contains("up to date"));
    assert!(
        !out.join("extra.html").exists(),
        "the output is the site alone"
    );
    assert!(run(&out).contains(" is up to date: "));
}

#[test]
fn an_edit_renders_its_community_and_the_pages_that_list_it() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&f, &out);
    let before = files(&out);
    // b loses its station plaque.
    let path = "communities/甲镇/b.yaml";
    let text = std::fs::read_to_string(f.path().join(path)).unwrap();
    f.write(path, &text.replace("  - 乙社区服务站\n", ""));
    assert_eq!(build(&f, &out), 1, "only b is rendered");
    let after = files(&out);
    let changed = changed(&before, &after);
    assert!(changed.iter().any(|p| p.starts_with("communities/b/")));
    for p in &changed {
        assert!(
            p.starts_with("communities/b/")
                || [
                    "index.html",
                    "towns/甲镇/index.html",
                    "stats.csv",
                    "stats.xlsx",
                    "assets/search-index.js",
                    ".qingpai-manifest.json",
                ]
                .contains(&p.as_str()),
            "{p} changed, but does not show b"
        );
    }
    assert!(
        !changed
            .iter()
            .any(|p| p.starts_with("communities/a/") || p.starts_with("towns/乙镇")),
        "{changed:?}"
    );
    let plan: serde_json::Value =
        serde_json::from_slice(&after["communities/b/plan.json"].2).unwrap();
    assert_eq!(plan["totals"]["make"], 1, "the new plan is published");
}

#[test]
fn theme_standard_and_site_changes_render_everything() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&f, &out);
    f.write(
        "standard.yaml",
        "retained_certificates:\n  - name: 居住证明\n",
    );
    assert_eq!(build(&f, &out), 3, "the standard changed");
    let site = std::fs::read_to_string(f.path().join("site.yaml")).unwrap();
    f.write("site.yaml", &site.replace("测试县公示", "测试县公示栏"));
    assert_eq!(build(&f, &out), 3, "site.yaml changed");
    assert_eq!(build(&f, &out), 0, "and then nothing");
}

#[test]
fn a_theme_change_renders_everything() {
    // content/ and themes/mine/ side by side, as in a repository.
    let f = county();
    let root = tempfile::tempdir().unwrap();
    let content = root.path().join("content");
    copy(f.path(), &content);
    let site = std::fs::read_to_string(content.join("site.yaml")).unwrap();
    std::fs::write(content.join("site.yaml"), format!("{site}theme: mine\n")).unwrap();
    let extra = root.path().join("themes/mine/static/extra.css");
    std::fs::create_dir_all(extra.parent().unwrap()).unwrap();
    std::fs::write(&extra, "body { margin: 0 }\n").unwrap();
    let out = root.path().join("site");
    assert_eq!(build_in(&content, &out), 3);
    assert_eq!(build_in(&content, &out), 0);
    std::fs::write(&extra, "body { margin: 1px }\n").unwrap();
    assert_eq!(build_in(&content, &out), 3, "the theme changed");
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_cache_of_another_program_is_not_used() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&f, &out);
    let manifest = out.join(".qingpai-manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["program"] = "qingpai 0.0.1 other".into();
    std::fs::write(&manifest, serde_json::to_vec(&json).unwrap()).unwrap();
    assert_eq!(build(&f, &out), 3, "a cold build");
}

/// Builds that bring the spare (the site one build older) up to date give
/// exactly the site a cold build gives: the same files, the same bytes; a
/// community removed from the content is gone; a spare changed by hand is
/// not used.
#[test]
fn builds_on_the_spare_equal_a_cold_build() {
    let f = county();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let spare = tmp.path().join(".site.spare");
    build(&f, &out);
    let edit = |path: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(f.path().join(path)).unwrap();
        assert!(text.contains(from), "{from} in {path}");
        f.write(path, &text.replace(from, to));
    };
    edit("communities/甲镇/b.yaml", "  - 乙社区服务站\n", "");
    assert_eq!(build(&f, &out), 1);
    assert!(spare.is_dir(), "the replaced site is kept as the spare");
    edit("communities/乙镇/c.yaml", "  - 丙社区服务站\n", "");
    assert_eq!(build(&f, &out), 1, "b is in the live site, c is rendered");
    std::fs::remove_file(f.path().join("communities/甲镇/a.yaml")).unwrap();
    edit(
        "communities/甲镇/b.yaml",
        "name: 乙社区\n",
        "name: 乙社区\n# 再改一次\n",
    );
    assert_eq!(build(&f, &out), 1, "only b is rendered");
    assert!(
        !out.join("communities/a").exists(),
        "a removed community is gone"
    );

    let same_as_cold = |out: &Path| {
        let cold = tempfile::tempdir().unwrap();
        let cold_out = cold.path().join("site");
        build(&f, &cold_out);
        let (warm, cold) = (files(out), files(&cold_out));
        assert_eq!(
            warm.keys().collect::<Vec<_>>(),
            cold.keys().collect::<Vec<_>>(),
            "the same files as a cold build"
        );
        // The manifest holds each file's time, which differs.
        for (k, v) in warm.iter().filter(|(k, _)| *k != ".qingpai-manifest.json") {
            assert!(v.2 == cold[k].2, "{k} differs from a cold build's");
        }
    };
    same_as_cold(&out);

    // A spare changed by hand is not trusted: the build starts afresh.
    std::fs::write(spare.join("index.html"), "<p>changed</p>").unwrap();
    edit(
        "communities/乙镇/c.yaml",
        "name: 丙社区\n",
        "name: 丙社区\n# 又改\n",
    );
    assert_eq!(build(&f, &out), 1);
    same_as_cold(&out);
}
