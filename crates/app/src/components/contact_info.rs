//! The Contact Info panel: every line, and in a conference every participant (C11, E3), with
//! the host's disconnect icon (C14).

use leptos::prelude::*;
use phone::{Command, LineView, PhoneView};

use super::controls::ControlButton;
use super::DriverSlot;
use crate::strings;

/// An RMS above this (about -34 dBFS) counts as speaking.
const SPEAKING_RMS: f32 = 0.02;

#[component]
pub(crate) fn ContactInfo(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    levels: RwSignal<Vec<f32>>,
) -> impl IntoView {
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    let lines = Memo::new(move |_| view_state.with(|v| v.lines.clone()));
    let roster = Memo::new(move |_| {
        view_state.with(|v| {
            v.conference
                .as_ref()
                .filter(|c| !c.host)
                .map(|c| c.roster.clone())
                .unwrap_or_default()
        })
    });
    let shown = move || lines.with(|l| l.len() > 1) || view_state.with(|v| v.conference.is_some());
    let row = move |line: LineView| {
        let id = line.id;
        let held = line.held;
        let port = line.port;
        let speaking = move || levels.with(|l| l.get(port).is_some_and(|rms| *rms > SPEAKING_RMS));
        let line_signal = move |f: fn(&LineView) -> phone::Control| {
            Signal::derive(move || {
                view_state.with(|v| {
                    v.lines
                        .iter()
                        .find(|l| l.id == id)
                        .map(f)
                        .unwrap_or(phone::Control::off("E4", "The call is over"))
                })
            })
        };
        view! {
            <li class="line" data-testid="line" data-peer=line.peer.clone() class:held=held>
                <span class="peer">
                    <span class="speaking" class:on=speaking data-testid="speaking" aria-hidden="true"></span>
                    {line.peer.clone()}
                </span>
                <span class="state" data-testid="line-state">
                    {strings::line_state(&line.state)}
                    {held.then_some(" · on hold")}
                    {line.remote_held.then_some(" · holding you")}
                </span>
                <span class="actions">
                    <ControlButton label="Hold" testid="line-hold" control=line_signal(|l| l.hold)
                        on_press=Callback::new(move |()| send(Command::Hold(id))) />
                    <ControlButton label="Retrieve" testid="line-retrieve" control=line_signal(|l| l.retrieve)
                        on_press=Callback::new(move |()| send(Command::Retrieve(id))) />
                    <Show when=move || line.in_conference>
                        <ControlButton label="✕" testid="line-disconnect" control=line_signal(|l| l.disconnect)
                            on_press=Callback::new(move |()| send(Command::Disconnect(id))) class="icon danger" />
                    </Show>
                    <button data-testid="line-hang-up" class="danger"
                        on:click=move |_| send(Command::HangUpLine(id))>"End call"</button>
                </span>
            </li>
        }
    };
    view! {
        <Show when=shown>
            <section class="card contact-info" aria-label="Contact Info">
                <h2>"Contact Info"</h2>
                <ul class="lines">
                    <For each=move || lines.get() key=|l| (l.id, l.state.clone(), l.held, l.in_conference) children=row />
                </ul>
                <Show when=move || roster.with(|r| !r.is_empty())>
                    <ul class="roster">
                        <For
                            each=move || roster.get()
                            key=|p| (p.name.clone(), p.status.clone())
                            children=|p| view! {
                                <li data-testid="participant" data-name=p.name.clone()>
                                    <span class="peer">{p.name.clone()}</span>
                                    <span class="state">{p.status.clone()}</span>
                                </li>
                            }
                        />
                    </ul>
                </Show>
            </section>
        </Show>
    }
}
