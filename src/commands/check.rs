//! `qingpai check`: validate only, report every problem in one run.

use std::io::IsTerminal;
use std::path::Path;

use crate::diag::Lang;
use crate::report;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Prints the report on standard output; returns the exit status.
pub fn run(content_dir: &Path, format: Format, lang: Lang) -> u8 {
    let content = crate::load::load(content_dir);
    let report = crate::check::check(&content);
    let out = match format {
        Format::Json => report::json::render(&report, lang) + "\n",
        Format::Text => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::text::render(
                &report,
                &content.sources,
                lang,
                report::text::Style { color },
            )
        }
    };
    crate::commands::print(&out);
    report.exit_code()
}
