//! `qingpai serve`: build into memory, serve it on loopback, rebuild on every
//! change under content/ and the theme, and reload open pages.
//!
//! An edit to one community file reloads that file only, re-runs the rules,
//! and re-renders that community's page and drawing, its town pages, the
//! overview and the search index — not the county. A change to site.yaml,
//! standard.yaml or the theme rebuilds everything. When the input is broken the
//! last good site stays up and every page shows the errors in an overlay.

pub mod http;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::check::{self, Report};
use crate::diag::{Lang, Rule};
use crate::load::{self, Content};
use crate::site::{BuildError, Renderer, Writer, pages, theme};

pub struct Options {
    pub interface: String,
    pub port: u16,
    /// Poll the files instead of using native events (network shares).
    pub poll: bool,
    pub previews: bool,
    pub pdf: bool,
    pub lang: Lang,
}

/// What the HTTP side reads; the rebuild side writes.
struct Shared {
    files: RwLock<HashMap<String, Arc<Vec<u8>>>>,
    /// The overlay to show on every page while the input is broken.
    overlay: RwLock<Option<String>>,
    /// How many builds (good or failed) have finished.
    generation: AtomicU64,
    clients: Mutex<Vec<Sender<()>>>,
    /// Open connections, so a flood of slow clients cannot exhaust the threads.
    connections: std::sync::atomic::AtomicUsize,
    /// The survey table is built when first asked for, not on every edit.
    stats: Mutex<Option<StatsSource>>,
}

struct StatsSource {
    content: Arc<Content>,
    report: Arc<Report>,
    theme: Arc<theme::Theme>,
}

/// The site as last loaded and checked.
struct State {
    dir: PathBuf,
    site_root: PathBuf,
    content: Arc<Content>,
    report: Arc<Report>,
    theme: Arc<theme::Theme>,
    /// The site's own theme could not be loaded (the default stands in).
    theme_error: Option<theme::ThemeError>,
    /// By community file.
    summaries: HashMap<String, pages::Summary>,
    /// Community files changed since the last good render.
    dirty: HashSet<String>,
    /// The last render failed or was not done: the next good one renders all.
    needs_full: bool,
    previews: bool,
    pdf: bool,
}

/// A message for the terminal, in the chosen language.
fn say(lang: Lang, zh: &str, en: &str) {
    println!("{}", if lang == Lang::Zh { zh } else { en });
}

pub fn run(content_dir: &Path, opts: &Options) -> u8 {
    let lang = opts.lang;
    let addr = match (opts.interface.as_str(), opts.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
    {
        Some(a) => a,
        None => {
            eprintln!(
                "error: 无法识别的地址 {}（--interface 写 IP 地址，如 127.0.0.1）",
                opts.interface
            );
            return 2;
        }
    };
    let listener = match TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "error: 端口 {} 已被占用，可能已经有一个 qingpai serve 在运行。\n  = 建议: 关掉它，或换一个端口：qingpai serve --port {}",
                opts.port,
                opts.port.wrapping_add(1).max(1024)
            );
            return 2;
        }
        Err(e) => {
            eprintln!("error: 无法在 {addr} 上监听：{e}");
            return 2;
        }
    };
    let local = listener.local_addr().map_or(addr, |a| a);
    if !local.ip().is_loopback() {
        say(
            lang,
            "注意：预览服务对其他电脑开放（--interface 不是本机地址）。",
            "note: the preview is reachable from other machines (--interface is not loopback).",
        );
    }

    let dir = content_dir
        .canonicalize()
        .unwrap_or_else(|_| content_dir.to_owned());
    let site_root = dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    let shared = Arc::new(Shared {
        files: RwLock::new(HashMap::new()),
        overlay: RwLock::new(None),
        generation: AtomicU64::new(0),
        clients: Mutex::new(Vec::new()),
        connections: std::sync::atomic::AtomicUsize::new(0),
        stats: Mutex::new(None),
    });

    // Ctrl-C is handled from the start, so a stop during the first build is clean too.
    let (tx, rx) = mpsc::channel::<Event>();
    {
        let tx = tx.clone();
        let _ = ctrlc::set_handler(move || {
            let _ = tx.send(Event::Stop);
        });
    }
    let start = Instant::now();
    let mut state = State::load(&dir, &site_root, opts.previews, opts.pdf);
    state.render(&shared, lang, None);
    // Watch before announcing the address: an edit made as soon as the page is
    // open must not fall between the two.
    let watch_dirs: Vec<PathBuf> = std::iter::once(dir.clone())
        .chain(state.theme.dir.clone())
        .collect();
    let _watcher = match watch(&watch_dirs, opts.poll, tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: 无法监视文件变化：{e}\n  = 建议: 在网络共享文件夹上请加 --poll");
            return 2;
        }
    };
    say(
        lang,
        &format!(
            "已生成（{:.1} 秒）。正在预览：http://{local}/  （按 Ctrl-C 停止）",
            start.elapsed().as_secs_f64()
        ),
        &format!(
            "built in {:.1} s. Serving http://{local}/  (Ctrl-C to stop)",
            start.elapsed().as_secs_f64()
        ),
    );

    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                if shared.connections.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                    http::respond(
                        &mut stream,
                        "503 Service Unavailable",
                        "text/plain; charset=utf-8",
                        &[],
                        b"503",
                        false,
                    );
                    continue;
                }
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                    handle(stream, &shared);
                    shared.connections.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
    }

    loop_rebuilds(&rx, &mut state, &shared, lang);
    say(lang, "已停止。", "stopped.");
    0
}

