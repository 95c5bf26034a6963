//! What the sign-in form starts before the click on Sign in, so that the click has only the
//! REGISTER left to send: the WebSocket to the server in the form, the sign-in's code
//! compiled by a rehearsal (`web::rehearse_sign_in`), and the audio's slow start-up at the
//! agent's first touch of the page.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web::{PhoneView, RegStatus, Runtime};

/// How long the server field must stay unchanged before a socket is opened to it: a URL
/// being typed is not dialled letter by letter.
const STILL_MS: u32 = 400;

/// The data-testid of the element `ev` happened on or inside.
fn testid_of(ev: &web_sys::Event) -> Option<String> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.closest("[data-testid]")
        .ok()??
        .get_attribute("data-testid")
}

/// While the form is up:
/// - once it is painted, the sign-in is rehearsed on an engine of its own (no network);
/// - a WebSocket is kept open ahead (`web::connect_ahead`) to the first edge of the server
///   field: at once for a saved server, and for a typed one once the field is left or has
///   been still [`STILL_MS`]. No SIP goes on it before the click, and its failure says
///   nothing: the sign-in then connects on its own and reports what it meets;
/// - the audio's slow start-up (`Runtime::prepare_audio`) begins at the agent's first key or
///   pointer press: a user gesture, so the AudioContext runs at once and the browser logs no
///   autoplay warning, and long after the form is painted. Not when that press is the
///   sign-in itself (the Sign in button, Enter): creating the context holds the main thread
///   120-180 ms, which would hold the REGISTER; that sign-in starts the audio once the
///   registrar has answered.
pub(crate) fn start_ahead(ws_url: RwSignal<String>, view_state: RwSignal<PhoneView>) {
    web::after_paint(web::rehearse_sign_in);
    Effect::new(move |before: Option<()>| {
        let delay = if before.is_none() { 0 } else { STILL_MS };
        ws_url.with(|list| web::connect_ahead(list, delay));
    });
    let pressed = Rc::new(Cell::new(false));
    let on_event = move |e: web_sys::Event| {
        if e.type_() == "change" {
            if testid_of(&e).as_deref() == Some("ws-url") {
                ws_url.with_untracked(|list| web::connect_ahead(list, 0));
            }
            return;
        }
        let enter = e
            .dyn_ref::<web_sys::KeyboardEvent>()
            .is_some_and(|k| k.key() == "Enter");
        if pressed.get() || enter || testid_of(&e).as_deref() == Some("sign-in") {
            return;
        }
        pressed.set(true);
        // After the press's own work (focus, a details opening).
        set_timeout(
            move || {
                let signed_out = view_state
                    .try_with_untracked(|v| v.registration == RegStatus::SignedOut)
                    .unwrap_or(false);
                if signed_out {
                    Runtime::prepare_audio();
                }
            },
            Duration::ZERO,
        );
    };
    let handles = ["change", "pointerdown", "keydown"]
        .map(|name| window_event_listener_untyped(name, on_event.clone()));
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        // Taken by the sign-in if it was to its server; otherwise nobody will.
        web::close_ahead();
    });
}
