//! The call card of the selected call: who, state, timer, and every control a desk phone
//! has, each enabled or disabled (with its reason) by the engine's view.

use std::time::Duration;

use leptos::prelude::*;
use web::{Command, Control, Instant, LineState, LineView, MediaHealth, PhoneView, Reason};

use super::control_button::ControlButton;
use super::icons::Icon;
use super::keypad::Keypad;
use super::quality::QualityBadge;
use super::transfer::TransferPanel;
use super::DriverSlot;
use crate::i18n::{self, label, Label};
use crate::state::use_lang;

/// Which panel under the controls is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Keypad,
    Transfer,
}

#[component]
pub(crate) fn CallCard(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    /// Focused by Consult so the agent can type the number to consult.
    number_field: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let line = Memo::new(move |_| view_state.with(|v| v.line.clone()));
    // A call ringing here is answered in the incoming panel, not from the card.
    let live = move || {
        line.with(|l| {
            l.as_ref()
                .is_some_and(|l| !matches!(l.state, LineState::Ended(_)) && !l.can_answer)
        })
    };
    let panel = RwSignal::new(Panel::None);
    let tick = RwSignal::new(0u64);
    let handle = set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let state_text = move || {
        line.with(|current| match current {
            Some(line) => i18n::line_state(lang.get(), &line.state),
            None => l(Label::Idle).to_owned(),
        })
    };
    let timer = move || {
        tick.track();
        line.with(|l| {
            l.as_ref()
                .and_then(|l| l.connected_at.filter(|_| l.state == LineState::Connected))
                .map(|t| i18n::duration(Instant::now().saturating_duration_since(t).as_secs()))
        })
    };
    // A control of the selected line; with no live line, off for the given reason.
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
    let line_id = move || line.with(|l| l.as_ref().map(|l| l.id));
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
    let badges = move || {
        line.with(|l| {
            let Some(l) = l
                .as_ref()
                .filter(|l| !matches!(l.state, LineState::Ended(_)))
            else {
                return Vec::new();
            };
            let mut b = Vec::new();
            if l.held {
                b.push(("held", label(lang.get(), Label::OnHold).to_owned()));
            }
            if l.remote_held {
                b.push((
                    "remote-held",
                    label(lang.get(), Label::HoldingYou).to_owned(),
                ));
            }
            if l.reconnecting {
                b.push((
                    "reconnecting",
                    label(lang.get(), Label::Reconnecting).to_owned(),
                ));
            }
            if matches!(
                l.media,
                MediaHealth::Interrupted | MediaHealth::Restarting | MediaHealth::Failed
            ) {
                b.push(("media", i18n::media_health(lang.get(), l.media).to_owned()));
            }
            b
        })
    };
    view! {
        <section class="card call" aria-live="polite" aria-label=move || l(Label::Calls)>
            <div class="call-head">
                <div class="avatar" aria-hidden="true">
                    {move || line.with(|l| l.as_ref().and_then(|l| l.peer.chars().next()).unwrap_or('·'))}
                </div>
                <div class="who">
                    <div class="call-peer" data-testid="call-peer">
                        {move || line.with(|l| l.as_ref().map(|l| l.peer.clone()))}
                    </div>
                    {move || view_state.with(|v| {
                        let conf = v.conference.as_ref()?;
                        let joined = v.line.as_ref().is_some_and(|l| l.in_conference || !conf.host);
                        joined.then(|| view! {
                            <div class="call-conference" data-testid="call-conference">
                                {l(Label::Conference)} " · " {conf.participants} " " {l(Label::Participants)}
                            </div>
                        })
                    })}
                    <div class="call-state" data-testid="call-state">{state_text}</div>
                </div>
                <div class="call-timer" data-testid="call-timer">{timer}</div>
            </div>
            <div class="badges" data-testid="call-hold">
                <QualityBadge testid="call-quality" quality=Signal::derive(move || line.with(|l| {
                    l.as_ref().filter(|l| !matches!(l.state, LineState::Ended(_))).and_then(|l| l.quality)
                })) />
                {move || badges().into_iter().map(|(kind, text)| view! {
                    <span class=format!("badge {kind}") data-testid=format!("badge-{kind}")>{text}</span>
                }).collect::<Vec<_>>()}
                {move || line.with(|l| l.as_ref().filter(|l| !l.dtmf_received.is_empty()).map(|l| view! {
                    <span class="badge digits" data-testid="dtmf-received">
                        {label(lang.get(), Label::DigitsReceived)} ": " {l.dtmf_received.clone()}
                    </span>
                }))}
            </div>
            <Show when=live>
                <div class="call-controls" role="toolbar" aria-label=move || l(Label::Calls)>
                    <Show
                        when=move || held.get()
                        fallback=move || view! {
                            <ControlButton label=Label::Hold testid="hold" icon=Icon::Hold control=of_line(|l| l.hold)
                                on_press=Callback::new(move |()| if let Some(id) = line_id() { send(Command::Hold(id)) }) />
                        }
                    >
                        <ControlButton label=Label::Retrieve testid="retrieve" icon=Icon::Play control=of_line(|l| l.retrieve)
                            on_press=Callback::new(move |()| if let Some(id) = line_id() { send(Command::Retrieve(id)) }) />
                    </Show>
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
                    <Show when=in_conference>
                        <ControlButton label=Label::Leave testid="leave" icon=Icon::Leave control=phone(|v| v.controls.leave)
                            on_press=Callback::new(move |()| send(Command::Leave)) />
                        <ControlButton label=Label::EndConference testid="end-conference" icon=Icon::Close class="danger"
                            control=phone(|v| v.controls.end_conference)
                            on_press=Callback::new(move |()| send(Command::EndConference)) />
                    </Show>
                    <ControlButton label=Label::EndCall testid="hang-up" icon=Icon::Phone class="danger end"
                        control=end_call on_press=Callback::new(move |()| send(Command::HangUp)) />
                </div>
                <Show when=move || panel.get() == Panel::Keypad>
                    <Keypad driver />
                </Show>
                <Show when=move || panel.get() == Panel::Transfer>
                    <TransferPanel view_state driver on_done=Callback::new(move |()| panel.set(Panel::None)) />
                </Show>
            </Show>
        </section>
    }
}
