//! `qingpai serve`: build into memory, serve it on loopback, rebuild on every
//! change under content/ and the theme, and reload open pages.
//!
//! An edit to one community file reloads that file only, re-runs the rules,
//! and re-renders that community's page and drawing, its town pages, the
//! overview and the search index — not the county. A photo reloads the
//! communities that name it. A change to site.yaml, standard.yaml or the theme
//! rebuilds everything, and so does the content folder coming back after it
//! was moved away or replaced. When the input is broken the last good site
//! stays up and every page shows the errors in an overlay.
//!
//! `server.rs` speaks HTTP, `respond.rs` answers from the in-memory site,
//! `http.rs` checks paths and hosts, `watch.rs` follows the folders.

pub mod http;
mod respond;
pub mod server;
mod watch;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use crate::check::{self, Report};
use crate::diag::{Lang, Rule};
use crate::load::{self, Content};
use crate::site::{BuildError, Renderer, Writer, pages};
use crate::theme;
use respond::{lock, write};
use watch::{Event, Watch, WatchSet};

pub struct Options {
    pub interface: String,
    pub port: u16,
    /// Poll the files instead of using native events (network shares).
    pub poll: bool,
    pub previews: bool,
    pub pdf: bool,
    pub lang: Lang,
    /// Host names to answer besides this machine's (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
}

/// What the HTTP side reads; the rebuild side writes.
struct Shared {
    files: RwLock<HashMap<String, Bytes>>,
    /// The overlay to show on every page while the input is broken.
    overlay: RwLock<Option<String>>,
    /// How many builds (good or failed) have finished; every new value is a
    /// reload for open pages.
    reloads: tokio::sync::watch::Sender<u64>,
    /// The survey table is built when first asked for, not on every edit.
    stats: Mutex<Option<StatsSource>>,
    /// What a community's page, drawings and PDFs are rendered from when
    /// first asked for: the last load; `None` while an edit is applied.
    pages: Mutex<Option<PagesSource>>,
    /// Communities rendered on request, oldest first: at most
    /// [`RENDERED_COMMUNITIES`] are kept, so memory does not grow with the
    /// county.
    rendered: Mutex<std::collections::VecDeque<String>>,
}

/// How many communities' rendered files `serve` keeps (each ~0.4 MB with PDFs).
const RENDERED_COMMUNITIES: usize = 200;

struct PagesSource {
    content: Arc<Content>,
    report: Arc<Report>,
    theme: Arc<theme::Theme>,
    previews: bool,
    pdf: bool,
}

/// Render the community that `key` (`communities/ID/...`) belongs to, when
/// it is not rendered yet: `serve` answers at once after checking and makes
/// each community's files when first asked for.
fn render_on_demand(shared: &Shared, key: &str) {
    let Some(id) = key
        .strip_prefix("communities/")
        .and_then(|rest| rest.split('/').next())
    else {
        return;
    };
    let prefix = format!("communities/{id}/");
    if respond::read(&shared.files)
        .keys()
        .any(|k| k.starts_with(&prefix))
    {
        return;
    }
    let source = lock(&shared.pages);
    let Some(s) = source.as_ref() else { return };
    // Without a readable site.yaml there is no page to put it in.
    if s.content.site.is_none() {
        return;
    }
    let Some(c) = s.content.communities.iter().find(|c| c.id == id) else {
        return;
    };
    let r = renderer(&s.content, &s.report, &s.theme, s.previews, s.pdf);
    let w = Writer::memory();
    if r.community(c, &w).is_err() {
        return;
    }
    drop(source);
    let mut files = write(&shared.files);
    for (k, v) in w.into_files() {
        files.insert(k, Bytes::from(v));
    }
    let mut rendered = lock(&shared.rendered);
    rendered.push_back(id.to_owned());
    while rendered.len() > RENDERED_COMMUNITIES {
        if let Some(old) = rendered.pop_front() {
            let old = format!("communities/{old}/");
            files.retain(|k, _| !k.starts_with(&old));
        }
    }
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
    /// Which folder `dir` was when last loaded (device, inode): a folder put
    /// back in its place is another folder, to be read again whole.
    dir_id: Option<(u64, u64)>,
    /// The content folder is not there (moved away, deleted).
    missing: bool,
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

/// Which folder a path is now, where the system can say.
#[cfg(unix)]
fn folder_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(p: &Path) -> Option<(u64, u64)> {
    p.is_dir().then_some((0, 0))
}

/// Raise the soft limit on open files to the hard one (many systems start
/// at 1024), and say how many the process may hold.
fn open_files_limit() -> usize {
    #[cfg(target_os = "linux")]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit with a valid pointer to a local rlimit.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
                let want = lim.rlim_max.min(65_536);
                if want > lim.rlim_cur {
                    let raised = libc::rlimit {
                        rlim_cur: want,
                        rlim_max: lim.rlim_max,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                        lim.rlim_cur = want;
                    }
                }
                return usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
            }
        }
    }
    1024
}

