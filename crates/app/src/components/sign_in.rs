//! The sign-in form.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web::crm::{Bridge, Problem};
use web::{Account, PhoneView, RegStatus, Runtime, SignInError};

use super::sign_in_form::{Fields, SignInForm};
use super::{use_bridge, AudioStatus, DriverSlot};
use crate::shell;
use crate::state::{set_swept, DeviceChoice, FirstPaint, Ringtone, Settings};

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
    // Until the click's first paint, only a settled registration is shown at once
    // (FirstPaint says why).
    let views = Rc::new(FirstPaint::new(
        move |v: PhoneView| {
            if let Some(b) = &observer {
                b.observe(&v);
            }
            set_swept(view_state, v);
        },
        |v| matches!(v.registration, RegStatus::Registered | RegStatus::Failed(_)),
    ));
    let opener = Rc::clone(&views);
    web::after_paint(move || opener.open());
    let on_view = move |v: PhoneView| views.give(v);
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

#[component]
pub(crate) fn SignIn(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    audio: AudioStatus,
) -> impl IntoView {
    let bridge = use_bridge();
    let fields = Fields::new(Settings::load());
    // What the agent typed into the page's built-in form before the app was up.
    shell::carry_over(&fields);
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    // Set at the click, where `busy` waits for the first paint: a second submit before it
    // signs in no second time.
    let started = StoredValue::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        // The form never goes anywhere: nothing typed ends up in the URL.
        ev.prevent_default();
        if started.get_value() {
            return;
        }
        started.set_value(true);
        let settings = fields.settings();
        let account = settings.account();
        let bridge = bridge.get_value();
        // The REGISTER goes in this task, before anything is re-rendered.
        spawn_local(async move {
            // Still busy once signed in: the form stays until the desktop replaces it.
            match start(account, view_state, driver, bridge, audio).await {
                Ok(()) => settings.save(),
                Err(e) => {
                    started.set_value(false);
                    error.set(Some(e));
                    busy.try_set(false);
                }
            }
            // Still within the click's user activation, as browsers require; the phone
            // works the same without it.
            web::ask_notification_permission();
        });
        // After the click's first paint, by when the registrar has likely answered
        // (FirstPaint says why); not once the sign-in has failed, nor once the form is gone.
        web::after_paint(move || {
            if started.try_get_value() == Some(true) {
                busy.try_set(true);
                error.try_set(None);
            }
        });
    };
    super::ahead::start_ahead(fields.ws_url, view_state);
    view! { <SignInForm fields busy error on_submit=Callback::new(submit) /> }
}
