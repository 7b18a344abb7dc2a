//! What `serve` renders from and what it keeps: each part of the site
//! ([`Part`], the list `build` renders too) is rendered when first asked for,
//! by a request or by the warm-up (`warm.rs`), and kept until a change makes
//! it stale.
//!
//! - A community's files are rendered from the load as it now stands
//!   ([`Source`]), broken or not, taking out only that community: the load
//!   is never held while rendering, so an edit changes it in place and never
//!   waits for a render or copies the county. At most
//!   [`RENDERED_COMMUNITIES`] communities are kept, least recently used
//!   dropped first.
//! - The lists (overview, town pages, sitemap, search index) are rendered
//!   from the last good load's [`Listing`]: each community's summary and
//!   search text, not the communities themselves. An edit updates one entry.
//! - A broken edit invalidates nothing: what was rendered stays and is served
//!   with the error overlay. What is rendered from a broken load is marked so,
//!   and dropped when the input is good again.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::check::Report;
use crate::diag::Summary as Counts;
use crate::load::Content;
use crate::model::Community;
use crate::site::pages::{Summary, TownView};
use crate::site::{BuildError, Part, Renderer, Writer, pages, search};
use crate::theme::Theme;

use super::respond::lock;

/// How many communities' rendered files `serve` keeps (each ~0.4 MB with PDFs).
pub(super) const RENDERED_COMMUNITIES: usize = 200;

/// The load as it now stands, good or broken.
pub(super) struct Source {
    pub content: Arc<Content>,
    pub report: Arc<Report>,
    pub theme: Arc<Theme>,
    pub previews: bool,
    pub pdf: bool,
    /// No input errors, a site.yaml and its own theme: what is rendered
    /// from it outlives a later broken edit.
    pub good: bool,
}

/// What requests and the warm-up render from; `source` is `None` while an
/// edit is applied (requests wait the few milliseconds that takes).
pub(super) struct Published {
    pub source: Source,
    /// The last good load's lists; `None` until a load was good.
    pub listing: Option<Arc<Listing>>,
}

/// The content with nothing but `c`, and the report with nothing but its
/// findings: what rendering one community needs, taken out of the load in
/// microseconds so that the load is never held while rendering.
pub(super) fn one(content: &Content, report: &Report, c: &Community) -> (Content, Report) {
    let mut alone = frame(content);
    alone.communities.push(c.clone());
    let findings = report
        .findings
        .iter()
        .filter(|f| f.file == c.file)
        .cloned()
        .collect();
    (
        alone,
        Report {
            summary: report.summary,
            findings,
        },
    )
}

/// The content without its communities: site.yaml and the standard, all
/// that the fixed pages and the lists need besides the summaries.
pub(super) fn frame(content: &Content) -> Content {
    Content {
        dir: content.dir.clone(),
        site: content.site.clone(),
        standard: content.standard.clone(),
        communities: Vec::new(),
        findings: Vec::new(),
        sources: HashMap::new(),
    }
}

/// One community as the lists show it.
pub(super) struct Entry {
    pub file: String,
    pub summary: Summary,
    /// What the search index holds for it ([`search::haystack`]).
    pub haystack: String,
}

/// What the overview, town pages, sitemap and search index are rendered
/// from: the last good load without its communities, and one entry per
/// community in the content's order. Entries are shared, so an edit copies
/// the list of pointers, never the summaries.
pub(super) struct Listing {
    pub frame: Arc<Content>,
    pub counts: Counts,
    pub theme: Arc<Theme>,
    pub previews: bool,
    /// Sorted by file, as the content's communities are.
    pub entries: Vec<Arc<Entry>>,
    /// The lists as the renderer takes them, made when first needed.
    lists: Mutex<Option<Arc<Lists>>>,
}

impl Clone for Listing {
    fn clone(&self) -> Self {
        Listing {
            frame: self.frame.clone(),
            counts: self.counts,
            theme: self.theme.clone(),
            previews: self.previews,
            entries: self.entries.clone(),
            lists: Mutex::new(None),
        }
    }
}

