//! `qingpai build`: validate, then write the whole site (SPEC §1, §6).

use std::io::IsTerminal;
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
    let content = crate::load::load(content_dir);
    let report = crate::check::check(&content);
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
            out.push_str(&if zh {
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
            if args.strict && built.report.has_errors() {
                1
            } else {
                0
            }
        }
        Err((BuildError::Input, report)) => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = report::text::render(
                &report,
                &content.sources,
                lang,
                report::text::Style { color },
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
