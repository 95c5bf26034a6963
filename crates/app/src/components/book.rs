//! Directory, Recents and Favorites under the number field: a click puts the number in the
//! field, the call button calls it; the star keeps it in Favorites.

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::effect::effect;

use super::said::said;

use super::rows::{rows, Rows};
use super::shown::Shown;
use web::{Command, PhoneView};

use super::DriverSlot;
use crate::i18n::{label, Label};
use crate::state::{sweep, use_lang, CallRecord, DirEntry, Directory, Favorites, History};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Directory,
    Recents,
    Favorites,
}

#[component]
pub(crate) fn Book(
    view_state: RwSignal<PhoneView>,
    driver: DriverSlot,
    number: RwSignal<String>,
    history: RwSignal<History>,
    directory: RwSignal<Directory>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let tab = RwSignal::new(Tab::Recents);
    let favorites = RwSignal::new(Favorites::load());
    // Rows come and go as the number is typed and calls end, and each row's star reads the
    // favourites, which rarely change: sweep them whenever the rows may have changed.
    effect(move || {
        number.track();
        tab.track();
        history.track();
        sweep(favorites);
    });
    let call = move |n: String| {
        number.set(n.clone());
        if let Some(d) = driver.get_value() {
            if view_state.with_untracked(|v| v.controls.dial.enabled) {
                d.command(Command::Dial(n));
            }
        }
    };
    let choose = move |t: Tab| {
        tab.set(t);
        if t == Tab::Recents {
            history.update(History::mark_seen);
        }
    };
    let star = move |name: String, num: String| {
        let on = Signal::derive({
            let num = num.clone();
            move || favorites.with(|f| f.has(&num))
        });
        view! {
            <button {..attr("type", "button")} class="star" data-testid="star" {..bound("aria-pressed", move || on.get().to_string())}
                {..bound("aria-label", move || l(if on.get() { Label::Unstar } else { Label::Star }).to_owned())}
                {..bound("title", move || l(if on.get() { Label::Unstar } else { Label::Star }).to_owned())}
                on:click=move |_| favorites.update(|f| f.toggle(&name, &num))>
                {move || if on.get() { "★" } else { "☆" }.to_owned()}
            </button>
        }
    };
    let entry_row = move |e: DirEntry| {
        let (name, num) = (e.name.clone(), e.number.clone());
        let dial_num = num.clone();
        view! {
            <li class="entry" data-testid="book-entry" data-number=num.clone()>
                <button {..attr("type", "button")} class="pick" on:click=move |_| number.set(dial_num.clone())>
                    <span class="name">{name.clone()}</span>
                    <span class="number">{num.clone()}</span>
                </button>
                {star(name.clone(), num.clone())}
                <button {..attr("type", "button")} class="call-icon" data-testid="book-call"
                    {..bound("aria-label", move || format!("{} {}", l(Label::Call), e.name))}
                    on:click={let n = num.clone(); move |_| call(n.clone())}>{super::icons::Icon::Phone.view()}</button>
            </li>
        }
    };
    let recent_row = move |c: CallRecord| {
        let result = c.result;
        let num = c.number.clone();
        let when = js_sys::Date::new(&c.at_ms.into());
        let time = format!("{:02}:{:02}", when.get_hours(), when.get_minutes());
        view! {
            <li class="entry recent" class:missed=c.unseen data-testid="recent" data-result=result.token()>
                <button {..attr("type", "button")} class="pick" on:click={let n = num.clone(); move |_| number.set(n.clone())}>
                    <span class="name">{c.peer.clone()}</span>
                    <span class="number">
                        {said(lang, if c.incoming { Label::IncomingShort } else { Label::OutgoingShort })}
                        " · " <span data-testid="recent-result">{said(lang, result_label(result))}</span>
                        " · " {time.clone()}
                        {(c.seconds > 0).then(|| format!(" · {}", crate::i18n::duration(c.seconds)))}
                    </span>
                </button>
                {star(c.peer.clone(), num.clone())}
                <button {..attr("type", "button")} class="call-icon" data-testid="redial"
                    {..bound("aria-label", move || format!("{} {}", l(Label::Call), c.peer))}
                    on:click={let n = num.clone(); move |_| call(n.clone())}>{super::icons::Icon::Phone.view()}</button>
            </li>
        }
    };
    let tab_button = move |t: Tab, what: Label, testid: &'static str| {
        view! {
            <button {..attr("type", "button")} {..attr("role", "tab")} data-testid={testid} {..bound("aria-selected", move || (tab.get() == t).to_string())}
                class:on=move || tab.get() == t on:click=move |_| choose(t)>
                {said(lang, what)}
                {(t == Tab::Recents).then(|| view! {
                    <Shown when=move || history.with(|h| h.unseen() > 0)>
                        <span class="count" data-testid="missed-count">{move || history.with(History::unseen).to_string()}</span>
                    </Shown>
                }.into_any())}
            </button>
        }
    };
    view! {
        <section class="card book">
            <div class="tabs" {..attr("role", "tablist")}>
                {tab_button(Tab::Directory, Label::Directory, "tab-directory")}
                {tab_button(Tab::Recents, Label::Recents, "tab-recents")}
                {tab_button(Tab::Favorites, Label::Favorites, "tab-favorites")}
            </div>
            <div {..attr("role", "tabpanel")}>
            <ul class="entries">
                // Keyed rows: a new call adds one row instead of drawing the whole list again
                // (the soak saw Wasm memory grow faster with every call while Recents was
                // redrawn whole on each one).
                {move || {
                    let empty = move || view! { <li class="empty">{l(Label::NothingHere)}</li> };
                    match tab.get() {
                        Tab::Directory => {
                            let shown = move || {
                                let q = number.get();
                                directory.with(|d| d.entries.iter().filter(|e| e.matches(&q)).cloned().collect::<Vec<_>>())
                            };
                            view! {
                                <Shown when=move || !shown().is_empty() fallback=empty>
                                    <Rows each=rows(shown, |e: &DirEntry| (e.name.clone(), e.number.clone()), entry_row) />
                                </Shown>
                            }.into_any()
                        }
                        Tab::Recents => view! {
                            <Shown when=move || history.with(|h| !h.calls.is_empty()) fallback=empty>
                                <Rows each=rows(move || history.get().calls, |c: &CallRecord| (c.at_ms.to_bits(), c.number.clone(), c.unseen), recent_row) />
                            </Shown>
                        }.into_any(),
                        Tab::Favorites => view! {
                            <Shown when=move || favorites.with(|f| !f.0.is_empty()) fallback=empty>
                                <Rows each=rows(move || favorites.get().0, |e: &DirEntry| (e.name.clone(), e.number.clone()), entry_row) />
                            </Shown>
                        }.into_any(),
                    }
                }}
            </ul>
            </div>
        </section>
    }
}

fn result_label(r: crate::state::CallResult) -> Label {
    use crate::state::CallResult as R;
    match r {
        R::Answered => Label::ResultAnswered,
        R::Missed => Label::ResultMissed,
        R::Declined => Label::ResultDeclined,
        R::Busy => Label::ResultBusy,
        R::NotFound => Label::ResultNotFound,
        R::NoAnswer => Label::ResultNoAnswer,
        R::Failed => Label::ResultFailed,
    }
}
