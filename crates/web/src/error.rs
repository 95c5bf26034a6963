//! The one error type of the browser edge.

use std::fmt;

use wasm_bindgen::{JsCast, JsValue};

/// Something the browser refused or does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebError {
    /// A browser API threw or its promise rejected. `op` names the call, `message` is the
    /// JavaScript error turned into text (`"NotAllowedError: Permission denied"`).
    Js { op: &'static str, message: String },
    /// The page lacks an API: no `window`, no `AudioWorklet` or `mediaDevices` (both need a
    /// secure context: https or localhost).
    Unsupported(&'static str),
    /// Fetching an asset answered with an HTTP error status.
    Http { url: String, status: u16 },
    /// A mixer port outside `0..ports` (or port 0 where a remote leg is required).
    BadPort(u32),
    /// The WebSocket is not open (still connecting, closing or closed).
    NotOpen,
    /// The object was closed before the call.
    Closed,
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Js { op, message } => write!(f, "{op} failed: {message}"),
            Self::Unsupported(what) => write!(f, "this browser page lacks {what}"),
            Self::Http { url, status } => write!(f, "fetching {url} answered HTTP {status}"),
            Self::BadPort(port) => write!(f, "no such mixer port: {port}"),
            Self::NotOpen => f.write_str("the WebSocket is not open"),
            Self::Closed => f.write_str("already closed"),
        }
    }
}

impl std::error::Error for WebError {}

impl WebError {
    /// Wraps a thrown or rejected JavaScript value.
    pub fn js(op: &'static str, value: &JsValue) -> Self {
        Self::Js {
            op,
            message: js_message(value),
        }
    }
}

/// A readable text for any thrown JavaScript value: `name: message` for errors and
/// DOMExceptions, the string itself for strings, JSON for the rest.
pub(crate) fn js_message(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    if let Some(err) = value.dyn_ref::<js_sys::Error>() {
        return name_and_message(String::from(err.name()), String::from(err.message()));
    }
    if value.is_object() {
        let field = |key: &str| {
            js_sys::Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        };
        if let Some(message) = field("message") {
            return name_and_message(field("name").unwrap_or_default(), message);
        }
    }
    if let Some(json) = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
    {
        return json;
    }
    format!("{value:?}")
}

fn name_and_message(name: String, message: String) -> String {
    match (name.is_empty(), message.is_empty()) {
        (true, _) => message,
        (false, true) => name,
        (false, false) => format!("{name}: {message}"),
    }
}

/// `.op("getUserMedia")?` on any `Result<T, JsValue>`.
pub(crate) trait JsResultExt<T> {
    fn op(self, op: &'static str) -> Result<T, WebError>;
}

impl<T> JsResultExt<T> for Result<T, JsValue> {
    fn op(self, op: &'static str) -> Result<T, WebError> {
        self.map_err(|e| WebError::js(op, &e))
    }
}

/// Awaits a promise, turning a rejection into a [`WebError`].
pub(crate) async fn await_promise(
    promise: js_sys::Promise,
    op: &'static str,
) -> Result<JsValue, WebError> {
    wasm_bindgen_futures::JsFuture::from(promise).await.op(op)
}

/// Awaits a promise whose outcome nobody needs, so a rejection is not reported as unhandled.
pub(crate) fn ignore_promise(promise: js_sys::Promise) {
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    });
}

/// Logs to the browser console (for failures in fire-and-forget calls).
pub(crate) fn console_warn(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(text));
}

pub(crate) fn window() -> Result<web_sys::Window, WebError> {
    web_sys::window().ok_or(WebError::Unsupported("a window"))
}
