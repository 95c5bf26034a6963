//! `cargo xtask csp <index.html>`: gives the built page a Content-Security-Policy.
//!
//! Trunk writes its loader as an inline `<script type="module">`, so a policy cannot simply
//! forbid inline scripts: this allows exactly the scripts the page has, by their SHA-256, and
//! nothing else inline. Trunk runs it as a post-build hook on the staged `index.html`, so
//! `cargo xtask build` and `cargo xtask dev` both serve the page with the policy in it.
//!
//! What the app needs, and so all it gets:
//! - scripts and the audio worklet from its own origin, and `wasm-unsafe-eval` to compile
//!   its WebAssembly (the app and the DSP);
//! - `connect-src 'self' ws: wss:`: its own files, and the SIP WebSocket, whose host the
//!   deployment chooses (STUN/TURN traffic is not subject to CSP);
//! - styles and images from its own origin; no plugins, no `<base>`, no form posts.
//!
//! Under `cargo xtask dev`, trunk also injects its live-reload script, whose text it rewrites
//! for every response (the server's address), so no hash can name it. Trunk.toml has trunk
//! tag the scripts it writes with a nonce placeholder, which `trunk serve` replaces with a
//! fresh nonce in every response: when xtask runs trunk serve (it sets [`DEV_ENV`]), the
//! policy also allows that nonce, so exactly trunk's scripts run. Otherwise the placeholders
//! are taken out and the policy is the same as it would be without them.
//!
//! `frame-ancestors` (which CRMs may embed the phone) only works as an HTTP header, so it is
//! the web server's to send (README, "Embedding the phone in a CRM", has an example). The CRM
//! bridge needs nothing added here: `postMessage` is not subject to CSP, and `embed.json`
//! is fetched from the page's own origin (`connect-src 'self'`).

use std::fs;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::util::{bail, Context, Result};

const META_START: &str = r#"<meta http-equiv="Content-Security-Policy" content=""#;

/// Set (to anything) in the environment of `trunk serve` by `cargo xtask dev`.
pub(crate) const DEV_ENV: &str = "SOFTPHONE_DEV_SERVE";

/// Trunk's default `nonce_placeholder` (Trunk.toml: `create_nonce = true`).
const NONCE_PLACEHOLDER: &str = "{{__TRUNK NONCE__}}";

pub(crate) fn run(args: &[String]) -> Result {
    let [file] = args else {
        bail!("usage: cargo xtask csp <index.html>");
    };
    let path = Path::new(file);
    let html = fs::read_to_string(path).context(format_args!("read {}", path.display()))?;
    let out = with_policy(&html, std::env::var_os(DEV_ENV).is_some())?;
    fs::write(path, out).context(format_args!("write {}", path.display()))?;
    println!("csp: policy written into {}", path.display());
    Ok(())
}

/// The policy for a page whose inline scripts have these `sha256-...` sources, and, in
/// development, trunk's nonce.
fn policy(inline_scripts: &[String], dev: bool) -> String {
    let mut hashes: String = inline_scripts.iter().map(|h| format!(" '{h}'")).collect();
    if dev {
        hashes.push_str(&format!(" 'nonce-{NONCE_PLACEHOLDER}'"));
    }
    [
        "default-src 'self'".to_owned(),
        format!("script-src 'self' 'wasm-unsafe-eval'{hashes}"),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "connect-src 'self' ws: wss:".to_owned(),
        "media-src 'self' blob: mediastream:".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'none'".to_owned(),
    ]
    .join("; ")
}

/// The body of every inline `<script>` (one with no `src`), in order.
fn inline_scripts(html: &str) -> Result<Vec<&str>> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            bail!("unterminated <script> tag");
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            bail!("<script> without </script>");
        };
        if !tag.contains(" src=") {
            found.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close + "</script>".len()..];
    }
    Ok(found)
}

/// `html` with the policy as the first element of `<head>` (replacing one put there before);
/// `dev`: trunk serve's nonce is allowed, otherwise its placeholders are removed.
fn with_policy(html: &str, dev: bool) -> Result<String> {
    let mut html = without_policy(html);
    if !dev {
        html = html.replace(&format!(" nonce=\"{NONCE_PLACEHOLDER}\""), "");
    }
    let hashes: Vec<String> = inline_scripts(&html)?
        .into_iter()
        .map(|body| {
            let digest = Sha256::digest(body.as_bytes());
            format!(
                "sha256-{}",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let Some(head) = html.find("<head>") else {
        bail!("no <head> in the page");
    };
    let head = head + "<head>".len();
    let meta = format!("\n    {META_START}{}\" />", policy(&hashes, dev));
    Ok(format!("{}{meta}{}", &html[..head], &html[head..]))
}

fn without_policy(html: &str) -> String {
    let Some(start) = html.find(META_START) else {
        return html.to_owned();
    };
    let end = html[start..]
        .find("/>")
        .map_or(html.len(), |e| start + e + 2);
    // The newline and indent put before it.
    let start = html[..start].trim_end_matches([' ', '\n']).len();
    format!("{}{}", &html[..start], &html[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html>\n<html>\n  <head>\n    <title>x</title>\n<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\n    <script src=\"/other.js\"></script>\n  </head>\n  <body></body>\n</html>\n";

    #[test]
    fn hashes_exactly_the_inline_scripts() {
        let out = with_policy(PAGE, false).unwrap();
        let body = "\nimport init from '/app.js';\nawait init();\n";
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
        assert!(
            out.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{out}"
        );
        assert_eq!(
            out.matches("sha256-").count(),
            1,
            "the src= script is not inline"
        );
        assert!(out.contains("<head>\n    <meta http-equiv=\"Content-Security-Policy\""));
        assert!(out.contains("object-src 'none'"));
    }

    #[test]
    fn running_twice_changes_nothing() {
        let once = with_policy(PAGE, false).unwrap();
        assert_eq!(with_policy(&once, false).unwrap(), once);
        assert_eq!(without_policy(&once), PAGE);
    }

    #[test]
    fn a_changed_loader_gets_a_new_hash() {
        let other = PAGE.replace("await init();", "await init({});");
        assert_ne!(
            with_policy(PAGE, false).unwrap(),
            with_policy(&other, false).unwrap()
        );
    }

    #[test]
    fn trunk_serve_gets_its_nonce_and_a_build_none() {
        let served = PAGE
            .replace(
                "<script type=\"module\">",
                "<script type=\"module\" nonce=\"{{__TRUNK NONCE__}}\">",
            )
            .replace(
                "</body>",
                "<script nonce=\"{{__TRUNK NONCE__}}\">reload('{{__TRUNK_ADDRESS__}}')</script></body>",
            );
        let built = with_policy(&served, false).unwrap();
        assert!(!built.contains("TRUNK NONCE"), "{built}");
        assert!(!built.contains("'nonce-"), "{built}");
        // The loader's hash is the same as without trunk's placeholders.
        let plain = with_policy(PAGE, false).unwrap();
        let hash = |p: &str| p[p.find("sha256-").unwrap()..][..51].to_owned();
        assert_eq!(hash(&built), hash(&plain));

        let dev = with_policy(&served, true).unwrap();
        assert!(
            dev.contains("'sha256-") && dev.contains("'nonce-{{__TRUNK NONCE__}}'; style-src"),
            "{dev}"
        );
        assert_eq!(dev.matches("nonce=\"{{__TRUNK NONCE__}}\"").count(), 2);
    }

    #[test]
    fn broken_pages_are_refused() {
        assert!(with_policy("<html><body></body></html>", false).is_err());
        assert!(with_policy("<head><script>never closed", false).is_err());
    }
}
