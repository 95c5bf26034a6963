//! The screens of the phone.

mod call_panel;
mod contact_info;
mod controls;
mod devices;
mod dialer;
mod sign_in;

use leptos::prelude::*;
use web::{PhoneView, RegStatus, Runtime};

use crate::i18n::{self, label, Label, Lang};
use crate::state::{load_lang, save_lang};
use call_panel::CallPanel;
use contact_info::ContactInfo;
use controls::ConferenceControls;
use devices::Devices;
use dialer::Dialer;
use sign_in::SignIn;

/// The running phone, once signed in; kept out of the reactive graph (it is not `Send`).
pub(crate) type DriverSlot = StoredValue<Option<Runtime>, LocalStorage>;

fn signed_out() -> PhoneView {
    PhoneView::signed_out()
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(load_lang());
    save_lang(lang.get_untracked());
    provide_context(lang);
    let view_state = RwSignal::new(signed_out());
    let driver: DriverSlot = StoredValue::new_local(None);
    // Input levels per mixer port for the speaking indicators (E3), five times a second.
    let levels = RwSignal::new(Vec::<f32>::new());
    let poll = set_interval_with_handle(
        move || {
            if let Some(d) = driver.get_value() {
                levels.set(d.levels().iter().map(|(rms, _)| *rms).collect());
            }
        },
        std::time::Duration::from_millis(200),
    );
    on_cleanup(move || {
        if let Ok(h) = poll {
            h.clear();
        }
    });
    let signed_in = Memo::new(move |_| view_state.with(|v| v.registration != RegStatus::SignedOut));
    let status = move || view_state.with(|v| i18n::registration(lang.get(), &v.registration));
    let sign_out = move |_| {
        // The runtime finishes the un-REGISTER on its own; the page is done with it now.
        if let Some(d) = driver.get_value() {
            d.sign_out();
        }
        driver.set_value(None);
        view_state.set(signed_out());
    };
    let pick_lang = move |ev: leptos::ev::Event| {
        let tag = event_target_value(&ev);
        let chosen = Lang::from_tag(&tag);
        save_lang(chosen);
        lang.set(chosen);
    };
    view! {
        <main class="phone">
            <header class="phone-header">
                <h1>{move || label(lang.get(), Label::Title)}</h1>
                <span class="reg-status" data-testid="reg-status" class:ok=move || view_state.with(|v| v.registration == RegStatus::Registered)>
                    {status}
                </span>
                <select class="lang" data-testid="language" aria-label=move || label(lang.get(), Label::Language) on:change=pick_lang>
                    {Lang::ALL.map(|l| view! {
                        <option value=l.tag() selected=move || lang.get() == l>{l.name()}</option>
                    })}
                </select>
                <Show when=move || signed_in.get()>
                    <button class="link" data-testid="sign-out" on:click=sign_out>
                        {move || label(lang.get(), Label::SignOut)}
                    </button>
                </Show>
            </header>
            <Show
                when=move || signed_in.get()
                fallback=move || view! { <SignIn view_state driver /> }
            >
                <Dialer view_state driver />
                <CallPanel view_state driver />
                <ConferenceControls view_state driver />
                <ContactInfo view_state driver levels />
                <Devices driver />
            </Show>
        </main>
    }
}
