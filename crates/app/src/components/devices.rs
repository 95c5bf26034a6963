//! Microphone, speaker and ringer choice, remembered in this browser; a device that disappears
//! falls back to the default with a visible notice.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web::{audio_devices, can_choose_outputs, AudioDevice, DeviceKind, DeviceWatch};

use super::DriverSlot;
use crate::state::{DeviceChoice, RINGER_SYSTEM_DEFAULT};

const DEFAULT: &[(&str, &str)] = &[("", "Default")];
const RINGER_FIRST: &[(&str, &str)] = &[
    ("", "Same as speaker"),
    (RINGER_SYSTEM_DEFAULT, "System default"),
];

#[component]
pub(crate) fn Devices(driver: DriverSlot) -> impl IntoView {
    let list = RwSignal::new(Vec::<AudioDevice>::new());
    let choice = RwSignal::new(DeviceChoice::load());
    let notice = RwSignal::new(None::<String>);
    let fell_back = driver
        .get_value()
        .is_some_and(|d| d.audio().microphone_fell_back());
    if fell_back {
        notice.set(Some(
            "The chosen microphone is not here: using the default one".into(),
        ));
    }

    // Re-read the devices; a chosen one that is gone falls back to the default.
    let refresh = move || {
        spawn_local(async move {
            let Ok(devices) = audio_devices().await else {
                return;
            };
            let has = |kind, id: &str| devices.iter().any(|d| d.kind == kind && d.id == id);
            let mut c = choice.get_untracked();
            let audio = driver.get_value().map(|d| d.audio());
            if !c.microphone.is_empty() && !has(DeviceKind::Microphone, &c.microphone) {
                c.microphone.clear();
                if let Some(a) = &audio {
                    let _ = a.use_microphone(None).await;
                }
                notice.set(Some(
                    "The chosen microphone is gone: using the default one".into(),
                ));
            }
            if !c.speaker.is_empty() && !has(DeviceKind::Speaker, &c.speaker) {
                c.speaker.clear();
                if let Some(a) = &audio {
                    let _ = a.use_speaker("").await;
                }
                notice.set(Some(
                    "The chosen speaker is gone: using the default one".into(),
                ));
            }
            let ringer_gone = c.ringer != RINGER_SYSTEM_DEFAULT;
            if !c.ringer.is_empty() && ringer_gone && !has(DeviceKind::Speaker, &c.ringer) {
                c.ringer.clear();
                if let Some(a) = &audio {
                    let _ = a.use_ringer(None).await;
                }
                notice.set(Some(
                    "The chosen ringer is gone: ringing on the speaker".into(),
                ));
            }
            c.save();
            choice.set(c);
            list.set(devices);
        });
    };
    refresh();
    let watch = StoredValue::new_local(DeviceWatch::new(refresh).ok());
    on_cleanup(move || watch.set_value(None));

    // Records the agent's pick in `field` (remembered at once) and hands back the choice and
    // the audio engine to apply it to, once signed in.
    let record = move |ev: &leptos::ev::Event, field: fn(&mut DeviceChoice) -> &mut String| {
        let id = event_target_value(ev);
        choice.update(|c| *field(c) = id);
        let chosen = choice.get_untracked();
        chosen.save();
        driver.get_value().map(|d| (chosen, d.audio()))
    };
    let pick_mic = move |ev: leptos::ev::Event| {
        let Some((chosen, audio)) = record(&ev, |c| &mut c.microphone) else {
            return;
        };
        spawn_local(async move {
            let wanted = Some(chosen.microphone.as_str()).filter(|i| !i.is_empty());
            notice.set(match audio.use_microphone(wanted).await {
                Ok(false) => None,
                Ok(true) => Some("That microphone is not available: using the default one".into()),
                Err(e) => Some(format!("The microphone could not be changed: {e}")),
            });
        });
    };
    let pick_speaker = move |ev: leptos::ev::Event| {
        let Some((chosen, audio)) = record(&ev, |c| &mut c.speaker) else {
            return;
        };
        spawn_local(async move {
            let result = audio.use_speaker(&chosen.speaker).await;
            notice.set(
                result
                    .err()
                    .map(|e| format!("The speaker could not be changed: {e}")),
            );
        });
    };
    let pick_ringer = move |ev: leptos::ev::Event| {
        let Some((chosen, audio)) = record(&ev, |c| &mut c.ringer) else {
            return;
        };
        spawn_local(async move {
            let result = audio.use_ringer(chosen.ringer_sink()).await;
            notice.set(
                result
                    .err()
                    .map(|e| format!("The ringer could not be changed: {e}")),
            );
        });
    };
    // `first`: the choices that are not devices, as (value, label).
    let options = move |kind: DeviceKind,
                        selected: fn(&DeviceChoice) -> String,
                        first: &'static [(&'static str, &'static str)]| {
        let current = choice.with(selected);
        let mut opts: Vec<(String, String)> = first
            .iter()
            .map(|(id, label)| ((*id).to_owned(), (*label).to_owned()))
            .collect();
        opts.extend(
            list.get()
                .into_iter()
                .filter(|d| d.kind == kind && d.id != "default")
                .map(|d| (d.id, d.label)),
        );
        opts.into_iter()
            .map(|(id, label)| {
                let is = id == current;
                view! { <option value=id selected=is>{label}</option> }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <details class="card devices">
            <summary data-testid="devices">"Audio devices"</summary>
            <label>"Microphone"
                <select data-testid="microphone" on:change=pick_mic>
                    {move || options(DeviceKind::Microphone, |c| c.microphone.clone(), DEFAULT)}
                </select>
            </label>
            <Show
                when=can_choose_outputs
                fallback=|| view! {
                    <p class="hint" data-testid="outputs-fixed">
                        "This browser plays calls and the ringer on its default output."
                    </p>
                }
            >
                <label>"Speaker"
                    <select data-testid="speaker" on:change=pick_speaker>
                        {move || options(DeviceKind::Speaker, |c| c.speaker.clone(), DEFAULT)}
                    </select>
                </label>
                <label>"Ringer"
                    <select data-testid="ringer" on:change=pick_ringer>
                        {move || options(DeviceKind::Speaker, |c| c.ringer.clone(), RINGER_FIRST)}
                    </select>
                </label>
            </Show>
            <Show when=move || notice.with(Option::is_some)>
                <p class="notice" data-testid="device-notice" role="status">{move || notice.get()}</p>
            </Show>
        </details>
    }
}
