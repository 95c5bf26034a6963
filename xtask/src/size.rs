//! What the page weighs: every file it loads, raw, gzip (level 9) and brotli (quality 11),
//! printed by `cargo xtask build`; `cargo xtask test` holds the gzip total to the budget in
//! `www/size-budget.json`. Also `cargo xtask precompress DIR` (trunk's post-build hook):
//! a `.gz` and a `.br` beside each text or wasm file, for a server that sends precompressed
//! files as they are (nginx `gzip_static` / `brotli_static`; README, "Deploying").

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::{bail, root, Context, Result};

/// Files the app fetches at run time, which the built index.html does not name: the worklet
/// and its DSP (crates/web/src/audio/mod.rs), the CRM allowlist (crates/web/src/crm) and the
/// Directory (crates/app/src/components/mod.rs). A test checks the sources still name them.
const RUNTIME_FILES: [&str; 4] = [
    "mixer-worklet.js",
    "dsp.wasm",
    "embed.json",
    "directory.json",
];

/// Extensions worth compressing (the rest, e.g. images, are compressed already or absent).
const COMPRESSIBLE: [&str; 7] = ["html", "js", "mjs", "css", "wasm", "json", "ts"];

const BUDGET_FILE: &str = "www/size-budget.json";

/// One file's sizes in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub(crate) name: String,
    pub(crate) raw: usize,
    pub(crate) gzip: usize,
    pub(crate) brotli: usize,
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    enc.write_all(bytes).expect("gzip into memory");
    enc.finish().expect("gzip into memory")
}

pub(crate) fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli into memory");
    out
}

/// The local files a built index.html names in `href="/..."` or `src="/..."` (trunk's
/// loader, preloads and stylesheet), without the leading slash, in order, once each.
fn referenced(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = &rest[..end];
            // Only this origin's files: no scheme, no protocol-relative URL.
            if let Some(path) = url.strip_prefix('/').or(url.strip_prefix("./")) {
                if !path.starts_with('/') && !path.is_empty() && !found.iter().any(|f| f == path) {
                    found.push(path.to_owned());
                }
            }
        }
    }
    found
}

/// Every file the page loads, with index.html first.
fn page_files(dist: &Path) -> Result<Vec<String>> {
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).context(format_args!("read {}", index.display()))?;
    let mut files = vec!["index.html".to_owned()];
    files.extend(referenced(&html));
    files.extend(RUNTIME_FILES.iter().map(|f| (*f).to_owned()));
    for f in &files {
        if !dist.join(f).is_file() {
            bail!("{}: the page loads {f}, which is not there", dist.display());
        }
    }
    Ok(files)
}

pub(crate) fn measure(dist: &Path) -> Result<Vec<Sizes>> {
    page_files(dist)?
        .into_iter()
        .map(|name| {
            let path = dist.join(&name);
            let bytes = fs::read(&path).context(format_args!("read {}", path.display()))?;
            Ok(Sizes {
                raw: bytes.len(),
                gzip: gzip(&bytes).len(),
                brotli: brotli(&bytes).len(),
                name,
            })
        })
        .collect()
}

