//! The sign-in form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web::crm::{Bridge, Problem};
use web::{Account, PhoneView, Runtime, SignInError};

use super::{use_bridge, AudioStatus, DriverSlot};
use crate::i18n::{label, sign_in_error, Label};
use crate::state::{instance_id, use_lang, DeviceChoice, Settings};

/// Signs in with `account` and hands the running phone to the page, and to the CRM when the
/// phone is embedded: the form and the CRM's `sign_in` command both come here.
pub(crate) async fn start(
    account: Account,
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    bridge: Option<Bridge>,
    audio: AudioStatus,
) -> Result<(), SignInError> {
    let devices = DeviceChoice::load().to_web();
    let observer = bridge.clone();
    let on_view = move |v: PhoneView| {
        if let Some(b) = &observer {
            b.observe(&v);
        }
        view_state.set(v);
    };
    audio.set(None);
    let audio_bridge = bridge.clone();
    let on_audio = move |result: Result<(), SignInError>| {
        if let (Err(_), Some(b)) = (&result, &audio_bridge) {
            b.report(Problem::AudioFailed);
        }
        audio.set(Some(result));
    };
    match Runtime::sign_in(&account, &devices, on_view, on_audio).await {
        Ok(d) => {
            if let Some(b) = &bridge {
                b.set_runtime(Some(d.clone()));
            }
            driver.set_value(Some(d));
            Ok(())
        }
        Err(e) => {
            let problem = match &e {
                SignInError::MicrophoneBlockedByFrame => Some(Problem::MicrophoneBlockedByFrame),
                SignInError::Audio(_) => Some(Problem::AudioFailed),
                _ => None,
            };
            if let (Some(b), Some(p)) = (&bridge, problem) {
                b.report(p);
            }
            Err(e)
        }
    }
}

#[component]
pub(crate) fn SignIn(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    audio: AudioStatus,
) -> impl IntoView {
    let lang = use_lang();
    let bridge = use_bridge();
    let saved = Settings::load();
    let ws_url = RwSignal::new(saved.ws_url);
    let sip_uri = RwSignal::new(saved.sip_uri);
    let ice = RwSignal::new(saved.ice_servers);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let settings = Settings {
            ws_url: ws_url.get_untracked(),
            sip_uri: sip_uri.get_untracked(),
            ice_servers: ice.get_untracked(),
        };
        let account = Account {
            sip_uri: settings.sip_uri.clone(),
            password: password.get_untracked(),
            edges: settings.ws_url.clone(),
            ice_servers: settings.ice_servers.clone(),
            instance_id: instance_id(),
            display_name: None,
        };
        let bridge = bridge.get_value();
        busy.set(true);
        error.set(None);
        // From the click, as browsers require; the phone works the same without it.
        web::ask_notification_permission();
        spawn_local(async move {
            match start(account, view_state, driver, bridge, audio).await {
                Ok(()) => settings.save(),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let l = move |what| label(lang.get(), what);
    view! {
        <form class="card sign-in" on:submit=submit>
            <h2>{move || l(Label::SignIn)}</h2>
            <label>{move || l(Label::SipAddress)}
                <input data-testid="sip-uri" type="text" autocomplete="username" bind:value=sip_uri />
            </label>
            <label>{move || l(Label::Password)}
                <input data-testid="password" type="password" autocomplete="current-password" bind:value=password />
            </label>
            <details>
                <summary>{move || l(Label::Server)}</summary>
                <label>{move || l(Label::WebSocketUrl)}
                    <input data-testid="ws-url" type="text" bind:value=ws_url />
                </label>
                <label>{move || l(Label::IceServers)}
                    <input data-testid="ice-servers" type="text" placeholder="stun:stun.example.com:3478" bind:value=ice />
                </label>
            </details>
            <button data-testid="sign-in" type="submit" disabled=move || busy.get()>{move || l(Label::SignIn)}</button>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" data-testid="sign-in-error" role="alert">
                    {move || error.with(|e| e.as_ref().map(|e| sign_in_error(lang.get(), e)))}
                </p>
            </Show>
        </form>
    }
}
