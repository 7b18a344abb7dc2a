//! `qingpai check`: validate only, report every problem in one run.

use std::path::Path;

use crate::diag::Lang;
use crate::report;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning in review tools.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

/// Prints the report on standard output; returns the exit status.
pub fn run(content_dir: &Path, format: Format, lang: Lang) -> u8 {
    let (content, report) = crate::check::load_and_check(content_dir);
    let out = match format {
        Format::Json => report::json::render(&report, lang) + "\n",
        Format::Sarif => report::sarif::render(
            &report,
            &prefix(content_dir),
            lang,
            content.site.as_ref().and_then(|s| s.base_url.as_deref()),
        ),
        Format::Github => report::sarif::github(&report, &prefix(content_dir), lang),
        Format::Text => {
            report::text::render(
                &report,
                &content.sources,
                lang,
                report::text::Style::for_stdout(),
            ) + &report::text::handbook_hints(&content.communities, &content.standard, lang)
        }
    };
    crate::commands::print(&out);
    let code = report.exit_code();
    // The process ends here: freeing a county's tree and report piece by
    // piece (tens of thousands of strings) would only delay the exit.
    std::mem::forget((content, report, out));
    code
}

/// The content folder as a repository-relative prefix for file paths.
fn prefix(content_dir: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| content_dir.strip_prefix(&cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| content_dir.to_owned());
    rel.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_owned()
}
