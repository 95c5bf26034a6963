//! The screens of the phone: sign-in, then the agent desktop.

mod ahead;
mod attrs;
mod book;
mod call_card;
mod call_controls;
mod contact_info;
mod control_button;
mod devices;
mod dialer;
mod effect;
mod header;
mod icons;
mod incoming;
mod keypad;
mod quality;
mod questions;
mod rows;
mod said;
mod shortcuts;
mod shown;
mod sign_in;
mod sign_in_form;
mod transfer;

use leptos::prelude::*;

use attrs::attr;
use leptos::task::spawn_local;
use web::crm::{AppRequest, Bridge, CrmAnswer, ErrorReason};
use web::{PhoneView, RegStatus, Runtime};

use crate::i18n::{self, sign_in_error, Lang};
use crate::state::{
    instance_id, load_directory, load_lang, save_lang, set_swept, sweep, Directory, History,
};
use web::SignInError;

/// Where the deployment puts its directory (beside index.html).
const DIRECTORY_URL: &str = "./directory.json";
use book::Book;
use call_card::CallCard;
use contact_info::ContactInfo;
use devices::Settings;
use dialer::Dialer;
use effect::effect;
pub(crate) use header::Header;
use incoming::Incoming;
use questions::Questions;
pub(crate) use shortcuts::Help;
use shortcuts::Shortcuts;
use shown::Shown;
use sign_in::SignIn;
pub(crate) use sign_in_form::{Fields, SignInForm, REMEMBER, SECTIONS};

/// The running phone, once signed in; kept out of the reactive graph (it is not `Send`).
pub(crate) type DriverSlot = StoredValue<Option<Runtime>, LocalStorage>;

/// How the audio (microphone, AudioContext, worklet) came up after the latest sign-in:
/// `None` while it starts, which registration does not wait for.
pub(crate) type AudioStatus = RwSignal<Option<Result<(), SignInError>>>;

/// The bridge to the CRM page around the phone; `None` when it is not embedded.
pub(crate) type BridgeSlot = StoredValue<Option<Bridge>, LocalStorage>;