pub fn run(content_dir: &Path, opts: &Options) -> u8 {
    let lang = opts.lang;
    let hosts = match http::Hosts::new(&opts.allowed_hosts) {
        Ok(h) => h,
        Err((zh, en)) => {
            eprintln!("error: {}", if lang == Lang::Zh { zh } else { en });
            return 2;
        }
    };
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
    let limits = server::Limits::for_files(open_files_limit());
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        // Pages are made on the blocking pool; the workers only move bytes.
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_name("qingpai-serve")
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: 无法启动预览服务：{e}");
            return 2;
        }
    };

    let dir = content_dir
        .canonicalize()
        .unwrap_or_else(|_| content_dir.to_owned());
    let site_root = dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned);
    let shared = Arc::new(Shared {
        files: RwLock::new(HashMap::new()),
        overlay: RwLock::new(None),
        reloads: tokio::sync::watch::Sender::new(0),
        stats: Mutex::new(None),
        pages: Mutex::new(None),
        rendered: Mutex::new(Default::default()),
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
    let watcher = match Watch::start(state.watch_set(), opts.poll, tx.clone()) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: 无法监视文件变化：{e}\n  = 建议: 在网络共享文件夹上请加 --poll");
            return 2;
        }
    };

    let config = Arc::new(server::Config {
        limits,
        hosts,
        handler: {
            let shared = shared.clone();
            Arc::new(move |path: &str| respond::page(&shared, path))
        },
        reloads: shared.reloads.subscribe(),
    });
    let accepting = {
        let _guard = runtime.enter();
        match listener
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpListener::from_std(listener))
        {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: 无法在 {addr} 上监听：{e}");
                return 2;
            }
        }
    };
    runtime.spawn(server::serve(
        accepting,
        config,
        Arc::new(server::Counts::default()),
    ));
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

    let code = loop_rebuilds(&rx, tx, watcher, &mut state, &shared, lang);
    runtime.shutdown_timeout(Duration::from_millis(200));
    if code == 0 {
        say(lang, "已停止。", "stopped.");
    }
    code
}

