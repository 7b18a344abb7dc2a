//! `qingpai serve` for real: a server on a free port over a copy of a fixture
//! site, edited while it runs.

mod common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, inventory};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(fx: &Fixture) -> Server {
    start_in(fx.path(), &[])
}

/// `serve` on the content folder `content`, with more arguments.
fn start_in(content: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(common::bin())
        .args(["serve", "--port", "0", "--no-previews", "--content"])
        .arg(content)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let port = loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "serve ended before it listened"
        );
        if let Some(at) = line.find("http://127.0.0.1:") {
            let rest = &line[at + 17..];
            break rest[..rest.find('/').unwrap()].parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no address printed");
    };
    // Keep draining the terminal output so the server never blocks on it.
    std::thread::spawn(move || for _ in out.lines() {});
    Server { child, port }
}

/// GET a raw path: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = request(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Send raw bytes, read the answer to its end: (status, head, body).
fn request(port: u16, raw: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let at = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..at]).into_owned();
    let status = head[9..12].parse().unwrap();
    (status, head, buf[at + 4..].to_vec())
}

fn generation(port: u16) -> u64 {
    let (_, body) = get(port, "/__qingpai/status");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["generation"].as_u64().unwrap()
}

/// The event stream: waits for the next `reload`.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /__qingpai/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        while r.read_line(&mut line).unwrap() > 0 && !line.contains(": connected") {
            line.clear();
        }
        Events(r)
    }

    /// Time until a `data: reload` line, if it comes within `within`.
    fn reload(&mut self, within: Duration) -> Option<Duration> {
        let start = Instant::now();
        let mut line = String::new();
        while start.elapsed() < within {
            line.clear();
            match self.0.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) if line.trim() == "data: reload" => return Some(start.elapsed()),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}

fn fixture() -> Fixture {
    Fixture::new(&[
        ("communities/城关镇/hongqi.yaml", &inventory(&[])),
        (
            "communities/城关镇/xingfu.yaml",
            &inventory(&[("id", "id: xingfu\n"), ("name", "name: 幸福社区\n")])
                .replace("红旗", "幸福"),
        ),
    ])
}

#[test]
fn an_edit_reloads_the_page_within_two_seconds() {
    let fx = fixture();
    let server = start(&fx);
    let (status, page) = get(server.port, "/communities/hongqi/index.html");
    assert_eq!(status, 200);
    assert!(
        page.contains("红旗社区") && page.contains("/__qingpai/ws"),
        "the reload script is injected"
    );
    let mut events = Events::open(server.port);
    fx.write(
        "communities/城关镇/hongqi.yaml",
        &inventory(&[(
            "awards",
            "awards:\n  - {title: 新挂的奖牌, display: wall}\n",
        )]),
    );
    let took = events
        .reload(Duration::from_secs(2))
        .expect("a reload event within 2 s");
    let (_, page) = get(server.port, "/communities/hongqi/index.html");
    assert!(page.contains("新挂的奖牌"), "the page changed ({took:?})");
    let (_, index) = get(server.port, "/index.html");
    assert!(index.contains("不合规"), "the overview follows");
}

#[test]
fn broken_input_shows_an_overlay_until_fixed() {
    let fx = fixture();
    let server = start(&fx);
    // Opened before it breaks: its last good page is kept.
    let (status, _) = get(server.port, "/communities/xingfu/index.html");
    assert_eq!(status, 200);
    let mut events = Events::open(server.port);
    fx.write(
        "communities/城关镇/xingfu.yaml",
        "id: xingfu\nname: 幸福社区\ngate: [\n",
    );
    events
        .reload(Duration::from_secs(2))
        .expect("a reload event");
    for page in [
        "/index.html",
        "/communities/hongqi/index.html",
        "/no-such-page",
    ] {
        let (_, body) = get(server.port, page);
        assert!(body.contains("qingpai-overlay"), "{page}");
        assert!(
            body.contains("communities/城关镇/xingfu.yaml:3:7")
                || body.contains("communities/城关镇/xingfu.yaml:4:"),
            "{page}: {}",
            &body[body.find("qingpai-overlay").unwrap()..][..400]
        );
    }
    let (_, old) = get(server.port, "/communities/xingfu/index.html");
    assert!(
        old.contains("幸福社区"),
        "the last good page is still served"
    );
    fx.write(
        "communities/城关镇/xingfu.yaml",
        &inventory(&[("id", "id: xingfu\n"), ("name", "name: 幸福社区\n")]).replace("红旗", "幸福"),
    );
    events
        .reload(Duration::from_secs(2))
        .expect("a reload event");
    let (_, body) = get(server.port, "/index.html");
    assert!(!body.contains("qingpai-overlay"));
}

