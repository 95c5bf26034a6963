//! The page's built-in sign-in screen: the header and the sign-in form, drawn at build time
//! from the app's own components and words into `index.html` (`src/bin/shell.rs`), so the
//! first paint already shows a form the agent can type into, long before the app's wasm has
//! arrived. A small inline script (`www/shell.js`) gives it the agent's language and the
//! remembered account, keeps a Sign in and opens the shortcuts' help; when the app is up it
//! takes all of that over ([`take_over`]) and removes the shell within one task, so no frame
//! shows the seam. If the app's code never comes (a network error, a 404 after a deploy, a
//! browser without WebAssembly), the script says so in the agent's words, with a Reload,
//! and gives the Sign in button back; if it is only slow, it says that after [`SLOW_MS`].

mod take_over;

use leptos::prelude::*;
use web::RegStatus;

use crate::components::{Fields, Header, Help, SignInForm, REMEMBER};
use crate::i18n::{self, label, loading, Label, Lang, Loading};
use crate::state::{Settings, KEY_LANG, REMEMBERED, STORED};

pub(crate) use take_over::{carry_over, hand_over, help_open};

/// The `id` of the shell's `<main>`; its other languages sit in `<template id="shell-xx">`.
const ID: &str = "shell";

/// How long the shell waits for the app's code before it says that the phone is still
/// loading. The page is about 480 KB gzipped: some 2.5 s on a 1.6 Mbit/s line, so past this a
/// link is slow enough that the agent should know why nothing happens yet.
pub const SLOW_MS: u32 = 8_000;

/// What goes in the page's `<body>`: the English screen, the others as templates, and the
/// script (the text of `www/shell.js`, a function of the config it is called with here).
pub fn body(script: &str) -> String {
    let mut out = screen(Lang::En);
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        out.push_str(&format!(
            r#"<template id="{ID}-{}">{}</template>"#,
            lang.tag(),
            screen(lang)
        ));
    }
    out.push_str(&format!(
        "<script>({})({});</script>",
        compact(script).trim_end_matches(';'),
        config()
    ));
    out
}

/// The script without its comment lines and indentation: the page carries it on every load.
fn compact(script: &str) -> String {
    script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The signed-out screen as the app draws it, for an empty storage.
fn screen(lang: Lang) -> String {
    Owner::new().with(|| {
        provide_context(RwSignal::new(lang));
        let fields = Fields::new(Settings::fresh());
        // Drawn once, so nothing tracks the signals read here.
        untrack(|| {
            view! {
            <main class="phone" id=ID>
                <Header status=i18n::registration(lang, &RegStatus::SignedOut) registered=false
                    signed_in=false help=RwSignal::new(false) on_sign_out=Callback::new(|()| {}) />
                // The app's help as it opens, for the script to show where the app would.
                <template data-help=""><Help open=RwSignal::new(true) /></template>
                <SignInForm fields busy=RwSignal::new(false) error=RwSignal::new(None)
                    on_submit=Callback::new(|_| {}) />
            </main>
        }
        .to_html()
        })
    })
}

/// The script's facts, taken from the app: where things are stored, its words per language.
fn config() -> String {
    let fields: Vec<String> = STORED
        .iter()
        .map(|(id, key, secret)| format!("[{},{},{secret}]", json(id), json(key)))
        .collect();
    let words: Vec<String> = Lang::ALL
        .iter()
        .map(|&l| {
            format!(
                "{}:{{\"signIn\":{},\"busy\":{},\"slow\":{},\"failed\":{},\"reload\":{}}}",
                json(l.tag()),
                json(label(l, Label::SignIn)),
                json(label(l, Label::SigningIn)),
                json(loading(l, Loading::Slow)),
                json(loading(l, Loading::Failed)),
                json(loading(l, Loading::Reload)),
            )
        })
        .collect();
    format!(
        "{{\"id\":{},\"lang\":{},\"fields\":[{}],\"remember\":[{},{},{}],\"slowMs\":{SLOW_MS},\"words\":{{{}}}}}",
        json(ID),
        json(KEY_LANG),
        fields.join(","),
        json(REMEMBER),
        json(REMEMBERED.0),
        json(REMEMBERED.1),
        words.join(",")
    )
}

/// A JSON string that is also safe inside `<script>`.
fn json(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