/// More open connections than a preview ever needs; past this, 503.
const MAX_CONNECTIONS: usize = 128;

enum Event {
    Changed(PathBuf),
    Stop,
}

/// Keeps the watcher alive.
enum Watcher {
    Native(notify::RecommendedWatcher),
    Poll(notify::PollWatcher),
}

fn watch(dirs: &[PathBuf], poll: bool, tx: Sender<Event>) -> notify::Result<Watcher> {
    use notify::Watcher as _;
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            // Reading a file (as every rebuild does) is an access event: only
            // changes count, or each rebuild would set off the next.
            if matches!(
                event.kind,
                notify::EventKind::Access(_) | notify::EventKind::Other
            ) {
                return;
            }
            for p in event.paths {
                let _ = tx.send(Event::Changed(p));
            }
        }
    };
    let mut w = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
        Watcher::Poll(notify::PollWatcher::new(handler, config)?)
    } else {
        Watcher::Native(notify::recommended_watcher(handler)?)
    };
    for d in dirs {
        match &mut w {
            Watcher::Native(n) => n.watch(d, notify::RecursiveMode::Recursive)?,
            Watcher::Poll(p) => p.watch(d, notify::RecursiveMode::Recursive)?,
        }
    }
    Ok(w)
}

/// Wait for changes; gather a burst (an editor's save is often several
/// events: a temporary file, a rename) into one rebuild.
fn loop_rebuilds(rx: &Receiver<Event>, state: &mut State, shared: &Shared, lang: Lang) {
    const QUIET: Duration = Duration::from_millis(25);
    const LONGEST: Duration = Duration::from_millis(400);
    while let Ok(first) = rx.recv() {
        let mut paths = Vec::new();
        match first {
            Event::Stop => return,
            Event::Changed(p) => paths.push(p),
        }
        let burst = Instant::now();
        while burst.elapsed() < LONGEST {
            match rx.recv_timeout(QUIET) {
                Ok(Event::Changed(p)) => paths.push(p),
                Ok(Event::Stop) => return,
                Err(_) => break,
            }
        }
        let changes = state.classify(&paths);
        if changes.is_empty() {
            continue;
        }
        let start = Instant::now();
        // Let go of the stats' share of the content, so it is updated in
        // place rather than copied.
        *shared.stats.lock().expect("stats") = None;
        state.apply(&changes);
        state.render(shared, lang, Some(start));
    }
}

