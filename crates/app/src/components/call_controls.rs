//! The controls of one live call, under its card: every control a desk phone has, each
//! enabled or disabled (with its reason) by the engine's view, and the keypad or transfer
//! panel under them.
//!
//! Made for one line and dropped with it: everything they subscribe to is theirs (the
//! line's memo, the open panel) or a session signal that is swept (`state::sweep`), so a
//! call leaves no subscriptions behind.

use leptos::prelude::*;

use super::attrs::attr;

use super::said::said;

use super::shown::Shown;
use web::{Command, Control, LineId, LineState, LineView, PhoneView, Reason};

use super::control_button::ControlButton;
use super::icons::Icon;
use super::keypad::Keypad;
use super::transfer::TransferPanel;
use super::DriverSlot;
use crate::i18n::Label;
use crate::state::use_lang;

/// Which panel under the controls is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Keypad,
    Transfer,
}

#[component]
pub(crate) fn CallControls(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    /// Focused by Consult so the agent can type the number to consult.
    number_field: NodeRef<leptos::html::Input>,
    /// The selected line these controls are for.
    id: LineId,
) -> impl IntoView {
    let lang = use_lang();
    let line = Memo::new(move |_| view_state.with(|v| v.line.clone().filter(|l| l.id == id)));
    let panel = RwSignal::new(Panel::None);
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    // A control of the line; once it has ended, off for the given reason.
    let of_line = move |f: fn(&LineView) -> Control| {
        Signal::derive(move || {
            line.with(|l| {
                l.as_ref()
                    .filter(|l| !matches!(l.state, LineState::Ended(_)))
                    .map_or(Control::off(Reason::NotConnected), f)
            })
        })
    };
    let phone = move |f: fn(&PhoneView) -> Control| Signal::derive(move || view_state.with(f));
    let held = Signal::derive(move || line.with(|l| l.as_ref().is_some_and(|l| l.held)));
    let muted = Signal::derive(move || view_state.with(|v| v.muted));
    let in_conference = move || view_state.with(|v| v.conference.is_some());
    let end_call = Signal::derive(move || {
        line.with(|l| {
            Control::when(
                l.as_ref().is_some_and(|l| l.can_hang_up && !l.can_answer),
                Reason::NotConnected,
            )
        })
    });
    let toggle = move |p: Panel| panel.update(|cur| *cur = if *cur == p { Panel::None } else { p });
    view! {
        <div class="call-controls" {..attr("role", "toolbar")} {..attr("aria-label", said(lang, Label::Calls))}>
            <Shown
                when=move || held.get()
                fallback=move || view! {
                    <ControlButton label=Label::Hold testid="hold" icon=Icon::Hold control=of_line(|l| l.hold)
                        on_press=Callback::new(move |()| send(Command::Hold(id))) />
                }
            >
                <ControlButton label=Label::Retrieve testid="retrieve" icon=Icon::Play control=of_line(|l| l.retrieve)
                    on_press=Callback::new(move |()| send(Command::Retrieve(id))) />
            </Shown>
            <ControlButton label=Label::Mute testid="mute" icon=Icon::Mic pressed=muted
                control=of_line(|l| Control::when(l.state == LineState::Connected, Reason::NotConnected))
                on_press=Callback::new(move |()| send(Command::Mute(!muted.get_untracked()))) />
            <ControlButton label=Label::Keypad testid="keypad-toggle" icon=Icon::Keypad
                pressed=Signal::derive(move || panel.get() == Panel::Keypad)
                control=of_line(|l| Control::when(l.state == LineState::Connected && !l.held, Reason::NotConnected))
                on_press=Callback::new(move |()| toggle(Panel::Keypad)) />
            <ControlButton label=Label::Consult testid="consult" icon=Icon::Plus control=phone(|v| v.controls.dial)
                on_press=Callback::new(move |()| {
                    if let Some(input) = number_field.get() {
                        let _ = input.focus();
                        input.select();
                    }
                }) />
            <ControlButton label=Label::Merge testid="merge" icon=Icon::Merge control=phone(|v| v.controls.merge)
                on_press=Callback::new(move |()| send(Command::Merge)) />
            <ControlButton label=Label::Transfer testid="transfer" icon=Icon::Transfer
                pressed=Signal::derive(move || panel.get() == Panel::Transfer)
                control=of_line(|l| l.transfer)
                on_press=Callback::new(move |()| toggle(Panel::Transfer)) />
            <Shown when=in_conference>
                <ControlButton label=Label::Leave testid="leave" icon=Icon::Leave control=phone(|v| v.controls.leave)
                    on_press=Callback::new(move |()| send(Command::Leave)) />
                <ControlButton label=Label::EndConference testid="end-conference" icon=Icon::Close class="danger"
                    control=phone(|v| v.controls.end_conference)
                    on_press=Callback::new(move |()| send(Command::EndConference)) />
            </Shown>
            <ControlButton label=Label::EndCall testid="hang-up" icon=Icon::Phone class="danger end"
                control=end_call on_press=Callback::new(move |()| send(Command::HangUp)) />
        </div>
        <Shown when=move || panel.get() == Panel::Keypad>
            <Keypad driver />
        </Shown>
        <Shown when=move || panel.get() == Panel::Transfer>
            <TransferPanel view_state driver on_done=Callback::new(move |()| panel.set(Panel::None)) />
        </Shown>
    }
}
