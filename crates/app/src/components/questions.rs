//! The questions the engine asks: C5 (conference all held calls?) and the host's End call
//! (end for everyone, or leave?). Focus moves to them; Escape cancels.

use leptos::prelude::*;

use super::attrs::attr;

use super::effect::effect;

use super::said::said;

use super::shown::Shown;
use web::{Command, PhoneView};

use super::control_button::ControlButton;
use super::DriverSlot;
use crate::i18n::Label;
use crate::state::use_lang;

#[component]
pub(crate) fn Questions(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let lang = use_lang();
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let merge_first = NodeRef::<leptos::html::Button>::new();
    let hang_up_first = NodeRef::<leptos::html::Button>::new();
    effect(move || {
        if let Some(b) = merge_first.get() {
            let _ = b.focus();
        }
    });
    effect(move || {
        if let Some(b) = hang_up_first.get() {
            let _ = b.focus();
        }
    });
    let leave = Signal::derive(move || {
        view_state.with(|v| {
            v.hang_up_question
                .as_ref()
                .map_or(v.controls.leave, |q| q.leave)
        })
    });
    view! {
        <Shown when=move || view_state.with(|v| v.merge_confirm.is_some())>
            <div class="card confirm" {..attr("role", "alertdialog")} {..attr("aria-modal", "false")} data-testid="merge-question"
                on:keydown=move |ev| if ev.key() == "Escape" { send(Command::CancelMerge) }>
                <p>
                    {said(lang, Label::MergeQuestion)} " "
                    <strong>{move || view_state.with(|v| v.merge_confirm.as_ref().map(|q| q.held.join(", ")))}</strong>
                </p>
                <div class="row">
                    <button data-testid="merge-confirm" node_ref=merge_first on:click=move |_| send(Command::ConfirmMerge)>{said(lang, Label::Confirm)}</button>
                    <button class="secondary" data-testid="merge-cancel" on:click=move |_| send(Command::CancelMerge)>{said(lang, Label::Cancel)}</button>
                </div>
            </div>
        </Shown>
        <Shown when=move || view_state.with(|v| v.hang_up_question.is_some())>
            <div class="card confirm" {..attr("role", "alertdialog")} {..attr("aria-modal", "false")} data-testid="hang-up-question"
                on:keydown=move |ev| if ev.key() == "Escape" { send(Command::CancelHangUp) }>
                <p>{said(lang, Label::HangUpQuestionText)}</p>
                <div class="row">
                    <button class="danger" data-testid="question-end-conference" node_ref=hang_up_first
                        on:click=move |_| send(Command::EndConference)>{said(lang, Label::EndConference)}</button>
                    <ControlButton label=Label::Leave testid="question-leave" control=leave
                        on_press=Callback::new(move |()| send(Command::Leave)) />
                    <button class="secondary" data-testid="question-cancel" on:click=move |_| send(Command::CancelHangUp)>{said(lang, Label::Cancel)}</button>
                </div>
            </div>
        </Shown>
    }
}
