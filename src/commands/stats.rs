//! `qingpai stats`: the survey table (摸底统计), as CSV, JSON or an Excel workbook.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diag::Lang;
use crate::stats;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Csv,
    Json,
    Xlsx,
}

pub fn run(content_dir: &Path, format: Format, output: Option<&PathBuf>, lang: Lang) -> u8 {
    let (content, report) = crate::check::load_and_check(content_dir);
    let table = stats::table(&content, &report);
    let bytes = match format {
        Format::Csv => stats::csv(&table),
        Format::Json => stats::json(&table).into_bytes(),
        Format::Xlsx => match stats::xlsx(&table, &stats::Meta::of(&content)) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: 生成 Excel 文件失败：{e}");
                return 2;
            }
        },
    };
    // A workbook is not for a terminal: without --output it goes to stats.xlsx.
    let output = output.cloned().or_else(|| {
        (format == Format::Xlsx && std::io::stdout().is_terminal())
            .then(|| PathBuf::from("stats.xlsx"))
    });
    match output {
        Some(path) => match crate::output::write_file(
            &path,
            &bytes,
            content_dir,
            crate::output::InContent::Never,
        ) {
            Ok(()) => {
                let n = table.communities;
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("已写入 {}：{n} 个村(社区)和合计行。", path.display()),
                        Lang::En =>
                            format!("wrote {}: {n} communities and a total row.", path.display()),
                    }
                );
                if report.has_input_errors() {
                    eprintln!(
                        "注意：有清单文件无法完整读取（input.*），这些村(社区)的数字可能不全；运行 qingpai check 查看。"
                    );
                }
                0
            }
            Err(e) => {
                eprintln!(
                    "error: {}",
                    match lang {
                        Lang::Zh => e.zh,
                        Lang::En => e.en,
                    }
                );
                2
            }
        },
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&bytes);
            let _ = out.flush();
            0
        }
    }
}