#[derive(Debug, PartialEq, Eq, Hash, Clone)]
enum Change {
    /// A community file, relative to the content folder.
    Community(String),
    /// site.yaml, standard.yaml or the theme: everything.
    Everything,
}

impl State {
    fn load(dir: &Path, site_root: &Path, previews: bool, pdf: bool) -> State {
        let content = load::load(dir);
        let report = check::check(&content);
        let name = content.site.as_ref().and_then(|s| s.theme.clone());
        let (theme, theme_error) = match theme::load(site_root, name.as_deref()) {
            Ok(t) => (t, None),
            Err(e) => (
                theme::load(site_root, None).expect("the built-in theme loads"),
                Some(e),
            ),
        };
        State {
            dir: dir.to_owned(),
            site_root: site_root.to_owned(),
            content: Arc::new(content),
            report: Arc::new(report),
            theme: Arc::new(theme),
            theme_error,
            summaries: HashMap::new(),
            dirty: HashSet::new(),
            needs_full: true,
            previews,
            pdf,
        }
    }

    /// Which changes a set of changed paths means; files that do not matter
    /// (editor swap files, photos) are dropped.
    fn classify(&self, paths: &[PathBuf]) -> Vec<Change> {
        let mut out = Vec::new();
        for p in paths {
            if let Some(theme_dir) = &self.theme.dir
                && p.starts_with(theme_dir)
            {
                out.push(Change::Everything);
                continue;
            }
            let Ok(rel) = p.strip_prefix(&self.dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let name = rel.rsplit('/').next().unwrap_or("");
            if name.starts_with('.') || !load::is_inventory_name(name) {
                continue;
            }
            let change = if rel.starts_with("communities/") {
                Change::Community(rel)
            } else if rel == "site.yaml" || rel == "standard.yaml" {
                Change::Everything
            } else {
                continue;
            };
            if !out.contains(&change) {
                out.push(change);
            }
        }
        if out.contains(&Change::Everything) {
            return vec![Change::Everything];
        }
        out
    }

    fn apply(&mut self, changes: &[Change]) {
        if changes.contains(&Change::Everything) {
            let (previews, pdf) = (self.previews, self.pdf);
            *self = State::load(&self.dir, &self.site_root, previews, pdf);
            return;
        }
        let mut content = match Arc::try_unwrap(std::mem::replace(
            &mut self.content,
            Arc::new(empty_content()),
        )) {
            Ok(c) => c,
            Err(shared) => clone_content(&shared),
        };
        for change in changes {
            let Change::Community(rel) = change else {
                continue;
            };
            content
                .findings
                .retain(|f| f.file != *rel && f.rule != Rule::InputDuplicateId);
            let at = content.communities.iter().position(|c| c.file == *rel);
            if self.dir.join(rel).is_file() {
                let (community, findings, src) =
                    load::load_community(&self.dir, rel, &content.standard);
                content.findings.extend(findings);
                match src {
                    Some(s) => content.sources.insert(rel.clone(), s),
                    None => content.sources.remove(rel),
                };
                match at {
                    Some(i) => content.communities[i] = community,
                    None => {
                        let i = content.communities.partition_point(|c| c.file < *rel);
                        content.communities.insert(i, community);
                    }
                }
            } else if let Some(i) = at {
                content.communities.remove(i);
                content.sources.remove(rel);
            }
            self.dirty.insert(rel.clone());
        }
        content
            .findings
            .retain(|f| f.rule != Rule::InputDuplicateId);
        load::duplicate_ids(&content.communities, &mut content.findings);
        let files: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Community(rel) => Some(rel.clone()),
                Change::Everything => None,
            })
            .collect();
        let mut report = Arc::try_unwrap(std::mem::replace(
            &mut self.report,
            Arc::new(empty_report()),
        ))
        .unwrap_or_else(|shared| Report {
            summary: shared.summary,
            findings: shared.findings.clone(),
        });
        check::update(&mut report, &content, &files);
        self.report = Arc::new(report);
        self.content = Arc::new(content);
    }

    /// Render what changed (or everything) and publish it; on broken input keep
    /// the last good site and show the errors.
    fn render(&mut self, shared: &Shared, lang: Lang, since: Option<Instant>) {
        let result = if self.report.has_input_errors() || self.content.site.is_none() {
            Err(BuildError::Input)
        } else if let Some(e) = &self.theme_error {
            Err(BuildError::Other {
                zh: format!("{}：{}", e.file, e.zh),
                en: e.to_string(),
            })
        } else if self.needs_full {
            self.render_full(shared)
        } else {
            self.render_changed(shared)
        };
        match result {
            Ok(what) => {
                self.needs_full = false;
                self.dirty.clear();
                *shared.overlay.write().expect("overlay") = None;
                let ms = since.map(|s| s.elapsed().as_millis());
                if let Some(ms) = ms {
                    say(
                        lang,
                        &format!(
                            "已重新生成{what}，用时 {ms} 毫秒。{}",
                            crate::report::text::summary_line(&self.report, lang)
                        ),
                        &format!(
                            "rebuilt {what} in {ms} ms. {}",
                            crate::report::text::summary_line(&self.report, lang)
                        ),
                    );
                }
            }
            Err(e) => {
                let overlay = overlay_html(&self.report, &e);
                *shared.overlay.write().expect("overlay") = Some(overlay);
                let text = match &e {
                    BuildError::Input => crate::report::text::render(
                        &Report {
                            summary: self.report.summary,
                            findings: self
                                .report
                                .findings
                                .iter()
                                .filter(|f| f.rule.is_input())
                                .cloned()
                                .collect(),
                        },
                        &self.content.sources,
                        lang,
                        crate::report::text::Style::default(),
                    ),
                    BuildError::Other { zh, en } => {
                        format!("error: {}\n", if lang == Lang::Zh { zh } else { en })
                    }
                };
                print!("{text}");
                say(
                    lang,
                    "网站没有更新，仍显示上一次成功生成的结果；改正后保存即可。",
                    "the site was not updated; fix and save.",
                );
            }
        }
        shared.generation.fetch_add(1, Ordering::SeqCst);
        *shared.stats.lock().expect("stats") = Some(StatsSource {
            content: self.content.clone(),
            report: self.report.clone(),
            theme: self.theme.clone(),
        });
        broadcast(shared);
    }

    fn render_full(&mut self, shared: &Shared) -> Result<String, BuildError> {
        let r = renderer(
            &self.content,
            &self.report,
            &self.theme,
            self.previews,
            self.pdf,
        );
        let w = Writer::memory();
        let summaries = r.communities(&w)?;
        let towns = pages::towns(&summaries);
        r.towns(&towns, None, &w)?;
        r.index(&summaries, &towns, &w)?;
        r.fixed_pages(&w)?;
        r.indexes(&summaries, &towns, &w)?;
        r.assets(&w)?;
        self.summaries = self
            .content
            .communities
            .iter()
            .map(|c| c.file.clone())
            .zip(summaries)
            .collect();
        let files: HashMap<String, Arc<Vec<u8>>> = w
            .into_files()
            .into_iter()
            .map(|(k, v)| (k, Arc::new(v)))
            .collect();
        *shared.files.write().expect("files") = files;
        Ok(format!(
            "全部 {} 个村(社区)",
            self.content.communities.len()
        ))
    }

    fn render_changed(&mut self, shared: &Shared) -> Result<String, BuildError> {
        let r = renderer(
            &self.content,
            &self.report,
            &self.theme,
            self.previews,
            self.pdf,
        );
        let w = Writer::memory();
        let mut towns_touched: Vec<String> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        let mut names = Vec::new();
        for rel in &self.dirty {
            let now = self.content.communities.iter().find(|c| c.file == *rel);
            if let Some(old) = self.summaries.get(rel) {
                towns_touched.push(old.town.clone());
                if now.is_none_or(|c| c.id != old.id) {
                    gone.push(format!("communities/{}/", old.id));
                }
            }
            match now {
                Some(c) => {
                    let s = r.community(c, &w)?;
                    towns_touched.push(s.town.clone());
                    names.push(s.name.clone());
                    self.summaries.insert(rel.clone(), s);
                }
                None => {
                    self.summaries.remove(rel);
                }
            }
        }
        let summaries: Vec<pages::Summary> = self
            .content
            .communities
            .iter()
            .filter_map(|c| self.summaries.get(&c.file).cloned())
            .collect();
        let towns = pages::towns(&summaries);
        for t in &towns_touched {
            if !towns.iter().any(|v| v.name == *t) {
                gone.push(format!("towns/{}/", pages::town_slug(t)));
            }
        }
        r.towns(&towns, Some(&towns_touched), &w)?;
        r.index(&summaries, &towns, &w)?;
        r.indexes(&summaries, &towns, &w)?;
        let written: BTreeMap<String, Vec<u8>> = w.into_files();
        let mut files = shared.files.write().expect("files");
        files.retain(|k, _| {
            !gone.iter().any(|g| k.starts_with(g.as_str())) && !k.starts_with("stats.")
        });
        for (k, v) in written {
            files.insert(k, Arc::new(v));
        }
        Ok(if names.is_empty() {
            "（删除了清单）".to_owned()
        } else {
            names.join("、")
        })
    }
}

