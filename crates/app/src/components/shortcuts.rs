//! Keyboard shortcuts (Alt+A answer, Alt+E end call, Alt+H hold or retrieve, Alt+M mute,
//! digits as DTMF during a call, `?` help) and the overlay that lists them.

use leptos::prelude::*;

use super::attrs::attr;

use super::said::said;

use super::shown::Shown;
use web::{Command, LineState, PhoneView};

use super::DriverSlot;
use crate::i18n::Label;
use crate::state::use_lang;

/// Whether the key went to a text field (then it is typing, not a shortcut).
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

#[component]
pub(crate) fn Shortcuts(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    help: RwSignal<bool>,
) -> impl IntoView {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let Some(d) = driver.get_value() else { return };
        let line = view_state.with_untracked(|v| v.line.clone());
        let key = ev.key();
        let cmd = if ev.alt_key() {
            match key.to_ascii_lowercase().as_str() {
                "a" => Some(Command::Answer),
                "e" => Some(Command::HangUp),
                "m" => Some(Command::Mute(!view_state.with_untracked(|v| v.muted))),
                "h" => line.as_ref().map(|l| {
                    if l.held {
                        Command::Retrieve(l.id)
                    } else {
                        Command::Hold(l.id)
                    }
                }),
                _ => None,
            }
        } else if typing(&ev) || ev.ctrl_key() || ev.meta_key() {
            None
        } else if key == "?" {
            help.update(|h| *h = !*h);
            None
        } else if key == "Escape" {
            help.set(false);
            None
        } else {
            let talking = line
                .as_ref()
                .is_some_and(|l| l.state == LineState::Connected && !l.held);
            let digit = key
                .chars()
                .next()
                .filter(|c| key.len() == 1 && "0123456789*#".contains(*c));
            digit.filter(|_| talking).map(Command::Dtmf)
        };
        if let Some(cmd) = cmd {
            ev.prevent_default();
            d.command(cmd);
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub(crate) fn Help(open: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Shown when=move || open.get()>
            <div class="card help" {..attr("role", "dialog")} data-testid="shortcuts-help" {..attr("aria-label", said(lang, Label::Shortcuts))}>
                <h2>{said(lang, Label::Shortcuts)}</h2>
                <p>{said(lang, Label::ShortcutsList)}</p>
                <button {..attr("type", "button")} class="secondary" data-testid="help-close" on:click=move |_| open.set(false)>{said(lang, Label::Close)}</button>
            </div>
        </Shown>
    }
}
