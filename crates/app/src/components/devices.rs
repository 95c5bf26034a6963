//! Microphone, speaker and ringer choice, remembered in this browser; a device that disappears
//! falls back to the default with a visible notice.

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::effect::effect;

use super::said::said;

use super::shown::Shown;
use leptos::task::spawn_local;
use web::{audio_devices, can_choose_outputs, AudioDevice, DeviceKind, DeviceWatch};

use super::{AudioStatus, DriverSlot};
use crate::i18n::{label, Label};
use crate::state::{
    load_noise_suppression, load_voice_processing, save_noise_suppression, save_voice_processing,
    strength_percent, use_lang, DeviceChoice, Ringtone, RINGER_SYSTEM_DEFAULT,
};

/// How long the ringtone preview plays: two cadences of the longest ringtone would be 12 s,
/// too long to wait for; 3 s shows the chord and the start of the cadence.
const PREVIEW: std::time::Duration = std::time::Duration::from_secs(3);

const DEFAULT: &[(&str, Label)] = &[("", Label::DefaultDevice)];
const RINGER_FIRST: &[(&str, Label)] = &[
    ("", Label::SameAsSpeaker),
    (RINGER_SYSTEM_DEFAULT, Label::SystemDefault),
];

/// What the notice says: a label, and the browser's detail when it gave one.
type DeviceNotice = (Label, Option<String>);

