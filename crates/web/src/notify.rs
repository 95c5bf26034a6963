//! Desktop notifications for an incoming call while the phone's tab is hidden: the agent
//! works in the CRM's other tabs and must still see who calls.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Asks for permission once (call it from a click: browsers ignore it otherwise). The phone
/// works the same without it.
pub fn ask_notification_permission() {
    if !supported() || Notification::permission() != NotificationPermission::Default {
        return;
    }
    if let Ok(p) = Notification::request_permission() {
        crate::error::ignore_promise(p);
    }
}

fn supported() -> bool {
    Reflect::has(&js_sys::global(), &JsValue::from_str("Notification")).unwrap_or(false)
}

/// Whether the page is out of sight (another tab or a minimised window).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

/// Shows `title` / `body` (the caller: plain text, browsers never render it as markup) if
/// the page is hidden and the agent allowed notifications; clicking it brings the phone
/// back. Returns whether one was shown.
pub fn notify_if_hidden(title: &str, body: &str, tag: &str) -> bool {
    if !supported()
        || !page_hidden()
        || Notification::permission() != NotificationPermission::Granted
    {
        return false;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    // One notification per call: a re-render does not stack copies.
    options.set_tag(tag);
    let Ok(n) = Notification::new_with_options(title, &options) else {
        return false;
    };
    let focus = Closure::<dyn FnMut()>::new(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.focus();
        }
    });
    n.set_onclick(Some(focus.as_ref().unchecked_ref()));
    // The handler lives as long as the page; a call's notification is small.
    focus.forget();
    true
}
