//! Transfer: blind to a number, or attended to a party the agent consulted (another
//! connected call).

use leptos::prelude::*;

use super::attrs::attr;

use super::said::said;
use web::{Command, LineState, PhoneView};

use super::DriverSlot;
use crate::i18n::{label, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn TransferPanel(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    on_done: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let target = RwSignal::new(String::new());
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
        on_done.run(());
    };
    let selected = move || view_state.with(|v| v.line.as_ref().map(|l| l.id));
    // Attended: to any other connected call (usually the consultation).
    let others = move || {
        view_state.with(|v| {
            v.lines
                .iter()
                .filter(|o| Some(o.id) != selected() && o.state == LineState::Connected)
                .map(|o| (o.id, o.peer.clone()))
                .collect::<Vec<_>>()
        })
    };
    let blind = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(line) = selected() {
            send(Command::BlindTransfer {
                line,
                target: target.get_untracked(),
            });
        }
    };
    view! {
        <form class="transfer" data-testid="transfer-panel" on:submit=blind>
            <label>{said(lang, Label::TransferTo)}
                <input {..attr("type", "tel")} data-testid="transfer-number" bind:value=target />
            </label>
            <button {..attr("type", "submit")} data-testid="blind-transfer">{said(lang, Label::BlindTransfer)}</button>
            {move || others().into_iter().map(|(to, peer)| view! {
                <button {..attr("type", "button")} class="secondary" data-testid="attended-transfer" data-peer=peer.clone()
                    on:click=move |_| if let Some(line) = selected() { send(Command::AttendedTransfer { line, to }) }>
                    {l(Label::AttendedTransfer)} " " {peer.clone()}
                </button>
            }.into_any()).collect::<Vec<_>>()}
        </form>
    }
}