/// Wait for changes and rebuild; also follow the content folder and the
/// theme when they move. Returns the exit status.
fn loop_rebuilds(
    rx: &Receiver<Event>,
    tx: mpsc::Sender<Event>,
    mut watcher: Watch,
    state: &mut State,
    shared: &Shared,
    lang: Lang,
) -> u8 {
    // The debouncer passes on a path once it has been quiet; events of one
    // save can still land in two of its ticks, so take what follows closely.
    const GATHER: Duration = Duration::from_millis(30);
    while let Ok(first) = rx.recv() {
        let (mut paths, mut moved) = (Vec::new(), Vec::new());
        let mut take = |e: Event| -> bool {
            match e {
                Event::Stop => return false,
                Event::Changed { paths: p, moved: m } => {
                    paths.extend(p);
                    moved.extend(m);
                }
                Event::Failed(e) => say(
                    lang,
                    &format!("警告：监视文件变化时出错：{e}（网络共享文件夹请用 --poll）"),
                    &format!(
                        "warning: watching for changes failed: {e} (use --poll on network shares)"
                    ),
                ),
            }
            true
        };
        if !take(first) {
            return 0;
        }
        while let Ok(e) = rx.recv_timeout(GATHER) {
            if !take(e) {
                return 0;
            }
        }
        let start = Instant::now();
        let now = folder_id(&state.dir);
        if now.is_none() {
            let first = !state.missing;
            state.missing = true;
            // Stop following the moved folder's files under the old path.
            watcher = rewatch(watcher, state, &tx, true, lang);
            // Back already, before the new watcher saw it come?
            if folder_id(&state.dir).is_some() {
                let _ = tx.send(Event::Changed {
                    paths: vec![state.dir.clone()],
                    moved: vec![state.dir.clone()],
                });
            }
            if first {
                let (zh, en) = (
                    format!(
                        "内容文件夹 {} 不见了（被移走、改名或删除）。网站仍显示上一次的结果；把文件夹放回原处后会自动重新生成。要预览别处的文件夹，请按 Ctrl-C 停止，再用 --content 指定它。",
                        state.dir.display()
                    ),
                    format!(
                        "the content folder {} is gone (moved, renamed or deleted). The last site stays up and is rebuilt when the folder is back; to preview another folder, stop with Ctrl-C and give it with --content.",
                        state.dir.display()
                    ),
                );
                say(lang, &format!("警告：{zh}"), &format!("warning: {en}"));
                *write(&shared.overlay) = Some(respond::overlay_html(
                    &state.report,
                    &BuildError::Other { zh, en },
                ));
                state.needs_full = true;
                let g = *shared.reloads.borrow() + 1;
                respond::broadcast(shared, g);
            }
            continue;
        }
        let replaced = state.missing || now != state.dir_id || moved.contains(&state.dir);
        let changes = if replaced {
            if state.missing {
                say(
                    lang,
                    "内容文件夹回来了，重新生成全部。",
                    "the content folder is back; rebuilding everything.",
                );
            }
            vec![Change::Everything]
        } else {
            state.classify(&paths)
        };
        if changes.is_empty() {
            continue;
        }
        // Let go of the stats' share of the content, so it is updated in
        // place rather than copied.
        *lock(&shared.stats) = None;
        // The edited communities' files are made now, from the load before
        // the edit, if they were never asked for: should the edit break the
        // input, their last good pages are still there to serve. Then the
        // pages let go of the content too (holding it would copy it).
        for change in &changes {
            if let Change::Community(rel) = change
                && let Some(s) = state.summaries.get(rel)
            {
                render_on_demand(shared, &format!("communities/{}/", s.id));
            }
        }
        *lock(&shared.pages) = None;
        let loaded_at = SystemTime::now();
        state.apply(&changes);
        // Watch what the site now depends on before the pages are told to
        // reload: an edit made as soon as they have must be seen.
        if replaced || state.watch_set() != watcher.set {
            watcher = rewatch(watcher, state, &tx, replaced, lang);
            // The new watcher missed what changed since the files were read
            // (a theme folder being made, a content folder being copied
            // back): that is sent round again.
            let newer: Vec<PathBuf> = watcher
                .set
                .iter()
                .flat_map(|(d, recursive)| newer_files(d, *recursive, loaded_at))
                .collect();
            if !newer.is_empty() {
                let _ = tx.send(Event::Changed {
                    paths: newer,
                    moved: Vec::new(),
                });
            }
        }
        state.render(shared, lang, Some(start));
    }
    0
}

/// Files and folders under `dir` modified at or after `since` (a bounded
/// look: a content folder of a few thousand files takes milliseconds).
fn newer_files(dir: &Path, recursive: bool, since: SystemTime) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_owned(), 0usize)];
    let mut seen = 0usize;
    while let Some((d, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            seen += 1;
            if seen > 100_000 {
                return out;
            }
            let Ok(meta) = e.metadata() else { continue };
            if meta.modified().is_ok_and(|m| m >= since) {
                out.push(e.path());
            }
            if meta.is_dir() && recursive && depth < 16 {
                stack.push((e.path(), depth + 1));
            }
        }
    }
    out
}

