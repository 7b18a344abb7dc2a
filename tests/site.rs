//! `qingpai build`: the pages of SPEC §6, escaping, links that resolve, and a
//! failed build that leaves the previous output untouched.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Fixture, inventory, qingpai_in, sample_content, stdout};

fn build(content: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    qingpai_in(content, &args)
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Every `href="..."` and `src="..."` in an HTML text.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn the_sample_builds_every_page_and_every_link_resolves() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(&sample_content(), &site, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        common::stderr(&o)
    );
    for page in [
        "index.html",
        "standard/index.html",
        "supervision/index.html",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "communities/hongqi/index.html",
        "communities/hongqi/gate.svg",
        "communities/hongqi/gate.png",
        "towns/城关镇/index.html",
        "assets/style.css",
        "assets/site.js",
        "assets/search-index.js",
    ] {
        assert!(site.join(page).is_file(), "{page} is missing");
    }
    let ids: Vec<String> = std::fs::read_dir(site.join("communities"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(ids.len(), 14);

    let files = snapshot(&site);
    let mut checked = 0;
    for (rel, bytes) in &files {
        if rel.extension().is_none_or(|e| e != "html") || rel == Path::new("404.html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{}", rel.display());
        assert!(html.contains("<html lang=\"zh-CN\">"), "{}", rel.display());
        // No remote resources: a remote address may only be the target of a
        // link the reader follows (the standard page cites its sources).
        for (at, _) in html.match_indices("http") {
            let before = &html[..at];
            let open = before.rfind('<').unwrap_or(0);
            let in_tag = before.rfind('>').is_none_or(|close| close < open);
            let tag = &html[open..at];
            // The canonical and og: addresses name this page, not a resource.
            let names_itself = tag.starts_with("<link rel=\"canonical\"")
                || tag.starts_with("<meta property=\"og:");
            assert!(
                !in_tag || tag.starts_with("<a ") || tag.starts_with("<svg") || names_itself,
                "a remote resource in {}: {tag}",
                rel.display()
            );
        }
        for link in links(&html) {
            if link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with('#')
                || link.starts_with("http")
            {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "a root-absolute link {link} in {} breaks under another base path",
                rel.display()
            );
            let path = link.split(['#', '?']).next().unwrap();
            let target = rel.parent().unwrap().join(percent_decode(path));
            let target = site.join(target);
            let target = if link.ends_with('/') {
                target.join("index.html")
            } else {
                target
            };
            assert!(
                target.is_file(),
                "{} links to {link}, which does not exist",
                rel.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn pages_show_the_findings_and_the_standard() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(&sample_content(), &site, &[]);
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    let hongqi = read("communities/hongqi/index.html");
    assert!(hongqi.contains("红旗社区退役军人服务站"));
    assert!(hongqi.contains("摘除大门两侧的“红旗社区退役军人服务站”"));
    assert!(hongqi.contains("<svg"), "the gate is drawn inline");
    assert!(
        !hongqi.contains("<text"),
        "sign text is outlined, not left to the reader's fonts"
    );
    assert!(
        hongqi.contains("办理单位：公安派出所") && hongqi.contains("据实出具"),
        "abolished certificates say where to go instead, and the transition"
    );
    let xingfu = read("communities/xingfu/index.html");
    assert!(xingfu.contains("都符合要求"));
    let index = read("index.html");
    for name in ["红旗社区", "幸福社区", "沙窝村", "城关镇", "红柳湾乡"] {
        assert!(index.contains(name), "{name} on the overview");
    }
    let standard = read("standard/index.html");
    for code in ["gate.unlisted", "cert.abolished", "text.missing-glyph"] {
        assert!(standard.contains(code));
    }
    assert!(standard.contains("证件遗失证明") && standard.contains("一室八中心引导牌"));
    let supervision = read("supervision/index.html");
    assert!(
        supervision.contains("0951-0000003") && supervision.contains("jubao-xian@example.gov.cn")
    );
    assert!(
        index.contains("0951-0000001"),
        "the channels are in every footer"
    );
    // The sample names an (example) address, so the sitemap is absolute.
    let sitemap = read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://qinghe.example.gov.cn/communities/hongqi/</loc>"),
        "{sitemap}"
    );
    assert!(hongqi.contains(
        r#"<link rel="canonical" href="https://qinghe.example.gov.cn/communities/hongqi/">"#
    ));
}

#[test]
fn a_bare_path_base_url_builds_but_warns() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(&sample_content(), &site, &["--no-pdf", "--base-url", "/"]);
    assert_eq!(o.status.code(), Some(0));
    let warning = common::stderr(&o);
    assert!(
        warning.starts_with("warning: --base-url: “/”不是完整的网址")
            && warning.contains("sitemap.xml"),
        "{warning}"
    );
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    assert!(read("sitemap.xml").contains("<loc>/communities/hongqi/</loc>"));
    assert!(
        !read("communities/hongqi/index.html").contains("rel=\"canonical\""),
        "no canonical link without a full base URL"
    );
    // site.yaml's own line is named when the bare path comes from there.
    let fx = Fixture::community(&inventory(&[]));
    let o = fx.run(&[
        "build",
        "--no-pdf",
        "--no-previews",
        "--output",
        out.path().join("b").to_str().unwrap(),
    ]);
    let warning = common::stderr(&o);
    assert!(
        warning.contains("site.yaml:") && warning.contains("建议"),
        "{warning}"
    );
    // An absolute address: no warning.
    let o = build(
        &sample_content(),
        &out.path().join("c"),
        &["--no-pdf", "--no-previews"],
    );
    assert!(
        !common::stderr(&o).contains("warning"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn base_url_goes_into_canonical_links_and_the_sitemap() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    build(
        &sample_content(),
        &site,
        &["--base-url", "https://example.gov.cn/qingpai"],
    );
    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.gov.cn/qingpai/communities/xingfu/</loc>"));
    let page = std::fs::read_to_string(site.join("communities/xingfu/index.html")).unwrap();
    assert!(page.contains(
        r#"<link rel="canonical" href="https://example.gov.cn/qingpai/communities/xingfu/">"#
    ));
    assert!(
        page.contains(r#"content="https://example.gov.cn/qingpai/communities/xingfu/gate.png""#)
    );
}

#[test]
fn text_from_yaml_is_escaped_everywhere() {
    let yaml = inventory(&[
        // `<`, `>`, `/` and `"` cannot be in a town (it names a folder and a
        // sheet: `check` refuses them); `&` and `'` can.
        ("town", "town: \"城关&amp;镇's\"\n"),
        (
            "gate",
            "gate:\n  - 中共红旗社区委员会\n  - 红旗社区居民委员会\n  - 红旗社区服务站\n  - \"<script>alert(1)</script>\"\n",
        ),
        (
            "header",
            "header:\n  - 中国社区\n  - '\"><img src=x onerror=alert(2)>'\n",
        ),
        (
            "awards",
            "awards:\n  - {title: \"</title><script>alert(3)</script>\", display: wall}\n",
        ),
        ("address", "address: \"&amp; <b>bold</b>\"\n"),
    ]);
    let fx = Fixture::community(&yaml);
    fx.write(
        "site.yaml",
        "title: \"<script>alert('title')</script>县\"\nregion: 测试县\nsupervision:\n  - {level: \"<i>县</i>\", phone: \"\\\"><script>x</script>\", email: \"a@b.cn\"}\n",
    );
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = build(fx.path(), &site, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for (rel, bytes) in snapshot(&site) {
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["html", "svg", "xml", "js", "txt"].contains(&ext) || rel.starts_with("assets/site.js")
        {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        if ext == "js" {
            // Data inside a script: it must not be able to close the script.
            assert!(!text.contains("</script"), "{}", rel.display());
            continue;
        }
        for bad in [
            "<script>alert",
            "<img src=x",
            "<b>bold</b>",
            "<i>县</i>",
            "</title><script>",
        ] {
            assert!(!text.contains(bad), "{} contains {bad}", rel.display());
        }
    }
    let page = std::fs::read_to_string(site.join("communities/hongqi/index.html")).unwrap();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;"), "shown as text");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let fx = Fixture::community(&inventory(&[]));
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(build(fx.path(), &site, &[]).status.code(), Some(0));
    let before = snapshot(&site);
    assert!(before.len() > 5);

    // A broken inventory: exit 2, nothing changed, nothing left beside it.
    fx.write("communities/城关镇/broken.yaml", "id: broken\nname: [\n");
    let o = build(fx.path(), &site, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("input.yaml"), "{}", stdout(&o));
    assert_eq!(snapshot(&site), before);
    let mut leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    leftovers.sort();
    // The site and the first build's lock (builds take turns by it).
    assert_eq!(leftovers, [".site.lock", "site"], "{leftovers:?}");

    // A theme that does not exist: exit 2, nothing changed.
    std::fs::remove_file(fx.path().join("communities/城关镇/broken.yaml")).unwrap();
    fx.write(
        "site.yaml",
        &format!("{}theme: no-such-theme\n", common::SITE),
    );
    let o = build(fx.path(), &site, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a missing theme folder is an error"
    );
    // `check` reports it (input.schema at `theme:`) before anything is built.
    assert!(stdout(&o).contains("no-such-theme"), "{}", stdout(&o));
    assert_eq!(snapshot(&site), before);
}

#[test]
fn a_site_theme_overrides_the_default_file_by_file() {
    let root = tempfile::tempdir().unwrap();
    let content = root.path().join("content");
    std::fs::create_dir_all(content.join("communities/城关镇")).unwrap();
    std::fs::write(
        content.join("site.yaml"),
        format!("{}theme: mine\n", common::SITE),
    )
    .unwrap();
    std::fs::write(
        content.join("communities/城关镇/hongqi.yaml"),
        inventory(&[]),
    )
    .unwrap();
    let templates = root.path().join("themes/mine/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("supervision.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>本县自己的监督页</h1>{% endblock %}",
    )
    .unwrap();
    let site = root.path().join("output");
    let o = build(&content, &site, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        stdout(&o),
        common::stderr(&o)
    );
    let sup = std::fs::read_to_string(site.join("supervision/index.html")).unwrap();
    assert!(sup.contains("本县自己的监督页"));
    assert!(
        std::fs::read_to_string(site.join("index.html"))
            .unwrap()
            .contains("全县概况"),
        "the rest is the default"
    );

    // A template with a syntax error names the file.
    std::fs::write(templates.join("index.html"), "{% if %}").unwrap();
    let o = build(&content, &site, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o).contains("index.html"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn strict_turns_violations_into_exit_1() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(
        build(&sample_content(), &site, &["--strict"]).status.code(),
        Some(1)
    );
    assert!(site.join("index.html").is_file(), "the site is still built");
    let clean = Fixture::community(&inventory(&[]));
    assert_eq!(
        build(clean.path(), &out.path().join("clean"), &["--strict"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn the_build_never_replaces_a_folder_it_did_not_write() {
    let fx = Fixture::community(&inventory(&[]));
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("precious.txt"), "keep me").unwrap();
    let o = build(fx.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(out.path().join("precious.txt")).unwrap(),
        "keep me"
    );
    // Nor the content folder itself.
    let o = build(fx.path(), fx.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(fx.path().join("site.yaml").is_file());
}
