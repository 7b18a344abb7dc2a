//! A small HTTP/1.1 server for `serve`: GET and HEAD of the in-memory site,
//! Server-Sent Events for live reload. One request per connection; every
//! path is checked before it is looked up, so nothing outside the site is
//! ever served (there is no disk access at all).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// What a request asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its key (`communities/hongqi/index.html`).
    File(String),
    /// The live-reload event stream.
    Events,
    /// The server's state, as JSON (generation, errors).
    Status,
}

#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not a path we could ever serve (`..`, a backslash, a NUL, bad encoding): 400.
    Malformed,
}

fn percent_decode(s: &str) -> Result<String, BadPath> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or(BadPath::Malformed)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| BadPath::Malformed)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadPath::Malformed)
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
        "/__qingpai/events" => return Ok(Target::Events),
        "/__qingpai/status" => return Ok(Target::Status),
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

pub fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

pub struct Request {
    pub method: String,
    pub path: String,
}

/// Read the request line and headers: at most 16 KB, and 5 s for the whole
/// request however slowly it trickles in.
pub fn read_request(stream: &TcpStream) -> Option<Request> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut reader = BufReader::new(stream.take(16 * 1024));
    let mut next_line = |line: &mut String| -> Option<usize> {
        let left = deadline.checked_duration_since(std::time::Instant::now())?;
        reader
            .get_ref()
            .get_ref()
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .ok()?;
        reader.read_line(line).ok()
    };
    let mut line = String::new();
    next_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    // Skip the headers.
    loop {
        let mut h = String::new();
        if next_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    Some(Request { method, path })
}

pub fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    head: bool,
) {
    let mut header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        header.push_str(&format!("{k}: {v}\r\n"));
    }
    header.push_str("\r\n");
    let _ = stream.write_all(header.as_bytes());
    if !head {
        let _ = stream.write_all(body);
    }
    let _ = stream.flush();
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
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/site.yaml",
            "/a/%2E%2E/%2E%2E/x",
            "/a\\..\\b",
            "/%00",
            "/%zz",
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
}
