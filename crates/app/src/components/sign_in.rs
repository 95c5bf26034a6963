//! The sign-in form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use phone::PhoneView;

use super::DriverSlot;
use crate::services::Driver;
use crate::state::Settings;

#[component]
pub(crate) fn SignIn(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let saved = Settings::load();
    let ws_url = RwSignal::new(saved.ws_url);
    let sip_uri = RwSignal::new(saved.sip_uri);
    let ice = RwSignal::new(saved.ice_servers);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
        let pw = password.get_untracked();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match Driver::sign_in(&settings, &pw, view_state).await {
                Ok(d) => {
                    settings.save();
                    driver.set_value(Some(d));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card sign-in" on:submit=submit>
            <h2>"Sign in"</h2>
            <label>"SIP address"
                <input data-testid="sip-uri" type="text" autocomplete="username" bind:value=sip_uri />
            </label>
            <label>"Password"
                <input data-testid="password" type="password" autocomplete="current-password" bind:value=password />
            </label>
            <details>
                <summary>"Server"</summary>
                <label>"WebSocket URL"
                    <input data-testid="ws-url" type="text" bind:value=ws_url />
                </label>
                <label>"STUN/TURN servers"
                    <input data-testid="ice-servers" type="text" placeholder="stun:stun.example.com:3478" bind:value=ice />
                </label>
            </details>
            <button data-testid="sign-in" type="submit" disabled=move || busy.get()>"Sign in"</button>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" data-testid="sign-in-error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
