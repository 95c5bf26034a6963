//! What the page can learn about the frame it runs in.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The phone runs inside another page's iframe.
pub fn is_embedded() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    match window.parent() {
        Ok(Some(parent)) => !Object::is(&parent, &window),
        _ => false,
    }
}

/// Whether the frame's permissions policy lets the page ask for the microphone: `Some(false)`
/// when the embedding `<iframe>` lacks `allow="microphone"`, `None` where the browser cannot
/// tell (no `document.permissionsPolicy` or `featurePolicy`).
pub fn frame_allows_microphone() -> Option<bool> {
    let document = web_sys::window()?.document()?;
    let policy = ["permissionsPolicy", "featurePolicy"]
        .into_iter()
        .filter_map(|key| Reflect::get(&document, &JsValue::from_str(key)).ok())
        .find(|p| p.is_object())?;
    let allows = Reflect::get(&policy, &JsValue::from_str("allowsFeature"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    allows
        .call1(&policy, &JsValue::from_str("microphone"))
        .ok()?
        .as_bool()
}

/// The origin of the page that embeds this one: `location.ancestorOrigins` where the browser
/// has it (it cannot be faked by the parent), else the referrer's origin.
pub(crate) fn parent_origin() -> Option<String> {
    let window = web_sys::window()?;
    // Read by reflection: Firefox has no `ancestorOrigins`, and a typed getter would throw.
    let list = Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins")).ok();
    if let Some(list) = list.filter(JsValue::is_object) {
        let first = Reflect::get(&list, &JsValue::from_f64(0.0)).ok()?;
        return first.as_string();
    }
    let referrer = window.document()?.referrer();
    let origin = web_sys::Url::new(&referrer).ok()?.origin();
    Some(origin)
}

/// The body of `url` (relative to the page), or `None` on any failure.
pub(crate) async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !resp.ok() {
        return None;
    }
    JsFuture::from(resp.text().ok()?).await.ok()?.as_string()
}
