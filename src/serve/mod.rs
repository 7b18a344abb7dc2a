//! `qingpai serve`: check the site, answer at once, render each part when
//! first asked for, re-check on every change under content/ and the theme,
//! and reload open pages.
//!
//! Nothing is rendered before the server answers: a community's page,
//! drawing and PDFs, the overview, the town pages and the indexes are each
//! rendered when a request first needs them, or by the warm-up in the
//! background, below the requests (`warm.rs`), and kept in a bounded cache
//! (`cache.rs`). The parts are the ones `build` renders ([`crate::site::Part`]).
//!
//! An edit to one community file does only what the reload needs: it reloads
//! and re-checks that file, updates its entry in the lists, drops what the
//! edit made stale (its own files, its towns' pages, the overview and the
//! indexes) and tells open pages to reload; they are rendered again when
//! asked for. A photo reloads the communities that name it. A change to
//! site.yaml, standard.yaml or the theme reloads everything, and so does the
//! content folder coming back after it was moved away or replaced. When the
//! input is broken what was rendered stays up and every page shows the errors
//! in an overlay; a community nobody had opened is rendered from the broken
//! load and shows what is wrong.
//!
//! `server.rs` speaks HTTP, `respond.rs` answers, `http.rs` checks paths and
//! hosts, `watch.rs` follows the folders.

mod cache;
pub mod http;
mod respond;
pub mod server;
mod warm;
mod watch;

