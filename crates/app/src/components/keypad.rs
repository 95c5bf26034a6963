//! The keypad: DTMF to the party the agent talks to (RFC 4733 in the media where the far
//! end takes it, SIP INFO otherwise: the engine decides).

use leptos::prelude::*;

use super::attrs::attr;
use web::Command;

use super::DriverSlot;

const KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

#[component]
pub(crate) fn Keypad(driver: DriverSlot) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let press = move |digit: char| {
        typed.update(|t| t.push(digit));
        if let Some(d) = driver.get_value() {
            d.command(Command::Dtmf(digit));
        }
    };
    view! {
        <div class="keypad" data-testid="keypad">
            <output class="keypad-typed" data-testid="keypad-typed" {..attr("aria-live", "polite")}>{move || typed.get()}</output>
            <div class="keys">
                {KEYS.map(|k| view! {
                    <button {..attr("type", "button")} class="key" data-testid=format!("key-{k}") on:click=move |_| press(k)>{k.to_string()}</button>
                }.into_any()).into_iter().collect::<Vec<_>>()}
            </div>
        </div>
    }
}
