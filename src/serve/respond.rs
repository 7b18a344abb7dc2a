//! The answer to a GET of the site: the file, from the cache or rendered now
//! (with the live-reload script and, while the input is broken, the error
//! overlay added to pages), a redirect to a folder's page, the 404 page, or
//! the server's status.
//!
//! Every file is answered with `X-Qingpai-Render: cache` when it was already
//! rendered (by an earlier request or the warm-up) and `on-demand` when this
//! request rendered it. `/__qingpai/status` answers JSON: `generation` (loads
//! so far; each is a reload for open pages), `errors` (the input is broken),
//! `cached_communities` (communities whose files are kept, at most
//! [`super::cache::RENDERED_COMMUNITIES`]), `warming` (the warm-up has parts
//! left) and `warmed` (parts the warm-up rendered).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};

use super::Shared;
use super::cache::{self, Found};
use super::http::{self, Target};
use crate::check::Report;
use crate::site::{BuildError, Part, pages};

/// Says whether a file was rendered for this request or taken from the cache.
const RENDER_HEADER: HeaderName = HeaderName::from_static("x-qingpai-render");

/// The requests being answered, for the warm-up to keep out of their way.
pub(super) struct Requests {
    start: Instant,
    in_flight: AtomicUsize,
    /// When the last one was answered, in milliseconds after `start`.
    last: AtomicU64,
}

