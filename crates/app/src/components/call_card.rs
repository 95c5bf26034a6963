//! The call card of the selected call: who, state, timer, badges, and the call's controls
//! (`call_controls`) while it is live.

use std::time::Duration;

use leptos::prelude::*;

use super::attrs::attr;

use super::said::said;
use web::{Instant, LineState, MediaHealth, PhoneView};

use super::call_controls::CallControls;
use super::quality::QualityBadge;
use super::DriverSlot;
use crate::i18n::{self, label, Label};
use crate::state::use_lang;

#[component]
pub(crate) fn CallCard(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    /// Focused by Consult so the agent can type the number to consult.
    number_field: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let line = Memo::new(move |_| view_state.with(|v| v.line.clone()));
    // A call ringing here is answered in the incoming panel, not from the card.
    let live = Memo::new(move |_| {
        line.with(|l| {
            l.as_ref()
                .filter(|l| !matches!(l.state, LineState::Ended(_)) && !l.can_answer)
                .map(|l| l.id)
        })
    });
    let tick = RwSignal::new(0u64);
    let handle = set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(1));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let state_text = move || {
        line.with(|current| match current {
            Some(line) => i18n::line_state(lang.get(), &line.state),
            None => l(Label::Idle).to_owned(),
        })
    };
    let timer = move || {
        tick.track();
        line.with(|l| {
            l.as_ref()
                .and_then(|l| l.connected_at.filter(|_| l.state == LineState::Connected))
                .map(|t| i18n::duration(Instant::now().saturating_duration_since(t).as_secs()))
        })
    };
    let badges = move || {
        line.with(|l| {
            let Some(l) = l
                .as_ref()
                .filter(|l| !matches!(l.state, LineState::Ended(_)))
            else {
                return Vec::new();
            };
            let mut b = Vec::new();
            if l.held {
                b.push(("held", label(lang.get(), Label::OnHold).to_owned()));
            }
            if l.remote_held {
                b.push((
                    "remote-held",
                    label(lang.get(), Label::HoldingYou).to_owned(),
                ));
            }
            if l.reconnecting {
                b.push((
                    "reconnecting",
                    label(lang.get(), Label::Reconnecting).to_owned(),
                ));
            }
            if matches!(
                l.media,
                MediaHealth::Interrupted | MediaHealth::Restarting | MediaHealth::Failed
            ) {
                b.push(("media", i18n::media_health(lang.get(), l.media).to_owned()));
            }
            b
        })
    };
    view! {
        <section class="card call" {..attr("aria-live", "polite")} {..attr("aria-label", said(lang, Label::Calls))}>
            <div class="call-head">
                <div class="avatar" {..attr("aria-hidden", "true")}>
                    {move || line.with(|l| l.as_ref().and_then(|l| l.peer.chars().next()).unwrap_or('·').to_string())}
                </div>
                <div class="who">
                    <div class="call-peer" data-testid="call-peer">
                        {move || line.with(|l| l.as_ref().map(|l| l.peer.clone()))}
                    </div>
                    // Reactive children give AnyView (`.into_any()`, here and across the
                    // components) so that all of them share one copy of the render code.
                    {move || view_state.with(|v| {
                        let conf = v.conference.as_ref()?;
                        let joined = v.line.as_ref().is_some_and(|l| l.in_conference || !conf.host);
                        joined.then(|| view! {
                            <div class="call-conference" data-testid="call-conference">
                                {l(Label::Conference)} " · " {conf.participants} " " {l(Label::Participants)}
                            </div>
                        }.into_any())
                    })}
                    <div class="call-state" data-testid="call-state">{state_text}</div>
                </div>
                <div class="call-timer" data-testid="call-timer">{timer}</div>
            </div>
            <div class="badges" data-testid="call-hold">
                <QualityBadge testid="call-quality" quality=Signal::derive(move || line.with(|l| {
                    l.as_ref().filter(|l| !matches!(l.state, LineState::Ended(_))).and_then(|l| l.quality)
                })) />
                {move || badges().into_iter().map(|(kind, text)| view! {
                    <span class=format!("badge {kind}") data-testid=format!("badge-{kind}")>{text}</span>
                }.into_any()).collect::<Vec<_>>()}
                {move || line.with(|l| l.as_ref().filter(|l| !l.dtmf_received.is_empty()).map(|l| view! {
                    <span class="badge digits" data-testid="dtmf-received">
                        {label(lang.get(), Label::DigitsReceived)} ": " {l.dtmf_received.clone()}
                    </span>
                }.into_any()))}
            </div>
            // Made for the live line and dropped with it (see call_controls).
            {move || live.get().map(|id| view! { <CallControls view_state driver number_field id /> }.into_any())}
        </section>
    }
}
