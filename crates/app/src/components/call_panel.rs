//! The current call: who, state, timer, who holds whom, and its controls.

use std::time::Duration;

use leptos::prelude::*;
use web::{Command, Control, Instant, LineState, LineView, PhoneView, Reason};

use super::controls::ControlButton;
use super::DriverSlot;
use crate::i18n::{self, label, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn CallPanel(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let line = Memo::new(move |_| view_state.with(|v| v.line.clone()));
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
    let can = move |f: fn(&LineView) -> bool| line.with(|l| l.as_ref().is_some_and(f));
    // The same words as the Contact Info panel, which a single call does not open.
    let hold_text = move || {
        line.with(|l| {
            let l = l.as_ref()?;
            let words: Vec<&str> = [(l.held, Label::OnHold), (l.remote_held, Label::HoldingYou)]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, what)| label(lang.get(), what))
                .collect();
            (!words.is_empty()).then(|| words.join(" · "))
        })
    };
    let control = move |f: fn(&LineView) -> Control| {
        Signal::derive(move || {
            line.with(|l| l.as_ref().map_or(Control::off(Reason::NotHoldable), f))
        })
    };
    let on_line = move |cmd: fn(web::LineId) -> Command| {
        Callback::new(move |()| {
            if let Some(id) = line.with(|l| l.as_ref().map(|l| l.id)) {
                send(cmd(id));
            }
        })
    };
    view! {
        <section class="card call" aria-live="polite">
            <div class="call-state" data-testid="call-state">{state_text}</div>
            <div class="call-peer" data-testid="call-peer">
                {move || line.with(|l| l.as_ref().map(|l| l.peer.clone()))}
            </div>
            <div class="call-timer" data-testid="call-timer">{timer}</div>
            <div class="call-hold" data-testid="call-hold">{hold_text}</div>
            <div class="controls">
                <Show when=move || can(|l| l.can_answer)>
                    <button class="answer" data-testid="answer" on:click=move |_| send(Command::Answer)>{move || l(Label::Answer)}</button>
                    <button class="decline" data-testid="decline" on:click=move |_| send(Command::Decline)>{move || l(Label::Decline)}</button>
                </Show>
                <Show when=move || can(|l| l.state == LineState::Connected)>
                    <ControlButton label=Label::Hold testid="hold" control=control(|l| l.hold)
                        on_press=on_line(Command::Hold) />
                    <ControlButton label=Label::Retrieve testid="retrieve" control=control(|l| l.retrieve)
                        on_press=on_line(Command::Retrieve) />
                </Show>
                <Show when=move || can(|l| l.can_hang_up && !l.can_answer)>
                    <button class="hang-up" data-testid="hang-up" on:click=move |_| send(Command::HangUp)>{move || l(Label::HangUp)}</button>
                </Show>
            </div>
        </section>
    }
}
