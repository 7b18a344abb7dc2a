//! `qingpai serve` for real: a server on a free port over a copy of a fixture
//! site, edited while it runs.

mod common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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
    let mut child = Command::new(common::bin())
        .args(["serve", "--port", "0", "--no-previews", "--content"])
        .arg(fx.path())
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
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
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
        page.contains("红旗社区") && page.contains("EventSource"),
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
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\n\r\n").unwrap();
        let mut head = String::new();
        BufReader::new(s).read_line(&mut head).unwrap();
        assert!(head.contains("200"), "{path}: {head}");
        let (_, _) = get(server.port, path);
        let raw = {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\n\r\n").unwrap();
            let mut b = Vec::new();
            s.read_to_end(&mut b).unwrap();
            String::from_utf8_lossy(&b).into_owned()
        };
        assert!(raw.contains(&format!("Content-Type: {kind}")), "{path}");
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
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(s, "GET //standard HTTP/1.1\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 301"), "{raw}");
    assert!(
        raw.contains("Location: /standard/\r\n"),
        "never //standard/, which a browser reads as a host: {raw}"
    );
}
