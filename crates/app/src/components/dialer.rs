//! The number entry field and Start call.

use leptos::prelude::*;
use phone::{Command, PhoneView};

use super::DriverSlot;

#[component]
pub(crate) fn Dialer(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let number = RwSignal::new(String::new());
    let dial = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(d) = driver.get_value() {
            d.command(Command::Dial(number.get_untracked()));
        }
    };
    view! {
        <form class="card dialer" on:submit=dial>
            <input data-testid="number" type="tel" placeholder="Number or SIP address" bind:value=number />
            <button data-testid="start-call" type="submit" disabled=move || !view_state.with(|v| v.can_dial)>
                "Start call"
            </button>
            <button
                data-testid="single-step"
                type="button"
                class="secondary"
                disabled=move || !view_state.with(|v| v.controls.single_step.enabled)
                on:click=move |_| {
                    if let Some(d) = driver.get_value() {
                        d.command(Command::DialConference(number.get_untracked()));
                    }
                }
            >
                "Initiate single-step conference"
            </button>
            <Show when=move || view_state.with(|v| v.notice.is_some())>
                <p class="notice" data-testid="notice" role="status">
                    {move || view_state.with(|v| v.notice.clone())}
                </p>
            </Show>
        </form>
    }
}
