//! The HTTP side of `serve`: hyper on a small tokio runtime.
//!
//! Why hyper: every socket is a task of a few kilobytes rather than a thread,
//! so hundreds of idle or slow sockets cost little; it parses requests itself
//! (400 for anything it cannot parse, 431 for headers over the limit) and has
//! the header deadline that stops a slowloris client. Live reload is a
//! WebSocket: a browser keeps at most six HTTP connections per host, and an
//! event stream per open tab holds one of them (seven tabs, and the seventh
//! page waited ten seconds); WebSockets are counted apart by the browser.
//!
//! What each kind of socket may hold:
//! - every connection: each request head within [`Limits::header_timeout`]
//!   of waiting for it (so an idle kept-alive socket is closed too), and
//!   [`Limits::lifetime`] in all, after which it finishes the request under
//!   way and closes;
//! - live-reload sockets and event streams: their own cap
//!   ([`Limits::streams`]), never the pages' share;
//! - all together: [`Limits::connections`], kept below the process's file limit.
//!
//! A page is made on the blocking pool, where a panic is caught by tokio: that
//! request gets a 500, its slot is given back by the guard's `Drop`, and the
//! server goes on.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full, StreamBody, combinators::UnsyncBoxBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Message, Role, WebSocketConfig};

use super::http::{self, Hosts};

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Makes the answer to a GET or HEAD of any path but the live-reload ones.
pub type Handler = dyn Fn(&str) -> Response<Bytes> + Send + Sync;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections of every kind.
    pub connections: usize,
    /// Live-reload sockets and event streams, within `connections`.
    pub streams: usize,
    /// The whole request head must arrive within this.
    pub header_timeout: Duration,
    /// A page connection is closed this long after it was opened.
    pub lifetime: Duration,
    /// Request line and headers together; more is 431.
    pub header_bytes: usize,
    /// How often a live-reload socket is pinged, so dead ones are noticed.
    pub ping: Duration,
}

impl Limits {
    /// The limits for a process that may open `files` descriptors.
    pub fn for_files(files: usize) -> Limits {
        let streams = 256;
        Limits {
            // Room for the watcher, the content being read and stdio.
            connections: files.saturating_sub(128).clamp(64, 4096),
            streams,
            header_timeout: Duration::from_secs(10),
            lifetime: Duration::from_secs(60),
            header_bytes: 16 * 1024,
            ping: Duration::from_secs(15),
        }
    }
}

pub struct Config {
    pub limits: Limits,
    pub hosts: Hosts,
    pub handler: Arc<Handler>,
    /// The build generation; every change is a reload for open pages.
    pub reloads: watch::Receiver<u64>,
}

