//! The sign-in form as drawn: the app's, and the page's built-in copy painted before the app
//! is up (`crate::shell` renders it at build time, so the two cannot drift apart).

use leptos::prelude::*;

use super::attrs::{attr, bound};

use super::said::said;

use super::shown::Shown;
use web::SignInError;

use crate::i18n::{label, sign_in_error, Label};
use crate::state::{use_lang, Settings};

/// The form's fields, one signal each.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) ws_url: RwSignal<String>,
    pub(crate) sip_uri: RwSignal<String>,
    pub(crate) display_name: RwSignal<String>,
    pub(crate) auth_user: RwSignal<String>,
    pub(crate) ice: RwSignal<String>,
    pub(crate) turn: RwSignal<String>,
    pub(crate) turn_username: RwSignal<String>,
    pub(crate) turn_credential: RwSignal<String>,
    pub(crate) password: RwSignal<String>,
    pub(crate) remember: RwSignal<bool>,
}

/// The `data-testid` of the "remember" box.
pub(crate) const REMEMBER: &str = "remember";

/// The `data-testid`s of the folded sections' summaries.
pub(crate) const SECTIONS: [&str; 2] = ["account-more", "server-more"];

impl Fields {
    pub(crate) fn new(s: Settings) -> Self {
        Self {
            ws_url: RwSignal::new(s.ws_url),
            sip_uri: RwSignal::new(s.sip_uri),
            display_name: RwSignal::new(s.display_name),
            auth_user: RwSignal::new(s.auth_user),
            ice: RwSignal::new(s.ice_servers),
            turn: RwSignal::new(s.turn_servers),
            turn_username: RwSignal::new(s.turn_username),
            turn_credential: RwSignal::new(s.turn_credential),
            password: RwSignal::new(s.password),
            remember: RwSignal::new(s.remember),
        }
    }

    /// Every text field by its `data-testid`, as the form draws them.
    pub(crate) fn texts(&self) -> [(&'static str, RwSignal<String>); 9] {
        [
            ("sip-uri", self.sip_uri),
            ("password", self.password),
            ("display-name", self.display_name),
            ("auth-user", self.auth_user),
            ("ws-url", self.ws_url),
            ("ice-servers", self.ice),
            ("turn-servers", self.turn),
            ("turn-username", self.turn_username),
            ("turn-credential", self.turn_credential),
        ]
    }

    pub(crate) fn settings(&self) -> Settings {
        Settings {
            ws_url: self.ws_url.get_untracked(),
            sip_uri: self.sip_uri.get_untracked(),
            display_name: self.display_name.get_untracked(),
            auth_user: self.auth_user.get_untracked(),
            ice_servers: self.ice.get_untracked(),
            turn_servers: self.turn.get_untracked(),
            turn_username: self.turn_username.get_untracked(),
            turn_credential: self.turn_credential.get_untracked(),
            password: self.password.get_untracked(),
            remember: self.remember.get_untracked(),
        }
    }
}

/// A text field bound to one of the form's signals.
#[component]
fn Field(
    label: Label,
    testid: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label>{said(lang, label)}
            <input data-testid={testid} {..attr("type", if kind.is_empty() { "text" } else { kind })}
                {..attr("autocomplete", (!autocomplete.is_empty()).then_some(autocomplete))}
                {..attr("placeholder", (!placeholder.is_empty()).then_some(placeholder))}
                // Also as the attribute, which the page's built-in copy is drawn with.
                {..attr("value", value.get_untracked())} bind:value=value />
        </label>
    }
}

#[component]
pub(crate) fn SignInForm(
    fields: Fields,
    busy: RwSignal<bool>,
    error: RwSignal<Option<SignInError>>,
    on_submit: Callback<leptos::ev::SubmitEvent>,
) -> impl IntoView {
    let lang = use_lang();
    let l = move |what| label(lang.get(), what);
    let f = fields;
    let remember = f.remember;
    view! {
        // method="post" with no action: were the script ever to fail, a browser would still
        // not put the password in the address bar (a GET form would).
        <form class="card sign-in" {..attr("method", "post")} on:submit=move |ev| on_submit.run(ev)>
            <h2>{said(lang, Label::SignIn)}</h2>
            <Field label=Label::SipAddress testid="sip-uri" value=f.sip_uri autocomplete="username" />
            <Field label=Label::Password testid="password" value=f.password kind="password" autocomplete="current-password" />
            <label class="check">
                <input {..attr("type", "checkbox")} data-testid=REMEMBER prop:checked=remember
                    on:change=move |ev| remember.set(event_target_checked(&ev)) />
                {said(lang, Label::Remember)}
            </label>
            <details>
                <summary data-testid=SECTIONS[0]>{said(lang, Label::Account)}</summary>
                <Field label=Label::DisplayName testid="display-name" value=f.display_name autocomplete="name" />
                <Field label=Label::AuthUser testid="auth-user" value=f.auth_user />
            </details>
            <details>
                <summary data-testid=SECTIONS[1]>{said(lang, Label::Server)}</summary>
                <Field label=Label::WebSocketUrl testid="ws-url" value=f.ws_url />
                <Field label=Label::IceServers testid="ice-servers" value=f.ice placeholder="stun:stun.example.com:3478" />
                <Field label=Label::TurnServers testid="turn-servers" value=f.turn placeholder="turns:turn.example.com:5349" />
                <Field label=Label::TurnUsername testid="turn-username" value=f.turn_username />
                <Field label=Label::TurnCredential testid="turn-credential" value=f.turn_credential kind="password" autocomplete="off" />
            </details>
            // Busy: says so in words, instead of a greyed "Sign in".
            <button data-testid="sign-in" {..attr("type", "submit")} {..bound("disabled", move || busy.get())}
                {..bound("aria-busy", move || busy.get().then(|| "true".to_owned()))}>
                {move || l(if busy.get() { Label::SigningIn } else { Label::SignIn })}
            </button>
            <Shown when=move || error.with(Option::is_some)>
                <p class="error" data-testid="sign-in-error" {..attr("role", "alert")}>
                    {move || error.with(|e| e.as_ref().map(|e| sign_in_error(lang.get(), e)))}
                </p>
            </Shown>
        </form>
    }
}