/// Watch what the state now depends on. On failure the old watcher stays, and
/// the terminal says what is no longer followed.
fn rewatch(old: Watch, state: &State, tx: &mpsc::Sender<Event>, force: bool, lang: Lang) -> Watch {
    let set = state.watch_set();
    if !force && set == old.set {
        return old;
    }
    let poll = old.is_poll();
    // The old one first: two inotify watchers on one tree double the events.
    drop(old);
    match Watch::start(set, poll, tx.clone()) {
        Ok(w) => w,
        Err(e) => {
            say(
                lang,
                &format!(
                    "警告：无法继续监视文件变化：{e}。请按 Ctrl-C 停止后重新运行 qingpai serve。"
                ),
                &format!(
                    "warning: cannot watch for changes any more: {e}. Stop with Ctrl-C and run qingpai serve again."
                ),
            );
            // An empty watcher, so the loop still hears Ctrl-C.
            Watch::start(Vec::new(), poll, tx.clone()).unwrap_or_else(|_| std::process::exit(2))
        }
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
        let (content, report) = check::load_and_check(dir);
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
            dir_id: folder_id(dir),
            missing: false,
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

    /// The folders to watch now (see `watch.rs`); only those that exist.
    fn watch_set(&self) -> WatchSet {
        let mut set = vec![
            (self.site_root.clone(), false),
            (self.dir.clone(), true),
            // To see a theme folder made (or renamed) while `site.yaml`
            // names one that is not there yet.
            (self.site_root.join("themes"), false),
        ];
        if let Some(d) = &self.theme.dir {
            set.push((d.clone(), true));
        }
        set.retain(|(d, _)| d.is_dir());
        set
    }

    /// Which changes a set of changed paths means. Editor lock and swap
    /// files are dropped; a photo means the communities whose inventory
    /// names it; what the folder walk alone reports (a folder, a link, a
    /// FIFO, a hidden inventory, a name that is not UTF-8) means everything.
    fn classify(&self, paths: &[PathBuf]) -> Vec<Change> {
        let themes = self.site_root.join("themes");
        let mut out = Vec::new();
        let add = |c: Change, out: &mut Vec<Change>| {
            if !out.contains(&c) {
                out.push(c);
            }
        };
        for p in paths {
            let in_theme = self.theme.dir.as_ref().is_some_and(|d| p.starts_with(d));
            // Without a theme folder of its own (none named, or the named one
            // missing), a folder coming or going in themes/ may be the one.
            let theme_made =
                self.theme.dir.is_none() && (*p == themes || p.parent() == Some(themes.as_path()));
            if in_theme || theme_made {
                return vec![Change::Everything];
            }
            let Ok(rel) = p.strip_prefix(&self.dir) else {
                continue;
            };
            if rel.as_os_str().is_empty() {
                continue;
            }
            let Some(rel) = rel.to_str() else {
                return vec![Change::Everything];
            };
            let rel = rel.replace('\\', "/");
            let name = rel.rsplit('/').next().unwrap_or("");
            if name.starts_with(".#") {
                continue;
            }
            if rel == "site.yaml" || rel == "standard.yaml" || rel == "communities" {
                return vec![Change::Everything];
            }
            if rel.starts_with("communities/") {
                let below = format!("{rel}/");
                let was_folder = self
                    .content
                    .communities
                    .iter()
                    .any(|c| c.file.starts_with(&below));
                let odd = std::fs::symlink_metadata(p).is_ok_and(|m| !m.is_file());
                if was_folder || odd || (name.starts_with('.') && load::is_inventory_name(name)) {
                    return vec![Change::Everything];
                }
                if name.starts_with('.') {
                    continue;
                }
                if load::is_inventory_name(name) {
                    add(Change::Community(rel), &mut out);
                    continue;
                }
            } else if name.starts_with('.') {
                continue;
            }
            // A photo (or any other file): the inventories that name it. The
            // file name alone is matched, so `./photos/a.jpg` and
            // `photos\a.jpg` are found too; one read too many costs little.
            let mut naming: Vec<&String> = self
                .content
                .sources
                .iter()
                .filter(|(_, text)| text.contains(name))
                .map(|(file, _)| file)
                .collect();
            naming.sort();
            for file in naming {
                add(Change::Community(file.clone()), &mut out);
            }
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
                *write(&shared.overlay) = None;
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
                let overlay = respond::overlay_html(&self.report, &e);
                *write(&shared.overlay) = Some(overlay);
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
        *lock(&shared.stats) = Some(StatsSource {
            content: self.content.clone(),
            report: self.report.clone(),
            theme: self.theme.clone(),
        });
        // Communities not yet asked for are made from this load, broken or
        // not: a file that cannot be read is shown with what is wrong (its
        // earlier pages, if any were made, stay until a good load).
        *lock(&shared.pages) = Some(PagesSource {
            content: self.content.clone(),
            report: self.report.clone(),
            theme: self.theme.clone(),
            previews: self.previews,
            pdf: self.pdf,
        });
        let generation = *shared.reloads.borrow() + 1;
        respond::broadcast(shared, generation);
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
        // Communities are summarised, not rendered: each is rendered when
        // first asked for (see `render_on_demand`).
        let summaries: Vec<pages::Summary> = {
            use rayon::prelude::*;
            self.content
                .communities
                .par_iter()
                .map(|c| r.summary(c))
                .collect()
        };
        lock(&shared.rendered).clear();
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
        let files: HashMap<String, Bytes> = w
            .into_files()
            .into_iter()
            .map(|(k, v)| (k, Bytes::from(v)))
            .collect();
        *write(&shared.files) = files;
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
                gone.push(format!("communities/{}/", old.id));
            }
            match now {
                Some(c) => {
                    // Its files are made again when next asked for.
                    gone.push(format!("communities/{}/", c.id));
                    let s = r.summary(c);
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
        let mut files = write(&shared.files);
        files.retain(|k, _| {
            !gone.iter().any(|g| k.starts_with(g.as_str())) && !k.starts_with("stats.")
        });
        for (k, v) in written {
            files.insert(k, Bytes::from(v));
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
