//! The website of SPEC §6: pages, drawings and their previews, rendered
//! from the content, its findings and each community's work plan. What is
//! built, from what, and where it goes is the build layer's
//! ([`crate::build`]); this module renders.

pub mod charts;
pub mod pages;
pub mod search;
pub mod standard_page;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::check::Report;
use crate::load::Content;
use crate::model::Channel;
use crate::plan;
use crate::{draw, theme};

pub use crate::build::{BuildError, Built, MARKER, Options, Writer, build};

fn render_error(template: &str, e: &tera::Error) -> BuildError {
    BuildError::other(
        format!("模板 {template} 出错：{e}"),
        format!("the template {template} failed: {e}"),
    )
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    region: &'a str,
    description: Option<&'a str>,
    supervision: &'a [Channel],
    /// The standard's short citation (`依据：……`), for the footer.
    standard_citation: String,
    organizer: Option<&'a str>,
    icp: Option<&'a str>,
    police_record: Option<&'a str>,
    site_code: Option<&'a str>,
    built_on: String,
    base_url: String,
    /// The base URL is a full `https://...` address: canonical links and
    /// `og:image` can be given.
    absolute: bool,
}

/// The path prefix from a page back to the site root: `communities/x/index.html` -> `../../`.
pub fn root_of(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

fn base_context(content: &Content, page: &str, base_url: &str) -> Context {
    let site = content.site.as_ref().expect("a site to build");
    let mut ctx = Context::new();
    ctx.insert(
        "site",
        &SiteView {
            title: &site.title,
            region: &site.region,
            description: site.description.as_deref(),
            supervision: &site.supervision,
            standard_citation: content.standard.citation(),
            organizer: site.organizer.as_deref(),
            icp: site.icp.as_deref(),
            police_record: site.police_record.as_deref(),
            site_code: site.site_code.as_deref(),
            built_on: crate::commands::new::today(Some(site)),
            base_url: base_url.to_owned(),
            absolute: crate::load::site::is_absolute_url(base_url),
        },
    );
    // The 404 page is served for any path, so it links from the site's base URL.
    let root = if page == "404.html" {
        base_url.to_owned()
    } else {
        root_of(page)
    };
    ctx.insert("root", &root);
    ctx.insert("page", page);
    ctx.insert(
        "canonical",
        &format!("{base_url}{}", page.trim_end_matches("index.html")),
    );
    ctx
}

/// Renders the parts of a site; `build` renders them all, `serve` only what
/// an edit touched.
pub struct Renderer<'a> {
    pub content: &'a Content,
    pub report: &'a Report,
    pub theme: &'a theme::Theme,
    pub base_url: String,
    pub previews: bool,
    pub pdf: bool,
    built_on: String,
    by_file: std::collections::HashMap<&'a str, Vec<&'a crate::diag::Finding>>,
    /// Each community's work plan, in the order of `content.communities`:
    /// the one source of every count the pages, sheets and stats show.
    /// Made when first asked for: `serve` renders one community at a time.
    plans: Vec<std::sync::OnceLock<plan::Plan>>,
    plan_index: std::collections::HashMap<&'a str, usize>,
}

impl<'a> Renderer<'a> {
    pub fn new(
        content: &'a Content,
        report: &'a Report,
        theme: &'a theme::Theme,
        base_url: Option<&str>,
        previews: bool,
    ) -> Renderer<'a> {
        let site = content.site.as_ref().expect("a site to build");
        let mut base_url = base_url
            .map(str::to_owned)
            .or_else(|| site.base_url.clone())
            .unwrap_or_else(|| "/".into());
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        // The PNG preview serves only `og:image`, which needs an absolute
        // address: without one it is not made (the overview shows gate.svg).
        let previews = previews && crate::load::site::is_absolute_url(&base_url);
        let by_file = pages::by_file(report);
        Renderer {
            content,
            report,
            theme,
            base_url,
            previews,
            pdf: false,
            built_on: crate::commands::new::today(Some(site)),
            plans: (0..content.communities.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            plan_index: content
                .communities
                .iter()
                .enumerate()
                .map(|(i, c)| (c.file.as_str(), i))
                .collect(),
            by_file,
        }
    }

