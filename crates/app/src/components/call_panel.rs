//! The current call: who, state, timer and its controls.

use std::time::Duration;

use leptos::prelude::*;
use phone::{Command, Instant, LineState, PhoneView};

use super::DriverSlot;
use crate::strings;

#[component]
pub(crate) fn CallPanel(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
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
        line.with(|l| match l {
            Some(l) => strings::line_state(&l.state),
            None => strings::IDLE.to_owned(),
        })
    };
    let timer = move || {
        tick.track();
        line.with(|l| {
            l.as_ref()
                .and_then(|l| l.connected_at.filter(|_| l.state == LineState::Connected))
                .map(|t| strings::duration(Instant::now().saturating_duration_since(t).as_secs()))
        })
    };
    let can = move |f: fn(&phone::LineView) -> bool| line.with(|l| l.as_ref().is_some_and(f));
    view! {
        <section class="card call" aria-live="polite">
            <div class="call-state" data-testid="call-state">{state_text}</div>
            <div class="call-peer" data-testid="call-peer">
                {move || line.with(|l| l.as_ref().map(|l| l.peer.clone()))}
            </div>
            <div class="call-timer" data-testid="call-timer">{timer}</div>
            <div class="controls">
                <Show when=move || can(|l| l.can_answer)>
                    <button class="answer" data-testid="answer" on:click=move |_| send(Command::Answer)>"Answer"</button>
                    <button class="decline" data-testid="decline" on:click=move |_| send(Command::Decline)>"Decline"</button>
                </Show>
                <Show when=move || can(|l| l.can_hang_up && !l.can_answer)>
                    <button class="hang-up" data-testid="hang-up" on:click=move |_| send(Command::HangUp)>"Hang up"</button>
                </Show>
            </div>
        </section>
    }
}
