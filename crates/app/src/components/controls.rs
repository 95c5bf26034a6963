//! The conference controls and the C5 question.

use leptos::prelude::*;
use phone::{Command, Control, PhoneView};

use super::DriverSlot;

/// A button for a control the engine describes: disabled with the rule's words as its
/// tooltip when a rule forbids it (E2).
#[component]
pub(crate) fn ControlButton(
    label: &'static str,
    testid: &'static str,
    control: Signal<Control>,
    on_press: Callback<()>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let title = move || {
        control
            .get()
            .reason
            .map(|r| format!("{} ({})", r.text, r.rule))
            .unwrap_or_default()
    };
    view! {
        <button
            class=class
            data-testid=testid
            disabled=move || !control.get().enabled
            title=title
            on:click=move |_| on_press.run(())
        >
            {label}
        </button>
    }
}

#[component]
pub(crate) fn ConferenceControls(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
) -> impl IntoView {
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let ctl = move |f: fn(&PhoneView) -> Control| Signal::derive(move || view_state.with(f));
    let muted = move || view_state.with(|v| v.muted);
    view! {
        <div class="card conference-controls">
            <ControlButton label="Merge" testid="merge" control=ctl(|v| v.controls.merge)
                on_press=Callback::new(move |()| send(Command::Merge)) />
            <ControlButton label="End conference" testid="end-conference" control=ctl(|v| v.controls.end_conference)
                on_press=Callback::new(move |()| send(Command::EndConference)) class="danger" />
            <ControlButton label="Leave" testid="leave" control=ctl(|v| v.controls.leave)
                on_press=Callback::new(move |()| send(Command::Leave)) />
            <button data-testid="mute" aria-pressed=move || muted().to_string()
                on:click=move |_| send(Command::Mute(!muted()))>
                {move || if muted() { "Unmute" } else { "Mute" }}
            </button>
            <Show when=move || view_state.with(|v| v.merge_confirm.is_some())>
                <div class="confirm" role="alertdialog" data-testid="merge-question">
                    <p>
                        "Conference all held calls with the consulted party? "
                        {move || view_state.with(|v| v.merge_confirm.as_ref().map(|q| q.held.join(", ")))}
                    </p>
                    <button data-testid="merge-confirm" on:click=move |_| send(Command::ConfirmMerge)>"Confirm"</button>
                    <button data-testid="merge-cancel" on:click=move |_| send(Command::CancelMerge)>"Cancel"</button>
                </div>
            </Show>
        </div>
    }
}
