//! The answer to a GET of the in-memory site: the file (with the live-reload
//! script and, while the input is broken, the error overlay added to pages), a
//! redirect to a folder's page, the 404 page, the survey table made when first
//! asked for, or the server's status.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};

use super::Shared;
use super::http::{self, Target};
use crate::check::Report;
use crate::site::{BuildError, Renderer, Writer, pages};

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
            let body = serde_json::json!({
                "generation": *shared.reloads.borrow(),
                "errors": read(&shared.overlay).is_some(),
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
    if key.starts_with("communities/") && !read(&shared.files).contains_key(&key) {
        super::render_on_demand(shared, &key);
    }
    if (key == "stats.csv" || key == "stats.xlsx") && !read(&shared.files).contains_key(&key) {
        make_stats(shared);
    }
    let found = read(&shared.files).get(&key).cloned();
    let overlay = read(&shared.overlay).clone();
    if let Some(bytes) = found {
        let body = if key.ends_with(".html") {
            Bytes::from(inject(&bytes, overlay.as_deref()))
        } else {
            bytes
        };
        return reply(StatusCode::OK, http::content_type(&key), body);
    }
    if read(&shared.files).contains_key(&format!("{key}/index.html")) {
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
    let page = read(&shared.files).get("404.html").cloned();
    let body = page.map_or_else(
        || Bytes::from_static(b"404"),
        |p| Bytes::from(inject(&p, overlay.as_deref())),
    );
    reply(StatusCode::NOT_FOUND, "text/html; charset=utf-8", body)
}

fn make_stats(shared: &Shared) {
    let source = lock(&shared.stats);
    let Some(s) = source.as_ref() else { return };
    if s.content.site.is_none() {
        return;
    }
    let r = Renderer::new(&s.content, &s.report, &s.theme, Some("/"), false);
    let w = Writer::memory();
    if r.stats(&crate::stats::table(&s.content, &s.report), &w)
        .is_ok()
    {
        let mut files = write(&shared.files);
        for (k, v) in w.into_files() {
            files.insert(k, Bytes::from(v));
        }
    }
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
