//! The build layer: what `qingpai build` makes, what each part is made
//! from, and where it goes (SPEC §1, §6).
//!
//! load → check → plan → drawing → (html | png | pdf | stats) → output.
//! The build loads and checks the content, and stops there when a file cannot
//! be read (`input.*`): the previous output is left exactly as it was.
//! Otherwise the site renders ([`crate::site::Renderer`]) into a fresh folder
//! ([`writer`]) that is published ([`crate::output`]) only when everything
//! succeeded. A community whose inputs are unchanged since the last build
//! ([`cache`]) is not rendered again: its files are taken over.

pub mod cache;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use rayon::prelude::*;

use crate::check::Report;
use crate::load::Content;
use crate::site::{Renderer, pages};
use crate::theme;

pub use writer::Writer;

pub struct Options {
    pub output: PathBuf,
    pub base_url: Option<String>,
    /// PNG previews of each gate (for `og:image` and the overview).
    pub previews: bool,
    /// The PDF sheets, production files, handbooks and award sheets.
    pub pdf: bool,
}

pub struct Built {
    pub report: Report,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub seconds: f64,
    /// Files taken over unchanged from the previous build (hard links).
    pub reused: usize,
    /// Communities whose files were rendered (the rest were taken over).
    pub rendered_communities: usize,
}

#[derive(Debug)]
pub enum BuildError {
    /// The content could not be read: nothing was written.
    Input,
    /// Something else stopped the build; (zh, en).
    Other { zh: String, en: String },
}

impl BuildError {
    pub fn other(zh: impl Into<String>, en: impl Into<String>) -> BuildError {
        BuildError::Other {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// The marker in every output folder (its home is the publishing module).
pub use crate::output::MARKER;

pub fn build(
    content: &Content,
    report: Report,
    opts: &Options,
) -> Result<Built, (BuildError, Report)> {
    let start = Instant::now();
    if report.has_input_errors() || content.site.is_none() {
        return Err((BuildError::Input, report));
    }
    let site_root = content
        .dir
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("."));
    let site = content.site.as_ref().expect("checked above");
    let theme = match theme::load(&site_root, site.theme.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            return Err((
                BuildError::other(format!("{}：{}", e.file, e.zh), e.to_string()),
                report,
            ));
        }
    };

    // The output is checked and a fresh folder made only now: a build that
    // stops earlier (input errors, a bad theme) touches nothing.
    let publish = match crate::output::Publish::prepare(&opts.output, &content.dir) {
        Ok(p) => p,
        Err(e) => return Err((e.into(), report)),
    };
    // What the previous build made, when this program made it.
    let previous = cache::Manifest::read(publish.target());
    let writer = Writer::new(publish.fresh().to_owned())
        .with_previous(previous.as_ref().map(|_| publish.target().to_owned()));
    let mut rendered_communities = 0;
    // A panic in rendering (a bug) must not leave the half-written folder behind.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let r = Renderer::new(
            content,
            &report,
            &theme,
            opts.base_url.as_deref(),
            opts.previews,
        )
        .with_pdf(opts.pdf);
        render_all(&r, &theme, opts, previous.as_ref(), &writer).map(|(pages, n)| {
            rendered_communities = n;
            pages
        })
    }))
    .unwrap_or_else(|_| {
        Err(BuildError::other(
            "生成网站时程序出错（这是 qingpai 的缺陷，请报告）",
            "qingpai failed while rendering (a bug: please report it)",
        ))
    });
    // On an error `publish` is dropped, which removes the fresh folder.
    let pages = match result {
        Ok(pages) => pages,
        Err(e) => return Err((e, report)),
    };
    if let Err(e) = publish.commit() {
        return Err((e.into(), report));
    }
    Ok(Built {
        report,
        pages,
        files: writer.files.load(Ordering::Relaxed),
        bytes: writer.bytes.load(Ordering::Relaxed),
        seconds: start.elapsed().as_secs_f64(),
        reused: writer.reused.load(Ordering::Relaxed),
        rendered_communities,
    })
}

/// Render everything, taking over what is unchanged. Returns the number of
/// pages and of communities rendered.
fn render_all(
    r: &Renderer,
    theme: &theme::Theme,
    opts: &Options,
    previous: Option<&cache::Manifest>,
    w: &Writer,
) -> Result<(usize, usize), BuildError> {
    let content = r.content;
    let options = format!(
        "base_url={:?} previews={} pdf={}",
        r.base_url, opts.previews, opts.pdf
    );
    let base = cache::base_key(content, theme, &options, r.built_on());
    let done: Vec<(pages::Summary, Option<cache::Made>, bool)> = content
        .communities
        .par_iter()
        .map(|c| {
            let key = cache::community_key(&base, content, c, r.findings(c));
            if let Some(old) = previous.and_then(|p| p.communities.get(&c.id))
                && old.key == key
            {
                let mut taken = Vec::new();
                if old.files.iter().all(|f| {
                    let ok = w.reuse(f);
                    if ok {
                        taken.push(f.as_str());
                    }
                    ok
                }) {
                    return Ok((r.summary(c), Some(old.clone()), false));
                }
                for f in taken {
                    w.forget(f);
                }
            }
            r.community(c, w).map(|s| {
                (
                    s,
                    Some(cache::Made {
                        key,
                        files: Vec::new(),
                    }),
                    true,
                )
            })
        })
        .collect::<Result<_, BuildError>>()?;
    let rendered = done.iter().filter(|d| d.2).count();
    let summaries: Vec<pages::Summary> = done.iter().map(|d| d.0.clone()).collect();
    let towns = pages::towns(&summaries);
    // The rest of the site, from the one list `serve` renders from too.
    let count = summaries.len() + r.parts(&summaries, &towns, w)?;

    // The manifest: each community's key and the files it has now.
    let mut files: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let written = w.written();
    for f in &written {
        if let Some(rest) = f.strip_prefix("communities/")
            && let Some((id, _)) = rest.split_once('/')
        {
            files.entry(id).or_default().push(f.clone());
        }
    }
    let mut manifest = cache::Manifest {
        program: cache::program(),
        communities: Default::default(),
    };
    for (c, (_, made, _)) in content.communities.iter().zip(done) {
        if let Some(mut made) = made {
            made.files = files.remove(c.id.as_str()).unwrap_or_default();
            made.files.sort();
            manifest.communities.insert(c.id.clone(), made);
        }
    }
    w.write(cache::MANIFEST, &manifest.to_json())?;
    Ok((count, rendered))
}
