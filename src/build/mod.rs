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
    /// Nothing had changed since the last build: the output was left as it
    /// was, not a file touched.
    pub up_to_date: bool,
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

/// Whether `QINGPAI_TIMINGS=1` asks for the time of each phase and part.
pub fn timings() -> bool {
    std::env::var_os("QINGPAI_TIMINGS").is_some()
}

/// With `QINGPAI_TIMINGS=1`, each phase of a build prints its time on stderr
/// (for the benchmark and for finding where a slow build goes).
pub fn phase(what: &str) {
    use std::sync::Mutex;
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    if !timings() {
        return;
    }
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    if let Some(t) = *last {
        eprintln!("{what}: {:.0} ms", (now - t).as_secs_f64() * 1000.0);
    }
    *last = Some(now);
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

    let r = Renderer::new(
        content,
        &report,
        &theme,
        opts.base_url.as_deref(),
        opts.previews,
    )
    .with_pdf(opts.pdf);
    let keys = Keys::of(&r, &theme, opts);
    phase("keys");

    // Another build publishing into the same output finishes first; this
    // one then sees what it left (often: nothing to do). Taken once the
    // output is known to be a place a build may publish to.
    if let Err(e) = crate::output::existing(&opts.output, &content.dir) {
        return Err((e.into(), report));
    }
    let shown = opts.output.display();
    let _turn = crate::output::take_turn(&opts.output, |event| match event {
        crate::output::TurnEvent::Waiting => eprintln!(
            "另一个 qingpai build 正在向 {shown} 发布网站，等它完成后再继续… (another qingpai build is publishing to {shown}; waiting for it)"
        ),
        crate::output::TurnEvent::Unlocked(e) => eprintln!(
            "warning: 无法为 {shown} 加锁（{e}）：请不要同时运行两个向它发布的 qingpai build (cannot lock {shown}: {e}; do not run two builds into it at the same time)"
        ),
    });

    // Nothing changed since the last build, and its output is still as it
    // left it: nothing to render, link or publish.
    let existing = match crate::output::existing(&opts.output, &content.dir) {
        Ok(t) => t,
        Err(e) => return Err((e.into(), report)),
    };
    let last = existing.as_ref().and_then(|t| cache::Manifest::read(t));
    phase("read the manifest");
    if let Some(target) = existing
        && let Some(m) = last
        && m.site == keys.site
        && m.intact(&target)
    {
        crate::output::clean_leftovers(&target);
        return Ok(Built {
            pages: m.pages,
            files: m.files.len() + 1,
            bytes: m.files.values().map(|s| s.len).sum(),
            seconds: start.elapsed().as_secs_f64(),
            reused: m.files.len() + 1,
            rendered_communities: 0,
            up_to_date: true,
            report,
        });
    }

    // The statistics do not depend on what is kept from earlier builds: they
    // are made on their own thread while the folder is prepared and the
    // communities rendered (the workbook is the slowest part of an
    // incremental build).
    let made = std::thread::scope(|scope| {
        let stats = scope.spawn(|| {
            let t = Instant::now();
            // Caught here: a scoped thread's panic not joined (the build
            // stopped before it needed the statistics) would panic the scope.
            let files = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.stats_files()));
            if timings() {
                eprintln!(
                    "  stats, on their own thread: {:.0} ms",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
            files
        });
        let stats = move || {
            stats.join().ok().and_then(Result::ok).unwrap_or_else(|| {
                Err(BuildError::other(
                    "生成统计表时程序出错（这是 qingpai 的缺陷，请报告）",
                    "qingpai failed while making the statistics (a bug: please report it)",
                ))
            })
        };
        publish_all(&r, &keys, opts, stats)
    });
    let (pages, written, rendered_communities) = match made {
        Ok(m) => m,
        Err(e) => return Err((e, report)),
    };
    phase("publish");
    Ok(Built {
        report,
        pages,
        files: written.files.load(Ordering::Relaxed),
        bytes: written.bytes.load(Ordering::Relaxed),
        seconds: start.elapsed().as_secs_f64(),
        reused: written.reused.load(Ordering::Relaxed),
        rendered_communities,
        up_to_date: false,
    })
}