use std::collections::{HashMap, HashSet};
use std::net::{TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::check::{self, Report};
use crate::diag::{Lang, Rule};
use crate::load::{self, Content};
use crate::site::BuildError;
use crate::theme;
use cache::{Cache, Listing, Published, Source};
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

/// What the HTTP side and the warm-up read; the rebuild side writes.
struct Shared {
    /// What parts are rendered from; `None` while an edit is applied.
    published: Mutex<Option<Published>>,
    /// Signalled when `published` is back.
    republished: Condvar,
    cache: Mutex<Cache>,
    /// The overlay to show on every page while the input is broken.
    overlay: RwLock<Option<String>>,
    /// How many loads (good or failed) have finished; every new value is a
    /// reload for open pages.
    reloads: tokio::sync::watch::Sender<u64>,
    requests: respond::Requests,
    warm: warm::Warm,
}

/// What is published, waiting while an edit is applied (milliseconds: the
/// load is changed in place, never copied). `None` only if that took more
/// than 5 s.
fn published(shared: &Shared) -> Option<MutexGuard<'_, Option<Published>>> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut guard = lock(&shared.published);
    while guard.is_none() {
        let left = deadline.checked_duration_since(Instant::now())?;
        guard = shared
            .republished
            .wait_timeout(guard, left)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    Some(guard)
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
    /// The last good load's lists.
    listing: Option<Arc<Listing>>,
    /// Community files changed since the last good load.
    dirty: HashSet<String>,
    /// Everything was reloaded since the last good load: the next good one
    /// starts the lists and the cache afresh.
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
        published: Mutex::new(None),
        republished: Condvar::new(),
        cache: Mutex::new(Cache::default()),
        overlay: RwLock::new(None),
        reloads: tokio::sync::watch::Sender::new(0),
        requests: respond::Requests::new(),
        warm: warm::Warm::new(),
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
    // Without the warm-up every part is still rendered when asked for.
    if let Err(e) = warm::spawn(shared.clone()) {
        say(
            lang,
            &format!("警告：无法在后台预先生成页面：{e}（页面仍会在打开时生成）"),
            &format!(
                "warning: cannot warm the pages up in the background: {e} (pages are still made when opened)"
            ),
        );
    }
    say(
        lang,
        &format!(
            "已检查完（{:.1} 秒），页面在打开时生成。正在预览：http://{local}/  （按 Ctrl-C 停止）",
            start.elapsed().as_secs_f64()
        ),
        &format!(
            "checked in {:.1} s; pages are made when opened. Serving http://{local}/  (Ctrl-C to stop)",
            start.elapsed().as_secs_f64()
        ),
    );

    let code = loop_rebuilds(&rx, tx, watcher, &mut state, &shared, lang);
    shared.warm.stop();
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
        // An edit is applied in place: requests wait the few milliseconds
        // it takes, and with nothing published nothing else holds the load.
        // A full reload makes a new load; the old one is served meanwhile.
        if !changes.contains(&Change::Everything) {
            drop(lock(&shared.published).take());
        }
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
            listing: None,
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
            // The lists stay the last good ones until the new load is good.
            let listing = self.listing.take();
            *self = State::load(&self.dir, &self.site_root, previews, pdf);
            self.listing = listing;
            return;
        }
        let mut content =
            match Arc::try_unwrap(std::mem::replace(&mut self.content, blank_content())) {
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

    /// Publish the load: on good input bring the lists up to date and drop
    /// what the changes made stale; on broken input keep what was rendered
    /// and show the errors. Then tell open pages to reload.
    fn render(&mut self, shared: &Shared, lang: Lang, since: Option<Instant>) {
        let result = if self.report.has_input_errors() || self.content.site.is_none() {
            Err(BuildError::Input)
        } else if let Some(e) = &self.theme_error {
            Err(BuildError::Other {
                zh: format!("{}：{}", e.file, e.zh),
                en: e.to_string(),
            })
        } else {
            Ok(self.update_listing(shared))
        };
        let good = result.is_ok();
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
                            "已重新检查{what}，用时 {ms} 毫秒。{}",
                            crate::report::text::summary_line(&self.report, lang)
                        ),
                        &format!(
                            "re-checked {what} in {ms} ms. {}",
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
        let old = lock(&shared.published).replace(Published {
            source: Source {
                content: self.content.clone(),
                report: self.report.clone(),
                theme: self.theme.clone(),
                previews: self.previews,
                pdf: self.pdf,
                good,
            },
            listing: self.listing.clone(),
        });
        shared.republished.notify_all();
        shared.warm.kick();
        let generation = *shared.reloads.borrow() + 1;
        respond::broadcast(shared, generation);
        // After a full reload this is the last hold on the old load: let it
        // go once the pages are told (freeing a county takes a while).
        drop(old);
    }

    /// A good load: the lists made afresh (after a full load) or the changed
    /// communities' entries updated, and what that made stale dropped from
    /// the cache. Says what was checked, for the terminal.
    fn update_listing(&mut self, shared: &Shared) -> String {
        match self.listing.as_mut() {
            Some(listing) if !self.needs_full => {
                // Shared only with a list being rendered now: then the list
                // of pointers is copied, not the entries.
                let listing = Arc::make_mut(listing);
                let touched = listing.update(&self.content, &self.report, &self.dirty);
                lock(&shared.cache).invalidate(&touched);
                let names: Vec<&str> = self
                    .dirty
                    .iter()
                    .filter_map(|rel| self.content.communities.iter().find(|c| c.file == *rel))
                    .map(|c| c.name.raw.as_str())
                    .collect();
                if names.is_empty() {
                    "（删除了清单）".to_owned()
                } else {
                    names.join("、")
                }
            }
            _ => {
                self.listing = Some(Arc::new(Listing::of(
                    &self.content,
                    &self.report,
                    &self.theme,
                    self.previews,
                )));
                lock(&shared.cache).clear();
                format!("全部 {} 个村(社区)", self.content.communities.len())
            }
        }
    }
}

/// An empty content, to stand in while the load is changed in place (made
/// once: making the built-in standard takes milliseconds).
fn blank_content() -> Arc<Content> {
    static BLANK: std::sync::OnceLock<Arc<Content>> = std::sync::OnceLock::new();
    BLANK.get_or_init(|| Arc::new(empty_content())).clone()
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