pub(super) struct Lists {
    pub summaries: Vec<Summary>,
    pub haystacks: Vec<String>,
    pub towns: Vec<TownView>,
}

/// What a good edit made stale besides the edited communities' own files.
#[derive(Default)]
pub(super) struct Touched {
    /// Community ids, before and after the edit.
    pub ids: HashSet<String>,
    /// Town slugs, before and after the edit.
    pub towns: HashSet<String>,
}

impl Listing {
    /// Every community of a good load (in parallel: plans are made here).
    pub fn of(content: &Content, report: &Report, theme: &Arc<Theme>, previews: bool) -> Listing {
        use rayon::prelude::*;
        let r = Renderer::new(content, report, theme, Some("/"), previews);
        let entries = content
            .communities
            .par_iter()
            .map(|c| {
                Arc::new(Entry {
                    file: c.file.clone(),
                    summary: r.summary(c),
                    haystack: search::haystack(c),
                })
            })
            .collect();
        Listing {
            frame: Arc::new(frame(content)),
            counts: report.summary,
            theme: theme.clone(),
            previews,
            entries,
            lists: Mutex::new(None),
        }
    }

    /// Bring the entries of the community files `files` up to date with a
    /// good load; say whose pages that makes stale.
    pub fn update<'a>(
        &mut self,
        content: &Content,
        report: &Report,
        files: impl IntoIterator<Item = &'a String>,
    ) -> Touched {
        let mut touched = Touched::default();
        // Freeing a county's lists takes milliseconds: not on the way to the
        // reload.
        if let Some(stale) = lock(&self.lists).take() {
            let _ = std::thread::Builder::new()
                .name("qingpai-free".into())
                .spawn(move || drop(stale));
        }
        self.counts = report.summary;
        for rel in files {
            let at = self
                .entries
                .binary_search_by(|e| e.file.as_str().cmp(rel.as_str()));
            if let Ok(i) = at {
                touched.ids.insert(self.entries[i].summary.id.clone());
                touched
                    .towns
                    .insert(self.entries[i].summary.town_slug.clone());
            }
            let now = content.communities.iter().find(|c| c.file == *rel);
            match (at, now) {
                (at, Some(c)) => {
                    let (alone, findings) = one(content, report, c);
                    let r = Renderer::new(&alone, &findings, &self.theme, Some("/"), self.previews);
                    let entry = Arc::new(Entry {
                        file: rel.clone(),
                        summary: r.summary(c),
                        haystack: search::haystack(c),
                    });
                    touched.ids.insert(entry.summary.id.clone());
                    touched.towns.insert(entry.summary.town_slug.clone());
                    match at {
                        Ok(i) => self.entries[i] = entry,
                        Err(i) => self.entries.insert(i, entry),
                    }
                }
                (Ok(i), None) => {
                    self.entries.remove(i);
                }
                (Err(_), None) => {}
            }
        }
        touched
    }

    /// The summaries, search texts and towns, made on first use (by the
    /// warm-up, usually). Not under a lock while made: a request never
    /// waits for the warm-up making them; at worst both do.
    pub fn lists(&self) -> Arc<Lists> {
        if let Some(l) = lock(&self.lists).as_ref() {
            return l.clone();
        }
        let summaries: Vec<Summary> = self.entries.iter().map(|e| e.summary.clone()).collect();
        let haystacks = self.entries.iter().map(|e| e.haystack.clone()).collect();
        let towns = pages::towns(&summaries);
        let made = Arc::new(Lists {
            summaries,
            haystacks,
            towns,
        });
        lock(&self.lists).get_or_insert(made).clone()
    }

    /// The parts the warm-up renders, in the order visitors ask for them:
    /// the theme's files, the overview, the town pages, the indexes and the
    /// fixed pages, then the communities as the overview lists them, up to
    /// what the cache keeps.
    pub fn warm_order(&self) -> Vec<Part> {
        let lists = self.lists();
        let mut parts = vec![Part::Assets, Part::Overview];
        parts.extend(Part::site(&lists.towns).into_iter().filter(|p| {
            !matches!(
                p,
                Part::Assets | Part::Overview | Part::Stats | Part::Community(_)
            )
        }));
        parts.extend(
            lists
                .towns
                .iter()
                .flat_map(|t| &t.communities)
                .take(RENDERED_COMMUNITIES)
                .map(|s| Part::Community(s.id.clone())),
        );
        parts
    }
}

