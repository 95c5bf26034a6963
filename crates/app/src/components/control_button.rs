//! A button for a control the engine describes. A control a rule forbids stays visible and
//! focusable (`aria-disabled`, not `disabled`), and says why (E2) three ways: a tooltip, a
//! description screen readers read with the button, and a bubble shown on keyboard focus.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::said::said;
use web::Control;

use super::icons::Icon;
use crate::i18n::{label, reason, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn ControlButton(
    label: Label,
    testid: &'static str,
    control: Signal<Control>,
    #[prop(optional)] on_press: Option<Callback<()>>,
    #[prop(optional)] class: &'static str,
    /// An icon shown before the label.
    #[prop(optional)]
    icon: Option<Icon>,
    /// A form's submit button (its form handles the press).
    #[prop(optional)]
    submit: bool,
    /// `aria-pressed` for toggles (mute, keypad).
    #[prop(optional, into)]
    pressed: Option<Signal<bool>>,
    /// Added to the accessible name (the row's party for a row's control: "Disconnect 2002").
    #[prop(optional, into)]
    name_suffix: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let why = move || control.get().reason.map(|r| reason(lang.get(), r));
    // Unique per button: a control repeated per row (each row's Disconnect) shares its testid,
    // and two equal ids would point `aria-describedby` at the wrong row's reason.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let id = format!("why-{testid}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let described = id.clone();
    let off = move || !control.get().enabled;
    // The name is the label (and the row's party) alone: without it the reason inside the
    // button would be read twice, as part of the name and as the description.
    let name = move || match &name_suffix {
        Some(who) => format!("{} {who}", self::label(lang.get(), label)),
        None => self::label(lang.get(), label).to_owned(),
    };
    view! {
        <button
            class=format!("ctl {class}")
            {..attr("type", if submit { "submit" } else { "button" })}
            data-testid={testid}
            {..bound("aria-label", name)}
            {..bound("aria-disabled", move || off().to_string())}
            {..bound("aria-describedby", move || why().map(|_| described.clone()))}
            {..bound("aria-pressed", move || pressed.map(|p| p.get().to_string()))}
            {..bound("title", move || why().unwrap_or_default())}
            on:click=move |ev| {
                if off() {
                    ev.prevent_default();
                    return;
                }
                if let Some(f) = on_press {
                    f.run(());
                }
            }
        >
            {icon.map(|i| i.view().into_any())}
            <span class="text">{said(lang, label)}</span>
            {move || why().map(|text| view! { <span class="why" {..attr("id", id.clone())} {..attr("role", "tooltip")}>{text}</span> }.into_any())}
        </button>
    }
}