    /// The build date printed on pages and sheets.
    pub fn built_on(&self) -> &str {
        &self.built_on
    }

    /// A community's findings.
    pub fn findings(&self, c: &crate::model::Community) -> &[&'a crate::diag::Finding] {
        self.by_file.get(c.file.as_str()).map_or(&[], Vec::as_slice)
    }

    /// A community as the overview and its town list it, without rendering
    /// its files (the build took them over from the previous build).
    pub fn summary(&self, c: &crate::model::Community) -> pages::Summary {
        let plan = self.plan(c);
        pages::summary(c, plan, self.previews && plan.gate.is_some())
    }

    /// The plan of a community of this content.
    pub fn plan(&self, c: &crate::model::Community) -> &plan::Plan {
        self.plans[self.plan_index[c.file.as_str()]]
            .get_or_init(|| plan::plan(c, &self.content.standard, self.findings(c)))
    }

    /// The survey table (for the overview's charts and the stats files).
    pub fn table(&self) -> crate::stats::Table {
        let plans: Vec<&plan::Plan> = self
            .content
            .communities
            .par_iter()
            .map(|c| self.plan(c))
            .collect();
        crate::stats::table_of(self.content, &plans)
    }

    /// Also write each community's PDFs.
    pub fn with_pdf(mut self, pdf: bool) -> Self {
        self.pdf = pdf;
        self
    }

    fn render(&self, template: &str, ctx: &Context) -> Result<String, BuildError> {
        self.theme
            .tera
            .render(template, ctx)
            .map_err(|e| render_error(template, &e))
    }

    fn ctx(&self, page: &str) -> Context {
        base_context(self.content, page, &self.base_url)
    }

    /// One community: its drawing, preview and page.
    pub fn community(
        &self,
        c: &crate::model::Community,
        w: &Writer,
    ) -> Result<pages::Summary, BuildError> {
        let findings: &[&crate::diag::Finding] =
            self.by_file.get(c.file.as_str()).map_or(&[], Vec::as_slice);
        let dir = format!("communities/{}", c.id);
        let mut downloads = Vec::new();
        let plan = self.plan(c);
        if c.complete {
            w.write(&format!("{dir}/plan.json"), plan.to_json(c).as_bytes())?;
        }
        let gate_svg = if let Some(gate) = &plan.gate {
            // The one drawing of this community: the page, gate.svg, the
            // preview and the sheet all take it.
            let drawing = draw::gate_drawing(self.theme, gate)
                .map_err(|e| render_error("signs/gate.svg", &e))?;
            let svg = &drawing.svg;
            w.write(&format!("{dir}/gate.svg"), svg.as_bytes())?;
            downloads.push(pages::Download {
                label: "大门立面示意图（SVG，可缩放）".into(),
                href: "gate.svg".into(),
                kind: "svg",
            });
            if self.previews {
                let png = draw::png(svg, 640).map_err(|e| {
                    BuildError::other(
                        format!("{dir}/gate.png 生成失败：{e}"),
                        format!("{dir}/gate.png: {e}"),
                    )
                })?;
                w.write(&format!("{dir}/gate.png"), &png)?;
                downloads.push(pages::Download {
                    label: "大门立面示意图（PNG 图片）".into(),
                    href: "gate.png".into(),
                    kind: "png",
                });
            }
            if self.pdf {
                let input = crate::pdf::Input {
                    c,
                    std: &self.content.standard,
                    plan,
                    gate,
                    drawing: &drawing,
                    theme: self.theme,
                    site: self.content.site.as_ref().expect("a site to build"),
                    built_on: &self.built_on,
                    content_dir: &self.content.dir,
                };
                let files = crate::pdf::community_pdfs(&input).map_err(|e| {
                    BuildError::other(
                        format!("{dir} 的 PDF 生成失败：{e}"),
                        format!("{dir}: PDF: {e}"),
                    )
                })?;
                for (name, bytes) in files {
                    w.write(&format!("{dir}/{name}"), &bytes)?;
                    let label = crate::pdf::FILES
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or(name.as_str(), |(_, l)| l);
                    downloads.push(pages::Download {
                        label: format!("{label}（PDF）"),
                        href: name.clone(),
                        kind: "pdf",
                    });
                }
            }
            if c.complete {
                downloads.push(pages::Download {
                    label: "整改计划（JSON 开放数据）".into(),
                    href: "plan.json".into(),
                    kind: "json",
                });
            }
            drawing.svg
        } else {
            String::new()
        };
        let has_preview = self.previews && plan.gate.is_some();
        let page = pages::community_page(
            c,
            &self.content.standard,
            findings,
            plan,
            gate_svg,
            downloads,
            has_preview,
        );
        let path = format!("{dir}/index.html");
        let mut ctx = self.ctx(&path);
        ctx.insert("p", &page);
        w.write(&path, self.render("community.html", &ctx)?.as_bytes())?;
        Ok(page.c)
    }

