//! The page's built-in sign-in screen: the header and the sign-in form, drawn at build time
//! from the app's own components and words into `index.html` (`src/bin/shell.rs`), so the
//! first paint already shows a form the agent can type into, long before the app's wasm has
//! arrived. A small inline script (`www/shell.js`) gives it the agent's language and the
//! remembered account and keeps a Sign in; when the app is up it takes all of that over
//! ([`take_over`]) and removes the shell within one task, so no frame shows the seam.

mod take_over;

use leptos::prelude::*;
use web::RegStatus;

use crate::components::{Fields, Header, SignInForm, REMEMBER};
use crate::i18n::{self, label, Label, Lang};
use crate::state::{Settings, KEY_LANG, REMEMBERED, STORED};

pub(crate) use take_over::{carry_over, hand_over};

/// The `id` of the shell's `<main>`; its other languages sit in `<template id="shell-xx">`.
const ID: &str = "shell";

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
                <SignInForm fields busy=RwSignal::new(false) error=RwSignal::new(None)
                    on_submit=Callback::new(|_| {}) />
            </main>
        }
        .to_html()
        })
    })
}

/// The script's facts, taken from the app: where things are stored, the busy words.
fn config() -> String {
    let fields: Vec<String> = STORED
        .iter()
        .map(|(id, key, secret)| format!("[{},{},{secret}]", json(id), json(key)))
        .collect();
    let busy: Vec<String> = Lang::ALL
        .iter()
        .map(|l| format!("{}:{}", json(l.tag()), json(label(*l, Label::SigningIn))))
        .collect();
    format!(
        "{{\"id\":{},\"lang\":{},\"fields\":[{}],\"remember\":[{},{},{}],\"busy\":{{{}}}}}",
        json(ID),
        json(KEY_LANG),
        fields.join(","),
        json(REMEMBER),
        json(REMEMBERED.0),
        json(REMEMBERED.1),
        busy.join(",")
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