#[component]
pub(crate) fn Settings(driver: DriverSlot, view_state: RwSignal<web::PhoneView>) -> impl IntoView {
    let list = RwSignal::new(Vec::<AudioDevice>::new());
    let choice = RwSignal::new(DeviceChoice::load());
    let lang = use_lang();
    let notice = RwSignal::new(None::<DeviceNotice>);
    // The product default is on: agents use laptop speakers.
    let voice = RwSignal::new(load_voice_processing().unwrap_or(!cfg!(feature = "test-hooks")));
    // Ours applies at once to the running call (the worklet and the microphone's constraint).
    let noise = RwSignal::new(load_noise_suppression());
    let set_noise = move |change: &dyn Fn(&mut web::NoiseSuppression)| {
        noise.update(|n| change(n));
        let chosen = noise.get_untracked();
        save_noise_suppression(chosen);
        if let Some(audio) = driver.get_value().and_then(|d| d.audio()) {
            audio.set_noise_suppression(chosen);
        }
    };
    // Once the audio is up (it starts beside registration): did the chosen microphone
    // have to give way to the default one?
    let audio_status = use_context::<AudioStatus>();
    effect(move || {
        let up = audio_status.is_some_and(|a| a.with(|a| matches!(a, Some(Ok(())))));
        let fell_back = up
            && driver
                .get_value()
                .and_then(|d| d.audio())
                .is_some_and(|a| a.microphone_fell_back());
        if fell_back {
            notice.set(Some((Label::MicMissing, None)));
        }
    });

    // Re-read the devices; a chosen one that is gone falls back to the default.
    let refresh = move || {
        spawn_local(async move {
            let Ok(devices) = audio_devices().await else {
                return;
            };
            let has = |kind, id: &str| devices.iter().any(|d| d.kind == kind && d.id == id);
            let mut c = choice.get_untracked();
            let audio = driver.get_value().and_then(|d| d.audio());
            if !c.microphone.is_empty() && !has(DeviceKind::Microphone, &c.microphone) {
                c.microphone.clear();
                if let Some(a) = &audio {
                    let _ = a.use_microphone(None).await;
                }
                notice.set(Some((Label::MicGone, None)));
            }
            if !c.speaker.is_empty() && !has(DeviceKind::Speaker, &c.speaker) {
                c.speaker.clear();
                if let Some(a) = &audio {
                    let _ = a.use_speaker("").await;
                }
                notice.set(Some((Label::SpeakerGone, None)));
            }
            let ringer_gone = c.ringer != RINGER_SYSTEM_DEFAULT;
            if !c.ringer.is_empty() && ringer_gone && !has(DeviceKind::Speaker, &c.ringer) {
                c.ringer.clear();
                if let Some(a) = &audio {
                    let _ = a.use_ringer(None).await;
                }
                notice.set(Some((Label::RingerGone, None)));
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
        driver.get_value().and_then(|d| Some((chosen, d.audio()?)))
    };
    let pick_mic = move |ev: leptos::ev::Event| {
        let Some((chosen, audio)) = record(&ev, |c| &mut c.microphone) else {
            return;
        };
        spawn_local(async move {
            let wanted = Some(chosen.microphone.as_str()).filter(|i| !i.is_empty());
            notice.set(match audio.use_microphone(wanted).await {
                Ok(false) => None,
                Ok(true) => Some((Label::MicUnavailable, None)),
                Err(e) => Some((Label::MicChangeFailed, Some(e.to_string()))),
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
                    .map(|e| (Label::SpeakerChangeFailed, Some(e.to_string()))),
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
                    .map(|e| (Label::RingerChangeFailed, Some(e.to_string()))),
            );
        });
    };
    let ringtone = RwSignal::new(Ringtone::load());
    let pick_ringtone = move |ev: leptos::ev::Event| {
        let chosen = Ringtone::from_tag(&event_target_value(&ev)).unwrap_or_default();
        chosen.save();
        ringtone.set(chosen);
        if let Some(a) = driver.get_value().and_then(|d| d.audio()) {
            a.set_ringtone(Some(chosen.region()));
        }
    };
    // A call ringing owns the ringer: no preview over it, and no preview's end cutting it.
    let call_rings = move || view_state.with(|v| v.lines.iter().any(|l| l.can_answer));
    let preview = move |_| {
        let Some(audio) = driver.get_value().and_then(|d| d.audio()) else {
            return;
        };
        if call_rings() {
            return;
        }
        audio.preview_ringtone(ringtone.get_untracked().region());
        set_timeout(
            move || {
                if !call_rings() {
                    audio.stop_ringer();
                }
            },
            PREVIEW,
        );
    };
    // `first`: the choices that are not devices, as (value, label).
    let options = move |kind: DeviceKind,
                        selected: fn(&DeviceChoice) -> String,
                        first: &'static [(&'static str, Label)]| {
        let current = choice.with(selected);
        let mut opts: Vec<(String, String)> = first
            .iter()
            .map(|(id, l)| ((*id).to_owned(), label(lang.get(), *l).to_owned()))
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
                view! { <option {..attr("value", id)} {..attr("selected", is)}>{label}</option> }
                    .into_any()
            })
            .collect::<Vec<_>>()
    };
    view! {
        <details class="card devices settings">
            <summary data-testid="devices">{said(lang, Label::Settings)}</summary>
            <h3>{said(lang, Label::AudioDevices)}</h3>
            <label>{said(lang, Label::Microphone)}
                <select data-testid="microphone" on:change=pick_mic>
                    {move || options(DeviceKind::Microphone, |c| c.microphone.clone(), DEFAULT)}
                </select>
            </label>
            <Shown
                when=can_choose_outputs
                fallback=move || view! {
                    <p class="hint" data-testid="outputs-fixed">
                        {said(lang, Label::OutputsFixed)}
                    </p>
                }
            >
                <label>{said(lang, Label::Speaker)}
                    <select data-testid="speaker" on:change=pick_speaker>
                        {move || options(DeviceKind::Speaker, |c| c.speaker.clone(), DEFAULT)}
                    </select>
                </label>
                <label>{said(lang, Label::Ringer)}
                    <select data-testid="ringer" on:change=pick_ringer>
                        {move || options(DeviceKind::Speaker, |c| c.ringer.clone(), RINGER_FIRST)}
                    </select>
                </label>
            </Shown>
            <div class="ringtone-row">
                <label>{said(lang, Label::Ringtone)}
                    <select data-testid="ringtone" on:change=pick_ringtone>
                        {Ringtone::ALL.map(|r| view! {
                            <option {..attr("value", r.tag())} {..bound("selected", move || ringtone.get() == r)}>
                                {said(lang, r.label())}
                            </option>
                        }.into_any()).into_iter().collect::<Vec<_>>()}
                    </select>
                </label>
                <button {..attr("type", "button")} class="secondary" data-testid="ringtone-preview"
                    {..bound("disabled", call_rings)} on:click=preview>
                    {said(lang, Label::Preview)}
                </button>
            </div>
            <h3 class="section">{said(lang, Label::VoiceHeading)}</h3>
            // Each setting is one group, its note or slider indented under its own text, so
            // nothing reads as belonging to the setting below it.
            <div class="setting">
                <label class="check">
                    <input {..attr("type", "checkbox")} data-testid="voice-processing"
                        {..attr("aria-describedby", "voice-processing-note")}
                        prop:checked=voice
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            save_voice_processing(on);
                            voice.set(on);
                        } />
                    {said(lang, Label::VoiceProcessing)}
                </label>
                <p class="hint" {..attr("id", "voice-processing-note")}>
                    {said(lang, Label::AppliesNextSignIn)}
                </p>
            </div>
            <div class="setting">
                <label class="check">
                    <input {..attr("type", "checkbox")} data-testid="noise-suppression"
                        prop:checked=move || noise.with(|n| n.on)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set_noise(&|n| n.on = on);
                        } />
                    {said(lang, Label::NoiseSuppression)}
                </label>
                <label class="strength">{said(lang, Label::NoiseStrength)}
                    <input {..attr("type", "range")} {..attr("min", "0")} {..attr("max", "100")} {..attr("step", "5")} data-testid="noise-strength"
                        prop:value=move || strength_percent(noise.get()).to_string()
                        {..bound("disabled", move || noise.with(|n| !n.on))}
                        on:change=move |ev| {
                            let Ok(p) = event_target_value(&ev).parse::<u8>() else { return };
                            set_noise(&|n| n.strength = f32::from(p.min(100)) / 100.0);
                        } />
                    <output>{move || format!("{} %", strength_percent(noise.get()))}</output>
                </label>
            </div>
            <Shown when=move || notice.with(Option::is_some)>
                <p class="notice" data-testid="device-notice" {..attr("role", "status")}>
                    {move || notice.get().map(|(l, detail)| match detail {
                        Some(d) => format!("{}: {d}", label(lang.get(), l)),
                        None => label(lang.get(), l).to_owned(),
                    })}
                </p>
            </Shown>
        </details>
    }
}