/// Files rendered together, and whether from a good load.
struct Rendered {
    files: HashMap<String, Bytes>,
    good: bool,
}

/// What a lookup found.
pub(super) enum Found {
    File(Bytes),
    /// The part is rendered but has no such file (a community without a
    /// drawing has no `gate.svg`).
    NoSuchFile,
    NotRendered,
}

/// The rendered files.
#[derive(Default)]
pub(super) struct Cache {
    /// Bumped by every invalidation: what was rendered from an earlier load
    /// is not kept.
    pub epoch: u64,
    communities: HashMap<String, Rendered>,
    /// Community ids, least recently used first.
    order: VecDeque<String>,
    parts: HashMap<Part, Rendered>,
}

impl Cache {
    pub fn communities(&self) -> usize {
        self.communities.len()
    }

    pub fn has(&self, part: &Part) -> bool {
        match part {
            Part::Community(id) => self.communities.contains_key(id),
            p => self.parts.contains_key(p),
        }
    }

    /// `key` of `part`; a request's hit makes its community the most recent.
    pub fn get(&mut self, part: &Part, key: &str) -> Found {
        let rendered = match part {
            Part::Community(id) => {
                let Some(r) = self.communities.get(id) else {
                    return Found::NotRendered;
                };
                if let Some(at) = self.order.iter().position(|x| x == id)
                    && let Some(id) = self.order.remove(at)
                {
                    self.order.push_back(id);
                }
                r
            }
            p => match self.parts.get(p) {
                Some(r) => r,
                None => return Found::NotRendered,
            },
        };
        rendered
            .files
            .get(key)
            .map_or(Found::NoSuchFile, |b| Found::File(b.clone()))
    }

    /// Keep what was rendered from the load of `epoch`, unless something was
    /// invalidated since. A community from the warm-up is kept only while
    /// there is room: the warm-up never pushes out what a visitor opened.
    fn put(&mut self, part: Part, rendered: Rendered, epoch: u64, warm: bool) {
        if epoch != self.epoch {
            return;
        }
        match part {
            Part::Community(id) => {
                if warm && self.communities.len() >= RENDERED_COMMUNITIES {
                    return;
                }
                self.order.retain(|x| *x != id);
                self.order.push_back(id.clone());
                self.communities.insert(id, rendered);
                while self.communities.len() > RENDERED_COMMUNITIES {
                    match self.order.pop_front() {
                        Some(old) => {
                            self.communities.remove(&old);
                        }
                        None => break,
                    }
                }
            }
            p => {
                // A town that is not in the site renders nothing: not kept,
                // so made-up addresses take no memory.
                if rendered.files.is_empty() {
                    return;
                }
                self.parts.insert(p, rendered);
            }
        }
    }

    /// Everything is stale (site.yaml, the standard or the theme changed).
    pub fn clear(&mut self) {
        self.epoch += 1;
        self.communities.clear();
        self.order.clear();
        self.parts.clear();
    }

    /// A good edit: drop the edited communities' files, the lists, and what
    /// was rendered while the input was broken.
    pub fn invalidate(&mut self, touched: &Touched) {
        self.epoch += 1;
        self.communities
            .retain(|id, r| r.good && !touched.ids.contains(id));
        let communities = &self.communities;
        self.order.retain(|id| communities.contains_key(id));
        self.parts.retain(|p, r| {
            r.good
                && match p {
                    Part::Town(slug) => !touched.towns.contains(slug),
                    p => !p.lists_communities(),
                }
        });
    }
}

