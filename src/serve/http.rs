//! What a request means, apart from how it arrives: the path checked and mapped
//! to a key of the in-memory site, the content type of a key, and whether a
//! `Host` (or `Origin`) names this machine. The server (`server.rs`) speaks
//! HTTP; this module never sees a socket, so all of it is unit-tested.

use std::net::IpAddr;

/// What a request asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its key (`communities/hongqi/index.html`).
    File(String),
    /// The live-reload WebSocket (what the pages use).
    Socket,
    /// The live-reload event stream (Server-Sent Events, for scripts and tools).
    Events,
    /// The server's state, as JSON (generation, errors).
    Status,
}

pub const SOCKET_PATH: &str = "/__qingpai/ws";
pub const EVENTS_PATH: &str = "/__qingpai/events";
pub const STATUS_PATH: &str = "/__qingpai/status";

#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not a path we could ever serve (`..`, a backslash, a NUL, bad encoding): 400.
    Malformed,
}

/// Percent-decode, refusing what a lenient decoder would pass through as it
/// is (`%zz`, a `%` at the end) and anything that is not UTF-8 once decoded.
fn percent_decode(s: &str) -> Result<String, BadPath> {
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            return Err(BadPath::Malformed);
        }
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| BadPath::Malformed)
}

/// Map a request path to what it asks for. Any `..` segment, backslash or NUL
/// (also percent-encoded) is refused rather than resolved.
pub fn target(raw: &str) -> Result<Target, BadPath> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(BadPath::Malformed);
    }
    let decoded = percent_decode(path)?;
    if decoded.contains(['\\', '\0']) {
        return Err(BadPath::Malformed);
    }
    match decoded.as_str() {
        SOCKET_PATH => return Ok(Target::Socket),
        EVENTS_PATH => return Ok(Target::Events),
        STATUS_PATH => return Ok(Target::Status),
        _ => {}
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(BadPath::Malformed),
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if decoded.ends_with('/') || key.is_empty() {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Ok(Target::File(key))
}

/// The content type of a key. A closed table rather than a MIME-guessing crate:
/// the site writes a dozen kinds of file, and a theme's extra static files are
/// the usual web kinds; anything else is `application/octet-stream`, which,
/// with `nosniff`, a browser downloads rather than runs.
pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Which `Host` names are this machine. A DNS-rebinding page reaches the
/// preview under its own name (`Host: evil.example`), so only names that
/// cannot be rebound are let in: `localhost` and `*.localhost` (browsers
/// resolve them to loopback themselves), any IP address written as one (the
/// loopback addresses and the interface `serve` binds among them: an address
/// is never looked up, so it cannot be rebound; Vite allows them for the same
/// reason), and the names given with `--allowed-host`.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    /// Lower case, without a trailing dot; a leading dot allows the name and
    /// every name under it.
    names: Vec<String>,
}

impl Hosts {
    /// From the `--allowed-host` values; the first one that is not a host name
    /// is the error, in (zh, en).
    pub fn new(extra: &[String]) -> Result<Hosts, (String, String)> {
        let mut names = Vec::new();
        for raw in extra {
            let (dot, rest) = match raw.strip_prefix('.') {
                Some(r) => (".", r),
                None => ("", raw.as_str()),
            };
            match host_name(rest) {
                Some(n) if !rest.contains(':') => names.push(format!("{dot}{n}")),
                _ => {
                    return Err((
                        format!(
                            "--allowed-host 的值“{}”不是主机名。\n  = 建议: 只写名字，不带 http:// 和端口，如 --allowed-host mypc.local（前面加点号表示它和它下面所有的名字：--allowed-host .example.lan）",
                            raw.escape_debug()
                        ),
                        format!(
                            "--allowed-host `{}` is not a host name\n  = help: write the name alone, without http:// or a port, e.g. --allowed-host mypc.local (a leading dot allows every name under it)",
                            raw.escape_debug()
                        ),
                    ));
                }
            }
        }
        Ok(Hosts { names })
    }

