//! The Contact Info panel: every line, and in a conference every participant (C11, E3), with
//! the host's disconnect icon (C14).

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::said::said;

use super::shown::Shown;
use web::{Command, Control, LineView, MediaHealth, Participant, PhoneView, Reason};

use super::control_button::ControlButton;
use super::icons::Icon;
use super::quality::QualityBadge;
use super::rows::{rows, Rows};
use super::DriverSlot;
use crate::i18n::{self, label, Label};
use crate::state::use_lang;

/// An RMS above this (about -34 dBFS) counts as speaking.
const SPEAKING_RMS: f32 = 0.02;

#[component]
pub(crate) fn ContactInfo(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    levels: RwSignal<Vec<f32>>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
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
        let line_state = line.state.clone();
        let remote_held = line.remote_held;
        let reconnecting = line.reconnecting;
        let health = line.media;
        let health_tag = match health {
            MediaHealth::Connecting => "connecting",
            MediaHealth::Connected => "connected",
            MediaHealth::Interrupted => "interrupted",
            MediaHealth::Restarting => "restarting",
            MediaHealth::Failed => "failed",
        };
        let speaking = move || levels.with(|l| l.get(port).is_some_and(|rms| *rms > SPEAKING_RMS));
        let peer = line.peer.clone();
        let line_signal = move |f: fn(&LineView) -> Control| {
            Signal::derive(move || {
                view_state.with(|v| {
                    v.lines
                        .iter()
                        .find(|l| l.id == id)
                        .map(f)
                        .unwrap_or(Control::off(Reason::NotConnected))
                })
            })
        };
        view! {
            <li class="line" data-testid="line" data-peer=line.peer.clone() class:held=held>
                <span class="peer">
                    // Shape and words as well as colour: a ring when quiet, a filled dot and a
                    // screen-reader word when speaking.
                    <span class="speaking" class:on=speaking data-testid="speaking"
                        data-speaking=move || speaking().to_string()
                        {..bound("title", move || speaking().then(|| l(Label::Speaking).to_owned()))}></span>
                    <span class="sr-only">{move || speaking().then(|| l(Label::Speaking).to_owned())}</span>
                    {line.peer.clone()}
                </span>
                <span class="state" data-testid="line-state">
                    {move || i18n::line_state(lang.get(), &line_state)}
                    {move || held.then(|| format!(" · {}", l(Label::OnHold)))}
                    {move || remote_held.then(|| format!(" · {}", l(Label::HoldingYou)))}
                    {move || reconnecting.then(|| format!(" · {}", l(Label::Reconnecting)))}
                </span>
                <QualityBadge testid="line-quality" quality=Signal::derive(move || {
                    view_state.with(|v| v.lines.iter().find(|l| l.id == id).and_then(|l| l.quality))
                }) />
                <span class="media" data-testid="line-media" data-health={health_tag}
                    {..bound("title", move || i18n::media_health(lang.get(), health).to_owned())}>
                    {move || (health != MediaHealth::Connected && health != MediaHealth::Connecting)
                        .then(|| i18n::media_health(lang.get(), health).to_owned())}
                </span>
                <span class="actions">
                    <ControlButton label=Label::Hold testid="line-hold" control=line_signal(|l| l.hold)
                        on_press=Callback::new(move |()| send(Command::Hold(id))) />
                    <ControlButton label=Label::Retrieve testid="line-retrieve" control=line_signal(|l| l.retrieve)
                        on_press=Callback::new(move |()| send(Command::Retrieve(id))) />
                    <Shown when=move || line.in_conference>
                        <ControlButton label=Label::Disconnect testid="line-disconnect" icon=Icon::Close control=line_signal(|l| l.disconnect)
                            name_suffix=peer.clone()
                            on_press=Callback::new(move |()| send(Command::Disconnect(id))) class="icon danger" />
                    </Shown>
                    <button data-testid="line-hang-up" class="danger"
                        on:click=move |_| send(Command::HangUpLine(id))>{said(lang, Label::EndCall)}</button>
                </span>
            </li>
        }
    };
    view! {
        <Shown when=shown>
            <section class="card contact-info" {..attr("aria-label", said(lang, Label::ContactInfo))}>
                <h2>
                    {said(lang, Label::ContactInfo)}
                    <Shown when=move || view_state.with(|v| v.conference.as_ref().is_some_and(|c| c.host))>
                        " " <span class="badge" data-testid="host-badge">{said(lang, Label::Host)}</span>
                    </Shown>
                </h2>
                <ul class="lines">
                    <Rows each=rows(move || lines.get(), |l: &LineView| (l.id, l.state.clone(), l.held, l.remote_held, l.in_conference, l.media), row) />
                </ul>
                <Shown when=move || roster.with(|r| !r.is_empty())>
                    <ul class="roster">
                        <Rows each=rows(
                            move || roster.get(),
                            |p: &Participant| (p.name.clone(), p.status, p.host),
                            move |p: Participant| view! {
                                <li data-testid="participant" data-name=p.name.clone() data-host=p.host.to_string()>
                                    <span class="peer">
                                        {p.name.clone()}
                                        {p.host.then(|| view! {
                                            " " <span class="badge" data-testid="participant-host">{said(lang, Label::Host)}</span>
                                        }.into_any())}
                                    </span>
                                    <span class="state" data-testid="participant-state">{move || i18n::party_status(lang.get(), p.status)}</span>
                                </li>
                            },
                        ) />
                    </ul>
                </Shown>
            </section>
        </Shown>
    }
}