#[test]
fn a_save_through_rename_is_one_rebuild() {
    let fx = fixture();
    let server = start(&fx);
    let before = generation(server.port);
    let mut events = Events::open(server.port);
    // What vim and VS Code do: write a temporary file, then rename it over.
    let dir = fx.path().join("communities/城关镇");
    std::fs::write(dir.join(".hongqi.yaml.swp"), "swap").unwrap();
    std::fs::write(
        dir.join("hongqi.yaml.tmp"),
        inventory(&[("header", "header:\n  - 中国社区\n")]),
    )
    .unwrap();
    std::fs::rename(dir.join("hongqi.yaml.tmp"), dir.join("hongqi.yaml")).unwrap();
    std::fs::remove_file(dir.join(".hongqi.yaml.swp")).unwrap();
    events.reload(Duration::from_secs(2)).expect("a reload");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(generation(server.port), before + 1, "exactly one rebuild");
}

#[test]
fn paths_never_leave_the_site() {
    let fx = fixture();
    let server = start(&fx);
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/communities/../../site.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "/a%5c..%5c..%5csite.yaml",
        "/%00",
    ] {
        let (status, body) = get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("title: 测试县公示"),
            "{path} served a content file"
        );
    }
    for (path, kind) in [
        ("/", "text/html"),
        ("/assets/style.css", "text/css"),
        ("/assets/site.js", "text/javascript"),
        ("/communities/hongqi/gate.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/__qingpai/status", "application/json"),
    ] {
        // No Host: a tool's request, not a rebinding page's.
        let (status, head, _) = request(
            server.port,
            format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert_eq!(status, 200, "{path}: {head}");
        assert!(
            head.contains(&format!("Content-Type: {kind}")),
            "{path}: {head}"
        );
    }
    let (status, page) = get(server.port, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(page.contains("找不到这个页面"));
    // What is served is never written into a published site.
    assert!(!fx.path().join("output").exists());
}

#[test]
fn a_port_in_use_says_so() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let fx = fixture();
    let out = common::qingpai_in(fx.path(), &["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("已被占用") && err.contains("--port"), "{err}");
}

#[test]
fn ctrl_c_stops_it_cleanly() {
    let fx = fixture();
    let mut server = start(&fx);
    // SAFETY: sending SIGINT to our own child process.
    unsafe { libc::kill(server.child.id() as libc::pid_t, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    let left: Vec<_> = std::fs::read_dir(fx.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "nothing written beside the content: {left:?}"
    );
}

#[test]
fn redirects_are_built_from_the_checked_path() {
    let fx = fixture();
    let server = start(&fx);
    let (status, raw, _) = request(
        server.port,
        b"GET //standard HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 301, "{raw}");
    assert!(
        raw.contains("Location: /standard/"),
        "never //standard/, which a browser reads as a host: {raw}"
    );
}

/// A live-reload WebSocket, as a page opens it; frames read by hand (the
/// server's are never masked).
struct Socket(TcpStream);

impl Socket {
    /// The handshake; the status line of the refusal otherwise.
    fn open(port: u16, host: &str, origin: &str) -> Result<Socket, String> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            s,
            "GET /__qingpai/ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
        )
        .unwrap();
        // Byte by byte up to the blank line, so no frame is read with the head.
        let mut head = Vec::new();
        let mut b = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            if s.read(&mut b).unwrap_or(0) == 0 {
                break;
            }
            head.push(b[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        if !head.starts_with("HTTP/1.1 101") {
            return Err(head.lines().next().unwrap_or("").to_owned());
        }
        // The accept key of RFC 6455's own example.
        assert!(
            head.contains("Sec-Websocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                || head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            "{head}"
        );
        Ok(Socket(s))
    }

    /// Time until a `reload` text frame, if it comes within `within`.
    fn reload(&mut self, within: Duration) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < within {
            let mut h = [0u8; 2];
            self.0.read_exact(&mut h).ok()?;
            let len = match h[1] & 0x7f {
                126 => {
                    let mut l = [0u8; 2];
                    self.0.read_exact(&mut l).ok()?;
                    u64::from(u16::from_be_bytes(l))
                }
                127 => {
                    let mut l = [0u8; 8];
                    self.0.read_exact(&mut l).ok()?;
                    u64::from_be_bytes(l)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(len).ok()?];
            self.0.read_exact(&mut payload).ok()?;
            if h[0] & 0x0f == 1 && payload == b"reload" {
                return Some(start.elapsed());
            }
        }
        None
    }
}

/// Resident memory of a process, in MB.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024.0
}

/// What starved pages before: 300 idle or slowloris sockets, 100 open tabs'
/// live-reload sockets, and 50 clients fetching pages at once. Every page
/// answers 200 within 2 s, memory stays under 100 MB, and every open tab
/// still gets its reload.
#[test]
fn pages_keep_answering_under_idle_slow_and_live_reload_sockets() {
    let fx = fixture();
    let server = start(&fx);
    let port = server.port;
    // 200 sockets that never send a byte, 100 that trickle a header.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                .unwrap();
            s
        })
        .collect();
    let mut sockets: Vec<Socket> = (0..100)
        .map(|i| {
            Socket::open(port, "localhost", "http://localhost")
                .unwrap_or_else(|e| panic!("live-reload socket {i}: {e}"))
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for s in &mut slow {
                    let _ = s.write_all(b"X-a: b\r\n");
                }
                std::thread::sleep(Duration::from_millis(300));
            }
            slow
        })
    };
    let pages = [
        "/",
        "/communities/hongqi/",
        "/communities/xingfu/index.html",
        "/assets/style.css",
        "/communities/hongqi/gate.svg",
        "/no/such/page",
    ];
    let clients: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let mut slowest = Duration::ZERO;
                for round in 0..6 {
                    let path = pages[(i + round) % pages.len()];
                    let t = Instant::now();
                    let (status, _) = get(port, path);
                    let took = t.elapsed();
                    let want = if path == "/no/such/page" { 404 } else { 200 };
                    assert_eq!(status, want, "{path}");
                    assert!(took < Duration::from_secs(2), "{path} took {took:?}");
                    slowest = slowest.max(took);
                }
                slowest
            })
        })
        .collect();
    let mut peak = rss_mb(server.child.id());
    let slowest = clients
        .into_iter()
        .map(|c| {
            peak = peak.max(rss_mb(server.child.id()));
            c.join().expect("a page client")
        })
        .max()
        .unwrap();
    peak = peak.max(rss_mb(server.child.id()));
    eprintln!("slowest page {slowest:?}, peak resident memory {peak:.1} MB");
    assert!(peak < 100.0, "resident memory {peak:.1} MB");
    // Every open tab still hears the next build.
    fx.write(
        "communities/城关镇/hongqi.yaml",
        &inventory(&[("header", "header:\n  - 中国社区\n")]),
    );
    for (i, s) in sockets.iter_mut().enumerate() {
        s.reload(Duration::from_secs(5))
            .unwrap_or_else(|| panic!("socket {i} got no reload"));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    drop(trickle.join());
    drop(idle);
}