/// A renderer of the site as it now stands, served from `/`. (A free function:
/// the state's summaries are updated while it is in use.)
fn renderer<'a>(
    content: &'a Content,
    report: &'a Report,
    theme: &'a theme::Theme,
    previews: bool,
    pdf: bool,
) -> Renderer<'a> {
    Renderer::new(content, report, theme, Some("/"), previews).with_pdf(pdf)
}

fn empty_content() -> Content {
    Content {
        dir: PathBuf::new(),
        site: None,
        standard: crate::standard::Standard::builtin(),
        communities: Vec::new(),
        findings: Vec::new(),
        sources: HashMap::new(),
    }
}

fn empty_report() -> Report {
    Report {
        summary: Default::default(),
        findings: Vec::new(),
    }
}

fn clone_content(c: &Content) -> Content {
    Content {
        dir: c.dir.clone(),
        site: c.site.clone(),
        standard: c.standard.clone(),
        communities: c.communities.clone(),
        findings: c.findings.clone(),
        sources: c.sources.clone(),
    }
}

fn escape(s: &str) -> String {
    crate::fonts::escape_attr(s)
}

/// The overlay every page shows while the input is broken.
fn overlay_html(report: &Report, e: &BuildError) -> String {
    let mut items = String::new();
    match e {
        BuildError::Input => {
            for f in report.findings.iter().filter(|f| f.rule.is_input()) {
                items.push_str(&format!(
                    "<li><code>{}:{}:{}</code> <b>error[{}]</b> {}{}</li>",
                    escape(&f.file),
                    f.loc.line,
                    f.loc.column,
                    f.rule.code(),
                    escape(&f.message.zh),
                    f.fix
                        .as_ref()
                        .map(|x| format!("<br>建议：{}", escape(&x.zh)))
                        .unwrap_or_default()
                ));
            }
        }
        BuildError::Other { zh, .. } => items.push_str(&format!("<li>{}</li>", escape(zh))),
    }
    format!(
        r#"<div id="qingpai-overlay" role="alert" style="position:fixed;inset:0;z-index:9999;overflow:auto;background:rgba(20,20,20,.92);color:#fff;font:15px/1.6 system-ui,sans-serif;padding:24px"><h2 style="color:#ffb4b4;margin:0 0 8px">清单文件有误，网站仍显示上一次成功生成的结果</h2><ol>{items}</ol><p>改正并保存后，这里会自动消失。</p></div>"#
    )
}