/// One counted place; given back when dropped, also while unwinding.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        count
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(count.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What is open now, for tests and for the caps.
#[derive(Default)]
pub struct Counts {
    pub connections: Arc<AtomicUsize>,
    pub streams: Arc<AtomicUsize>,
}

/// Accept connections until the runtime stops.
pub async fn serve(listener: tokio::net::TcpListener, config: Arc<Config>, counts: Arc<Counts>) {
    let mut told_full = false;
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was
                // taken: wait for sockets to close rather than spin.
                if !told_full {
                    eprintln!("warning: 无法接受新的连接：{e}（稍后自动重试）");
                    told_full = true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        told_full = false;
        let Some(slot) = Slot::take(&counts.connections, config.limits.connections) else {
            // Full: say so in one write, never wait on this client.
            let _ = stream.try_write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            continue;
        };
        let config = config.clone();
        let counts = counts.clone();
        tokio::spawn(connection(stream, config, counts, slot));
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    config: Arc<Config>,
    counts: Arc<Counts>,
    _slot: Slot,
) {
    let _ = stream.set_nodelay(true);
    // Set when the request is an event stream, which outlives `lifetime`.
    let long_lived = Arc::new(AtomicBool::new(false));
    let service = {
        let long_lived = long_lived.clone();
        let config = config.clone();
        hyper::service::service_fn(move |req| {
            let config = config.clone();
            let counts = counts.clone();
            let long_lived = long_lived.clone();
            async move { Ok::<_, Infallible>(respond(req, &config, &counts, &long_lived).await) }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Runs from the moment hyper waits for a request head, so it also
        // closes a kept-alive socket that sends nothing more.
        .header_read_timeout(config.limits.header_timeout)
        .max_header_size(config.limits.header_bytes)
        .title_case_headers(true);
    let conn = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        () = tokio::time::sleep(config.limits.lifetime) => {}
    }
    if long_lived.load(Ordering::SeqCst) {
        let _ = conn.await;
        return;
    }
    // Finish the request under way (a browser retries one that never
    // started), then close, however slowly the client reads.
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(config.limits.header_timeout, conn).await;
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(text.to_owned())).boxed_unsync());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // A refused request is the last on its connection.
    if status.is_client_error() || status.is_server_error() {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    r
}

async fn respond(
    req: Request<Incoming>,
    config: &Config,
    counts: &Counts,
    long_lived: &AtomicBool,
) -> Response<Body> {
    // A browser always sends Host; a request without one cannot come from a
    // rebinding page, so tools that leave it out are served.
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return plain(StatusCode::BAD_REQUEST, "400 请求里有两个 Host\n");
    }
    let named = host
        .map(|h| h.to_str().unwrap_or("\u{fffd}").to_owned())
        .into_iter()
        .chain(req.uri().authority().map(|a| a.as_str().to_owned()));
    for name in named {
        if !config.hosts.allows(&name) {
            let shown: String = name.escape_debug().take(200).collect();
            return plain(
                StatusCode::FORBIDDEN,
                &format!(
                    "403 这个预览只回答发给本机的请求，不认识 Host: {shown}。\n若是有意用这个名字访问，请这样启动：qingpai serve --allowed-host {}\n\
                     403 this preview answers only requests for this machine (Host: {shown}); to allow the name, start it with --allowed-host NAME\n",
                    super::http::plain_host(&name).unwrap_or_else(|| "NAME".into())
                ),
            );
        }
    }
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 只能用 GET 或 HEAD\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    match req.uri().path() {
        http::SOCKET_PATH => return websocket(req, config, counts),
        http::EVENTS_PATH => return events(config, counts, long_lived),
        _ => {}
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let handler = config.handler.clone();
    let shown_path: String = path.chars().take(200).collect();
    match tokio::task::spawn_blocking(move || handler(&path)).await {
        Ok(r) => r.map(|b| Full::new(b).boxed_unsync()),
        Err(e) => {
            if e.is_panic() {
                eprintln!(
                    "error: 内部错误：回答 {shown_path} 时出错，这个请求得到 500，预览继续运行。请把上面的信息报告给开发者。"
                );
            }
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500 内部错误：这个页面没能生成，终端里有详细信息。预览仍在运行。\n",
            )
        }
    }
}

/// The live-reload socket: `reload` after every build, a ping every
/// `limits.ping` so a closed tab is noticed.
fn websocket(req: Request<Incoming>, config: &Config, counts: &Counts) -> Response<Body> {
    // Any page may open a WebSocket to any host: only our own pages may listen.
    if let Some(origin) = req.headers().get(header::ORIGIN)
        && !origin.to_str().is_ok_and(|o| config.hosts.allows_origin(o))
    {
        return plain(StatusCode::FORBIDDEN, "403 只有本预览的页面可以连接\n");
    }
    let h = req.headers();
    let wants_upgrade = h
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
        && h.get_all(header::CONNECTION).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
            })
        })
        && h.get(header::SEC_WEBSOCKET_VERSION)
            .is_some_and(|v| v.as_bytes() == b"13");
    let Some(key) = h.get(header::SEC_WEBSOCKET_KEY).filter(|_| wants_upgrade) else {
        let mut r = plain(
            StatusCode::UPGRADE_REQUIRED,
            "426 这是页面自动刷新用的 WebSocket 地址\n",
        );
        r.headers_mut()
            .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        return r;
    };
    let Some(slot) = Slot::take(&counts.streams, config.limits.streams) else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 打开的页面太多，这一页不会自动刷新\n",
        );
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let mut reloads = config.reloads.clone();
    reloads.mark_unchanged();
    let ping = config.limits.ping;
    tokio::spawn(async move {
        let _slot = slot;
        let Ok(upgraded) = hyper::upgrade::on(req).await else {
            return;
        };
        // The pages send nothing but control frames: a small message limit
        // keeps a client from making the server buffer much.
        let ws_config = WebSocketConfig::default()
            .max_message_size(Some(4096))
            .max_frame_size(Some(4096));
        let mut ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(ws_config))
                .await;
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + ping, ping);
        loop {
            let message = tokio::select! {
                changed = reloads.changed() => match changed {
                    Ok(()) => Message::text("reload"),
                    Err(_) => break,
                },
                _ = ticks.tick() => Message::Ping(Bytes::new()),
                incoming = ws.next() => match incoming {
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                },
            };
            // A client that stops reading must not hold the task forever.
            match tokio::time::timeout(ping, ws.send(message)).await {
                Ok(Ok(())) => {}
                _ => break,
            }
        }
    });
    let mut r = Response::new(Full::new(Bytes::new()).boxed_unsync());
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    r
}

