//! Calls ringing here: each with the caller and its own Answer and Decline; a desktop
//! notification when the tab is hidden; focus moves to the newest so a keyboard user is there.

use leptos::prelude::*;

use super::attrs::attr;

use super::effect::effect;

use super::said::said;

use super::rows::{rows, Rows};
use super::shown::Shown;
use web::{Command, LineView, PhoneView};

use super::DriverSlot;
use crate::i18n::{label, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn Incoming(view_state: RwSignal<PhoneView>, driver: DriverSlot) -> impl IntoView {
    let lang = use_lang();
    let ringing = Memo::new(move |_| {
        view_state.with(|v| {
            v.lines
                .iter()
                .filter(|l| l.can_answer)
                .cloned()
                .collect::<Vec<LineView>>()
        })
    });
    let send = move |cmd: Command| {
        if let Some(d) = driver.get_value() {
            d.command(cmd);
        }
    };
    // One notification per new call, only while the page is out of sight.
    let notified = StoredValue::new(Vec::new());
    effect(move || {
        let ringing = ringing.get();
        // Only calls still ringing need remembering.
        notified.update_value(|n: &mut Vec<web::LineId>| {
            n.retain(|id| ringing.iter().any(|l| l.id == *id))
        });
        for line in ringing {
            if notified.with_value(|n| n.contains(&line.id)) {
                continue;
            }
            notified.update_value(|n| n.push(line.id));
            web::notify_if_hidden(
                label(lang.get_untracked(), Label::IncomingCall),
                &line.peer,
                &format!("softphone-call-{}", line.id.0),
            );
        }
    });
    let row = move |line: LineView| {
        let id = line.id;
        let answer = NodeRef::<leptos::html::Button>::new();
        // Focus the newest call's Answer: the agent's keyboard is where the call is.
        effect(move || {
            if let Some(b) = answer.get() {
                let _ = b.focus();
            }
        });
        view! {
            <li class="incoming-call" data-testid="incoming-call" data-peer=line.peer.clone()>
                <span class="ring-dot" {..attr("aria-hidden", "true")}></span>
                <span class="who">
                    <strong class="caller">{line.peer.clone()}</strong>
                    <span class="number">{line.number.clone()}</span>
                </span>
                <button class="answer" data-testid="answer" node_ref=answer
                    on:click=move |_| send(Command::AnswerLine(id))>{said(lang, Label::Answer)}</button>
                <button class="decline" data-testid="decline"
                    on:click=move |_| send(Command::HangUpLine(id))>{said(lang, Label::Decline)}</button>
            </li>
        }
    };
    view! {
        <Shown when=move || ringing.with(|r| !r.is_empty())>
            <section class="card incoming" {..attr("role", "alert")} {..attr("aria-label", said(lang, Label::IncomingCall))}>
                <h2>{said(lang, Label::IncomingCall)}</h2>
                <ul>
                    <Rows each=rows(move || ringing.get(), |l: &LineView| l.id, row) />
                </ul>
            </section>
        </Shown>
    }
}