/// The App's bridge slot (an empty one outside the App, as in component tests).
pub(crate) fn use_bridge() -> BridgeSlot {
    use_context::<BridgeSlot>().unwrap_or_else(|| StoredValue::new_local(None))
}

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
    let audio: AudioStatus = RwSignal::new(None);
    provide_context(audio);
    let directory = RwSignal::new(Directory::default());
    spawn_local(async move {
        let from_file = load_directory(DIRECTORY_URL).await;
        // The CRM's list, if it came first, stays.
        directory.update(|d| {
            if !d.from_crm {
                d.entries = from_file;
            }
        });
    });
    let embedded = web::crm::is_embedded();
    let bridge: BridgeSlot = StoredValue::new_local(None);
    provide_context(bridge);
    let on_crm = move |request: AppRequest, answer: CrmAnswer| match request {
        AppRequest::SetDirectory(entries) => {
            directory.set(Directory::from_crm(entries));
            answer.send(Ok(()));
        }
        AppRequest::SetLanguage(language) => {
            let chosen = Lang::from_crm(language);
            save_lang(chosen);
            lang.set(chosen);
            answer.send(Ok(()));
        }
        AppRequest::SignIn(mut account) => {
            account.instance_id = instance_id();
            spawn_local(async move {
                let result =
                    sign_in::start(*account, view_state, driver, bridge.get_value(), audio).await;
                answer.send_sign_in(result.as_ref().map(|_| ()));
            });
        }
        _ => answer.send(Err(ErrorReason::UnknownCommand)),
    };
    bridge.set_value(Bridge::start(on_crm));
    // Said at once, before any sign-in: the CRM forgot `allow="microphone"` on its iframe.
    let mic_blocked = embedded && web::crm::frame_allows_microphone() == Some(false);
    let history = RwSignal::new(History::load());
    // Every ended call goes to Recents once. When a line goes, so do its views: the
    // language, which a shift never changes, is swept of their subscriptions.
    let mut lines_before = None;
    effect(move || {
        lines_before = Some(view_state.with(|v| {
            let mut changed = false;
            history.update_untracked(|h| changed = h.observe(&v.lines));
            if changed {
                sweep(history);
            }
            if lines_before.is_some_and(|n| v.lines.len() < n) {
                sweep(lang);
            }
            v.lines.len()
        }));
    });
    // Input levels per mixer port for the speaking indicators (E3), five times a second.
    let levels = RwSignal::new(Vec::<f32>::new());
    let poll = set_interval_with_handle(
        move || {
            if let Some(d) = driver.get_value() {
                set_swept(levels, d.levels().iter().map(|(rms, _)| *rms).collect());
            }
        },
        std::time::Duration::from_millis(200),
    );
    on_cleanup(move || {
        if let Ok(h) = poll {
            h.clear();
        }
    });
    let number = RwSignal::new(String::new());
    let number_field = NodeRef::<leptos::html::Input>::new();
    // Open already if the agent opened it on the page's built-in screen.
    let help = RwSignal::new(crate::shell::help_open());
    // The desktop comes a frame after the registrar's first answer, so that the status
    // saying so is on screen first (the desktop's first render holds the main thread some
    // 25 ms), or once the audio has come up without that answer (web::SIGNALLING_FIRST_MS).
    // Its first render, done at the click, held the REGISTER up. Once shown, it stays
    // through any later re-registering.
    let answered = RwSignal::new(false);
    effect(move || {
        let (out, settled) = view_state.with(|v| {
            (
                v.registration == RegStatus::SignedOut,
                matches!(v.registration, RegStatus::Registered | RegStatus::Failed(_)),
            )
        });
        if out {
            answered.set(false);
        } else if settled && !answered.get_untracked() {
            web::after_paint(move || {
                let still = view_state
                    .try_with_untracked(|v| v.registration != RegStatus::SignedOut)
                    .unwrap_or(false);
                if still {
                    answered.try_set(true);
                }
            });
        }
    });
    let signed_in = Memo::new(move |shown: Option<&bool>| {
        view_state.with(|v| v.registration != RegStatus::SignedOut)
            && (shown.copied().unwrap_or(false) || answered.get() || audio.with(Option::is_some))
    });
    let registered = move || view_state.with(|v| v.registration == RegStatus::Registered);
    let status = move || view_state.with(|v| i18n::registration(lang.get(), &v.registration));
    let sign_out = move |()| {
        // The runtime finishes the un-REGISTER on its own; the page is done with it now.
        if let Some(d) = driver.get_value() {
            d.sign_out();
        }
        driver.set_value(None);
        if let Some(b) = bridge.get_value() {
            b.set_runtime(None);
            b.observe(&signed_out());
        }
        view_state.set(signed_out());
        audio.set(None);
    };
    view! {
        <main class="phone" class:desk=move || signed_in.get() && !embedded class:embedded=embedded>
            <Header status=Signal::derive(status) registered=Signal::derive(registered)
                signed_in=signed_in help on_sign_out=Callback::new(sign_out) />
            <Help open=help />
            <Shown when=move || mic_blocked>
                <p class="error embed-problem" data-testid="embed-problem" {..attr("role", "alert")}>
                    {move || sign_in_error(lang.get(), &SignInError::MicrophoneBlockedByFrame)}
                </p>
            </Shown>
            <Shown
                when=move || signed_in.get()
                fallback=move || view! { <SignIn view_state driver audio /> }
            >
                <Shown when=move || audio.with(|a| matches!(a, Some(Err(_))))>
                    // Registered all the same; calls have no media until the next sign-in.
                    <p class="error audio-problem" data-testid="audio-problem" {..attr("role", "alert")}>
                        {move || audio.with(|a| match a {
                            Some(Err(e)) => sign_in_error(lang.get(), e),
                            _ => String::new(),
                        })}
                    </p>
                </Shown>
                <Shortcuts view_state driver help />
                <div class="col calls-col">
                    <Incoming view_state driver />
                    <Questions view_state driver />
                    <CallCard view_state driver number_field />
                    <ContactInfo view_state driver levels />
                </div>
                <div class="col dial-col">
                    <Dialer view_state driver number number_field />
                    <Book view_state driver number history directory />
                    <Settings driver view_state />
                </div>
            </Shown>
        </main>
    }
}