fn total(sizes: &[Sizes]) -> Sizes {
    Sizes {
        name: "total".to_owned(),
        raw: sizes.iter().map(|s| s.raw).sum(),
        gzip: sizes.iter().map(|s| s.gzip).sum(),
        brotli: sizes.iter().map(|s| s.brotli).sum(),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn table(sizes: &[Sizes]) -> String {
    let width = sizes.iter().map(|s| s.name.len()).max().unwrap_or(5).max(5);
    let mut out = format!(
        "{:<width$}  {:>11}  {:>11}  {:>11}\n",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let t = total(sizes);
    for s in sizes.iter().chain(std::iter::once(&t)) {
        out.push_str(&format!(
            "{:<width$}  {:>11}  {:>11}  {:>11}\n",
            s.name,
            thousands(s.raw),
            thousands(s.gzip),
            thousands(s.brotli)
        ));
    }
    out
}

/// Prints what the page in `dist` weighs.
pub(crate) fn report(dist: &Path) -> Result<Vec<Sizes>> {
    let sizes = measure(dist)?;
    println!("size: what the page loads ({}), in bytes:", dist.display());
    print!("{}", table(&sizes));
    Ok(sizes)
}

/// The budget's `"total_gzip_bytes"`.
fn parse_budget(text: &str) -> Result<usize> {
    let value: serde_json::Value =
        serde_json::from_str(text).context(format_args!("{BUDGET_FILE} is not JSON"))?;
    match value
        .get("total_gzip_bytes")
        .and_then(serde_json::Value::as_u64)
    {
        Some(n) => usize::try_from(n).context("budget too large"),
        None => bail!("{BUDGET_FILE} needs \"total_gzip_bytes\": a whole number of bytes"),
    }
}

fn within_budget(total_gzip: usize, budget: usize) -> Result {
    if total_gzip > budget {
        bail!(
            "the page weighs {} bytes gzipped, over the budget of {} in {BUDGET_FILE} by {}: \
             cut bytes rather than raise it",
            thousands(total_gzip),
            thousands(budget),
            thousands(total_gzip - budget)
        );
    }
    println!(
        "size: {} bytes gzipped, within the budget of {} ({} to spare)",
        thousands(total_gzip),
        thousands(budget),
        thousands(budget - total_gzip)
    );
    Ok(())
}

/// `cargo xtask test`'s check of the built `dist/` against the budget.
pub(crate) fn check_budget() -> Result {
    let path = root().join(BUDGET_FILE);
    let text = fs::read_to_string(&path).context(format_args!("read {}", path.display()))?;
    let budget = parse_budget(&text)?;
    let sizes = report(&root().join("dist"))?;
    within_budget(total(&sizes).gzip, budget)
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    for entry in fs::read_dir(dir).context(format_args!("read {}", dir.display()))? {
        let path = entry.context("read a directory entry")?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// `cargo xtask precompress DIR`: `f.gz` and `f.br` beside every compressible `f` in DIR.
pub(crate) fn run_precompress(args: &[String]) -> Result {
    let [dir] = args else {
        bail!("usage: cargo xtask precompress <dir>");
    };
    let mut files = Vec::new();
    files_under(Path::new(dir), &mut files)?;
    let mut n = 0;
    for path in files {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = fs::read(&path).context(format_args!("read {}", path.display()))?;
        for (suffix, packed) in [("gz", gzip(&bytes)), ("br", brotli(&bytes))] {
            let mut out = path.clone().into_os_string();
            out.push(".");
            out.push(suffix);
            fs::write(&out, packed).context(format_args!("write {}", out.to_string_lossy()))?;
        }
        n += 1;
    }
    println!("precompress: .gz and .br beside {n} files in {dir}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_pages_own_files_once() {
        let html = r#"<link rel="modulepreload" href="/app-1.js" crossorigin>
<link rel="preload" href="/app_bg-1.wasm" as="fetch"><link rel="stylesheet" href="/style-2.css">
<script type="module">import init from '/app-1.js';</script>
<a href="https://example.com/x.js"></a><script src="//cdn.example/y.js"></script>
<link href="/app-1.js">"#;
        assert_eq!(
            referenced(html),
            ["app-1.js", "app_bg-1.wasm", "style-2.css"]
        );
    }

    #[test]
    fn the_runtime_files_are_still_the_ones_the_sources_fetch() {
        let sources = [
            "crates/web/src/audio/mod.rs",
            "crates/web/src/audio/warm.rs",
            "crates/web/src/crm/mod.rs",
            "crates/app/src/components/mod.rs",
        ]
        .map(|f| fs::read_to_string(root().join(f)).unwrap())
        .concat();
        for f in RUNTIME_FILES {
            assert!(
                sources.contains(&format!("\"{f}\"")) || sources.contains(&format!("/{f}\"")),
                "{f}"
            );
        }
    }

    #[test]
    fn compressions_round_trip() {
        let text = b"INVITE sip:1002@127.0.0.1 SIP/2.0\r\n".repeat(50);
        let gz = gzip(&text);
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut back).unwrap();
        assert_eq!(back, text);
        let br = brotli(&text);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text);
        assert!(gz.len() < text.len() / 10 && br.len() < text.len() / 10);
    }

    #[test]
    fn the_budget_holds_and_says_by_how_much_it_is_broken() {
        assert_eq!(parse_budget(r#"{"total_gzip_bytes": 1000}"#).unwrap(), 1000);
        assert!(parse_budget(r#"{"total": 1000}"#).is_err());
        assert!(parse_budget("not json").is_err());
        assert!(within_budget(1000, 1000).is_ok());
        let e = within_budget(1001, 1000).unwrap_err();
        assert!(e.0.contains("by 1"), "{}", e.0);
    }

    #[test]
    fn the_budget_in_the_repository_reads() {
        let text = fs::read_to_string(root().join(BUDGET_FILE)).unwrap();
        assert!(parse_budget(&text).unwrap() > 0);
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(352_799), "352,799");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