/// Prepare the fresh folder (on the spare when there is one), render into
/// it what is not kept, and publish it. Returns the number of pages, the
/// writer (its counts) and the number of communities rendered.
fn publish_all(
    r: &Renderer,
    keys: &Keys,
    opts: &Options,
    stats: impl FnOnce() -> Result<crate::site::StatsFiles, BuildError>,
) -> Result<(usize, Writer, usize), BuildError> {
    // The output is checked and a fresh folder made only now: a build that
    // stops earlier (input errors, a bad theme) touches nothing.
    let mut publish = crate::output::Publish::prepare(&opts.output, &r.content.dir)?;
    // What the previous build made, when this program made it.
    let previous = cache::Manifest::read(publish.target());
    // The spare (the site one build older), when it is still as it was left.
    let spare = publish
        .recycled()
        .then(|| cache::Manifest::read(publish.fresh()))
        .flatten()
        .filter(|m| m.intact(publish.fresh()));
    if spare.is_none() {
        publish.discard_recycled()?;
    }
    let writer = Writer::new(publish.fresh().to_owned())
        .with_previous(previous.as_ref().map(|_| publish.target().to_owned()))
        .recycled(spare.is_some());
    phase("prepare the folder");
    let mut rendered_communities = 0;
    // A panic in rendering (a bug) must not leave the half-written folder behind.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        render_all(r, keys, previous.as_ref(), spare.as_ref(), stats, &writer).map(|(pages, n)| {
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
    let pages = result?;
    publish.commit()?;
    Ok((pages, writer, rendered_communities))
}

/// What the build's artefacts are made from: every community's key (in
/// content order) and the key of the whole output.
struct Keys {
    communities: Vec<String>,
    site: String,
}

impl Keys {
    fn of(r: &Renderer, theme: &theme::Theme, opts: &Options) -> Keys {
        let content = r.content;
        let options = format!(
            "base_url={:?} previews={} pdf={}",
            r.base_url, opts.previews, opts.pdf
        );
        let base = cache::base_key(content, theme, &options, r.built_on());
        let communities: Vec<String> = content
            .communities
            .par_iter()
            .map(|c| cache::community_key(&base, content, c, r.findings(c)))
            .collect();
        let of_communities: std::collections::HashSet<&str> = content
            .communities
            .iter()
            .map(|c| c.file.as_str())
            .collect();
        let site = cache::site_key(
            &base,
            content
                .communities
                .iter()
                .zip(&communities)
                .map(|(c, k)| (c.id.as_str(), k.as_str())),
            r.report
                .findings
                .iter()
                .filter(|f| !of_communities.contains(f.file.as_str())),
        );
        Keys { communities, site }
    }
}

/// Render everything, taking over what is unchanged. Returns the number of
/// pages and of communities rendered.
fn render_all(
    r: &Renderer,
    keys: &Keys,
    previous: Option<&cache::Manifest>,
    spare: Option<&cache::Manifest>,
    stats: impl FnOnce() -> Result<crate::site::StatsFiles, BuildError>,
    w: &Writer,
) -> Result<(usize, usize), BuildError> {
    let content = r.content;
    let done: Vec<(pages::Summary, bool)> = content
        .communities
        .par_iter()
        .zip(&keys.communities)
        .map(|(c, key)| {
            // Already in the recycled folder, or in the live site: taken
            // over; otherwise rendered.
            if let Some(s) = spare
                && let Some(old) = s.communities.get(&c.id)
                && old.key == *key
                && w.keep_all(&old.files, &s.files)
            {
                return Ok((r.summary(c), false));
            }
            if let Some(p) = previous
                && let Some(old) = p.communities.get(&c.id)
                && old.key == *key
                && w.reuse_all(&old.files, &p.files)
            {
                return Ok((r.summary(c), false));
            }
            r.community(c, w).map(|s| (s, true))
        })
        .collect::<Result<_, BuildError>>()?;
    phase("communities");
    let rendered = done.iter().filter(|d| d.1).count();
    let summaries: Vec<pages::Summary> = done.into_iter().map(|d| d.0).collect();
    let towns = pages::towns(&summaries);
    // The rest of the site, from the one list `serve` renders from too.
    let stats = stats()?;
    phase("waiting for the statistics");
    let count = summaries.len() + r.parts(&summaries, &towns, Some(&stats), w)?;
    phase("aggregates: pages, indexes, stats");
    if let Some(s) = spare {
        w.remove_stale(s.files.keys());
    }

    // The manifest: each community's key and files, every file's stamp.
    let written = w.written();
    let mut by_community: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (f, _) in &written {
        if let Some(rest) = f.strip_prefix("communities/")
            && let Some((id, _)) = rest.split_once('/')
        {
            by_community.entry(id).or_default().push(f.clone());
        }
    }
    let mut manifest = cache::Manifest {
        program: cache::program(),
        site: keys.site.clone(),
        pages: count,
        files: written.iter().cloned().collect(),
        communities: Default::default(),
    };
    for (c, key) in content.communities.iter().zip(&keys.communities) {
        let mut files = by_community.remove(c.id.as_str()).unwrap_or_default();
        files.sort();
        manifest.communities.insert(
            c.id.clone(),
            cache::Made {
                key: key.clone(),
                files,
            },
        );
    }
    w.write(cache::MANIFEST, &manifest.to_json())?;
    phase("manifest");
    Ok((count, rendered))
}
