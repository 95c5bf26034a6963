//! The number entry field and Start call; with a call in progress, Start call consults
//! (the call goes on hold first, C3) and single-step conference joins the new party (C7).

use leptos::prelude::*;
use web::{Command, PhoneView};

use super::controls::ControlButton;
use super::DriverSlot;
use crate::i18n::{label, notice, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn Dialer(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let lang = use_lang();
    let number = RwSignal::new(String::new());
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let dial = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if view_state.with_untracked(|v| v.controls.dial.enabled) {
            send(Command::Dial(number.get_untracked()));
        }
    };
    view! {
        <form class="card dialer" on:submit=dial>
            <input data-testid="number" type="tel"
                placeholder=move || label(lang.get(), Label::NumberPlaceholder)
                aria-label=move || label(lang.get(), Label::NumberPlaceholder)
                bind:value=number />
            <ControlButton label=Label::StartCall testid="start-call" submit=true
                control=Signal::derive(move || view_state.with(|v| v.controls.dial)) />
            <ControlButton label=Label::SingleStep testid="single-step" class="secondary"
                control=Signal::derive(move || view_state.with(|v| v.controls.single_step))
                on_press=Callback::new(move |()| send(Command::DialConference(number.get_untracked()))) />
            <Show when=move || view_state.with(|v| v.notice.is_some())>
                <p class="notice" data-testid="notice" role="status">
                    {move || view_state.with(|v| v.notice.as_ref().map(|n| notice(lang.get(), n)))}
                </p>
            </Show>
        </form>
    }
}