const RELOAD_SCRIPT: &str = r#"<script>(function(){if(!window.EventSource)return;var es=new EventSource("/__qingpai/events");es.onmessage=function(e){if(e.data==="reload")location.reload();};})();</script>"#;

/// The live-reload script, and the overlay when there is one, before `</body>`.
/// Only served pages get them; nothing is written into a published site.
fn inject(html: &[u8], overlay: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let extra = format!("{}{RELOAD_SCRIPT}", overlay.unwrap_or(""));
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn broadcast(shared: &Shared) {
    let mut clients = shared.clients.lock().expect("clients");
    clients.retain(|c| c.send(()).is_ok());
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let Some(req) = http::read_request(&stream) else {
        return;
    };
    let head = req.method == "HEAD";
    if req.method != "GET" && !head {
        http::respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            &[("Allow", "GET, HEAD")],
            b"405",
            head,
        );
        return;
    }
    match http::target(&req.path) {
        Err(_) => http::respond(
            &mut stream,
            "400 Bad Request",
            "text/plain; charset=utf-8",
            &[],
            "400 请求的路径无效".as_bytes(),
            head,
        ),
        Ok(http::Target::Status) => {
            let body = serde_json::json!({
                "generation": shared.generation.load(Ordering::SeqCst),
                "errors": shared.overlay.read().expect("overlay").is_some(),
            })
            .to_string();
            http::respond(
                &mut stream,
                "200 OK",
                "application/json",
                &[],
                body.as_bytes(),
                head,
            );
        }
        Ok(http::Target::Events) => events(stream, shared),
        Ok(http::Target::File(key)) => {
            if (key == "stats.csv" || key == "stats.xlsx")
                && !shared.files.read().expect("files").contains_key(&key)
            {
                make_stats(shared);
            }
            let found = shared.files.read().expect("files").get(&key).cloned();
            let overlay = shared.overlay.read().expect("overlay").clone();
            match found {
                Some(bytes) => {
                    let body = if key.ends_with(".html") {
                        inject(&bytes, overlay.as_deref())
                    } else {
                        bytes.to_vec()
                    };
                    http::respond(
                        &mut stream,
                        "200 OK",
                        http::content_type(&key),
                        &[],
                        &body,
                        head,
                    );
                }
                None => {
                    let dir_index = format!("{key}/index.html");
                    if shared.files.read().expect("files").contains_key(&dir_index) {
                        // Built from the checked key, never from the raw path (`//host`).
                        let location = pages::encode_path(&format!("/{key}/"));
                        http::respond(
                            &mut stream,
                            "301 Moved Permanently",
                            "text/plain; charset=utf-8",
                            &[("Location", &location)],
                            b"",
                            head,
                        );
                        return;
                    }
                    let page = shared.files.read().expect("files").get("404.html").cloned();
                    let body =
                        page.map_or_else(|| b"404".to_vec(), |p| inject(&p, overlay.as_deref()));
                    http::respond(
                        &mut stream,
                        "404 Not Found",
                        "text/html; charset=utf-8",
                        &[],
                        &body,
                        head,
                    );
                }
            }
        }
    }
}

fn make_stats(shared: &Shared) {
    let source = shared.stats.lock().expect("stats");
    let Some(s) = source.as_ref() else { return };
    if s.content.site.is_none() {
        return;
    }
    let r = Renderer::new(&s.content, &s.report, &s.theme, Some("/"), false);
    let w = Writer::memory();
    if r.stats(&crate::stats::table(&s.content, &s.report), &w)
        .is_ok()
    {
        let mut files = shared.files.write().expect("files");
        for (k, v) in w.into_files() {
            files.insert(k, Arc::new(v));
        }
    }
}

/// Server-Sent Events: a `reload` after every build, a comment every 15 s so
/// dead connections are noticed.
fn events(mut stream: TcpStream, shared: &Shared) {
    use std::io::Write;
    let (tx, rx) = mpsc::channel();
    shared.clients.lock().expect("clients").push(tx);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: connected\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    loop {
        let msg: &[u8] = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(()) => b"data: reload\n\n",
            Err(mpsc::RecvTimeoutError::Timeout) => b": ping\n\n",
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(msg).and_then(|_| stream.flush()).is_err() {
            return;
        }
    }
}