    /// Every community, in parallel; summaries in the order of `content.communities`.
    pub fn communities(&self, w: &Writer) -> Result<Vec<pages::Summary>, BuildError> {
        self.content
            .communities
            .par_iter()
            .map(|c| self.community(c, w))
            .collect()
    }

    /// The town pages; only those named in `only`, when given.
    pub fn towns(
        &self,
        towns: &[pages::TownView],
        only: Option<&[String]>,
        w: &Writer,
    ) -> Result<usize, BuildError> {
        let mut n = 0;
        for t in towns
            .iter()
            .filter(|t| only.is_none_or(|o| o.contains(&t.name)))
        {
            let mut ctx = self.ctx(&t.path);
            ctx.insert("town", t);
            w.write(&t.path, self.render("town.html", &ctx)?.as_bytes())?;
            n += 1;
        }
        Ok(n)
    }

    /// The overview, with its charts.
    pub fn index(
        &self,
        summaries: &[pages::Summary],
        towns: &[pages::TownView],
        w: &Writer,
    ) -> Result<(), BuildError> {
        let totals = Totals {
            communities: summaries.len(),
            compliant: summaries.iter().filter(|s| s.compliant).count(),
            noncompliant: summaries
                .iter()
                .filter(|s| s.status == plan::Status::Noncompliant)
                .count(),
            invalid: summaries
                .iter()
                .filter(|s| s.status == plan::Status::Invalid)
                .count(),
            errors: self.report.summary.errors,
            warnings: self.report.summary.warnings,
        };
        let mut ctx = self.ctx("index.html");
        ctx.insert("towns", towns);
        ctx.insert("totals", &totals);
        let county = pages::county_totals(summaries);
        ctx.insert("work", &county.rows());
        ctx.insert(
            "charts",
            &[
                charts::compliance_by_town(towns),
                charts::work_by_kind(&county),
            ],
        );
        w.write("index.html", self.render("index.html", &ctx)?.as_bytes())
    }

    /// The survey table files.
    pub fn stats(&self, w: &Writer) -> Result<(), BuildError> {
        for (path, bytes) in self.stats_files()? {
            w.write(path, &bytes)?;
        }
        Ok(())
    }

    /// `stats.csv` and `stats.xlsx`, made without writing them: a build
    /// starts them first, on their own thread, as the workbook is the
    /// slowest part of an incremental build.
    pub fn stats_files(&self) -> Result<StatsFiles, BuildError> {
        let table = self.table();
        let meta = crate::stats::Meta {
            date: self.built_on.clone(),
            ..crate::stats::Meta::of(self.content)
        };
        let xlsx = crate::stats::xlsx(&table, &meta).map_err(|e| {
            BuildError::other(
                format!("stats.xlsx 生成失败：{e}"),
                format!("stats.xlsx: {e}"),
            )
        })?;
        Ok(vec![
            ("stats.csv", crate::stats::csv(&table)),
            ("stats.xlsx", xlsx),
        ])
    }

