//! The phone's header: its name, the registration, the language, help and sign-out.

use leptos::prelude::*;

use super::icons;
use crate::i18n::{label, Label, Lang};
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
            <h1><span class="logo" aria-hidden="true">{icons::Icon::Phone.view()}</span>{move || label(lang.get(), Label::Title)}</h1>
            <span class="reg-status" data-testid="reg-status" class:ok=registered role="status">
                <span class="dot" aria-hidden="true"></span>
                {status}
            </span>
            <select class="lang" data-testid="language" aria-label=move || label(lang.get(), Label::Language) on:change=pick_lang>
                {Lang::ALL.map(|l| view! {
                    <option value=l.tag() selected=move || lang.get() == l>{l.name()}</option>
                })}
            </select>
            <button type="button" class="link help-button" data-testid="help" aria-label=move || label(lang.get(), Label::Shortcuts)
                title=move || label(lang.get(), Label::Shortcuts) on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
            <Show when=move || signed_in.get()>
                <button class="link" data-testid="sign-out" on:click=move |_| on_sign_out.run(())>
                    {move || label(lang.get(), Label::SignOut)}
                </button>
            </Show>
        </header>
    }
}