#[test]
fn only_requests_for_this_machine_are_answered() {
    let fx = fixture();
    let server = start_in(fx.path(), &["--allowed-host", "mypc.lan"]);
    let port = server.port;
    let with_host = |host: &str| {
        request(
            port,
            format!(
                "GET /communities/hongqi/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
    };
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("mypc.lan.evil.example:{port}"),
    ] {
        let (status, _, body) = with_host(&host);
        assert_eq!(status, 403, "{host}");
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.contains("--allowed-host") && !body.contains("红旗社区"),
            "{host}: {body}"
        );
    }
    for host in [
        "localhost".to_owned(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("mypc.lan:{port}"),
        "MyPC.lan".to_owned(),
    ] {
        let (status, _, body) = with_host(&host);
        assert_eq!(status, 200, "{host}");
        assert!(
            String::from_utf8_lossy(&body).contains("红旗社区"),
            "{host}"
        );
    }
    // The status (with the overlay's file paths) is behind the same check.
    let (status, _, _) = request(
        port,
        b"GET /__qingpai/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 403);
    // Live reload: the host, and the page that opens the socket.
    assert!(
        Socket::open(
            port,
            &format!("127.0.0.1:{port}"),
            &format!("http://127.0.0.1:{port}")
        )
        .is_ok()
    );
    let refused = Socket::open(port, "evil.example", "http://evil.example").err();
    assert!(
        refused.as_deref().is_some_and(|l| l.contains("403")),
        "{refused:?}"
    );
    let refused = Socket::open(port, "localhost", "http://evil.example").err();
    assert!(
        refused.as_deref().is_some_and(|l| l.contains("403")),
        "{refused:?}"
    );
    // A bad --allowed-host is refused before anything starts.
    let out = common::qingpai_in(
        fx.path(),
        &[
            "serve",
            "--port",
            "0",
            "--allowed-host",
            "http://mypc.lan:1111",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("--allowed-host"));
}

#[test]
fn requests_it_cannot_read_are_refused_with_a_status() {
    let fx = fixture();
    let server = start(&fx);
    let port = server.port;
    let big = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    let (status, _, _) = request(port, big.as_bytes());
    assert_eq!(status, 431, "20 KB of headers");
    let many: String = (0..400).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let (status, _, _) = request(
        port,
        format!("GET / HTTP/1.1\r\nHost: localhost\r\n{many}\r\n").as_bytes(),
    );
    assert!(status == 431 || status == 400, "400 headers: {status}");
    for raw in [
        &b"GET /\xff\xfe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"[..],
        b"GET /%FF%FE HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET /\xe5\x9f HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\r\nConnection: close\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n",
    ] {
        let (status, head, _) = request(port, raw);
        assert!(
            status == 400 || status == 403,
            "{:?}: {head}",
            String::from_utf8_lossy(raw)
        );
    }
    let (status, _, _) = request(
        port,
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 405);
    // A socket that sends nothing is closed, and the server still answers.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 16];
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    assert!(
        t.elapsed() < Duration::from_secs(15),
        "an idle socket was held {:?}",
        t.elapsed()
    );
    assert_eq!(get(port, "/").0, 200);
}

/// A site folder as `serve` sees it: `content/` with `themes/` beside it.
struct SiteDir(tempfile::TempDir);

impl SiteDir {
    fn new(files: &[(&str, &[u8])]) -> SiteDir {
        let s = SiteDir(tempfile::tempdir().unwrap());
        for (rel, bytes) in files {
            s.write(rel, bytes);
        }
        s
    }

    fn path(&self, rel: &str) -> std::path::PathBuf {
        self.0.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn site_yaml(theme: &str) -> String {
    format!("{}theme: {theme}\n", common::SITE)
}

/// The next reload; the overlay's presence after it.
fn next_build(events: &mut Events, port: u16, what: &str) -> bool {
    events
        .reload(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no rebuild after {what}"));
    get(port, "/").1.contains("qingpai-overlay")
}

#[test]
fn the_theme_named_in_site_yaml_is_followed_when_it_changes() {
    let site = SiteDir::new(&[
        ("content/site.yaml", site_yaml("one").as_bytes()),
        (
            "content/communities/城关镇/hongqi.yaml",
            inventory(&[]).as_bytes(),
        ),
        ("themes/one/static/style.css", b"/* theme one */"),
        ("themes/two/static/style.css", b"/* theme two */"),
    ]);
    let server = start_in(&site.path("content"), &[]);
    let port = server.port;
    let css = || get(port, "/assets/style.css").1;
    assert!(css().contains("theme one"));
    let mut events = Events::open(port);
    site.write("content/site.yaml", site_yaml("two").as_bytes());
    assert!(!next_build(&mut events, port, "theme: two"));
    assert!(css().contains("theme two"), "{}", css());
    // The new theme's folder is watched now, not only the first one's.
    site.write("themes/two/static/style.css", b"/* theme two, edited */");
    assert!(!next_build(&mut events, port, "an edit in themes/two"));
    assert!(css().contains("theme two, edited"), "{}", css());
    // A theme named before its folder exists: an overlay, then the folder
    // is seen when it is made.
    site.write("content/site.yaml", site_yaml("three").as_bytes());
    assert!(
        next_build(&mut events, port, "theme: three"),
        "no theme folder yet"
    );
    site.write("themes/three/static/style.css", b"/* theme three */");
    assert!(!next_build(&mut events, port, "themes/three made"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !css().contains("theme three") {
        assert!(Instant::now() < deadline, "{}", css());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PNG of `w`×`h` pixels of one colour.
fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let data: Vec<u8> = (0..w * h).flat_map(|_| rgb).collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn get_bytes(port: u16, path: &str) -> (u16, Vec<u8>) {
    let (status, _, body) = request(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    (status, body)
}

#[test]
fn an_edited_photo_rebuilds_the_honours_sheet() {
    let award = "awards:\n  - {title: 自治区文明社区, year: 2021, display: thumbnail, photo: photos/hongqi/award.png}\n";
    let fx = Fixture::new(&[(
        "communities/城关镇/hongqi.yaml",
        &inventory(&[("awards", award)]),
    )]);
    fx.write_bytes("photos/hongqi/award.png", &png(40, 30, [200, 30, 30]));
    let server = start(&fx);
    let port = server.port;
    let (status, before) = get_bytes(port, "/communities/hongqi/honours.pdf");
    assert_eq!(status, 200);
    assert_eq!(
        get_bytes(port, "/communities/hongqi/honours.pdf").1,
        before,
        "the same sheet while nothing changes"
    );
    let generation_before = generation(port);
    let mut events = Events::open(port);
    fx.write_bytes("photos/hongqi/award.png", &png(64, 48, [30, 30, 200]));
    events
        .reload(Duration::from_secs(3))
        .expect("a rebuild after the photo changed");
    assert_eq!(generation(port), generation_before + 1);
    let (_, after) = get_bytes(port, "/communities/hongqi/honours.pdf");
    assert_ne!(after, before, "honours.pdf shows the new photo");
    // A photo nothing names changes nothing.
    fx.write_bytes("photos/other.png", &png(8, 8, [0, 0, 0]));
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(generation(port), generation_before + 1);
}

#[test]
fn a_content_folder_moved_away_and_made_again_is_followed() {
    let site = SiteDir::new(&[
        ("content/site.yaml", common::SITE.as_bytes()),
        (
            "content/communities/城关镇/hongqi.yaml",
            inventory(&[]).as_bytes(),
        ),
    ]);
    let content = site.path("content");
    let server = start_in(&content, &[]);
    let port = server.port;
    let mut events = Events::open(port);
    std::fs::rename(&content, site.path("content.old")).unwrap();
    assert!(
        next_build(&mut events, port, "the folder moved away"),
        "pages say the folder is gone"
    );
    let (_, page) = get(port, "/");
    assert!(
        page.contains("内容文件夹") && page.contains("不见了"),
        "{page}"
    );
    assert!(
        get(port, "/communities/hongqi/").1.contains("红旗社区"),
        "the last site stays"
    );
    // The moved folder is no longer followed under the old path.
    std::fs::write(
        site.path("content.old/communities/城关镇/hongqi.yaml"),
        inventory(&[("name", "name: 旧文件夹社区\n")]),
    )
    .unwrap();
    // Made again (as restoring a backup or a `git checkout` does), with an edit.
    site.write("content/site.yaml", common::SITE.as_bytes());
    site.write(
        "content/communities/城关镇/hongqi.yaml",
        inventory(&[("name", "name: 新文件夹社区\n")]).as_bytes(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, page) = get(port, "/communities/hongqi/");
        if page.contains("新文件夹社区") && !page.contains("qingpai-overlay") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new folder was not read: {page}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // And its files are watched.
    let mut events = Events::open(port);
    site.write(
        "content/communities/城关镇/hongqi.yaml",
        inventory(&[("name", "name: 再改一次社区\n")]).as_bytes(),
    );
    events
        .reload(Duration::from_secs(3))
        .expect("an edit in the new folder");
    let (_, page) = get(port, "/communities/hongqi/");
    assert!(page.contains("再改一次社区"), "{page}");
    assert!(!page.contains("旧文件夹社区"));
}

/// `serve` answers once the site is checked: a community's files are made
/// when first asked for, PDFs included, and its directory path redirects.
#[test]
fn a_community_never_asked_for_is_rendered_on_request() {
    let fx = fixture();
    let server = start(&fx);
    let (status, sheet) = get_bytes(server.port, "/communities/xingfu/sheet.pdf");
    assert_eq!(status, 200);
    assert!(sheet.starts_with(b"%PDF-"), "the sheet, made on request");
    let (status, plan) = get(server.port, "/communities/xingfu/plan.json");
    assert_eq!(status, 200);
    assert!(plan.contains("\"幸福社区\""), "{plan}");
    let (status, page) = get(server.port, "/communities/hongqi/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("红旗社区"));
    let (status, _) = get(server.port, "/communities/no-such-id/index.html");
    assert_eq!(status, 404);
}

/// `X-Qingpai-Render` of an answer: `on-demand` (this request rendered the
/// file) or `cache` (an earlier request or the warm-up did).
fn rendered_by(head: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("x-qingpai-render")
            .then(|| value.trim().to_owned())
    })
}

/// GET: (status, how it was rendered, body).
fn get_rendered(port: u16, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let (status, head, body) = request(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    (status, rendered_by(&head), body)
}

fn status_json(port: u16) -> serde_json::Value {
    let (_, body) = get(port, "/__qingpai/status");
    serde_json::from_str(&body).unwrap()
}

/// A county of `n` communities in one town, `c001`… named `第001社区`…, so
/// that the overview (and the warm-up) takes them in that order.
fn county(n: usize) -> Fixture {
    let fx = Fixture::new(&[]);
    for i in 1..=n {
        let id = format!("id: c{i:03}\n");
        let name = format!("name: 第{i:03}社区\n");
        fx.write(
            &format!("communities/城关镇/c{i:03}.yaml"),
            &inventory(&[("id", &id), ("name", &name)]),
        );
    }
    fx
}

/// The warm-up renders the communities one by one in the overview's order,
/// after the overview and the lists; a visitor asking for the one it reaches
/// last, as soon as the server answers, is not kept waiting for it: the
/// request renders the page and the sheet itself (`X-Qingpai-Render:
/// on-demand`, which it would not say had the warm-up made them).
#[test]
fn a_community_the_warm_up_has_not_reached_is_rendered_on_request() {
    let fx = county(250);
    let server = start(&fx);
    let port = server.port;
    let (status, how, sheet) = get_rendered(port, "/communities/c200/sheet.pdf");
    assert_eq!(status, 200);
    assert!(sheet.starts_with(b"%PDF-"), "the sheet of c200");
    assert_eq!(how.as_deref(), Some("on-demand"), "not warmed up yet");
    // Its page was made with the sheet, by that request.
    let (status, how, page) = get_rendered(port, "/communities/c200/index.html");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("第200社区"));
    assert_eq!(how.as_deref(), Some("cache"));
    // Past what the warm-up renders at all.
    let (status, how, page) = get_rendered(port, "/communities/c250/index.html");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("第250社区"));
    assert_eq!(how.as_deref(), Some("on-demand"));
    let s = status_json(port);
    assert!(
        s["warmed"].as_u64().unwrap() < 200,
        "the warm-up had not reached c200: {s}"
    );
}

/// Without any request the warm-up renders the overview and the lists in the
/// background, then the communities.
#[test]
fn the_warm_up_renders_the_overview_before_it_is_asked_for() {
    let fx = fixture();
    let server = start(&fx);
    let port = server.port;
    let deadline = Instant::now() + Duration::from_secs(60);
    while status_json(port)["warming"].as_bool().unwrap() {
        assert!(Instant::now() < deadline, "the warm-up never finished");
        std::thread::sleep(Duration::from_millis(100));
    }
    let s = status_json(port);
    assert_eq!(s["cached_communities"], 2, "{s}");
    for path in [
        "/index.html",
        "/towns/城关镇/index.html",
        "/assets/search-index.js",
        "/communities/xingfu/index.html",
    ] {
        let (status, how, _) = get_rendered(port, path);
        assert_eq!((status, how.as_deref()), (200, Some("cache")), "{path}");
    }
}

/// An edit makes the overview, its town's page and the search index stale:
/// they show the edit when next asked for, however they were cached before.
#[test]
fn an_edit_invalidates_the_overview_town_page_and_search_index() {
    let fx = fixture();
    let server = start(&fx);
    let port = server.port;
    let compliant = |n: usize| {
        format!(
            "<div class=\"card ok\"><span class=\"num\">{n}</span><span class=\"label\">合规</span>"
        )
    };
    let (_, index) = get(port, "/index.html");
    assert!(index.contains(&compliant(2)), "both compliant at first");
    let (_, town) = get(port, "/towns/城关镇/index.html");
    assert!(town.contains("合规 2 个"), "{town}");
    let (_, search) = get(port, "/assets/search-index.js");
    assert!(!search.contains("新挂的奖牌"));
    let (status, _) = get(port, "/communities/xingfu/index.html");
    assert_eq!(status, 200);
    let mut events = Events::open(port);
    fx.write(
        "communities/城关镇/hongqi.yaml",
        &inventory(&[(
            "awards",
            "awards:\n  - {title: 新挂的奖牌, display: wall}\n",
        )]),
    );
    events
        .reload(Duration::from_secs(3))
        .expect("a reload after the edit");
    let (_, index) = get(port, "/index.html");
    assert!(
        index.contains(&compliant(1)),
        "the overview counts the edit"
    );
    let (_, town) = get(port, "/towns/城关镇/index.html");
    assert!(town.contains("合规 1 个"), "the town page follows");
    let (_, search) = get(port, "/assets/search-index.js");
    assert!(search.contains("新挂的奖牌"), "the search index follows");
    // The other community was not edited: its page is still kept.
    let (_, how, _) = get_rendered(port, "/communities/xingfu/index.html");
    assert_eq!(how.as_deref(), Some("cache"));
}

/// A broken edit of a community a visitor has open keeps its last good page,
/// with the errors over it; fixed, the page is made again from the new file.
#[test]
fn a_broken_edit_keeps_the_last_good_page_of_an_opened_community() {
    let fx = fixture();
    let server = start(&fx);
    let port = server.port;
    let (status, page) = get(port, "/communities/xingfu/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("幸福社区服务站"), "opened while good");
    let mut events = Events::open(port);
    fx.write(
        "communities/城关镇/xingfu.yaml",
        "id: xingfu\nname: 幸福社区\ngate: [\n",
    );
    events
        .reload(Duration::from_secs(3))
        .expect("a reload after the broken edit");
    let (status, how, page) = get_rendered(port, "/communities/xingfu/index.html");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200);
    assert_eq!(how.as_deref(), Some("cache"), "the last good page, kept");
    assert!(page.contains("幸福社区服务站"), "the last good page");
    assert!(
        page.contains("qingpai-overlay") && page.contains("communities/城关镇/xingfu.yaml:"),
        "with the error over it"
    );
    // The overview is the last good one too.
    let (_, index) = get(port, "/index.html");
    assert!(index.contains("qingpai-overlay") && index.contains("幸福社区"));
    fx.write(
        "communities/城关镇/xingfu.yaml",
        &inventory(&[
            ("id", "id: xingfu\n"),
            ("name", "name: 幸福社区\n"),
            ("header", "header:\n  - 中国社区\n  - 修好以后的门头\n"),
        ])
        .replace("红旗", "幸福"),
    );
    events
        .reload(Duration::from_secs(3))
        .expect("a reload after the fix");
    let (_, page) = get(port, "/communities/xingfu/index.html");
    assert!(page.contains("修好以后的门头") && !page.contains("qingpai-overlay"));
}

/// However many communities are opened, at most 200 are kept (the least
/// recently opened go first): memory does not grow with the county.
#[test]
fn the_cache_keeps_at_most_200_communities() {
    let fx = county(230);
    let server = start_in(fx.path(), &["--no-pdf"]);
    let port = server.port;
    for i in 1..=230 {
        let (status, _, _) = get_rendered(port, &format!("/communities/c{i:03}/index.html"));
        assert_eq!(status, 200, "c{i:03}");
    }
    let s = status_json(port);
    assert_eq!(s["cached_communities"], 200, "{s}");
    let (_, how, _) = get_rendered(port, "/communities/c230/index.html");
    assert_eq!(how.as_deref(), Some("cache"), "the most recent is kept");
    let (_, how, _) = get_rendered(port, "/communities/c001/index.html");
    assert_eq!(how.as_deref(), Some("on-demand"), "the oldest was let go");
    assert_eq!(status_json(port)["cached_communities"], 200);
}

/// `serve` finds a file by asking which part makes it ([`Part::of`]) and
/// renders that part alone; `build` renders every part. The two agree: each
/// file of the whole site comes from the part `serve` would render for it,
/// with the same bytes.
#[test]
fn every_file_of_the_site_comes_from_the_part_serve_renders_for_it() {
    use qingpai::site::{Part, Renderer, Writer, pages};
    let fx = fixture();
    let content = qingpai::load::load(fx.path());
    let report = qingpai::check::check(&content);
    let theme = qingpai::theme::load(fx.path().parent().unwrap(), None).unwrap();
    let r = Renderer::new(&content, &report, &theme, Some("/"), false).with_pdf(true);
    let whole = Writer::memory();
    r.all(&whole).unwrap();
    let whole = whole.into_files();
    let summaries: Vec<pages::Summary> = content.communities.iter().map(|c| r.summary(c)).collect();
    let towns = pages::towns(&summaries);
    let mut parts = Part::site(&towns);
    parts.extend(
        content
            .communities
            .iter()
            .map(|c| Part::Community(c.id.clone())),
    );
    let mut by_part = std::collections::BTreeMap::new();
    for part in &parts {
        let w = Writer::memory();
        r.part(part, &summaries, &towns, None, &w).unwrap();
        for (path, bytes) in w.into_files() {
            assert_eq!(Part::of(&path).as_ref(), Some(part), "{path}");
            by_part.insert(path, bytes);
        }
    }
    assert!(whole.contains_key("communities/xingfu/sheet.pdf"));
    assert_eq!(
        by_part.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>()
    );
    // The PDFs' /ID is their own hash and the workbook's time the build
    // date: every file is the same, byte for byte.
    for (path, bytes) in &whole {
        assert!(by_part[path] == *bytes, "{path} differs");
    }
}

/// A page whose template fails when it is rendered answers 500 with what
/// went wrong, on the page and in the terminal; the rest of the site is
/// served as before.
#[test]
fn a_page_that_cannot_be_rendered_says_why() {
    let site = SiteDir::new(&[
        ("content/site.yaml", site_yaml("odd").as_bytes()),
        (
            "content/communities/城关镇/hongqi.yaml",
            inventory(&[]).as_bytes(),
        ),
        (
            "themes/odd/templates/town.html",
            b"{{ no_such_thing.name }}",
        ),
    ]);
    let server = start_in(&site.path("content"), &[]);
    let port = server.port;
    let (status, body) = get(port, "/towns/城关镇/index.html");
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("这个页面没能生成") && body.contains("town.html"),
        "{body}"
    );
    let (status, page) = get(port, "/communities/hongqi/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("红旗社区"));
}
