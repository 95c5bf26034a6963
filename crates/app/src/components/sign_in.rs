//! The sign-in form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web::crm::{Bridge, Problem};
use web::{Account, PhoneView, Runtime, SignInError};

use super::{use_bridge, AudioStatus, DriverSlot};
use crate::i18n::{label, sign_in_error, Label};
use crate::state::{set_swept, use_lang, DeviceChoice, Ringtone, Settings};

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
        set_swept(view_state, v);
    };
    audio.set(None);
    let audio_bridge = bridge.clone();
    let on_audio = move |result: Result<(), SignInError>| {
        if let (Err(_), Some(b)) = (&result, &audio_bridge) {
            b.report(Problem::AudioFailed);
        }
        // The audio starts after signalling: the chosen ringtone is set once it is there.
        if let Some(a) = driver.get_value().and_then(|d| d.audio()) {
            a.set_ringtone(Some(Ringtone::load().region()));
        }
        audio.set(Some(result));
    };
    match Runtime::sign_in(&account, &devices, on_view, on_audio).await {
        Ok(d) => {
            if let Some(a) = d.audio() {
                a.set_ringtone(Some(Ringtone::load().region()));
            }
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

/// A text field bound to one of the form's signals.
#[component]
fn Field(
    label: Label,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label>{move || self::label(lang.get(), label)}
            <input data-testid=testid type=if kind.is_empty() { "text" } else { kind }
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                bind:value=value />
        </label>
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
    let display_name = RwSignal::new(saved.display_name);
    let auth_user = RwSignal::new(saved.auth_user);
    let ice = RwSignal::new(saved.ice_servers);
    let turn = RwSignal::new(saved.turn_servers);
    let turn_username = RwSignal::new(saved.turn_username);
    let turn_credential = RwSignal::new(saved.turn_credential);
    let password = RwSignal::new(saved.password);
    let remember = RwSignal::new(saved.remember);
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        // The form never goes anywhere: nothing typed ends up in the URL.
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let settings = Settings {
            ws_url: ws_url.get_untracked(),
            sip_uri: sip_uri.get_untracked(),
            display_name: display_name.get_untracked(),
            auth_user: auth_user.get_untracked(),
            ice_servers: ice.get_untracked(),
            turn_servers: turn.get_untracked(),
            turn_username: turn_username.get_untracked(),
            turn_credential: turn_credential.get_untracked(),
            password: password.get_untracked(),
            remember: remember.get_untracked(),
        };
        let account = settings.account();
        let bridge = bridge.get_value();
        // Queued before the re-renders the signals below queue: the REGISTER goes first.
        spawn_local(async move {
            // Still busy once signed in: the form stays until the desktop replaces it.
            match start(account, view_state, driver, bridge, audio).await {
                Ok(()) => settings.save(),
                Err(e) => {
                    error.set(Some(e));
                    busy.try_set(false);
                }
            }
            // Still within the click's user activation, as browsers require; the phone
            // works the same without it.
            web::ask_notification_permission();
        });
        busy.set(true);
        error.set(None);
    };
    super::ahead::start_ahead(ws_url, view_state);
    let l = move |what| label(lang.get(), what);
    view! {
        // method="post" with no action: were the script ever to fail, a browser would still
        // not put the password in the address bar (a GET form would).
        <form class="card sign-in" method="post" on:submit=submit>
            <h2>{move || l(Label::SignIn)}</h2>
            <Field label=Label::SipAddress testid="sip-uri" value=sip_uri autocomplete="username" />
            <Field label=Label::Password testid="password" value=password kind="password" autocomplete="current-password" />
            <label class="check">
                <input type="checkbox" data-testid="remember" prop:checked=remember
                    on:change=move |ev| remember.set(event_target_checked(&ev)) />
                {move || l(Label::Remember)}
            </label>
            <details>
                <summary data-testid="account-more">{move || l(Label::Account)}</summary>
                <Field label=Label::DisplayName testid="display-name" value=display_name autocomplete="name" />
                <Field label=Label::AuthUser testid="auth-user" value=auth_user />
            </details>
            <details>
                <summary data-testid="server-more">{move || l(Label::Server)}</summary>
                <Field label=Label::WebSocketUrl testid="ws-url" value=ws_url />
                <Field label=Label::IceServers testid="ice-servers" value=ice placeholder="stun:stun.example.com:3478" />
                <Field label=Label::TurnServers testid="turn-servers" value=turn placeholder="turns:turn.example.com:5349" />
                <Field label=Label::TurnUsername testid="turn-username" value=turn_username />
                <Field label=Label::TurnCredential testid="turn-credential" value=turn_credential kind="password" autocomplete="off" />
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