    /// Does a `Host` header value (`localhost:1111`, `[::1]:1111`) name this machine?
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if name.parse::<IpAddr>().is_ok() || name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        self.names.iter().any(|n| match n.strip_prefix('.') {
            Some(parent) => name == parent || name.ends_with(n.as_str()),
            None => name == *n,
        })
    }

    /// Does an `Origin` header value (`http://localhost:1111`) come from a page
    /// of this machine? (`null`, a file opened from disk, does not.)
    pub fn allows_origin(&self, origin: &str) -> bool {
        let Some(rest) = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
        else {
            return false;
        };
        !rest.contains('/') && self.allows(rest)
    }
}

/// The name in a `Host` value, fit to show in a hint (only letters, digits,
/// `-`, `.`, `_`, or an IPv6 address).
pub fn plain_host(host: &str) -> Option<String> {
    host_name(host)
}

/// The host name of a `Host` value, lower case, without the port and a
/// trailing dot; an IPv6 address without its brackets. `None` when it is not
/// a host at all (spaces, a bad port, user info, an unbracketed IPv6).
fn host_name(host: &str) -> Option<String> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (ip, after) = rest.split_once(']')?;
        ip.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (ip, port)
    } else {
        match host.rsplit_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let ok = !name.is_empty()
        && if host.starts_with('[') {
            true
        } else {
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        };
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(target("/"), Ok(Target::File("index.html".into())));
        assert_eq!(
            target("/communities/hongqi/"),
            Ok(Target::File("communities/hongqi/index.html".into()))
        );
        assert_eq!(
            target("/assets/style.css?v=1"),
            Ok(Target::File("assets/style.css".into()))
        );
        assert_eq!(
            target("/towns/%E5%9F%8E%E5%85%B3%E9%95%87/index.html"),
            Ok(Target::File("towns/城关镇/index.html".into()))
        );
        assert_eq!(target("/__qingpai/ws"), Ok(Target::Socket));
        assert_eq!(target("/__qingpai/events"), Ok(Target::Events));
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/site.yaml",
            "/a/%2E%2E/%2E%2E/x",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "/%4",
            "/%",
            "/%FF",
            "/%C3%28",
            "relative",
        ] {
            assert_eq!(target(bad), Err(BadPath::Malformed), "{bad}");
        }
        assert_eq!(
            target("//etc/passwd"),
            Ok(Target::File("etc/passwd".into())),
            "a key, looked up in memory only"
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(content_type("x.exe"), "application/octet-stream");
    }

    #[test]
    fn hosts() {
        let hosts = Hosts::new(&["mypc.lan".into(), ".example.lan".into()]).unwrap();
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST.:1111",
            "app.localhost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.8.9.10:1",
            "[::1]:1111",
            "[::1]",
            "192.168.1.20:1111",
            "[fe80::1]:80",
            "mypc.lan:1111",
            "MyPC.lan",
            "example.lan",
            "a.b.example.lan:1",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "mypc.lan.evil.example",
            "notexample.lan",
            "::1",
            "[::1]x",
            "[::1]:",
            "[evil]:1",
            "localhost:",
            "localhost:abc",
            "localhost:1111:1",
            "user@localhost",
            "local host",
            "",
            ":1111",
            "2130706433",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        assert!(hosts.allows_origin("http://localhost:1111"));
        assert!(hosts.allows_origin("https://[::1]:1111"));
        assert!(!hosts.allows_origin("http://evil.example"));
        assert!(!hosts.allows_origin("null"));
        assert!(!hosts.allows_origin("http://localhost:1111/x"));
        assert!(Hosts::new(&["http://x".into()]).is_err());
        assert!(Hosts::new(&["x:1111".into()]).is_err());
        assert!(Hosts::new(&["".into()]).is_err());
        assert!(Hosts::new(&["a b".into()]).is_err());
    }
}
