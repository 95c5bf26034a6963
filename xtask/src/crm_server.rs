//! The example CRM of `cargo xtask dev`, on an origin of its own (another port), so a
//! newcomer sees the phone embedded the way a deployment's CRM embeds it.
//!
//! A few static files on loopback need no web framework: one thread per request, GET and
//! HEAD only, nothing outside `www/embed/`. It also answers the phone's `embed.json` (trunk
//! proxies it here), naming this origin: the deployed default allows no embedding page.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

use crate::util::{root, Context, Result};

/// Where the example CRM is served.
pub(crate) const CRM_PORT: u16 = 8081;

/// The path trunk's proxy asks for in place of the phone's `embed.json`.
pub(crate) const DEV_EMBED_JSON: &str = "/dev-embed.json";

/// The CRM's origin.
pub(crate) fn origin() -> String {
    format!("http://127.0.0.1:{CRM_PORT}")
}

/// Starts serving in the background, for as long as the process lives.
pub(crate) fn start() -> Result {
    let listener = TcpListener::bind(("127.0.0.1", CRM_PORT))
        .context(format_args!("the example CRM's port 127.0.0.1:{CRM_PORT}"))?;
    let dir = root().join("www/embed");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            thread::spawn(move || {
                // A browser that went away mid-answer is no concern of the server's.
                let _ = serve(stream, &dir);
            });
        }
    });
    Ok(())
}

fn serve(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut first = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    // Only the request line matters; a line longer than any path we serve is refused.
    reader.by_ref().take(2048).read_line(&mut first)?;
    let mut words = first.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let answer = match method {
        "GET" | "HEAD" => answer(dir, path),
        _ => Answer::status(405, "Method Not Allowed"),
    };
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        answer.code,
        answer.reason,
        answer.content_type,
        answer.body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&answer.body)?;
    }
    stream.flush()
}

struct Answer {
    code: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Answer {
    fn status(code: u16, reason: &'static str) -> Self {
        Self {
            code,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: reason.as_bytes().to_vec(),
        }
    }

    fn ok(content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            code: 200,
            reason: "OK",
            content_type,
            body,
        }
    }
}

fn answer(dir: &Path, path: &str) -> Answer {
    if path == DEV_EMBED_JSON {
        let json = format!(
            r#"{{ "allowed_origins": ["{}"], "credentials_sign_in": false }}"#,
            origin()
        );
        return Answer::ok("application/json", json.into_bytes());
    }
    let Some(file) = file_of(dir, path) else {
        return Answer::status(404, "Not Found");
    };
    match fs::read(&file) {
        Ok(body) => Answer::ok(content_type(&file), body),
        Err(_) => Answer::status(404, "Not Found"),
    }
}

/// The file a URL path names inside `dir`; `None` for anything that would step outside it.
fn file_of(dir: &Path, path: &str) -> Option<PathBuf> {
    let rel = match path.trim_start_matches('/') {
        "" => "example-crm.html",
        p => p,
    };
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| dir.join(rel))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("ts") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_directory() {
        let dir = Path::new("/srv/embed");
        assert_eq!(
            file_of(dir, "/"),
            Some(dir.join("example-crm.html")),
            "the root is the example CRM"
        );
        assert_eq!(
            file_of(dir, "/softphone.js"),
            Some(dir.join("softphone.js"))
        );
        assert_eq!(file_of(dir, "/../Cargo.toml"), None);
        assert_eq!(file_of(dir, "/a/../../etc/passwd"), None);
        assert_eq!(file_of(dir, "//etc/passwd"), Some(dir.join("etc/passwd")));
    }

    #[test]
    fn the_dev_embed_json_names_the_crm() {
        let a = answer(Path::new("/nonexistent"), DEV_EMBED_JSON);
        assert_eq!(a.code, 200);
        let text = String::from_utf8(a.body).unwrap();
        assert!(text.contains(&origin()), "{text}");
        assert!(text.contains(r#""credentials_sign_in": false"#), "{text}");
    }
}
