//! The number entry field and Start call, with its dropdown holding "Initiate single-step
//! conference" (C7) as an ARIA menu button. With a call in progress Start call consults (the
//! call goes on hold first, C3).

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::said::said;

use super::shown::Shown;
use web::{Command, PhoneView};

use super::control_button::ControlButton;
use super::icons::Icon;
use super::DriverSlot;
use crate::i18n::{notice, reason, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn Dialer(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    number: RwSignal<String>,
    number_field: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let lang = use_lang();
    let menu_open = RwSignal::new(false);
    let menu_item = NodeRef::<leptos::html::Button>::new();
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let dial = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if view_state.with_untracked(|v| v.controls.dial.enabled) {
            send(Command::Dial(number.get_untracked()));
            // Ready for the next number (a consultation), as a desk phone's display clears;
            // Recents keeps this one. A refused number stays so the agent can correct it.
            if view_state.with_untracked(|v| v.notice.is_none()) {
                number.set(String::new());
            }
        }
    };
    let single_step = Signal::derive(move || view_state.with(|v| v.controls.single_step));
    let open_menu = move || {
        menu_open.set(true);
        request_animation_frame(move || {
            if let Some(b) = menu_item.get() {
                let _ = b.focus();
            }
        });
    };
    view! {
        <form class="card dialer" on:submit=dial>
            <input data-testid="number" {..attr("type", "tel")} node_ref={number_field}
                {..attr("placeholder", said(lang, Label::NumberPlaceholder))}
                {..attr("aria-label", said(lang, Label::NumberPlaceholder))}
                bind:value=number />
            <div class="split">
                <ControlButton label=Label::StartCall testid="start-call" submit=true icon=Icon::Phone class="call"
                    control=Signal::derive(move || view_state.with(|v| v.controls.dial)) />
                <button {..attr("type", "button")} class="menu-button" data-testid="start-call-menu"
                    {..attr("aria-haspopup", "menu")} {..bound("aria-expanded", move || menu_open.get().to_string())}
                    {..attr("aria-label", said(lang, Label::MoreCallOptions))} {..attr("title", said(lang, Label::MoreCallOptions))}
                    on:click=move |_| if menu_open.get_untracked() { menu_open.set(false) } else { open_menu() }
                    on:keydown=move |ev| if ev.key() == "ArrowDown" { ev.prevent_default(); open_menu() }>
                    "▾"
                </button>
                <Shown when=move || menu_open.get()>
                    <div class="menu" {..attr("role", "menu")} on:keydown=move |ev| if ev.key() == "Escape" { menu_open.set(false) }>
                        <button {..attr("type", "button")} {..attr("role", "menuitem")} data-testid="single-step" node_ref={menu_item}
                            {..bound("aria-disabled", move || (!single_step.get().enabled).to_string())}
                            {..bound("title", move || single_step.get().reason.map(|r| reason(lang.get(), r)).unwrap_or_default())}
                            on:click=move |_| {
                                if single_step.get_untracked().enabled {
                                    menu_open.set(false);
                                    send(Command::DialConference(number.get_untracked()));
                                    if view_state.with_untracked(|v| v.notice.is_none()) {
                                        number.set(String::new());
                                    }
                                }
                            }>
                            {said(lang, Label::SingleStep)}
                        </button>
                    </div>
                </Shown>
            </div>
            <Shown when=move || view_state.with(|v| v.notice.is_some())>
                <p class="notice" data-testid="notice" {..attr("role", "status")}>
                    {move || view_state.with(|v| v.notice.as_ref().map(|n| notice(lang.get(), n)))}
                </p>
            </Shown>
        </form>
    }
}
