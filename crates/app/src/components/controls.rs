//! The conference controls and the C5 question.

use leptos::prelude::*;
use web::{Command, Control, PhoneView};

use super::DriverSlot;
use crate::i18n::{label, reason, Label};
use crate::state::use_lang;

/// A button for a control the engine describes: disabled with the rule's words as its
/// tooltip when a rule forbids it (E2).
#[component]
pub(crate) fn ControlButton(
    label: Label,
    testid: &'static str,
    control: Signal<Control>,
    #[prop(optional)] on_press: Option<Callback<()>>,
    #[prop(optional)] class: &'static str,
    /// A form's submit button (its form handles the press).
    #[prop(optional)]
    submit: bool,
) -> impl IntoView {
    let lang = use_lang();
    let title = move || {
        control
            .get()
            .reason
            .map(|r| reason(lang.get(), r))
            .unwrap_or_default()
    };
    view! {
        <button
            class=class
            type=if submit { "submit" } else { "button" }
            data-testid=testid
            disabled=move || !control.get().enabled
            title=title
            on:click=move |_| {
                if let Some(f) = on_press {
                    f.run(());
                }
            }
        >
            {move || self::label(lang.get(), label)}
        </button>
    }
}

#[component]
pub(crate) fn ConferenceControls(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
) -> impl IntoView {
    let lang = use_lang();
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let ctl = move |f: fn(&PhoneView) -> Control| Signal::derive(move || view_state.with(f));
    let muted = move || view_state.with(|v| v.muted);
    let l = move |what| label(lang.get(), what);
    view! {
        <div class="card conference-controls">
            <ControlButton label=Label::Merge testid="merge" control=ctl(|v| v.controls.merge)
                on_press=Callback::new(move |()| send(Command::Merge)) />
            <ControlButton label=Label::EndConference testid="end-conference" control=ctl(|v| v.controls.end_conference)
                on_press=Callback::new(move |()| send(Command::EndConference)) class="danger" />
            <ControlButton label=Label::Leave testid="leave" control=ctl(|v| v.controls.leave)
                on_press=Callback::new(move |()| send(Command::Leave)) />
            <button data-testid="mute" aria-pressed=move || muted().to_string()
                on:click=move |_| send(Command::Mute(!muted()))>
                {move || if muted() { l(Label::Unmute) } else { l(Label::Mute) }}
            </button>
            <Show when=move || view_state.with(|v| v.merge_confirm.is_some())>
                <div class="confirm" role="alertdialog" data-testid="merge-question">
                    <p>
                        {move || l(Label::MergeQuestion)} " "
                        {move || view_state.with(|v| v.merge_confirm.as_ref().map(|q| q.held.join(", ")))}
                    </p>
                    <button data-testid="merge-confirm" on:click=move |_| send(Command::ConfirmMerge)>{move || l(Label::Confirm)}</button>
                    <button data-testid="merge-cancel" on:click=move |_| send(Command::CancelMerge)>{move || l(Label::Cancel)}</button>
                </div>
            </Show>
        </div>
    }
}
