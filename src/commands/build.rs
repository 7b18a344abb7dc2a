//! `qingpai build`: validate, then write the whole site (SPEC §1, §6).

use std::path::{Path, PathBuf};

use crate::diag::Lang;
use crate::report;
use crate::site::{self, BuildError, Options};

pub struct Args {
    pub output: PathBuf,
    pub strict: bool,
    pub base_url: Option<String>,
    pub pdf: bool,
    pub previews: bool,
}

pub fn run(content_dir: &Path, args: &Args, lang: Lang) -> u8 {
    if let Some(url) = &args.base_url
        && !crate::load::site::valid_base_url(url)
    {
        eprintln!(
            "error: --base-url “{url}” 要以 / 开头，或是完整的 http(s):// 地址，如 https://example.gov.cn/qingpai/"
        );
        return 2;
    }
    crate::build::phase("start");
    let (content, report) = crate::check::load_and_check(content_dir);
    crate::build::phase("load and check");
    let opts = Options {
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        previews: args.previews,
        pdf: args.pdf,
    };
    let zh = lang == Lang::Zh;
    match site::build(&content, report, &opts) {
        Ok(built) => {
            let mut out = report::text::summary_line(&built.report, lang);
            out.push('\n');
            out.push_str(&if built.up_to_date {
                if zh {
                    format!(
                        "网站 {} 已是最新：清单、site.yaml、标准、主题和程序都与上次生成时相同，没有改动任何文件（{} 个页面，{} 个文件），用时 {:.1} 秒。\n",
                        args.output.display(),
                        built.pages,
                        built.files,
                        built.seconds
                    )
                } else {
                    format!(
                        "the site in {} is up to date: inventories, site.yaml, standard, theme and program are as at the last build; no file touched ({} pages, {} files), in {:.1} s.\n",
                        args.output.display(),
                        built.pages,
                        built.files,
                        built.seconds
                    )
                }
            } else if zh {
                format!(
                    "已生成网站 {}：{} 个页面，{} 个文件（{} 个与上次相同、直接沿用），{:.1} MB；重新生成了 {} 个村(社区)，用时 {:.1} 秒。\n",
                    args.output.display(),
                    built.pages,
                    built.files,
                    built.reused,
                    built.bytes as f64 / 1e6,
                    built.rendered_communities,
                    built.seconds
                )
            } else {
                format!(
                    "built the site in {}: {} pages, {} files ({} unchanged, taken over), {:.1} MB; {} communities rendered, in {:.1} s.\n",
                    args.output.display(),
                    built.pages,
                    built.files,
                    built.reused,
                    built.bytes as f64 / 1e6,
                    built.rendered_communities,
                    built.seconds
                )
            });
            if built.report.has_errors() {
                out.push_str(if zh {
                    "不合规的情况已经公示在网站上；运行 qingpai check 查看每一处问题。\n"
                } else {
                    "violations are published on the site; run qingpai check for each of them.\n"
                });
            }
            crate::commands::print(&out);
            if let Some(warning) = relative_base_url(content_dir, &content, args, lang) {
                eprintln!("{warning}");
            }
            if args.strict && built.report.has_errors() {
                1
            } else {
                0
            }
        }
        Err((BuildError::Input, report)) => {
            let mut out = report::text::render(
                &report,
                &content.sources,
                lang,
                report::text::Style::for_stdout(),
            );
            out.push_str(&if zh {
                format!("网站没有生成：先改正上面的清单文件问题（input.*）。{} 保持原样。\n", args.output.display())
            } else {
                format!("the site was not built: fix the input problems above first. {} is unchanged.\n", args.output.display())
            });
            crate::commands::print(&out);
            2
        }
        Err((BuildError::Other { zh: z, en }, _)) => {
            eprintln!("error: {}", if zh { z } else { en });
            eprintln!(
                "{}",
                if zh {
                    format!("网站没有生成，{} 保持原样。", args.output.display())
                } else {
                    format!(
                        "the site was not built; {} is unchanged.",
                        args.output.display()
                    )
                }
            );
            2
        }
    }
}

use crate::load::site::is_absolute_url as is_absolute;

/// The warning, when the site was built under a bare path (`/`, the default):
/// the pages work as they are, but search engines get no usable sitemap.
/// Names site.yaml's `base_url` line (or the file) and the two ways to fix it.
fn relative_base_url(
    content_dir: &Path,
    content: &crate::load::Content,
    args: &Args,
    lang: Lang,
) -> Option<String> {
    let from_site = content.site.as_ref().and_then(|s| s.base_url.as_deref());
    let url = args.base_url.as_deref().or(from_site).unwrap_or("/");
    if is_absolute(url) {
        return None;
    }
    let file = content_dir.join("site.yaml");
    let (at, what_zh, what_en) = if args.base_url.is_some() {
        (
            "--base-url".to_owned(),
            format!("“{url}”不是完整的网址"),
            format!("`{url}` is not a full address"),
        )
    } else {
        let src = std::fs::read_to_string(&file).unwrap_or_default();
        // The line of a top-level `base_url:` key (the reader checked the file's shape).
        let line = src
            .lines()
            .position(|l| l.starts_with("base_url") && l[8..].trim_start().starts_with(':'));
        match line {
            Some(n) => (
                format!("site.yaml:{}:1", n + 1),
                format!("base_url“{url}”不是完整的网址"),
                format!("base_url `{url}` is not a full address"),
            ),
            None => (
                "site.yaml:1:1".to_owned(),
                "没有写 base_url，网址都按“/”生成，不是完整的网址".to_owned(),
                "no base_url: addresses are written from `/`, not full addresses".to_owned(),
            ),
        }
    };
    Some(match lang {
        Lang::Zh => format!(
            "warning: {at}: {what_zh}：sitemap.xml 里的网址、robots.txt 的 Sitemap 行和规范链接（canonical）都要 https:// 开头的完整地址，搜索引擎才认；网站本身照常可用。\n  = 建议: 在 site.yaml 写上网站正式发布的地址，如 base_url: https://minzheng.example.gov.cn/qingpai/，或生成时加 --base-url https://…/"
        ),
        Lang::En => format!(
            "warning: {at}: {what_en}; sitemap.xml, robots.txt's Sitemap line and canonical links need an https:// address for search engines; the site itself works as it is.\n  = help: write the address the site is published at in site.yaml, e.g. base_url: https://minzheng.example.gov.cn/qingpai/, or build with --base-url https://…/"
        ),
    })
}