impl Requests {
    pub fn new() -> Requests {
        Requests {
            start: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn enter(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    /// How long no request has been answered; zero while one is.
    pub fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(self.now().saturating_sub(self.last.load(Ordering::SeqCst)))
    }
}

/// A request being answered; counted out when dropped, also on a panic.
struct InFlight<'a>(&'a Requests);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.last.store(self.0.now(), Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A lock whose holder panicked is still usable: the maps it guards are
/// replaced whole or entry by entry, never left half-written.
pub(super) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn lock<T>(l: &Mutex<T>) -> MutexGuard<'_, T> {
    l.lock().unwrap_or_else(PoisonError::into_inner)
}

fn reply(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Bytes> {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// The answer to a GET (or HEAD: hyper leaves the body out) of `raw`, the
/// request's path and query.
pub(super) fn page(shared: &Shared, raw: &str) -> Response<Bytes> {
    let _in_flight = shared.requests.enter();
    let target = match http::target(raw) {
        Ok(t) => t,
        Err(_) => {
            return reply(
                StatusCode::BAD_REQUEST,
                "text/plain; charset=utf-8",
                "400 请求的路径无效\n",
            );
        }
    };
    let key = match target {
        Target::Status => {
            // One lock at a time.
            let generation = *shared.reloads.borrow();
            let errors = read(&shared.overlay).is_some();
            let cached = lock(&shared.cache).communities();
            let warming = shared.warm.busy();
            let body = serde_json::json!({
                "generation": generation,
                "errors": errors,
                "cached_communities": cached,
                "warming": warming,
                "warmed": shared.warm.warmed.load(Ordering::Relaxed),
            })
            .to_string();
            return reply(StatusCode::OK, "application/json", body);
        }
        // Reached only when spelt differently (percent-encoded): the server
        // routes the plain paths before asking for a page.
        Target::Socket | Target::Events => {
            return reply(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", "404\n");
        }
        Target::File(key) => key,
    };
    let overlay = read(&shared.overlay).clone();
    let found = match file(shared, &key) {
        Ok(found) => found,
        Err(e) => return failed(&key, &e, overlay.as_deref()),
    };
    if let Some((bytes, how)) = found {
        let body = if key.ends_with(".html") {
            Bytes::from(inject(&bytes, overlay.as_deref()))
        } else {
            bytes
        };
        let mut r = reply(StatusCode::OK, http::content_type(&key), body);
        r.headers_mut()
            .insert(RENDER_HEADER, HeaderValue::from_static(how));
        return r;
    }
    if matches!(file(shared, &format!("{key}/index.html")), Ok(Some(_))) {
        // Built from the checked key, never from the raw path (`//host`).
        let location = pages::encode_path(&format!("/{key}/"));
        let mut r = reply(
            StatusCode::MOVED_PERMANENTLY,
            "text/plain; charset=utf-8",
            Bytes::new(),
        );
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    let page = match file(shared, "404.html") {
        Ok(Some((p, _))) => p,
        _ => Bytes::from_static(NOT_FOUND.as_bytes()),
    };
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        Bytes::from(inject(&page, overlay.as_deref())),
    )
}

/// The 404 page when the site has none to render (no good load yet).
const NOT_FOUND: &str = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><p>404 没有这个页面。</p></body></html>";

/// The file `key` of the site and how it was got (`cache` or `on-demand`):
/// from the cache, else rendered now with the rest of its part.
fn file(shared: &Shared, key: &str) -> Result<Option<(Bytes, &'static str)>, BuildError> {
    let Some(part) = Part::of(key) else {
        return Ok(None);
    };
    match lock(&shared.cache).get(&part, key) {
        Found::File(b) => return Ok(Some((b, "cache"))),
        Found::NoSuchFile => return Ok(None),
        Found::NotRendered => {}
    }
    Ok(cache::render(shared, &part, false)?
        .and_then(|files| files.get(key).cloned())
        .map(|b| (b, "on-demand")))
}

/// A page that could not be rendered: what went wrong, on the page and in
/// the terminal.
fn failed(key: &str, e: &BuildError, overlay: Option<&str>) -> Response<Bytes> {
    let (zh, en) = match e {
        BuildError::Other { zh, en } => (zh.as_str(), en.as_str()),
        BuildError::Input => ("清单文件有误", "the inventories cannot be read"),
    };
    eprintln!("error: 生成 {key} 时出错：{zh}\n  ({en})");
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>500</title><body><h1>这个页面没能生成</h1><p>{}</p><p>终端里有同样的信息；改正后保存，页面会自动刷新。</p></body></html>",
        escape(zh)
    );
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/html; charset=utf-8",
        Bytes::from(inject(page.as_bytes(), overlay)),
    )
}

fn escape(s: &str) -> String {
    crate::fonts::escape_attr(s)
}

/// The overlay every page shows while the site cannot be rebuilt.
pub(super) fn overlay_html(report: &Report, e: &BuildError) -> String {
    let mut items = String::new();
    let heading = match e {
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
            "清单文件有误，网站仍显示上一次成功生成的结果"
        }
        BuildError::Other { zh, .. } => {
            items.push_str(&format!("<li>{}</li>", escape(zh)));
            "网站没能重新生成，仍显示上一次成功生成的结果"
        }
    };
    format!(
        r#"<div id="qingpai-overlay" role="alert" style="position:fixed;inset:0;z-index:9999;overflow:auto;background:rgba(20,20,20,.92);color:#fff;font:15px/1.6 system-ui,sans-serif;padding:24px"><h2 style="color:#ffb4b4;margin:0 0 8px">{heading}</h2><ol>{items}</ol><p>改正并保存后，这里会自动消失。</p></div>"#
    )
}

/// Live reload over a WebSocket, which the browser does not count among its
/// six connections per host. When the socket drops (the preview restarted),
/// it tries again, more slowly each time, and reloads once it is back.
const RELOAD_SCRIPT: &str = r#"<script>(function(){if(!window.WebSocket)return;var u=(location.protocol==="https:"?"wss://":"ws://")+location.host+"/__qingpai/ws",lost=false,wait=1000;function open(){var ws=new WebSocket(u);ws.onopen=function(){if(lost)location.reload();wait=1000;};ws.onmessage=function(e){if(e.data==="reload")location.reload();};ws.onclose=function(){lost=true;setTimeout(open,wait);wait=Math.min(wait*2,30000);};}open();})();</script>"#;

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

/// Tell open pages to reload.
pub(super) fn broadcast(shared: &Shared, generation: u64) {
    shared.reloads.send_replace(generation);
}