/// Render `part` from what is published now, and keep it when still
/// current. `Ok(None)` when there is nothing to render it from (no good load
/// yet, no site.yaml, no such community or town); an error when rendering
/// failed (a theme's template, a PDF).
pub(super) fn render(
    shared: &super::Shared,
    part: &Part,
    warm: bool,
) -> Result<Option<HashMap<String, Bytes>>, BuildError> {
    let Some((inputs, epoch)) = inputs(shared, part) else {
        return Ok(None);
    };
    let w = Writer::memory();
    let good = match &inputs {
        Inputs::Alone {
            content,
            report,
            theme,
            previews,
            pdf,
            good,
        } => {
            let r = Renderer::new(content, report, theme, Some("/"), *previews).with_pdf(*pdf);
            r.part(part, &[], &[], None, &w)?;
            *good
        }
        Inputs::Listing(l) => {
            let lists = l.lists();
            let report = Report {
                summary: l.counts,
                findings: Vec::new(),
            };
            let r = Renderer::new(&l.frame, &report, &l.theme, Some("/"), l.previews);
            r.part(
                part,
                &lists.summaries,
                &lists.towns,
                Some(&lists.haystacks),
                &w,
            )?;
            true
        }
        Inputs::Whole {
            content,
            report,
            theme,
            previews,
            good,
        } => {
            let r = Renderer::new(content, report, theme, Some("/"), *previews);
            r.part(part, &[], &[], None, &w)?;
            *good
        }
    };
    let files: HashMap<String, Bytes> = w
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, Bytes::from(v)))
        .collect();
    if files.is_empty() {
        return Ok(None);
    }
    let kept = Rendered {
        files: files.clone(),
        good,
    };
    lock(&shared.cache).put(part.clone(), kept, epoch, warm);
    Ok(Some(files))
}

enum Inputs {
    /// One community, or a part made from site.yaml and the theme alone.
    Alone {
        content: Box<Content>,
        report: Report,
        theme: Arc<Theme>,
        previews: bool,
        pdf: bool,
        good: bool,
    },
    Listing(Arc<Listing>),
    /// The survey table reads every community's plan: the load itself is
    /// held while it is made (an edit meanwhile copies the load rather than
    /// wait).
    Whole {
        content: Arc<Content>,
        report: Arc<Report>,
        theme: Arc<Theme>,
        previews: bool,
        good: bool,
    },
}

/// What `part` is rendered from, taken out of what is published, and the
/// cache's epoch at that moment.
fn inputs(shared: &super::Shared, part: &Part) -> Option<(Inputs, u64)> {
    let published = super::published(shared)?;
    let p = published.as_ref()?;
    let s = &p.source;
    let epoch = lock(&shared.cache).epoch;
    let inputs = match part {
        Part::Community(id) => {
            s.content.site.as_ref()?;
            let c = s.content.communities.iter().find(|c| c.id == *id)?;
            let (content, report) = one(&s.content, &s.report, c);
            Inputs::Alone {
                content: Box::new(content),
                report,
                theme: s.theme.clone(),
                previews: s.previews,
                pdf: s.pdf,
                good: s.good,
            }
        }
        Part::Stats => {
            s.content.site.as_ref()?;
            Inputs::Whole {
                content: s.content.clone(),
                report: s.report.clone(),
                theme: s.theme.clone(),
                previews: s.previews,
                good: s.good,
            }
        }
        Part::Fixed | Part::Assets if p.listing.is_none() => {
            // Before any good load: the 404 page and the style sheet from
            // what there is, so the errors are shown on a styled page.
            s.content.site.as_ref()?;
            Inputs::Alone {
                content: Box::new(frame(&s.content)),
                report: Report {
                    summary: s.report.summary,
                    findings: Vec::new(),
                },
                theme: s.theme.clone(),
                previews: s.previews,
                pdf: false,
                good: false,
            }
        }
        _ => Inputs::Listing(p.listing.clone()?),
    };
    Some((inputs, epoch))
}
