//! The screens of the phone.

mod call_panel;
mod contact_info;
mod controls;
mod devices;
mod dialer;
mod sign_in;

use leptos::prelude::*;
use phone::{PhoneView, RegStatus};

use crate::services::Driver;
use crate::strings;
use call_panel::CallPanel;
use contact_info::ContactInfo;
use controls::ConferenceControls;
use devices::Devices;
use dialer::Dialer;
use sign_in::SignIn;

/// The running driver, once signed in; kept out of the reactive graph (it is not `Send`).
pub(crate) type DriverSlot = StoredValue<Option<Driver>, LocalStorage>;

fn signed_out() -> PhoneView {
    PhoneView::signed_out()
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
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
    let status = move || strings::registration(&view_state.with(|v| v.registration.clone()));
    let sign_out = move |_| {
        if let Some(d) = driver.get_value() {
            d.sign_out();
        }
        driver.set_value(None);
        view_state.set(signed_out());
    };
    view! {
        <main class="phone">
            <header class="phone-header">
                <h1>"Softphone"</h1>
                <span class="reg-status" data-testid="reg-status" class:ok=move || view_state.with(|v| v.registration == RegStatus::Registered)>
                    {status}
                </span>
                <Show when=move || signed_in.get()>
                    <button class="link" data-testid="sign-out" on:click=sign_out>"Sign out"</button>
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
