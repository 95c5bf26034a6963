//! The phone's header: its name, the registration, the language, help and sign-out, on one
//! line down to a 360 px side panel in either language (style.css: the name gives way to its
//! logo where the row is short, and sign-out is an icon named by its label).

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::said::said;

use super::shown::Shown;

use super::icons;
use crate::i18n::{Label, Lang};
use crate::state::{save_lang, use_lang};

#[component]
pub(crate) fn Header(
    /// The registration in words.
    #[prop(into)]
    status: Signal<String>,
    #[prop(into)] registered: Signal<bool>,
    #[prop(into)] signed_in: Signal<bool>,
    help: RwSignal<bool>,
    on_sign_out: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let pick_lang = move |ev: leptos::ev::Event| {
        let chosen = Lang::from_tag(&event_target_value(&ev));
        save_lang(chosen);
        lang.set(chosen);
    };
    view! {
        <header class="phone-header">
            <h1><span class="logo" {..attr("aria-hidden", "true")}>{icons::Icon::Phone.view()}</span><span class="title">{said(lang, Label::Title)}</span></h1>
            <span class="reg-status" data-testid="reg-status" {..attr("role", "status")} class:ok=registered>
                <span class="dot" {..attr("aria-hidden", "true")}></span>
                {status}
            </span>
            <select class="lang" data-testid="language" {..attr("aria-label", said(lang, Label::Language))} on:change=pick_lang>
                {Lang::ALL.map(|l| view! {
                    <option {..attr("value", l.tag())} {..bound("selected", move || lang.get() == l)}>{l.name()}</option>
                }.into_any()).into_iter().collect::<Vec<_>>()}
            </select>
            <button {..attr("type", "button")} class="link help-button" data-testid="help" {..attr("aria-label", said(lang, Label::Shortcuts))}
                {..attr("title", said(lang, Label::Shortcuts))} aria-expanded=move || help.get().to_string()
                on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
            <Shown when=move || signed_in.get()>
                <button class="link icon-button" data-testid="sign-out" {..attr("aria-label", said(lang, Label::SignOut))}
                    {..attr("title", said(lang, Label::SignOut))} on:click=move |_| on_sign_out.run(())>
                    {icons::Icon::SignOut.view()}
                </button>
            </Shown>
        </header>
    }
}