/// Server-Sent Events, for tools (a browser page uses the WebSocket): a
/// `reload` after every build, a comment every `limits.ping`.
fn events(config: &Config, counts: &Counts, long_lived: &AtomicBool) -> Response<Body> {
    let Some(slot) = Slot::take(&counts.streams, config.limits.streams) else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "503 打开的事件流太多\n");
    };
    long_lived.store(true, Ordering::SeqCst);
    let mut reloads = config.reloads.clone();
    reloads.mark_unchanged();
    let ping = config.limits.ping;
    let ticks = tokio::time::interval_at(tokio::time::Instant::now() + ping, ping);
    let first: &'static [u8] = b": connected\n\n";
    let stream = futures_util::stream::unfold(
        (reloads, ticks, slot, Some(first)),
        |(mut reloads, mut ticks, slot, first)| async move {
            let data: &'static [u8] = match first {
                Some(f) => f,
                None => tokio::select! {
                    changed = reloads.changed() => {
                        changed.ok()?;
                        b"data: reload\n\n"
                    }
                    _ = ticks.tick() => b": ping\n\n",
                },
            };
            Some((
                Ok::<_, Infallible>(Frame::data(Bytes::from_static(data))),
                (reloads, ticks, slot, None),
            ))
        },
    );
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A server on a free port with `handler`, on its own runtime.
    fn start(handler: Arc<Handler>) -> (u16, Arc<Counts>, tokio::runtime::Runtime) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = std_listener.local_addr().unwrap().port();
        std_listener.set_nonblocking(true).unwrap();
        let counts = Arc::new(Counts::default());
        let (_tx, reloads) = watch::channel(0);
        let config = Arc::new(Config {
            limits: Limits::for_files(1024),
            hosts: Hosts::default(),
            handler,
            reloads,
        });
        let c = counts.clone();
        rt.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            serve(listener, config, c).await;
        });
        (port, counts, rt)
    }

    fn get(port: u16, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn a_panic_is_a_500_for_that_request_only() {
        let (port, counts, _rt) = start(Arc::new(|path: &str| {
            assert!(path != "/boom", "a handler that panics");
            Response::new(Bytes::from_static(b"fine"))
        }));
        for _ in 0..20 {
            let r = get(port, "/boom");
            assert!(r.starts_with("HTTP/1.1 500"), "{r}");
        }
        let r = get(port, "/page");
        assert!(r.starts_with("HTTP/1.1 200") && r.ends_with("fine"), "{r}");
        // Every slot is given back, the panicking ones too.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while counts.connections.load(Ordering::SeqCst) != 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "slots were not given back"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_caps_hold_and_free() {
        let count = Arc::new(AtomicUsize::new(0));
        let a = Slot::take(&count, 2).unwrap();
        let _b = Slot::take(&count, 2).unwrap();
        assert!(Slot::take(&count, 2).is_none());
        drop(a);
        assert!(Slot::take(&count, 2).is_some());
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