    /// The standard, supervision and 404 pages.
    pub fn fixed_pages(&self, w: &Writer) -> Result<usize, BuildError> {
        let mut ctx = self.ctx("standard/index.html");
        ctx.insert("s", &standard_page::standard_view(&self.content.standard));
        w.write(
            "standard/index.html",
            self.render("standard.html", &ctx)?.as_bytes(),
        )?;
        let ctx = self.ctx("supervision/index.html");
        w.write(
            "supervision/index.html",
            self.render("supervision.html", &ctx)?.as_bytes(),
        )?;
        let ctx = self.ctx("404.html");
        w.write("404.html", self.render("404.html", &ctx)?.as_bytes())?;
        Ok(3)
    }

    /// The sitemap, robots.txt and the search index.
    pub fn indexes(
        &self,
        summaries: &[pages::Summary],
        towns: &[pages::TownView],
        w: &Writer,
    ) -> Result<(), BuildError> {
        self.indexes_with(summaries, towns, None, w)
    }

    /// [`Renderer::indexes`]; `search`: each summary's search text
    /// ([`search::haystack`]), when this renderer's content does not hold
    /// the communities.
    fn indexes_with(
        &self,
        summaries: &[pages::Summary],
        towns: &[pages::TownView],
        search: Option<&[String]>,
        w: &Writer,
    ) -> Result<(), BuildError> {
        let mut urls = vec![String::new(), "standard/".into(), "supervision/".into()];
        urls.extend(
            towns
                .iter()
                .map(|t| pages::encode_path(&format!("towns/{}/", t.slug))),
        );
        urls.extend(summaries.iter().map(|s| format!("communities/{}/", s.id)));
        let mut ctx = Context::new();
        ctx.insert("base_url", &self.base_url);
        // A sitemap's address must be absolute; robots.txt names it only then.
        ctx.insert(
            "absolute",
            &crate::load::site::is_absolute_url(&self.base_url),
        );
        ctx.insert("urls", &urls);
        w.write("sitemap.xml", self.render("sitemap.xml", &ctx)?.as_bytes())?;
        w.write("robots.txt", self.render("robots.txt", &ctx)?.as_bytes())?;
        let index = match search {
            Some(haystacks) => search::index_of(summaries, haystacks),
            None => search::index(self.content, summaries),
        };
        w.write(SEARCH_INDEX, index.as_bytes())
    }

    /// The theme's static files and the output marker.
    pub fn assets(&self, w: &Writer) -> Result<(), BuildError> {
        for (name, bytes) in &self.theme.statics {
            w.write(&format!("assets/{name}"), bytes)?;
        }
        w.write(
            MARKER,
            b"qingpai build output; this folder is replaced on every build\n",
        )
    }

    /// Everything. Returns the number of pages.
    pub fn all(&self, w: &Writer) -> Result<usize, BuildError> {
        let summaries = self.communities(w)?;
        let towns = pages::towns(&summaries);
        Ok(summaries.len() + self.parts(&summaries, &towns, None, w)?)
    }

