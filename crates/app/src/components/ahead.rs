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

use super::effect::effect;
use crate::state::{server_saved, DEFAULT_WS};

/// How long the server field must stay unchanged before a socket is opened to it: a URL
/// being typed is not dialled letter by letter.
const STILL_MS: u32 = 400;

/// Whether the form's server at load (`server`) gets a socket before the agent touches the
/// form: one this browser signed in to before (`saved`), one typed into the page's built-in
/// screen before the app was up (not the built-in default), or the built-in default when the
/// page comes from that same host (the development lab, `cargo xtask dev`). A deployment that
/// left the default in place is not dialled on every load: there, a socket refused by a
/// machine nobody runs a server on would only log an error.
fn known_at_load(server: &str, saved: bool, page_host: &str) -> bool {
    saved || server.trim() != DEFAULT_WS || web::host_of(DEFAULT_WS).eq_ignore_ascii_case(page_host)
}

fn page_host() -> String {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default()
}

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
///   field: at once for a server known at load ([`known_at_load`]), and for a typed one once
///   the field is left or has been still [`STILL_MS`]. No SIP goes on it before the click,
///   and its failure says nothing: the sign-in then connects on its own and reports what it
///   meets;
/// - the audio's slow start-up (`Runtime::prepare_audio`) begins at the agent's first key or
///   pointer press: a user gesture, so the AudioContext runs at once and the browser logs no
///   autoplay warning, and long after the form is painted. Not when that press is the
///   sign-in itself (the Sign in button, Enter): creating the context holds the main thread
///   120-180 ms, which would hold the REGISTER; that sign-in starts the audio once the
///   registrar has answered.
pub(crate) fn start_ahead(ws_url: RwSignal<String>, view_state: RwSignal<PhoneView>) {
    web::after_paint(web::rehearse_sign_in);
    let saved = server_saved();
    let mut first = true;
    effect(move || {
        ws_url.with(|list| {
            if !first {
                web::connect_ahead(list, STILL_MS);
            } else if known_at_load(list, saved, &page_host()) {
                web::connect_ahead(list, 0);
            }
        });
        first = false;
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

#[cfg(test)]
mod tests {
    use super::known_at_load;
    use crate::state::DEFAULT_WS;

    #[test]
    fn the_built_in_server_is_dialled_at_load_only_from_its_own_host() {
        // A fresh browser on a deployment that left the default: nothing until the agent acts.
        assert!(!known_at_load(DEFAULT_WS, false, "phone.example.com"));
        assert!(!known_at_load(DEFAULT_WS, false, "localhost"));
        // The development lab serves the page from the default's host.
        assert!(known_at_load(DEFAULT_WS, false, "127.0.0.1"));
    }

    #[test]
    fn a_saved_or_typed_server_is_dialled_at_load_anywhere() {
        assert!(known_at_load(DEFAULT_WS, true, "phone.example.com"));
        assert!(known_at_load(
            "wss://sip.example.com/ws",
            false,
            "phone.example.com"
        ));
        assert!(known_at_load(
            "wss://edge1.example.com wss://edge2.example.com",
            true,
            "crm.example.com"
        ));
        // The default with spaces around it is still the default.
        assert!(!known_at_load(
            &format!(" {DEFAULT_WS} "),
            false,
            "phone.example.com"
        ));
    }
}
