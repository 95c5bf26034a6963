//! Time for the event loop: a one-shot timer, an async sleep and a monotonic clock.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

// Bound on the global scope, not on `window`, so they work wherever the crate is loaded.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: i32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    #[wasm_bindgen(catch, js_name = requestAnimationFrame)]
    fn request_animation_frame(handler: &Function) -> Result<JsValue, JsValue>;
}

/// How long [`after_paint`] waits for a frame: a hidden page paints none.
const PAINT_WAIT_MS: u32 = 100;

/// Calls `f` once, in a task of its own after the page's next paint, so that what changed
/// just before is on screen before `f`'s work holds the main thread; after at most
/// [`PAINT_WAIT_MS`] if no frame comes (a hidden page).
pub fn after_paint(f: impl FnOnce() + 'static) {
    type Once = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;
    let slot: Once = Rc::new(RefCell::new(Some(Box::new(f))));
    let run = |slot: Once| {
        move || {
            let f = slot.borrow_mut().take();
            if let Some(f) = f {
                f();
            }
        }
    };
    let fallback = Closure::once_into_js(run(Rc::clone(&slot)));
    if set_timeout(fallback.unchecked_ref(), clamp_ms(PAINT_WAIT_MS)).is_err() {
        run(Rc::clone(&slot))();
        return;
    }
    // A rAF callback runs just before the paint; the task it queues, just after.
    let after = run(slot);
    let frame = Closure::once_into_js(move || {
        let task = Closure::once_into_js(after);
        let _ = set_timeout(task.unchecked_ref(), 0);
    });
    let _ = request_animation_frame(frame.unchecked_ref());
}

fn clamp_ms(ms: u32) -> i32 {
    i32::try_from(ms).unwrap_or(i32::MAX)
}

/// Milliseconds since the page started (`performance.now()`), monotonic, sub-millisecond.
pub fn now_ms() -> f64 {
    performance_now()
}

/// Resolves after `ms` milliseconds (a `setTimeout` behind a promise). Dropping the
/// future early leaves a harmless pending timeout behind.
pub fn sleep(ms: u32) -> impl Future<Output = ()> {
    let promise = Promise::new(&mut |resolve, _reject| {
        // If setTimeout itself failed, resolve at once rather than hang.
        if set_timeout(&resolve, clamp_ms(ms)).is_err() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// A one-shot `setTimeout`. Dropping it cancels the call if it has not run yet, so keep it
/// (for example in the struct that owns the engine) for as long as the call should happen.
/// Dropping it from inside its own callback is fine.
#[must_use = "dropping a Timer cancels it"]
pub struct Timer {
    handle: Option<JsValue>,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `f` once after `ms` milliseconds.
    pub fn once(ms: u32, f: impl FnOnce() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::once(f);
        let handle = set_timeout(callback.as_ref().unchecked_ref(), clamp_ms(ms)).ok();
        if handle.is_none() {
            crate::error::console_warn("setTimeout failed; timer will not fire");
        }
        Self {
            handle,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(handle) = &self.handle {
            clear_timeout(handle);
        }
    }
}

impl std::fmt::Debug for Timer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timer").finish_non_exhaustive()
    }
}