    /// Every part but the communities' own ([`Part::site`]). Returns the
    /// number of pages. `stats`: the statistics files when they were made
    /// already ([`Renderer::stats_files`]).
    pub fn parts(
        &self,
        summaries: &[pages::Summary],
        towns: &[pages::TownView],
        stats: Option<&StatsFiles>,
        w: &Writer,
    ) -> Result<usize, BuildError> {
        // In parallel: the statistics (the workbook is the slowest part of
        // a province's incremental build) beside the pages.
        Part::site(towns)
            .par_iter()
            .map(|part| {
                let t = std::time::Instant::now();
                let r = match (part, stats) {
                    (Part::Stats, Some(files)) => files
                        .iter()
                        .try_for_each(|(path, bytes)| w.write(path, bytes))
                        .map(|()| 0),
                    _ => self.part(part, summaries, towns, None, w),
                };
                if crate::build::timings() {
                    eprintln!("  {part:?}: {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
                }
                r
            })
            .sum()
    }

    /// One part of the site. `summaries` and `towns` are every community's
    /// (what the overview, town pages and indexes list); `search` is each
    /// summary's search text when this renderer's content does not hold the
    /// communities (`serve` renders the lists without them). Returns the
    /// number of pages written: none for a community or town not in the site.
    pub fn part(
        &self,
        part: &Part,
        summaries: &[pages::Summary],
        towns: &[pages::TownView],
        search: Option<&[String]>,
        w: &Writer,
    ) -> Result<usize, BuildError> {
        match part {
            Part::Community(id) => match self.content.communities.iter().find(|c| c.id == *id) {
                Some(c) => self.community(c, w).map(|_| 1),
                None => Ok(0),
            },
            Part::Overview => self.index(summaries, towns, w).map(|()| 1),
            Part::Town(slug) => match towns.iter().find(|t| t.slug == *slug) {
                Some(t) => self.towns(std::slice::from_ref(t), None, w),
                None => Ok(0),
            },
            Part::Fixed => self.fixed_pages(w),
            Part::Stats => self.stats(w).map(|()| 0),
            Part::Indexes => self.indexes_with(summaries, towns, search, w).map(|()| 0),
            Part::Assets => self.assets(w).map(|()| 0),
        }
    }
}

/// The statistics files: path in the site and bytes.
pub type StatsFiles = Vec<(&'static str, Vec<u8>)>;

/// Where the search index is written.
pub const SEARCH_INDEX: &str = "assets/search-index.js";

/// One group of the site's files, rendered together: the one list of what a
/// site is made of. `build` renders every part ([`Renderer::parts`] after
/// [`Renderer::community`] for each community); `serve` renders the part a
/// request needs ([`Part::of`]) when it is first asked for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Everything under `communities/ID/`: page, plan, drawing, PDFs.
    Community(String),
    /// `index.html`.
    Overview,
    /// `towns/SLUG/index.html`.
    Town(String),
    /// The standard, supervision and 404 pages.
    Fixed,
    /// `stats.csv` and `stats.xlsx`.
    Stats,
    /// `sitemap.xml`, `robots.txt` and the search index.
    Indexes,
    /// The theme's static files and the output marker.
    Assets,
}

impl Part {
    /// The part that would make the file `path` (relative to the site
    /// root); whether it does is for rendering it to say.
    pub fn of(path: &str) -> Option<Part> {
        match path {
            "index.html" => return Some(Part::Overview),
            "stats.csv" | "stats.xlsx" => return Some(Part::Stats),
            "standard/index.html" | "supervision/index.html" | "404.html" => {
                return Some(Part::Fixed);
            }
            "sitemap.xml" | "robots.txt" | SEARCH_INDEX => return Some(Part::Indexes),
            MARKER => return Some(Part::Assets),
            _ => {}
        }
        if let Some(rest) = path.strip_prefix("communities/") {
            let (id, file) = rest.split_once('/')?;
            return (!id.is_empty() && !file.is_empty()).then(|| Part::Community(id.to_owned()));
        }
        if let Some(rest) = path.strip_prefix("towns/") {
            let slug = rest.strip_suffix("/index.html")?;
            return (!slug.is_empty() && !slug.contains('/')).then(|| Part::Town(slug.to_owned()));
        }
        path.starts_with("assets/").then_some(Part::Assets)
    }

    /// Every part but the communities', in the order `build` renders them.
    pub fn site(towns: &[pages::TownView]) -> Vec<Part> {
        let mut parts: Vec<Part> = towns.iter().map(|t| Part::Town(t.slug.clone())).collect();
        parts.extend([
            Part::Overview,
            Part::Stats,
            Part::Fixed,
            Part::Indexes,
            Part::Assets,
        ]);
        parts
    }

    /// Made from every community's summary: to be made again whenever a
    /// community changes (a town's page only when one of its own does).
    pub fn lists_communities(&self) -> bool {
        matches!(
            self,
            Part::Overview | Part::Town(_) | Part::Stats | Part::Indexes
        )
    }
}

#[derive(Serialize)]
struct Totals {
    communities: usize,
    compliant: usize,
    noncompliant: usize,
    invalid: usize,
    errors: usize,
    warnings: usize,
}
