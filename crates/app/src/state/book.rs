//! The Directory (from the deployment's `directory.json` beside the page) and Favorites
//! (starred numbers, kept in this browser).

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{load, storage};

/// One Directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirEntry {
    pub(crate) name: String,
    pub(crate) number: String,
}

impl DirEntry {
    /// Whether it matches what the agent typed (name or number, any case).
    pub(crate) fn matches(&self, query: &str) -> bool {
        let q = fold_case(query.trim());
        q.is_empty() || fold_case(&self.name).contains(&q) || fold_case(&self.number).contains(&q)
    }
}

/// `s` in lower case, for a search that ignores case. In the browser, text that is not ASCII
/// goes through JavaScript's `toLowerCase` (the same Unicode mapping as `str::to_lowercase`),
/// so std's case tables stay out of the page (cargo xtask build: the app's wasm 8,053 B
/// smaller gzipped); natively, for the tests, std's own.
fn fold_case(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_lowercase()
    }
}

/// The Directory the agent picks from: the deployment's file, or the CRM's list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Directory {
    pub(crate) entries: Vec<DirEntry>,
    /// Set by the embedding CRM, which then wins over `directory.json`.
    pub(crate) from_crm: bool,
}

impl Directory {
    pub(crate) fn from_crm(entries: Vec<web::crm::DirectoryEntry>) -> Self {
        let clean = |s: String| s.chars().filter(|c| !c.is_control()).take(80).collect();
        Self {
            entries: entries
                .into_iter()
                .map(|e| DirEntry {
                    name: clean(e.name),
                    number: clean(e.number),
                })
                .collect(),
            from_crm: true,
        }
    }
}

/// At most this many entries are read: a directory is a list, not a database.
const MAX_ENTRIES: u32 = 5000;

/// `directory.json`: `[{"name": "...", "number": "..."}, ...]`. A missing or malformed file
/// is an empty directory (the deployment did not set one).
pub(crate) async fn load_directory(url: &str) -> Vec<DirEntry> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let Ok(resp) = JsFuture::from(window.fetch_with_str(url)).await else {
        return Vec::new();
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return Vec::new();
    };
    if !resp.ok() {
        return Vec::new();
    }
    let Ok(text) = resp.text() else {
        return Vec::new();
    };
    let Some(text) = JsFuture::from(text).await.ok().and_then(|t| t.as_string()) else {
        return Vec::new();
    };
    let Ok(list) = JSON::parse(&text) else {
        return Vec::new();
    };
    if !Array::is_array(&list) {
        return Vec::new();
    }
    let field = |o: &JsValue, k: &str| {
        Reflect::get(o, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
            .map(|s| {
                s.chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect::<String>()
            })
    };
    Array::from(&list)
        .iter()
        .take(MAX_ENTRIES as usize)
        .filter_map(|o| {
            Some(DirEntry {
                name: field(&o, "name")?,
                number: field(&o, "number")?,
            })
        })
        .collect()
}

const KEY_FAVORITES: &str = "softphone.favorites";

/// Starred numbers with the name they were starred under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Favorites(pub(crate) Vec<DirEntry>);

impl Favorites {
    pub(crate) fn load() -> Self {
        let list = load(KEY_FAVORITES)
            .and_then(|t| JSON::parse(&t).ok())
            .filter(Array::is_array)
            .map(|v| {
                Array::from(&v)
                    .iter()
                    .filter_map(|pair| {
                        let pair = Array::from(&pair);
                        Some(DirEntry {
                            name: pair.get(0).as_string()?,
                            number: pair.get(1).as_string()?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self(list)
    }

    pub(crate) fn has(&self, number: &str) -> bool {
        self.0.iter().any(|e| e.number == number)
    }

    /// Stars or unstars `number`.
    pub(crate) fn toggle(&mut self, name: &str, number: &str) {
        if self.has(number) {
            self.0.retain(|e| e.number != number);
        } else {
            self.0.push(DirEntry {
                name: name.to_owned(),
                number: number.to_owned(),
            });
        }
        let list: Array = self
            .0
            .iter()
            .map(|e| {
                JsValue::from(Array::of2(
                    &e.name.as_str().into(),
                    &e.number.as_str().into(),
                ))
            })
            .collect();
        if let (Some(s), Ok(text)) = (storage(), JSON::stringify(&list)) {
            let _ = s.set_item(KEY_FAVORITES, &String::from(text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_is_searched_by_name_and_number() {
        let e = DirEntry {
            name: "Ana Pérez".into(),
            number: "1002".into(),
        };
        assert!(e.matches(""));
        assert!(e.matches("ana"));
        assert!(e.matches("PÉR"));
        assert!(e.matches("100"));
        assert!(!e.matches("bob"));
    }
}
